#include <stdio.h>
#include <math.h>

float sigmoid(float net) { return 1.0 / (1.0 + expf(-net)); }

int main(void)
{
    float i1 = 0.05, i2 = 0.10, t1 = 0.01, t2 = 0.99;
    float w1 = 0.15, w2 = 0.20, w3 = 0.25, w4 = 0.30, w5 = 0.40, w6 = 0.45, w7 = 0.50, w8 = 0.55;
    float b1 = 0.35, b2 = 0.60, eta = 0.5;
    for (int n = 0; n < 10000; n++) {
        float out_h1 = sigmoid(w1 * i1 + w2 * i2 + b1);
        float out_h2 = sigmoid(w3 * i1 + w4 * i2 + b1);
        float out_o1 = sigmoid(w5 * out_h1 + w6 * out_h2 + b2);
        float out_o2 = sigmoid(w7 * out_h1 + w8 * out_h2 + b2);
        float E_total = 0.5 * (t1 - out_o1) * (t1 - out_o1) + 0.5 * (t2 - out_o2) * (t2 - out_o2);

        float dE_dnet_o1 = -(t1 - out_o1) * out_o1 * (1 - out_o1);
        float dE_dnet_o2 = -(t2 - out_o2) * out_o2 * (1 - out_o2);
        float dE_dw5 = dE_dnet_o1 * out_h1, dE_dw6 = dE_dnet_o1 * out_h2;
        float dE_dw7 = dE_dnet_o2 * out_h1, dE_dw8 = dE_dnet_o2 * out_h2;
        float dE_dout_h1 = dE_dnet_o1 * w5 + dE_dnet_o2 * w7;
        float dE_dout_h2 = dE_dnet_o1 * w6 + dE_dnet_o2 * w8;
        float dE_dw1 = dE_dout_h1 * out_h1 * (1 - out_h1) * i1;
        float dE_dw2 = dE_dout_h1 * out_h1 * (1 - out_h1) * i2;
        float dE_dw3 = dE_dout_h2 * out_h2 * (1 - out_h2) * i1;
        float dE_dw4 = dE_dout_h2 * out_h2 * (1 - out_h2) * i2;

        w1 -= eta * dE_dw1; w2 -= eta * dE_dw2; w3 -= eta * dE_dw3; w4 -= eta * dE_dw4;
        w5 -= eta * dE_dw5; w6 -= eta * dE_dw6; w7 -= eta * dE_dw7; w8 -= eta * dE_dw8;

        if (n % 1000 == 0) {
            printf("iteration %d\n", n);
            printf("  out_o1 = %e\n", out_o1);
            printf("  out_o2 = %e\n", out_o2);
            printf("  E_total = %.17g\n", E_total);
            printf("  dE/dw1 = %.17g\n", dE_dw1);
            printf("  dE/dw5 = %.17g\n", dE_dw5);
            printf("  w1 after update = %.17g\n", w1);
            printf("  w5 after update = %.17g\n", w5);
        }
    }
    return 0;
}
