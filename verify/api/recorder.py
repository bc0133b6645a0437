"""``Recorder``: values logged while training, verified afterwards as if the program had printed them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Unpack

from ...reference.spec import Spec
from .options import TraceOptions, options_of, spec_of
from .tables import line_of

if TYPE_CHECKING:
    from .verdicts import Verdict


class Recorder:
    """Log as you train, then ask for the verdict::

        rec = bv.Recorder(spec="documented")
        for k in range(10_000):
            ...
            rec.log(iteration=k, E_total=E, w5=w5)
        rec.verdict()

    Each ``log`` is one line, as a program would print it (``iteration: 3, E_total: 0.28...``); its names are
    read the way a printed trace's are, golden or usual (``loss``, ``w5``, ``out``), and a value may be a
    number, a NumPy scalar, a 0-d tensor or a list of numbers. The keyword options are those of ``verify``.
    """

    def __init__(self, spec: str | Path | Spec = "documented", **options: Unpack[TraceOptions]):
        self.spec = spec_of(spec)
        options_of(self.spec, options)  # refused now, not after training
        self._options = options
        self._lines: list[str] = []

    def log(self, **values: object) -> None:
        """One line of values (``iteration=k`` labels it; without labels, lines count iterations from 0)."""
        if not values:
            raise ValueError("log() needs at least one value, for instance rec.log(iteration=k, E_total=E)")
        self._lines.append(line_of(values))

    def __len__(self) -> int:
        return len(self._lines)

    def text(self) -> str:
        """What the recorder holds, as the lines a program would have printed."""
        return "".join(line + "\n" for line in self._lines)

    def verdict(self) -> Verdict:
        from .verifying import verify_text

        return verify_text(self.text(), spec=self.spec, program="recorder", **self._options)
