"""A name map: the user's word on which quantity a printed name stands for, over what is inferred.

A ``NameMap`` maps a program's names to golden quantities (or ``iteration``).
It comes from a TOML file with a ``[names]`` table::

    [names]
    af_E_total_w5 = "dE_dw5"
    "Total error" = "E_total"

or from ``--name "PROGRAM NAME=GOLDEN_NAME"`` options (the last ``=`` splits).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ...reference.inputs import MISSING, Unreadable, read_bounded
from ..trace.errors import TraceError

LABEL = "iteration"
NEURON_RB = Path(__file__).resolve().parents[2] / "implementations" / "ruby" / "neuron_rb_names.toml"
MAX_MAP_BYTES = 8 << 20
MAX_MAP_NAMES = 100_000  # a map names what a program prints: a name per quantity, and a few for the label


@dataclass(frozen=True)
class NameMap:
    to_golden: Mapping[str, str] = field(default_factory=dict)  # program name -> golden quantity
    source: str = "<no map>"

    def __post_init__(self) -> None:
        for name, target in self.to_golden.items():
            _check_key(name, self.source)
            if not isinstance(target, str) or not target.strip():
                raise TraceError("name-map", f"name map {self.source}: the value of {name!r} must be a "
                                 "quantity name in quotes, such as \"E_total\"")

    @classmethod
    def from_options(cls, options: Iterable[str], source: str = "--name") -> NameMap:
        """A map from ``PROGRAM NAME=GOLDEN_NAME`` strings."""
        pairs = {}
        for option in options:
            name, equals, target = option.rpartition("=")
            if not equals or not target.strip():
                raise TraceError("name-map", f"{source} {option!r}: write PROGRAM NAME=GOLDEN_NAME, "
                                 "for example --name 'Total error=E_total'")
            pairs[name.rstrip()] = target.strip()  # blanks around the "=" are not part of the name
        return cls(pairs, source)

    def merged(self, other: NameMap) -> NameMap:
        """This map and ``other``; ``other`` wins where both name the same program name."""
        return NameMap({**self.to_golden, **other.to_golden}, f"{self.source} + {other.source}")

    def checked(self, quantities: Iterable[str]) -> NameMap:
        """This map, after making sure each target is one of ``quantities`` or ``iteration``."""
        known = list(quantities)
        for name, target in self.to_golden.items():
            if target != LABEL and target not in known:
                hint = suggest(target, [*known, LABEL])
                raise TraceError("name-map", f"name map {self.source}: {name!r} maps to {target!r}, which is "
                                 f"not a quantity of this example{_did_you_mean(hint)} (known: iteration, "
                                 f"{', '.join(known)})")
        return self


def _check_key(name: object, source: str) -> None:
    """Refuse a program name that no printed line could ever match."""
    if not isinstance(name, str) or not name:
        raise TraceError("name-map", f"name map {source}: an empty program name can never match")
    if "\n" in name or "\r" in name:
        raise TraceError("name-map", f"name map {source}: the program name {name!r} contains a line break, "
                         "so it can never match a line")
    if name != name.strip():
        raise TraceError("name-map", f"name map {source}: the program name {name!r} starts or ends with "
                         f"blanks, which are stripped from printed names; write {name.strip()!r}")


def load(path: str | Path) -> NameMap:
    """Read a name map file; every problem is a one-line TraceError of kind ``name-map``."""
    path = Path(path)
    try:
        text = read_bounded(path, MAX_MAP_BYTES).decode("utf-8")
        data = tomllib.loads(text)
    except Unreadable as why:
        advice = "" if why.kind == MISSING else "; a name map is a small TOML file with a [names] table"
        raise TraceError("name-map", f"name map {path}: {why}{advice}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TraceError("name-map", f"name map {path}: cannot be read as TOML ({exc})") from None
    except RecursionError:  # the parser recurses once per level of nesting
        raise TraceError("name-map", f"name map {path}: nested too deeply to read; a name map is one [names] "
                         "table") from None
    table = data.get("names")
    if not isinstance(table, dict) or not table:
        raise TraceError("name-map", f"name map {path}: needs a [names] table of program_name = \"quantity\"")
    if len(table) > MAX_MAP_NAMES:
        raise TraceError("name-map", f"name map {path}: {len(table):,} names; at most {MAX_MAP_NAMES:,} (one "
                         "for each quantity a program prints)")
    return NameMap(dict(table), str(path))


def neuron_rb() -> NameMap:
    """The map of the original Neuron.rb's 19 names (implementations/ruby/neuron_rb_names.toml)."""
    return load(NEURON_RB)


def _squeezed(name: str) -> str:
    return "".join(c for c in name.lower() if c not in "_- .")


def suggest(name: str, candidates: list[str]) -> str | None:
    """The candidate ``name`` is probably a misspelling of, or None.

    Only spelling counts: case, underscores, blanks (``E_Total``, ``Etotal``,
    ``w5 new``) or a close misspelling (``E_totl``); a different quantity with
    a similar name (``out_h1`` for ``out_o1``) is not suggested.
    """
    squeezed = _squeezed(name)
    for candidate in candidates:
        if _squeezed(candidate) == squeezed:
            return candidate
    close = difflib.get_close_matches(squeezed, [_squeezed(c) for c in candidates], n=1, cutoff=0.85)
    if close:
        return next(c for c in candidates if _squeezed(c) == close[0])
    return None


def _did_you_mean(hint: str | None) -> str:
    return f" (did you mean {hint!r}?)" if hint else ""
