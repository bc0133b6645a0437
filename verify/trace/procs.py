"""Find and end every process a program started, even those that left its session (Linux, through /proc).

The verifier makes itself a child subreaper, so that a process whose parent
exits is reparented to the verifier rather than to init, and can be reaped
here. A process belongs to a run when it carries the run's marker in its
environment, is in the program's session or process group, or descends
(by parent links) from one that does. Only such processes are ever signalled
or reaped: the caller may run other subprocesses of its own. (Being a
subreaper is for the whole verifier process: orphans of the caller's other
subprocesses also come here, and are left for their own code to reap.)

A process that leaves the session, clears its environment and outlives its
parent is not found; no trace program has a reason to do all three.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections import defaultdict
from collections.abc import Callable, Collection
from typing import NamedTuple

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
MARKER = "BACKPROP_VERIFY_RUN"

_subreaper: bool | None = None
_prctl_function: Callable[..., int] | None = None
_prctl_looked_up = False


def _prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up once (before any fork: the lookup is not for a child between fork and exec)."""
    global _prctl_function, _prctl_looked_up
    if not _prctl_looked_up:
        _prctl_looked_up = True
        try:
            _prctl_function = ctypes.CDLL(None, use_errno=True).prctl
        except (OSError, AttributeError):
            _prctl_function = None
    return _prctl_function


def become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (once; False where Linux does not allow it)."""
    global _subreaper
    if _subreaper is None:
        prctl = _prctl()
        _subreaper = prctl is not None and prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    return _subreaper


def die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when its parent ``parent`` ends (Linux); end at once if it has ended.

    For a process started to do the parent's work (a report's worker, a traced program): killed, even by
    SIGKILL, the parent leaves nothing running. (The signal comes when the parent's thread that started this
    process ends: every caller starts it from the thread that waits for it.)
    """
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)


class Process(NamedTuple):
    ppid: int
    group: int
    session: int
    zombie: bool


def processes() -> dict[int, Process]:
    """Every process visible in /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                text = stat.read()
        except OSError:  # it ended meanwhile
            continue
        # The command name, in parentheses, may hold spaces and parentheses: cut after the last ")".
        fields = text[text.rfind(b")") + 2:].split()
        found[int(entry)] = Process(int(fields[1]), int(fields[2]), int(fields[3]), fields[0] == b"Z")
    return found


def _marked(pid: int, marker: bytes) -> bool:
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            return marker in environ.read()
    except OSError:  # another user's process, or gone
        return False


def family(root: int, marker: str, known: Collection[int] = frozenset()) -> dict[int, Process]:
    """The processes of a run (see the module's docstring); ``known``: pids found in the run before."""
    table = processes()
    me = os.getpid()
    tag = f"{MARKER}={marker}\0".encode()
    members = {pid for pid, p in table.items()
               if pid == root or pid in known or p.session == root or p.group == root}
    members |= {pid for pid in table.keys() - members if pid != me and _marked(pid, tag)}
    children = defaultdict(list)
    for pid, p in table.items():
        children[p.ppid].append(pid)
    stack = list(members)
    while stack:
        for child in children[stack.pop()]:
            if child not in members:
                members.add(child)
                stack.append(child)
    members.discard(me)
    return {pid: table[pid] for pid in members}


def end_family(root: int, marker: str, *, spare: int | None = None, within: float = 1.5) -> set[int]:
    """SIGKILL every process of the run and reap those reparented here, until none is left; the pids killed.

    ``spare`` is a pid not to reap (the program itself: its Popen reaps it).
    Gives up after ``within`` seconds (a process stuck in the kernel cannot die).
    """
    me = os.getpid()
    deadline = time.monotonic() + within
    killed: set[int] = set()
    members: dict[int, Process] = {}
    while True:
        # A process found once stays a member while it lives, even once its parent is gone.
        members = family(root, marker, members.keys())
        alive = {pid for pid, p in members.items() if not p.zombie}
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
            except (ProcessLookupError, PermissionError):
                pass
        ours = [pid for pid, p in members.items() if p.ppid == me and pid != spare]
        for pid in ours:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        if (not alive and not ours) or time.monotonic() > deadline:
            return killed
        time.sleep(0.01)
