#include <stdio.h>
#include <string.h>
#include <math.h>

#define EPOCHS 10000
#define WIDTH 20

double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

double I[2] = {0.05, 0.10}, T[2] = {0.01, 0.99};
double Wh[2][2] = {{0.15, 0.20}, {0.25, 0.30}};
double Wo[2][2] = {{0.40, 0.45}, {0.50, 0.55}};
double bh = 0.35, bo = 0.60, lr = 0.5;
double H[2], O[2];

double forward(void)
{
    int j, k;
    for (j = 0; j < 2; j++) H[j] = sigmoid(Wh[j][0] * I[0] + Wh[j][1] * I[1] + bh);
    for (k = 0; k < 2; k++) O[k] = sigmoid(Wo[k][0] * H[0] + Wo[k][1] * H[1] + bo);
    return 0.5 * ((T[0] - O[0]) * (T[0] - O[0]) + (T[1] - O[1]) * (T[1] - O[1]));
}

int main(void)
{
    int epoch, j, k;
    char bar[WIDTH + 1];
    for (epoch = 1; epoch < EPOCHS; epoch++) {
        double loss = forward();
        double dO[2], dH[2];
        for (k = 0; k < 2; k++) dO[k] = (O[k] - T[k]) * O[k] * (1 - O[k]);
        for (j = 0; j < 2; j++) dH[j] = (dO[0] * Wo[0][j] + dO[1] * Wo[1][j]) * H[j] * (1 - H[j]);
        for (k = 0; k < 2; k++)
            for (j = 0; j < 2; j++) Wo[k][j] -= lr * dO[k] * H[j];
        for (j = 0; j < 2; j++)
            for (k = 0; k < 2; k++) Wh[j][k] -= lr * dH[j] * I[k];
        if (epoch % 100 == 0) {
            int filled = epoch * WIDTH / EPOCHS;
            memset(bar, ' ', WIDTH);
            memset(bar, '#', filled);
            bar[WIDTH] = '\0';
            printf("%5d/%d [%s] loss=%.4f\n", epoch, EPOCHS, bar, loss);
        }
    }
    printf("Done. loss=%.10f\n", forward());
    return 0;
}
