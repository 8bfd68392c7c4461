"""Linear and tanh recurrences, and the gradients that flow back through them.

The lecture's example: a state z_t in the plane, updated by the same matrix W at every step,

    z_t = W z_(t-1)            (linear)      or      z_t = tanh(W z_(t-1))      (tanh)

Back-propagating from z_T to z_t multiplies by the step Jacobians A_s = dz_s/dz_(s-1):

    dz_T/dz_t = A_T A_(T-1) ... A_(t+1),    A_s = W (linear) or diag(1 - z_s**2) W (tanh).

With W = scale * R(theta) every A_s of the linear recurrence scales lengths by exactly `scale`,
so ||dz_T/dz_t|| = scale**(T - t): it explodes for scale > 1, vanishes for scale < 1 and
propagates for scale = 1 (the identity and the rotations).

Products of many Jacobians overflow float64 (2**1100 does); the functions here carry the
norm as a logarithm and report the plain value as ``inf`` (or 0.0) only when it really is
out of range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

#: the recurrences here: linear (None or "linear") or "tanh"
Nonlinearity = Literal["tanh", "linear"] | None

__all__ = [
    "scaled_rotation",
    "rollout",
    "log_state_norms",
    "gradient_norms",
    "log_gradient_norms",
    "log_spectral_norms",
    "regime",
    "saturated_fixed_point",
    "log_backprop_norms",
    "check_recurrence",
    "Nonlinearity",
    "Exploration",
    "explore",
    "LOG_FLOAT_MAX",
    "LOG10_FLOAT_MAX",
]

#: log of the largest float64, about 709.78: exp() of more than this is inf
LOG_FLOAT_MAX = float(np.log(np.finfo(np.float64).max))


def scaled_rotation(scale: float, theta: float) -> np.ndarray:
    """The 2x2 matrix ``scale * R(theta)``, whose eigenvalues are ``scale * exp(+-i theta)``.

    theta = 0 gives ``scale * I`` (the lecture's 2I and I/2); scale = 1 a pure rotation.
    """
    c, s = np.cos(theta), np.sin(theta)
    return float(scale) * np.array([[c, s], [-s, c]])


def check_recurrence(W, z0, steps, nonlinearity) -> tuple[np.ndarray, np.ndarray]:
    """W and z0 as float arrays, or a ``ValueError`` saying what is wrong with W, z0, steps or the nonlinearity."""
    W = np.asarray(W, dtype=float)
    z0 = np.asarray(z0, dtype=float)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be a square matrix (n, n); got shape {W.shape}")
    if z0.shape != (W.shape[0],):
        raise ValueError(f"z0 must be a vector of length {W.shape[0]} to match W; got shape {z0.shape}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0; got {steps!r}")
    if nonlinearity not in (None, "linear", "tanh"):
        raise ValueError(f"nonlinearity must be None, 'linear' or 'tanh'; got {nonlinearity!r}")
    if not (np.isfinite(W).all() and np.isfinite(z0).all()):
        raise ValueError("W and z0 must be finite")
    return W, z0


def _scaled_rollout(W, z0, steps, nonlinearity):
    """Directions u_t (unit vectors, or 0) and log-norms l_t with z_t = exp(l_t) u_t."""
    n = W.shape[0]
    if nonlinearity == "tanh":
        # tanh keeps the state inside [-1, 1]^n: no overflow, work with plain values
        z = np.empty((steps + 1, n))
        z[0] = z0
        for t in range(1, steps + 1):
            z[t] = np.tanh(W @ z[t - 1])
        norms = np.sqrt((z * z).sum(axis=1))  # (steps + 1,)
        with np.errstate(divide="ignore"):
            logs = np.log(norms)
        dirs = np.divide(z, norms[:, None], out=np.zeros_like(z), where=norms[:, None] > 0)
        return dirs, logs
    dirs = np.zeros((steps + 1, n))
    logs = np.full(steps + 1, -np.inf)
    norm = math.sqrt(z0 @ z0)
    if norm == 0:
        return dirs, logs
    u, log_norm = z0 / norm, math.log(norm)
    dirs[0], logs[0] = u, log_norm
    for t in range(1, steps + 1):
        v = W @ u  # (n,): one step of the unit direction
        norm = math.sqrt(v @ v)
        if norm == 0:
            break  # the state is exactly 0 from here on
        u, log_norm = v / norm, log_norm + math.log(norm)
        dirs[t], logs[t] = u, log_norm
    return dirs, logs


def rollout(W, z0, steps: int, nonlinearity: Nonlinearity = None) -> np.ndarray:
    """The states z_0 ... z_steps of ``z_t = W z_(t-1)`` (or ``tanh(W z_(t-1))``).

    Parameters: W (n, n); z0 (n,); steps >= 0; nonlinearity None (linear) or "tanh".
    Returns an array (steps + 1, n) with row t = z_t. Entries beyond float64's range are
    +-inf (never NaN); use :func:`log_state_norms` to see how large they are.
    """
    W, z0 = check_recurrence(W, z0, steps, nonlinearity)
    return _from_scaled(*_scaled_rollout(W, z0, int(steps), nonlinearity))


def _from_scaled(dirs: np.ndarray, logs: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        scale = np.exp(logs)[:, None]  # inf where the norm overflows
        return np.where(dirs == 0, 0.0, scale * dirs)


def log_state_norms(W, z0, steps: int, nonlinearity: Nonlinearity = None) -> np.ndarray:
    """Natural log of ||z_t|| for t = 0..steps (-inf where z_t = 0); finite even where z_t overflows."""
    W, z0 = check_recurrence(W, z0, steps, nonlinearity)
    return _scaled_rollout(W, z0, int(steps), nonlinearity)[1]


def log_gradient_norms(W, z0, steps: int, nonlinearity: Nonlinearity = None) -> np.ndarray:
    """Natural log of the spectral norm of dz_steps/dz_t, for t = 0..steps (the last entry is 0).

    Computed backwards, G_steps = I and G_t = G_(t+1) A_(t+1), renormalising G at every step
    and adding the log of the factor, so the result is finite whatever the product's size
    (-inf only where a Jacobian is exactly singular).
    """
    W, z0 = check_recurrence(W, z0, steps, nonlinearity)
    return _log_gradient_norms(W, z0, int(steps), nonlinearity)


def log_spectral_norms(jacobians) -> np.ndarray:
    """Natural log of the spectral norm of dz_T/dz_t = A_T ... A_(t+1), for t = 0..T (last entry 0).

    ``jacobians`` (T, n, n) holds A_1 ... A_T. The running product is renormalised at every step
    (by its Frobenius norm: cheap) and its log-scale accumulated; the spectral norms of the unit
    products are then taken all at once. So the result is finite whatever its size (-inf only
    where the product is exactly singular). :func:`log_gradient_norms` calls it with
    A_s = W (linear) or diag(1 - z_s^2) W (tanh); the leaky recurrence of notebook 03 with its own.
    """
    jac = np.asarray(jacobians, dtype=float)
    T, n = jac.shape[0], jac.shape[1]
    unit = np.zeros((T + 1, n, n))  # dz_T/dz_t divided by exp(log_scale[t])
    log_scale = np.zeros(T + 1)
    unit[T] = np.eye(n)
    G, log_g = np.eye(n), 0.0
    for t in range(T - 1, -1, -1):
        G = G @ jac[t]  # jac[t] is A_(t+1) = dz_(t+1)/dz_t
        size = math.sqrt((G * G).sum())  # Frobenius norm: within sqrt(n) of the spectral norm
        if size == 0:
            log_scale[: t + 1] = -np.inf
            break
        G, log_g = G / size, log_g + math.log(size)
        unit[t], log_scale[t] = G, log_g
    with np.errstate(divide="ignore"):
        return log_scale + np.log(np.linalg.norm(unit, 2, axis=(1, 2)))  # batched spectral norms


def log_backprop_norms(W, z, grad_T, nonlinearity: Nonlinearity = None) -> np.ndarray:
    """Natural log of ||dC/dz_t|| for t = 0..T in the RNN z_t = W z_(t-1) (or tanh(W z_(t-1))).

        dC/dz_(t-1) = dC/dz_t A_t,   A_t = W (linear) or diag(1 - z_t^2) W (tanh).

    W (n, n); z (T + 1, n) the states (only used for tanh); grad_T (n,) is dC/dz_T. This is
    what back-propagation carries: one row vector, O(n^2) per step, no (n, n) product. The
    vector is renormalised at each step, so the result is finite whatever its size (-inf once
    it is exactly 0).
    """
    W, z = np.asarray(W, dtype=float), np.asarray(z, dtype=float)
    g = np.asarray(grad_T, dtype=float)
    T = z.shape[0] - 1
    slopes = (1.0 - z[1:] ** 2) if nonlinearity == "tanh" else np.ones_like(z[1:])  # (T, n)
    out = np.full(T + 1, -np.inf)
    norm = np.linalg.norm(g)
    if norm == 0:
        return out
    g, out[T] = g / norm, np.log(norm)
    for t in range(T, 0, -1):
        g = (g * slopes[t - 1]) @ W  # dC/dz_(t-1) = dC/dz_t diag(slope_t) W, (n,)
        norm = np.linalg.norm(g)
        if norm == 0:
            break
        g, out[t - 1] = g / norm, out[t] + np.log(norm)
    return out


def _log_gradient_norms(W, z0, steps, nonlinearity, states=None):
    n = W.shape[0]
    if nonlinearity == "tanh":
        z = rollout(W, z0, steps, "tanh") if states is None else states
        jacobians = (1.0 - z[1:] ** 2)[:, :, None] * W[None]  # (steps, n, n): A_s = diag(1 - z_s^2) W
    else:
        jacobians = np.broadcast_to(W, (steps, n, n))
    return log_spectral_norms(jacobians)


def gradient_norms(W, z0, steps: int, nonlinearity: Nonlinearity = None) -> np.ndarray:
    """Spectral norm of dz_steps/dz_t for t = 0..steps, an array (steps + 1,) whose last entry is 1.

    Where the true value exceeds float64 (2I over 2000 steps: 2**2000) the entry is ``inf``;
    where it is below the smallest float it is 0.0. Never NaN.

    >>> gradient_norms(scaled_rotation(0.5, 0.3), [1.0, 0.0], 3)
    array([0.125, 0.25 , 0.5  , 1.   ])
    """
    with np.errstate(over="ignore"):
        return np.exp(log_gradient_norms(W, z0, steps, nonlinearity))


def regime(log_norm_first: float, *, factor: float = 100.0) -> str:
    """'exploding', 'vanishing' or 'propagating': has ||dz_T/dz_0|| grown or shrunk by more than ``factor``?"""
    if log_norm_first > np.log(factor):
        return "exploding"
    if log_norm_first < -np.log(factor):
        return "vanishing"
    return "propagating"


def saturated_fixed_point(scale: float) -> float:
    """The positive fixed point z* = tanh(scale * z*) of the scalar recurrence, for scale > 1.

    At that point one step multiplies a gradient by scale * (1 - z*^2), which is below 1
    although scale is above 1: tanh saturates, and the gradient vanishes.
    Solved by Newton's method on f(z) = z - tanh(scale z), from z = 1.
    """
    if scale <= 1:
        raise ValueError(f"a positive fixed point exists only for scale > 1; got {scale}")
    z = 1.0
    for _ in range(100):
        t = math.tanh(scale * z)
        step = (z - t) / (1.0 - scale * (1.0 - t * t))  # f / f'
        z -= step
        if abs(step) < 1e-15:
            break
    return z


@dataclass(frozen=True)
class Exploration:
    """Everything the eigenvalue explorer shows for one setting of its sliders."""

    W: np.ndarray  # (2, 2) the recurrence matrix
    eigenvalues: np.ndarray  # (2,) complex
    z: np.ndarray  # (T + 1, 2) the states; +-inf where they overflow float64
    log10_state_norms: np.ndarray  # (T + 1,) log10 ||z_t||, finite even where z_t overflows
    log10_gradient_norms: np.ndarray  # (T + 1,) log10 ||dz_T/dz_t||
    regime: str  # 'exploding', 'vanishing' or 'propagating'
    first_overflow: int | None  # first t whose ||z_t|| exceeds float64, if any
    first_zero: int | None  # first t with z_t = 0 exactly (log10 ||z_t|| = -inf), if any

    def path(self, steps: int) -> np.ndarray:
        """z_0 ... z_steps divided by the largest ||z_t|| among them, (steps + 1, 2) (fewer rows if T
        is smaller): the shape of the trajectory, whatever its size (states that are all 0 stay 0)."""
        z = self.z[: steps + 1]
        reach = float(np.linalg.norm(z, axis=1).max())
        return z / reach if reach > 0 else z


#: log10 of the largest float64, about 308.25
LOG10_FLOAT_MAX = LOG_FLOAT_MAX / np.log(10)


def explore(scale: float, angle: float, steps: int, nonlinearity: str = "linear",
            z0: tuple[float, float] = (1.0, 0.5)) -> Exploration:
    """The eigenvalue explorer's computation: W = scale * R(angle in degrees), rolled out ``steps`` times."""
    if scale < 0:
        raise ValueError(f"scale is the eigenvalues' modulus and must be >= 0; got {scale}")
    nl = None if nonlinearity == "linear" else nonlinearity
    W = scaled_rotation(scale, np.deg2rad(angle))
    W, z0 = check_recurrence(W, z0, steps, nl)
    dirs, logs = _scaled_rollout(W, z0, int(steps), nl)
    z = _from_scaled(dirs, logs)
    log_z = logs / np.log(10)
    log_g = _log_gradient_norms(W, z0, int(steps), nl, states=z) / np.log(10)
    over = np.nonzero(log_z > LOG10_FLOAT_MAX)[0]
    zero = np.nonzero(np.isneginf(log_z))[0]
    return Exploration(
        W=W,
        eigenvalues=np.linalg.eigvals(W),
        z=z,
        log10_state_norms=log_z,
        log10_gradient_norms=log_g,
        regime=regime(log_g[0] * np.log(10)),
        first_overflow=int(over[0]) if over.size else None,
        first_zero=int(zero[0]) if zero.size else None,
    )
