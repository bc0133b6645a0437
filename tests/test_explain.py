"""The explain stage: a mistake put into a learner's program is named, whenever it starts and wherever it is;
float32 is never told to a correct program or to one that ran an iteration more or fewer; what no known mistake
explains is located by stage.

The programs are tests/students.py, a learner's loop written apart from the suite's code; the mistake put in
is the expected answer. Every value is printed at full precision, every iteration, so the search is local.
"""

from __future__ import annotations

import pytest
from backprop_verify.verify import programs, truth
from backprop_verify.verify.mistakes import variants as v
from backprop_verify.verify.status import Status

from .students import SPEC, train

ITERATIONS = 40


@pytest.fixture(scope="module")
def short():
    return truth.load(SPEC, ITERATIONS)


def explained(frame, short):
    verdict = programs.verify_frame(frame, short, program="student")
    assert verdict.status is Status.FAILED, verdict.line()
    return verdict


CATALOGUED = [
    ("half-forgotten", {v.HALF_FORGOTTEN, v.LEARNING_RATE}),  # the same trajectory as the learning rate doubled
    ("sign-flipped", {v.SIGN}),
    ("no-slope", {v.NO_SLOPE}),
    ("no-slope-output", {v.NO_SLOPE}),
    ("no-slope-hidden", {v.NO_SLOPE}),
    ("slope-of-net-hidden", {v.SLOPE_ARGUMENT}),
    ("updated-backward", {v.UPDATED_WEIGHTS}),
    ("transposed-backward", {v.TRANSPOSED}),
    ("first-path", {v.ONE_PATH}),
    ("last-path", {v.ONE_PATH}),
    ("bias-left-out", {v.BIAS_LEFT_OUT}),
    ("bias-doubled", {v.BIAS_DOUBLED}),
    ("bias-left-out-output", {v.BIAS_LEFT_OUT}),
    ("forward-swap-w6-w7", {v.FORWARD_SWAP}),
    ("forward-w2-for-w4", {v.FORWARD_INDEX}),
    ("w1-other-input", {v.WRONG_INPUT}),
    ("rate-twice", {v.LEARNING_RATE}),
    ("rate-added", {v.LEARNING_RATE, v.SIGN}),  # gradient ascent: the same as the sign of dE/dout flipped
    ("rate-doubled", {v.LEARNING_RATE, v.HALF_FORGOTTEN}),
    ("biases-trained", {v.BIASES_TRAINED}),
    ("accumulated", {v.ACCUMULATED}),
    ("rounded-4", {v.ROUNDED}),
]


@pytest.mark.parametrize("mistake, categories", CATALOGUED, ids=[c[0] for c in CATALOGUED])
def test_a_mistake_from_iteration_0_is_named(mistake, categories, short):
    cause = explained(train(mistake, iterations=ITERATIONS), short).cause
    assert cause is not None and set(cause.categories) & categories, str(cause)
    assert cause.category in categories, str(cause)


LATER = [(m, c) for m, c in CATALOGUED if not m.startswith(("forward", "bias-left", "bias-doubled"))]


@pytest.mark.parametrize("mistake, categories", LATER, ids=[c[0] for c in LATER])
def test_a_mistake_from_a_later_iteration_is_named_with_where_it_starts(mistake, categories, short):
    verdict = explained(train(mistake, start=7, iterations=ITERATIONS), short)
    assert verdict.cause is not None and verdict.cause.category in categories, verdict.line()
    assert verdict.cause.start == 7, verdict.line()
    assert "from iteration 7," in verdict.line()


@pytest.mark.parametrize("mistake, words", [
    ("updated-backward-h1", "in h1's backward sum, w5_new and w7_new instead of w5 and w7"),
    ("path-h2-via-o1", "in h2's backward sum, only the path through o1"),
    ("bias-left-out-h1", "the bias was left out of net_h1 only"),
    ("no-slope-output", "in the output layer only"),
    ("no-slope-h2", "left out (taken as 1) for h2 only"),
])
def test_a_mistake_in_one_neuron_or_layer_is_named_with_its_scope(mistake, words, short):
    verdict = explained(train(mistake, iterations=ITERATIONS), short)
    assert words in verdict.line(), verdict.line()


def test_a_starting_weight_is_solved_from_the_first_record(short):
    verdict = explained(train(w6=0.54, iterations=ITERATIONS), short)
    assert verdict.cause.category == v.START_VALUE and "w6 started at 0.54, not 0.45" in verdict.line()


def test_the_learning_rate_used_is_found(short):
    verdict = explained(train(rate=0.05, iterations=ITERATIONS), short)
    assert verdict.cause.category == v.LEARNING_RATE_VALUE and "was 0.05, not 0.5" in verdict.line()


def test_old_weights_printed_as_new_are_a_printing_mistake(short):
    frame = train(iterations=ITERATIONS)
    new = [c for c in frame.columns if c.endswith("_new")]
    old = frame[new].shift(1)
    old.iloc[0] = [float(w) for w in SPEC.weights]
    frame[new] = old
    verdict = explained(frame, short)
    assert verdict.cause.kind == "printing" and "those before the update" in verdict.line()


def test_a_run_one_update_short_printing_its_weights_after_the_loop_is_named_beside_old_weights_printed_as_new():
    """The weights after 9,999 updates are the weights before the 10,000th update: the printed numbers cannot tell
    a run one update short from a right run printing its old weights as new, so both are named."""
    from backprop_verify.verify.trace import read_text

    frame = train(iterations=SPEC.iterations)
    shorter = frame.iloc[SPEC.iterations - 2]  # its new weights: after 9,999 updates
    weights = " ".join(repr(shorter[f"w{k}_new"]) for k in range(1, 9))
    text = f"{{W:[{weights}] B1:0.35 B2:0.6}}\nfinal loss: {frame['E_total'].iloc[-1]!r}\n"
    verdict = programs.verify_printout(read_text(text), truth.load(SPEC), programs.Options())
    assert verdict.status is Status.FAILED, verdict.line()
    assert "those before the update" in verdict.line() and "equally: the program ran 9,999 updates" in \
        verdict.line(), verdict.line()


# -- never float32 where float32 is not the pattern ---------------------------------------------------------

def test_a_correct_program_passes_and_one_iteration_more_or_fewer_is_never_float32():
    full = truth.load(SPEC)
    from backprop_verify.implementations.vectorized import run

    assert programs.verify_frame(run(SPEC, SPEC.iterations), full).passed
    for extra in (1, -1):
        frame = run(SPEC, SPEC.iterations + extra)
        verdict = programs.verify_frame(frame, full, program="off by one")
        assert verdict.status is Status.FAILED
        assert verdict.cause is None or verdict.cause.category != v.PRECISION, verdict.line()
        assert "float32" not in verdict.line()


def test_float32_is_named_for_a_float32_program(short):
    from backprop_verify.implementations.vectorized import run

    verdict = programs.verify_frame(run(SPEC, ITERATIONS, dtype="float32"), short, program="single")
    assert verdict.cause is not None and verdict.cause.category == v.PRECISION, verdict.line()


# -- what no known mistake explains is located ----------------------------------------------------------

@pytest.mark.parametrize("mistake, stage", [
    ("targets-swapped", "the output layer's gradients wrong from iteration 0"),
    ("tanh-slope-hidden", "the hidden layers' gradients wrong from iteration 0"),
    ("w6-from-input", "the output layer's gradients wrong from iteration 0"),
    ("momentum", "the updates wrong from iteration 1"),
    ("targets-swapped", "the forward pass and the loss right at iteration 0"),
])
def test_a_mistake_no_catalogue_entry_matches_is_located_by_stage(mistake, stage, short):
    verdict = explained(train(mistake, iterations=ITERATIONS), short)
    assert verdict.cause is None and verdict.diagnosed, verdict.line()
    assert "no known mistake matches" in verdict.line() and stage in verdict.where, verdict.where


def test_the_location_says_whether_the_updates_follow_from_the_printed_gradients(short):
    verdict = explained(train("tanh-slope-hidden", iterations=ITERATIONS), short)
    assert "the printed new weights follow from the printed gradients" in verdict.where, verdict.where


# -- evidence: a cause only from enough printed digits ------------------------------------------------------

def test_a_loss_printed_to_too_few_digits_names_no_mistake_and_says_why():
    from backprop_verify.verify.trace import read_text
    from backprop_verify.verify.verdict import TOO_FEW

    # the output layer without its derivative drives the loss to 0.00000000 at 8 decimals within 1,500 iterations:
    # 0.00000317 and 0.00000005 are all the digits there are, too few to tell one mistake from another
    frame = train("no-slope-output", iterations=SPEC.iterations)
    text = "".join(f"Step {k + 1} | Loss: {e:.8f}\n" for k, e in enumerate(frame["E_total"]) if (k + 1) % 500 == 0)
    verdict = programs.verify_printout(read_text(text), truth.load(SPEC), programs.Options(), program="sparse")
    assert verdict.status is Status.FAILED and verdict.cause is None, verdict.line()
    assert verdict.where.startswith(TOO_FEW) and "no known mistake" not in verdict.line(), verdict.line()


def test_a_replay_stops_once_no_copy_can_reproduce_the_printed_values(short):
    import numpy as np
    from backprop_verify.verify.explain import replay

    asked = []

    def judge(found):
        asked.append(found.last)
        return found.last < 5  # hopeless from iteration 5 on

    mistakes = [None, *[m for m in v.catalogue(SPEC) if not m.alone][:3]]
    found = replay.replay(short, mistakes, np.zeros(len(mistakes), np.int64), 0, 20, hope=({2, 5, 9}, judge))
    assert asked == [2, 5]
    assert np.isfinite(found.rows[:6]).all() and np.isnan(found.rows[6:]).all() and np.isnan(found.after).all()
    full = replay.replay(short, mistakes, np.zeros(len(mistakes), np.int64), 0, 20)
    assert np.array_equal(full.rows[:6], found.rows[:6])  # what was replayed before the stop is the same


# -- what a new user's programs taught: each cause only where it reproduces, each failure placed as printed ----

def verdict_of(text, iterations=None):
    from backprop_verify.verify.trace import read_text

    return programs.verify_printout(read_text(text), truth.load(SPEC, iterations), programs.Options(),
                                    program="learner")


def test_weights_rounded_each_update_are_never_called_truncated_printing_or_float32():
    from .students import printed

    verdict = verdict_of(printed(train("rounded-6", iterations=SPEC.iterations), "epoch {k}: loss {E_total:.8f}"))
    assert verdict.status is Status.FAILED, verdict.line()
    assert verdict.cause is None or verdict.cause.category == v.ROUNDED, verdict.line()
    assert "truncated" not in verdict.line() and "float32" not in verdict.line()


def test_a_learning_rate_typed_with_few_digits_is_found_from_the_loss_alone():
    from .students import printed

    frame = train(rate=0.1, iterations=SPEC.iterations)
    verdict = verdict_of(printed(frame, "Iteration {k} | Total Error: {E_total!r}"))
    assert verdict.cause is not None and "the learning rate used was 0.1, not 0.5" in verdict.line(), verdict.line()


def test_a_loss_printed_as_zero_to_many_decimals_is_an_integer_division_not_a_mystery():
    from .students import printed

    frame = train(iterations=SPEC.iterations)
    frame["E_total"] = 0 * frame["E_total"]
    verdict = verdict_of(printed(frame, "Iteration {k:5d} | Total Error {E_total:.8f}"))
    assert verdict.cause is not None and verdict.cause.category == v.PRINTING, verdict.line()
    assert "printed as 0 throughout" in verdict.line()


def test_a_run_of_half_the_iterations_is_named_from_its_final_outputs():
    from .students import printed

    frame = train(iterations=5001)  # the outputs of row 5,000 are those after 5,000 updates
    text = printed(frame.iloc[:5000], "Iteration {k} error {E_total:.9f}", every=500)
    last = frame.iloc[5000]
    text += f"after 5000 iterations: o1={last['out_o1']:.9f} o2={last['out_o2']:.9f}\n"
    verdict = verdict_of(text)
    assert verdict.cause is not None and verdict.cause.category == v.ITERATIONS, verdict.line()
    assert "ran 5,000 updates, not 10,000" in verdict.line() and "--iterations 5000" in verdict.line()


def test_nan_after_training_names_no_mistake_and_places_the_weights_with_the_final_loss():
    from backprop_verify.verify.verdict import TOO_FEW

    loss = train(iterations=1)["E_total"][0]
    text = (f"==== summary ====\ninitial loss : {loss:.9f}\nfinal loss   : -nan\n"
            "weights      : -nan -nan -nan -nan nan nan nan nan\n")
    verdict = verdict_of(text)
    assert verdict.status is Status.FAILED and verdict.cause is None, verdict.line()
    assert verdict.where.startswith(TOO_FEW) and "NaN or infinite" in verdict.where, verdict.line()
    assert "'final loss', 'weights[1]', 'weights[2]' and 6 more after training" in verdict.line(), verdict.line()


def test_a_final_loss_that_is_wrong_is_placed_after_training_as_its_name_says():
    text = f"final loss = {train('sign-flipped', iterations=SPEC.iterations + 1)['E_total'].iloc[-1]:.9f}\n"
    verdict = verdict_of(text)
    assert "'final loss' after training" in verdict.line(), verdict.line()
    assert verdict.cause is not None and verdict.cause.category in {v.SIGN, v.LEARNING_RATE}, verdict.line()


def test_a_rate_applied_twice_is_also_said_to_be_that_rate_and_a_sign_flipped_in_one_layer_is_named():
    from .students import printed

    verdict = verdict_of(printed(train(rate=0.25, iterations=SPEC.iterations), "epoch {k} error {E_total!r}"))
    assert verdict.cause is not None, verdict.line()
    assert "the learning rate used was 0.25, not 0.5" in verdict.line(), verdict.line()
    frame = train("rate-added-output", iterations=ITERATIONS)
    cause = explained(frame, truth.load(SPEC, ITERATIONS)).cause
    assert cause is not None and "in the output layer only the learning rate was added instead of subtracted" in \
        str(cause), str(cause)
