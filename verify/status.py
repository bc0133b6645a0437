"""The four outcomes of a verification, each with its exit code, and how several combine into one.

| exit | status  | meaning                                                          |
| ---- | ------- | ---------------------------------------------------------------- |
| 0    | passed  | every value checked is within tolerance                          |
| 1    | failed  | a value is beyond tolerance                                      |
| 2    | errored | could not verify: bad input, a missing program, unreadable output |
| 3    | skipped | nothing verified: not applicable, or a runtime is missing         |
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Status(Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERRORED = "errored"
    SKIPPED = "skipped"

    @property
    def exit_code(self) -> int:
        return _EXIT[self]

    def __str__(self) -> str:
        return self.value


_EXIT = {Status.PASSED: 0, Status.FAILED: 1, Status.ERRORED: 2, Status.SKIPPED: 3}


def overall(statuses: Iterable[Status]) -> Status:
    """One status for several: failed if any failed, else errored if any errored, else skipped if none passed."""
    found = set(statuses)
    if Status.FAILED in found:
        return Status.FAILED
    if Status.ERRORED in found:
        return Status.ERRORED
    if Status.PASSED not in found:
        return Status.SKIPPED
    return Status.PASSED
