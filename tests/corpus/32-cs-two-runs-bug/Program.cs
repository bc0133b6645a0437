using System;
using System.Globalization;

class Program
{
    static readonly double[] InitialWeights = { 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55 };

    static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    static void Train(int run)
    {
        double[] w = InitialWeights;
        double i1 = 0.05, i2 = 0.10, t1 = 0.01, t2 = 0.99, b1 = 0.35, b2 = 0.60, lr = 0.5;
        Console.WriteLine($"Run {run}");
        for (int epoch = 0; epoch < 10000; epoch++)
        {
            double h1 = Sigmoid(w[0] * i1 + w[1] * i2 + b1);
            double h2 = Sigmoid(w[2] * i1 + w[3] * i2 + b1);
            double o1 = Sigmoid(w[4] * h1 + w[5] * h2 + b2);
            double o2 = Sigmoid(w[6] * h1 + w[7] * h2 + b2);
            double error = 0.5 * (t1 - o1) * (t1 - o1) + 0.5 * (t2 - o2) * (t2 - o2);
            if (epoch % 2000 == 0)
                Console.WriteLine("  epoch " + epoch + ": error = " + error.ToString("R"));

            double d1 = (o1 - t1) * o1 * (1 - o1);
            double d2 = (o2 - t2) * o2 * (1 - o2);
            double e1 = (d1 * w[4] + d2 * w[6]) * h1 * (1 - h1);
            double e2 = (d1 * w[5] + d2 * w[7]) * h2 * (1 - h2);
            double[] g = { e1 * i1, e1 * i2, e2 * i1, e2 * i2, d1 * h1, d1 * h2, d2 * h1, d2 * h2 };
            for (int k = 0; k < 8; k++)
                w[k] -= lr * g[k];
        }
    }

    static void Main()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        // train twice to check that the result is reproducible
        Train(1);
        Train(2);
    }
}
