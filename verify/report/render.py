"""Write the report: report.md, a self-contained report.html, the plots, summary.csv and summary.json."""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

FLOAT_FORMAT = "{:.6g}".format


@dataclass(frozen=True)
class Section:
    title: str
    text: str = ""
    table: pd.DataFrame | None = None
    image: tuple[str, bytes] | None = None  # file name, PNG bytes


def _cells(table: pd.DataFrame, escape) -> pd.DataFrame:
    """Every cell as text: floats to 6 significant digits, missing values empty, then ``escape``d."""
    def text(value) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return ""
        return escape(FLOAT_FORMAT(value) if isinstance(value, float) else str(value))
    return table.astype(object).map(text)


def markdown(title: str, sections: list[Section]) -> str:
    parts = [f"# {title}\n"]
    for s in sections:
        parts.append(f"## {s.title}\n")
        if s.text:
            parts.append(s.text + "\n")
        if s.table is not None and not s.table.empty:
            cells = _cells(s.table, str).map(lambda v: v.replace("|", "\\|"))
            parts.append(cells.to_markdown(index=False, disable_numparse=True) + "\n")
        if s.image is not None:
            parts.append(f"![{s.title}]({s.image[0]})\n")
    return "\n".join(parts)


STYLE = """body { font-family: sans-serif; margin: 2em; max-width: 110em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; }
th { background: #f0f0f0; }
div.wide { overflow-x: auto; }
span.passed { background: #dff0d8; } span.failed { background: #f2dede; }
span.errored { background: #fcf8e3; } span.skipped { background: #e8e8e8; }"""


def _html_table(table: pd.DataFrame) -> str:
    """The table as HTML, every cell escaped; a status cell carries its state as a class, for its colour."""
    cells = _cells(table, html.escape)
    if "status" in cells.columns:
        cells["status"] = [f'<span class="{s}">{s}</span>' for s in cells["status"]]
    return f'<div class="wide">{cells.to_html(index=False, escape=False, border=0)}</div>'


def page(title: str, sections: list[Section]) -> str:
    """One HTML file with everything inside it: plots as data URIs, the style in the head."""
    body = [f"<h1>{html.escape(title)}</h1>"]
    for s in sections:
        body.append(f"<h2>{html.escape(s.title)}</h2>")
        if s.text:
            body.append(f"<p>{html.escape(s.text)}</p>")
        if s.table is not None and not s.table.empty:
            body.append(_html_table(s.table))
        if s.image is not None:
            data = base64.b64encode(s.image[1]).decode("ascii")
            body.append(f'<img alt="{html.escape(s.title)}" src="data:image/png;base64,{data}">')
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def as_json(table: pd.DataFrame) -> str:
    """The rows as JSON objects, floats in full (shortest round-trip) precision, missing values null."""
    records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def write(out: Path, title: str, sections: list[Section], summary: pd.DataFrame) -> list[Path]:
    """Write every file into ``out``; the paths written, in order."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for s in sections:
        if s.image is not None:
            written.append(out / s.image[0])
            written[-1].write_bytes(s.image[1])
    files = {"summary.csv": summary.to_csv(index=False),
             "summary.json": as_json(summary),
             "report.md": markdown(title, sections), "report.html": page(title, sections)}
    for name, text in files.items():
        written.append(out / name)
        written[-1].write_text(text, encoding="utf-8")
    return written
