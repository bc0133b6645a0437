import java.util.Locale;

public class TinyNet {
    static double[] w = {0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55};
    static final double I1 = 0.05, I2 = 0.10, T1 = 0.01, T2 = 0.99, B1 = 0.35, B2 = 0.60, LR = 0.5;
    static double h1, h2, o1, o2;

    static double sigmoid(double z) { return 1 / (1 + Math.exp(-z)); }

    static double forward() {
        h1 = sigmoid(w[0] * I1 + w[1] * I2 + B1);
        h2 = sigmoid(w[2] * I1 + w[3] * I2 + B1);
        o1 = sigmoid(w[4] * h1 + w[5] * h2 + B2);
        o2 = sigmoid(w[6] * h1 + w[7] * h2 + B2);
        return 0.5 * (T1 - o1) * (T1 - o1) + 0.5 * (T2 - o2) * (T2 - o2);
    }

    static double[] gradients() {
        forward();
        double d1 = (o1 - T1) * o1 * (1 - o1);
        double d2 = (o2 - T2) * o2 * (1 - o2);
        double e1 = (d1 * w[4] + d2 * w[6]) * h1 * (1 - h1);
        double e2 = (d1 * w[5] + d2 * w[7]) * h2 * (1 - h2);
        return new double[] {e1 * I1, e1 * I2, e2 * I1, e2 * I2, d1 * h1, d1 * h2, d2 * h1, d2 * h2};
    }

    static void step() {
        double[] g = gradients();
        for (int k = 0; k < 8; k++) {
            w[k] -= LR * g[k];
        }
    }

    public static void main(String[] args) {
        for (int epoch = 0; epoch <= 10000; epoch++) {
            if (epoch % 1000 == 0) {
                double loss = forward();
                System.out.println("Epoch " + epoch);
                System.out.println("out_o1: " + o1 + " (target 0.01)");
                System.out.println("out_o2: " + o2 + " (target 0.99)");
                System.out.println("loss " + loss + " (" + String.format(Locale.ROOT, "%.2f", loss * 100) + "%)");
            }
            if (epoch < 10000) step();
        }
    }
}
