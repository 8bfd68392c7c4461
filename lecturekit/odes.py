"""Neural ODEs: a residual (or recurrent) update is one step of Euler's method.

    z_(t+1) = z_t + h f(z_t)        is Euler's method for        dz/dt = f(z).

For a linear f(z) = A z the exact solution is z(t) = exp(t A) z_0, and Euler's step multiplies
each eigen-direction by 1 + h*lambda: the discrete trajectory decays like the true one only when
|1 + h*lambda| < 1 (the stability region, a disc of radius 1 around -1 in the h*lambda plane).
Runge-Kutta 4 multiplies by R(h*lambda) = 1 + w + w^2/2 + w^3/6 + w^4/24, w = h*lambda: a larger
region. A neural ODE takes f = a small network and fits it by back-propagating through the
solver's steps (Chen et al., NeurIPS 2018, use an adjoint method; here plain autograd).

The solvers take numpy arrays or torch tensors and return the same kind, so the same ``rk4``
integrates a known f and trains a network.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Literal

import numpy as np
import torch

from .train import one_thread

__all__ = [
    "euler",
    "rk4",
    "integrate",
    "linear_exact",
    "damped_rotation",
    "amplification",
    "stability_grid",
    "StepExploration",
    "explore_steps",
    "spiral_data",
    "ODEFunc",
    "NeuralODEFit",
    "fit_neural_ode",
]

Method = Literal["euler", "rk4"]
METHODS: tuple[str, ...] = ("euler", "rk4")


def _check_steps(h, steps) -> int:
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"the step size h must be a finite number > 0; got {h}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0; got {steps!r}")
    return int(steps)


def _solve(step, f, z0, h, steps):
    steps = _check_steps(h, steps)
    if isinstance(z0, torch.Tensor):
        zs = [z0]
        for _ in range(steps):
            zs.append(step(f, zs[-1], h))
        return torch.stack(zs)  # (steps + 1, *z0.shape)
    z0 = np.asarray(z0, dtype=float)
    out = np.empty((steps + 1, *z0.shape))
    out[0] = z0
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging solution reaches inf: let it
        for t in range(steps):
            out[t + 1] = step(f, out[t], h)
    return out


def _euler_step(f, z, h):
    return z + h * f(z)


def _rk4_step(f, z, h):
    k1 = f(z)
    k2 = f(z + 0.5 * h * k1)
    k3 = f(z + 0.5 * h * k2)
    k4 = f(z + h * k3)
    return z + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def euler(f: Callable, z0, h: float, steps: int):
    """Euler's method for dz/dt = f(z): z_(t+1) = z_t + h f(z_t), an array (steps + 1, *z0.shape).

    ``f`` maps a state to its derivative (same shape). ``z0`` a numpy array (returns numpy) or a
    torch tensor (returns a tensor that autograd can go through, for a neural ODE; a batch of
    states (B, n) works when f accepts it). Row t approximates z(t * h). A diverging solution
    grows to inf (later rows may be NaN once inf - inf appears); nothing raises.
    """
    return _solve(_euler_step, f, z0, h, steps)


def rk4(f: Callable, z0, h: float, steps: int):
    """The classical Runge-Kutta method (order 4) for dz/dt = f(z); same shapes as :func:`euler`.

        k1 = f(z),  k2 = f(z + h/2 k1),  k3 = f(z + h/2 k2),  k4 = f(z + h k3),
        z_(t+1) = z_t + h/6 (k1 + 2 k2 + 2 k3 + k4).
    """
    return _solve(_rk4_step, f, z0, h, steps)


def integrate(f: Callable, z0, h: float, steps: int, method: Method = "rk4"):
    """:func:`euler` or :func:`rk4` by name."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}")
    return (euler if method == "euler" else rk4)(f, z0, h, steps)


def linear_exact(A, z0, times) -> np.ndarray:
    """The exact solution of dz/dt = A z, z(t) = exp(t A) z_0, at each time: an array (len(times), n).

    Uses ``torch.linalg.matrix_exp`` in float64, one matrix exponential per time (batched).
    """
    A = torch.as_tensor(np.asarray(A, dtype=float))
    z0 = torch.as_tensor(np.asarray(z0, dtype=float))
    if A.ndim != 2 or A.shape[0] != A.shape[1] or z0.shape != (A.shape[0],):
        raise ValueError(f"A must be square (n, n) and z0 of length n; got A {tuple(A.shape)}, z0 {tuple(z0.shape)}")
    t = torch.as_tensor(np.asarray(times, dtype=float)).reshape(-1, 1, 1)
    return (torch.linalg.matrix_exp(t * A) @ z0).numpy()  # (len(times), n, n) @ (n,) -> (len(times), n)


def damped_rotation(decay: float, frequency: float) -> np.ndarray:
    """A = [[decay, -frequency], [frequency, decay]]: eigenvalues decay +- i frequency.

    dz/dt = A z spirals (counter-clockwise) with angular speed ``frequency`` and
    ||z(t)|| = exp(decay * t) ||z_0||: the continuous-time twin of ``scaled_rotation``.
    """
    return np.array([[decay, -frequency], [frequency, decay]], dtype=float)


def amplification(w, method: Method = "euler"):
    """What one step multiplies an eigen-direction by, for w = h * lambda (complex, any shape).

    Euler: 1 + w. RK4: 1 + w + w^2/2 + w^3/6 + w^4/24 (the Taylor series of exp(w) to order 4).
    The step is stable where its modulus is below 1.
    """
    w = np.asarray(w, dtype=complex)
    if method == "euler":
        return 1.0 + w
    if method == "rk4":
        return 1.0 + w + w**2 / 2.0 + w**3 / 6.0 + w**4 / 24.0
    raise ValueError(f"method must be one of {METHODS}; got {method!r}")


def stability_grid(method: Method = "euler", re=(-4.0, 1.0), im=(-3.5, 3.5), resolution: int = 201):
    """|amplification(x + iy)| on a grid: returns ``(x (R,), y (R,), modulus (R, R))``, rows = y."""
    x = np.linspace(*re, resolution)
    y = np.linspace(*im, resolution)
    X, Y = np.meshgrid(x, y)
    return x, y, np.abs(amplification(X + 1j * Y, method))


@dataclass(frozen=True)
class StepExploration:
    """What the step-size dashboard shows for one setting of its sliders."""

    h: float
    method: str
    eigenvalues: np.ndarray  # (2,) complex, of A
    factor: float  # |amplification(h * lambda)|: per-step growth of the discrete solution
    stable: bool  # factor < 1
    times: np.ndarray  # (steps + 1,) t_k = k h
    z_exact: np.ndarray  # (M, 2) exact solution on a fine grid
    t_exact: np.ndarray  # (M,)
    z_steps: np.ndarray  # (steps + 1, 2) Euler / RK4 states (may be huge when diverging)
    log10_norm_exact: np.ndarray  # (M,)
    log10_norm_steps: np.ndarray  # (steps + 1,) finite (computed from the factor where states overflow)
    diverges: bool  # the discrete solution grows while the exact one does not
    verdict: str  # one sentence for the figure's title


#: the step-size dashboard integrates from t = 0 to this time
HORIZON = 12.0


def explore_steps(h: float, decay: float, frequency: float, method: Method = "euler",
                  z0: tuple[float, float] = (1.0, 0.0), horizon: float = HORIZON) -> StepExploration:
    """dz/dt = A z with A = damped_rotation(decay, frequency), solved exactly and with step h."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}")
    steps = max(1, int(np.ceil(horizon / h - 1e-9))) if h > 0 else 0
    A = damped_rotation(decay, frequency)
    z0 = np.asarray(z0, dtype=float)
    z_steps = integrate(lambda z: A @ z, z0, h, steps, method)
    times = h * np.arange(steps + 1)
    t_exact = np.linspace(0.0, times[-1], 400)
    z_exact = linear_exact(A, z0, t_exact)
    eigenvalues = np.linalg.eigvals(A)
    factor = float(np.abs(amplification(h * eigenvalues[0], method)))  # both eigenvalues: same modulus
    # A is normal, so ||z_k|| = factor**k ||z_0|| exactly: finite even where the states overflow
    with np.errstate(divide="ignore"):
        log10_steps = np.log10(np.linalg.norm(z0)) + np.arange(steps + 1) * np.log10(factor) \
            if factor > 0 else np.r_[np.log10(np.linalg.norm(z0)), np.full(steps, -np.inf)]
        log10_exact = np.log10(np.linalg.norm(z0)) + decay * t_exact / np.log(10)
    # diverging: the steps grow without bound although the exact solution does not grow
    diverges = factor > 1 and decay <= 0
    R = "|1 + hλ|" if method == "euler" else "|R(hλ)|"
    if diverges:
        verdict = f"diverges, {R} = {factor:.4g} > 1"
    elif factor > 1:
        verdict = f"grows, as the exact solution does: {R} = {factor:.4g}"
    elif factor < 1:
        verdict = f"stable, {R} = {factor:.4g} < 1"
    else:
        verdict = f"on the edge, {R} = 1"
    return StepExploration(h=float(h), method=method, eigenvalues=eigenvalues, factor=factor, stable=factor < 1,
                           times=times, z_exact=z_exact, t_exact=t_exact, z_steps=z_steps,
                           log10_norm_exact=log10_exact, log10_norm_steps=log10_steps,
                           diverges=bool(diverges), verdict=verdict)


# ----------------------------------------------------------------------------------------------
# A tiny neural ODE


def spiral_data(points: int = 150, horizon: float = 15.0, decay: float = -0.1, frequency: float = 1.0,
                z0: tuple[float, float] = (2.0, 0.0)) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D spiral to fit: ``(times (points + 1,), z (points + 1, 2))``, exact solution of dz/dt = A z."""
    times = np.linspace(0.0, horizon, points + 1)
    return times, linear_exact(damped_rotation(decay, frequency), z0, times)


class ODEFunc(torch.nn.Module):
    """f(z) = W_2 tanh(W_1 z + b_1) + b_2, a one-hidden-layer network: the right-hand side to learn.

    Shapes: z (..., 2) -> (..., 2). Initialised from ``seed`` (like torch.nn.Linear's default
    uniform init), so the module never touches torch's global random state.
    """

    def __init__(self, n: int = 2, hidden: int = 32, seed: int = 0):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)

        def uniform(*shape, fan_in):
            bound = 1.0 / np.sqrt(fan_in)
            return torch.nn.Parameter((torch.rand(*shape, generator=gen) * 2 - 1) * bound)

        self.W1, self.b1 = uniform(hidden, n, fan_in=n), uniform(hidden, fan_in=n)
        self.W2, self.b2 = uniform(n, hidden, fan_in=hidden), uniform(n, fan_in=hidden)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(z @ self.W1.T + self.b1) @ self.W2.T + self.b2  # (..., n) -> (..., hidden) -> (..., n)


@dataclass
class NeuralODEFit:
    """A fitted neural ODE and how training went."""

    func: ODEFunc
    losses: np.ndarray  # (iterations,) mean squared error on the training segments
    seconds: float
    h: float  # the solver's step (= the data's time spacing)
    method: str


def fit_neural_ode(times, z, *, hidden: int = 32, iterations: int = 100, segment: int = 8, batch: int = 16,
                   learning_rate: float = 0.04, method: Method = "rk4", seed: int = 0) -> NeuralODEFit:
    """Fit f so that the solver's steps from each observed z(t_k) reproduce z(t_k+1) ... z(t_k+segment).

    Each iteration draws ``batch`` random start points, integrates ``segment`` steps with the
    fixed-step solver (autograd goes through every step) and takes an Adam step on the mean
    squared error. ``times`` (N + 1,) equally spaced; ``z`` (N + 1, n). Float32; seeded.
    Runs torch on one thread (restored afterwards): for tensors this small, a second thread
    only adds overhead, three times the wall time on a busy 2-core machine.
    """
    times = np.asarray(times, dtype=float)
    h = float(times[1] - times[0])
    if not np.allclose(np.diff(times), h, rtol=1e-6, atol=1e-12):
        raise ValueError("fit_neural_ode needs equally spaced times (a fixed-step solver)")
    data = torch.as_tensor(np.asarray(z), dtype=torch.float32)  # (N + 1, n)
    if segment >= len(data):
        raise ValueError(f"segment ({segment}) must be shorter than the data ({len(data) - 1} steps)")
    func = ODEFunc(n=data.shape[1], hidden=hidden, seed=seed)
    opt = torch.optim.Adam(func.parameters(), lr=learning_rate)
    gen = torch.Generator().manual_seed(seed)
    offsets = torch.arange(segment + 1)
    losses = np.empty(iterations)
    start = time.perf_counter()
    with one_thread():
        for it in range(iterations):
            first = torch.randint(0, len(data) - segment, (batch,), generator=gen)  # (B,)
            target = data[first[None, :] + offsets[:, None]]  # (segment + 1, B, n)
            pred = integrate(func, data[first], h, segment, method)  # (segment + 1, B, n)
            loss = torch.mean((pred - target) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses[it] = loss.item()
    return NeuralODEFit(func=func, losses=losses, seconds=time.perf_counter() - start, h=h, method=method)
