"""The network diagram of an example at step 1: where each neuron and edge goes, and what it is labelled with.

Neurons show net and out of the first iteration (for a batch, the first
example's), the inputs their values and the outputs their targets; edges show
each weight and its gradient, written on the edge where there is room and on
hover always. On the documented example, each of the notes' R1..R20 is
attached to the neuron or edge it belongs to (from its description in
step1.csv, e.g. 'Δnet_o1/Δw5' belongs to w5) and listed in a legend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import SupportsFloat

from ...reference import names
from ...reference.spec import Spec

DX, LEFT, TOP, BOTTOM = 360, 80, 56, 80
ROOMY, CROWDED = 120, 64  # vertical spacing of neurons; with CROWDED the edges carry no labels
MOST_SOURCES = 3  # the edges from a layer of at most this many neurons carry labels; beyond, they would collide
MOST_NEURONS = 40  # larger networks are not drawn: neither a page nor a phone shows them legibly


@dataclass
class Neuron:
    name: str
    x: float
    y: float
    lines: list[str]  # below the circle
    above: str = ""  # the bias
    notes: list[str] = field(default_factory=list)  # R names

    @property
    def title(self) -> str:
        return "; ".join([self.name, *self.lines, self.above, *self.notes])


@dataclass
class Edge:
    weight: str
    source: str
    target: str
    x1: float
    y1: float
    x2: float
    y2: float
    value: str
    gradient: str
    labelled: bool
    label_at: float  # where on the edge, from its source, the label sits
    notes: list[str] = field(default_factory=list)

    @property
    def label_x(self) -> float:
        return self.x1 + self.label_at * (self.x2 - self.x1)

    @property
    def label_y(self) -> float:
        return self.y1 + self.label_at * (self.y2 - self.y1)

    @property
    def title(self) -> str:
        return "; ".join([f"{self.weight}: {self.source} → {self.target}", f"{self.weight} = {self.value}",
                          f"∂E/∂{self.weight} = {self.gradient}", *self.notes])


@dataclass
class Diagram:
    width: float
    height: float
    neurons: list[Neuron]
    edges: list[Edge]
    legend: list[dict[str, str]]  # the notes' R names: name, meaning, value, where
    note: str = ""


def short(value: SupportsFloat | str) -> str:
    """Four significant digits, as a teacher would write them."""
    number = float(value)
    return "0" if number == 0 else f"{number:.4g}"


def _layers(spec: Spec) -> list[list[str]]:
    return [[f"i{k}" for k in range(1, spec.n_inputs + 1)], *names.layer_neurons(spec)]


def _positions(spec: Spec) -> tuple[dict[str, tuple[float, float]], float, bool]:
    layers = _layers(spec)
    tallest = max(len(layer) for layer in layers)
    roomy = tallest <= 6
    dy = ROOMY if roomy else CROWDED
    where: dict[str, tuple[float, float]] = {}
    for k, layer in enumerate(layers):
        offset = (tallest - len(layer)) * dy / 2
        for j, neuron in enumerate(layer):
            where[neuron] = (LEFT + k * DX, TOP + offset + j * dy)
    return where, TOP + (tallest - 1) * dy + BOTTOM, roomy


def _neurons(spec: Spec, step1: dict[str, str], where: dict[str, tuple[float, float]]) -> list[Neuron]:
    suffix = "_x1" if len(spec.examples) > 1 else ""
    example = spec.examples[0]
    layers = _layers(spec)
    found = [Neuron(n, *where[n], [f"= {short(example.inputs[k])}"]) for k, n in enumerate(layers[0])]
    bias = iter(names.bias_names(spec))
    for k, layer in enumerate(layers[1:]):
        shared = spec.bias_mode == "shared"
        layer_bias = next(bias) if shared else None
        for j, n in enumerate(layer):
            lines = [f"net {short(step1[f'net_{n}{suffix}'])}", f"out {short(step1[f'out_{n}{suffix}'])}"]
            if k == len(layers) - 2:
                lines.append(f"target {short(example.targets[j])}")
            b = layer_bias if shared else next(bias)
            value = spec.bias_layers[k][0 if shared else j]
            found.append(Neuron(n, *where[n], lines, f"{b} = {short(value)}"))
    return found


def _edges(spec: Spec, step1: dict[str, str], where: dict[str, tuple[float, float]], roomy: bool) -> list[Edge]:
    layers, number = _layers(spec), 0
    found: list[Edge] = []
    for k, matrix in enumerate(spec.weight_layers):
        labelled = roomy and len(layers[k]) <= MOST_SOURCES
        # A label at 1 - 1/(n + 1) of the way, n sources: the labels of every edge of the layer then lie
        # spacing/(n + 1) apart vertically, whatever the sizes of the two layers.
        at = 1 - 1 / (len(layers[k]) + 1)
        for j, row in enumerate(matrix):
            for i, value in enumerate(row):
                number += 1
                source, target = layers[k][i], layers[k + 1][j]
                found.append(Edge(f"w{number}", source, target, *where[source], *where[target], short(value),
                                  short(step1[f"dE_dw{number}"]), labelled, at))
    return found


DRAFT = re.compile(r"Δ(\w+)/Δ(\w+)")


def _attach(neurons: list[Neuron], edges: list[Edge], rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Hang each R name on its neuron or edge (from 'Δnumerator/Δdenominator'), and list them."""
    by_neuron = {n.name: n for n in neurons}
    legend = []
    for row in rows:
        found = DRAFT.search(row["description"])
        if not found or not re.fullmatch(r"R\d+", row["quantity"]):
            continue
        top, bottom = found.groups()
        kind, _, neuron = bottom.partition("_")
        part: Neuron | Edge | None = None
        if re.fullmatch(r"w\d+", bottom):
            part = next((e for e in edges if e.weight == bottom), None)
        elif top.startswith("net_") and kind == "out":
            part = next((e for e in edges if e.source == neuron and e.target == top[4:]), None)
        else:
            part = by_neuron.get(neuron or top.partition("_")[2])
        meaning = found.group(0)
        text = f"{row['quantity']} = {meaning} = {short(row['value'])}"
        if part is not None:
            part.notes.append(text)
        where = part.weight if isinstance(part, Edge) else (part.name if part else "")
        legend.append({"name": row["quantity"], "meaning": meaning, "value": short(row["value"]), "where": where})
    return legend


def diagram(spec: Spec, step1_rows: list[dict[str, str]]) -> Diagram | None:
    """The diagram of ``spec`` from its step1.csv rows (quantity, value, symbol, description); None when too large."""
    if sum(spec.layers) > MOST_NEURONS or not step1_rows:
        return None
    step1 = {row["quantity"]: row["value"] for row in step1_rows}
    where, height, roomy = _positions(spec)
    neurons = _neurons(spec, step1, where)
    edges = _edges(spec, step1, where, roomy)
    legend = _attach(neurons, edges, step1_rows)
    width = 2 * LEFT + (len(spec.layers) - 1) * DX
    note = f"values of the first of {len(spec.examples)} examples" if len(spec.examples) > 1 else ""
    if not all(e.labelled for e in edges):
        note = "; ".join(filter(None, [note, "hover over an edge for its weight and gradient"]))
    return Diagram(width, height, neurons, edges, legend, note)
