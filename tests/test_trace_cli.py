"""The trace command's own refusals: a bad command line is one line on stderr and exit 2, before anything runs."""

from __future__ import annotations

import sys

import pytest

from verify.cli.main import main


@pytest.mark.parametrize("name", ["total_error:E_total", "=E_total", "loss"])
def test_a_malformed_name_option_is_one_line_and_nothing_runs(name, tmp_path, capsys):
    witness = tmp_path / "ran"
    status = main(["trace", "--name", name, "--", sys.executable, "-c", f"open({str(witness)!r}, 'w')"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and "--name" in err, err
    assert not witness.exists()
