"""The golden check catches a hand-edited or missing golden; regenerating is atomic."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from reference import goldens
from reference.spec import load

from .conftest import GOLDEN, ROOT


@pytest.fixture(scope="module")
def fresh(documented):
    return goldens.render(documented)


def copy_goldens(target):
    target.mkdir()
    for name in goldens.FILES:
        shutil.copy(GOLDEN / name, target / name)
    return target


def test_a_hand_edited_digit_is_found_with_file_row_and_column(fresh, tmp_path):
    folder = copy_goldens(tmp_path / "golden")
    lines = (folder / "trajectory.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[5].split(",")
    cells[7] = cells[7][:-3] + str((int(cells[7][-3]) + 1) % 10) + cells[7][-2:]  # one digit of dE_dw4
    lines[5] = ",".join(cells)
    (folder / "trajectory.csv").write_text("".join(lines), encoding="utf-8")

    problems = goldens.check(fresh, folder)
    assert len(problems) == 1
    assert "trajectory.csv: row 5, column dE_dw4" in problems[0]
    assert (folder / "trajectory.obtained.csv").read_text(encoding="utf-8") == fresh["trajectory.csv"]


def test_unchanged_goldens_pass_the_check(fresh, tmp_path):
    assert goldens.check(fresh, copy_goldens(tmp_path / "golden")) == []


def test_a_missing_golden_says_how_to_regenerate(fresh, tmp_path):
    folder = copy_goldens(tmp_path / "golden")
    (folder / "step1.csv").unlink()
    problems = goldens.check(fresh, folder)
    assert len(problems) == 1 and "missing" in problems[0] and "nox -s golden" in problems[0]


def test_check_cli_exits_1_on_a_difference(tmp_path):
    folder = copy_goldens(tmp_path / "golden")
    (folder / "notes_identities.csv").write_text("formula,where,holds\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "reference", "--check", "--out", str(folder)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "notes_identities.csv: header, column method" in result.stderr


def test_an_interrupted_regeneration_leaves_the_goldens_unchanged(fresh, tmp_path, monkeypatch):
    folder = copy_goldens(tmp_path / "golden")
    before = {name: (folder / name).read_bytes() for name in goldens.FILES}
    changed = {name: text + "extra\n" for name, text in fresh.items()}

    real_fdopen = goldens.os.fdopen
    opened = []

    def failing_fdopen(*args, **kwargs):
        opened.append(args)
        if len(opened) == 2:  # between the first and the second file
            raise KeyboardInterrupt("interrupted")
        return real_fdopen(*args, **kwargs)

    monkeypatch.setattr(goldens.os, "fdopen", failing_fdopen)
    with pytest.raises(KeyboardInterrupt):
        goldens.write(changed, folder)
    assert {name: (folder / name).read_bytes() for name in goldens.FILES} == before
    assert sorted(p.name for p in folder.iterdir()) == sorted(goldens.FILES)  # no temporary left behind


def test_second_example_loads():
    assert load(GOLDEN / "per-neuron-3-4-2" / "example.toml").train_biases
