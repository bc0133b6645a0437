"""The likely cause of a failed implementation's divergence, from reference/diagnose.py when it is there."""

from __future__ import annotations

from importlib import import_module

from reference.spec import Spec

from .collect import Result

UNAVAILABLE = "diagnosis unavailable (reference/diagnose.py is not in this tree yet)"


def causes(results: list[Result], specs: dict[str, Spec]) -> dict[tuple[str, str], str]:
    """(implementation, example) -> one sentence, for every failed result."""
    failed = [r for r in results if r.status == "failed"]
    try:
        diagnose = import_module("reference.diagnose").diagnose
    except (ImportError, AttributeError):
        return {(r.implementation, r.example): UNAVAILABLE for r in failed}
    found = {}
    for r in failed:
        try:
            found[(r.implementation, r.example)] = str(diagnose(r.trajectory, specs[r.example]))
        except Exception as error:  # noqa: BLE001 - a diagnosis that fails must not sink the report
            found[(r.implementation, r.example)] = f"diagnosis failed ({type(error).__name__}: {error})"
    return found
