"""Gradient clipping (Pascanu, Mikolov & Bengio, ICML 2013, Algorithm 1) and the loss "cliff" that needs it.

- :func:`clip_by_norm` caps the length of the gradient that reaches the parameters and keeps its
  direction.
- The cliff: the one-unit tanh RNN of Pascanu et al.'s figures 6 and 7, z_t = tanh(w z_(t-1) + b),
  whose loss surface has a wall; :func:`cliff_descent` runs plain gradient descent on it with and
  without clipping, side by side (notebook 03's dashboard).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

__all__ = ["clip_factor", "clip_by_norm", "CliffSetting", "CLIFF", "cliff_final_state", "cliff_loss_and_gradient",
           "cliff_surface", "Descent", "cliff_descent"]


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

    With w > 1 and a small |b| the recurrence has two stable fixed points; where (w, b) crosses from one basin
    to the other, z_T jumps: the loss has a wall (a "cliff") where the gradient is huge.
    """

    z0: float = 0.5  # the initial state z_0
    target: float = -0.8  # the wanted final state; the loss is (z_T - target)^2
    steps: int = 30  # T, the number of recurrent steps
    start: tuple[float, float] = (2.0, 0.1)  # (w, b) where gradient descent starts
    learning_rate: float = 0.2  # plain gradient descent, no momentum
    iterations: int = 150  # gradient-descent steps

#: the setting of the notebook's clipping demo: without clipping the loss jumps back up near
#: step 20 and stays there; with a threshold around 1 it converges (tests/test_clipping.py checks both)
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
