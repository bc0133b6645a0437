"""Every mutant is caught, the first divergence is named, and the diagnosis recognises the mutant's mistake.

Python mutants are compared with the golden trajectory's first rows under the
loosest tolerance in reference/tolerances.csv (a mistake caught there is
caught under every implementation's own); Ruby mutants go through the bridge
with the ``ruby`` tolerances, as the project's Ruby program does.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from implementations import REGISTRY
from implementations.ruby_bridge import verify_project_ruby
from implementations.trace import names
from implementations.trace import verdict as trace_verdict
from implementations.trace.parse import parse
from implementations.trace.run import run
from reference import mistakes, tolerances
from reference.compare import compare_trajectory, read_trajectory
from reference.diagnose import NO_MATCH, diagnose, loosest_tolerance
from reference.spec import DEFAULT_SPEC, load

from .mutants import MUTANTS, RUBY_MUTANTS

GOLDEN = read_trajectory(DEFAULT_SPEC.parent / "trajectory.csv")


def caught_line(outcomes: dict[str, str]) -> str:
    caught = [name for name, status in outcomes.items() if status == "failed"]
    missed = {name: status for name, status in outcomes.items() if status != "failed"}
    return f"mutants caught: {len(caught)}/{len(outcomes)}" + (f"; NOT caught: {missed}" if missed else "")


def assert_diagnosed(diagnosis, mutant, first):
    assert diagnosis.first_divergence == first
    assert first.iteration == getattr(mutant, "diverges_at", 0)
    assert f"iteration {first.iteration}, {first.quantity}" in str(diagnosis)
    assert diagnosis.cause is not None, f"{mutant.name}: {diagnosis}"
    assert (diagnosis.cause.category, diagnosis.kind) == (mutant.category, mutant.kind), str(diagnosis)


# --- Python mutants ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def python_outcomes(documented):
    """name -> (obtained trajectory, Comparison with the golden rows it covers)."""
    outcomes = {}
    for name, mutant in MUTANTS.items():
        obtained = mutant.run(documented)
        outcomes[name] = obtained, compare_trajectory(GOLDEN.iloc[:len(obtained)], obtained, loosest_tolerance())
    return outcomes


@pytest.mark.parametrize("name", MUTANTS)
def test_a_mutant_is_one_overridden_method(name):
    network = MUTANTS[name].network
    overridden = [key for key, value in vars(network).items() if callable(value)]
    assert len(overridden) == 1 and hasattr(network.__base__, overridden[0]), overridden


def test_every_python_mutant_is_caught(python_outcomes):
    assert len(MUTANTS) >= 12
    line = caught_line({name: "passed" if c.passed else "failed" for name, (_, c) in python_outcomes.items()})
    print(line)
    assert line == f"mutants caught: {len(MUTANTS)}/{len(MUTANTS)}", line


@pytest.mark.parametrize("name", MUTANTS)
def test_the_diagnosis_names_the_divergence_and_the_mistake(name, python_outcomes):
    obtained, comparison = python_outcomes[name]
    assert_diagnosed(diagnose(obtained), MUTANTS[name], comparison.first_divergence)


@pytest.mark.parametrize("implementation", ["loop", "vectorized"])
def test_the_correct_implementations_get_no_diagnosis(implementation, documented):
    iterations = max(mutant.iterations for mutant in MUTANTS.values())
    diagnosis = diagnose(REGISTRY[implementation].run(documented, iterations=iterations))
    assert (diagnosis.first_divergence, diagnosis.cause, diagnosis.kind) == (None, None, None)


def test_every_cause_the_diagnosis_knows_is_made_by_some_mutant():
    known = {value for name, value in vars(mistakes).items() if name.isupper() and isinstance(value, str)}
    made = {mutant.category for mutant in [*MUTANTS.values(), *RUBY_MUTANTS.values()]}
    assert known == made, f"never exercised: {known - made}; unknown to the diagnosis: {made - known}"


def test_lost_precision_is_recognised_on_another_example_too():
    spec_path = DEFAULT_SPEC.parent / "per-neuron-3-4-2" / "example.toml"
    float32 = MUTANTS["float32"]
    diagnosis = diagnose(float32.run(load(spec_path)), spec_path=spec_path)
    assert (diagnosis.kind, diagnosis.cause.category) == ("precision", float32.category), str(diagnosis)


def test_an_unknown_mistake_is_not_given_a_known_cause():
    obtained = GOLDEN.iloc[:2].copy()
    obtained.loc[0, "dE_dw3"] *= 1.5  # no classic mistake changes one hidden gradient by half
    diagnosis = diagnose(obtained)
    assert diagnosis.first_divergence.quantity == "dE_dw3"
    assert (diagnosis.cause, diagnosis.kind) == (None, "unknown")
    assert str(diagnosis).endswith(NO_MATCH)


def test_a_logic_mistake_is_not_taken_for_lost_precision():
    obtained = GOLDEN.iloc[:3].copy()
    obtained.iloc[:, 1:] *= 1 + np.float64(2.0**-20)  # every value a little off ...
    obtained.loc[2, "out_o1"] *= 1.01  # ... and one far off: not rounding
    assert diagnose(obtained).kind == "unknown"


# --- Ruby mutants, through the bridge --------------------------------------------------------------

@pytest.fixture(scope="module")
def ruby_outcomes(documented, tmp_path_factory):
    """name -> (the bridge's Verdict, the trajectory the mutant printed), each mutant run once."""
    if shutil.which("ruby") is None:
        return {}  # the tests using this are marked ruby: skipped locally, failed under CI
    folder = tmp_path_factory.mktemp("ruby-mutants")
    printed = {}

    def run_and_keep(argv, *args, **kwargs):
        printed[argv[-1]] = run(argv, *args, **kwargs)  # what the bridge parses, kept for the diagnosis
        return printed[argv[-1]]

    def outcome(mutant):
        script = str(mutant.write(folder))
        verdict = verify_project_ruby(script=script)
        return verdict, parse(printed[script], "name-value", names.neuron_rb(), documented.iterations)

    with pytest.MonkeyPatch.context() as patch, ThreadPoolExecutor(2) as pool:
        patch.setattr(trace_verdict, "run", run_and_keep)
        futures = {name: pool.submit(outcome, mutant) for name, mutant in RUBY_MUTANTS.items()}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.ruby
def test_every_ruby_mutant_is_caught_by_the_bridge(ruby_outcomes):
    assert len(RUBY_MUTANTS) >= 3
    line = caught_line({name: verdict.status for name, (verdict, _) in ruby_outcomes.items()})
    print(line)
    assert line == f"mutants caught: {len(RUBY_MUTANTS)}/{len(RUBY_MUTANTS)}", line
    assert {verdict.exit_code for verdict, _ in ruby_outcomes.values()} == {1}


@pytest.mark.ruby
@pytest.mark.parametrize("name", RUBY_MUTANTS)
def test_the_diagnosis_recognises_each_ruby_mutant(name, ruby_outcomes):
    verdict, obtained = ruby_outcomes[name]
    diagnosis = diagnose(obtained, tolerance_ulp=tolerances.limits("ruby", "documented"))
    assert_diagnosed(diagnosis, RUBY_MUTANTS[name], verdict.comparison.first_divergence)
