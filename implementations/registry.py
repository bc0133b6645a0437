"""One entry per program under test, in any language: what it is, how to run it, what it prints.

The harness, the report, the tests, the benchmarks and nox iterate over
``REGISTRY``; adding a program is writing it and adding one entry here.

A program runs either in this process (``run``: a Python callable returning
the trajectory as a table with the golden's columns) or as a command
(``command``), whose standard output is a trace read by the trace protocol
(verify/trace/TRACE_PROTOCOL.md), in ``trace_format`` with the name map
``names`` (None: the golden names). ``stdin`` says what the command reads:
nothing, or ``"spec-json"``, the spec as JSON (implementations/spec_json.py).
``runtime`` is the interpreter it needs on PATH; ``supports(spec)`` returns
None when the program can run the spec, or the reason it cannot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas

    from ..reference.spec import Spec

HERE = Path(__file__).resolve().parent


class Missing(Exception):
    """The program cannot be had here, so it is skipped; the message says how to supply it."""


class Unusable(Exception):
    """The program is at hand but must not be run (an altered copy, say), so it errors; one line says why."""


@dataclass(frozen=True)
class Command:
    """How to start a program: its argv, and a note for its verdict (which copy ran, say)."""
    argv: list[str]
    note: str = ""


@dataclass(frozen=True)
class Program:
    name: str
    language: str
    description: str
    supports: Callable[[Spec], str | None]
    run: Callable[..., pandas.DataFrame] | None = None  # run(spec, iterations=None, **options)
    step1: Callable[[Spec], dict[str, float]] | None = None  # the step1.csv quantities it computes
    command: Callable[[Spec, bool], Command] | None = None  # command(spec, download_allowed); Missing, Unusable
    stdin: str | None = None  # None or "spec-json"
    trace_format: str = "csv"
    names: Path | None = None
    runtime: str | None = None
    # precision -> options of ``run`` (e.g. its dtype)
    run_options: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def in_process(self) -> bool:
        return self.run is not None


def _lazy(module: str, function: str) -> Callable[..., Any]:
    """``module.function``, imported on first call: listing the programs stays cheap."""
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(f".{module}", __package__), function)(*args, **kwargs)
    call.__name__ = call.__qualname__ = f"{module}.{function}"
    return call


def _python(name: str, module: str, description: str, **more: Any) -> Program:
    return Program(name, "python", description, _lazy(module, "supports"), run=_lazy(module, "run"),
                   step1=_lazy(module, "step1"), **more)


def _notes_network_only(spec: Spec) -> str | None:
    if not spec.is_documented_shape:
        return "written for the notes' 2-2-2 network only (one example, shared untrained biases)"
    return None


def _documented_example_only(spec: Spec) -> str | None:
    from ..reference import examples
    if spec.example != examples.DOCUMENTED:
        return "has the documented example's numbers written into it; it runs that example only"
    return None


def _ruby_program(spec: Spec, download: bool) -> Command:
    return Command(["ruby", str(HERE / "ruby" / "backprop.rb")])


def _every_spec(spec: Spec) -> str | None:
    return None


def _javascript_program(spec: Spec, download: bool) -> Command:
    return Command(["node", str(HERE / "javascript" / "backprop.js")])


REGISTRY: dict[str, Program] = {p.name: p for p in [
    _python("loop", "loop", "the notes line by line, Python floats; the notes' 2-2-2 network only"),
    _python("vectorized", "vectorized", "NumPy matrix form: any depth, activation, loss, optimizer; float64 or "
            "float32", run_options={"float32": {"dtype": "float32"}}),
    _python("autograd", "autodiff", "the forward pass in autograd.numpy, every derivative from autograd"),
    Program("ruby", "ruby", "the project's own Ruby program, implementations/ruby/backprop.rb", _notes_network_only,
            command=_ruby_program, stdin="spec-json", trace_format="name-value",
            names=HERE / "ruby" / "neuron_rb_names.toml", runtime="ruby"),
    Program("javascript", "javascript", "the project's own JavaScript program for any spec, "
            "implementations/javascript/backprop.js", _every_spec, command=_javascript_program, stdin="spec-json",
            trace_format="csv", runtime="node"),
    Program("neuron.rb", "ruby", "the original Neuron.rb of the notes (pinned, hash-checked; never in this "
            "repository)", _documented_example_only, command=_lazy("neuron_rb", "command"), trace_format="name-value",
            names=HERE / "ruby" / "neuron_rb_names.toml", runtime="ruby"),
]}
