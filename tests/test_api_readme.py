"""The README's Python section runs as written: its ``python`` and ``ipython`` blocks, in order, in one IPython
shell, from the repository's top folder; a ``text`` block right after a code block is what that block prints;
a ``test_`` function a block defines is called.

The section is README.md's "## From Python" (API_SECTION.md until it is pasted there). The blocks that need
PyTorch run in a test of their own, skipped with the reason where PyTorch is missing.
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from .test_api_notebook import ipython_shell

ROOT = Path(__file__).resolve().parent.parent
HEADING = "## From Python"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)


def section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if HEADING in readme:
        text = readme.split(HEADING, 1)[1]
        return text.split("\n## ", 1)[0]
    draft = ROOT / "API_SECTION.md"
    assert draft.is_file(), f"README.md has no {HEADING!r} section, and API_SECTION.md is gone"
    return draft.read_text(encoding="utf-8")


def blocks(torch: bool) -> list[tuple[str, str, str | None]]:
    """(language, code, the text it prints or None) of each block to run: those needing torch, or the others."""
    found = BLOCK.findall(section())
    runs = []
    for k, (language, code) in enumerate(found):
        if language not in ("python", "ipython") or ("import torch" in code) != torch:
            continue
        following = found[k + 1] if k + 1 < len(found) else None
        runs.append((language, code, following[1] if following and following[0] == "text" else None))
    return runs


def run(runs, monkeypatch) -> dict:
    """Each block in one shell, its printed text compared with the text block after it; the shell's namespace."""
    shell = ipython_shell()
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(shell, "ast_node_interactivity", "none")  # print() only, as a script would
    before = set(shell.user_ns)
    for language, code, prints in runs:
        out = io.StringIO()
        with redirect_stdout(out):
            result = shell.run_cell(code, store_history=False)
        error = result.error_before_exec or result.error_in_exec
        assert error is None, f"this {language} block raised {type(error).__name__}: {error}\n{code}"
        if prints is not None:
            assert out.getvalue() == prints, f"the block prints otherwise than the README says:\n{code}"
    return {k: v for k, v in shell.user_ns.items() if k not in before}


@pytest.mark.slow
def test_the_python_sections_blocks_run_as_written(monkeypatch):
    runs = blocks(torch=False)
    assert len(runs) >= 6 and any(language == "ipython" for language, _, _ in runs)
    namespace = run(runs, monkeypatch)
    tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    assert tests, "the section shows a pytest test"
    for test in tests:
        test()


def test_the_pytorch_block_runs_as_written(monkeypatch):
    pytest.importorskip("torch", reason="torch is not installed (optional: pip install 'backprop-verify[torch]')")
    runs = blocks(torch=True)
    assert runs, "the section shows verify_torch"
    run([("python", "import backprop_verify as bv\n", None), *runs], monkeypatch)  # the section's first import
