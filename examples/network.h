/* The 2-2-2 sigmoid network of the worked example, for the C examples, and a tiny reader of its spec.
 *
 * read_spec() takes the spec as JSON on standard input (backprop-verify trace
 * --stdin-spec): it finds each key it needs and reads the numbers after it with
 * strtod, which rounds every decimal to the nearest double. It understands only
 * the one line of JSON the verifier writes, not JSON in general.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double x[2], t[2], w[8], b[2], rate; /* w[0..7] are w1..w8, b[0..1] are b1, b2 */
    long iterations;
} Spec;

typedef struct {
    double out[2], loss, grad[8]; /* out_o1, out_o2, E_total, dE_dw1..dE_dw8 */
} Step;

/* The numbers after "key": in json, up to the end of its value (one number or a flat list). */
static int numbers(const char *json, const char *key, double *out, int most) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = strstr(json, pattern);
    if (p == NULL) {
        fprintf(stderr, "the spec has no \"%s\"\n", key);
        exit(2);
    }
    p += strlen(pattern);
    int n = 0;
    while (n < most) {
        while (*p == ' ' || *p == '[') p++;
        char *end;
        double value = strtod(p, &end);
        if (end == p) break;
        out[n++] = value;
        p = end;
        if (*p == ',') p++;
    }
    return n;
}

static Spec read_spec(void) {
    static char json[1 << 16];
    size_t size = fread(json, 1, sizeof json - 1, stdin);
    json[size] = '\0';
    Spec s;
    double iterations;
    numbers(json, "inputs", s.x, 2); /* the first example's */
    numbers(json, "targets", s.t, 2);
    numbers(json, "w", s.w, 8);
    numbers(json, "b", s.b, 2);
    numbers(json, "learning_rate", &s.rate, 1);
    numbers(json, "iterations", &iterations, 1);
    s.iterations = (long)iterations;
    return s;
}

static inline double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* One iteration: the forward pass and the gradients with the weights s->w, which it then updates in
 * place: training starts from the spec's weights. (inline: a program not calling it gets no warning.) */
static inline Step train_step(Spec *s) {
    double *w = s->w;
    Step r;
    double h1 = sigmoid(w[0] * s->x[0] + w[1] * s->x[1] + s->b[0]);
    double h2 = sigmoid(w[2] * s->x[0] + w[3] * s->x[1] + s->b[0]);
    r.out[0] = sigmoid(w[4] * h1 + w[5] * h2 + s->b[1]);
    r.out[1] = sigmoid(w[6] * h1 + w[7] * h2 + s->b[1]);
    r.loss = 0.5 * (s->t[0] - r.out[0]) * (s->t[0] - r.out[0]) + 0.5 * (s->t[1] - r.out[1]) * (s->t[1] - r.out[1]);
    double d1 = (r.out[0] - s->t[0]) * r.out[0] * (1.0 - r.out[0]); /* dE/dnet_o1 */
    double d2 = (r.out[1] - s->t[1]) * r.out[1] * (1.0 - r.out[1]);
    double e1 = (d1 * w[4] + d2 * w[6]) * h1 * (1.0 - h1); /* dE/dnet_h1, before w5..w8 change */
    double e2 = (d1 * w[5] + d2 * w[7]) * h2 * (1.0 - h2);
    double g[8] = {e1 * s->x[0], e1 * s->x[1], e2 * s->x[0], e2 * s->x[1], d1 * h1, d1 * h2, d2 * h1, d2 * h2};
    for (int k = 0; k < 8; k++) {
        r.grad[k] = g[k];
        w[k] -= s->rate * g[k];
    }
    return r;
}
