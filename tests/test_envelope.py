"""One tolerance for every program: correct programs pass under the noise envelope, subtly wrong ones fail.

The envelope is the reference's (golden/*/envelope.csv, derived by Monte
Carlo arithmetic); no program has a tolerance of its own. The programs here
are independent of the reference: the registered implementations, and small
programs written below in Python, JavaScript and C that read the spec as JSON.
Each prints its largest error as a fraction of what is allowed (-s shows it).
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pytest
from backprop_verify.implementations.registry import REGISTRY
from backprop_verify.implementations.spec_json import dumps
from backprop_verify.implementations.vectorized import run as vectorized
from backprop_verify.reference import envelope, examples
from backprop_verify.reference.spec import load
from backprop_verify.verify import programs, truth
from backprop_verify.verify.status import Status

SUPPORTED = [pytest.param(name, example, marks=[pytest.mark.needs(program.runtime)] if program.runtime else [])
             for example in examples.names() for name, program in REGISTRY.items()
             if program.supports(load(examples.spec_path(example))) is None]


@pytest.mark.slow
@pytest.mark.parametrize("name,example", SUPPORTED)
def test_every_registered_program_passes_under_the_envelope(name, example):
    verdict = programs.verify_program(REGISTRY[name], load(examples.spec_path(example)))
    if verdict.status is Status.SKIPPED:
        pytest.skip(verdict.reason)
    print(f"{name} on {example}: largest error {verdict.largest:.3g} of the allowed")
    assert verdict.status is Status.PASSED, verdict.line()
    assert verdict.comparison.values_checked == verdict.comparison.truth.trajectory.size, verdict.line()


def test_the_envelope_is_tight_where_it_matters(documented):
    """At iteration 0 a correct program is a few ULPs from the truth; the envelope stays a few dozen."""
    bound = truth.load(documented)
    ulps = bound.envelope[0] / np.spacing(np.abs(bound.trajectory[0]))
    assert ulps.max() <= 64, ulps
    late = bound.envelope[-1] / np.spacing(np.abs(bound.trajectory[-1]))
    assert late.max() > 100 * np.median(ulps)  # and grows with the iterations


# --- correct programs written differently --------------------------------------------------------------

REVERSED_PYTHON = r'''
import json, math, sys
spec = json.load(sys.stdin)
w, b = spec["w"], spec["b"]
(x1, x2), (t1, t2) = spec["examples"][0]["inputs"], spec["examples"][0]["targets"]
rate = spec["learning_rate"]
def sigmoid(net):
    e = math.exp(net)
    return e / (1 + e)
print("iteration,out_o1,out_o2,E_total," + ",".join(f"dE_dw{k}" for k in range(1, 9)) + ","
      + ",".join(f"w{k}_new" for k in range(1, 9)))
for it in range(spec["iterations"]):
    h1 = sigmoid(b[0] + w[1] * x2 + w[0] * x1)
    h2 = sigmoid(b[0] + w[3] * x2 + w[2] * x1)
    o1 = sigmoid(b[1] + w[5] * h2 + w[4] * h1)
    o2 = sigmoid(b[1] + w[7] * h2 + w[6] * h1)
    E = (o2 - t2) ** 2 / 2 + (o1 - t1) ** 2 / 2
    d1, d2 = o1 * (1 - o1) * (o1 - t1), o2 * (1 - o2) * (o2 - t2)
    g = [0.0] * 8
    g[4], g[5], g[6], g[7] = h1 * d1, h2 * d1, h1 * d2, h2 * d2
    e1, e2 = (w[6] * d2 + w[4] * d1) * h1 * (1 - h1), (w[7] * d2 + w[5] * d1) * h2 * (1 - h2)
    g[0], g[1], g[2], g[3] = x1 * e1, x2 * e1, x1 * e2, x2 * e2
    w = [wk - gk * rate for wk, gk in zip(w, g)]
    print(",".join(repr(v) for v in [it, o1, o2, E, *g, *w]))
'''

JAVASCRIPT = r'''
const spec = JSON.parse(require("fs").readFileSync(0, "utf8"));
let w = spec.w.slice(); const [b1, b2] = spec.b;
const [i1, i2] = spec.examples[0].inputs, [t1, t2] = spec.examples[0].targets, rate = spec.learning_rate;
const sig = x => 1 / (1 + Math.exp(-x));
const out = [];
for (let it = 0; it < spec.iterations; it++) {
  const h1 = sig(w[0] * i1 + w[1] * i2 + b1), h2 = sig(w[2] * i1 + w[3] * i2 + b1);
  const o1 = sig(w[4] * h1 + w[5] * h2 + b2), o2 = sig(w[6] * h1 + w[7] * h2 + b2);
  const E = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2;
  const d1 = (o1 - t1) * o1 * (1 - o1), d2 = (o2 - t2) * o2 * (1 - o2);
  const g5 = d1 * h1, g6 = d1 * h2, g7 = d2 * h1, g8 = d2 * h2;
  const e1 = (d1 * w[4] + d2 * w[6]) * h1 * (1 - h1), e2 = (d1 * w[5] + d2 * w[7]) * h2 * (1 - h2);
  const g = [e1 * i1, e1 * i2, e2 * i1, e2 * i2, g5, g6, g7, g8];
  w = w.map((v, k) => v - rate * g[k]);
  out.push(`step ${it}: out_o1=${o1} out_o2=${o2} E_total=${E} ` +
           g.map((v, k) => `dE_dw${k + 1}=${v}`).join(" ") + " " + w.map((v, k) => `w${k + 1}_new=${v}`).join(" "));
}
console.log(out.join("\n"));
'''

C_PROGRAM = r'''
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static char text[1 << 16];
static double numbers_after(const char *key, double *into, int count) {
    char *at = strstr(text, key) + strlen(key);
    for (int k = 0; k < count; k++) { while (*at && !strchr("-0123456789.", *at)) at++; into[k] = strtod(at, &at); }
    return into[0];
}
static double sig(double x) { return 1.0 / (1.0 + exp(-x)); }
int main(void) {
    fread(text, 1, sizeof text - 1, stdin);
    double w[8], b[2], x[2], t[2], rate, n;
    numbers_after("\"w\":", w, 8); numbers_after("\"b\":", b, 2);
    numbers_after("\"inputs\":", x, 2); numbers_after("\"targets\":", t, 2);
    numbers_after("\"learning_rate\":", &rate, 1); numbers_after("\"iterations\":", &n, 1);
    for (long it = 0; it < (long)n; it++) {
        double h1 = sig(w[0] * x[0] + w[1] * x[1] + b[0]), h2 = sig(w[2] * x[0] + w[3] * x[1] + b[0]);
        double o1 = sig(w[4] * h1 + w[5] * h2 + b[1]), o2 = sig(w[6] * h1 + w[7] * h2 + b[1]);
        double E = 0.5 * (t[0] - o1) * (t[0] - o1) + 0.5 * (t[1] - o2) * (t[1] - o2);
        double d1 = (o1 - t[0]) * o1 * (1 - o1), d2 = (o2 - t[1]) * o2 * (1 - o2);
        double e1 = (d1 * w[4] + d2 * w[6]) * h1 * (1 - h1), e2 = (d1 * w[5] + d2 * w[7]) * h2 * (1 - h2);
        double g[8] = {e1 * x[0], e1 * x[1], e2 * x[0], e2 * x[1], d1 * h1, d1 * h2, d2 * h1, d2 * h2};
        printf("%ld %.17g %.17g %.17g", it, o1, o2, E);
        for (int k = 0; k < 8; k++) printf(" %.17g", g[k]);
        for (int k = 0; k < 8; k++) { w[k] -= rate * g[k]; printf(" %.17g", w[k]); }
        printf("\n");
    }
    return 0;
}
'''

COLUMNS = ",".join(["iteration", "out_o1", "out_o2", "E_total", *(f"dE_dw{k}" for k in range(1, 9)),
                    *(f"w{k}_new" for k in range(1, 9))])


def trace(argv: list[str], spec, iterations: int | None = None, **printing) -> programs.Verdict:
    options = programs.Options(iterations=iterations, printing=programs.Printing(**printing))
    return programs.verify_command(argv, spec, options, stdin=dumps(spec, iterations).encode())


def assert_passes(verdict, label: str, values: int = 190_000) -> None:
    print(f"{label}: {verdict.line()}")
    assert verdict.status is Status.PASSED, verdict.line()
    assert verdict.comparison.values_checked == values


def test_a_python_rewrite_with_every_sum_reversed_and_another_sigmoid_passes(tmp_path, documented):
    program = tmp_path / "reversed.py"
    program.write_text(REVERSED_PYTHON, encoding="utf-8")
    assert_passes(trace([sys.executable, str(program)], documented), "reversed Python")


@pytest.mark.needs("node")
def test_a_javascript_program_passes(tmp_path, documented):
    program = tmp_path / "net.js"
    program.write_text(JAVASCRIPT, encoding="utf-8")
    # 2,000 iterations: the registered JavaScript program (implementations/javascript) runs every one of them;
    # this one is here for its output, pairs on a line that the reader cuts apart.
    assert_passes(trace(["node", str(program)], documented, 2000), "JavaScript", 2000 * 19)


@pytest.mark.parametrize("flags", [["-O2"], ["-O2", "-march=native"], ["-O3", "-ffast-math"]],
                         ids=["O2", "native-fma", "fast-math"])
@pytest.mark.slow
@pytest.mark.needs("gcc")
def test_a_c_program_passes_however_it_is_compiled(tmp_path, documented, flags):
    source, binary = tmp_path / "net.c", tmp_path / "net"
    source.write_text(C_PROGRAM, encoding="utf-8")
    subprocess.run(["gcc", *flags, "-o", str(binary), str(source), "-lm"], check=True)
    assert_passes(trace([str(binary)], documented, columns=tuple(COLUMNS.split(","))), f"C {' '.join(flags)}")


# --- subtly wrong programs fail --------------------------------------------------------------------------

def perturbed(spec, **changes):
    return dataclasses.replace(spec, **changes)


def nudged_weight(spec, index: int, relative: str):
    layers = [[list(row) for row in matrix] for matrix in spec.weight_layers]
    flat = [(m, r, c) for m, matrix in enumerate(layers) for r, row in enumerate(matrix) for c in range(len(row))]
    m, r, c = flat[index]
    layers[m][r][c] *= 1 + Decimal(relative)
    return perturbed(spec, weight_layers=tuple(tuple(tuple(row) for row in matrix) for matrix in layers))


SUBTLE = {
    "w1 changed by 1e-10 relative": lambda spec: nudged_weight(spec, 0, "1e-10"),
    "w8 changed by 1e-10 relative": lambda spec: nudged_weight(spec, 7, "1e-10"),
    "w1 changed by 1e-12 relative": lambda spec: nudged_weight(spec, 0, "1e-12"),
    "learning rate 0.5000001": lambda spec: perturbed(spec, learning_rate=Decimal("0.5000001")),
}


@pytest.mark.parametrize("case", SUBTLE)
def test_a_subtly_wrong_program_fails(case, documented):
    """vectorized, run on a slightly different spec, against the documented example's truth."""
    comparison = programs.verify_frame(vectorized(SUBTLE[case](documented)), truth.load(documented),
                                       diagnose=False).comparison
    beyond = int((np.nan_to_num(comparison.ratio) > 1).sum())
    print(f"{case}: caught at {comparison.first_divergence}; {beyond:,} values beyond the envelope; largest "
          f"{comparison.max_ratio:,.0f} times the allowed")
    assert not comparison.passed
    assert comparison.first_divergence.iteration == 0
    assert comparison.max_ratio > 10


def test_float32_fails_under_the_float64_envelope_and_passes_under_its_own(documented):
    iterations = 2000  # the float32 envelope of the full run costs seconds; its first fifth shows the point
    got = vectorized(documented, iterations, dtype="float32")
    as_float64 = programs.verify_frame(got, truth.load(documented, iterations), diagnose=False).comparison
    assert not as_float64.passed and as_float64.max_ratio > 1e6
    as_float32 = programs.verify_frame(got, truth.load(documented, iterations, precision="float32"),
                                       diagnose=False).comparison
    assert as_float32.values_checked == as_float64.values_checked == iterations * len(as_float32.timeline.quantities)
    print(f"float32 under the float32 envelope: largest {as_float32.max_ratio:.3g} of the allowed")
    assert as_float32.passed, str(as_float32.first_divergence)


def test_the_envelope_is_the_same_for_any_program_and_deterministic(documented):
    """Derived from the example alone: a second derivation gives the same numbers (the bytes are checked in
    test_reference); the method's settings are those golden/README.md states."""
    spreads = envelope.spread(documented, truth.load(documented).trajectory[:50])
    again = envelope.spread(documented, truth.load(documented).trajectory[:50])
    assert (spreads == again).all()
    assert (envelope.SAMPLES, envelope.MARGIN, envelope.FLOOR_ULPS) == (32, 4, 4)
