"""One training step of a spec's network, as each contender takes it; each returns (step, parameters).

``step()`` does forward pass, backward pass and update in place; ``parameters()``
returns the current weights and biases as one float64 vector in the documented
order, so the contenders can be checked against each other. vectorized and
autograd are driven through their own classes, as their ``rows`` loop does,
without the trajectory bookkeeping.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from autograd import grad_and_aux

from implementations.autodiff import Autodiff
from implementations.vectorized import Vectorized
from reference.spec import Spec

Stepper = tuple[Callable[[], None], Callable[[], np.ndarray]]


def vectorized(spec: Spec) -> Stepper:
    network = Vectorized(spec, "float64")

    def step() -> None:
        _, out_h, _, out_o = network.forward()
        network.backward(out_h, out_o, with_biases=True)
        network.update()
    return step, lambda: network.theta.copy()


def autograd(spec: Spec) -> Stepper:
    network = Autodiff(spec)
    gradient = grad_and_aux(network.loss_and_outputs)
    theta, n = network.theta.copy(), network.n_trained

    def step() -> None:
        g, _ = gradient(theta)
        theta[:n] -= network.learning_rate * g[:n]
    return step, lambda: theta.copy()


def torch_autograd(spec: Spec) -> Stepper:
    """torch.autograd on the CPU in float64, written as a torch user would; torch must be importable."""
    import torch

    start = Vectorized(spec, "float64")  # the same float64 numbers the other contenders start from
    tensor = lambda array, grad=False: torch.tensor(array, dtype=torch.float64, requires_grad=grad)  # noqa: E731
    X, T = tensor(start.X), tensor(start.T)
    W_h, W_o, b_h, b_o = (tensor(a, grad=True) for a in (start.W_h, start.W_o, start.b_h, start.b_o))
    trained = (W_h, W_o, b_h, b_o)
    scale, rate = float(start.scale), float(start.learning_rate)

    def step() -> None:
        out_h = torch.sigmoid(X @ W_h.T + b_h)
        out_o = torch.sigmoid(out_h @ W_o.T + b_o)
        loss = scale * 0.5 * ((T - out_o) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            for p in trained:
                p -= rate * p.grad
                p.grad = None
    return step, lambda: torch.cat([p.detach().reshape(-1) for p in trained]).numpy().copy()


def agreement(names: list[str], steps: int = 2) -> float:
    """Largest relative difference between the contenders' parameters after a few steps of a small network."""
    from .specs import scaling_spec

    spec = scaling_spec(3, 2)
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
        return None, f"torch not importable ({error})"
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


CONTENDERS: dict[str, Callable[[Spec], Stepper]] = {"vectorized": vectorized, "autograd": autograd,
                                                    "torch": torch_autograd}
