"""Shared fixtures and rules: offline tests, a private cache, the goldens derived once per run, Ruby.

- No test reaches the network: connections to anything but this machine are
  refused (a test that tried would fail loudly, not hang or download).
- Goldens derived on the fly and float32 envelopes go to a cache private to
  the test run, never to the user's.
- ``derived`` renders every shipped example once per test run; with several
  pytest-xdist workers the first one to ask derives, under a file lock, and
  the others read what it wrote.
- A test marked ``ruby``, ``browser`` (Chromium) or ``needs("node")`` (any
  program) is skipped with the reason when that program is missing, and fails
  under CI instead.
"""

from __future__ import annotations

import fcntl
import ipaddress
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from backprop_verify.reference import examples, goldens, store
from backprop_verify.reference.spec import load

from . import chromium

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
_connect = socket.socket.connect


def _local(address) -> bool:
    if isinstance(address, (str, bytes)):  # a Unix socket
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self, address):
    if not _local(address):
        raise OSError(f"tests are offline: refused a connection to {address!r}")
    return _connect(self, address)


def pytest_configure(config) -> None:
    socket.socket.connect = _guarded_connect
    os.environ["BACKPROP_VERIFY_CACHE"] = tempfile.mkdtemp(prefix="backprop-verify-test-cache-")
    # A test run never reads or fills the user's cached copy of Neuron.rb (a copy given by NEURON_RB is used).
    os.environ["NEURON_RB_CACHE"] = tempfile.mkdtemp(prefix="neuron-rb-test-cache-")


def pytest_unconfigure(config) -> None:
    shutil.rmtree(os.environ.get("BACKPROP_VERIFY_CACHE", ""), ignore_errors=True)


def pytest_runtest_setup(item: pytest.Item) -> None:
    tools = ["ruby"] if item.get_closest_marker("ruby") else []
    tools += [tool for marker in item.iter_markers("needs") for tool in marker.args]
    for tool in tools:
        if shutil.which(tool) is None:
            package = PACKAGES.get(tool, tool)
            if IN_CI:
                pytest.fail(f"{tool} is not on PATH under CI: .ci/run must install it (apt-get install -y {package})")
            pytest.skip(f"{tool} is not on PATH (apt-get install {package}); the checks that need it did not run")
    if item.get_closest_marker("browser") and chromium.find() is None:
        if IN_CI:
            pytest.fail("Chromium is not on PATH under CI: .ci/run must install it (apt-get install -y chromium)")
        pytest.skip("Chromium is not on PATH (apt-get install chromium); the page was not checked in a browser")


EXAMPLES = examples.names()
# Debian's package of a program, where the names differ
PACKAGES = {"node": "nodejs", "cc": "gcc", "bwrap": "bubblewrap", "javac": "default-jdk-headless",
            "java": "default-jdk-headless"}


@pytest.fixture(scope="session")
def documented():
    return load(examples.spec_path(examples.DOCUMENTED))


@pytest.fixture(params=EXAMPLES, scope="session")
def example(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def derived(tmp_path_factory):
    """``derived(name)``: the folder of a shipped example rendered afresh by the reference, once per test run.

    With pytest-xdist the workers share one folder per example, each derived by the first worker to ask
    for it (under a lock), so that the derivations spread over the workers.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the same folder for every worker of this run

    def folder(name: str) -> Path:
        out = shared / "derived-goldens" / name
        out.parent.mkdir(exist_ok=True)
        with open(shared / f"derived-{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (out / store.DERIVATION).exists():
                store.write(goldens.render(load(examples.spec_path(name))), out)
        return out
    return folder


def one_line_error(caught, kind: str, *words: str) -> str:
    """The message of a caught TraceError: of ``kind``, one line, holding every one of ``words``."""
    message = str(caught.value)
    assert caught.value.kind == kind, message
    assert "\n" not in message
    for word in words:
        assert word in message
    return message
