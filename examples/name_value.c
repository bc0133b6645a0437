/* Every quantity, every iteration, as "name = value" lines with a tab indent under an iteration label.
 *
 *   iteration 0
 *   	out_o1 = 0.75136506955231575
 *   	...
 *   	w8_new = 0.56137012110798912
 *
 * %.17g prints 17 significant digits, enough to give back the exact double.
 * Build: gcc -O2 -o name_value examples/name_value.c -lm
 */
#include "network.h"

int main(void) {
    Spec s = read_spec();
    for (long it = 0; it < s.iterations; it++) {
        Step r = train_step(&s);
        printf("iteration %ld\n", it);
        printf("\tout_o1 = %.17g\n\tout_o2 = %.17g\n\tE_total = %.17g\n", r.out[0], r.out[1], r.loss);
        for (int k = 0; k < 8; k++) printf("\tdE_dw%d = %.17g\n", k + 1, r.grad[k]);
        for (int k = 0; k < 8; k++) printf("\tw%d_new = %.17g\n", k + 1, s.w[k]);
    }
    return 0;
}
