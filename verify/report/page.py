"""Render the report from its templates: report.html, report.md, summary.json and summary.csv.

Everything shown is gathered into one ``Report``; the Jinja2 templates in
templates/ decide how it looks. The page carries its style and its charts
inline (SVG) and loads nothing from anywhere.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..escape import for_markdown
from ..status import Status
from . import charts
from .examples import Example
from .published import AGREES, EXPLAINED, UNEXPLAINED, Check
from .result import Result

TEMPLATES = Path(__file__).resolve().parent / "templates"
TITLE = "Backpropagation, step by step: every program against the truth"
HTML, MARKDOWN = "report.html", "report.md"
STATES = [s.value for s in Status]


@dataclass(frozen=True)
class Report:
    results: list[Result]
    examples: list[Example]
    programs: list[str]  # the rows of the matrix, in order
    published: list[Check]
    published_example: str
    provenance: dict[str, str]
    exit_code: int
    timed: bool = False

    def cell(self, program: str, example: str) -> Result | None:
        return next((r for r in self.results if r.program == program and r.example == example), None)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(r.status.value == s for r in self.results) for s in STATES}

    @property
    def not_passed(self) -> list[Result]:
        """The failed, then the errored results: each with its own reason."""
        order = {Status.FAILED: 0, Status.ERRORED: 1}
        return sorted((r for r in self.results if r.status in order), key=lambda r: order[r.status])

    @property
    def skipped(self) -> list[tuple[str, str, list[str]]]:
        """(program, reason, examples): a program skipped for one reason on several examples is one line."""
        groups: dict[tuple[str, str], list[str]] = {}
        for r in self.results:
            if r.status is Status.SKIPPED:
                groups.setdefault((r.program, r.reason), []).append(r.example)
        return [(program, reason, found) for (program, reason), found in groups.items()]

    def on(self, example: str) -> list[Result]:
        return [r for r in self.results if r.example == example]

    @property
    def published_counts(self) -> dict[str, int]:
        return {v: sum(c.verdict == v for c in self.published) for v in (AGREES, EXPLAINED, UNEXPLAINED)}


def _split_decimal(text: str) -> tuple[str, str]:
    """'-0.217' -> ('-0', '.217'): the page aligns numbers on their decimal point."""
    whole, point, fraction = str(text).partition(".")
    return whole, point + fraction


def _wrap(text: str, width: int = 180, indent: str = "  ") -> str:
    return "\n".join(textwrap.wrap(str(text), width, subsequent_indent=indent, break_long_words=True,
                                   break_on_hyphens=False))


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             autoescape=jinja2.select_autoescape(["html.j2"], default_for_string=False),
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             extensions=["jinja2.ext.do"])
    env.filters.update(decimal_parts=_split_decimal, wrap=_wrap, md=for_markdown)
    env.globals.update(charts=charts, bands=charts.BANDS, title=TITLE, html_name=HTML)
    return env


def summary_json(report: Report) -> str:
    data = {"title": TITLE, "provenance": report.provenance, "exit_code": report.exit_code,
            "counts": report.counts, "results": [r.record(report.timed) for r in report.results],
            "published": [c.record() for c in report.published]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def summary_csv(report: Report) -> str:
    records = [r.record(report.timed) for r in report.results]
    out = io.StringIO()
    if records:
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    return out.getvalue()


def render(report: Report) -> dict[str, str]:
    """Every file of the report, by name."""
    env = environment()
    return {HTML: env.get_template("report.html.j2").render(report=report),
            MARKDOWN: env.get_template("report.md.j2").render(report=report),
            "summary.json": summary_json(report), "summary.csv": summary_csv(report)}
