"""``backprop-verify trace``: run any program, in any language, and verify the trace it prints."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from ...implementations.spec_json import dumps as spec_json
from ...reference.spec import MAX_ITERATIONS, Spec
from .. import programs
from ..api import verify_command
from ..trace.errors import TraceError
from .common import Commands, Parser, UsageError, add_spec, load_spec, rate, seconds, whole
from .output import OUTPUT_FORMATS, print_verdict

EXAMPLE = """examples:
  backprop-verify trace -- python3 train.py                      # how it prints is read and inferred
  backprop-verify trace --spec my.toml --iterations 49999 -- ruby net.rb   # what it computes, when not the spec's
  backprop-verify trace --learning-rate 0.1 -- node net.js       # the documented example at another rate
  backprop-verify trace --precision float32 -- ./train_float     # a program computing in single precision
  backprop-verify trace --name "Total Error=E_total" -- java Net # a name read otherwise than inferred
  backprop-verify trace --stdin-spec --spec deep-tanh-softmax-adam -- ./train   # reads the spec as JSON
  backprop-verify trace --format json -- python3 train.py        # the verdict as one JSON object
(see TRACE_PROTOCOL.md for the reading rules)"""


def add_parser(commands: Commands) -> None:
    parser = commands.add_parser("trace", help="run any program and verify the trace it prints",
                                 description=__doc__.split(": ", 1)[1], epilog=EXAMPLE,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_spec(parser)
    parser.add_argument("--iterations", type=whole(1, MAX_ITERATIONS), help="the iterations the program runs "
                        "(default: the spec's)")
    parser.add_argument("--learning-rate", type=rate, metavar="RATE", help="the learning rate the program uses "
                        "(default: the spec's)")
    parser.add_argument("--columns", help="names of headerless columns, comma-separated; - ignores a column")
    parser.add_argument("--name", action="append", default=[], metavar="'PROGRAM NAME=GOLDEN_NAME'",
                        help="map a name the program prints to a golden name (repeatable)")
    parser.add_argument("--names", type=Path, metavar="FILE", help="a TOML name map ([names] program = \"golden\")")
    parser.add_argument("--after-update", action="store_true", default=None,
                        help="the outputs and E_total printed are those after each iteration's update "
                        "(default: inferred)")
    parser.add_argument("--final", action="store_true", help="the trace holds only the state after training")
    parser.add_argument("--count-from", type=int, choices=(0, 1), default=None,
                        help="the label of the first iteration (default: inferred, 0 or 1)")
    parser.add_argument("--every", type=whole(1, MAX_ITERATIONS), metavar="N",
                        help="unlabelled records are printed every N iterations (default: inferred)")
    parser.add_argument("--strict", action="store_true", help="lines that are not trace lines are errors")
    parser.add_argument("--precision", choices=("float64", "float32"), default="float64",
                        help="the arithmetic the program computes in (default float64)")
    parser.add_argument("--timeout", type=seconds, default=programs.DEFAULT_TIMEOUT,
                        help=f"seconds before the program and everything it started are killed "
                        f"(default {programs.DEFAULT_TIMEOUT:g})")
    parser.add_argument("--stdin-spec", action="store_true",
                        help="give the program the spec as JSON on standard input (TRACE_PROTOCOL.md, "
                        "\"Input: the example on standard input\")")
    parser.add_argument("--cwd", type=Path, help="the program's working directory")
    parser.add_argument("--no-diagnosis", action="store_true", help="do not look for the cause of a failure")
    parser.add_argument("--verbose", action="store_true", help="the largest error of every quantity, and notes")
    parser.add_argument("--stages", action="store_true", help="the verdict of each stage (forward pass, loss, "
                        "gradients, updates, trajectory) above the verdict")
    parser.add_argument("--format", choices=OUTPUT_FORMATS, default="text",
                        help="text (default): the verdict line; json: one JSON object (verify/schema/verdict.json)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the program and its arguments, after --")
    parser.set_defaults(run=run)


OPTIONS = {"--spec", "--iterations", "--learning-rate", "--format", "--columns", "--name", "--names",
           "--after-update", "--final", "--count-from", "--every", "--strict", "--precision", "--timeout",
           "--stdin-spec", "--cwd", "--no-diagnosis", "--verbose", "--stages"}


def options(args: argparse.Namespace) -> programs.Options:
    """The verification options a trace command line gives (the report's --trace takes the same)."""
    if args.cwd is not None and not os.path.isdir(args.cwd):  # False for a path name too long, too
        raise UsageError(f"--cwd {args.cwd}: no such folder")
    printing = programs.Printing(columns=tuple(args.columns.split(",")) if args.columns else None,
                                 names=tuple(args.name), names_file=args.names, strict=args.strict,
                                 count_from=args.count_from, every=args.every, after_update=args.after_update,
                                 final=args.final)
    try:
        printing.validate()
    except TraceError as error:  # a bad name map or option: refused before the program runs
        raise UsageError(str(error)) from None
    return programs.Options(iterations=args.iterations, precision=args.precision, printing=printing,
                            timeout=args.timeout, cwd=str(args.cwd) if args.cwd else None,
                            diagnose=not args.no_diagnosis)


@dataclass(frozen=True)
class Invocation:
    """What a trace command line asks for: the program, the spec, how to verify, and its standard input."""
    command: list[str]
    spec: Spec
    options: programs.Options
    stdin: bytes | None


def invocation(args: argparse.Namespace) -> Invocation:
    """The parsed options as an Invocation; UsageError (one line) for anything unusable."""
    separated = args.command[:1] == ["--"]
    command = args.command[1:] if separated else args.command
    if not command:
        raise UsageError("no command given: put the program and its arguments after --")
    ours = [word for word in command if word.split("=")[0] in OPTIONS]
    if not separated and ours:
        raise UsageError(f"{ours[0]} comes after the program, so it would go to the program: put backprop-verify's "
                         "options first, then --, then the program and its arguments")
    spec = load_spec(args.spec, args.iterations, args.learning_rate)
    found = options(args)
    try:
        found.printing.validate(spec)
    except TraceError as error:
        raise UsageError(str(error)) from None
    stdin = spec_json(spec, args.iterations).encode() if args.stdin_spec else None
    return Invocation(command, spec, found, stdin)


def parse(argv: list[str], **defaults: object) -> Invocation:
    """This subcommand's options and command, given on their own (the report's --trace 'NAME=ARGS'); ``defaults``
    replace those of options that ``argv`` does not give (the report's own --timeout)."""
    commands = Parser(prog="backprop-verify").add_subparsers(parser_class=Parser)
    add_parser(commands)
    commands.choices["trace"].set_defaults(**defaults)
    return invocation(commands.choices["trace"].parse_args(argv))


def run(args: argparse.Namespace) -> int:
    found = invocation(args)
    verdict = verify_command(found.command, spec=found.spec, options=found.options, stdin=found.stdin,
                             program=Path(found.command[0]).name)
    print_verdict(verdict, args.verbose, args.format, args.stages)
    return verdict.exit_code
