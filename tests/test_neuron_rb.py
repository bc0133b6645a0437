"""The original Neuron.rb: found safely, never downloaded by a test, and verified when a copy is at hand.

A copy is at hand when NEURON_RB points at it (the test run's own cache is
empty: tests/conftest.py). Without one the tests that need it skip with the
reason; the rest check how a copy is found, refused and run.
"""

from __future__ import annotations

import os

import pytest
from backprop_verify.implementations import neuron_rb
from backprop_verify.implementations.registry import REGISTRY, Missing, Unusable
from backprop_verify.reference import examples
from backprop_verify.reference.spec import load
from backprop_verify.verify import programs
from backprop_verify.verify.status import Status

ORIGINAL_SHA256 = "8e70a2d3f2aa494832eccb8b52cf209d1de74bb839ef0e9fde094ae023cf80e7"  # the pinned original's


def available_original() -> bytes | None:
    """The original's bytes from NEURON_RB or the user's cache, checked by hash; None when there is none."""
    home = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "neuron-original")
    for candidate in filter(None, [os.environ.get(neuron_rb.PATH_VARIABLE), os.path.join(home, "Neuron.rb")]):
        try:
            data = neuron_rb.read_bounded(candidate)
        except Unusable:
            continue
        if neuron_rb.sha256(data) == ORIGINAL_SHA256:
            return data
    return None


ORIGINAL = available_original()
needs_original = pytest.mark.skipif(ORIGINAL is None, reason="no copy of the original Neuron.rb at hand: set "
                                    "NEURON_RB=FILE (or keep one in ~/.cache/neuron-original/); tests never download")


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No test reads the real cache or reaches the network unless it says so."""
    monkeypatch.delenv(neuron_rb.PATH_VARIABLE, raising=False)
    monkeypatch.setenv(neuron_rb.CACHE_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.setattr(neuron_rb, "PINNED_URL", (tmp_path / "nowhere" / "Neuron.rb").as_uri())


def test_the_pin_is_the_published_hash():
    assert neuron_rb.PINNED_SHA256 == ORIGINAL_SHA256


def test_without_a_copy_it_is_skipped_with_how_to_supply_one(documented):
    with pytest.raises(Missing, match="NEURON_RB"):
        neuron_rb.locate()
    verdict = programs.verify_program(REGISTRY["neuron.rb"], documented)
    assert verdict.status is Status.SKIPPED and "NEURON_RB" in verdict.reason and "\n" not in verdict.reason


def test_a_modified_cached_copy_is_refused(tmp_path):
    cached = tmp_path / "cache" / "Neuron.rb"
    cached.parent.mkdir()
    cached.write_text('puts "out_o1:0.75"\n')
    with pytest.raises(Unusable, match="refusing to run"):
        neuron_rb.locate()


def test_a_download_with_the_wrong_hash_is_refused_and_not_kept(tmp_path):
    served = tmp_path / "served.rb"
    served.write_text('puts "hello"\n')
    with pytest.raises(Unusable, match="refusing the file downloaded"):
        neuron_rb.locate(url=served.as_uri(), download=True)
    assert not (tmp_path / "cache").exists()


def test_a_given_file_is_run_and_said_not_to_be_the_original(tmp_path):
    given = tmp_path / "Neuron.rb"
    given.write_text('puts "hello"\n')
    found = neuron_rb.locate(given)
    assert not found.identical and "NOT byte-identical" in found.describe()
    copy = neuron_rb.private_copy(found)
    assert copy.read_bytes() == given.read_bytes() and copy.parent != given.parent


def test_only_the_documented_example(documented):
    other = load(examples.spec_path("per-neuron-3-4-2"))
    assert REGISTRY["neuron.rb"].supports(documented) is None
    assert "documented example" in REGISTRY["neuron.rb"].supports(other)


@needs_original
def test_a_download_with_the_pinned_hash_is_kept(tmp_path):
    served = tmp_path / "served.rb"
    served.write_bytes(ORIGINAL)
    found = neuron_rb.locate(url=served.as_uri(), download=True)
    assert (found.origin, found.identical, found.data) == ("downloaded", True, ORIGINAL)
    assert neuron_rb.locate().origin == "cache"  # the second time, no download


@pytest.mark.ruby
@needs_original
def test_the_original_passes_under_the_envelope(tmp_path, monkeypatch, documented):
    original = tmp_path / "Neuron.rb"
    original.write_bytes(ORIGINAL)
    monkeypatch.setenv(neuron_rb.PATH_VARIABLE, str(original))
    verdict = programs.verify_program(REGISTRY["neuron.rb"], documented)
    assert verdict.status is Status.PASSED, verdict.line()
    assert verdict.comparison.values_checked == 190_000
    assert any("is byte-identical to the published original" in note for note in verdict.notes)
