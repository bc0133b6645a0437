"""One training step of a spec's network, as each contender takes it; each returns (step, parameters).

``step()`` does the forward pass, the backward pass and the update in place;
``parameters()`` returns the current weights and biases as one float64 vector
in the documented order (weights layer by layer, row by row, then biases), so
the contenders can be checked against each other. vectorized and autograd are
driven through their own classes, as their ``rows`` loop does, without the
trajectory's bookkeeping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...implementations.autodiff import Autodiff
from ...implementations.vectorized import Vectorized
from ...reference.spec import Spec

Stepper = tuple[Callable[[], None], Callable[[], np.ndarray]]


def vectorized(spec: Spec) -> Stepper:
    network = Vectorized(spec, "float64")

    def step() -> None:
        nets, outs = network.forward()
        network.backward(nets, outs, with_biases=True)
        network.update()
    return step, lambda: network.theta.copy()


def autograd(spec: Spec) -> Stepper:
    network = Autodiff(spec)
    state, n = network.optimizer_state(), network.n_trained

    def step() -> None:
        _, _, gradient = network.gradient()
        network.update(gradient[:n], state)
    return step, lambda: network.theta.copy()


def torch_autograd(spec: Spec) -> Stepper:
    """torch.autograd on the CPU in float64, written as a torch user would (sigmoid layers, half squared error)."""
    import torch

    start = Vectorized(spec, "float64")  # the same float64 numbers the other contenders start from

    def tensor(array: np.ndarray, grad: bool = False) -> Any:
        return torch.tensor(array, dtype=torch.float64, requires_grad=grad)

    X, T = tensor(start.X), tensor(start.T)
    weights = [tensor(W, grad=True) for W in start.W]
    biases = [tensor(b, grad=True) for b in start.b]
    trained = weights + biases
    scale, rate = float(start.scale), float(start.learning_rate)

    def step() -> None:
        out = X
        for W, b in zip(weights, biases, strict=True):
            out = torch.sigmoid(out @ W.T + b)
        loss = scale * 0.5 * ((T - out) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            for p in trained:
                p -= rate * p.grad
                p.grad = None
    return step, lambda: torch.cat([p.detach().reshape(-1) for p in trained]).numpy().copy()


CONTENDERS: dict[str, Callable[[Spec], Stepper]] = {"vectorized": vectorized, "autograd": autograd,
                                                    "torch": torch_autograd}


def agreement(names: list[str], spec: Spec, steps: int = 2) -> float:
    """Largest relative difference between the contenders' parameters after a few steps of ``spec``'s network."""
    start = np.array([float(v) for v in spec.weights + spec.biases])
    after = []
    for name in names:
        step, parameters = CONTENDERS[name](spec)
        for _ in range(steps):
            step()
        after.append(parameters())
    if np.allclose(after[0], start):
        raise AssertionError(f"{names[0]} did not change the parameters")
    return max(float(np.max(np.abs(a - after[0]) / np.abs(after[0]))) for a in after)


def torch_version() -> tuple[str | None, str]:
    """torch's version and thread count when importable, else None and why not."""
    try:
        import torch
    except ImportError as error:
        return None, f"torch not importable ({error}; pip install torch==2.13.0)"
    return torch.__version__, f"torch {torch.__version__}, {torch.get_num_threads()} threads"


def limit_threads(threads: int) -> object:
    """Cap NumPy's BLAS and torch at ``threads`` threads; keep the returned limiter alive while measuring."""
    from threadpoolctl import threadpool_limits

    limiter = threadpool_limits(limits=threads)
    try:
        import torch
    except ImportError:
        return limiter
    torch.set_num_threads(threads)
    return limiter
