"""What the page shows of each example itself: its shape, its step 1, the notes' identities and the diagram."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ...reference.spec import Spec
from ..programs import example_name
from ..truth import Truth
from ..truth import load as load_truth
from . import network


@dataclass(frozen=True)
class Identities:
    rows: list[Mapping[str, str]]  # formula, where, holds, method, difference_at_example

    @property
    def failing(self) -> list[Mapping[str, str]]:
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
    step1: list[dict[str, str]]  # quantity and value
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


def load(spec: Spec, truth: Truth | None = None) -> Example:
    """What the page shows of ``spec``, from its truth (loaded when not given)."""
    truth = truth or load_truth(spec)
    step1 = [dict(row) for row in truth.step1]
    return Example(example_name(spec), spec, step1, Identities(list(truth.identities)), network.diagram(spec, step1))
