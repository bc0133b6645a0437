"""python -m reference: derive a spec with SymPy and write (or check) its golden files.

    python -m reference                      # golden/example.toml -> golden/
    python -m reference --spec S --out DIR   # any spec; DIR defaults to the spec's folder
    python -m reference --all                # every spec under golden/
    python -m reference --all --check        # compare fresh derivations with the goldens on disk
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import goldens
from .spec import DEFAULT_SPEC, SpecError, load

GOLDEN = DEFAULT_SPEC.parent


def all_specs() -> list[Path]:
    """The documented example first, then every other example under golden/ (one per folder)."""
    return [DEFAULT_SPEC] + sorted(GOLDEN.glob("*/example.toml"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reference", description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--spec", type=Path, help="spec file (default: golden/example.toml)")
    which.add_argument("--all", action="store_true", help="every spec under golden/, each into its own folder")
    parser.add_argument("--out", type=Path, help="folder for the goldens (default: the spec's folder)")
    parser.add_argument("--check", action="store_true",
                        help="do not write: compare with the goldens on disk, exit 1 where they differ")
    args = parser.parse_args(argv)
    if args.all and args.out:
        parser.error("--out goes with --spec, not with --all")

    paths = all_specs() if args.all else [args.spec or DEFAULT_SPEC]
    try:
        specs = [load(p) for p in paths]  # every spec is validated before anything is written
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    problems = []
    for path, spec in zip(paths, specs):
        out = args.out or path.parent
        started = time.perf_counter()
        files = goldens.render(spec)
        if args.check:
            found = goldens.check(files, out)
            problems += found
            verdict = "differs" if found else "matches"
            print(f"{path}: goldens in {out} {verdict} ({time.perf_counter() - started:.2f} s)")
        else:
            goldens.write(files, out)
            print(f"{path}: wrote {', '.join(files)} to {out} ({time.perf_counter() - started:.2f} s)")
    for line in problems:
        print(f"golden check failed: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
