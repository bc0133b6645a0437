"""What the subcommands share: an argument parser whose errors are one line, and how to name a spec."""

from __future__ import annotations

import argparse
import difflib
import math
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import NoReturn, TypeAlias

from ...reference import examples
from ...reference.spec import Spec, SpecError, check_length, load
from ..escape import for_terminal

ERRORED = 2
Commands: TypeAlias = "argparse._SubParsersAction[Parser]"  # where each subcommand adds its parser


class UsageError(Exception):
    """A bad option or argument; the message is one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def fail(message: str) -> int:
    """One line on standard error (control characters escaped), and the errored exit code."""
    print(f"error: {for_terminal(message)}", file=sys.stderr)
    return ERRORED


def say(message: str) -> None:
    """The command line's progress callback: what long work and notices tell, one line on standard error."""
    print(message, file=sys.stderr, flush=True)


def spec_argument(text: str) -> Path:
    try:
        return examples.resolve(text)
    except OSError as error:  # a name too long for a path, above all
        raise argparse.ArgumentTypeError(f"cannot be a spec file: {error.strerror or error}") from None


def add_spec(parser: argparse._ActionsContainer, default: str | None = examples.DOCUMENTED) -> None:
    parser.add_argument("--spec", type=spec_argument, default=None if default is None else examples.spec_path(default),
                        metavar="FILE|NAME", help="a spec file, or the name of a shipped example "
                        f"({', '.join(examples.names())}); default: {default}")


def whole(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low:,} to {high:,} (got {text!r})")
        return value
    return parse


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a number of seconds greater than 0 (got {text!r})")
    return value


def rate(text: str) -> Decimal:
    """A learning rate as typed: a positive decimal number."""
    try:
        value = Decimal(text)
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a learning rate: give a positive number, e.g. 0.1")
    return value


def load_spec(path: Path, iterations: int | None = None, learning_rate: Decimal | None = None) -> Spec:
    """The spec, or UsageError with the spec's one-line message; also when ``--iterations`` make it too long.
    ``learning_rate`` gives another example: the spec's with that rate (no longer the shipped one)."""
    try:
        spec = load(path)
        if iterations:
            check_length(spec, iterations, "--iterations")
        if learning_rate is not None and learning_rate != spec.learning_rate:
            named = spec.example or spec.source
            spec = replace(spec, learning_rate=learning_rate, example=None, name=f"{spec.name}, learning rate "
                           f"{learning_rate}", source=f"{named} with learning rate {learning_rate}")
        return spec
    except SpecError as error:
        close = difflib.get_close_matches(str(path), examples.names(), n=1) if not os.path.exists(path) else []
        hint = f" (did you mean the shipped example {close[0]!r}?)" if close else ""
        raise UsageError(str(error) + hint) from None
