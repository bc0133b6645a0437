"""Getting the original Neuron.rb safely, and running it when a copy is at hand (tests never download)."""

from __future__ import annotations

import os

import pytest

from implementations import neuron_rb
from .trace_samples import needs_ruby

ORIGINAL_SHA256 = "8e70a2d3f2aa494832eccb8b52cf209d1de74bb839ef0e9fde094ae023cf80e7"  # the pinned original's, as published


def available_original():
    """A copy of the original from NEURON_RB or the user cache, checked by hash; None when there is none."""
    candidates = [os.environ.get(neuron_rb.PATH_VARIABLE), neuron_rb.cache_dir() / neuron_rb.FILE_NAME]
    for candidate in filter(None, candidates):
        try:
            data = open(candidate, "rb").read()
        except OSError:
            continue
        if neuron_rb.sha256(data) == ORIGINAL_SHA256:
            return data
    return None


ORIGINAL = available_original()
needs_original = pytest.mark.skipif(ORIGINAL is None, reason="no copy of the original Neuron.rb: set NEURON_RB "
                                    f"or put it in {neuron_rb.cache_dir()}")


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No test reads the real cache or reaches the network unless it says so."""
    monkeypatch.delenv(neuron_rb.PATH_VARIABLE, raising=False)
    monkeypatch.setenv(neuron_rb.CACHE_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.setattr(neuron_rb, "PINNED_URL", (tmp_path / "nowhere" / "Neuron.rb").as_uri())


def test_the_pin_is_the_published_hash():
    assert neuron_rb.PINNED_SHA256 == ORIGINAL_SHA256


def test_offline_without_a_cached_copy_says_how_to_supply_the_file(capsys):
    assert neuron_rb.main([]) == 2
    message = capsys.readouterr().err.strip()
    assert "--path" in message and "NEURON_RB" in message and "\n" not in message


def test_a_modified_cached_copy_is_refused(tmp_path, capsys):
    cached = tmp_path / "cache" / "Neuron.rb"
    cached.parent.mkdir()
    cached.write_text('puts "out_o1:0.75"\n')
    assert neuron_rb.main([]) == 2
    assert "refusing to run" in capsys.readouterr().err


def test_a_download_with_the_wrong_hash_is_refused_and_not_kept(tmp_path):
    served = tmp_path / "served.rb"
    served.write_text('puts "hello"\n')
    verdict = neuron_rb.verify_neuron_rb(url=served.as_uri())
    assert (verdict.status, verdict.kind, verdict.exit_code) == ("errored", "unavailable", 2)
    assert "refusing the file downloaded" in verdict.reason
    assert not (tmp_path / "cache").exists()


def test_a_given_file_is_reported_as_not_the_original(tmp_path):
    given = tmp_path / "Neuron.rb"
    given.write_text('puts "hello"\n')
    found = neuron_rb.locate(given)
    assert not found.identical and "NOT byte-identical" in found.describe()


def test_an_unreadable_given_file_says_how_to_supply_one(tmp_path):
    verdict = neuron_rb.verify_neuron_rb(tmp_path / "missing.rb")
    assert verdict.exit_code == 2 and "NEURON_RB" in verdict.reason


@needs_original
def test_a_download_with_the_pinned_hash_is_kept(tmp_path):
    served = tmp_path / "served.rb"
    served.write_bytes(ORIGINAL)
    found = neuron_rb.locate(url=served.as_uri())
    assert (found.origin, found.identical) == ("downloaded", True)
    assert found.path.read_bytes() == ORIGINAL
    assert neuron_rb.locate().origin == "cache"  # the second time, no download


@needs_ruby
@needs_original
def test_the_original_passes_within_its_tolerances(tmp_path, monkeypatch):
    original = tmp_path / "Neuron.rb"
    original.write_bytes(ORIGINAL)
    monkeypatch.setenv(neuron_rb.PATH_VARIABLE, str(original))
    verdict = neuron_rb.verify_neuron_rb()
    assert verdict.status == "passed", verdict.reason
    assert verdict.comparison.values_checked == 190_000
    assert any("byte-identical to the published original" in note and "NOT" not in note for note in verdict.notes)


def test_no_download_without_a_copy_says_skipped_with_exit_3(tmp_path, monkeypatch):
    monkeypatch.delenv("NEURON_RB", raising=False)
    monkeypatch.setenv("NEURON_RB_CACHE", str(tmp_path))
    assert neuron_rb.main(["--no-download"]) == neuron_rb.SKIPPED_EXIT
    assert not any(tmp_path.iterdir())
