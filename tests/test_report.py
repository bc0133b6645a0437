"""The comparison report: four distinct states, the published-figures check, a self-contained page, stable tables."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from implementations import Implementation
from implementations.frames import trajectory_frame
from implementations.loop import Loop
from reference.compare import read_trajectory
from reference.diagnose import diagnose
from reference.report import build as build_module
from reference.report import collect, published, render
from reference.report.__main__ import main
from reference.report.build import TITLE, build
from reference.report.mutants import load as load_mutants
from reference.report.mutants import mistake

from .conftest import GOLDEN
from .mutants import MUTANTS

NUDGED = (7, "dE_dw5")  # iteration and quantity the failing trace changes
MUTATED = "one path"  # the mutant run as a failing Python implementation


class LearningRateDoubled(Loop):
    """the learning rate taken twice"""

    def update(self, w, dE_dw):
        return w - 2 * self.learning_rate * dE_dw


def fixed(argv):
    def command(spec):
        return collect.Invocation(argv)
    return command


def not_here(spec):
    raise LookupError("this fake is never applicable")


def mutant_program(name: str) -> collect.Program:
    """A mutant of tests/mutants as a Python implementation (its tolerance rows: the loop's)."""
    network = MUTANTS[name].network
    run = lambda spec, iterations=None: trajectory_frame(spec, network(spec).rows(iterations or spec.iterations))  # noqa: E731
    implementation = Implementation("loop", "python", name, lambda spec: None, run, lambda spec: {})
    return collect.python_program(implementation)


@pytest.fixture(scope="module")
def fakes(tmp_path_factory, documented):
    """One program per state, verified for real: traces through the trace protocol, a mutant in process."""
    folder = tmp_path_factory.mktemp("fakes")
    golden = read_trajectory(GOLDEN / "trajectory.csv")
    nudged = golden.copy()
    iteration, quantity = NUDGED
    nudged.loc[iteration, quantity] *= 1 + 1e-9
    nudged.to_csv(folder / "nudged.csv", index=False)
    golden_csv = str(GOLDEN / "trajectory.csv")
    return [collect.trace_program("exact", "trace", fixed(["cat", golden_csv]), fmt="csv"),
            collect.trace_program("nudged", "trace", fixed(["cat", str(folder / "nudged.csv")]), fmt="csv"),
            collect.trace_program("crashes", "trace", fixed(["false"]), fmt="csv"),
            collect.trace_program("absent", "trace", not_here, fmt="csv"),
            mutant_program(MUTATED)]


def report(fakes, documented, out):
    results = list(collect.collect(fakes, [documented], python_repeats=1, other_repeats=1,
                                   progress=io.StringIO()))
    made = build(results, [documented], published.read_ledger(GOLDEN / "published.csv"), ([], "none in tests"))
    render.write(out, TITLE, made.sections, made.summary)
    return made


@pytest.fixture(scope="module")
def written(fakes, documented, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    return report(fakes, documented, out), out


def test_the_four_states_stay_distinct(written):
    made, out = written
    status = made.summary.set_index("implementation").status
    assert status.to_dict() == {"exact": "passed", "nudged": "failed", "crashes": "errored", "absent": "skipped",
                                "loop": "failed"}
    reasons = made.summary.set_index("implementation").reason
    assert "exit status" in reasons["crashes"]
    assert "never applicable" in reasons["absent"]
    on_disk = pd.read_csv(out / "summary.csv").set_index("implementation").status
    assert on_disk.to_dict() == status.to_dict()
    records = {r["implementation"]: r for r in json.loads((out / "summary.json").read_text())}
    assert {name: r["status"] for name, r in records.items()} == status.to_dict()
    errors = made.summary.set_index("implementation").max_abs_err
    assert records["nudged"]["max_abs_err"] == errors["nudged"] > 0  # full precision, not rounded to zero
    assert records["absent"]["max_abs_err"] is None
    page = (out / "report.html").read_text()
    for state in collect.STATES:
        assert f'<span class="{state}">{state}</span>' in page
    for shown in (page, (out / "report.md").read_text()):
        assert reasons["crashes"] in shown and reasons["absent"] in shown


def test_a_failed_program_shows_its_first_divergence_and_cause(written, documented):
    made, _ = written
    iteration, quantity = NUDGED
    failed = made.summary.set_index("implementation").loc["nudged"]
    assert f"iteration {iteration}, {quantity}" in failed.first_divergence
    table = next(s.table for s in made.sections if s.title.startswith("6.")).set_index("implementation")
    assert (table.loc["nudged", "iteration"], table.loc["nudged", "quantity"]) == NUDGED
    mutant = MUTANTS[MUTATED].network(documented)
    diagnosed = diagnose(trajectory_frame(documented, mutant.rows(documented.iterations)))
    assert table.loc["loop", "likely cause"] == diagnosed.cause.sentence


def test_the_html_is_self_contained(written):
    _, out = written
    page = (out / "report.html").read_text()
    assert not re.search(r"https?://", page)
    assert len(re.findall(r'src="data:image/png;base64,', page)) == 2
    assert not re.search(r'src="(?!data:)', page)


def test_the_tables_do_not_change_between_runs(fakes, documented, written):
    first, _ = written
    results = list(collect.collect(fakes, [documented], python_repeats=1, other_repeats=1, progress=io.StringIO()))
    again = build(results, [documented], published.read_ledger(GOLDEN / "published.csv"), ([], "none in tests"),
                  with_plots=False)
    timing = ["seconds_10k"]
    pd.testing.assert_frame_equal(first.summary.drop(columns=timing), again.summary.drop(columns=timing))
    tables = [{s.title: render.markdown(TITLE, [s]) for s in made.sections if s.table is not None
               and not s.title.startswith("7.")} for made in (first, again)]
    assert len(tables[0]) == 6 and tables[0] == tables[1]


def ledger_row(figure, published_value, quantity, iteration):
    return {"figure": figure, "published": published_value, "quantity": quantity, "iteration": iteration}


def test_a_perturbed_ledger_is_classified(documented):
    golden = read_trajectory(GOLDEN / "trajectory.csv").set_index("iteration")
    at = 5
    wrong_rate = trajectory_frame(documented, LearningRateDoubled(documented).rows(at + 1)).E_total[at]
    ledger = pd.DataFrame([
        ledger_row("as published", f"{golden.at[at, 'E_total']:.9f}", "E_total", at),
        ledger_row("one iteration late", f"{golden.at[at + 1, 'E_total']:.9f}", "E_total", at),
        ledger_row("far off", f"{golden.at[at, 'E_total'] + 1e-4:.9f}", "E_total", at),
        ledger_row("a mistake", f"{wrong_rate:.9f}", "E_total", at),
    ])
    mistakes = [mistake("rate-twice", "the learning rate was doubled", LearningRateDoubled)]
    checked = published.check(ledger, documented, mistakes).set_index("figure")
    assert checked.verdict.to_dict() == {"as published": "agrees", "one iteration late": "explained",
                                         "far off": "unexplained", "a mistake": "explained"}
    assert f"iteration {at + 1}" in checked.likely_reason["one iteration late"]
    assert "rate-twice" in checked.likely_reason["a mistake"]


def test_the_published_figures_are_explained_by_computation(documented):
    ledger = published.read_ledger(GOLDEN / "published.csv")
    checked = published.check(ledger, documented, load_mutants())
    assert (checked.verdict != "no truth").all()
    differing = checked[checked.verdict != "agrees"]
    assert (differing.verdict == "explained").all(), differing.to_string()
    reasons = differing.set_index(["quantity", "iteration"]).likely_reason
    assert "updated weights backward" in reasons[("E_total", 1)]
    assert "counting of iterations" in reasons[("E_total", documented.iterations)]


def test_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(build_module, "known_mistakes", lambda: ([], "not run in this test"))
    assert main(["--only", "nosuch", "--out", str(tmp_path)]) == 2
    assert main(["--trace", "no-equals-sign", "--out", str(tmp_path)]) == 2
    golden = GOLDEN / "trajectory.csv"
    traced = ["--trace", f"golden-printer=cat {golden}", "--trace-format", "csv", "--only", "golden-printer"]
    assert main([*traced, "--other-repeats", "1", "--documented-only", "--out", str(tmp_path)]) == 0
    assert "running golden-printer on documented" in capsys.readouterr().err
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert summary[["implementation", "status", "max_ulp"]].values.tolist() == [["golden-printer", "passed", 0]]
    assert {"report.md", "report.html", "summary.json", "loss.png", "ulp.png"} <= {p.name for p in tmp_path.iterdir()}


def test_the_known_mistakes_load_outside_pytest():
    """The report runs them as a plain program, outside pytest."""
    code = "from reference.report import mutants; print(len(mutants.load()))"
    done = subprocess.run([sys.executable, "-c", code], cwd=GOLDEN.parent, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(GOLDEN.parent)})
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(MUTANTS) > 0
