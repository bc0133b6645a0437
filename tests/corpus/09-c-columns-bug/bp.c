/* backprop on the 2-2-2 example; prints "iteration error" columns for gnuplot */
#include <stdio.h>
#include <math.h>

static double sig(double z) { return 1.0 / (1.0 + exp(-z)); }

int main(void)
{
    double in[2] = {0.05, 0.10}, tg[2] = {0.01, 0.99};
    double w[8] = {0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55};
    double b1 = 0.35, b2 = 0.60, eta = 0.5;
    double g[8];
    int it, k;

    for (it = 0; it < 10000; it++) {
        double h1 = sig(w[0] * in[0] + w[1] * in[1] + b1);
        double h2 = sig(w[2] * in[0] + w[3] * in[1] + b1);
        double o1 = sig(w[4] * h1 + w[5] * h2 + b2);
        double o2 = sig(w[6] * h1 + w[7] * h2 + b2);
        double err = 0.5 * (pow(tg[0] - o1, 2) + pow(tg[1] - o2, 2));
        if (it % 100 == 0)
            printf("%d %.12f\n", it, err);

        double d1 = (o1 - tg[0]) * o1 * (1.0 - o1);
        double d2 = (o2 - tg[1]) * o2 * (1.0 - o2);
        double dh1 = (d1 * w[4] + d2 * w[5]) * h1 * (1.0 - h1);
        double dh2 = (d1 * w[6] + d2 * w[7]) * h2 * (1.0 - h2);
        g[0] = dh1 * in[0]; g[1] = dh1 * in[1];
        g[2] = dh2 * in[0]; g[3] = dh2 * in[1];
        g[4] = d1 * h1; g[5] = d1 * h2;
        g[6] = d2 * h1; g[7] = d2 * h2;
        for (k = 0; k < 8; k++)
            w[k] -= eta * g[k];
    }
    return 0;
}
