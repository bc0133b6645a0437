"""Part (a): the documented example, all its iterations, by every implementation, side by side.

The Python implementations are timed in this process (``run(spec)`` to the
finished trajectory); the Ruby programs as whole processes (interpreter start
included, their trace discarded to /dev/null). The original Neuron.rb is run
only when a copy is already at hand: this never downloads it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable

from implementations import REGISTRY
from implementations import neuron_rb
from implementations.ruby_bridge import SCRIPT, example_json
from reference.spec import DEFAULT_SPEC, load

from .rows import Row
from .timing import interleaved


def ruby_process(arguments: list[str], stdin: str | None = None) -> Callable[[], None]:
    def run() -> None:
        subprocess.run(arguments, input=stdin, text=True, stdout=subprocess.DEVNULL, check=True)
    return run


def neuron_rb_at_hand() -> tuple[str | None, str]:
    """The path of a verified Neuron.rb already on disk, or None and why not."""
    cached = neuron_rb.cache_dir() / neuron_rb.FILE_NAME
    if not os.environ.get(neuron_rb.PATH_VARIABLE) and not cached.exists():
        return None, f"no copy at hand ({cached} absent, {neuron_rb.PATH_VARIABLE} unset); not downloaded"
    try:
        found = neuron_rb.locate()
    except neuron_rb.Unavailable as error:
        return None, str(error)
    return str(found.path), found.describe()


def candidates() -> tuple[dict[str, Callable[[], object]], list[Row], dict[str, str]]:
    """What to time, the rows of what cannot be timed here, and a note per candidate."""
    spec = load(DEFAULT_SPEC)
    timed = {name: (lambda run=implementation.run: run(spec)) for name, implementation in REGISTRY.items()}
    notes = {name: f"in-process run(spec), {spec.iterations} iterations" for name in REGISTRY}
    skipped = []
    ruby = shutil.which("ruby")
    if ruby is None:
        skipped += [Row("example", name, name, status="skipped", note="skipped: ruby is not on PATH")
                    for name in ("ruby (backprop.rb)", "neuron.rb (original)")]
        return timed, skipped, notes
    timed["ruby (backprop.rb)"] = ruby_process([ruby, str(SCRIPT)], example_json(DEFAULT_SPEC))
    notes["ruby (backprop.rb)"] = "whole ruby process, example as JSON on stdin"
    path, why = neuron_rb_at_hand()
    if path is None:
        skipped.append(Row("example", "neuron.rb (original)", "neuron.rb", status="skipped", note=f"skipped: {why}"))
    else:
        timed["neuron.rb (original)"] = ruby_process([ruby, path])
        notes["neuron.rb (original)"] = f"whole ruby process; {why}"
    timed["ruby start-up alone"] = ruby_process([ruby, "-e", ""])
    notes["ruby start-up alone"] = "context, not ranked: ruby -e '' (part of each Ruby figure)"
    return timed, skipped, notes


def measure(repeats: int) -> list[Row]:
    timed, rows, notes = candidates()
    for function in timed.values():
        function()  # warm-up: imports, caches, the first process start
    stats = interleaved(timed, repeats)
    ranked = {name: s for name, s in stats.items() if not name.startswith("ruby start-up")}
    fastest = min(s.median for s in ranked.values())
    for name, s in stats.items():
        row = Row("example", name, name.split(" ")[0], number=1, note=notes[name]).timed(s)
        if name in ranked:
            row.ratio = s.median / fastest
        rows.append(row)
    return rows
