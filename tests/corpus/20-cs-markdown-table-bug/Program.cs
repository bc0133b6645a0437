using System;
using System.Globalization;

class Program
{
    static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    static void Main()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        double[] input = { 0.05, 0.10 };
        double[] target = { 0.01, 0.99 };
        double[] w = { 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55 };
        double b1 = 0.35, b2 = 0.60, lr = 0.5;
        double[] grad = new double[8];

        Console.WriteLine("| epoch | loss | w5 | w6 |");
        Console.WriteLine("|------:|-----:|---:|---:|");
        for (int epoch = 0; epoch < 10000; epoch++)
        {
            double h1 = Sigmoid(w[0] * input[0] + w[1] * input[1] + b1);
            double h2 = Sigmoid(w[2] * input[0] + w[3] * input[1] + b1);
            double o1 = Sigmoid(w[4] * h1 + w[5] * h2 + b2);
            double o2 = Sigmoid(w[6] * h1 + w[7] * h2 + b2);
            double loss = 0.5 * Math.Pow(target[0] - o1, 2) + 0.5 * Math.Pow(target[1] - o2, 2);

            double d1 = (o1 - target[0]) * o1 * (1 - o1);
            double d2 = (o2 - target[1]) * o2 * (1 - o2);
            double e1 = (d1 * w[4] + d2 * w[6]) * h1 * (1 - h1);
            double e2 = (d1 * w[5] + d2 * w[7]) * h2 * (1 - h2);
            grad[0] += e1 * input[0];
            grad[1] += e1 * input[1];
            grad[2] += e2 * input[0];
            grad[3] += e2 * input[1];
            grad[4] += d1 * h1;
            grad[5] += d1 * h2;
            grad[6] += d2 * h1;
            grad[7] += d2 * h2;
            for (int k = 0; k < 8; k++)
                w[k] -= lr * grad[k];

            if (epoch % 1000 == 0)
                Console.WriteLine($"| {epoch} | {loss:F10} | {w[4]:F10} | {w[5]:F10} |");
        }
    }
}
