"""``backprop-verify``: the entry point, dispatching to one subcommand per module.

The subcommands (and numpy, SymPy, pandas with them) are imported only once
SIGTERM is made to stop the command as Ctrl-C does: an interruption at any
moment, imports included, ends in one line, ``interrupted``, and exit status
130. A standard output that cannot be written (a reader gone, a full disk)
stops the printing but never the command, nor changes its exit status; a
lost output other than a reader gone is said on standard error, and a command
that passed then exits errored.
"""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from types import FrameType

from .streams import Guarded

INTERRUPTED = 130  # as a shell reports a command ended by Ctrl-C


def version() -> str:
    try:
        return metadata.version("backprop-verify")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    from . import bench, check, derive, grade, listing, report, run, trace
    from .common import Parser

    top = Parser(prog="backprop-verify", description="Reproduce and verify, number by number, the step by step "
                 "backpropagation worked example: the truth from SymPy, any program in any language against it.",
                 epilog="exit status: 0 passed, 1 failed, 2 errored, 3 skipped, 130 interrupted. "
                 "`backprop-verify SUBCOMMAND --help` shows each one's options and examples.")
    top.add_argument("--version", action="version", version=f"backprop-verify {version()}")
    commands = top.add_subparsers(title="subcommands", metavar="SUBCOMMAND", parser_class=Parser)
    for module in (derive, run, check, trace, report, grade, bench, listing):
        module.add_parser(commands)
    return top


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def _interruptible() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt, as SIGINT does (only the main thread may set a handler)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _guarded() -> Iterator[tuple[Guarded, Guarded]]:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Guarded(out), Guarded(err)
    try:
        yield sys.stdout, sys.stderr
    finally:
        sys.stdout.flush()
        sys.stdout, sys.stderr = out, err


def _command(argv: list[str] | None) -> int:
    from .. import truth
    from .common import UsageError, fail, say

    try:
        args = parser().parse_args(argv)
        if not hasattr(args, "run"):
            raise UsageError("no subcommand given (try `backprop-verify --help`)")
        with truth.reporting(say):  # progress and notices of the truth's derivations, on standard error
            return int(args.run(args))
    except UsageError as error:
        return fail(str(error))
    except OSError as error:
        if error.errno != errno.ENAMETOOLONG:
            raise
        # Where a path is made from a setting (a cache folder under a long HOME) rather than checked as an option.
        name = str(error.filename or "")
        shown = name if len(name) <= 120 else f"{name[:60]}...{name[-40:]} ({len(name):,} characters)"
        return fail(f"a path name is too long for this system: {shown}; choose a shorter one")


def _lost(out: Guarded, err: Guarded) -> bool:
    """Whether standard output failed for another reason than a reader gone; said on standard error if so."""
    out.flush()
    if out.lost is None or isinstance(out.lost, BrokenPipeError):
        return False
    print(f"error: the output could not be written ({out.lost.strerror or out.lost}); what was printed is lost",
          file=err)
    return True


def main(argv: list[str] | None = None) -> int:
    with _interruptible(), _guarded() as (out, err):
        try:
            from .common import ERRORED
            code = _command(argv)
        except KeyboardInterrupt:
            print("interrupted", file=err)
            return INTERRUPTED
        except SystemExit:  # --help and --version, through argparse
            if _lost(out, err):
                raise SystemExit(ERRORED) from None
            raise
        if _lost(out, err):
            return code or ERRORED
        return code
