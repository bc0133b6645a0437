"""``backprop-verify bench``: measure what the project promises and write bench.csv and bench.md, medians and spread.

Nothing here is a test: a slow or busy machine makes a target "missed" in the
report, and the command still exits 0 once the report is written.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .common import Commands, UsageError, whole

if TYPE_CHECKING:
    from ..bench.rows import Row  # the benchmarks are imported when run

EXAMPLE = """examples:
  backprop-verify bench                      # everything, into reports/ (several minutes: the suite runs nox)
  backprop-verify bench --quick              # fewer repeats, no nox runs
  backprop-verify bench --torch --threads 1  # torch too, every library on one thread
  nox -s bench -- --torch                    # the same from nox, torch installed into its environment"""

# (repeats of the in-process parts, seconds per scaling sample, repeats of the suite's commands)
PLANS = {False: (5, 0.1, 3), True: (3, 0.02, 1)}


def add_parser(commands: Commands) -> None:
    parser = commands.add_parser("bench", help="benchmark the programs, the reference and the suite",
                                 description=__doc__.split(": ", 1)[1], epilog=EXAMPLE,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--torch", action="store_true", help="time torch.autograd too (a row says why not when "
                        "torch is not importable: pip install torch==2.13.0)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats; leave out the nox runs (rows say so)")
    parser.add_argument("--threads", type=whole(1, 1024), metavar="N",
                        help="cap NumPy's BLAS and torch at N threads (default: each library's own choice)")
    parser.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR",
                        help="folder for bench.csv and bench.md (default: reports)")
    parser.set_defaults(run=run)


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from ...reference.writer import WriteError, writable_folder
    from ..bench import derivation, exact, example, explaining, grading, machine, noise, scaling, suite, verifying
    from ..bench.report import markdown, write_csv
    from ..bench.steps import limit_threads, torch_version

    try:
        writable_folder(args.out)
    except WriteError as error:
        raise UsageError(str(error)) from None
    try:
        cap = limit_threads(args.threads) if args.threads else None
    except ImportError:
        raise UsageError("--threads needs threadpoolctl: pip install threadpoolctl (or pip install -e . --group "
                         "bench)") from None
    version, torch_note = torch_version() if args.torch else (None, "--torch not given")
    repeats, sample_seconds, suite_repeats = PLANS[args.quick]
    parts: dict[str, Callable[[], list[Row]]] = {"the documented example": lambda: example.measure(repeats),
             "the reference": lambda: exact.measure(repeats),
             "the noise envelope": lambda: noise.measure(repeats),
             "the truth of a new spec": lambda: derivation.measure(repeats),
             "verifying a trace": lambda: verifying.measure(repeats),
             "explaining a failure": lambda: explaining.measure(repeats),
             "one step as the network grows": lambda: scaling.measure(None if version else torch_note, repeats,
                                                                      sample_seconds),
             "the suite": lambda: suite.measure(suite_repeats, not args.quick),
             "grading a class": lambda: grading.measure(suite_repeats)}
    started, loads, rows = time.strftime("%Y-%m-%d %H:%M %Z"), [], []
    for name, measure in parts.items():
        say(f"{name} ...")
        loads.append((f"before {name}", machine.load_average()))
        rows += measure()
    loads.append(("at the end", machine.load_average()))
    info = machine.describe(torch_note if version else None)
    info["threads"] = f"capped at {args.threads} (--threads)" if args.threads else "each library's own choice"
    info["load average (1 / 5 / 15 min)"] = "; ".join(f"{machine.shown(seen)} {when}" for when, seen in loads)
    info["busy"] = machine.busy([seen[0] for _, seen in loads if seen is not None])
    flags = " ".join(flag for flag, on in (("--torch", args.torch), ("--quick", args.quick),
                                           (f"--threads {args.threads}", args.threads)) if on)
    heading = (f"Measured {started} by `backprop-verify bench{' ' + flags if flags else ''}`. Figures are medians "
               "with their spread (min – max); a slow or busy machine makes a target missed, never a failure.")
    write_csv(rows, args.out / "bench.csv")
    (args.out / "bench.md").write_text(markdown(rows, info, heading), encoding="utf-8")
    del cap  # the thread cap held until here
    judged = [r.status for r in rows if r.target]
    counts = ", ".join(f"{judged.count(s)} {s}" for s in ("met", "missed", "failed", "skipped"))
    say(f"{counts}; wrote {args.out / 'bench.csv'} and {args.out / 'bench.md'}")
    return 0
