"""The rubric: the points of each stage, what a stage the submission does not print earns, what it must print.

A rubric is a TOML file; every key is optional, and these are the defaults::

    title = "Backpropagation, step by step"
    required = []         # golden names every submission must print, e.g. ["E_total", "w5"]: one missing scores 0

    [points]              # points per stage (a whole or decimal number, 0 or more)
    forward = 2           # the forward pass of the first iteration (net, out)
    loss = 1              # E_total of the first iteration
    output-gradients = 2  # the output layer's gradients of the first iteration
    hidden-gradients = 2  # the hidden layers' gradients of the first iteration
    updates = 2           # the parameters after the first update
    trajectory = 1        # every value after the first step, through training

    [if-not-shown]        # the share of its points (0 to 1) a stage earns when the submission does not print it
    all = 1.0             # every stage; a stage named here overrides it (forward = 0 makes printing it required)

``required`` sits above the first table (in TOML, a key below ``[if-not-shown]``
belongs to it).

A stage that is not shown earns its share only when a later stage it feeds is
shown right: a loss right at every printed iteration could not be with wrong
gradients, while a wrong one could come from any stage before it. So printing
less never earns more than printing everything. A stage printed too coarsely to
check counts as not shown.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..stages import STAGES

DEFAULT_POINTS = MappingProxyType({"forward": 2.0, "loss": 1.0, "output-gradients": 2.0, "hidden-gradients": 2.0,
                                   "updates": 2.0, "trajectory": 1.0})
DEFAULT_TITLE = "Backpropagation, step by step"
KEYS = {"title", "points", "if-not-shown", "required"}


class RubricError(Exception):
    """A rubric that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Rubric:
    points: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    if_not_shown: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 1.0))
    required: tuple[str, ...] = ()
    title: str = DEFAULT_TITLE

    @property
    def total(self) -> float:
        return sum(self.points.values())

    def record(self) -> dict[str, Any]:
        return {"title": self.title, "points": dict(self.points), "if_not_shown": dict(self.if_not_shown),
                "required": list(self.required)}


def load(path: Path | None, quantities: list[str] | None = None) -> Rubric:
    """The rubric in ``path`` (the defaults for None); ``quantities``: the golden names ``required`` may use."""
    if path is None:
        return Rubric()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RubricError(f"--rubric {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RubricError(f"--rubric {path}: cannot read it ({getattr(error, 'strerror', None) or error})") from None
    except tomllib.TOMLDecodeError as error:
        raise RubricError(f"--rubric {path}: not valid TOML ({error})") from None
    return parse(data, str(path), quantities)


def parse(data: dict[str, Any], where: str = "the rubric", quantities: list[str] | None = None) -> Rubric:
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise RubricError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(KEYS))})")
    points = dict(DEFAULT_POINTS)
    points.update(_per_stage(data.get("points", {}), "points", where, upper=math.inf))
    shares = dict.fromkeys(STAGES, 1.0)
    given = _per_stage(data.get("if-not-shown", {}), "if-not-shown", where, upper=1.0, extra=("all",))
    if "all" in given:
        shares = dict.fromkeys(STAGES, given.pop("all"))
    shares.update(given)
    required = data.get("required", [])
    if not isinstance(required, list) or not all(isinstance(q, str) for q in required):
        raise RubricError(f"{where}: required must be a list of golden names, e.g. [\"E_total\", \"w5\"]")
    if quantities is not None:
        strange = [q for q in required if q not in quantities]
        if strange:
            raise RubricError(f"{where}: required names {strange[0]!r}, which is not a quantity of the example "
                              f"(for instance {', '.join(quantities[:4])})")
    title = data.get("title", DEFAULT_TITLE)
    if not isinstance(title, str) or not title.strip():
        raise RubricError(f"{where}: title must be a non-empty string")
    if sum(points.values()) <= 0:
        raise RubricError(f"{where}: the points add up to 0: give at least one stage some points")
    return Rubric(points, shares, tuple(dict.fromkeys(required)), title.strip())


def _per_stage(table: object, name: str, where: str, upper: float, extra: tuple[str, ...] = ()) -> dict[str, float]:
    if not isinstance(table, dict):
        raise RubricError(f"{where}: [{name}] must be a table of stages ({', '.join(STAGES)})")
    found = {}
    for stage, value in table.items():
        if stage not in STAGES and stage not in extra:
            raise RubricError(f"{where}: [{name}] names {stage!r}, which is not a stage (stages: "
                              f"{', '.join(STAGES + extra)})")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= upper:
            bound = "from 0 to 1" if upper == 1.0 else "0 or more"
            raise RubricError(f"{where}: [{name}] {stage} = {value!r}: must be a number {bound}")
        found[stage] = float(value)
    return found
