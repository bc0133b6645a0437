"""Make the report: run every job and the published-figures check at once, gather what the page shows, write it.

The jobs and the check start first, in worker processes; the examples'
diagrams and the provenance are gathered here meanwhile. A job that could not
even be run (a worker lost, a fault of the report itself) becomes an errored
result with the reason, so that one failure never hides the others.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import cast

from ...reference.spec import Spec
from ...reference.writer import write_all
from ..programs import example_name
from ..status import Status
from . import examples, execute, page, provenance, published
from .jobs import Job, run
from .ledger import Figure
from .page import Report
from .result import Result


def exit_code(results: list[Result]) -> int:
    """1 when a program failed, else 2 when one errored, else 0 (everything passed or was skipped)."""
    found = {r.status for r in results}
    if Status.FAILED in found:
        return Status.FAILED.exit_code
    if Status.ERRORED in found:
        return Status.ERRORED.exit_code
    return Status.PASSED.exit_code


def _check_published(argument: tuple[Spec, list[Figure], float]) -> list[published.Check]:
    spec, figures, seconds = argument
    return published.check(spec, figures, seconds)


def _lost(job: Job, error: BaseException) -> Result:
    reason = f"the report could not run it ({type(error).__name__}: {error})"
    return Result(job.program, job.example, Status.ERRORED, reason,
                  f"ERRORED: {job.program} on {job.example}: {reason}", kind="report")


def make(jobs: list[Job], programs: list[str], specs: list[Spec], ledger: tuple[Spec, list[Figure]] | None,
         workers: int = execute.default_workers(), timed: bool = False, seconds: float = math.inf) -> Report:
    """Run ``jobs`` (and check the ledger, when given, its explanations searched for ``seconds`` at most) on
    ``workers`` processes; the Report of it all."""
    tasks = [execute.Task(run, job, job.cost) for job in jobs]
    if ledger is not None:
        spec, figures = ledger
        last = max(f.iteration for f in figures)
        tasks.append(execute.Task(_check_published, (spec, figures, seconds),
                                  last * (len(spec.weights) + len(spec.biases))))
    with execute.start(tasks, workers) as futures:
        shown: dict[str, examples.Example] = {}
        for spec in specs:
            shown.setdefault(example_name(spec), examples.load(spec))
        facts = provenance.collect()
        results: list[Result] = []
        for job, future in zip(jobs, futures, strict=False):  # the check's future comes last
            try:
                results.append(cast(Result, future.result()))  # a job's task gives its Result
            except Exception as error:  # noqa: BLE001 - one job's fault must not sink the report
                results.append(_lost(job, error))
        checks = cast(list[published.Check], futures[-1].result()) if ledger is not None else []
    return Report(results, list(shown.values()), programs, checks,
                  "" if ledger is None else example_name(ledger[0]), facts, exit_code(results), timed)


def write(report: Report, out: Path) -> list[Path]:
    """Every file of the report into ``out``, all or none; the paths written."""
    files = page.render(report)
    write_all(files, out)
    return [out / name for name in files]
