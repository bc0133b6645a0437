"""``backprop-verify derive``: the reference derives a spec and writes its goldens, or checks them byte for byte."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ...reference import examples, goldens, store
from ...reference.evaluate import OutOfRange
from ...reference.spec import MAX_ITERATIONS, Spec
from ...reference.writer import WriteError, not_a_link, writable_folder
from .common import Commands, UsageError, add_spec, load_spec, say, whole

EXAMPLE = """examples:
  backprop-verify derive                          # the documented example, into its golden folder
  backprop-verify derive --all --check            # derive every shipped example and compare with its goldens
  backprop-verify derive --spec my.toml --out g/  # any spec, into any folder
  backprop-verify derive --all --out scratch/     # every example into scratch/NAME, the committed ones untouched"""


def add_parser(commands: Commands) -> None:
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
                        help="write nothing: compare with the goldens on disk, exit 1 where they differ (each "
                        "differing file named, with its first differing cell)")
    parser.set_defaults(run=run)


def _out(spec: Spec, args: argparse.Namespace) -> Path:
    """Where the goldens of ``spec`` go: --out (with --all, a folder of the example's name under it), else the
    spec's own folder; a shipped example's folder only ever holds the spec's own iteration count."""
    if args.out is not None:
        out: Path = args.out
        return out / (spec.example or spec.name) if args.all else out
    shipped = store.shipped_folder(spec)
    if shipped is None:
        return Path(spec.source).parent
    if args.iterations and args.iterations != spec.iterations:
        raise UsageError(f"the goldens of the shipped example {spec.example!r} hold its {spec.iterations:,} "
                         f"iterations, not {args.iterations:,}: give --out DIR to derive {args.iterations:,} "
                         "iterations elsewhere")
    return shipped


def run(args: argparse.Namespace) -> int:
    paths = examples.all_specs() if args.all else [args.spec]
    specs = [load_spec(p, args.iterations) for p in paths]  # every spec is validated before anything is written
    outs = [_out(spec, args) for spec in specs]
    for out in outs:  # before the derivation, which can take minutes
        try:
            if args.all and args.out is not None:
                not_a_link(out)
            if not args.check:
                writable_folder(out)
            store.check_targets(out)
        except WriteError as error:
            raise UsageError(str(error)) from None
    problems = []
    for path, spec, out in zip(paths, specs, outs, strict=True):
        started = time.perf_counter()
        try:
            files = goldens.render(spec, args.iterations, progress=say)
        except OutOfRange as error:
            raise UsageError(f"spec {spec.source}: {error}") from None
        took = f"({time.perf_counter() - started:.2f} s)"
        try:
            if args.check:
                found = store.differences(files, out)
                problems += found
                print(f"{path}: goldens in {out} {'differ' if found else 'match'} {took}")
            else:
                store.write(files, out)
                print(f"{path}: wrote {', '.join(files)} to {out} {took}")
        except WriteError as error:
            raise UsageError(str(error)) from None
    for line in problems:
        print(f"golden check failed: {line}", file=sys.stderr)
    return 1 if problems else 0
