"""python -m reference.report: verify every implementation and write the comparison report into reports/.

    python -m reference.report                         # everything, into reports/
    python -m reference.report --trace NAME=COMMAND    # also a program verified through the trace protocol
    python -m reference.report --only loop --repeats 1 --documented-only   # a quick partial report

Exit status 0 when the report was written, whatever the verdicts; 2 on bad usage.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from implementations.trace.parse import FORMATS
from reference.__main__ import all_specs
from reference.spec import DEFAULT_SPEC, load

from . import collect, published, render
from .build import TITLE, build, counts

ROOT = DEFAULT_SPEC.parent.parent


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m reference.report", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="folder written (default: reports/)")
    parser.add_argument("--trace", action="append", default=[], metavar="NAME=COMMAND",
                        help="a program whose trace is verified as well (repeatable)")
    parser.add_argument("--trace-format", choices=FORMATS, default="name-value", help="of the --trace programs")
    parser.add_argument("--only", action="append", metavar="NAME", help="only these programs (repeatable)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each Python implementation (default 3)")
    parser.add_argument("--other-repeats", type=int, default=3, help="timed runs of each other program (default 3)")
    parser.add_argument("--documented-only", action="store_true", help="skip the other examples under golden/")
    parser.add_argument("--ledger", type=Path, default=DEFAULT_SPEC.with_name("published.csv"),
                        help="the published figures (default: golden/published.csv)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    try:
        programs = collect.programs(args.trace, args.trace_format)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.only:
        unknown = sorted(set(args.only) - {p.name for p in programs})
        if unknown:
            print(f"error: --only {unknown[0]}: no such program ({', '.join(p.name for p in programs)})",
                  file=sys.stderr)
            return 2
        programs = [p for p in programs if p.name in args.only]
    specs = [load(p) for p in (all_specs()[:1] if args.documented_only else all_specs())]
    results = list(collect.collect(programs, specs, python_repeats=args.repeats, other_repeats=args.other_repeats))
    print("checking the published figures ...", file=sys.stderr, flush=True)
    report = build(results, specs, published.read_ledger(args.ledger))
    written = render.write(args.out, TITLE, report.sections, report.summary)
    print(f"{counts(report.summary)} ({time.perf_counter() - started:.1f} s); wrote {len(written)} files to "
          f"{args.out}: open {args.out / 'report.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
