"""``backprop-verify report``: every program on every example, written as a page to look at (reports/report.html).

Bad options are refused before anything runs: an unknown program, a spec
that does not load, a --trace whose options `backprop-verify trace` would
refuse, a missing or malformed --ledger, an --out that cannot hold files.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from pathlib import Path

from ...implementations.registry import REGISTRY
from ...reference import examples, store
from ...reference import names as golden_names
from ...reference.spec import Spec
from ...reference.writer import WriteError, writable_folder
from .. import programs
from ..report import assemble, execute
from ..report.jobs import Job, registered
from ..report.ledger import Figure, LedgerError, read
from ..trace.errors import TraceError
from . import trace
from .common import Commands, UsageError, load_spec, seconds, spec_argument, whole
from .output import show

LEDGER = store.LEDGER
EXAMPLE = f"""examples:
  backprop-verify report                                  # every program on every shipped example, into reports/
  backprop-verify report --only loop ruby --spec documented --out /tmp/r
  backprop-verify report --trace 'mine=--name loss=E_total --after-update -- node net.js'
  backprop-verify report --download --time               # fetch the pinned Neuron.rb; show each run's seconds
exit status: 0 every program passed or was skipped, 1 one failed, 2 one errored (or bad options).
The published figures come from {LEDGER.relative_to(examples.ROOT.parent)} unless --ledger says otherwise."""


def add_parser(commands: Commands) -> None:
    parser = commands.add_parser("report", help="verify every program on every example and write the report",
                                 description=__doc__.split(": ", 1)[1], epilog=EXAMPLE,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR",
                        help="the folder for report.html, report.md, summary.json and summary.csv (default: reports)")
    parser.add_argument("--only", nargs="+", action="extend", metavar="NAME",
                        help=f"only these programs: registered ({', '.join(REGISTRY)}) or named by --trace")
    parser.add_argument("--spec", nargs="+", action="extend", type=spec_argument, metavar="FILE|NAME",
                        help="these specs or shipped examples (default: every shipped example)")
    parser.add_argument("--trace", action="append", default=[], metavar="'NAME=ARGS'",
                        help="add a program: ARGS are the options and the command of `backprop-verify trace`, "
                        "e.g. 'mine=--after-update -- node net.js' (repeatable)")
    parser.add_argument("--precision", choices=("float64", "float32"), default="float64",
                        help="the envelope the registered programs are judged by (default float64)")
    parser.add_argument("--ledger", type=Path, metavar="FILE",
                        help="the published figures to check (default: the documented example's, when it is shown)")
    parser.add_argument("--time", action="store_true", help="show the seconds of each program's run (one run)")
    parser.add_argument("--download", action="store_true",
                        help="allow downloading the pinned original Neuron.rb (hash-checked) when no copy is at hand")
    parser.add_argument("--timeout", type=seconds, default=programs.DEFAULT_TIMEOUT,
                        help=f"seconds a program may run (default {programs.DEFAULT_TIMEOUT:g})")
    parser.add_argument("--jobs", type=whole(1, 256), default=execute.default_workers(),
                        help="programs run at once (default: the cores here)")
    parser.set_defaults(run=run)


def usable_out(folder: Path) -> Path:
    """The output folder, created if missing, tried with a file, an interrupted write in it settled; UsageError
    when it cannot hold the report."""
    try:
        writable_folder(folder)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".bv-probe-"):
            pass
    except WriteError as error:
        raise UsageError(f"--out: {error}") from None
    except OSError as error:
        raise UsageError(f"--out {folder}: cannot write there ({error.strerror or error})") from None
    return folder


def traced(definitions: list[str], timeout: float = programs.DEFAULT_TIMEOUT) -> list[Job]:
    """One job per --trace 'NAME=ARGS', its ARGS read by the trace subcommand's own parser, with the report's
    ``timeout`` unless ARGS give their own; a name map that does not fit the job's spec is refused here."""
    found: dict[str, Job] = {}
    for text in definitions:
        name, equals, rest = text.partition("=")
        name = name.strip()
        if not equals or not name or not rest.strip():
            raise UsageError(f"--trace {text!r}: expected 'NAME=ARGS', e.g. 'mine=-- python3 mine.py'")
        if name in REGISTRY or name in found:
            raise UsageError(f"--trace {name}: the name is taken already; choose another")
        try:
            argv = shlex.split(rest)
        except ValueError as error:
            raise UsageError(f"--trace {name}: {error}") from None
        try:
            given = trace.parse(argv, timeout=timeout)
            mapped = given.options.printing.name_map()
            if mapped is not None:
                mapped.checked(golden_names.quantities(given.spec))
        except (UsageError, TraceError) as error:
            raise UsageError(f"--trace {name}: {error}") from None
        found[name] = Job(name, given.spec, given.options, tuple(given.command), given.stdin)
    return list(found.values())


def _ledger(path: Path | None, specs: list[Spec]) -> tuple[Spec, list[Figure]] | None:
    """(the documented spec, its figures), None when no figure is to be checked; UsageError for a bad ledger."""
    shown = {programs.example_name(s) for s in specs}
    if path is None and examples.DOCUMENTED not in shown:
        return None
    spec = load_spec(examples.spec_path(examples.DOCUMENTED))
    try:
        return spec, read(path or LEDGER, spec)
    except LedgerError as error:
        raise UsageError(str(error)) from None


def once(paths: list[Path]) -> list[Path]:
    """``paths`` in order, each file once: a spec given twice (by its name and by its path, say) runs once."""
    kept: dict[str, Path] = {}
    for path in paths:
        kept.setdefault(os.path.realpath(path), path)
    return list(kept.values())


def run(args: argparse.Namespace) -> int:
    specs = [load_spec(p) for p in once(args.spec or examples.all_specs())]
    extra = traced(args.trace, args.timeout)
    known = list(REGISTRY) + [job.program for job in extra]
    unknown = [n for n in args.only or [] if n not in known]
    if unknown:
        raise UsageError(f"--only: no program {unknown[0]!r} (known: {', '.join(known)})")
    ledger = _ledger(args.ledger, specs)
    out = usable_out(args.out)

    def wanted(name: str) -> bool:
        return not args.only or name in args.only

    names = [n for n in REGISTRY if wanted(n)]
    options = programs.Options(precision=args.precision, timeout=args.timeout, download=args.download)
    jobs = registered(names, specs, options) + [job for job in extra if wanted(job.program)]
    shown = specs + [job.spec for job in extra if wanted(job.program)]
    report = assemble.make(jobs, names + [job.program for job in extra if wanted(job.program)], shown, ledger,
                           workers=args.jobs, timed=args.time, seconds=args.timeout)
    for result in report.results:
        for hint in result.hints:
            show(f"  hint: {hint}")
        show(result.line + (f" ({result.seconds:.2f} s)" if args.time and result.seconds is not None else ""))
    print(", ".join(f"{n} {s}" for s, n in report.counts.items()))
    try:
        written = assemble.write(report, out)
    except WriteError as error:
        raise UsageError(str(error)) from None
    print(f"report: {written[0]} (and {', '.join(p.name for p in written[1:])})")
    sys.stdout.flush()
    return report.exit_code

