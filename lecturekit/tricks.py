"""RNN tricks (Pascanu, Mikolov & Bengio, ICML 2013) against vanishing gradients: leaky integration,
initialisation, the gradient-propagation regulariser and the LSTM self-loop. (Clipping, the trick
against exploding gradients, is :mod:`lecturekit.clipping`.)

Every trick acts on the same quantity as the lecture's 2x2 example: the back-propagated gradient

    dC/dz_t = dC/dz_T  A_T A_(T-1) ... A_(t+1),      A_s = dz_s/dz_(s-1),

which explodes or vanishes with the eigenvalues of the step Jacobians A_s.

- Leaky integration, z_t = (1 - alpha) z_(t-1) + alpha tanh(W z_(t-1)), moves every eigenvalue
  lambda of W to 1 - alpha + alpha * lambda, towards 1.
- Orthogonal initialisation puts every eigenvalue of W on the circle of radius ``gain``.
- The regulariser of Pascanu et al. penalises each step for changing the gradient's norm.
- The LSTM cell c_t = f_t * c_(t-1) + i_t * g_t passes the gradient with factor f_t (1 if f_t = 1) along its
  direct path; its gates add other paths (``lstm_self_loop`` measures both).

Products of many Jacobians overflow float64, so norms are carried as logarithms (as in
:mod:`lecturekit.recurrence`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import torch

from .recurrence import (Nonlinearity, check_recurrence, log_backprop_norms, log_spectral_norms, regime, rollout,
                         scaled_rotation)

__all__ = [
    "leaky_matrix",
    "leaky_rollout",
    "leaky_jacobians",
    "LeakyExploration",
    "explore_leaky",
    "init_recurrent",
    "InitComparison",
    "compare_inits",
    "propagation_regularizer",
    "SelfLoop", "lstm_self_loop",
]


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
    W, z0 = check_recurrence(W, z0, steps, nl)
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
    log10_state_plain: np.ndarray  # (T + 1,) log10 ||z_t||, alpha = 1 (-inf where z_t = 0)
    log10_state_leaky: np.ndarray  # (T + 1,) the same with leaky integration
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
    with np.errstate(divide="ignore"):  # a state that reaches 0 exactly has log10 -inf
        s_plain, s_leaky = (np.log10(np.linalg.norm(z, axis=1)) for z in (z_plain, z_leaky))
    return LeakyExploration(
        alpha=alpha, eigenvalues=eigenvalues, effective=1.0 - alpha + alpha * eigenvalues,
        z_plain=z_plain, z_leaky=z_leaky, log10_state_plain=s_plain, log10_state_leaky=s_leaky,
        log10_grad_plain=g_plain, log10_grad_leaky=g_leaky,
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
    W, z0 = check_recurrence(W, z0, steps, nl)
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


@dataclass(frozen=True)
class SelfLoop:
    """dc_T/dc_0 of a real LSTM cell: the whole Jacobian beside the self-loop's direct path."""

    full: np.ndarray     # (n, n): every path from c_0 to c_T, also through h_(t-1) and the gates
    direct: np.ndarray   # (n,): the direct path alone, the product of the forget gates f_1 ... f_T

    @property
    def full_norm(self) -> float:
        return float(np.linalg.norm(self.full, 2))

    @property
    def direct_norm(self) -> float:
        return float(np.abs(self.direct).max())   # the spectral norm of diag(f_1 ... f_T)


def lstm_self_loop(steps: int, forget_bias: float = 0.0, *, n: int = 8, inputs: int = 3, seed: int = 0) -> SelfLoop:
    """dc_T/dc_0 of an LSTM cell (``cells.LSTMCell``, torch's initialisation from ``seed``, forget gate's bias
    set to ``forget_bias``) over ``steps`` random inputs, from h_0 = c_0 = 0, by autograd in float64.

    c_t = f_t * c_(t-1) + i_t * c~_t, and f_t, i_t, c~_t depend on h_(t-1) = o_(t-1) * tanh(c_(t-1)): besides
    the direct path diag(f_t), c_(t-1) reaches c_t through the gates. ``direct`` is the direct path alone.
    """
    from .cells import LSTMCell, trace, unroll

    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a whole number >= 1; got {steps!r}")
    cell = LSTMCell(inputs, n, seed=seed).double()
    with torch.no_grad():
        cell.b_f.fill_(float(forget_bias))
    xs = torch.randn(int(steps), 1, inputs, generator=torch.Generator().manual_seed(seed + 1), dtype=torch.float64)
    h0, c0 = torch.zeros(1, n, dtype=torch.float64), torch.zeros(n, dtype=torch.float64)
    full = torch.autograd.functional.jacobian(lambda c: unroll(cell, xs, (h0, c[None]))[1][1][0], c0)
    with torch.no_grad():
        direct = trace(cell, xs, (h0, c0[None]))["f"][:, 0, :].prod(dim=0)
    return SelfLoop(full=full.numpy(), direct=direct.numpy())
