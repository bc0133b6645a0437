/* Headerless columns "iteration loss", every 100 iterations, the loss with 12 decimals.
 *
 *   0 0.298371108760
 *   100 0.020046828249
 *
 * Nothing names the columns, so the command does: --columns iteration,E_total.
 * Build: gcc -O2 -o columns examples/columns.c -lm
 */
#include "network.h"

int main(void) {
    Spec s = read_spec();
    for (long it = 0; it < s.iterations; it++) {
        Step r = train_step(&s);
        if (it % 100 == 0) printf("%ld %.12f\n", it, r.loss);
    }
    return 0;
}
