public class Backprop {
    public static void main(String[] args) {
        double[] input = {0.05, 0.10};
        double[] target = {0.01, 0.99};
        double[][] wHidden = {{0.15, 0.20}, {0.25, 0.30}};
        double[][] wOutput = {{0.40, 0.45}, {0.50, 0.55}};
        double bHidden = 0.35, bOutput = 0.60;
        double rate = 0.5;
        double[] hidden = new double[2];
        double[] output = new double[2];

        for (int epoch = 0; epoch < 10000; epoch++) {
            for (int j = 0; j < 2; j++) {
                double net = wHidden[j][0] * input[0] + wHidden[j][1] * input[1] + bHidden;
                hidden[j] = 1 / (1 + Math.exp(-net));
            }
            for (int k = 0; k < 2; k++) {
                double net = wOutput[k][0] * hidden[0] + wOutput[k][1] * hidden[1] + bOutput;
                output[k] = 1 / (1 + Math.exp(-net));
            }
            double error = 1.0 / 2 * (Math.pow(target[0] - output[0], 2) + Math.pow(target[1] - output[1], 2));
            if (epoch % 500 == 0) {
                System.out.println("Epoch: " + epoch + " Error: " + error);
            }
            double[] deltaOut = new double[2];
            for (int k = 0; k < 2; k++) {
                deltaOut[k] = (output[k] - target[k]) * output[k] * (1 - output[k]);
            }
            double[] deltaHidden = new double[2];
            for (int j = 0; j < 2; j++) {
                double sum = 0;
                for (int k = 0; k < 2; k++) sum += deltaOut[k] * wOutput[k][j];
                deltaHidden[j] = sum * hidden[j] * (1 - hidden[j]);
            }
            for (int k = 0; k < 2; k++)
                for (int j = 0; j < 2; j++) wOutput[k][j] -= rate * deltaOut[k] * hidden[j];
            for (int j = 0; j < 2; j++)
                for (int i = 0; i < 2; i++) wHidden[j][i] -= rate * deltaHidden[j] * input[i];
        }
    }
}
