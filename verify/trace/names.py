"""Name maps: which golden quantity each name printed by a program stands for.

A name map is a TOML file with one table, ``[names]``, whose keys are the
program's names in the order it prints them and whose values are golden
quantities (columns of trajectory.csv, see reference/names.py)::

    [names]
    af_E_total_w5 = "dE_dw5"

The map must cover every quantity of the example exactly once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import TraceError

NEURON_RB = Path(__file__).with_name("neuron_rb_names.toml")


@dataclass(frozen=True)
class NameMap:
    to_golden: dict[str, str]  # program name -> golden quantity, in the program's print order
    source: str

    @property
    def order(self) -> list[str]:
        return list(self.to_golden)

    def checked_against(self, quantities: list[str]) -> NameMap:
        """This map, after making sure it names each of ``quantities`` exactly once and nothing else."""
        targets = list(self.to_golden.values())
        for name, quantity in self.to_golden.items():
            if quantity not in quantities:
                raise TraceError("name-map", f"name map {self.source}: {name} maps to {quantity!r}, "
                                 f"which is not a quantity of this example (known: {', '.join(quantities)})")
            if targets.count(quantity) > 1:
                raise TraceError("name-map", f"name map {self.source}: {quantity!r} is the target of "
                                 "more than one name; each quantity needs exactly one")
        unmapped = [q for q in quantities if q not in targets]
        if unmapped:
            raise TraceError("name-map", f"name map {self.source}: no name maps to {unmapped[0]!r}; "
                             "add a line `program_name = \"" + unmapped[0] + "\"` under [names]")
        return self


def identity(quantities: list[str]) -> NameMap:
    """The map of a program that prints the golden names themselves."""
    return NameMap({q: q for q in quantities}, "<golden names>")


def load(path: str | Path) -> NameMap:
    """Read a name map file; every problem is a one-line TraceError."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TraceError("name-map", f"name map {path}: no such file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TraceError("name-map", f"name map {path}: cannot be read as TOML ({exc})") from None
    table = data.get("names")
    if not isinstance(table, dict) or not table:
        raise TraceError("name-map", f"name map {path}: needs a [names] table of program_name = \"quantity\"")
    wrong = [k for k, v in table.items() if not isinstance(v, str)]
    if wrong:
        raise TraceError("name-map", f"name map {path}: the value of {wrong[0]} must be a quantity name in quotes")
    if any(":" in k or "," in k for k in table):
        raise TraceError("name-map", f"name map {path}: program names cannot contain ':' or ','")
    return NameMap(dict(table), str(path))


def neuron_rb() -> NameMap:
    """The built-in map of Neuron.rb's 19 names."""
    return load(NEURON_RB)
