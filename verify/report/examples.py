"""What the page shows of each example itself: its shape, its step 1, the notes' identities and the diagram."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ...reference.spec import Spec
from ..programs import example_name
from ..truth import golden_folder
from . import network


@dataclass(frozen=True)
class Identities:
    rows: list[dict[str, str]]  # formula, where, holds, method, difference_at_example

    @property
    def failing(self) -> list[dict[str, str]]:
        return [r for r in self.rows if r["holds"].strip().lower() != "true"]

    def summary(self, whose: str = "") -> str:
        """One line: 'all 30 formulas of the notes hold', or how many do not."""
        total, wrong, of = len(self.rows), len(self.failing), f" {whose}" if whose else ""
        if total == 0:
            return "no formulas recorded"
        if not wrong:
            return f"all {total} formulas{of} hold" if total > 1 else f"the one formula{of} holds"
        return f"{total - wrong} of {total} formulas{of} hold; {wrong} do not"


@dataclass(frozen=True)
class Example:
    name: str
    spec: Spec
    step1: list[dict[str, str]]
    identities: Identities
    diagram: network.Diagram | None

    @property
    def shape(self) -> str:
        return "-".join(map(str, self.spec.layers))

    @property
    def facts(self) -> str:
        spec = self.spec
        activations = ", ".join(dict.fromkeys(spec.activations))
        biases = f"{spec.bias_mode.replace('_', '-')} biases{', trained' if spec.train_biases else ', not trained'}"
        batch = f"{len(spec.examples)} examples ({spec.reduction})" if len(spec.examples) > 1 else "one example"
        return (f"{self.shape} network, {activations}, {spec.loss.replace('_', ' ')}, {biases}, {batch}, "
                f"{spec.optimizer} at rate {spec.learning_rate}, {spec.iterations:,} iterations")


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(spec: Spec) -> Example:
    folder = golden_folder(spec, spec.iterations)
    step1 = _rows(folder / "step1.csv")
    return Example(example_name(spec), spec, step1, Identities(_rows(folder / "notes_identities.csv")),
                   network.diagram(spec, step1))
