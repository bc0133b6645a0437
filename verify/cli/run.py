"""python -m implementations NAME [--spec FILE] [--iterations N] [--dtype float64|float32]

Writes the trajectory of implementation NAME as CSV on standard output, with
exactly the golden trajectory's columns, floats in shortest round-trip form.
Any problem is one line on standard error ("error: ...") and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from reference.spec import DEFAULT_SPEC, SpecError, load

from . import REGISTRY
from .frames import OptionError

class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (usage: python -m implementations NAME [--spec FILE] [--iterations N] "
                         "[--dtype float64|float32])")


def iterations(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1 (got {text!r})")
    return value


def parse(argv):
    parser = Parser(prog="python -m implementations", description=__doc__.splitlines()[0])
    parser.add_argument("name", help=", ".join(REGISTRY))
    parser.add_argument("--spec", default=str(DEFAULT_SPEC), help="spec file (default: golden/example.toml)")
    parser.add_argument("--iterations", type=iterations, help="default: the spec's")
    parser.add_argument("--dtype", choices=("float64", "float32"), help="vectorized only; default float64")
    return parser.parse_args(argv)


def trajectory_csv(args) -> str:
    if args.name not in REGISTRY:
        raise UsageError(f"unknown implementation {args.name!r} (choose one of: {', '.join(REGISTRY)})")
    implementation = REGISTRY[args.name]
    spec = load(args.spec)
    reason = implementation.supports(spec)
    if reason:
        raise UsageError(f"{args.name} cannot run {args.spec}: {reason}")
    options = {"dtype": args.dtype} if args.dtype else {}
    try:
        frame = implementation.run(spec, args.iterations, **options)
    except OptionError as exc:
        raise UsageError(str(exc)) from None
    lines = [",".join(frame.columns)]
    lines += [",".join([str(row[0]), *map(repr, row[1:])]) for row in frame.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    try:
        text = trajectory_csv(parse(argv))
    except (UsageError, SpecError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
