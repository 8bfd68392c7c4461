"""RNN tricks (Pascanu, Mikolov & Bengio, ICML 2013): clipping, leaky integration, initialisation,
the gradient-propagation regulariser and the LSTM self-loop.

Every trick acts on the same quantity as the lecture's 2x2 example: the back-propagated gradient

    dC/dz_t = dC/dz_T  A_T A_(T-1) ... A_(t+1),      A_s = dz_s/dz_(s-1),

which explodes or vanishes with the eigenvalues of the step Jacobians A_s.

- Clipping (Algorithm 1) caps the length of the gradient that reaches the parameters.
- Leaky integration, z_t = (1 - alpha) z_(t-1) + alpha tanh(W z_(t-1)), moves every eigenvalue
  lambda of W to 1 - alpha + alpha * lambda, towards 1.
- Orthogonal initialisation puts every eigenvalue of W on the circle of radius ``gain``.
- The regulariser of Pascanu et al. penalises each step for changing the gradient's norm.
- The LSTM cell c_t = f_t * c_(t-1) + i_t * g_t passes the gradient with factor f_t (1 if f_t = 1).

Products of many Jacobians overflow float64, so norms are carried as logarithms (as in
:mod:`lecturekit.recurrence`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, Sequence

import numpy as np
import torch

__all__ = [
    "clip_factor",
    "clip_by_norm",
    "CliffSetting",
    "CLIFF",
    "cliff_final_state",
    "cliff_loss_and_gradient",
    "cliff_surface",
    "Descent",
    "cliff_descent",
    "leaky_matrix",
    "leaky_rollout",
    "leaky_jacobians",
    "log_spectral_norms",
    "log_backprop_norms",
    "LeakyExploration",
    "explore_leaky",
    "init_recurrent",
    "InitComparison",
    "compare_inits",
    "propagation_regularizer",
    "self_loop_gradient",
]

Nonlinearity = Literal["tanh", "linear"] | None

# ----------------------------------------------------------------------------------------------
# Gradient clipping


def clip_factor(norm, threshold):
    """Algorithm 1's factor: ``min(1, threshold / norm)`` (1 for a zero gradient). Works elementwise."""
    with np.errstate(divide="ignore"):
        return np.minimum(1.0, threshold / np.asarray(norm, dtype=float))


def clip_by_norm(g, threshold: float):
    """Gradient clipping, Pascanu et al. 2013, Algorithm 1: if ||g|| > threshold, g <- threshold * g / ||g||.

    ``g`` is a numpy array, a torch tensor, or a list/tuple of them (then ||g|| is the norm of
    all of them together, as ``torch.nn.utils.clip_grad_norm_`` computes it). Returns a new
    array / tensor / list of the same kind and shapes; ``g`` itself is not changed. The direction
    of g is kept, only its length is capped. ``threshold <= 0`` (or NaN) is a ``ValueError``.

    Departure from torch: ``clip_grad_norm_`` multiplies by ``threshold / (||g|| + 1e-6)``, so
    its result is shorter than ``threshold`` by a relative 1e-6 / ||g||; here the length is
    exactly ``threshold``. Torch also clips in place; this function does not.
    """
    if not float(threshold) > 0:  # also catches NaN
        raise ValueError(f"the clipping threshold must be > 0; got {threshold}")
    parts = list(g) if isinstance(g, (list, tuple)) else [g]
    if not parts:
        raise ValueError("nothing to clip: g is an empty list")
    squares = 0.0
    for part in parts:
        if isinstance(part, torch.Tensor):
            squares += float(torch.sum(part.detach().double() ** 2))
        else:
            squares += float(np.sum(np.asarray(part, dtype=float) ** 2))
    factor = float(clip_factor(np.sqrt(squares), threshold))
    out = [part * factor if isinstance(part, torch.Tensor) else np.asarray(part, dtype=float) * factor
           for part in parts]
    return out if isinstance(g, (list, tuple)) else out[0]


# ----------------------------------------------------------------------------------------------
# A cliff: the one-unit tanh RNN of Pascanu et al. (their Fig. 6 and 7)


@dataclass(frozen=True)
class CliffSetting:
    """A tanh RNN with one unit, z_t = tanh(w z_(t-1) + b), trained so that z_T hits a target.

    With w > 1 the recurrence has two stable fixed points; where (w, b) crosses from one basin
    to the other, z_T jumps: the loss has a wall (a "cliff") where the gradient is huge.
    """

    z0: float = 0.5  # the initial state z_0
    target: float = -0.8  # the wanted final state; the loss is (z_T - target)^2
    steps: int = 30  # T, the number of recurrent steps
    start: tuple[float, float] = (2.0, 0.1)  # (w, b) where gradient descent starts
    learning_rate: float = 0.2  # plain gradient descent, no momentum
    iterations: int = 150  # gradient-descent steps


#: the setting of the notebook's clipping demo: without clipping the loss jumps back up near
#: step 20 and stays there; with a threshold around 1 it converges (tests/test_tricks.py checks both)
CLIFF = CliffSetting()


def cliff_final_state(w, b, setting: CliffSetting = CLIFF) -> np.ndarray:
    """z_T of z_t = tanh(w z_(t-1) + b) from z_0 = setting.z0; ``w`` and ``b`` broadcast (any shape)."""
    w, b = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(b, dtype=float))
    z = np.full(w.shape, setting.z0)
    for _ in range(setting.steps):
        z = np.tanh(w * z + b)
    return z


def cliff_loss_and_gradient(w, b, setting: CliffSetting = CLIFF):
    """The loss L = (z_T - target)^2 and its gradient (dL/dw, dL/db), by back-propagation through time.

    ``w`` and ``b`` broadcast; returns three arrays of their common shape. Backward pass, with
    a_t = w z_(t-1) + b and delta_t = dL/da_t:

        delta_T = 2 (z_T - target)(1 - z_T^2),   delta_t = delta_(t+1) w (1 - z_t^2),
        dL/dw = sum_t delta_t z_(t-1),           dL/db = sum_t delta_t.
    """
    w, b = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(b, dtype=float))
    zs = [np.full(w.shape, setting.z0)]
    for _ in range(setting.steps):
        zs.append(np.tanh(w * zs[-1] + b))
    loss = (zs[-1] - setting.target) ** 2
    dz = 2.0 * (zs[-1] - setting.target)  # dL/dz_t, starting at t = T
    dw, db = np.zeros(w.shape), np.zeros(w.shape)
    for t in range(setting.steps, 0, -1):
        delta = dz * (1.0 - zs[t] ** 2)  # dL/da_t
        dw += delta * zs[t - 1]
        db += delta
        dz = delta * w  # dL/dz_(t-1)
    return loss, dw, db


def cliff_surface(ws, bs, setting: CliffSetting = CLIFF) -> np.ndarray:
    """log10 of the loss on the grid ``ws`` x ``bs``: an array (len(bs), len(ws)), rows = b."""
    W, B = np.meshgrid(np.asarray(ws, dtype=float), np.asarray(bs, dtype=float))
    loss = (cliff_final_state(W, B, setting) - setting.target) ** 2
    return np.log10(np.maximum(loss, 1e-300))


@dataclass(frozen=True)
class Descent:
    """Gradient descent on the cliff, one run per threshold (column k uses ``thresholds[k]``)."""

    thresholds: np.ndarray  # (K,), inf = no clipping
    w: np.ndarray  # (iterations + 1, K) parameter w before each step (and after the last)
    b: np.ndarray  # (iterations + 1, K)
    loss: np.ndarray  # (iterations + 1, K) loss at (w, b)
    grad_norm: np.ndarray  # (iterations, K) ||(dL/dw, dL/db)|| before clipping
    clipped: np.ndarray  # (iterations, K) bool: did Algorithm 1 shorten this step?

    def pick(self, *thresholds: float) -> "Descent":
        """The runs whose thresholds are closest (in log) to ``thresholds``, in that order (inf picks inf)."""
        logs = np.log10(self.thresholds)
        idx = [int(np.argmin(np.abs(logs - np.log10(t)))) if np.isfinite(t) else int(np.argmax(logs))
               for t in thresholds]
        return Descent(thresholds=self.thresholds[idx], w=self.w[:, idx], b=self.b[:, idx],
                       loss=self.loss[:, idx], grad_norm=self.grad_norm[:, idx], clipped=self.clipped[:, idx])


def cliff_descent(thresholds: Sequence[float], setting: CliffSetting = CLIFF) -> Descent:
    """Plain gradient descent on the one-unit RNN, with Algorithm 1's clipping at each threshold.

    (w, b) <- (w, b) - lr * clip_factor(||g||, threshold) * g,  g = (dL/dw, dL/db).

    All thresholds run side by side (vectorised over the K columns); ``np.inf`` means no clipping.
    """
    thr = np.atleast_1d(np.asarray(thresholds, dtype=float))
    if thr.ndim != 1 or not (thr > 0).all():
        raise ValueError(f"thresholds must be a list of numbers > 0 (inf for no clipping); got {thresholds!r}")
    K, n = thr.size, setting.iterations
    w, b = np.empty((n + 1, K)), np.empty((n + 1, K))
    loss, norm = np.empty((n + 1, K)), np.empty((n, K))
    w[0], b[0] = setting.start
    for i in range(n + 1):
        loss[i], dw, db = cliff_loss_and_gradient(w[i], b[i], setting)
        if i == n:
            break
        norm[i] = np.hypot(dw, db)
        step = setting.learning_rate * clip_factor(norm[i], thr)
        w[i + 1], b[i + 1] = w[i] - step * dw, b[i] - step * db
    return Descent(thresholds=thr, w=w, b=b, loss=loss, grad_norm=norm, clipped=norm > thr)


# ----------------------------------------------------------------------------------------------
# Leaky integration


def _check_alpha(alpha: float) -> float:
    alpha = float(alpha)
    if not 0.0 < alpha <= 1.0:
        raise ValueError(f"alpha must be in (0, 1] (alpha = 1 is the plain RNN); got {alpha}")
    return alpha


def leaky_matrix(W, alpha: float) -> np.ndarray:
    """(1 - alpha) I + alpha W: the linear leaky step. Its eigenvalues are 1 - alpha + alpha * lambda(W)."""
    alpha = _check_alpha(alpha)
    W = np.asarray(W, dtype=float)
    return (1.0 - alpha) * np.eye(W.shape[0]) + alpha * W


def leaky_rollout(W, z0, steps: int, alpha: float, nonlinearity: Nonlinearity = "tanh") -> np.ndarray:
    """States of the leaky-integration RNN, an array (steps + 1, n) with row t = z_t.

        z_t = (1 - alpha) z_(t-1) + alpha * tanh(W z_(t-1))      (nonlinearity="tanh")
        z_t = (1 - alpha) z_(t-1) + alpha * W z_(t-1)            (None or "linear")

    W (n, n), z0 (n,), 0 < alpha <= 1 (alpha = 1 gives :func:`lecturekit.recurrence.rollout`).
    The lecture's input term U x_t is left out, as in the 2x2 example. The linear case is
    ``rollout(leaky_matrix(W, alpha), ...)``: values beyond float64 are +-inf, never NaN.
    """
    alpha = _check_alpha(alpha)
    nl = None if nonlinearity == "linear" else nonlinearity
    W, z0 = _check_recurrence(W, z0, steps, nl)
    if nl is None:
        return rollout(leaky_matrix(W, alpha), z0, steps)
    z = np.empty((int(steps) + 1, W.shape[0]))
    z[0] = z0
    for t in range(1, int(steps) + 1):
        z[t] = (1.0 - alpha) * z[t - 1] + alpha * np.tanh(W @ z[t - 1])
    return z


def leaky_jacobians(W, z, alpha: float, nonlinearity: Nonlinearity = "tanh") -> np.ndarray:
    """The step Jacobians A_t = dz_t/dz_(t-1) along states ``z`` (T + 1, n): an array (T, n, n).

        A_t = (1 - alpha) I + alpha * diag(1 - tanh^2(W z_(t-1))) W      (tanh)
        A_t = (1 - alpha) I + alpha * W                                  (linear)
    """
    alpha = _check_alpha(alpha)
    W, z = np.asarray(W, dtype=float), np.asarray(z, dtype=float)
    n, T = W.shape[0], z.shape[0] - 1
    if nonlinearity in (None, "linear"):
        return np.broadcast_to(leaky_matrix(W, alpha), (T, n, n))
    slope = 1.0 - np.tanh(z[:-1] @ W.T) ** 2  # (T, n): tanh'(W z_(t-1))
    return (1.0 - alpha) * np.eye(n) + alpha * slope[:, :, None] * W  # (T, n, n)


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


#: the leaky-integration figure calls the gradient "arrived" while it is above this size
REACH_LEVEL = 1e-3


@dataclass(frozen=True)
class LeakyExploration:
    """What the leaky-integration dashboard shows for one setting of its sliders."""

    alpha: float
    eigenvalues: np.ndarray  # (2,) complex, of W
    effective: np.ndarray  # (2,) complex, 1 - alpha + alpha * eigenvalues
    z_plain: np.ndarray  # (T + 1, 2) states of the plain RNN (alpha = 1)
    z_leaky: np.ndarray  # (T + 1, 2) states of the leaky RNN
    log10_grad_plain: np.ndarray  # (T + 1,) log10 ||dz_T/dz_t||, alpha = 1
    log10_grad_leaky: np.ndarray  # (T + 1,) the same with leaky integration
    reach_plain: int  # how many steps back ||dz_T/dz_t|| stays above REACH_LEVEL
    reach_leaky: int
    regime: str  # 'exploding', 'vanishing' or 'propagating', of the leaky RNN


def _reach(log10_grad: np.ndarray) -> int:
    """The number of steps k = T - t for which ||dz_T/dz_t|| >= REACH_LEVEL, counted back from T."""
    below = np.nonzero(log10_grad[::-1] < np.log10(REACH_LEVEL))[0]
    return int(below[0]) - 1 if below.size else len(log10_grad) - 1


def explore_leaky(alpha: float, scale: float, angle: float, steps: int, nonlinearity: str = "tanh",
                  z0: tuple[float, float] = (1.0, 0.0)) -> LeakyExploration:
    """The leaky-integration dashboard's computation, W = scale * R(angle in degrees)."""
    alpha = _check_alpha(alpha)
    if scale < 0:
        raise ValueError(f"scale is the eigenvalues' modulus and must be >= 0; got {scale}")
    W = scaled_rotation(scale, np.deg2rad(angle))
    runs = []
    for a in (1.0, alpha):
        z = leaky_rollout(W, z0, steps, a, nonlinearity)
        log_g = log_spectral_norms(leaky_jacobians(W, z, a, nonlinearity))
        runs.append((z, log_g / np.log(10)))
    (z_plain, g_plain), (z_leaky, g_leaky) = runs
    eigenvalues = np.linalg.eigvals(W)
    return LeakyExploration(
        alpha=alpha, eigenvalues=eigenvalues, effective=1.0 - alpha + alpha * eigenvalues,
        z_plain=z_plain, z_leaky=z_leaky, log10_grad_plain=g_plain, log10_grad_leaky=g_leaky,
        reach_plain=_reach(g_plain), reach_leaky=_reach(g_leaky), regime=regime(g_leaky[0] * np.log(10)),
    )


# ----------------------------------------------------------------------------------------------
# Initialisation

InitKind = Literal["gaussian", "orthogonal", "identity"]
INIT_KINDS: tuple[str, ...] = ("gaussian", "orthogonal", "identity")


def init_recurrent(kind: InitKind, n: int, gain: float = 1.0,
                   rng: np.random.Generator | int | None = 0) -> np.ndarray:
    """A recurrent matrix W (n, n) for one of three initialisations, scaled by ``gain``.

    - "gaussian": W_ij ~ N(0, gain^2 / n). Circular law: for large n its eigenvalues fill the
      disc of radius ``gain`` uniformly (but W is not normal: ||W||_2 is about 2 * gain).
    - "orthogonal": gain * Q, Q from the QR decomposition of a Gaussian matrix, signs fixed so
      that Q is uniformly distributed (as ``torch.nn.init.orthogonal_``). Every eigenvalue has
      modulus ``gain`` exactly, and ||W z|| = gain ||z|| for every z.
    - "identity": gain * I (Le, Jaitly & Hinton 2015, "IRNN"), every eigenvalue equal to gain.
    """
    if kind not in INIT_KINDS:
        raise ValueError(f"kind must be one of {INIT_KINDS}; got {kind!r}")
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a whole number >= 1; got {n!r}")
    if not gain >= 0:
        raise ValueError(f"gain must be >= 0; got {gain}")
    n = int(n)
    if kind == "identity":
        return gain * np.eye(n)
    rng = np.random.default_rng(rng)
    A = rng.normal(size=(n, n))
    if kind == "gaussian":
        return gain / np.sqrt(n) * A
    Q, R = np.linalg.qr(A)
    return gain * Q * np.sign(np.diag(R))  # column j times sign(R_jj): uniform (Haar) Q


@dataclass(frozen=True)
class InitComparison:
    """What the initialisation dashboard shows: one entry per kind, in INIT_KINDS order."""

    gain: float
    kinds: tuple[str, ...]
    eigenvalues: tuple[np.ndarray, ...]  # each (n,) complex
    log10_grad: tuple[np.ndarray, ...]  # each (T + 1,): log10 ||dC/dz_t||, C = u . z_T


def _base_matrices(n: int, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """gain-1 matrices and their eigenvalues: eigenvalues of gain * W are gain * eigenvalues of W."""
    key = (n, seed)
    if key not in _BASE_CACHE:
        mats = {k: init_recurrent(k, n, 1.0, seed) for k in INIT_KINDS}
        _BASE_CACHE[key] = {k: (W, np.linalg.eigvals(W)) for k, W in mats.items()}
    return _BASE_CACHE[key]


_BASE_CACHE: dict[tuple[int, int], dict[str, tuple[np.ndarray, np.ndarray]]] = {}


def compare_inits(gain: float, steps: int, nonlinearity: str = "linear", n: int = 100,
                  seed: int = 0) -> InitComparison:
    """Gaussian, orthogonal and identity W at the same gain: eigenvalues and gradients through time.

    The RNN is z_t = W z_(t-1) (or tanh(W z_(t-1))) from a random z_0 with ||z_0|| = 1; the
    gradient is that of C = u . z_T for a random unit vector u, back-propagated to every z_t.
    """
    if not gain >= 0:
        raise ValueError(f"gain must be >= 0; got {gain}")
    rng = np.random.default_rng(seed + 1)
    z0 = rng.normal(size=n)
    z0 /= np.linalg.norm(z0)
    u = rng.normal(size=n)
    u /= np.linalg.norm(u)
    eigs, grads = [], []
    for kind, (W1, ev1) in _base_matrices(n, seed).items():
        W = gain * W1
        z = rollout(W, z0, steps, "tanh") if nonlinearity == "tanh" else np.zeros((steps + 1, n))
        eigs.append(gain * ev1)
        grads.append(log_backprop_norms(W, z, u, nonlinearity) / np.log(10))
    return InitComparison(gain=float(gain), kinds=INIT_KINDS, eigenvalues=tuple(eigs), log10_grad=tuple(grads))


# ----------------------------------------------------------------------------------------------
# The gradient-propagation regulariser


@dataclass(frozen=True)
class Regularizer:
    """Omega = sum_k Omega_k, and the per-step ratios it is made of."""

    omega: float
    ratios: np.ndarray = field(repr=False)  # (T,) ratio_k = ||dC/dz_(k+1) A_(k+1)|| / ||dC/dz_(k+1)||, k = 0..T-1


def propagation_regularizer(W, z0, steps: int, nonlinearity: Nonlinearity = None, grad_T=None) -> Regularizer:
    """Pascanu et al.'s gradient-propagation regulariser for the RNN z_t = W z_(t-1) (or tanh(W z_(t-1))).

        Omega = sum_k ( ||dC/dz_(k+1) dz_(k+1)/dz_k|| / ||dC/dz_(k+1)|| - 1 )^2

    Each term is zero when step k+1 keeps the back-propagated gradient's norm, so minimising
    Omega pushes against vanishing. ``grad_T`` (n,) is dC/dz_T (default: the first unit
    vector); for W = scale * R(theta), linear, every ratio is ``scale`` and Omega = T (scale - 1)^2.
    The paper sums over the losses at every step and treats dC/dz_(k+1) as a constant when
    differentiating Omega; here there is one loss, at step T, and Omega is only evaluated.
    """
    nl = None if nonlinearity == "linear" else nonlinearity
    W, z0 = _check_recurrence(W, z0, steps, nl)
    if steps < 1:
        raise ValueError("the regulariser needs at least one step")
    n = W.shape[0]
    g = np.eye(n)[0] if grad_T is None else np.asarray(grad_T, dtype=float)
    z = rollout(W, z0, steps, "tanh") if nl == "tanh" else np.zeros((steps + 1, n))
    log_norms = log_backprop_norms(W, z, g, nl)  # (T + 1,)
    with np.errstate(invalid="ignore"):
        ratios = np.exp(log_norms[:-1] - log_norms[1:])  # ||g_k|| / ||g_(k+1)||
    ratios = np.nan_to_num(ratios, nan=0.0)  # after an exactly-zero gradient, nothing passes
    return Regularizer(omega=float(np.sum((ratios - 1.0) ** 2)), ratios=ratios)


# ----------------------------------------------------------------------------------------------
# The LSTM self-loop


def self_loop_gradient(steps: int, forget_gate: float = 1.0, n: int = 4, seed: int = 0) -> np.ndarray:
    """dc_T/dc_0 through the LSTM's cell update c_t = f * c_(t-1) + i_t * g_t, by autograd, an array (n,).

    The candidate i_t * g_t does not depend on c_(t-1) (in an LSTM it depends on h_(t-1); here
    it is random and fixed), so each step multiplies the gradient by f: dc_T/dc_0 = f^T exactly,
    1 for f = 1 however long the sequence. (The Jacobian is diagonal; its diagonal is returned.)
    """
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0; got {steps!r}")
    gen = torch.Generator().manual_seed(seed)
    update = torch.sigmoid(torch.randn(int(steps), n, generator=gen, dtype=torch.float64)) * \
        torch.tanh(torch.randn(int(steps), n, generator=gen, dtype=torch.float64))  # i_t * g_t, (T, n)
    c0 = torch.zeros(n, dtype=torch.float64, requires_grad=True)
    c = c0
    for t in range(int(steps)):
        c = forget_gate * c + update[t]  # the self-loop: c_t = f * c_(t-1) + i_t * g_t
    (grad,) = torch.autograd.grad(c.sum(), c0)  # sum over units: the Jacobian is diagonal
    return grad.numpy()


# lecturekit.recurrence re-exports clip_by_norm and leaky_rollout from this module, so this import
# comes last: whichever of the two modules is imported first, the names the other needs exist.
from .recurrence import _check_recurrence, log_spectral_norms, regime, rollout, scaled_rotation  # noqa: E402
