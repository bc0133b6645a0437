"""The packages import one way only: reference <- implementations <- verify <- verify.cli and the package's face.

Read from the source with ``ast``, so that an import hidden in a function
counts as much as one at the top. Also: nothing outside tests/ imports tests,
nothing changes sys.path, and nothing imports from a __main__ module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "backprop_verify"
# Each layer may import only those before it; the package's own face (backprop_verify/__init__.py, __main__.py)
# sits on top, beside the command line.
LAYERS = [f"{PACKAGE}.{name}" for name in ("reference", "implementations", "verify", "verify.cli")] + [PACKAGE]
FOLDERS = ["reference", "implementations", "verify", "golden", PACKAGE]  # the repository's folders, in the package


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def module_name(path: Path, root: Path = ROOT) -> str:
    """The module's name in the installed package: reference/spec.py is backprop_verify.reference.spec."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    parts = parts[:-1] if parts[-1] == "__init__" else parts
    return ".".join(parts if parts[0] == PACKAGE else [PACKAGE, *parts])


def imported(path: Path, root: Path = ROOT) -> list[str]:
    """Every module ``path`` imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                # `from .. import golden` imports the submodule, not the package it names
                found += ([target] if node.module else []) + [f"{target}.{alias.name}" for alias in node.names]
            else:
                found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def layer_of(name: str) -> int | None:
    """The layer a module belongs to (the longest matching prefix), None for third-party modules and golden/."""
    matching = [layer for layer in LAYERS if name == layer or name.startswith(layer + ".")]
    if not matching or name.startswith(f"{PACKAGE}.golden"):
        return None
    return LAYERS.index(max(matching, key=len))


SOURCES = [p for folder in FOLDERS for p in modules(folder)]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_the_layers_below_its_own(path):
    own = layer_of(module_name(path))
    if own is None:  # golden/ holds data only
        assert imported(path) == [], "golden/ is data: it imports nothing"
        return
    upward = [name for name in imported(path) if (layer_of(name) or 0) > own]
    assert not upward, f"{module_name(path)} ({LAYERS[own]}) imports {upward[0]}, a layer above it"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_tests_a_main_module_or_touches_sys_path(path):
    names = imported(path)
    assert not [n for n in names if n == "tests" or n.startswith("tests.")], "imports tests"
    assert not [n for n in names if n.endswith("__main__")], "imports a __main__ module"
    source = path.read_text(encoding="utf-8")
    assert "sys.path" not in source, "changes or reads sys.path"


def test_the_rule_checker_sees_an_upward_import(tmp_path):
    """The checker itself: a reference module importing the harness, relatively or not, is reported."""
    name = f"{PACKAGE}.%s".__mod__
    assert layer_of(name("verify.cli.main")) == LAYERS.index(name("verify.cli")) > layer_of(name("verify.compare"))
    assert layer_of(name("verify.compare")) > layer_of(name("implementations.loop")) > layer_of(name("reference.spec"))
    assert layer_of("numpy") is None and layer_of(PACKAGE) == len(LAYERS) - 1
    (tmp_path / "reference" / "sub").mkdir(parents=True)
    source = tmp_path / "reference" / "sub" / "x.py"
    source.write_text("from ...verify import programs\nimport backprop_verify.implementations.loop\n"
                      "from .. import spec\n", encoding="utf-8")
    found = imported(source, tmp_path)
    assert found == [name("verify"), name("verify.programs"), name("implementations.loop"), name("reference.spec")]
    assert max(layer_of(n) or 0 for n in found) > layer_of(module_name(source, tmp_path))
