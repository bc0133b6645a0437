"""What the report verifies: one job per program and example, each run to a ``Result``.

A job names a registered program (looked up in the registry where it runs)
or carries a traced command (``--trace 'NAME=ARGS'``: the command, its spec,
its verification options and its standard input, as ``backprop-verify trace``
reads them). Jobs hold only plain data, so that they can be handed to another
process.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...implementations.registry import REGISTRY
from ...reference.spec import Spec
from .. import programs
from . import result
from .result import Result


@dataclass(frozen=True)
class Job:
    program: str
    spec: Spec
    options: programs.Options
    command: tuple[str, ...] | None = None  # a traced program; None for a registered one
    stdin: bytes | None = None

    @property
    def example(self) -> str:
        return programs.example_name(self.spec)

    @property
    def cost(self) -> int:
        """A rough measure of the work, to start the longest first: iterations times parameters."""
        return self.spec.iterations * (len(self.spec.weights) + len(self.spec.biases))


def run(job: Job) -> Result:
    """Verify the job's program on its spec (in whichever process calls this)."""
    if job.command is None:
        verdict = programs.verify_program(REGISTRY[job.program], job.spec, job.options)
    else:
        verdict = programs.verify_command(list(job.command), job.spec, job.options, stdin=job.stdin,
                                          program=job.program)
    return result.of(verdict)


def registered(names: list[str], specs: list[Spec], options: programs.Options) -> list[Job]:
    """Every named registered program on every spec, in the order of the matrix."""
    return [Job(name, spec, options) for spec in specs for name in names]
