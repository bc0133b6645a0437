#include <stdio.h>
#include <math.h>

#define EPOCHS 10000

double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

int main(void)
{
    double i1 = 0.05, i2 = 0.10, t1 = 0.01, t2 = 0.99;
    double w1 = 0.15, w2 = 0.20, w3 = 0.25, w4 = 0.30;
    double w5 = 0.40, w6 = 0.45, w7 = 0.50, w8 = 0.55;
    double b1 = 0.35, b2 = 0.60, lr = 0.5;
    double h1, h2, o1, o2, loss;
    int epoch;

    for (epoch = 1; epoch <= EPOCHS; epoch++) {
        h1 = sigmoid(w1 * i1 + w2 * i2 + b1);
        h2 = sigmoid(w3 * i1 + w4 * i2 + b1);
        o1 = sigmoid(w5 * h1 + w6 * h2 + b2);
        o2 = sigmoid(w7 * h1 + w8 * h2 + b2);

        double delta_o1 = (o1 - t1) * o1 * (1 - o1);
        double delta_o2 = (o2 - t2) * o2 * (1 - o2);
        double delta_h1 = (delta_o1 * w5 + delta_o2 * w7) * h1 * (1 - h1);
        double delta_h2 = (delta_o1 * w6 + delta_o2 * w8) * h2 * (1 - h2);

        w5 -= lr * delta_o1 * h1;
        w6 -= lr * delta_o1 * h2;
        w7 -= lr * delta_o2 * h1;
        w8 -= lr * delta_o2 * h2;
        w1 -= lr * delta_h1 * i1;
        w2 -= lr * delta_h1 * i2;
        w3 -= lr * delta_h2 * i1;
        w4 -= lr * delta_h2 * i2;

        if (epoch % 1000 == 0) {
            h1 = sigmoid(w1 * i1 + w2 * i2 + b1);
            h2 = sigmoid(w3 * i1 + w4 * i2 + b1);
            o1 = sigmoid(w5 * h1 + w6 * h2 + b2);
            o2 = sigmoid(w7 * h1 + w8 * h2 + b2);
            loss = 0.5 * (t1 - o1) * (t1 - o1) + 0.5 * (t2 - o2) * (t2 - o2);
            printf("Training %d/%d loss=%g\n", epoch, EPOCHS, loss);
        }
    }
    return 0;
}
