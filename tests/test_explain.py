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
