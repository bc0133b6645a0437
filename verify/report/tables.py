"""The report's tables, built with pandas from the collected results (no timings except in ``speed``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reference.compare import ulp_distance
from reference.spec import Spec

from .collect import Result, example_of

SUMMARY_COLUMNS = ["implementation", "language", "example", "status", "iterations_checked", "values_checked",
                   "max_abs_err", "max_rel_err", "max_ulp", "first_divergence", "seconds_10k", "reason"]


def summary(results: list[Result]) -> pd.DataFrame:
    """One row per implementation and example; the numbers are empty where nothing was compared."""
    rows = []
    for r in results:
        c = r.comparison
        rows.append({"implementation": r.implementation, "language": r.language, "example": r.example,
                     "status": r.status,
                     "iterations_checked": c.iterations_checked if c else None,
                     "values_checked": c.values_checked if c else None,
                     "max_abs_err": c.max_abs_err if c else None, "max_rel_err": c.max_rel_err if c else None,
                     "max_ulp": c.max_ulp if c else None,
                     "first_divergence": str(c.first_divergence) if c and c.first_divergence else None,
                     "seconds_10k": r.median_seconds if r.seconds else None, "reason": r.reason})
    frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for column in ("iterations_checked", "values_checked", "max_ulp"):  # whole numbers up to 2**63 - 1, or missing
        frame[column] = pd.array([row[column] for row in rows], dtype="Int64")
    return frame


def verdicts(table: pd.DataFrame) -> pd.DataFrame:
    return table[["implementation", "example", "language", "status", "max_ulp", "reason"]]


def step1_side_by_side(results: list[Result], spec: Spec) -> pd.DataFrame:
    """Every quantity of step1.csv: the true value, then each implementation's value and its ULP distance."""
    truth = pd.read_csv(Path(spec.source).parent / "step1.csv", dtype={"value": str})
    table = truth[["quantity", "value"]].rename(columns={"value": "truth"})
    exact = truth.value.astype(float).to_numpy()  # float() of the decimal string is correctly rounded
    for r in results:
        if r.example != example_of(spec) or not r.step1:
            continue
        got = truth.quantity.map(r.step1).astype(float)
        ulps = pd.Series(ulp_distance(exact, got.fillna(0).to_numpy()), dtype="Int64").where(got.notna())
        table[r.implementation] = got.map(repr).where(got.notna(), "")
        table[f"{r.implementation} ULP"] = ulps
    return table


def per_quantity(results: list[Result], example: str) -> pd.DataFrame:
    """Per quantity (rows) and implementation (columns): "max ULP @ iteration of it (max relative error)"."""
    cells = {r.implementation: _error_cell(r.comparison.per_quantity) for r in results
             if r.example == example and r.comparison is not None}
    return pd.DataFrame(cells).rename_axis("quantity").reset_index() if cells else pd.DataFrame()


def _error_cell(per_quantity: pd.DataFrame) -> pd.Series:
    return (per_quantity.max_ulp.astype(str) + " @ " + per_quantity.worst_iteration.astype(str)
            + " (" + per_quantity.max_rel_err.map("{:.1e}".format) + ")")


def divergences(results: list[Result], causes: dict[tuple[str, str], str]) -> pd.DataFrame:
    """The failed implementations: where they first left the tolerance and the diagnosed cause."""
    rows = [{"implementation": r.implementation, "example": r.example, "iteration": d.iteration,
             "quantity": d.quantity, "expected": repr(d.expected), "got": repr(d.got), "ULPs": d.ulps,
             "likely cause": causes.get((r.implementation, r.example), "")}
            for r in results if r.status == "failed" and (d := r.comparison.first_divergence)]
    return pd.DataFrame(rows, columns=["implementation", "example", "iteration", "quantity", "expected", "got",
                                       "ULPs", "likely cause"])


def speed(results: list[Result]) -> pd.DataFrame:
    """Seconds per run of the documented example (10,000 iterations): median, fastest, slowest."""
    rows = [{"implementation": r.implementation, "language": r.language, "runs": len(r.seconds),
             "median s": r.median_seconds, "min s": min(r.seconds), "max s": max(r.seconds)}
            for r in results if r.seconds]
    return pd.DataFrame(rows, columns=["implementation", "language", "runs", "median s", "min s", "max s"])


def identities(spec: Spec) -> pd.DataFrame:
    return pd.read_csv(Path(spec.source).parent / "notes_identities.csv")
