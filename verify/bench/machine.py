"""The machine a benchmark ran on: cores, Python, NumPy, the BLAS in use (threadpoolctl), OpenBLAS's settings, load.

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, when set, choose OpenBLAS's kernels and
blocking and can slow NumPy down; the report states them as found, and the
benchmark never changes them.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

import numpy as np

OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def blas() -> list[str]:
    """One line per BLAS library loaded in this process, as threadpoolctl sees it."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["unknown (threadpoolctl not installed)"]
    np.dot(np.ones((2, 2)), np.ones((2, 2)))  # make sure NumPy's BLAS is loaded
    return [f"{pool.get('internal_api')} {pool.get('version')}, kernel {pool.get('architecture')}, "
            f"threads: {pool.get('num_threads')} ({pool.get('threading_layer')}), {os.path.basename(pool['filepath'])}"
            for pool in threadpool_info() if pool.get("user_api") == "blas"] or ["none found"]


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "cpu model unknown"


def bytecode() -> str:
    """Whether installed packages start from compiled bytecode; without it every interpreter start recompiles them."""
    import importlib.util

    import sympy

    cached = Path(importlib.util.cache_from_source(sympy.__file__)).exists()
    setting = os.environ.get("PYTHONDONTWRITEBYTECODE")
    return (f"PYTHONDONTWRITEBYTECODE={setting or '(unset)'}; sympy's compiled bytecode "
            f"{'present' if cached else 'ABSENT: every interpreter start compiles the packages from source'}")


def load_average() -> tuple[float, float, float] | None:
    """The 1, 5 and 15 minute load averages (None where the system does not say): how busy the machine was."""
    try:
        return os.getloadavg()
    except OSError:
        return None


def shown(loads: tuple[float, float, float] | None) -> str:
    return "unknown" if loads is None else " / ".join(f"{value:.2f}" for value in loads)


def busy(one_minute_loads: list[float]) -> str:
    """Whether other work shared the cores while the benchmark ran, judged by the 1-minute load averages seen."""
    cores, worst = os.cpu_count() or 1, max(one_minute_loads, default=0.0)
    if worst <= cores:
        return f"no: the 1-minute load stayed at or below the {cores} cores"
    return (f"yes: 1-minute load up to {worst:.1f} on {cores} cores. Other work took turns on the cores, so the "
            "figures are slower and more spread than on an idle machine, the multithreaded ones most (BLAS and "
            "torch wait for their descheduled threads; --threads 1 avoids that)")


def describe(torch_version: str | None = None) -> dict[str, str]:
    """What the report states about the machine, as label -> text."""
    info = {
        "cores": f"{os.cpu_count()} logical ({platform.machine()}, {cpu_model()})",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "numpy": np.__version__,
        "BLAS (threadpoolctl)": "; ".join(blas()),
        "bytecode": bytecode(),
        "OpenBLAS variables": ", ".join(f"{name}={os.environ.get(name, '(unset)')}" for name in OPENBLAS_VARIABLES)
        + (" (set: they choose OpenBLAS's kernel and blocking, and may slow NumPy; left as found)"
           if any(os.environ.get(name) for name in OPENBLAS_VARIABLES) else ""),
    }
    ruby = shutil.which("ruby")
    if ruby:
        info["ruby"] = subprocess.run([ruby, "--version"], capture_output=True, text=True).stdout.strip()
    if torch_version:
        info["torch"] = torch_version
    return info
