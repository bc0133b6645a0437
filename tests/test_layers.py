"""The packages import one way only: reference <- implementations <- verify <- verify.cli.

Read from the source with ``ast``, so that an import hidden in a function
counts as much as one at the top. Also: nothing outside tests/ imports tests,
nothing changes sys.path, and nothing imports from a __main__ module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["reference", "implementations", "verify", "verify.cli"]  # each may import only those before it
PACKAGES = ["reference", "implementations", "verify", "golden"]


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


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
                found += [target] + [f"{target}.{alias.name}" for alias in node.names]
            else:
                found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def layer_of(name: str) -> int | None:
    """The layer a module belongs to (the deepest matching prefix), None for third-party modules."""
    found = None
    for k, layer in enumerate(LAYERS):
        if name == layer or name.startswith(layer + "."):
            found = k
    return found


SOURCES = [p for package in PACKAGES for p in modules(package)]


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
    assert layer_of("verify.cli.main") == LAYERS.index("verify.cli") > layer_of("verify.compare")
    assert layer_of("verify.compare") > layer_of("implementations.loop") > layer_of("reference.spec")
    assert layer_of("numpy") is None
    (tmp_path / "reference" / "sub").mkdir(parents=True)
    source = tmp_path / "reference" / "sub" / "x.py"
    source.write_text("from verify import programs\nimport implementations.loop\nfrom .. import spec\n",
                      encoding="utf-8")
    found = imported(source, tmp_path)
    assert found == ["verify", "verify.programs", "implementations.loop", "reference", "reference.spec"]
    assert max(layer_of(n) or 0 for n in found) > layer_of(module_name(source, tmp_path))
