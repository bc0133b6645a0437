"""The class at a glance: one self-contained HTML page in the report's style (its style sheet, inline SVG).

It holds the submissions × stages matrix with their points, the distribution
of scores, the diagnosed mistakes counted over the class (each linked to the
submissions that make it) and, for each submission, its verdict line, its
first divergence and its stages.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..report.page import TEMPLATES as REPORT_TEMPLATES
from ..stages import STAGES, TITLES
from .formats.text import stage_message
from .score import Graded, points

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE = "class.html"
BINS = 10  # bars of the score distribution


@dataclass(frozen=True)
class Mistake:
    """A kind of diagnosed mistake, counted over the class, with each of its wordings (a scope: a layer, a neuron)
    and the submissions that make it so."""
    category: str
    wordings: tuple[tuple[str, tuple[str, ...]], ...]  # (the cause's sentence, the submissions whose cause it is)

    @property
    def submissions(self) -> tuple[str, ...]:
        return tuple(name for _, names in self.wordings for name in names)


@dataclass(frozen=True)
class Bar:
    low: float
    high: float
    count: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class ClassPage:
    title: str
    graded: list[Graded]
    provenance: dict[str, str]

    @property
    def max_score(self) -> float:
        return max((g.max_score for g in self.graded), default=0.0)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(g.status.value == s for g in self.graded) for s in ("passed", "failed", "errored", "skipped")}

    @property
    def mean(self) -> float:
        return sum(g.score for g in self.graded) / len(self.graded) if self.graded else 0.0

    @property
    def median(self) -> float:
        scores = sorted(g.score for g in self.graded)
        if not scores:
            return 0.0
        middle = len(scores) // 2
        return scores[middle] if len(scores) % 2 else (scores[middle - 1] + scores[middle]) / 2

    def distribution(self) -> list[Bar]:
        """The scores in BINS bars of equal width from 0 to the maximum (the top bar holds the maximum)."""
        top = self.max_score or 1.0
        width = top / BINS
        bars = []
        for k in range(BINS):
            low, high = k * width, (k + 1) * width
            inside = [g.name for g in self.graded if low <= g.score < high or (k == BINS - 1 and g.score >= high)]
            bars.append(Bar(low, high, len(inside), tuple(inside)))
        return bars

    def mistakes(self) -> list[Mistake]:
        """Each diagnosed cause with the submissions that make it, the most frequent first."""
        by_category: dict[str, list[Graded]] = {}
        for g in self.graded:
            if g.cause_category:
                by_category.setdefault(g.cause_category, []).append(g)
        found = []
        for category, graded in by_category.items():
            wordings: dict[str, list[str]] = {}
            for g in graded:
                wordings.setdefault(_sentence(g.cause or category), []).append(g.name)
            found.append(Mistake(category, tuple((s, tuple(names)) for s, names in wordings.items())))
        return sorted(found, key=lambda m: (-len(m.submissions), m.category))

    @property
    def unexplained(self) -> list[str]:
        return [g.name for g in self.graded if g.status.value == "failed" and not g.cause_category]

    def stage_counts(self) -> dict[str, Counter[str]]:
        return {name: Counter(s.status for g in self.graded for s in g.stages if s.name == name) for name in STAGES}


def _sentence(cause: str) -> str:
    """The cause without its evidence in brackets and its equal alternatives."""
    text = cause.split("; equally:")[0]
    return re.sub(r" \(reproduces the printed values[^)]*\)", "", text).strip()


def anchor(name: str) -> str:
    """A fragment id for a submission's section: letters, digits, - and _ only, and unique enough."""
    return "s-" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f".{ord(m.group()):x}", name)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([TEMPLATES, REPORT_TEMPLATES]),
                             undefined=jinja2.StrictUndefined, autoescape=jinja2.select_autoescape(["html.j2"]),
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(points=points, anchor=anchor, stage_message=stage_message,
                       ratio=lambda r: r if isinstance(r, str) else f"{r:.3g}")
    env.globals.update(stages=STAGES, titles=TITLES, log10=math.log10)
    return env


def render(page: ClassPage) -> str:
    return environment().get_template("class.html.j2").render(page=page)
