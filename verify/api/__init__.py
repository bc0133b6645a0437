"""The Python API: verify values, printed text, a command or a PyTorch model, in process, with the verdicts of
the command line (``import backprop_verify as bv``; the README's "Python" section shows each).

- ``verify(table)``, ``verify_text(text)``, ``verify_command(argv)``: the ``trace`` command's stages, with its
  options as keywords (options.py, verifying.py);
- ``Recorder``: values logged while training (recorder.py);
- ``verify_torch(model, optimizer)``: a PyTorch model trained on the spec (pytorch.py);
- ``assert_verified``: for pytest;
- ``truth(spec)``, ``derive(spec)``: the goldens as DataFrames (goldens.py);
- ``Verdict``: prints as its line, shows as a card in a notebook (verdicts.py, card.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Unpack

from ...reference.spec import Spec
from .. import verdict as harness
from .goldens import Goldens, derive, truth
from .options import TraceOptions
from .pytorch import verify_torch  # PyTorch itself is imported when verify_torch is called
from .recorder import Recorder
from .verdicts import Verdict
from .verifying import verify, verify_command, verify_text


def assert_verified(subject: Any, /, *, spec: str | Path | Spec | None = None,
                    **options: Unpack[TraceOptions]) -> Verdict:
    """The verdict, when it passed; else an AssertionError whose message is the verdict's line (with the first
    divergence and the cause). ``subject``: a verdict, a Recorder, printed text, or a table for ``verify``."""
    if isinstance(subject, harness.Verdict):
        if options or spec is not None:
            raise ValueError("a verdict is already verified: give no spec or options with it")
        verdict = Verdict.of(subject)
    elif isinstance(subject, Recorder):
        if options or spec is not None:
            raise ValueError("a Recorder holds its spec and options: give them to Recorder(...)")
        verdict = subject.verdict()
    elif isinstance(subject, str):
        verdict = verify_text(subject, spec=spec or "documented", **options)
    else:
        verdict = verify(subject, spec=spec or "documented", **options)
    if not verdict.passed:
        raise AssertionError(verdict.line())
    return verdict


__all__ = ["Goldens", "Recorder", "Verdict", "assert_verified", "derive", "truth", "verify", "verify_command",
           "verify_text", "verify_torch"]
