"""Where a report comes from: when, from which commit, and with which suite, interpreters and libraries."""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _output(argv: list[str], cwd: Path | None = None) -> str | None:
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def commit() -> str:
    """The checkout's commit, marked when files differ from it; or why there is none."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return "not a git checkout"
    found = _output(["git", "rev-parse", "--short=12", "HEAD"], ROOT)
    if found is None:
        return "unknown"
    changed = _output(["git", "status", "--porcelain", "--untracked-files=no"], ROOT)
    return f"{found} (with uncommitted changes)" if changed else found


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def ruby() -> str:
    if shutil.which("ruby") is None:
        return "not on PATH"
    return _output(["ruby", "-e", "print RUBY_VERSION"]) or "unknown"


def libm() -> str:
    """The C library providing libm (glibc on Linux: its libm comes with it)."""
    if hasattr(os, "confstr"):
        try:
            found = os.confstr("CS_GNU_LIBC_VERSION")
        except (ValueError, OSError):
            found = None
        if found:
            return f"{found} (libm.so.6)"
    name, version = platform.libc_ver()
    return f"{name} {version}".strip() or "unknown"


def collect(now: datetime.datetime | None = None) -> dict[str, str]:
    """Every fact, as text, in the order shown."""
    now = now or datetime.datetime.now(datetime.UTC)
    return {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit(),
        "backprop-verify": _version("backprop-verify"),
        "Python": platform.python_version(),
        "NumPy": _version("numpy"),
        "SymPy": _version("sympy"),
        "Ruby": ruby(),
        "libm": libm(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
