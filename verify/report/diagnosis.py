"""The likely cause of each failed implementation's divergence, by reference/diagnose.py."""

from __future__ import annotations

from reference import diagnose
from reference.spec import Spec

from .collect import Result


def cause(result: Result, spec: Spec) -> str:
    """One sentence; the diagnosis sees the numbers only, never which program made them."""
    if result.trajectory is None:
        return "no trajectory to diagnose"
    try:
        found = diagnose.diagnose(result.trajectory, spec_path=spec.source)
    except Exception as error:  # noqa: BLE001 - a diagnosis that fails must not sink the report
        return f"diagnosis failed ({type(error).__name__}: {error})"
    return found.cause.sentence if found.cause else diagnose.NO_MATCH


def causes(results: list[Result], specs: dict[str, Spec]) -> dict[tuple[str, str], str]:
    """(implementation, example) -> the likely cause, for every failed result."""
    return {(r.implementation, r.example): cause(r, specs[r.example]) for r in results if r.status == "failed"}
