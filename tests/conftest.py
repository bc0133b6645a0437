"""Shared fixtures, and the rule for tests that need Ruby: skipped locally, failed under CI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reference import spec as spec_module


ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
EXAMPLES = [GOLDEN / "example.toml", *sorted(GOLDEN.glob("*/example.toml"))]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("ruby") and shutil.which("ruby") is None:
        if IN_CI:
            pytest.fail("ruby is not on PATH under CI: .ci/run must install it (apt-get install -y ruby)")
        pytest.skip("ruby is not on PATH (apt-get install ruby); the Ruby checks did not run")


@pytest.fixture(scope="session")
def documented():
    return spec_module.load(GOLDEN / "example.toml")


@pytest.fixture(params=EXAMPLES, ids=lambda p: p.parent.name if p.parent != GOLDEN else "documented",
                scope="session")
def example_path(request) -> Path:
    return request.param
