"""The mutation suite: every deliberately wrong program is caught under the envelope, and its mistake named.

Python mutants run in process and are compared with the truth's first rows;
Ruby mutants (text edits of the project's Ruby program) go through the trace
protocol like any program. The diagnosis sees only the numbers, never which
mutant made them, and must name the mutant's category from the catalogue.
"""

from __future__ import annotations

import shutil

import pytest
from backprop_verify.implementations.spec_json import dumps
from backprop_verify.verify import programs, truth
from backprop_verify.verify.compare import compare, from_frame
from backprop_verify.verify.mistakes import variants
from backprop_verify.verify.mistakes.diagnose import diagnose
from backprop_verify.verify.mistakes.mutants import MUTANTS
from backprop_verify.verify.mistakes.ruby_mutants import BROKEN_VARIANTS, RUBY_MUTANTS, SCRIPT, RubyMutant
from backprop_verify.verify.status import Status

RUBY_ITERATIONS = 3


@pytest.fixture(scope="module")
def documented_truth(documented):
    return truth.load(documented)


@pytest.mark.parametrize("name", MUTANTS)
def test_a_mutant_is_one_overridden_method(name):
    network = MUTANTS[name].network
    overridden = [key for key, value in vars(network).items() if callable(value)]
    assert len(overridden) == 1 and hasattr(network.__base__, overridden[0]), overridden


@pytest.mark.parametrize("name", MUTANTS)
def test_every_python_mutant_is_caught_and_its_mistake_named(name, documented, documented_truth):
    mutant = MUTANTS[name]
    comparison = compare(documented_truth, *from_frame(mutant.run(documented)))
    first = comparison.first_divergence
    assert first is not None, f"{name} was not caught"
    assert first.iteration == mutant.diverges_at
    cause = diagnose(documented_truth, comparison)
    assert cause is not None, f"{name}: no known mistake matches (first divergence at {first})"
    assert (cause.category, cause.kind) == (mutant.category, mutant.kind), str(cause)


def test_the_catalogue_and_the_mutation_suite_cover_each_other():
    """Every category the diagnosis knows is made by some mutant (or, for what a mutant of the notes' network
    cannot make, by a test on another spec in test_diagnosis.py)."""
    known = {value for key, value in vars(variants).items() if key.isupper() and isinstance(value, str)}
    made = {m.category for m in [*MUTANTS.values(), *RUBY_MUTANTS.values()]}
    elsewhere = {variants.BIASES_FIXED, variants.REDUCTION, variants.AFTER_UPDATE}
    assert known - made == elsewhere, f"never exercised: {known - made - elsewhere}"
    assert made <= known


@pytest.mark.parametrize("name", ["loop", "vectorized"])
def test_a_correct_program_gets_no_diagnosis(name, documented, documented_truth):
    from backprop_verify.implementations.registry import REGISTRY
    comparison = compare(documented_truth, *from_frame(REGISTRY[name].run(documented, 100)))
    assert comparison.passed and diagnose(documented_truth, comparison) is None


def test_an_unknown_mistake_is_not_given_a_known_cause(documented, documented_truth):
    iterations, values = from_frame(MUTANTS["flipped sign"].run(documented))
    values = {q: v.copy() for q, v in documented_truth_values(documented_truth, 2).items()}
    values["dE_dw3"][0] *= 1.5  # no classic mistake changes one hidden gradient by half
    comparison = compare(documented_truth, iterations, values)
    assert comparison.first_divergence.quantity == "dE_dw3"
    assert diagnose(documented_truth, comparison) is None


def documented_truth_values(bound, rows: int) -> dict:
    return {q: bound.trajectory[:rows, c].copy() for c, q in enumerate(bound.quantities)}


# --- Ruby mutants, through the trace protocol ----------------------------------------------------------

@pytest.fixture(scope="module")
def ruby_verdicts(documented, tmp_path_factory):
    if shutil.which("ruby") is None:
        return {}
    folder = tmp_path_factory.mktemp("ruby-mutants")
    edits = {name: RubyMutant(name, list(edits), "", "") for name, (edits, _, _) in BROKEN_VARIANTS.items()}
    edits.update(RUBY_MUTANTS)
    # Three iterations are enough for every mistake to show (the truth of a shorter run is the start of the full one).
    options = programs.Options(iterations=RUBY_ITERATIONS, reading=programs.reading.Reading(
        format="name-value", names_file=SCRIPT.parent / "neuron_rb_names.toml"))
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
@pytest.mark.parametrize("name", [n for n, (_, status, _) in BROKEN_VARIANTS.items() if status == "errored"])
def test_a_broken_ruby_program_is_errored_with_its_own_diagnosis(name, ruby_verdicts):
    verdict = ruby_verdicts[name]
    _, status, kind = BROKEN_VARIANTS[name]
    assert (verdict.status, verdict.kind) == (Status.ERRORED, kind), verdict.line()
    assert verdict.exit_code == 2 and "\n" not in verdict.reason
