"""The reference against independent checks: reproduction, finite differences, precision, the notes' formulas."""

from __future__ import annotations

import csv
from decimal import Decimal

import mpmath
import pandas as pd
import pytest
import sympy as sp

from reference import finite_difference, goldens, identities, names
from reference.compare import read_trajectory
from reference.evaluate import trajectory
from reference.network import Network
from reference.spec import load

from .conftest import GOLDEN


def read_step1(folder) -> dict[str, str]:
    with (folder / "step1.csv").open(encoding="utf-8") as handle:
        return {row["quantity"]: row["value"] for row in csv.DictReader(handle)}


def test_goldens_are_reproduced_byte_for_byte(example_path, tmp_path):
    files = goldens.render(load(example_path))
    goldens.write(files, tmp_path)
    for name in goldens.FILES:
        assert (tmp_path / name).read_bytes() == (example_path.parent / name).read_bytes(), name


def test_step1_has_every_quantity_with_30_digits(example_path):
    spec = load(example_path)
    step1 = read_step1(example_path.parent)
    assert list(step1) == names.step1_quantities(spec)
    for quantity, value in step1.items():
        digits = Decimal(value).as_tuple().digits
        assert len(digits) >= 30, (quantity, value)


def test_documented_step1_names_are_the_notes_names(documented):
    expected = ("net_h1 net_h2 out_h1 out_h2 net_o1 net_o2 out_o1 out_o2 E_total "
                "dE_dout_o1 dE_dout_o2 dE_dout_h1 dE_dout_h2").split()
    expected += [f"R{k}" for k in range(1, 21)] + [f"dE_dw{k}" for k in range(1, 9)] + ["dE_db1", "dE_db2"]
    expected += [f"w{k}_new" for k in range(1, 9)]
    assert names.step1_quantities(documented) == expected


def test_gradients_agree_with_finite_differences_to_20_digits(example_path):
    spec = load(example_path)
    step1 = read_step1(example_path.parent)
    oracle = finite_difference.gradient(spec)
    assert set(oracle) == {q.removeprefix("dE_d") for q in step1 if q.startswith(("dE_dw", "dE_db"))}
    with mpmath.workdps(40):
        for parameter, value in oracle.items():
            golden = mpmath.mpf(step1[f"dE_d{parameter}"])
            assert abs(golden - value) <= mpmath.mpf("1e-20") * abs(value), parameter


def test_trajectory_is_correctly_rounded(documented):
    """At 80 digits instead of 50, every value of every iteration rounds to the same double as in the golden."""
    golden = read_trajectory(GOLDEN / "trajectory.csv")
    columns = names.trajectory_columns(documented)
    rows = [[row[0], *map(float, row[1:])] for row in trajectory(Network(documented), documented.iterations, dps=80)]
    finer = pd.DataFrame(rows, columns=columns)
    assert (finer.to_numpy() == golden[columns].to_numpy()).all()


def test_every_formula_of_the_notes_holds(example_path):
    with (example_path.parent / "notes_identities.csv").open(encoding="utf-8") as handle:
        verdicts = list(csv.DictReader(handle))
    assert verdicts and all(v["holds"] == "true" for v in verdicts)


def test_notes_identities_cover_the_draft(documented):
    formulas = [v.formula for v in identities.check(Network(documented))]
    assert len(formulas) == 20 + 8 + 2
    assert "ΔE/Δw1 = R13 * R15 * R17" in formulas


@pytest.mark.parametrize("symbols", [2, 12], ids=["cancel", "random points"])
def test_a_false_formula_is_reported_as_not_holding(symbols, monkeypatch):
    monkeypatch.setattr(identities, "CANCEL_SYMBOLS", 6)
    xs = sp.symbols(f"x0:{symbols}", positive=True)
    net = sum(xs)
    true = sp.diff(1 / (1 + sp.exp(-net)), xs[0]) - sp.exp(-net) / (1 + sp.exp(-net)) ** 2
    wrong = sp.diff(1 / (1 + sp.exp(-net)), xs[0]) - 1 / (1 + sp.exp(-net)) ** 2
    assert identities.is_zero(identities.rational(true))[0]
    assert not identities.is_zero(identities.rational(wrong))[0]


def test_a_wrong_claim_in_the_network_is_caught(documented):
    network = Network(documented)
    claim = network["out_o1"] * (1 - network["out_o1"]) * 2  # the sigmoid derivative, doubled
    diff = network.expand_to(network.partial("out_o1", "net_o1") - claim, network.layer[network["net_o1"]])
    assert not identities.is_zero(identities.rational(diff))[0]
