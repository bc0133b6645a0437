"""The API's keyword options: a spec given by name, path or object, and the trace options as keywords.

Each keyword is one of the ``trace`` command's options, spelled the Python way:

    --spec NAME|FILE          spec="documented" (or a path, or a loaded Spec)
    --iterations N            iterations=N
    --precision float32       precision="float32"
    --name 'loss=E_total'     names={"loss": "E_total"}
    --names map.toml          names_file="map.toml"
    --columns a,b             columns=["a", "b"] (or "a,b")
    --after-update            after_update=True
    --count-from 1            count_from=1
    --every N                 every=N
    --final                   final=True
    --strict                  strict=True
    --no-diagnosis            diagnose=False

A bad option is refused before anything runs, with a ``ValueError`` of one line
(a ``TypeError`` for a keyword that is no option).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypedDict

from ...reference import examples
from ...reference.spec import MAX_ITERATIONS, Spec, SpecError, check_length
from ...reference.spec import load as load_spec
from ..programs import Options, Printing
from ..trace import TraceError

PRECISIONS = ("float64", "float32")


class TraceOptions(TypedDict, total=False):
    """The keyword options every verifying function takes (see the module's docstring)."""
    iterations: int | None
    precision: str
    names: Mapping[str, str] | None
    names_file: str | Path | None
    columns: str | Sequence[str] | None
    after_update: bool | None
    count_from: int | None
    every: int | None
    final: bool
    strict: bool
    diagnose: bool


KEYWORDS = tuple(TraceOptions.__annotations__)


def spec_of(spec: str | Path | Spec) -> Spec:
    """A loaded spec from a shipped example's name, a spec file's path, or a Spec; ValueError (one line) when it
    cannot be had."""
    if isinstance(spec, Spec):
        return spec
    if not isinstance(spec, str | Path):
        raise TypeError(f"spec must be a shipped example's name, a spec file's path or a Spec, not "
                        f"{type(spec).__name__}")
    path = examples.resolve(str(spec))
    if not path.exists():
        close = difflib.get_close_matches(str(spec), examples.names(), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"spec {str(spec)!r}: no shipped example has that name and no such file exists ({hint}the "
                         f"examples: {', '.join(examples.names())}; or the path of a TOML spec)")
    try:
        return load_spec(path)
    except SpecError as error:
        raise ValueError(str(error)) from None


def _whole(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low:,} to {high:,} (got {value!r})")
    return value


def iterations_of(spec: Spec, iterations: int | None) -> int | None:
    """The iterations a run is verified over (None: the spec's), refused when the spec makes them too many."""
    if iterations is None:
        return None
    _whole("iterations", iterations, 1, MAX_ITERATIONS)
    try:
        check_length(spec, iterations, "iterations")
    except SpecError as error:
        raise ValueError(str(error)) from None
    return iterations


def precision_of(precision: str) -> str:
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)} (got {precision!r})")
    return precision


def _columns(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    found = tuple(value.split(",")) if isinstance(value, str) else tuple(value)
    if not found or not all(isinstance(c, str) and c for c in found):
        raise ValueError(f"columns must name each column, for instance columns=['iteration', 'E_total'] (got "
                         f"{value!r})")
    return found


def _names(value: Mapping[str, str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise ValueError(f"names must map the program's names to golden names, for instance "
                         f"names={{'loss': 'E_total'}} (got {type(value).__name__})")
    return tuple(f"{name}={golden}" for name, golden in value.items())


def options_of(spec: Spec, given: Mapping[str, object], **run: object) -> Options:
    """The harness's Options from the trace keywords in ``given`` (and ``run``: timeout, cwd), checked against
    ``spec``."""
    unknown = [k for k in given if k not in KEYWORDS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], KEYWORDS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise TypeError(f"{unknown[0]!r} is not an option{hint}; the options: {', '.join(KEYWORDS)}")
    o = TraceOptions(**given)  # type: ignore[typeddict-item]
    iterations = iterations_of(spec, o.get("iterations"))
    precision = precision_of(o.get("precision", "float64"))
    count_from, every = o.get("count_from"), o.get("every")
    if count_from is not None and count_from not in (0, 1):
        raise ValueError(f"count_from must be 0 or 1, the label of the first iteration (got {count_from!r})")
    if every is not None:
        _whole("every", every, 1, MAX_ITERATIONS)
    names_file = o.get("names_file")
    printing = Printing(names=_names(o.get("names")), names_file=Path(names_file) if names_file else None,
                        columns=_columns(o.get("columns")), strict=bool(o.get("strict", False)),
                        count_from=count_from, every=every, after_update=o.get("after_update"),
                        final=bool(o.get("final", False)))
    try:
        printing.validate(spec)
    except TraceError as error:
        raise ValueError(str(error)) from None
    return Options(iterations=iterations, precision=precision, printing=printing,
                   diagnose=bool(o.get("diagnose", True)), **run)  # type: ignore[arg-type]
