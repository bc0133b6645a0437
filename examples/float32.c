/* The network in single precision (float), printing the loss and two weights at every iteration as CSV.
 *
 * A float32 program is verified against the float32 envelope: --precision float32.
 * Every number is read from the spec as a double, then rounded once to float.
 * Build: gcc -O2 -o float32 examples/float32.c -lm
 */
#include "network.h"

static float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

int main(void) {
    Spec s = read_spec();
    float x1 = (float)s.x[0], x2 = (float)s.x[1], t1 = (float)s.t[0], t2 = (float)s.t[1];
    float b1 = (float)s.b[0], b2 = (float)s.b[1], rate = (float)s.rate, w[8];
    for (int k = 0; k < 8; k++) w[k] = (float)s.w[k];
    printf("iteration,E_total,w1_new,w5_new\n");
    for (long it = 0; it < s.iterations; it++) {
        float h1 = sigmoidf(w[0] * x1 + w[1] * x2 + b1), h2 = sigmoidf(w[2] * x1 + w[3] * x2 + b1);
        float o1 = sigmoidf(w[4] * h1 + w[5] * h2 + b2), o2 = sigmoidf(w[6] * h1 + w[7] * h2 + b2);
        float loss = 0.5f * (t1 - o1) * (t1 - o1) + 0.5f * (t2 - o2) * (t2 - o2);
        float d1 = (o1 - t1) * o1 * (1.0f - o1), d2 = (o2 - t2) * o2 * (1.0f - o2);
        float e1 = (d1 * w[4] + d2 * w[6]) * h1 * (1.0f - h1), e2 = (d1 * w[5] + d2 * w[7]) * h2 * (1.0f - h2);
        float g[8] = {e1 * x1, e1 * x2, e2 * x1, e2 * x2, d1 * h1, d1 * h2, d2 * h1, d2 * h2};
        for (int k = 0; k < 8; k++) w[k] -= rate * g[k];
        printf("%ld,%.9g,%.9g,%.9g\n", it, loss, w[0], w[4]);
    }
    return 0;
}
