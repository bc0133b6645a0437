public class Network {
    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    public static void main(String[] args) {
        double i1 = 0.05, i2 = 0.10;
        double target1 = 0.01, target2 = 0.99;
        double w1 = 0.15, w2 = 0.20, w3 = 0.25, w4 = 0.30;
        double w5 = 0.40, w6 = 0.45, w7 = 0.50, w8 = 0.55;
        double b1 = 0.35, b2 = 0.60;
        double learningRate = 0.5;
        double loss = 0;

        System.out.println("Training...");
        for (int epoch = 0; epoch < 10000; epoch++) {
            double h1 = sigmoid(w1 * i1 + w2 * i2 + b1);
            double h2 = sigmoid(w3 * i1 + w4 * i2 + b1);
            double o1 = sigmoid(w5 * h1 + w6 * h2 + b2);
            double o2 = sigmoid(w7 * h1 + w8 * h2 + b2);
            loss = 0.5 * Math.pow(target1 - o1, 2) + 0.5 * Math.pow(target2 - o2, 2);

            double deltaO1 = (o1 - target1) * o1 * (1 - o1);
            double deltaO2 = (o2 - target2) * o2 * (1 - o2);
            double deltaH1 = (deltaO1 * w5 + deltaO2 * w7) * h1 * (1 - h1);
            double deltaH2 = (deltaO1 * w6 + deltaO2 * w8) * h2 * (1 - h2);

            w5 -= learningRate * deltaO1 * h1;
            w6 -= learningRate * deltaO1 * h2;
            w7 -= learningRate * deltaO2 * h1;
            w8 -= learningRate * deltaO2 * h2;
            w1 -= learningRate * deltaH1 * i1;
            w2 -= learningRate * deltaH1 * i2;
            w3 -= learningRate * deltaH2 * i1;
            w4 -= learningRate * deltaH2 * i2;
        }
        System.out.println(loss);
    }
}
