"""The installed package: every folder with an __init__.py is listed in pyproject.toml, and a non-editable install
into a fresh venv leaves exactly one top-level package, backprop_verify, that imports and runs.

The wheel is built offline from a copy of the source, without build isolation (with this environment's
setuptools), and installed without its dependencies into a venv made without pip; the dependencies are then
lent to that venv from this environment by a path file, so that the installed copy itself is what runs.
Skipped, with the reason, where that cannot be done here (no setuptools 70.1 or newer, no pip 22.3 or newer).
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
OPTIONAL = {"IPython", "torch"}  # the extras: a module needing one of them may not import here


def test_every_folder_with_an_init_is_a_listed_package_and_every_other_listed_one_holds_data():
    setuptools = PYPROJECT["tool"]["setuptools"]
    found = set()
    for package, folder in setuptools["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            found.add(".".join([package, *init.parent.relative_to(ROOT / folder).parts]))
    listed = set(setuptools["packages"])
    assert found <= listed
    for data in listed - found:  # a folder of data only: shipped by its own package-data entry
        assert data in setuptools["package-data"], data


def _version(distribution: str) -> tuple[int, ...]:
    try:
        text = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return ()
    return tuple(int(part) for part in text.split(".")[:2] if part.isdigit())


def _run(argv: list, **options) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=600, **options)
    assert done.returncode == 0, f"{' '.join(map(str, argv[:4]))} ...: {done.stderr[-2000:]}"
    return done


@pytest.mark.slow
def test_a_non_editable_install_leaves_one_top_level_package_that_works(tmp_path):
    if _version("setuptools") < (70, 1):
        pytest.skip("setuptools 70.1 or newer is not installed here: the wheel cannot be built offline "
                    "(pip install -e . --group test)")
    if _version("pip") < (22, 3):
        pytest.skip("pip 22.3 or newer is not installed here: it installs into another venv with --python")
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "__pycache__", "*.egg-info", "build", "dist", ".nox", "reports", ".venv*", ".pytest_cache"))
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
          "--wheel-dir", tmp_path / "dist", source])
    (wheel,) = (tmp_path / "dist").glob("backprop_verify-*.whl")
    assert {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()} == {
        "backprop_verify", f"backprop_verify-{PYPROJECT['project']['version']}.dist-info"}

    venv.create(tmp_path / "fresh", with_pip=False)
    python = tmp_path / "fresh" / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel])
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    top = {p.name for p in site.iterdir()} - {"__pycache__"}
    assert {n for n in top if not n.endswith(".dist-info")} == {"backprop_verify"}, top

    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    modules = sorted(name[:-3].replace("/", ".").removesuffix(".__init__")
                     for name in zipfile.ZipFile(wheel).namelist()
                     if name.endswith(".py") and not name.endswith("__main__.py"))  # that one runs the command
    check = (f"import importlib, backprop_verify\n"
             f"assert backprop_verify.__file__.startswith({str(site)!r}), backprop_verify.__file__\n"
             f"for name in {modules!r}:\n"
             f"    try:\n"
             f"        importlib.import_module(name)\n"
             f"    except ModuleNotFoundError as error:\n"
             f"        assert error.name.split('.')[0] in {sorted(OPTIONAL)!r} and name != 'backprop_verify', error\n"
             f"print(backprop_verify.__version__)\n")
    assert _run([python, "-c", check], cwd=tmp_path).stdout.strip() == PYPROJECT["project"]["version"]

    command = tmp_path / "fresh" / "bin" / "backprop-verify"
    assert "documented" in _run([command, "list"], cwd=tmp_path).stdout  # the golden data is installed
    traced = _run([command, "trace", "--", python, "-c", "print('E_total: 0.29837110876000267')"], cwd=tmp_path)
    verdict = traced.stdout.splitlines()[-1]
    assert verdict.startswith("PASSED: python on documented: E_total at iteration 0, full precision")
