"""``backprop-verify``: the entry point, dispatching to one subcommand per module."""

from __future__ import annotations

import argparse
import sys
from importlib import metadata

from . import bench, check, derive, grade, listing, report, run, trace
from .common import Parser, UsageError, fail

SUBCOMMANDS = [derive, run, check, trace, report, grade, bench, listing]


def version() -> str:
    try:
        return metadata.version("backprop-verify")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def parser() -> argparse.ArgumentParser:
    top = Parser(prog="backprop-verify", description="Reproduce and verify, number by number, the step by step "
                 "backpropagation worked example: the truth from SymPy, any program in any language against it.",
                 epilog="exit status: 0 passed, 1 failed, 2 errored, 3 skipped. "
                 "`backprop-verify SUBCOMMAND --help` shows each one's options and examples.")
    top.add_argument("--version", action="version", version=f"backprop-verify {version()}")
    commands = top.add_subparsers(title="subcommands", metavar="SUBCOMMAND", parser_class=Parser)
    for module in SUBCOMMANDS:
        module.add_parser(commands)
    return top


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        if not hasattr(args, "run"):
            raise UsageError("no subcommand given (try `backprop-verify --help`)")
        return args.run(args)
    except UsageError as error:
        return fail(str(error))
    except KeyboardInterrupt:
        return fail("interrupted")
    except BrokenPipeError:
        # The reader went away (`| head`): what it read was right, and nothing more is wanted.
        sys.stdout = None
        return 0
