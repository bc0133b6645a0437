"""The report: four states kept apart everywhere, failures explained, a self-contained page, exit codes, options
refused before anything runs, traced programs, the published figures explained, and the page in a real browser."""

from __future__ import annotations

import csv
import json
import re
import shlex
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from backprop_verify.implementations import vectorized
from backprop_verify.implementations.frames import trajectory_frame
from backprop_verify.reference import examples
from backprop_verify.verify.cli.main import main
from backprop_verify.verify.mistakes.mutants import MUTANTS
from backprop_verify.verify.report import ledger, published
from backprop_verify.verify.truth import read_trajectory

from . import chromium
from .conftest import ROOT

DOCUMENTED = examples.folder("documented")
NUDGED = (7, "dE_dw5")  # the iteration and quantity the failing trace changes
MUTANT = "one path"  # the mistake the second failing trace makes
MUTANT_ITERATIONS = 40
INT64_MAX = "9223372036854775807"


def traces(folder: Path, documented) -> dict[str, str]:
    """--trace definitions: one that passes, one nudged, one mutant, one that crashes."""
    golden = read_trajectory(DOCUMENTED / "trajectory.csv")
    nudged = golden.copy()
    iteration, quantity = NUDGED
    nudged.loc[iteration, quantity] *= 1 + 1e-9
    nudged.to_csv(folder / "nudged.csv", index=False)
    network = MUTANTS[MUTANT].network(documented)
    trajectory_frame(documented, network.rows(MUTANT_ITERATIONS)).to_csv(folder / "mutant.csv", index=False)
    return {"exact": f"exact=-- cat {shlex.quote(str(DOCUMENTED / 'trajectory.csv'))}",
            "nudged": f"nudged=-- cat {shlex.quote(str(folder / 'nudged.csv'))}",
            "mutant": f"mutant=--iterations {MUTANT_ITERATIONS} -- cat {shlex.quote(str(folder / 'mutant.csv'))}",
            "crashes": "crashes=-- false"}


def report(out: Path, *options: str, traced: dict[str, str] = (), jobs: int = 1) -> int:
    argv = ["report", "--out", str(out), "--jobs", str(jobs), *options]
    for definition in dict(traced).values():
        argv += ["--trace", definition]
    return main(argv)


FIXTURE_OPTIONS = ("--spec", "documented", "deep-tanh-softmax-adam", "--only", "loop", "vectorized", "exact",
                   "nudged", "mutant", "crashes")


@pytest.fixture(scope="module")
def written(tmp_path_factory, documented):
    """The report of: loop (passed; skipped on the deep example), vectorized, and four traced programs."""
    folder = tmp_path_factory.mktemp("traces")
    out = tmp_path_factory.mktemp("report")
    code = report(out, *FIXTURE_OPTIONS, traced=traces(folder, documented))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return code, out, summary, folder


def statuses(records) -> dict[tuple[str, str], str]:
    return {(r["program"], r["example"]): r["status"] for r in records}


EXPECTED = {("loop", "documented"): "passed", ("vectorized", "documented"): "passed",
            ("loop", "deep-tanh-softmax-adam"): "skipped", ("vectorized", "deep-tanh-softmax-adam"): "passed",
            ("exact", "documented"): "passed", ("nudged", "documented"): "failed",
            ("mutant", "documented"): "failed", ("crashes", "documented"): "errored"}


@pytest.mark.slow
def test_the_four_states_stay_distinct_everywhere(written):
    code, out, summary, _ = written
    assert code == 1
    assert statuses(summary["results"]) == EXPECTED
    assert summary["counts"] == {"passed": 4, "failed": 2, "errored": 1, "skipped": 1}
    with (out / "summary.csv").open(encoding="utf-8", newline="") as handle:
        assert statuses(csv.DictReader(handle)) == EXPECTED
    page = (out / "report.html").read_text(encoding="utf-8")
    for state in ("passed", "failed", "errored", "skipped"):
        assert f'<td class="st {state}"' in page, state
        assert f'<span class="state {state}">{state}</span>' in page
    markdown = (out / "report.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in markdown.splitlines() if line.startswith("| ")}
    assert "**errored**" in rows["crashes"] and "**failed**" in rows["nudged"]
    assert rows["loop"].startswith("| loop | passed") and "| skipped |" in rows["loop"]
    crashed = next(r for r in summary["results"] if r["program"] == "crashes")
    assert crashed["reason"] in page and "exit status 1" in crashed["reason"]
    for shown in (page, markdown, json.dumps(summary)):
        assert INT64_MAX not in shown


@pytest.mark.slow
def test_a_failed_program_shows_its_first_divergence_and_cause(written):
    _, out, summary, _ = written
    found = {r["program"]: r for r in summary["results"] if r["example"] == "documented"}
    iteration, quantity = NUDGED
    nudged = found["nudged"]
    assert (nudged["first_divergence_iteration"], nudged["first_divergence_quantity"]) == NUDGED
    assert nudged["largest_ratio"] > 1
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"First divergence</strong>: iteration {iteration:,}, {quantity}" in page
    mutant = found["mutant"]
    assert mutant["cause"] and "path" in mutant["cause"], mutant["cause"]
    assert mutant["cause"] in page.replace("&#39;", "'")
    assert page.count('<path class="line program"') == 2  # each failure drawn against the truth


@pytest.mark.slow
def test_the_page_is_self_contained(written):
    _, out, _, _ = written
    page = (out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", page)
    assert not re.search(r"""\b(src|href)\s*=\s*["'](?!#)""", page), "only links within the page"
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert page.count("<svg") >= 2 * len(EXPECTED) - 4


@pytest.mark.slow
def test_report_md_is_short_lined_and_links_the_page(written):
    _, out, _, _ = written
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert max(len(line) for line in markdown.splitlines()) < 200
    assert "[report.html](report.html)" in markdown
    assert "| figure |" in markdown and "0.291027924" in markdown


@pytest.mark.slow
def test_the_worker_processes_give_the_same_report(written, tmp_path, documented):
    _, _, summary, folder = written
    code = report(tmp_path, *FIXTURE_OPTIONS, traced=traces(folder, documented), jobs=2)
    again = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert code == 1
    for data in (summary, again):
        data["provenance"].pop("date")
    assert again == summary


@pytest.mark.slow
def test_exit_codes(tmp_path, written, documented):
    traced = traces(written[3], documented)
    assert report(tmp_path / "skipped", "--spec", "relu-linear-momentum", "--only", "loop") == 0
    assert report(tmp_path / "mixed", "--spec", "documented", "relu-linear-momentum", "--only", "loop",
                  "--ledger", str(DOCUMENTED / "published.csv")) == 0
    assert report(tmp_path / "errored", "--spec", "relu-linear-momentum", "--only", "crashes",
                  traced={"crashes": traced["crashes"]}) == 2
    assert report(tmp_path / "failed", "--spec", "relu-linear-momentum", "--only", "nudged", "crashes",
                  traced=traced) == 1


def bad_ledger(folder: Path, text: str) -> Path:
    path = folder / "ledger.csv"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "figure,published,quantity,iteration\n"


@pytest.mark.parametrize("options, message", [
    (["--ledger", "{tmp}/missing.csv"], "no such file"),
    (["--ledger", "{tmp}"], "a folder"),
    (["--ledger", "LEDGER:figure,value\nx,1\n"], "no column 'published'"),
    (["--ledger", "LEDGER:" + HEADER + "x,0.29x,E_total,0\n"], "not a plain decimal"),
    (["--ledger", "LEDGER:" + HEADER + "x,0.29,E_total,ten\n"], "not a whole number"),
    (["--ledger", "LEDGER:" + HEADER + "x,0.29,E_total,10001\n"], "outside 0 to 10,000"),
    (["--ledger", "LEDGER:" + HEADER + "x,0.29,w5_new,10000\n"], "no quantity 'w5_new' after the last update"),
    (["--ledger", "LEDGER:" + HEADER], "no figures"),
    (["--out", "FILE"], "is a file"),
    (["--out", "FILE/below"], "--out"),
    (["--only", "nosuch"], "no program 'nosuch'"),
    (["--trace", "no-equals-sign"], "expected 'NAME=ARGS'"),
    (["--trace", "loop=-- true"], "name is taken"),
    (["--trace", "x=--no-such-option -- true"], "--trace x: unrecognized arguments"),
    (["--trace", "x=--names /no/such/map.toml -- true"], "no such file"),
    (["--trace", "x='unbalanced -- true"], "--trace x"),
    (["--spec", "/no/such/spec.toml"], "spec"),
])
def test_bad_options_are_refused_before_anything_runs(tmp_path, capsys, options, message):
    marker = tmp_path / "ran"
    (tmp_path / "FILE").write_text("not a folder", encoding="utf-8")
    given = []
    for option in options:
        if option.startswith("LEDGER:"):
            option = str(bad_ledger(tmp_path, option[len("LEDGER:"):]))
        given.append(option.replace("{tmp}", str(tmp_path)).replace("FILE", str(tmp_path / "FILE")))
    out = tmp_path / "out"
    argv = ["report", "--jobs", "1", "--trace", f"toucher=-- touch {marker}", *given]
    if "--out" not in given:
        argv += ["--out", str(out)]
    assert main(argv) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and error.startswith("error: ") and message in error, error
    assert not marker.exists(), "a program ran before the options were refused"
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.slow
def test_trace_options_add_a_program(tmp_path, written):
    """The loss printed after each update, under another name, as CSV: the trace subcommand's options say so."""
    golden = read_trajectory(DOCUMENTED / "trajectory.csv")
    after = pd.read_csv(DOCUMENTED / "after_training.csv").set_index("quantity").value
    loss = list(golden.E_total[1:]) + [float(after["E_total"])]
    pd.DataFrame({"iteration": golden.iteration, "loss": loss}).to_csv(tmp_path / "mine.csv", index=False)
    definition = f"mine=--name loss=E_total --after-update -- cat {tmp_path / 'mine.csv'}"
    assert report(tmp_path / "out", "--spec", "relu-linear-momentum", "--only", "mine",
                  traced={"mine": definition}) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    [mine] = summary["results"]
    assert (mine["program"], mine["example"], mine["status"]) == ("mine", "documented", "passed")
    assert "the forward pass after each update" in mine["line"]


@pytest.mark.slow
def test_the_published_figures_are_explained(documented):
    figures = ledger.read(DOCUMENTED / "published.csv", documented)
    checks = {(c.figure.quantity, c.figure.iteration, c.figure.published): c
              for c in published.check(documented, figures)}
    explained = {key: c for key, c in checks.items() if c.verdict != published.AGREES}
    assert all(c.verdict == published.EXPLAINED for c in explained.values())
    assert checks[("E_total", 1, "0.291027924")].candidate == "updated weights backward"
    assert checks[("out_o1", 10000, "0.015912196")].candidate == "updated weights backward"
    assert checks[("out_o2", 10000, "0.984065734")].candidate == "updated weights backward"
    late = checks[("E_total", 10000, "0.0000351085")]
    assert late.candidate == "counting" and "earlier" in late.explanation
    assert checks[("E_total", 1, "0.280471447")].candidate == "per-neuron biases trained"
    assert sum(c.verdict == published.AGREES for c in checks.values()) == len(checks) - len(explained) == 11


def test_a_perturbed_ledger_is_classified(tmp_path, documented):
    golden = read_trajectory(DOCUMENTED / "trajectory.csv").set_index("iteration")
    rounded = {f"w{k}": Decimal(f"{golden.at[0, f'w{k}_new']:.3f}") for k in range(1, 9)}  # after the update
    moved = [[[rounded[f"w{2 * j + i + 1 + 4 * k}"] for i in range(2)] for j in range(2)] for k in range(2)]
    respec = replace(documented, weight_layers=tuple(tuple(tuple(row) for row in m) for m in moved))
    recomputed = float(vectorized.run(respec, 1).E_total[0])  # another program's forward pass
    rows = [("as published", f"{golden.at[3, 'E_total']:.9f}", "E_total", 3),
            ("truncated", str(Decimal(repr(float(golden.at[0, 'E_total']))))[:12], "E_total", 0),
            ("a row late", f"{golden.at[6, 'E_total']:.9f}", "E_total", 5),
            ("far off", f"{golden.at[4, 'E_total'] + 1e-4:.9f}", "E_total", 4),
            ("from rounded weights", f"{recomputed:.9f}", "E_total", 1)]
    rows += [(f"{w} rounded", str(value), f"{w}_new", 0) for w, value in rounded.items()]
    path = tmp_path / "ledger.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("figure", "published", "quantity", "iteration"), *rows])
    found = {c.figure.figure: c for c in published.check(documented, ledger.read(path, documented))}
    assert found["as published"].verdict == published.AGREES
    assert found["truncated"].candidate == "truncated"
    assert found["a row late"].candidate == "counting" and "later" in found["a row late"].explanation
    assert found["far off"].verdict == published.UNEXPLAINED
    assert found["from rounded weights"].candidate == "rounded weights"


@pytest.mark.slow
@pytest.mark.browser
def test_the_page_in_a_browser(written):
    """No error while loading, nothing fetched, nothing wider than a 1,400 px page; a screenshot is kept."""
    _, out, _, _ = written
    keep = ROOT / "reports" if (ROOT / ".git").exists() else out
    keep.mkdir(exist_ok=True)
    with chromium.Browser() as browser:
        page = browser.open(out / "report.html", width=1400)
        assert page.errors == []
        assert [url for url in page.requests if not url.startswith("file:")] == []
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate("[...document.querySelectorAll('body *')].filter(e => "
                             "e.getBoundingClientRect().right > 1400.5).map(e => e.tagName + '.' + e.className)"
                             ".slice(0, 5)")
        assert width <= 1400 and wide == [], wide
        shot = page.screenshot(keep / "report-1400.png")
    assert shot.stat().st_size > 10_000
