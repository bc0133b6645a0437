"""python -m implementations.trace [options] -- COMMAND ARGS...: run a program and verify its trace.

Exit status: 0 every value within tolerance, 1 diverged (the first divergence
is printed), 2 could not verify (the reason is printed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reference.spec import DEFAULT_SPEC

from . import names as name_maps
from .errors import TraceError
from .parse import FORMATS
from .verdict import describe, verify_command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m implementations.trace", description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the example (default: golden/example.toml)")
    parser.add_argument("--format", choices=FORMATS, default="name-value", help="trace format (default: name-value)")
    parser.add_argument("--names", type=Path, help="name map TOML (default: Neuron.rb's names for name-value, "
                        "the golden names for csv)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before the program is killed (default 60)")
    parser.add_argument("--tolerance-from", metavar="NAME", help="use the rows of implementation NAME in "
                        "reference/tolerances.csv (default: 0 ULPs, exact)")
    parser.add_argument("--show-errors", action="store_true", help="print the largest error of every quantity")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the program to run, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given: put the program and its arguments after --")
    try:
        names = name_maps.load(args.names) if args.names else None
    except TraceError as error:
        print(f"ERRORED: {error}", file=sys.stderr)
        return 2
    verdict = verify_command(command, timeout=args.timeout, spec_path=args.spec, fmt=args.format,
                             names=names, tolerance_from=args.tolerance_from)
    print(describe(verdict, args.show_errors), file=sys.stdout if verdict.exit_code == 0 else sys.stderr)
    return verdict.exit_code


if __name__ == "__main__":
    sys.exit(main())
