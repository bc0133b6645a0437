"""Part 5: the truth of a spec nobody has derived yet, as a user meets it: a whole command on a cold cache.

Each case is one ``backprop-verify`` command timed from its start to its exit,
every run with a cache of its own that starts empty, so that every run
derives: the documented example with one change (the learning rate, one
weight, the iteration count, float32 arithmetic), a 2-30-2 network over 10
iterations, the deep Adam example with another learning rate, each verified
with the vectorized program; and ``derive --all`` into a scratch folder. A
command that does not pass is a row "failed", never a target met.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ...reference import examples
from .rows import Row
from .specs import growth_layers, network_toml
from .suite import command
from .timing import Stats, process

TARGET = 3.0  # seconds, for a changed example
WIDE_TARGET = 2.0  # the 2-30-2 network
ALL_TARGET = 10.0  # derive --all


def _edited(name: str, old: str, new: str) -> str:
    text = examples.spec_path(name).read_text(encoding="utf-8")
    if old not in text:
        raise ValueError(f"the spec of {name} no longer says {old!r}")
    return text.replace(old, new)


def cases(scratch: Path) -> list[tuple[str, list[str], float]]:
    """(case, arguments of backprop-verify, target in seconds), the specs written into ``scratch``."""
    specs = {"rate": _edited(examples.DOCUMENTED, "learning_rate = 0.5", "learning_rate = 0.6"),
             "weight": _edited(examples.DOCUMENTED, "hidden = [[0.15, 0.20]", "hidden = [[0.16, 0.20]"),
             "adam": _edited("deep-tanh-softmax-adam", "learning_rate = 0.01", "learning_rate = 0.011"),
             "wide": network_toml(growth_layers(30, 1), iterations=10)}
    paths = {}
    for key, text in specs.items():
        paths[key] = scratch / f"{key}.toml"
        paths[key].write_text(text, encoding="utf-8")
    check = ["check", "vectorized", "--spec"]
    return [("documented example, learning rate 0.6", [*check, str(paths["rate"])], TARGET),
            ("documented example, w1 = 0.16", [*check, str(paths["weight"])], TARGET),
            ("documented example, 12,000 iterations", [*check, examples.DOCUMENTED, "--iterations", "12000"], TARGET),
            ("documented example, float32 envelope", [*check, examples.DOCUMENTED, "--precision", "float32"],
             TARGET),
            ("2-30-2 network, 10 iterations", [*check, str(paths["wide"])], WIDE_TARGET),
            ("deep Adam example, learning rate 0.011", [*check, str(paths["adam"])], TARGET),
            ("derive --all", ["derive", "--all", "--out", str(scratch / "all")], ALL_TARGET)]


def cold(argv: list[str], repeats: int, scratch: Path) -> tuple[Stats, int, str]:
    """Seconds per run, each with an empty cache of its own; the exit status and output of the first that failed."""
    samples, status, output = [], 0, ""
    for k in range(repeats):
        env = {**os.environ, "BACKPROP_VERIFY_CACHE": str(scratch / f"cache-{len(argv)}-{k}-{os.getpid()}")}
        run = process([*command("backprop-verify"), *argv], env=env, cwd=scratch)
        samples.append(run.seconds)
        if run.status != 0 and status == 0:
            status, output = run.status, run.output
    return Stats.of(samples), status, output


def measure(repeats: int) -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-truth-") as folder:
        scratch = Path(folder)
        for case, argv, target in cases(scratch):
            stats, status, output = cold(argv, repeats, scratch)
            row = Row("truth", case, "backprop-verify " + " ".join(a if "/" not in a else Path(a).name for a in argv),
                      number=1, note="whole command, cold cache (every run derives)").timed(stats)
            if status != 0:
                last = next(reversed(output.strip().splitlines()), "")
                row.failed(f"exit status {status}: {last}")
            rows.append(row.within(target))
    return rows
