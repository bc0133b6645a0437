"""A verdict as a small HTML card for notebooks: the status, what was compared and how it was read, the largest
error ÷ envelope, the first divergence, the cause, and error ÷ envelope over the iterations as an inline SVG.

The card is self-contained: no stylesheet (a notebook viewer may strip one), every colour an attribute. The
chart's geometry is the report's (report/charts.py), over the report's digest of the comparison.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2

from ..report.charts import ratio_chart
from ..report.result import curve, ratio
from ..status import Status
from ..verdict import Verdict

WIDTH, HEIGHT = 380, 150
COLOURS = {"passed": ("#1e7b34", "#e3f3e6"), "failed": ("#b3261e", "#fbe3e0"), "errored": ("#8a5300", "#fdf0d5"),
           "skipped": ("#55606b", "#eceff2")}
MUTED, RULE, RATIO = "#5b6570", "#d9dee3", "#2563a6"

TEMPLATE = """\
{%- macro f(x) %}{{ "%.1f"|format(x) }}{% endmacro -%}
<div class="backprop-verify-card" style="border:1px solid {{ rule }};border-left:5px solid {{ ink }};border-radius:4px;\
padding:8px 12px;margin:4px 0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;\
font-size:13px;line-height:1.45;color:#1d232a;background:#fff;max-width:760px">
<div style="margin-bottom:4px"><span style="font-weight:700;letter-spacing:.04em;color:{{ ink }};background:{{ tint }};\
padding:1px 8px;border-radius:3px">{{ status }}</span> <span style="color:{{ muted }}">{{ who }}</span></div>
<table style="border-collapse:collapse;margin:0">
{%- for name, text in rows %}
<tr><th style="text-align:left;vertical-align:top;padding:1px 12px 1px 0;font-weight:600;white-space:nowrap;\
color:{{ muted }}">{{ name }}</th><td style="text-align:left;padding:1px 0">{{ text }}</td></tr>
{%- endfor %}
</table>
{%- if c %}
{%- set left, top, right, bottom = c.box %}
<svg viewBox="0 0 {{ c.width }} {{ c.height }}" width="{{ c.width }}" height="{{ c.height }}" role="img" \
aria-label="error ÷ envelope over the iterations" style="display:block;margin-top:6px" \
font-family="system-ui,sans-serif">
<title>error ÷ envelope over the iterations</title>
<rect x="{{ left }}" y="{{ top }}" width="{{ right - left }}" height="{{ bottom - top }}" fill="#fbfcfd" \
stroke="{{ rule }}"/>
{%- for y, text in c.y_ticks %}
<line x1="{{ left }}" x2="{{ right }}" y1="{{ f(y) }}" y2="{{ f(y) }}" stroke="#e9edf0"/>
<text x="{{ left - 4 }}" y="{{ f(y + 3.5) }}" text-anchor="end" font-size="10" fill="{{ muted }}">{{ text }}</text>
{%- endfor %}
{%- for x, text in c.x_ticks %}
<text x="{{ f(x) }}" y="{{ bottom + 13 }}" text-anchor="middle" font-size="10" fill="{{ muted }}">{{ text }}</text>
{%- endfor %}
<line x1="{{ left }}" x2="{{ right }}" y1="{{ f(c.threshold) }}" y2="{{ f(c.threshold) }}" stroke="#b3261e" \
stroke-width="1.2" stroke-dasharray="5 3"/>
<text x="{{ right - 3 }}" y="{{ f(c.threshold - 4) }}" text-anchor="end" font-size="10" fill="#b3261e">1 = the \
envelope; above it fails</text>
{%- for name, d, css in c.lines %}
<path d="{{ d }}" fill="none" stroke="{{ ratio }}" stroke-width="1.6" stroke-linejoin="round"><title>{{ name }}</title>\
</path>
{%- endfor %}
{%- for x, y, text in c.marks %}
<circle cx="{{ f(x) }}" cy="{{ f(y + 4) }}" r="3" fill="#b3261e"><title>{{ text }}</title></circle>
{%- endfor %}
<text x="{{ f((left + right) / 2) }}" y="{{ c.height - 4 }}" text-anchor="middle" font-size="10.5" \
fill="{{ muted }}">iteration</text>
<text transform="translate(11 {{ f((top + bottom) / 2) }}) rotate(-90)" text-anchor="middle" font-size="10.5" \
fill="{{ muted }}">error ÷ envelope</text>
</svg>
{%- endif %}
</div>
"""


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(TEMPLATE)


def rows(verdict: Verdict) -> list[tuple[str, str]]:
    """The card's lines, in the order a reader asks: what was checked, how it was read, how far, where, why."""
    found = []
    comparison = verdict.comparison
    if comparison is not None:
        found.append(("compared", verdict.coverage))
    if verdict.reading:
        found.append(("read as", verdict.reading))
    if verdict.largest is not None and comparison is not None and comparison.worst is not None:
        found.append(("largest error ÷ envelope", f"{ratio(verdict.largest)} ({comparison.worst.where})"))
    first = verdict.first_divergence
    if first is not None:
        found.append(("first divergence", str(first)))
    if verdict.cause is not None:
        found.append(("likely cause", str(verdict.cause)))
    elif verdict.diagnosed and not verdict.passed:
        found.append(("likely cause", "no known mistake matches" + (f": {verdict.where}" if verdict.where else "")))
    if verdict.status in (Status.ERRORED, Status.SKIPPED) or (verdict.status is Status.FAILED and first is None):
        found.append(("reason", verdict.reason))
    found += [("hint", hint) for hint in verdict.hints] + [("note", note) for note in verdict.notes]
    return found


def chart(verdict: Verdict) -> Any:
    """The chart's geometry, or None when fewer than two iterations were compared."""
    comparison = verdict.comparison
    if comparison is None or comparison.values_checked == 0:
        return None
    series = curve(comparison)
    return ratio_chart(series, WIDTH, HEIGHT) if len(series.x) >= 2 else None


def card(verdict: Verdict) -> str:
    ink, tint = COLOURS[verdict.status.value]
    return _template().render(status=verdict.status.value.upper(), who=verdict.who(), rows=rows(verdict),
                              c=chart(verdict), ink=ink, tint=tint, muted=MUTED, rule=RULE, ratio=RATIO)
