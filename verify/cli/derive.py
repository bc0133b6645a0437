"""``backprop-verify derive``: the reference derives a spec and writes its goldens, or checks them byte for byte."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ...reference import examples, goldens, names
from ...reference.spec import MAX_ITERATIONS
from ...reference.writer import WriteError, check_targets, not_a_link, writable_folder
from .common import UsageError, add_spec, load_spec, whole

LONG = 1_000_000  # values of a trajectory beyond which the derivation announces itself

EXAMPLE = """examples:
  backprop-verify derive                          # the documented example, into its golden folder
  backprop-verify derive --all --check            # derive every shipped example and compare with its goldens
  backprop-verify derive --spec my.toml --out g/  # any spec, into any folder
  backprop-verify derive --all --out scratch/     # every example into scratch/NAME, the committed ones untouched"""


def add_parser(commands) -> None:
    parser = commands.add_parser("derive", help="derive a spec with SymPy and write (or check) its goldens",
                                 description=__doc__.split(": ", 1)[1], epilog=EXAMPLE,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group()
    add_spec(which)
    which.add_argument("--all", action="store_true", help="every shipped example, each into its own folder")
    parser.add_argument("--out", type=Path, help="folder for the goldens (default: the spec's folder); "
                        "with --all, each example goes into a folder of its name under it")
    parser.add_argument("--iterations", type=whole(1, MAX_ITERATIONS), help="default: the spec's")
    parser.add_argument("--check", action="store_true",
                        help="write nothing: compare with the goldens on disk, exit 1 where they differ")
    parser.set_defaults(run=run)


def _progress(name: str):
    started = time.monotonic()

    def say(message: str) -> None:
        if time.monotonic() - started > 2:
            print(f"  {name}: {message}", file=sys.stderr, flush=True)
    return say


def run(args) -> int:
    paths = examples.all_specs() if args.all else [args.spec]
    specs = [load_spec(p, args.iterations) for p in paths]  # every spec is validated before anything is written
    if args.out is None:
        outs = [Path(p).parent for p in paths]
    else:
        outs = [args.out / Path(p).parent.name for p in paths] if args.all else [args.out]
    for out in outs:  # before the derivation, which can take minutes
        try:
            if args.all and args.out is not None:
                not_a_link(out)
            if not args.check:
                writable_folder(out)
            check_targets(out, goldens.FILES)
        except WriteError as error:
            raise UsageError(str(error)) from None
    problems = []
    for path, spec, out in zip(paths, specs, outs, strict=True):
        started = time.perf_counter()
        iterations = args.iterations or spec.iterations
        if iterations * len(names.quantities(spec)) >= LONG:  # minutes of work: say so before it starts
            print(f"  {spec.name}: deriving {iterations:,} iterations ...", file=sys.stderr, flush=True)
        files = goldens.render(spec, args.iterations, progress=_progress(spec.name))
        took = f"({time.perf_counter() - started:.2f} s)"
        try:
            if args.check:
                found = goldens.check(files, out)
                problems += found
                print(f"{path}: goldens in {out} {'differ' if found else 'match'} {took}")
            else:
                goldens.write(files, out)
                print(f"{path}: wrote {', '.join(files)} to {out} {took}")
        except WriteError as error:
            raise UsageError(str(error)) from None
    for line in problems:
        print(f"golden check failed: {line}", file=sys.stderr)
    return 1 if problems else 0
