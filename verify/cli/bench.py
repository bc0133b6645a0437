"""``python -m benchmarks [--torch] [--quick] [--out DIR]``: measure, then write bench.csv and bench.md.

--torch   time torch.autograd too, when torch is importable (a row says why not otherwise)
--quick   fewer repeats, and the whole nox run left out (a row says so)
--threads N  cap NumPy's BLAS and torch at N threads in this process (default: each library's own choice);
          on a machine busy with other work, multithreaded BLAS calls wait for descheduled threads
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import example, machine, scaling, suite
from .report import markdown, write_csv
from .steps import limit_threads, torch_version

ROOT = Path(__file__).resolve().parent.parent


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--torch", action="store_true", help="time torch.autograd too, if torch is importable")
    parser.add_argument("--quick", action="store_true", help="fewer repeats; leave out the whole nox run")
    parser.add_argument("--threads", type=int, help="cap NumPy's BLAS and torch at this many threads")
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="folder for bench.csv and bench.md")
    args = parser.parse_args(argv)

    cap = limit_threads(args.threads) if args.threads else None
    version, torch_note = torch_version() if args.torch else (None, "--torch not given")
    repeats, sample_seconds = (5, 0.02) if args.quick else (7, 0.1)
    started, loads = time.strftime("%Y-%m-%d %H:%M %Z"), []
    rows = []
    for part, measure in (("documented example", lambda: example.measure(repeats)),
                          ("scaling", lambda: scaling.measure(None if version else torch_note, repeats, sample_seconds)),
                          ("suite", lambda: suite.measure(3 if not args.quick else 1, not args.quick))):
        print(f"benchmarks: {part} ...", file=sys.stderr, flush=True)
        loads.append(f"{load()} before the {part}")
        rows += measure()
    info = machine.describe(torch_note if version else None)
    info["load average (1/5/15 min)"] = "; ".join([*loads, f"{load()} at the end"])
    flags = " ".join(flag for flag, on in (("--torch", args.torch), ("--quick", args.quick),
                                           (f"--threads {args.threads}", args.threads)) if on)
    heading = (f"Measured {started} by `python -m benchmarks{' ' + flags if flags else ''}`. "
               "Figures are medians with their spread; a slow or busy machine makes a target missed, "
               "never a test failure.")
    write_csv(rows, args.out / "bench.csv")
    (args.out / "bench.md").write_text(markdown(rows, info, heading), encoding="utf-8")
    del cap  # the thread cap held until here
    print(f"benchmarks: wrote {args.out / 'bench.csv'} and {args.out / 'bench.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
