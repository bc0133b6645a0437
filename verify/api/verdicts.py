"""The API's verdict: the harness's own, that prints as its line and shows as a card in a notebook."""

from __future__ import annotations

from dataclasses import dataclass, fields

from .. import verdict as harness


@dataclass(frozen=True, repr=False)
class Verdict(harness.Verdict):
    """A verdict (``backprop_verify.verify.verdict.Verdict``): ``str()`` is the line the command prints, and
    Jupyter shows it as a card (the status, what was read, the largest error ÷ envelope, the first divergence,
    the cause, and error ÷ envelope over the iterations)."""

    @classmethod
    def of(cls, verdict: harness.Verdict) -> Verdict:
        if isinstance(verdict, cls):
            return verdict
        return cls(**{f.name: getattr(verdict, f.name) for f in fields(verdict)})

    def __str__(self) -> str:
        return self.line()

    def __repr__(self) -> str:
        return f"<Verdict {self.line()}>"

    def _repr_html_(self) -> str:
        from .card import card

        return card(self)
