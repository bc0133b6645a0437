"""``backprop-verify check``: verify registered programs (all, or those named) on the shipped examples or a spec."""

from __future__ import annotations

import argparse
import sys

from ...implementations.registry import REGISTRY
from ...reference import examples
from ...reference.spec import MAX_ITERATIONS
from .. import programs
from ..status import Status, overall
from .common import Commands, UsageError, load_spec, seconds, spec_argument, whole
from .output import OUTPUT_FORMATS, print_verdict, summary

EXAMPLE = """examples:
  backprop-verify check                       # every program on every shipped example
  backprop-verify check loop ruby             # two programs
  backprop-verify check neuron.rb --download  # fetch the pinned original Neuron.rb first
  backprop-verify check vectorized --spec my.toml --iterations 50"""


def add_parser(commands: Commands) -> None:
    parser = commands.add_parser("check", help="verify registered programs against the goldens",
                                 description=__doc__.split(": ", 1)[1], epilog=EXAMPLE,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"programs ({', '.join(REGISTRY)}); default: all")
    parser.add_argument("--spec", type=spec_argument, metavar="FILE|NAME",
                        help="one spec, or the name of a shipped example (default: every shipped example)")
    parser.add_argument("--iterations", type=whole(1, MAX_ITERATIONS), help="default: each spec's")
    parser.add_argument("--precision", choices=("float64", "float32"), default="float64",
                        help="the envelope of float64 (default) or float32 arithmetic")
    parser.add_argument("--download", action="store_true",
                        help="allow downloading the pinned original Neuron.rb (hash-checked) when no copy is at hand")
    parser.add_argument("--timeout", type=seconds, default=programs.DEFAULT_TIMEOUT,
                        help=f"seconds a program may run (default {programs.DEFAULT_TIMEOUT:g})")
    parser.add_argument("--verbose", action="store_true", help="the largest error of every quantity, and notes")
    parser.add_argument("--stages", action="store_true", help="the verdict of each stage above each verdict")
    parser.add_argument("--format", choices=OUTPUT_FORMATS, default="text",
                        help="text (default), or json: one JSON object per verdict (verify/schema/verdict.json)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    unknown = [n for n in args.names if n not in REGISTRY]
    if unknown:
        raise UsageError(f"no program {unknown[0]!r} (known: {', '.join(REGISTRY)})")
    paths = [args.spec] if args.spec else examples.all_specs()
    specs = [load_spec(p, args.iterations) for p in paths]
    options = programs.Options(iterations=args.iterations, precision=args.precision, timeout=args.timeout,
                               download=args.download)
    verdicts = []
    for spec in specs:
        for name in args.names or REGISTRY:
            verdict = programs.verify_program(REGISTRY[name], spec, options)
            print_verdict(verdict, args.verbose, args.format, args.stages)
            verdicts.append(verdict)
    if args.format == "text":
        print(summary(verdicts))
    sys.stdout.flush()
    return overall(v.status for v in verdicts).exit_code if verdicts else Status.SKIPPED.exit_code
