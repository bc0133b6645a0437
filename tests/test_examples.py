"""The programs of examples/: every command of examples/README.md run for real, and its verdict as written there.

Each ``$ backprop-verify trace ...`` line of the README's console blocks is
run through the command's own entry point, and what it prints is held to the
lines shown under it: the hints, the status, the program's example, the
coverage (which quantities, at which iterations, to how many digits), how the
output was read and, for a failure, the likely cause. The largest error and the first divergence's
figures may differ in the last digits from one machine's libm to another's,
so they are not compared. ``python3`` runs this interpreter; a built C
program (``/tmp/NAME``) is compiled from examples/NAME.c into the test's
folder; ``broken.py`` is loss_every_1000.py with the sign of dE/dout flipped,
written there too.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from backprop_verify.verify.cli.main import main

from .conftest import ROOT

pytestmark = pytest.mark.slow  # every program of examples/ run for real, the C ones compiled

EXAMPLES = ROOT / "examples"
README = EXAMPLES / "README.md"
VERDICT = re.compile(r"(?P<status>PASSED|FAILED|ERRORED|SKIPPED): (?P<program>.+?) on (?P<example>[\w-]+): "
                     r"(?P<rest>.*)")


def documented_runs() -> list[tuple[list[str], list[str]]]:
    """(the command's words, the lines printed) for each command in the README's console blocks."""
    runs, block = [], re.findall(r"```console\n(.*?)```", README.read_text(), flags=re.S)
    for text in block:
        for command, printed in re.findall(r"^\$ (.+)\n((?:(?!\$ ).+\n?)*)", text, flags=re.M):
            runs.append((shlex.split(command), [line for line in printed.splitlines() if line.strip()]))
    return runs


def _program(words: list[str]) -> str:
    """The program a command runs: its file (a script, or a built C program), for marks and test ids."""
    after = words[words.index("--") + 1:]
    return Path(after[1] if after[0] in ("python3", "node") else after[0]).name


def _marks(words: list[str]) -> list:
    runner = words[words.index("--") + 1]
    return [pytest.mark.needs("node")] if runner == "node" else \
        [pytest.mark.needs("gcc")] if runner.startswith("/tmp/") else []


RUNS = [pytest.param(words, printed, marks=_marks(words), id=f"{n}-{_program(words)}")
        for n, (words, printed) in enumerate(documented_runs())]


def program(words: list[str], folder: Path) -> list[str]:
    """The README's program and its arguments, made runnable here."""
    argv = list(words)
    if argv[0] == "python3":
        argv[0] = sys.executable
    elif argv[0].startswith("/tmp/"):
        built = folder / Path(argv[0]).name
        subprocess.run(["gcc", "-O2", "-o", str(built),
                        str(EXAMPLES / f"{built.name}.c"), "-lm"], check=True)
        argv[0] = str(built)
    for k, word in enumerate(argv[1:], start=1):
        if word == "broken.py":
            argv[k] = str(flipped_sign(folder))
        elif word.startswith("examples/"):
            argv[k] = str(ROOT / word)
    return argv


def flipped_sign(folder: Path) -> Path:
    """loss_every_1000.py with dE/dout taken as (target - out): the classic sign mistake."""
    text = (EXAMPLES / "loss_every_1000.py").read_text()
    assert text.count("(o1 - t1)") == text.count("(o2 - t2)") == 1, "the example changed: update this"
    (folder / "broken.py").write_text(text.replace("(o1 - t1)", "(t1 - o1)").replace("(o2 - t2)", "(t2 - o2)"))
    return folder / "broken.py"


def parts(line: str) -> dict[str, str]:
    match = VERDICT.fullmatch(line)
    assert match, f"not a verdict line: {line!r}"
    rest = match["rest"]
    reading = re.search(r"; read as: (.*?); (?:largest error|first divergence|the trace goes)", rest)
    return {"status": match["status"], "example": match["example"], "coverage": rest.split("; ")[0],
            "reading": reading[1] if reading else "",
            "cause": rest.split("likely cause: ")[1] if "likely cause: " in rest else ""}


@pytest.mark.parametrize(("words", "printed"), RUNS)
def test_each_readme_command_gets_the_verdict_shown(words, printed, tmp_path, capsys):
    assert words[:2] == ["backprop-verify", "trace"]
    split = words.index("--")
    status = main([*words[1:split], "--", *program(words[split + 1:], tmp_path)])
    out = capsys.readouterr().out.splitlines()
    assert out[:-1] == printed[:-1], "the hints differ from the README's"
    got, shown = parts(out[-1]), parts(printed[-1])
    assert got == shown, f"README: {printed[-1]}\nnow:    {out[-1]}"
    assert status == {"PASSED": 0, "FAILED": 1, "ERRORED": 2, "SKIPPED": 3}[got["status"]]


def test_every_example_program_is_run_by_the_readme():
    run = {_program(words) for words, _ in documented_runs()}
    programs = {p.name for p in EXAMPLES.iterdir() if p.suffix in (".py", ".js")} | \
               {p.stem for p in EXAMPLES.glob("*.c")}
    assert programs <= run, f"not in examples/README.md: {sorted(programs - run)}"

