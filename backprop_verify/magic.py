"""The ``%%backprop_verify [trace options]`` cell magic: run the cell, verify what it printed, show the verdict.

``%load_ext backprop_verify`` registers it. The options are the ``trace``
command's (``--spec``, ``--name``, ``--after-update``, ...), parsed by the
command line's own parser; the cell is the program, so the options about
running a command (``--timeout``, ``--cwd``, ``--stdin-spec``) do not apply.
The cell runs in the notebook's namespace as any cell does; what it printed
is shown, then the verdict, which is also the cell's result (``_``).
"""

from __future__ import annotations

import shlex
from typing import Any

from .verify.api import Verdict, verify_text
from .verify.cli import trace
from .verify.cli.common import Parser, UsageError, load_spec
from .verify.cli.output import details
from .verify.programs import DEFAULT_TIMEOUT, example_name
from .verify.trace import TraceError
from .verify.verdict import errored

NAME = "backprop_verify"
# the trace options a cell has no use for: their defaults, and why
NOT_FOR_A_CELL = {
    "timeout": (DEFAULT_TIMEOUT, "a cell runs in the notebook; bv.verify_command runs a program with a timeout"),
    "cwd": (None, "a cell runs in the notebook; bv.verify_command runs a program in a folder"),
    "stdin_spec": (False, "a cell reads no standard input; bv.verify_command(..., stdin_spec=True) does"),
    "format": ("text", "the cell shows the verdict as a card; its .record() is the JSON object"),
}


def parser() -> Parser:
    commands = Parser(prog=f"%%{NAME}").add_subparsers(parser_class=Parser)
    trace.add_parser(commands)
    found: Parser = commands.choices["trace"]
    found.prog = f"%%{NAME}"
    return found


def arguments(line: str) -> tuple[Any, Any, Any]:
    """The spec, the verification options and the parsed line; UsageError (one line) for anything unusable."""
    try:
        args = parser().parse_args(shlex.split(line))
    except ValueError as error:  # shlex: an unclosed quote
        raise UsageError(f"{error}: quote the options as on a command line") from None
    if args.command:
        raise UsageError(f"{' '.join(args.command)!r}: the cell is the program; give options only")
    for key, (default, why) in NOT_FOR_A_CELL.items():
        if getattr(args, key) != default:
            raise UsageError(f"--{key.replace('_', '-')} does not apply to a cell: {why}")
    spec = load_spec(args.spec, args.iterations)
    options = trace.options(args)
    try:
        options.printing.validate(spec)
    except TraceError as error:
        raise UsageError(str(error)) from None
    return spec, options, args


def backprop_verify(line: str, cell: str) -> Verdict | None:
    from IPython import get_ipython
    from IPython.core.error import UsageError as IPythonUsageError
    from IPython.utils.capture import capture_output

    try:
        spec, options, args = arguments(line)
    except UsageError as error:
        raise IPythonUsageError(str(error)) from None
    shell = get_ipython()
    with capture_output(stdout=True, stderr=False, display=False) as captured:
        result = shell.run_cell(cell)
    print(captured.stdout, end="")
    failure = result.error_before_exec or result.error_in_exec
    if failure is not None:
        return Verdict.of(errored(f"the cell raised {type(failure).__name__}: {failure}", "exception",
                                  program="cell", example=example_name(spec)))
    verdict = verify_text(captured.stdout, spec=spec, options=options, program="cell")
    for line_ in (details(verdict) if args.verbose else []) + \
            ([f"  stage {s.line()}" for s in verdict.stages] if args.stages else []):
        print(line_)
    return verdict


def register(ipython: Any) -> None:
    ipython.register_magic_function(backprop_verify, magic_kind="cell", magic_name=NAME)
