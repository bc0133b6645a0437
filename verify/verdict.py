"""Verify a trace against the goldens and state the outcome as a Verdict.

A Verdict is what a report generator needs: ``status`` (passed, failed,
errored or skipped), a one-line ``reason``, the ``Comparison`` when values were
compared, the wall time, and ``exit_code`` (0 passed, 1 failed, 2 otherwise).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from reference import tolerances
from reference.compare import Comparison, compare_trajectory, read_trajectory
from reference.names import trajectory_columns
from reference.spec import DEFAULT_SPEC, Spec, SpecError, load

from . import names as name_maps
from .errors import TraceError
from .parse import parse
from .run import run

EXIT_CODES = {"passed": 0, "failed": 1}


@dataclass(frozen=True)
class Verdict:
    status: str  # "passed", "failed", "errored" or "skipped"
    reason: str  # one line
    comparison: Comparison | None = None
    seconds: float = 0.0
    kind: str | None = None  # the TraceError kind when errored (empty, garbage, hang, ...)
    notes: tuple[str, ...] = field(default=())  # facts worth printing before the verdict

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.status, 2)

    def with_note(self, note: str) -> Verdict:
        return replace(self, notes=self.notes + (note,))


def errored(error: TraceError | SpecError, started: float) -> Verdict:
    return Verdict("errored", str(error), seconds=time.perf_counter() - started,
                   kind=getattr(error, "kind", "spec"))


def table_tolerance(implementation: str, spec: Spec) -> Callable[[str], int]:
    """The tolerance rows of ``implementation`` for this example, as a function of the quantity."""
    try:
        limit = tolerances.limits(implementation, tolerances.example_key(spec.source))
    except tolerances.MissingTolerance as missing:
        raise TraceError("tolerance", str(missing)) from None

    def checked(quantity: str) -> int:
        try:
            return limit(quantity)
        except tolerances.MissingTolerance as missing:
            raise TraceError("tolerance", str(missing)) from None
    return checked


def verify_text(text: str, *, spec_path: str | Path = DEFAULT_SPEC, fmt: str = "name-value",
                names: name_maps.NameMap | None = None, tolerance_from: str | None = None) -> Verdict:
    """Parse a trace and compare every value with the goldens of the spec."""
    started = time.perf_counter()
    try:
        spec = load(spec_path)
        quantities = [q for q in trajectory_columns(spec) if q != "iteration"]
        if names is None:
            names = name_maps.neuron_rb() if fmt == "name-value" else name_maps.identity(quantities)
        names.checked_against(quantities)
        tolerance = table_tolerance(tolerance_from, spec) if tolerance_from else 0
        expected = _golden(spec)
        got = parse(text, fmt, names, len(expected))
        comparison = compare_trajectory(expected, got, tolerance)
    except (TraceError, SpecError) as error:
        return errored(error, started)
    seconds = time.perf_counter() - started
    limit = f"the {tolerance_from} tolerances" if tolerance_from else "0 ULPs (exact)"
    if comparison.passed:
        return Verdict("passed", f"all {comparison.values_checked:,} values within {limit}; largest error "
                       f"{comparison.max_ulp} ULPs (relative {comparison.max_rel_err:.3g})", comparison, seconds)
    first = comparison.first_divergence
    allowed = tolerance(first.quantity) if callable(tolerance) else tolerance
    source = f"the {tolerance_from} tolerances" if tolerance_from else "an exact comparison"
    return Verdict("failed", f"first divergence: {first}, beyond the {allowed} ULPs allowed by {source}",
                   comparison, seconds)


def verify_command(argv: list[str], *, timeout: float = 60, stdin: str | None = None, **options) -> Verdict:
    """Run ``argv``, then verify what it printed (options as for ``verify_text``); seconds include the run."""
    started = time.perf_counter()
    try:
        text = run(argv, timeout, stdin)
    except TraceError as error:
        return errored(error, started)
    verdict = verify_text(text, **options)
    return replace(verdict, seconds=time.perf_counter() - started)


def _golden(spec: Spec):
    path = Path(spec.source).parent / "trajectory.csv"
    if not path.exists():
        raise TraceError("golden", f"golden file {path} is missing: regenerate it with python -m reference --spec {spec.source}")
    return read_trajectory(path)


def describe(verdict: Verdict, show_errors: bool = False) -> str:
    """What a command line prints: notes, the per-quantity errors if asked, then the verdict line."""
    lines = list(verdict.notes)
    if show_errors and verdict.comparison is not None:
        lines.append(verdict.comparison.per_quantity.to_string())
    lines.append(f"{verdict.status.upper()}: {verdict.reason} [{verdict.seconds:.2f} s]")
    return "\n".join(lines)
