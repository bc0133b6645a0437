"""The reference against independent checks: reproduction, finite differences, precision, the notes' formulas."""

from __future__ import annotations

import csv
from decimal import Decimal

import mpmath
import numpy as np
import pytest
import sympy as sp
from backprop_verify.reference import examples, finite_difference, goldens, identities, local_identities, names, store
from backprop_verify.reference.evaluate import trajectory
from backprop_verify.reference.network import Network
from backprop_verify.reference.spec import load


def read_step1(folder) -> dict[str, str]:
    with (folder / store.STEP1).open(encoding="utf-8") as handle:
        return {row["quantity"]: row["value"] for row in csv.DictReader(handle)}


@pytest.mark.parametrize("name", examples.names())
def test_the_goldens_are_reproduced_byte_for_byte(name, derived):
    """What the reference writes today is what is committed: the check `nox -s golden` would make."""
    fresh, committed = derived(name), examples.folder(name)
    assert store.differing_folders(committed, fresh) == []


def test_step1_has_every_quantity_with_40_digits(example):
    spec = load(examples.spec_path(example))
    step1 = read_step1(examples.folder(example))
    assert list(step1) == names.step1_quantities(spec)
    for quantity, value in step1.items():
        digits = Decimal(value).as_tuple().digits
        assert len(digits) >= 39 or Decimal(value) == 0, (quantity, value)


def test_the_documented_step1_names_are_the_notes_names(documented):
    expected = ["net_h1", "net_h2", "out_h1", "out_h2", "net_o1", "net_o2", "out_o1", "out_o2", "E_total",
                "dE_dout_o1", "dE_dout_o2", "dE_dout_h1", "dE_dout_h2"]
    expected += [f"R{k}" for k in range(1, 21)] + [f"dE_dw{k}" for k in range(1, 9)] + ["dE_db1", "dE_db2"]
    expected += [f"w{k}_new" for k in range(1, 9)]
    assert names.step1_quantities(documented) == expected


def test_the_gradients_agree_with_finite_differences_to_20_digits(example):
    spec = load(examples.spec_path(example))
    step1 = read_step1(examples.folder(example))
    oracle = finite_difference.gradient(spec)
    assert set(oracle) == {q.removeprefix("dE_d") for q in step1 if q.startswith(("dE_dw", "dE_db"))}
    with mpmath.workdps(40):
        for parameter, value in oracle.items():
            golden = mpmath.mpf(step1[f"dE_d{parameter}"])
            assert abs(golden - value) <= mpmath.mpf("1e-20") * abs(value), parameter


@pytest.mark.parametrize("name,iterations", [
    ("documented", 10_000), ("deep-tanh-softmax-adam", 400), ("relu-linear-momentum", 300)])
def test_the_trajectory_is_correctly_rounded(name, iterations):
    """At 320 bits instead of 200, every value of every iteration rounds to the same double as in the golden."""
    spec = load(examples.spec_path(name))
    finer, _ = trajectory(spec, iterations, bits=320)
    golden = np.loadtxt(examples.folder(name) / store.TRAJECTORY, delimiter=",", skiprows=1)[:, 1:]
    assert len(golden) == iterations == spec.iterations
    assert (finer == golden).all()


def test_every_formula_holds(example):
    with (examples.folder(example) / store.IDENTITIES).open(encoding="utf-8") as handle:
        verdicts = list(csv.DictReader(handle))
    assert verdicts and all(v["holds"] == "true" for v in verdicts)


def test_the_notes_identities_cover_the_draft():
    with (examples.folder("documented") / store.IDENTITIES).open(encoding="utf-8") as handle:
        formulas = [row["formula"] for row in csv.DictReader(handle)]
    assert len(formulas) == 20 + 8 + 2
    assert "ΔE/Δw1 = R13 * R15 * R17" in formulas and "ΔE/Δout_o1 = out_o1 - 1/100" in formulas


@pytest.mark.parametrize("symbols", [2, 12], ids=["cancel", "random points"])
def test_a_false_formula_is_reported_as_not_holding(symbols, monkeypatch):
    monkeypatch.setattr(identities, "CANCEL_SYMBOLS", 6)
    xs = sp.symbols(f"x0:{symbols}", positive=True)
    net = sum(xs)
    true = sp.diff(1 / (1 + sp.exp(-net)), xs[0]) - sp.exp(-net) / (1 + sp.exp(-net)) ** 2
    wrong = sp.diff(1 / (1 + sp.exp(-net)), xs[0]) - 1 / (1 + sp.exp(-net)) ** 2
    assert identities.is_zero(identities.rational(true))[0]
    assert not identities.is_zero(identities.rational(wrong))[0]


def test_a_wrong_closed_form_of_a_layer_is_reported_as_not_holding():
    from backprop_verify.reference import layers
    out, derivative = layers.activation_exprs("tanh", 1)
    assert local_identities._verdict("tanh", "ok", derivative - (1 - out ** 2)).holds
    wrong = local_identities._verdict("tanh", "wrong", derivative - (1 - out))
    assert not wrong.holds and wrong.difference_at_example != 0
    outs, jacobian = layers.activation_exprs("softmax", 2)
    assert not local_identities._verdict("softmax", "wrong", jacobian[0][1] - outs[0] * outs[1]).holds


def test_a_wrong_claim_in_the_notes_network_is_caught(documented):
    network = Network(documented)
    claim = network["out_o1"] * (1 - network["out_o1"]) * 2  # the sigmoid derivative, doubled
    diff = network.expand_to(network.partial("out_o1", "net_o1") - claim, network.layer[network["net_o1"]])
    assert not identities.is_zero(identities.rational(diff))[0]


def test_the_derivation_records_what_it_was_derived_from(example):
    spec = load(examples.spec_path(example))
    with (examples.folder(example) / goldens.DERIVATION).open(encoding="utf-8") as handle:
        recorded = {row["key"]: row["value"] for row in csv.DictReader(handle)}
    assert recorded["spec_sha256"] == spec.fingerprint()
    assert int(recorded["iterations"]) == spec.iterations
    assert recorded["identities_key"] == goldens.identities_key(spec) and recorded["identities_checked"]
    for file in store.FILES[:-1]:  # every other file's hash, as the store checks it on every read
        data = (examples.folder(example) / file).read_bytes()
        assert recorded[file.removesuffix(".csv") + "_sha256"] == store.sha256(data)


def test_a_wide_network_of_the_notes_family_is_checked_once_per_kind_of_layer():
    from backprop_verify.verify.bench.specs import growth_layers, network_spec
    spec = network_spec(growth_layers(30, 1), iterations=10)
    assert spec.is_notes_family and not goldens.per_weight(spec)
    rows = goldens.render_identities(spec).splitlines()[1:]
    assert len(rows) < 80 and all(",true," in row for row in rows)  # not 454 formulas, one per weight
    assert any("sigmoid layer" in row for row in rows) and any("dense layer, 30 inputs" in row for row in rows)
    assert "once per kind of layer" in goldens.identities_checked(spec)


def test_the_goldens_agree_with_pytorch():
    """PyTorch float64 (optional: skipped without torch), an independent computation written with torch's own
    activations, losses and optimizers, agrees to 1e-9 of each column's size, and passes under the envelope."""
    from .test_programs_general import needs_torch, torch_trajectory
    if needs_torch.args[0]:
        pytest.skip(needs_torch.kwargs["reason"])
    for name in examples.names():
        spec = load(examples.spec_path(name))
        golden = np.loadtxt(examples.folder(name) / store.TRAJECTORY, delimiter=",", skiprows=1)[:, 1:]
        ours = torch_trajectory(spec, spec.iterations)
        scale = np.abs(golden).max(axis=0)
        assert (np.abs(ours - golden) <= 1e-9 * scale).all()
        import pandas as pd
        from backprop_verify.verify import programs, truth
        bound = truth.load(spec)
        frame = pd.DataFrame(ours, columns=bound.quantities)
        frame.insert(0, "iteration", np.arange(len(ours)))
        verdict = programs.verify_frame(frame, bound, program="torch")
        assert verdict.passed, verdict.line()  # and torch, written its own way, is within the envelope
