"""The mutation suite: every deliberately wrong program is caught under the envelope, and its mistake named.

Python mutants run in process and are compared with the truth's first rows;
Ruby mutants (text edits of the project's Ruby program) go through the trace
protocol like any program. The diagnosis sees only the numbers, never which
mutant made them, and must name the mutant's category from the catalogue.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from backprop_verify.implementations.loop import Loop
from backprop_verify.implementations.spec_json import dumps
from backprop_verify.implementations.vectorized import Vectorized
from backprop_verify.reference import examples
from backprop_verify.reference.spec import load
from backprop_verify.verify import programs, truth
from backprop_verify.verify.mistakes import variants
from backprop_verify.verify.mistakes.mutants import MUTANTS, Mutant
from backprop_verify.verify.mistakes.ruby_mutants import BROKEN_VARIANTS, RUBY_MUTANTS, SCRIPT, RubyMutant
from backprop_verify.verify.status import Status
from backprop_verify.verify.trace import read_text

RUBY_ITERATIONS = 3


# --- mutants of the catalogue's other categories, made here like those of verify/mistakes/mutants.py ----------

class BiasDoubled(Loop):
    def net(self, w_a, x_a, w_b, x_b, b):
        return w_a * x_a + w_b * x_b + 2.0 * b


class SwappedInNet(Loop):
    def net(self, w_a, x_a, w_b, x_b, b):
        self.calls = getattr(self, "calls", -1) + 1  # net_h1, net_h2, net_o1, net_o2 in every step
        return w_b * x_a + w_a * x_b + b if self.calls % 4 == 0 else w_a * x_a + w_b * x_b + b


class WrongIndexInNet(Loop):
    def net(self, w_a, x_a, w_b, x_b, b):
        self.calls = getattr(self, "calls", -1) + 1
        return w_a * x_a + w_a * x_b + b if self.calls % 4 == 0 else w_a * x_a + w_b * x_b + b


class Rounded(Loop):
    def update(self, w, dE_dw):
        return round(w - self.learning_rate * dE_dw, 4)


class Accumulated(Loop):
    def update(self, w, dE_dw):
        self.calls = getattr(self, "calls", -1) + 1  # w5..w8, then w1..w4, in every step
        self.sums = getattr(self, "sums", [0.0] * 8)
        self.sums[self.calls % 8] += dE_dw
        return w - self.learning_rate * self.sums[self.calls % 8]


class RateTypo(Loop):
    def update(self, w, dE_dw):
        return w - 0.05 * dE_dw


class LossSummed(Loop):
    def E_total(self, target_o1, out_o1, target_o2, out_o2):
        return (target_o1 - out_o1) ** 2 + (target_o2 - out_o2) ** 2


class OldWeightsPrinted(Loop):
    def rows(self, iterations):
        weights, biases, rows = self.weights, self.biases, []
        for _ in range(iterations):
            head, new, biases = self.step(weights, biases)
            rows.append(head + weights)
            weights = new
        return rows


class StartedElsewhere(Loop):
    def __init__(self, spec):
        super().__init__(spec)
        self.weights = (0.16, *self.weights[1:])  # w1 is 0.15 in the notes


class OneAtATime(Loop):
    def step(self, weights, biases, trace=None):
        head, _, new_biases = super().step(weights, biases)
        current = list(weights)
        for k in range(len(current)):  # w1..w8, each from a fresh pass with the ones before it updated
            current[k] = super().step(tuple(current), biases)[1][k]
        return head, tuple(current), new_biases


class Dampened(Vectorized):
    def momentum(self):
        mu = self.settings["momentum"]
        if getattr(self, "stepped", False):
            self.velocity *= mu
            self.velocity += (1 - mu) * self.trained_grad
        else:
            self.velocity += self.trained_grad  # the first velocity is the gradient, as PyTorch starts it
            self.stepped = True
        self.trained -= self.learning_rate * self.velocity


class BiasesNeverUpdated(Vectorized):
    def sgd(self):
        weights = sum(w.size for w in self.W)  # the biases come after the weights; their gradients are printed
        self.trained[:weights] -= self.learning_rate * self.trained_grad[:weights]


class LossesSummed(Vectorized):
    def __init__(self, spec, dtype="float64"):
        super().__init__(spec, dtype)
        self.scale = self.dtype(1.0)  # the spec averages the examples' losses


MORE: dict[str, Mutant] = {mutant.name: mutant for mutant in [
    Mutant("bias doubled", BiasDoubled, "net added its bias twice", variants.BIAS_DOUBLED),
    Mutant("w1 and w2 swapped in net_h1", SwappedInNet, "net_h1 took w2 * i1 + w1 * i2", variants.FORWARD_SWAP),
    Mutant("w1 for w2 in net_h1", WrongIndexInNet, "net_h1 took w1 * i1 + w1 * i2", variants.FORWARD_INDEX),
    Mutant("weights rounded", Rounded, "each new weight was rounded to 4 decimals", variants.ROUNDED),
    Mutant("gradients accumulated", Accumulated, "each update used the sum of every gradient so far",
           variants.ACCUMULATED, diverges_at=1),
    Mutant("learning rate 0.05", RateTypo, "the update used 0.05 for the learning rate", variants.LEARNING_RATE_VALUE),
    Mutant("loss summed", LossSummed, "E_total printed as the full sum of the squared errors", variants.LOSS_SCALE,
           "printing"),
    Mutant("old weights printed", OldWeightsPrinted, "the weights before the update printed as the new ones",
           variants.PRINTING, "printing"),
    Mutant("w1 started at 0.16", StartedElsewhere, "w1 started at 0.16", variants.START_VALUE),
    Mutant("one at a time", OneAtATime, "each weight updated from a fresh pass", variants.ONE_AT_A_TIME),
    Mutant("momentum dampened", Dampened, "the velocity was dampened, mu * v + (1 - mu) * g", variants.OPTIMIZER,
           diverges_at=1),
    Mutant("biases never updated", BiasesNeverUpdated, "the bias gradients were computed and printed, never applied",
           variants.BIASES_FIXED),
    Mutant("losses summed", LossesSummed, "the examples' losses were summed where the spec averages them",
           variants.REDUCTION),
]}
EXAMPLE = {"momentum dampened": "relu-linear-momentum", "biases never updated": "per-neuron-trained",
           "losses summed": "per-neuron-3-4-2"}  # the others run on the notes' example
NOT_NAMED: dict[str, str] = {}  # mutants whose mistake the catalogue does not name (none now)


@pytest.mark.parametrize("name", [*MUTANTS, *MORE])
def test_a_mutant_is_one_overridden_method(name):
    network = {**MUTANTS, **MORE}[name].network
    overridden = [key for key, value in vars(network).items() if callable(value)]
    assert len(overridden) == 1 and hasattr(network.__base__, overridden[0]), overridden


@pytest.mark.parametrize("name", MUTANTS)
def test_every_python_mutant_is_caught_and_its_mistake_named(name, documented):
    mutant = MUTANTS[name]
    verdict = programs.verify_frame(mutant.run(documented), truth.load(documented, mutant.iterations), program=name)
    assert verdict.status is Status.FAILED, f"{name} was not caught: {verdict.line()}"
    assert verdict.first_divergence.iteration == mutant.diverges_at, verdict.line()
    assert verdict.cause is not None, verdict.line()
    assert (verdict.cause.category, verdict.cause.kind) == (mutant.category, mutant.kind), verdict.line()


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=NOT_NAMED[n]))
                                  if n in NOT_NAMED else n for n in MORE])
def test_every_mutant_made_here_is_caught_and_its_mistake_named(name):
    mutant = MORE[name]
    spec = load(examples.spec_path(EXAMPLE.get(name, examples.DOCUMENTED)))
    verdict = programs.verify_frame(mutant.run(spec), truth.load(spec, mutant.iterations), program=name)
    assert verdict.status is Status.FAILED, f"{name} was not caught: {verdict.line()}"
    assert verdict.first_divergence.iteration == mutant.diverges_at, verdict.line()
    assert verdict.cause is not None, verdict.line()
    assert (verdict.cause.category, verdict.cause.kind) == (mutant.category, mutant.kind), verdict.line()


def loss_trace(spec, updates: int, printed: int) -> str:
    """A trace of the loss at each of ``printed`` iterations, then after training, of a loop run ``updates`` times."""
    network = Loop(spec)
    weights, biases, losses = network.weights, network.biases, []
    for _ in range(max(updates, printed) + 1):
        head, weights, biases = network.step(weights, biases)
        losses.append(head[2])  # E_total with the weights after len(losses) - 1 updates
    return "".join(f"iteration {k}: E_total = {e!r}\n" for k, e in enumerate(losses[:printed])) + \
        f"final E_total = {losses[updates]!r}\n"


def test_a_program_that_ran_one_update_too_many_is_said_to(documented):
    verdict = programs.verify_printout(read_text(loss_trace(documented, 11, 10)), truth.load(documented, 10))
    assert verdict.status is Status.FAILED and verdict.first_divergence.where.startswith("after training"), \
        verdict.line()
    assert verdict.cause is not None and verdict.cause.category == variants.ITERATIONS, verdict.line()
    assert "11 updates, not 10" in str(verdict.cause), verdict.line()


def test_the_catalogue_and_the_mutation_suite_cover_each_other():
    """Every category the diagnosis knows is made by some mutant."""
    known = {value for key, value in vars(variants).items() if key.isupper() and isinstance(value, str)}
    made = {m.category for m in [*MUTANTS.values(), *MORE.values(), *RUBY_MUTANTS.values()]}
    made.add(variants.ITERATIONS)  # test_a_program_that_ran_one_update_too_many_is_said_to
    assert known == made, f"never exercised: {known - made}"
    assert made <= known


@pytest.mark.parametrize("name", ["loop", "vectorized"])
def test_a_correct_program_gets_no_diagnosis(name, documented):
    from backprop_verify.implementations.registry import REGISTRY
    verdict = programs.verify_frame(REGISTRY[name].run(documented, 100), truth.load(documented, 100), program=name)
    assert verdict.status is Status.PASSED and verdict.cause is None, verdict.line()


def test_an_unknown_mistake_is_not_given_a_known_cause(documented):
    bound = truth.load(documented, 2)
    frame = pd.DataFrame(bound.trajectory, columns=bound.quantities)  # the golden rows, as a program's table
    frame.insert(0, "iteration", range(len(frame)))
    frame.loc[0, "dE_dw3"] *= 1.5  # no classic mistake changes one hidden gradient by half
    verdict = programs.verify_frame(frame, bound)
    assert verdict.status is Status.FAILED and verdict.first_divergence.quantity == "dE_dw3", verdict.line()
    assert verdict.diagnosed and verdict.cause is None, verdict.line()


# --- Ruby mutants, through the trace protocol ----------------------------------------------------------

# Broken programs whose verdict the trace path's rewrite changed on purpose, and the verdict they now get:
REREAD = {
    # "af_E_w3:0.00049...x": a word right after a number is its unit (verify/trace/lines.py), so every value is
    # read, and every one is right.
    "a value not a number": (Status.PASSED, None),
    # A fourth iteration of a run of three: the values beyond the run are no error, but a failure.
    "one iteration too many": (Status.FAILED, None),
}
# A value that is still not a number: a decimal comma (the trace protocol's own example of a value refused).
DECIMAL_COMMA = RubyMutant("a decimal comma", [('"af_E_w3:#{grad_w3}"', '"af_E_w3:#{grad_w3.to_s.sub(\'.\', \',\')}"')],
                           "", "")
ERRORED = [n for n, (_, status, _) in BROKEN_VARIANTS.items() if status == "errored" and n not in REREAD]


@pytest.fixture(scope="module")
def ruby_verdicts(documented, tmp_path_factory):
    if shutil.which("ruby") is None:
        return {}
    folder = tmp_path_factory.mktemp("ruby-mutants")
    edits = {name: RubyMutant(name, list(edits), "", "") for name, (edits, _, _) in BROKEN_VARIANTS.items()}
    edits.update(RUBY_MUTANTS)
    edits[DECIMAL_COMMA.name] = DECIMAL_COMMA
    # Three iterations are enough for every mistake to show (the truth of a shorter run is the start of the full one).
    options = programs.Options(iterations=RUBY_ITERATIONS,
                               printing=programs.Printing(names_file=SCRIPT.parent / "neuron_rb_names.toml"))
    return {name: programs.verify_command(["ruby", str(mutant.write(folder))], documented, options,
                                          stdin=dumps(documented, RUBY_ITERATIONS).encode())
            for name, mutant in edits.items()}


@pytest.mark.ruby
@pytest.mark.parametrize("name", RUBY_MUTANTS)
def test_every_ruby_mutant_is_caught_and_its_mistake_named(name, ruby_verdicts):
    verdict = ruby_verdicts[name]
    assert verdict.status is Status.FAILED, verdict.line()
    assert verdict.cause is not None and verdict.cause.category == RUBY_MUTANTS[name].category, verdict.line()


@pytest.mark.ruby
@pytest.mark.parametrize("name", ERRORED)
def test_a_broken_ruby_program_is_errored_with_its_own_diagnosis(name, ruby_verdicts):
    verdict = ruby_verdicts[name]
    _, status, kind = BROKEN_VARIANTS[name]
    assert (verdict.status, verdict.kind) == (Status.ERRORED, kind), verdict.line()
    assert verdict.exit_code == 2 and "\n" not in verdict.reason


@pytest.mark.ruby
@pytest.mark.parametrize("name", REREAD)
def test_a_broken_ruby_program_reread_by_the_new_trace_path(name, ruby_verdicts):
    verdict = ruby_verdicts[name]
    assert (verdict.status, verdict.kind) == REREAD[name], verdict.line()
    assert verdict.comparison.values_checked == RUBY_ITERATIONS * len(verdict.comparison.timeline.quantities) + \
        (3 if name == "one iteration too many" else 0), verdict.line()  # + the outputs and E_total after training


@pytest.mark.ruby
def test_a_ruby_program_running_one_iteration_too_many_is_said_to(ruby_verdicts):
    verdict = ruby_verdicts["one iteration too many"]
    assert verdict.status is Status.FAILED and "goes beyond the run's 3 iterations" in verdict.reason, verdict.line()
    assert verdict.cause is not None and verdict.cause.category == variants.ITERATIONS, verdict.line()
    assert "4 updates, not 3" in str(verdict.cause), verdict.line()


@pytest.mark.ruby
def test_a_value_printed_with_a_decimal_comma_is_one_line(ruby_verdicts):
    verdict = ruby_verdicts[DECIMAL_COMMA.name]
    assert (verdict.status, verdict.kind) == (Status.ERRORED, "not-a-number"), verdict.line()
    assert verdict.exit_code == 2 and "\n" not in verdict.reason and "comma" in verdict.reason, verdict.line()
