"""The shipped examples: where their folders are, and how they are named.

Every example lives in a folder of its own under ``golden/`` (the folder name
is the example's name, e.g. ``documented``), holding its spec,
``example.toml``, and the goldens derived from it. The folder is found
through the installed ``golden`` package, so this works from any folder.
"""

from __future__ import annotations

from pathlib import Path

from .. import golden

ROOT = Path(golden.__file__).resolve().parent
SPEC_FILE = "example.toml"
DOCUMENTED = "documented"  # the notes' worked example


def folder(name: str) -> Path:
    return ROOT / name


def spec_path(name: str) -> Path:
    return folder(name) / SPEC_FILE


def names() -> list[str]:
    """Every shipped example, the documented one first."""
    found = sorted(p.parent.name for p in ROOT.glob(f"*/{SPEC_FILE}"))
    return sorted(found, key=lambda name: name != DOCUMENTED)


def all_specs() -> list[Path]:
    return [spec_path(name) for name in names()]


def name_of(spec_source: str | Path) -> str | None:
    """The shipped example a spec file is, or None for a spec elsewhere: read once, when the spec is loaded
    (``Spec.example``)."""
    path = Path(spec_source).resolve()
    if path.name == SPEC_FILE and path.parent.parent == ROOT:
        return path.parent.name
    return None


def resolve(text: str) -> Path:
    """A spec given on the command line: a shipped example's name, or a path to a TOML file."""
    if "/" not in text and not text.endswith(".toml") and (ROOT / text / SPEC_FILE).is_file():
        return spec_path(text)
    return Path(text)
