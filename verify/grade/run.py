"""Grade submissions: each in a fresh copy of itself (sandboxed when asked), several at once, results as they come.

A submission already graded with the same content and the same settings (the
run command, the spec, the trace options, the rubric, the sandbox, this
version) is not run again: its result is kept in OUT/submissions/NAME.json,
written as soon as it is graded, so an interrupted class resumes where it
stopped. ``force`` grades everything again. A result whose grading process
died is not kept: it is the grading's failure, not the submission's.

Interrupted (Ctrl-C, SIGTERM: KeyboardInterrupt here), grading stops at once:
each worker ends the submission it runs with every process it started, then
exits without a word; a worker that does not within ``STOPPING`` seconds is
killed.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, replace
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import Any

from ...reference.spec import Spec
from ...reference.writer import WriteError, write_file
from .. import programs
from ..verdict import errored, skipped
from . import score
from .rubric import Rubric
from .sandbox import Sandbox
from .score import Graded
from .submissions import Submission, content_hash, copy

CACHE = "submissions"
NAME_MAX = 255  # bytes in a file's name (Linux, macOS)
SHORT = 100  # bytes of a long name kept in its result's file name, before the hash
STOPS = {signal.SIGINT, signal.SIGTERM}
STOPPING = 3.0  # seconds a worker has to end its submission once told to stop
INTERRUPTED = 130


@dataclass(frozen=True)
class Setup:
    """What every submission is graded with."""
    run: str  # the shell command, run in the submission's copy
    spec: Spec
    options: programs.Options
    rubric: Rubric
    stdin: bytes | None = None
    sandbox: Sandbox | None = None

    @property
    def settings(self) -> str:
        """The hash of everything a grade depends on besides the submission."""
        source = Path(str(self.spec.source))
        data: dict[str, Any] = {
            "run": self.run, "spec": str(source),
            "spec_text": source.read_text(encoding="utf-8") if source.is_file() else "",
            "options": asdict(self.options), "rubric": self.rubric.record(),
            "stdin": hashlib.sha256(self.stdin).hexdigest() if self.stdin is not None else None,
            "sandbox": asdict(self.sandbox) if self.sandbox else None, "version": _version()}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _version() -> str:
    try:
        return metadata.version("backprop-verify")
    except metadata.PackageNotFoundError:
        return "unknown"


def grade_one(submission: Submission, setup: Setup, digest: str = "", settings: str = "") -> Graded:
    """Copy, run, verify and score one submission; every outcome is a Graded, never an exception."""
    started = time.perf_counter()
    digest = digest or content_hash(submission.folder, submission.leave_out)
    example = programs.example_name(setup.spec)
    with tempfile.TemporaryDirectory(prefix="bv-grade-", ignore_cleanup_errors=True) as scratch:
        try:
            staged = copy(submission, Path(scratch) / "submission")
        except OSError as error:
            verdict = errored(f"the submission could not be copied ({error}): make its files readable", "copy",
                              program=submission.name, example=example)
        else:
            if setup.sandbox is not None:
                # started by sh, which becomes bubblewrap (exec: the same process, the same exit status), so that
                # what went wrong is named as without the sandbox: "sh failed with exit status 1", not bwrap
                argv = ["sh", "-c", 'exec "$@"', "sh", *setup.sandbox.command(staged, setup.run)]
                cwd = scratch
            else:
                argv, cwd = ["sh", "-c", setup.run], str(staged)
            try:
                verdict = programs.verify_command(argv, setup.spec, replace(setup.options, cwd=cwd),
                                                  stdin=setup.stdin, program=submission.name)
            except Exception as error:  # noqa: BLE001 - one submission the verifier cannot handle stops no other
                verdict = errored(f"the verifier failed on this submission ({type(error).__name__}: {error}); "
                                  "please report it", "internal", program=submission.name, example=example)
    return score.grade(verdict, setup.rubric, name=submission.name, hash=digest, timeout=setup.options.timeout,
                       seconds=time.perf_counter() - started, settings=settings or setup.settings)


def kept_file(out: Path, name: str) -> Path:
    """Where a submission's result is kept: OUT/submissions/NAME.json, or, for a name too long to be a file's with
    .json after it, its first characters and a hash of the whole name (unique, and the same on every run)."""
    whole = os.fsencode(name)
    if len(whole) + len(".json") <= NAME_MAX:
        return out / CACHE / f"{name}.json"
    short = name
    while len(os.fsencode(short)) > SHORT:
        short = short[:-1]
    return out / CACHE / f"{short}-{hashlib.sha256(whole).hexdigest()[:16]}.json"


def cached(out: Path | None, name: str) -> Graded | None:
    """The result kept for a submission, None when there is none or it cannot be read."""
    if out is None:
        return None
    try:
        found = Graded.from_record(json.loads(kept_file(out, name).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return found if found.name == name else None


def keep(out: Path, graded: Graded) -> str:
    """Keep the result for a rerun; why it could not be kept, or "" (the grade stands either way)."""
    try:
        write_file(kept_file(out, graded.name), json.dumps(graded.record(), indent=1) + "\n")
    except (WriteError, OSError) as error:
        return str(error) if isinstance(error, WriteError) else error.strerror or str(error)
    return ""


def _task(argument: tuple[Submission, Setup, str, str]) -> Graded:
    return grade_one(*argument)


_running = False  # in a worker: whether it is grading a submission


def _worker_start() -> None:
    """A worker's first act: Ctrl-C and SIGTERM (blocked until now) stop it quietly, unless ignored (as Ctrl-C is
    by a command started in the background)."""
    for number in STOPS:
        if signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, _worker_stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)


def _worker_stop(signum: int, frame: FrameType | None) -> None:
    for number in STOPS:  # once: the stopping itself is not cut short (a handler, as one may be on its way already)
        signal.signal(number, _stopping)
    if _running:
        raise KeyboardInterrupt  # the run's own cleanup ends the submission with every process it started
    os._exit(INTERRUPTED)


def _stopping(signum: int, frame: FrameType | None) -> None:
    """Told again to stop while stopping: nothing more to do."""


def _worker_task(argument: tuple[Submission, Setup, str, str]) -> Graded:
    global _running
    _running = True
    try:
        return grade_one(*argument)
    except KeyboardInterrupt:
        os._exit(INTERRUPTED)  # stopped: nothing to report, and no traceback
    finally:
        _running = False


def grade_all(found: list[Submission], setup: Setup, *, out: Path | None = None, jobs: int = 1,
              force: bool = False, started: Callable[[int, int], None] | None = None,
              unkept: Callable[[str, str], None] | None = None) -> Iterator[tuple[Graded, bool]]:
    """(graded, reused) for every submission, in the order they finish; reused ones first.

    ``started(to_run, reused)`` is called once the unchanged submissions are known; ``unkept(name, why)`` for a
    result that could not be kept for the next run.
    """
    settings = setup.settings
    todo: list[tuple[Submission, Setup, str, str]] = []
    reused: list[Graded] = []
    unusable: list[Graded] = []
    for submission in found:
        if submission.skipped:
            unusable.append(_skipped(submission, setup, settings))
            continue
        digest = content_hash(submission.folder, submission.leave_out)
        kept = None if force else cached(out, submission.name)
        if kept is not None and kept.hash == digest and kept.settings == settings:
            reused.append(kept)
        else:
            todo.append((submission, setup, digest, settings))
    if started is not None:
        started(len(todo), len(reused))
    for graded in reused:
        yield graded, True
    for graded in unusable:
        yield graded, False
    for graded, lost in _run(todo, jobs):
        if out is not None and not lost and (why := keep(out, graded)) and unkept is not None:
            unkept(graded.name, why)
        yield graded, False


def _run(todo: list[tuple[Submission, Setup, str, str]], jobs: int) -> Iterator[tuple[Graded, bool]]:
    """(graded, whether its grading process died): one at a time here, or in forked worker processes
    (verification is bound by the interpreter)."""
    if jobs <= 1 or len(todo) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for task in todo:
            yield _task(task), False
        return
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_start)
    try:
        before = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)  # the workers, forked now, start with them blocked
        try:
            futures = {pool.submit(_worker_task, task): task for task in todo}
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
        for future in as_completed(futures):
            try:
                yield future.result(), False
            except Exception as error:  # noqa: BLE001 - a worker that died (out of memory, killed)
                yield _lost(futures[future], error), True
    except BaseException:  # interrupted, or no more results wanted: no worker goes on
        _stop(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now: each ends its submission (SIGTERM), and is killed if it has not within STOPPING s."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)  # a second Ctrl-C does not cut this short
    try:
        workers = list((pool._processes or {}).values())  # the executor's own processes (no public way to them)
        for worker in workers:
            worker.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + STOPPING
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                worker.kill()
                worker.join(1.0)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _skipped(submission: Submission, setup: Setup, settings: str) -> Graded:
    """A submission that cannot be graded (a link that leads nowhere): skipped, with why, never kept."""
    verdict = skipped(submission.skipped, program=submission.name, example=programs.example_name(setup.spec))
    return score.grade(verdict, setup.rubric, name=submission.name, hash=hashlib.sha256(b"").hexdigest(),
                       settings=settings)


def _lost(task: tuple[Submission, Setup, str, str], error: BaseException) -> Graded:
    """The result of a submission whose grading process died: errored, with why."""
    submission, setup, digest, settings = task
    verdict = errored(f"the grading process of this submission died ({type(error).__name__}: {error}); grade it "
                      "again, with fewer --jobs if memory is short", "internal", program=submission.name,
                      example=programs.example_name(setup.spec))
    return score.grade(verdict, setup.rubric, name=submission.name, hash=digest, settings=settings)
