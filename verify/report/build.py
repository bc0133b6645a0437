"""Assemble the report's sections from the results, the published ledger and the goldens."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reference.spec import Spec

from . import diagnosis, mutants, plots, published, tables
from .collect import STATES, Result, example_of, golden
from .render import Section

TITLE = "Backpropagation worked example: every implementation against the truth"


@dataclass(frozen=True)
class Report:
    sections: list[Section]
    summary: pd.DataFrame
    published: pd.DataFrame


def _by_example(build, specs: list[Spec]) -> pd.DataFrame:
    """The tables of each example, one under the other, with an ``example`` column first."""
    parts = {example_of(s): build(s) for s in specs}
    parts = {k: v for k, v in parts.items() if not v.empty}
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, names=["example", None]).reset_index(level=0).reset_index(drop=True)


def known_mistakes() -> tuple[list[mutants.Mistake], str]:
    try:
        return mutants.load(), ""
    except mutants.Unavailable as why:
        return [], str(why)


def counts(summary: pd.DataFrame) -> str:
    found = summary.status.value_counts()
    return ", ".join(f"{int(found.get(s, 0))} {s}" for s in STATES)


def build(results: list[Result], specs: list[Spec], ledger: pd.DataFrame,
          known: tuple[list[mutants.Mistake], str] | None = None, with_plots: bool = True) -> Report:
    """The sections in order; ``known`` (mistakes, why none) defaults to the tests/mutants registry."""
    documented = specs[0]
    summary = tables.summary(results)
    found, note = known if known is not None else known_mistakes()
    checked = published.check(ledger, documented, found, note)
    causes = diagnosis.causes(results, {example_of(s): s for s in specs})
    sections = [
        Section("1. Verdicts", f"{counts(summary)}. Passed: every value within its tolerance; failed: verified "
                "and beyond tolerance; errored: could not be verified; skipped: not applicable or not runnable here.",
                tables.verdicts(summary)),
        Section("2. Step 1, side by side", "Each quantity of step1.csv: the true value (40 digits), each "
                "implementation's float64 value and its distance in ULPs from the correctly rounded truth.",
                _by_example(lambda s: tables.step1_side_by_side(results, s), specs)),
        Section("3. The published figures, checked", published_text(checked, note), checked),
        Section("4. The notes' formulas, checked by SymPy", "", _by_example(tables.identities, specs)),
        Section("5. Errors over the trajectory", "Per quantity and implementation: the largest error in ULPs "
                "@ the iteration where it occurs (the largest relative error).",
                _by_example(lambda s: tables.per_quantity(results, example_of(s)), specs)),
        Section("6. Failed implementations", "None failed." if not (summary.status == "failed").any() else
                "The first value beyond tolerance and the likely cause.", tables.divergences(results, causes)),
        Section("7. Speed", f"Seconds for the documented example's {documented.iterations:,} iterations: the median "
                "of several runs, the fastest and the slowest.",
                tables.speed(results)),
    ]
    if with_plots:
        truth, drawn = golden(documented), plots.with_trajectories(results, example_of(documented))
        sections += [Section("Plot: loss curve", image=("loss.png", plots.loss_curve(truth, drawn))),
                     Section("Plot: error in ULPs", image=("ulp.png", plots.ulp_errors(truth, drawn)))]
    return Report(sections, summary, checked)


def published_text(checked: pd.DataFrame, note: str) -> str:
    found = checked.verdict.value_counts()
    text = (f"{len(checked)} published figures: {found.get('agrees', 0)} agree with the truth to "
            f"the published digits, {found.get('explained', 0)} differ and are reproduced by a computed "
            f"cause, {found.get('unexplained', 0)} differ unexplained.")
    return text + (f" Note: {note}." if note else "")
