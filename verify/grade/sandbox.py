"""Run a submission under bubblewrap: no network, the system read-only, only its own copy writable, and limits.

Inside the sandbox the submission sees:

- the system read-only (/usr, /etc, /opt and the /bin, /lib... beside them);
- the interpreters and tools of PATH read-only, wherever they are installed
  (a PATH folder in the teacher's home is shown alone, not the home), with
  the toolchain folders their launchers need (pyenv, rustup, nvm, a Go or
  Java home, a virtual environment: see ``TOOL_HOMES``) and any folder given
  with ``--sandbox-allow``;
- its copy at /submission, on a size-limited tmpfs, the only place it
  can write besides its own /tmp and an empty home of its own (both small
  tmpfs);
- no network (a network namespace of its own, with only a loopback), no
  other process, no other submission, nothing else of the teacher's home;
- not this package, wherever it is installed (its folder in site-packages,
  or the repository's folders an editable install maps into it), nor the
  goldens' cache: they hold the truth a submission is graded against. Where
  one of them, the class or the results lie inside a folder shown (the
  system's, a tool's), an empty tmpfs covers them.

Limits (per process, set with prlimit inside): CPU time, memory (the data
segment, which leaves the address space that runtimes like the JVM or V8
reserve without using alone), processes, file size. A disk cannot be filled:
every place the submission can write is a tmpfs with a size.

Run as an ordinary user, one unprivileged bubblewrap does all this. Run as root
(a container, CI), bubblewrap would map the sandbox's user to root, for
which the kernel enforces no process limit and which owns the system's
files; so the sandbox is built by a privileged bubblewrap, then the
submission runs as an unprivileged user (``SANDBOX_UID``, nobody) in a
second, unprivileged bubblewrap that gives it a user namespace of its own,
where the process limit counts its processes only and no further namespace
can be made.

Where bubblewrap is missing or cannot make its namespaces, ``check`` says so
in one line: a submission is never run unsandboxed when a sandbox was asked.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ...reference.store import cache_root

SANDBOX_UID = 65534  # nobody
INSIDE = "/submission"
SOURCE = "/.submission-source"  # the staged copy, read-only, copied to INSIDE when the sandbox starts
SYSTEM = ("/usr", "/etc", "/opt", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# Environment variables that name the home of a toolchain whose launchers on PATH need it, with the default
# under $HOME where the variable is unset.
TOOL_HOMES = {"PYENV_ROOT": ".pyenv", "RUSTUP_HOME": ".rustup", "CARGO_HOME": None, "NVM_DIR": ".nvm",
              "SDKMAN_DIR": ".sdkman", "GOROOT": None, "JAVA_HOME": None, "VIRTUAL_ENV": None, "CONDA_PREFIX": None,
              "DOTNET_ROOT": None, "R_HOME": None}
KEPT = ("LANG", "LC_ALL", "TZ", *TOOL_HOMES)  # passed into the sandbox as they are; everything else is cleared
MiB = 1 << 20
PACKAGE = __name__.split(".")[0]
# The parts of the package with a folder of their own (pyproject.toml's [tool.setuptools.package-dir]): installed,
# folders inside the package's; installed editable, the repository's folders.
PARTS = ("reference", "implementations", "verify", "golden")


class SandboxError(Exception):
    """No sandbox can be made here; the message is one line saying why and what to do."""


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 120  # per process
    memory_mb: int = 2048  # data segment per process
    processes: int = 256  # processes and threads of the submission together
    file_mb: int = 64  # largest file
    disk_mb: int = 256  # the submission's copy and /tmp, each
    home_mb: int = 16


@dataclass(frozen=True)
class Sandbox:
    limits: Limits = field(default_factory=Limits)
    allow: tuple[Path, ...] = ()  # more folders shown read-only
    hide: tuple[Path, ...] = ()  # folders never shown, whatever PATH or allow say: the class, the results
    secret: tuple[Path, ...] = field(default_factory=lambda: truth_folders())  # never shown either
    bwrap: str = "bwrap"
    privileged: bool = field(default_factory=lambda: os.geteuid() == 0)

    def command(self, staged: Path, run: str) -> list[str]:
        """The command that runs ``run`` (a shell command) in a sandboxed copy of the ``staged`` submission."""
        limits = self.limits
        tool = shutil.which(self.bwrap) or self.bwrap
        argv = [tool, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                "--die-with-parent", "--new-session"]
        if not self.privileged:
            argv += ["--unshare-user", "--disable-userns"]
        argv += self._system()
        argv += ["--proc", "/proc", "--dev", "/dev",
                 "--size", str(limits.disk_mb * MiB), "--tmpfs", "/tmp",
                 "--size", str(limits.disk_mb * MiB), "--tmpfs", INSIDE]
        home = Path.home()
        scratch = ["/tmp"]
        if home != Path("/") and not _under(home, SYSTEM):
            argv += ["--size", str(limits.home_mb * MiB), "--tmpfs", str(home)]
            scratch.append(str(home))
        made = {Path("/"), home}
        tools = self._tools(home)
        for folder in tools:
            for parent in reversed(folder.parents):  # a folder made to hold a mount is 0700 unless told
                if parent not in made:
                    argv += ["--perms", "0755", "--dir", str(parent)]
                    made.add(parent)
            argv += ["--ro-bind", str(folder), str(folder)]
        system = [Path(p) for p in SYSTEM if os.path.isdir(p) and not os.path.islink(p)]
        for folder in self._covered(system + tools):
            argv += ["--perms", "0555", "--size", str(MiB), "--tmpfs", str(folder)]
        argv += ["--ro-bind", str(staged), SOURCE, "--remount-ro", "/", "--chdir", "/", "--clearenv"]
        for name, value in self._environment(home).items():
            argv += ["--setenv", name, value]
        limited = ["prlimit", f"--cpu={limits.cpu_seconds}", f"--data={limits.memory_mb * MiB}",
                   f"--nproc={limits.processes}", f"--fsize={limits.file_mb * MiB}", "--", "sh", "-c", run]
        if self.privileged:
            owner = f"{SANDBOX_UID}:{SANDBOX_UID}"
            start = f"cp -a {SOURCE}/. {INSIDE}/ && chown -R {owner} {INSIDE} && chown {owner} " \
                    f"{' '.join(map(shlex.quote, scratch))} && cd {INSIDE} && exec \"$@\""
            inner = ["setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_UID}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
                     tool, "--unshare-user", "--disable-userns", "--dev-bind", "/", "/", "--die-with-parent",
                     "--chdir", INSIDE, "--", *limited]
        else:
            start = f"cp -a {SOURCE}/. {INSIDE}/ && cd {INSIDE} && exec \"$@\""
            inner = limited
        return argv + ["--", "sh", "-c", start, "sandbox", *inner]

    def _system(self) -> list[str]:
        """The system read-only: a folder bound as it is, a symbolic link (merged /usr) made again."""
        argv = []
        for path in SYSTEM:
            if os.path.islink(path):
                argv += ["--symlink", os.readlink(path), path]
            elif os.path.isdir(path):
                argv += ["--ro-bind", path, path]
        return argv

    def _tools(self, home: Path) -> list[Path]:
        """The folders outside the system that the run command's tools need, innermost last."""
        found: list[Path] = []
        for entry in os.environ.get("PATH", "").split(os.pathsep):
            if entry and os.path.isabs(entry) and os.path.isdir(entry):
                found.append(Path(entry))
        for name, default in TOOL_HOMES.items():
            value = os.environ.get(name) or (str(home / default) if default else "")
            if value and os.path.isdir(value):
                found.append(Path(value))
        found += [p for p in self.allow if p.is_dir()]
        hidden = [p.resolve() for p in self.hide] + [home.resolve()]
        kept: list[Path] = []
        for path in sorted({p.resolve() for p in found} | set(found), key=lambda p: len(p.parts)):
            if _under(path, SYSTEM) or any(_under(path, (str(k),)) for k in kept):
                continue
            # never the root, the home itself or a folder holding it, nor anything around the class or its results
            if len(path.parts) <= 1 or any(_under(h, (str(path),)) for h in hidden) or \
                    any(_under(path, (str(h),)) for h in hidden[:-1]):
                continue
            kept.append(path)
        return kept

    def _covered(self, shown: list[Path]) -> list[Path]:
        """Where, inside the folders ``shown``, a hidden or secret folder would be seen: each to cover (one that does
        not exist is not there to see, and a folder to cover could not be made in a read-only one)."""
        found: set[Path] = set()
        folders = {p.resolve() for p in (*self.secret, *self.hide) if p.is_dir()}
        for place in shown:
            real = place.resolve()
            for folder in folders:
                if real == folder or real in folder.parents:
                    found.add(place / folder.relative_to(real))
                elif folder in real.parents:  # a tool's folder inside it: covered whole
                    found.add(place)
        return sorted(p for p in found if not any(q in p.parents for q in found))

    def _environment(self, home: Path) -> dict[str, str]:
        found = {name: os.environ[name] for name in KEPT if name in os.environ}
        found.update(PATH=os.environ.get("PATH", "/usr/bin:/bin"), HOME=str(home), TMPDIR="/tmp",
                     XDG_CACHE_HOME="/tmp/.cache")
        found.setdefault("LANG", "C.UTF-8")
        return found


def truth_folders() -> tuple[Path, ...]:
    """The folders this package is read from (one, or one a part when installed editable) and the goldens' cache."""
    found = []
    for name in (PACKAGE, *(f"{PACKAGE}.{part}" for part in PARTS)):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            found += [Path(p) for p in spec.submodule_search_locations]
    cache, _ = cache_root()
    return tuple(dict.fromkeys(found + ([cache] if cache is not None else [])))


def _under(path: Path, roots: tuple[str, ...]) -> bool:
    return any(path == Path(root) or Path(root) in path.parents for root in roots)


def check(sandbox: Sandbox) -> None:
    """SandboxError (one line) unless a sandbox can be made here: bubblewrap, namespaces, prlimit, setpriv."""
    tools = ["prlimit"] + (["setpriv"] if sandbox.privileged else [])
    if shutil.which(sandbox.bwrap) is None:
        raise SandboxError("--sandbox needs bubblewrap, which is not on PATH: install it (apt-get install "
                           "bubblewrap); nothing was run")
    for tool in tools:
        if shutil.which(tool) is None:
            raise SandboxError(f"--sandbox needs {tool} (util-linux), which is not on PATH: install it (apt-get "
                               "install util-linux); nothing was run")
    try:
        with tempfile.TemporaryDirectory(prefix="bv-sandbox-probe-") as probe:
            done = subprocess.run(sandbox.command(Path(probe), "true"), stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=30, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SandboxError(f"--sandbox: bubblewrap could not be started ({error}); nothing was run") from None
    if done.returncode != 0:
        said = " ".join(done.stderr.decode("utf-8", "replace").split())[:200] or f"exit status {done.returncode}"
        raise SandboxError(f"--sandbox: bubblewrap cannot make its sandbox here ({said}); user namespaces may be "
                           "off (sysctl kernel.unprivileged_userns_clone=1, or "
                           "kernel.apparmor_restrict_unprivileged_userns=0); nothing was run")
