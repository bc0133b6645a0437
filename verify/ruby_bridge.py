"""Run a Ruby program that prints the name:value trace, and verify it against the goldens.

``python -m implementations.ruby_bridge [--spec FILE] [--script FILE]`` runs the
project's own program, implementations/ruby/backprop.rb, handing it the
example as JSON on standard input. Exit 0 passed, 1 diverged, 2 could not
verify (no Ruby, the script failed or hung, its output unreadable).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from reference.spec import DEFAULT_SPEC, SpecError, load

from .trace import Verdict, describe, verify_command

SCRIPT = Path(__file__).resolve().parent / "ruby" / "backprop.rb"
INSTALL_HINT = "ruby is not on PATH: install it (apt-get install ruby) to run the Ruby checks"


def example_json(spec_path: str | Path = DEFAULT_SPEC) -> str:
    """The spec's numbers as the JSON backprop.rb reads (shortest round-trip decimals of the float64 values)."""
    spec = load(spec_path)
    if not spec.is_documented_shape:
        raise SpecError(f"spec {spec.source}: backprop.rb handles the notes' 2-2-2 network with one example "
                        "and fixed shared biases only")
    example = spec.examples[0]
    return json.dumps({"inputs": _floats(example.inputs), "targets": _floats(example.targets),
                       "weights": _floats(spec.weights), "biases": _floats(spec.biases),
                       "learning_rate": float(spec.learning_rate), "iterations": spec.iterations})


def _floats(values) -> list[float]:
    return [float(v) for v in values]  # Decimal -> nearest double; json writes its shortest round-trip form


def verify_ruby(script: str | Path, implementation: str, *, stdin: str | None = None,
                spec_path: str | Path = DEFAULT_SPEC, timeout: float = 60) -> Verdict:
    """Run ``ruby script`` and verify its name:value trace with the tolerance rows of ``implementation``."""
    ruby = shutil.which("ruby")
    if ruby is None:
        return Verdict("skipped", INSTALL_HINT, kind="no-ruby")
    return verify_command([ruby, str(script)], timeout=timeout, stdin=stdin, spec_path=spec_path,
                          tolerance_from=implementation)


def verify_project_ruby(spec_path: str | Path = DEFAULT_SPEC, *, script: str | Path = SCRIPT,
                        timeout: float = 60, implementation: str = "ruby") -> Verdict:
    """The project's Ruby program (or a variant of it at ``script``) run on the spec and verified."""
    started = time.perf_counter()
    try:
        stdin = example_json(spec_path)
    except SpecError as error:
        return Verdict("errored", str(error), seconds=time.perf_counter() - started, kind="spec")
    return verify_ruby(script, implementation, stdin=stdin, spec_path=spec_path, timeout=timeout)


def command_line(prog: str, doc: str) -> argparse.ArgumentParser:
    """The options every Ruby runner shares."""
    parser = argparse.ArgumentParser(prog=prog, description=doc.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before Ruby is killed (default 60)")
    parser.add_argument("--show-errors", action="store_true", help="print the largest error of every quantity")
    return parser


def finish(verdict: Verdict, show_errors: bool) -> int:
    print(describe(verdict, show_errors), file=sys.stdout if verdict.exit_code == 0 else sys.stderr)
    return verdict.exit_code


def main(argv: list[str] | None = None) -> int:
    parser = command_line("python -m implementations.ruby_bridge", __doc__)
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the example (default: golden/example.toml)")
    parser.add_argument("--script", type=Path, default=SCRIPT, help="the Ruby program (default: backprop.rb)")
    args = parser.parse_args(argv)
    verdict = verify_project_ruby(args.spec, script=args.script, timeout=args.timeout)
    return finish(verdict, args.show_errors)


if __name__ == "__main__":
    sys.exit(main())
