"""Notebooks: examples/notebook.ipynb runs in a real Jupyter kernel (nbclient, offline) and tells its story; the
``%%backprop_verify`` cell magic verifies what a cell prints, and refuses what does not apply to a cell.

Skipped, with the reason, where IPython, nbclient or a Python kernel is missing.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from backprop_verify.verify.status import Status

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"
UPDATED_WEIGHTS = "already-updated weights of the layer above"  # the cause's words (verify/mistakes/variants.py)


def ipython_shell():
    """The one in-process IPython shell of this test process, its files kept out of the user's folders, with the
    extension loaded."""
    pytest.importorskip("IPython", reason="IPython is not installed (pip install 'backprop-verify[notebook]')")
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    if not InteractiveShell.initialized():
        os.environ["IPYTHONDIR"] = tempfile.mkdtemp(prefix="backprop-verify-ipython-")
        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        InteractiveShell.instance(config=config)
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "backprop_verify")
    return shell


def magic(line: str, cell: str, capsys):
    shell = ipython_shell()
    verdict = shell.run_cell_magic("backprop_verify", line, cell)
    return verdict, capsys.readouterr().out


def test_the_magic_verifies_what_the_cell_prints_and_shows_it(capsys, monkeypatch):
    cell = ("import csv\n"
            "with open('golden/documented/trajectory.csv') as f:\n"
            "    for row in list(csv.DictReader(f))[:50]:\n"
            "        print(f\"iteration {row['iteration']}: loss = {row['E_total']}\")\n")
    monkeypatch.chdir(ROOT)
    verdict, shown = magic("--name loss=E_total --iterations 50", cell, capsys)
    assert verdict.passed and verdict.comparison.values_checked == 50, verdict.line()
    assert verdict.program == "cell" and "iteration 49: loss = " in shown  # what the cell printed is shown
    assert "<svg" in verdict._repr_html_()
    shell = ipython_shell()
    assert shell.user_ns["row"]["iteration"] == "49"  # the cell ran in the notebook's namespace


def test_a_cell_that_raises_is_errored(capsys):
    verdict, _ = magic("", "print('E_total: 0.3')\n1 / 0\n", capsys)
    assert verdict.status is Status.ERRORED
    assert verdict.reason == "the cell raised ZeroDivisionError: division by zero"


@pytest.mark.parametrize("line,says", [
    ("--timeout 5", "--timeout does not apply to a cell"),
    ("--stdin-spec", "--stdin-spec does not apply to a cell"),
    ("--format json", "its .record() is the JSON object"),
    ("--spec nonesuch", "no such file"),
    ("--count-from 2", "invalid choice"),
    ("--name loss", "PROGRAM NAME=GOLDEN_NAME"),
    ("-- python3 train.py", "the cell is the program"),
    ("--name 'loss=E_total", "quote the options"),
])
def test_what_does_not_apply_to_a_cell_is_refused_in_one_line(line, says):
    from IPython.core.error import UsageError

    shell = ipython_shell()
    with pytest.raises(UsageError) as raised:
        shell.run_cell_magic("backprop_verify", line, "print('E_total: 0.3')\n")
    assert says in str(raised.value) and "\n" not in str(raised.value)


def outputs(notebook, tag: str) -> list:
    (cell,) = [c for c in notebook.cells if tag in c.metadata.get("tags", [])]
    return cell.outputs


@pytest.mark.slow
def test_the_notebook_runs_in_a_kernel_and_tells_its_story(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e . --group test)")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install -e . --group test)")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install -e . --group test)")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))  # the kernel's files stay here
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.skip("no Python kernel for Jupyter (pip install ipykernel)")
    before = NOTEBOOK.read_bytes()
    notebook = nbformat.reads(before.decode("utf-8"), as_version=4)
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert NOTEBOOK.read_bytes() == before  # run, not rewritten
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors[0]["evalue"]

    def verdict_of(tag: str) -> tuple[str, str]:
        (result,) = [o for o in outputs(notebook, tag) if o.output_type == "execute_result"]
        return result.data["text/plain"], result.data["text/html"]

    text, html = verdict_of("mistake")
    assert text.startswith("<Verdict FAILED: cell on documented: ") and UPDATED_WEIGHTS in text
    assert "first divergence at iteration 0, w1_new" in text
    assert ">FAILED<" in html and UPDATED_WEIGHTS in html and "<svg" in html
    printed = "".join(o.text for o in outputs(notebook, "mistake") if o.output_type == "stream")
    assert printed.count("\n") == 10 and printed.startswith("iteration 0: E_total = 0.2983711087600027, ")
    for tag in ("fixed", "recorder"):
        text, html = verdict_of(tag)
        assert text.startswith("<Verdict PASSED: ") and ">PASSED<" in html, (tag, text)
