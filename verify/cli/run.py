"""``backprop-verify run``: a built-in Python implementation prints its trajectory as CSV."""

from __future__ import annotations

import argparse
import sys

from ...implementations.registry import REGISTRY
from ...reference.spec import MAX_ITERATIONS
from .common import Commands, UsageError, add_spec, load_spec, whole

EXAMPLE = """examples:
  backprop-verify run loop                                   # the documented example, 10,000 rows
  backprop-verify run vectorized --spec per-neuron-3-4-2 --iterations 5
  backprop-verify run vectorized --dtype float32 > f32.csv"""


def add_parser(commands: Commands) -> None:
    names = [name for name, program in REGISTRY.items() if program.in_process]
    parser = commands.add_parser("run", help="print a built-in implementation's trajectory as CSV",
                                 description=__doc__.split(": ", 1)[1], epilog=EXAMPLE,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", metavar="NAME", help=", ".join(names))
    add_spec(parser)
    parser.add_argument("--iterations", type=whole(1, MAX_ITERATIONS), help="default: the spec's")
    parser.add_argument("--dtype", choices=("float64", "float32"), help="vectorized only; default float64")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    program = REGISTRY.get(args.name)
    if program is None or program.run is None:  # not in_process
        choices = ", ".join(n for n, p in REGISTRY.items() if p.in_process)
        raise UsageError(f"unknown implementation {args.name!r} (choose one of: {choices}; programs in other "
                         "languages are verified with `backprop-verify check` or `trace`)")
    spec = load_spec(args.spec, args.iterations)
    reason = program.supports(spec)
    if reason:
        raise UsageError(f"{args.name} cannot run {args.spec}: it {reason}")
    options = {"dtype": args.dtype} if args.dtype else {}
    try:
        frame = program.run(spec, args.iterations, **options)
    except (TypeError, ValueError) as error:
        raise UsageError(f"{args.name}: {error}") from None
    out = sys.stdout
    out.write(",".join(frame.columns) + "\n")
    for row in frame.itertuples(index=False):
        out.write(",".join([str(row[0]), *map(repr, row[1:])]) + "\n")
    return 0
