"""The corpus (tests/corpus/): programs in eleven languages printing in forty-two ways, each with a buggy twin.

Each correct program PASSES with no option but those that say what it computes (its case.toml's ``options``:
``--spec``, ``--iterations``, ``--precision``), and its verdict states how it was read; each twin, printing the
same way, FAILS. What they printed is read from their ``stdout.txt``; a few run for real. The causes of the
twins are checked in the slow session: every catalogued mistake named, every other one located by stage.
"""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path

import pytest
from backprop_verify.reference import examples
from backprop_verify.reference.spec import load
from backprop_verify.verify import programs, truth
from backprop_verify.verify.mistakes import variants as v
from backprop_verify.verify.status import Status
from backprop_verify.verify.trace import read_text
from backprop_verify.verify.verdict import TOO_FEW

from .conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
CASES = sorted(p.parent.name for p in CORPUS.glob("*/case.toml"))
ALLOWED = {"--spec", "--iterations", "--precision"}  # options that say what a program computes, nothing else

# The corpus's names of its mistakes, and the catalogue's categories that name them (an equal cause counts).
CATEGORIES = {
    "half-forgotten": {v.HALF_FORGOTTEN}, "learning-rate-doubled": {v.LEARNING_RATE},
    "dE-dout-sign-flipped": {v.SIGN}, "sigmoid-derivative-missing": {v.NO_SLOPE},
    "sigmoid-derivative-of-net": {v.SLOPE_ARGUMENT}, "updated-weights-backward": {v.UPDATED_WEIGHTS},
    "updated-weights-backward-aliased": {v.UPDATED_WEIGHTS}, "updated-weights-h1-only": {v.UPDATED_WEIGHTS},
    "wrong-start-weight": {v.START_VALUE}, "w6-w7-swapped-backward": {v.TRANSPOSED},
    "w6-w7-swapped-forward": {v.FORWARD_SWAP}, "path-left-out": {v.ONE_PATH},
    "learning-rate-added": {v.LEARNING_RATE}, "bias-left-out": {v.BIAS_LEFT_OUT}, "bias-doubled": {v.BIAS_DOUBLED},
    "biases-trained": {v.BIASES_TRAINED}, "wrong-index": {v.FORWARD_INDEX},
    "sequential-updates": {v.ONE_AT_A_TIME}, "gradients-accumulated": {v.ACCUMULATED},
    "old-weights-printed": {v.PRINTING}, "learning-rate-value": {v.LEARNING_RATE_VALUE},
    "one-iteration-too-many": {v.ITERATIONS}, "one-iteration-too-few": {v.ITERATIONS},
    "loss-mean": {v.LOSS_SCALE}, "learning-rate-applied-twice": {v.LEARNING_RATE},
    "integer-division": {v.PRINTING}, "float32": {v.PRECISION}, "truncated-weights": {v.ROUNDED},
    "biases-not-trained": {v.BIASES_FIXED},
    # marked "not catalogued" by the corpus, but they are: ReLU's mask always 1 is its derivative left out
    "relu-derivative-always-one": {v.NO_SLOPE}, "batch-sum": {v.REDUCTION},
}


def case(name: str) -> dict:
    return tomllib.loads((CORPUS / name / "case.toml").read_text(encoding="utf-8"))


def options_of(found: dict) -> programs.Options:
    words = list(found.get("options", []))
    assert set(words[0::2]) <= ALLOWED, f"{words}: a case may only say what its program computes"
    given = dict(zip(words[0::2], words[1::2]))
    return programs.Options(iterations=int(given["--iterations"]) if "--iterations" in given else None,
                            precision=given.get("--precision", "float64"))


def spec_of(found: dict):
    words = list(found.get("options", []))
    given = dict(zip(words[0::2], words[1::2]))
    return load(examples.resolve(given.get("--spec", "documented")))


def verdict_of(name: str, diagnose: bool):
    found = case(name)
    options = options_of(found)
    spec = spec_of(found)
    text = (CORPUS / name / "stdout.txt").read_bytes().decode("utf-8")
    from dataclasses import replace

    return programs.verify_printout(read_text(text), truth.load(spec, options.iterations, options.precision),
                                    replace(options, diagnose=diagnose), program=name)


def test_the_corpus_is_large_and_varied():
    found = [case(name) for name in CASES]
    assert len(found) >= 40 and len({c["language"] for c in found}) >= 6
    assert len({c["shape"] for c in found if c["expect"] == "pass"}) >= 25
    assert all(c["twin"] in CASES for c in found)


@pytest.mark.parametrize("name", CASES)
def test_a_correct_program_passes_and_its_twin_fails_read_the_same_way(name):
    verdict = verdict_of(name, diagnose=False)
    expect = Status.PASSED if case(name)["expect"] == "pass" else Status.FAILED
    assert verdict.status is expect, verdict.line()
    if expect is Status.PASSED:
        assert verdict.reading, verdict.line()  # how it was read is said


CAUSED = [name for name in CASES if case(name)["expect"] == "fail"]


@pytest.mark.slow
@pytest.mark.parametrize("name", CAUSED)
def test_a_twin_s_mistake_is_named_or_located(name):
    verdict = verdict_of(name, diagnose=True)
    mistake = case(name)["mistake"]
    if mistake.get("too_few_digits"):
        assert verdict.cause is None and verdict.where.startswith(TOO_FEW), verdict.line()
    elif mistake["kind"] in CATEGORIES:
        assert verdict.cause is not None, verdict.line()
        assert set(verdict.cause.categories) & CATEGORIES[mistake["kind"]], verdict.line()
    else:
        assert verdict.cause is None and verdict.where, verdict.line()


# Run for real, with the toolchains .ci/run installs (the class test of tests/test_grade_class.py runs the
# languages a machine has: Go, R and C# too where they are installed).
LIVE = {"01-python-epoch-loss": [], "03-js-iteration-pipe-bug": ["node"], "09-c-columns": ["gcc"],
        "05-rust-bracket-counter-bug": ["rustc"], "33-java-default-double": ["javac", "java"],
        "27-js-keras": ["node"]}


@pytest.mark.parametrize("name", sorted(LIVE), ids=sorted(LIVE))
def test_a_few_run_for_real_and_print_what_they_printed(name, request, tmp_path):
    for tool in LIVE[name]:
        request.applymarker(pytest.mark.needs(tool))
        from .conftest import pytest_runtest_setup  # the marker is honoured now, as at setup

        pytest_runtest_setup(request.node)
    found = case(name)
    folder = tmp_path / name
    import shutil

    shutil.copytree(CORPUS / name, folder)
    from dataclasses import replace

    options = replace(options_of(found), cwd=str(folder), timeout=120, diagnose=False)
    verdict = programs.verify_command(shlex.split("sh run.sh"), spec_of(found), options, program=name)
    expect = Status.PASSED if found["expect"] == "pass" else Status.FAILED
    assert verdict.status is expect, verdict.line()
    assert verdict.line() == verdict_of(name, diagnose=False).line()
    assert Path(folder / "stdout.txt").read_bytes() == (CORPUS / name / "stdout.txt").read_bytes()  # not rewritten
