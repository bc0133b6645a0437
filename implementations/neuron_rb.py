"""Run the published Neuron.rb, unmodified, and verify all 190,000 values it prints.

``python -m implementations.neuron_rb [--path FILE]``

Where the file comes from, first match wins:

1. ``--path FILE`` or the environment variable ``NEURON_RB``: that file is run
   as it is, and whether it is byte-identical to the published original
   (SHA-256 below) is reported;
2. the cache folder (``NEURON_RB_CACHE``, else ``neuron-original`` in the user
   cache folder, ``~/.cache/neuron-original`` on Linux): a copy there is run
   only if its SHA-256 is the pinned one;
3. otherwise it is downloaded from the pinned commit into the cache, and kept
   only if its SHA-256 is the pinned one.

Exit 0 every value within the ``neuron.rb`` tolerances, 1 diverged, 2 could not
verify (file unavailable or altered, no Ruby, script failed or hung, output
unreadable).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .ruby_bridge import command_line, finish, verify_ruby
from .trace import Verdict

PINNED_URL = ("https://raw.githubusercontent.com/HarmonyHu/harmonyhu.github.io/"
              "908fcee93594e47dc44ddef64c03d70f47fc8bb6/_posts/other/Neuron.rb")
PINNED_SHA256 = "8e70a2d3f2aa494832eccb8b52cf209d1de74bb839ef0e9fde094ae023cf80e7"
PATH_VARIABLE = "NEURON_RB"
CACHE_VARIABLE = "NEURON_RB_CACHE"
FILE_NAME = "Neuron.rb"
IMPLEMENTATION = "neuron.rb"  # its name in reference/tolerances.csv
SUPPLY_HINT = f"pass --path FILE or set {PATH_VARIABLE}=FILE to a copy of Neuron.rb"


class Unavailable(Exception):
    """Neuron.rb cannot be had, or not safely; the message is one line."""


@dataclass(frozen=True)
class Located:
    path: Path
    identical: bool  # byte-identical to the published original
    origin: str  # "given", "cache" or "downloaded"

    def describe(self) -> str:
        same = ("byte-identical to the published original" if self.identical
                else "NOT byte-identical to the published original")
        return f"Neuron.rb ({self.origin}): {self.path}, {same} (SHA-256 {sha256(self.path.read_bytes())[:16]}...)"


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


def locate(path: str | Path | None = None, *, cache: Path | None = None, url: str | None = None,
           timeout: float = 30) -> Located:
    """The file to run; Unavailable when there is none, or the cached or downloaded one is not the original."""
    if path is None and os.environ.get(PATH_VARIABLE):
        path = os.environ[PATH_VARIABLE]
    if path is not None:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise Unavailable(f"cannot read {path} ({exc.strerror or exc}); {SUPPLY_HINT}") from None
        return Located(path, sha256(data) == PINNED_SHA256, "given")
    cached = (cache or cache_dir()) / FILE_NAME
    if cached.exists():
        if sha256(cached.read_bytes()) != PINNED_SHA256:
            raise Unavailable(f"refusing to run {cached}: its SHA-256 is not the pinned {PINNED_SHA256[:16]}... "
                              "(delete it to download again, or pass --path to run a file of your choice)")
        return Located(cached, True, "cache")
    return Located(download(cached, url or PINNED_URL, timeout), True, "downloaded")


def download(target: Path, url: str, timeout: float = 30) -> Path:
    """Fetch ``url`` to ``target`` if, and only if, its SHA-256 is the pinned one."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unavailable(f"no cached copy in {target.parent} and the download failed ({reason}); "
                          f"{SUPPLY_HINT}") from None
    if sha256(data) != PINNED_SHA256:
        raise Unavailable(f"refusing the file downloaded from {url}: its SHA-256 {sha256(data)[:16]}... is not the "
                          f"pinned {PINNED_SHA256[:16]}...; nothing was saved")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".Neuron.rb.", delete=False) as staged:
        staged.write(data)
    os.replace(staged.name, target)  # whole or not at all
    return target


def verify_neuron_rb(path: str | Path | None = None, *, cache: Path | None = None, url: str | None = None,
                     timeout: float = 60) -> Verdict:
    """Find Neuron.rb (see the module docstring), run it and verify its trace; the Verdict notes which file ran."""
    started = time.perf_counter()
    try:
        found = locate(path, cache=cache, url=url)
    except Unavailable as error:
        return Verdict("errored", str(error), seconds=time.perf_counter() - started, kind="unavailable")
    verdict = verify_ruby(found.path, IMPLEMENTATION, timeout=timeout)
    return verdict.with_note(found.describe())


def main(argv: list[str] | None = None) -> int:
    parser = command_line("python -m implementations.neuron_rb", __doc__)
    parser.add_argument("--path", type=Path, help=f"run this file (default: ${PATH_VARIABLE}, else the cached "
                        "or downloaded original)")
    args = parser.parse_args(argv)
    return finish(verify_neuron_rb(args.path, timeout=args.timeout), args.show_errors)


if __name__ == "__main__":
    sys.exit(main())
