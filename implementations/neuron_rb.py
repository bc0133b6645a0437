"""Where the original Neuron.rb comes from: a given file, a hash-checked cached copy, or the pinned download.

The original is someone else's program and never part of this repository.
Where it comes from, first match wins:

1. a given path (``--neuron-rb FILE``) or the environment variable ``NEURON_RB``:
   run as it is, with a note saying whether it is byte-identical to the
   published original (the SHA-256 below);
2. the cache folder (``$NEURON_RB_CACHE``, else ``neuron-original`` in the user
   cache folder, ``~/.cache/neuron-original`` on Linux): run only if its SHA-256
   is the pinned one;
3. only when downloading is allowed: fetched from the pinned commit into the
   cache, and kept only if its SHA-256 is the pinned one.

Every read is bounded (the original is about 5 kB), refuses devices, FIFOs and
folders, and the bytes that were hashed are the bytes that run: they are
copied into a private folder first.
"""

from __future__ import annotations

import atexit
import hashlib
import http.client
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ..reference import inputs
from ..reference.spec import Spec
from .registry import Command, Missing, Unusable

PINNED_URL = ("https://raw.githubusercontent.com/HarmonyHu/harmonyhu.github.io/"
              "908fcee93594e47dc44ddef64c03d70f47fc8bb6/_posts/other/Neuron.rb")
PINNED_SHA256 = "8e70a2d3f2aa494832eccb8b52cf209d1de74bb839ef0e9fde094ae023cf80e7"
PATH_VARIABLE = "NEURON_RB"
CACHE_VARIABLE = "NEURON_RB_CACHE"
FILE_NAME = "Neuron.rb"
MAX_BYTES = 64 * 1024
SUPPLY_HINT = (f"set {PATH_VARIABLE}=FILE to a copy of Neuron.rb, or allow the pinned download "
               "(backprop-verify check neuron.rb --download)")


@dataclass(frozen=True)
class Located:
    path: Path  # where the bytes were read
    data: bytes
    origin: str  # "given", "cache" or "downloaded"

    @property
    def identical(self) -> bool:
        return sha256(self.data) == PINNED_SHA256

    def describe(self) -> str:
        same = "byte-identical to" if self.identical else "NOT byte-identical to"
        return f"Neuron.rb ({self.origin} copy, {self.path}) is {same} the published original"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cache_dir() -> Path:
    """Where the verified copy is kept: $NEURON_RB_CACHE, else the platform's user cache folder."""
    if os.environ.get(CACHE_VARIABLE):
        return Path(os.environ[CACHE_VARIABLE])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "neuron-original"


def read_bounded(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; Unusable for anything else, with the reason."""
    try:
        return inputs.read_bounded(path, MAX_BYTES)
    except inputs.Unreadable as why:
        if why.kind == inputs.FOLDER:
            raise Unusable(f"{path} is a folder, not Neuron.rb; {SUPPLY_HINT}") from None
        raise Unusable(f"{path} {why}; the original Neuron.rb is a file of about 5 kB: {SUPPLY_HINT}") from None


def locate(path: str | Path | None = None, *, cache: Path | None = None, url: str | None = None,
           timeout: float = 30, download: bool = False) -> Located:
    """The copy to run; Missing when there is none here, Unusable when it must not be run."""
    if path is None and os.environ.get(PATH_VARIABLE):
        path = os.environ[PATH_VARIABLE]
    if path is not None:
        return Located(Path(path), read_bounded(Path(path)), "given")
    cached = (cache or cache_dir()) / FILE_NAME
    if os.path.lexists(cached):
        data = read_bounded(cached)
        if sha256(data) != PINNED_SHA256:
            raise Unusable(f"refusing to run {cached}: its SHA-256 is not the pinned {PINNED_SHA256[:16]}... "
                           f"(delete it to download again, or set {PATH_VARIABLE} to run a file of your choice)")
        return Located(cached, data, "cache")
    if not download:
        raise Missing(f"the original Neuron.rb is not at hand (no copy in {cached.parent}); {SUPPLY_HINT}")
    return Located(cached, fetch(cached, url or PINNED_URL, timeout), "downloaded")


def fetch(target: Path, url: str, timeout: float = 30) -> bytes:
    """Download ``url``, keep it at ``target`` if, and only if, its SHA-256 is the pinned one; its bytes."""
    deadline = time.monotonic() + timeout
    chunks, size = [], 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            while size <= MAX_BYTES:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"still downloading after {timeout:g} s")
                # read1: what has arrived, whereas read(n) waits for n bytes, however slowly they come
                chunk = response.read1(8192)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unusable(f"no cached copy in {target.parent} and the download failed ({reason}); "
                       f"set {PATH_VARIABLE}=FILE to a copy of Neuron.rb") from None
    data = b"".join(chunks)
    if size > MAX_BYTES:
        raise Unusable(f"refusing the download from {url}: more than {MAX_BYTES // 1024} kB; nothing was saved")
    if sha256(data) != PINNED_SHA256:
        raise Unusable(f"refusing the file downloaded from {url}: its SHA-256 {sha256(data)[:16]}... is not the "
                       f"pinned {PINNED_SHA256[:16]}...; nothing was saved")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".Neuron.rb.", suffix=".tmp", delete=False) as staged:
        staged.write(data)
    os.replace(staged.name, target)  # whole or not at all
    return data


_PRIVATE: list[str] = []


def private_copy(found: Located) -> Path:
    """The hashed bytes in a folder only this process writes to, removed at exit: what is run is what was checked."""
    if not _PRIVATE:
        _PRIVATE.append(tempfile.mkdtemp(prefix="backprop-verify-neuron-rb-"))
        atexit.register(shutil.rmtree, _PRIVATE[0], True)
    copy = Path(_PRIVATE[0]) / f"{sha256(found.data)[:16]}-{FILE_NAME}"
    copy.write_bytes(found.data)
    return copy


def command(spec: Spec, download: bool = False) -> Command:
    """The registry's command for Neuron.rb: ruby and a private copy of the located file."""
    found = locate(download=download)
    return Command(["ruby", str(private_copy(found))], found.describe())
