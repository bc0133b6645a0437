"""The report's plots as PNG bytes (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
from matplotlib.ticker import LogFormatter  # noqa: E402
import pandas as pd  # noqa: E402

from reference.compare import ulp_distance  # noqa: E402

from .collect import Result  # noqa: E402

STYLES = ["--", ":", "-.", (0, (5, 3)), (0, (1, 3))]


def _png(figure) -> bytes:
    for axes in figure.axes:  # plain tick labels: the default mathtext ones take most of the drawing time
        if axes.get_yscale() == "log":
            axes.yaxis.set_major_formatter(LogFormatter(labelOnlyBase=True))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def with_trajectories(results: list[Result], example: str) -> list[Result]:
    return [r for r in results if r.example == example and r.trajectory is not None]


def loss_curve(truth: pd.DataFrame, results: list[Result]) -> bytes:
    """E_total against the iteration, log scale: the truth and every implementation over it."""
    figure, axes = plt.subplots(figsize=(8, 4.5))
    axes.plot(truth.iteration, truth.E_total, color="black", linewidth=3, alpha=0.35, label="truth")
    for k, r in enumerate(results):
        axes.plot(r.trajectory.iteration, r.trajectory.E_total, linestyle=STYLES[k % len(STYLES)], label=r.implementation)
    axes.set(yscale="log", xlabel="iteration", ylabel="E_total", title="Loss over the iterations")
    axes.legend()
    figure.tight_layout()
    return _png(figure)


def ulp_errors(truth: pd.DataFrame, results: list[Result]) -> bytes:
    """One panel per implementation: its largest error in ULPs over all quantities of each iteration."""
    columns = [c for c in truth.columns if c != "iteration"]
    panels = max(len(results), 1)
    figure, axes = plt.subplots(panels, 1, figsize=(8, 1.2 + 1.6 * panels), sharex=True, sharey=True, squeeze=False)
    for panel, r in zip(axes[:, 0], results):
        ulps = ulp_distance(truth[columns].to_numpy(), r.trajectory[columns].to_numpy()).max(axis=1)
        panel.plot(truth.iteration, ulps, linewidth=0.5)
        panel.set(yscale="symlog", ylabel="ULPs")
        panel.set_title(r.implementation, fontsize="medium", loc="left")
    axes[-1, 0].set_xlabel("iteration")
    figure.suptitle("Largest error against the truth over the quantities of each iteration, in ULPs")
    figure.tight_layout()
    return _png(figure)
