"""Shared weights: a value used in several places, and why its gradient is a sum.

1. A replicated variable. x copied into y_1, y_2, y_3 that feed a cost C:

       dC = dC/dy_1 dy_1 + dC/dy_2 dy_2 + dC/dy_3 dy_3 = dx [dC/dy_1 + dC/dy_2 + dC/dy_3],
       so  dC/dx = sum_i dC/dy_i.

   Branching in the forward pass is a sum in the backward pass; and the dual: a sum in the
   forward pass (y = x_1 + x_2 + x_3) copies dC/dy to every x_i in the backward pass.
   :func:`copy_gradients`, :func:`sum_gradients`.

2. Shared weights in space: one small network applied to every window of a signal, to search for
   a motif (notebook 01). Its weights are replicated once per position, so their gradient is the
   sum over positions. :class:`MotifDetector`, :func:`train_motif_detector`, :func:`motif_gradients`.

3. Shared weights in time: one W used at every step of an RNN (notebook 02); its gradient is the
   sum over steps. :func:`shared_weight_gradients`.

The motif signals come from :mod:`lecturekit.motifs`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import nn

from .train import one_thread

__all__ = ["lecture_cost", "CopyGradients", "copy_gradients", "SumGradients", "sum_gradients", "windows",
           "MotifDetector", "LocalDetector", "motif_loss", "train_motif_detector", "motif_gradients", "flatten_gradients",
           "shared_weight_gradients"]


# ---------------------------------------------------------------------------------------------
# 1. The backward pass of a replicated variable
# ---------------------------------------------------------------------------------------------

def lecture_cost(y: torch.Tensor) -> torch.Tensor:
    """C(y_1, y_2, y_3) = y_1^2 + sin(3 y_2) + y_1 y_3, summed over any trailing dimensions.

    Any cost works for the lesson; this one has a coupled term (y_1 y_3) so that the three
    branches are not independent. y: (3, ...) -> a scalar.
    """
    if y.shape[0] != 3:
        raise ValueError(f"lecture_cost takes 3 copies y_1, y_2, y_3; got {y.shape[0]}")
    return (y[0] ** 2 + torch.sin(3 * y[1]) + y[0] * y[2]).sum()

@dataclass(frozen=True)
class CopyGradients:
    """x copied into y_1..y_k: autograd's dC/dx and the gradient dC/dy_i at each copy."""

    x: np.ndarray       # (...)     the replicated variable
    cost: float         # C
    dC_dx: np.ndarray   # (...)     autograd, through the copies
    dC_dy: np.ndarray   # (k, ...)  one row per copy; dC_dy.sum(0) == dC_dx

def copy_gradients(x, *, copies: int = 3,
                   cost: Callable[[torch.Tensor], torch.Tensor] = lecture_cost) -> CopyGradients:
    """Copy x into y_1..y_k (branching in the forward pass), back-propagate C(y), in float64.

    ``x`` is a number or an array (...); the copies are ``y = (x, x, ..., x)``, shape (k, ...).
    Returns autograd's dC/dx and each dC/dy_i; the lecture's claim is dC/dx = sum_i dC/dy_i.
    """
    x_t = torch.tensor(np.asarray(x, dtype=float), requires_grad=True)
    y = torch.stack([x_t] * copies)  # (k, ...): k copies of x
    y.retain_grad()  # keep dC/dy, an intermediate gradient, to compare with dC/dx
    c = cost(y)
    c.backward()
    return CopyGradients(x=x_t.detach().numpy(), cost=c.item(), dC_dx=x_t.grad.numpy(), dC_dy=y.grad.numpy())

@dataclass(frozen=True)
class SumGradients:
    """y = x_1 + ... + x_k feeding C: dC/dy and autograd's dC/dx_i (each equal to dC/dy)."""

    xs: np.ndarray      # (k, ...)
    cost: float
    dC_dy: np.ndarray   # (...)
    dC_dxs: np.ndarray  # (k, ...): every row equals dC_dy

def sum_gradients(xs, *, cost: Callable[[torch.Tensor], torch.Tensor] | None = None) -> SumGradients:
    """The dual of :func:`copy_gradients`: a sum in the forward pass copies the gradient backward.

    ``xs`` (k, ...) is summed over its first axis into y (...); the default cost is
    C(y) = sum(sin(y) + y^2 / 2). In float64.
    """
    xs_t = torch.tensor(np.asarray(xs, dtype=float), requires_grad=True)
    if xs_t.ndim == 0:
        raise ValueError("xs must hold at least one term: a list of numbers or an array (k, ...)")
    y = xs_t.sum(0)  # (k, ...) -> (...)
    y.retain_grad()
    c = (torch.sin(y) + y ** 2 / 2).sum() if cost is None else cost(y)
    c.backward()
    return SumGradients(xs=xs_t.detach().numpy(), cost=c.item(), dC_dy=y.grad.numpy(), dC_dxs=xs_t.grad.numpy())


# ---------------------------------------------------------------------------------------------
# 2. Shared weights in space: the same small network on every window of a signal
# ---------------------------------------------------------------------------------------------

def windows(signal: torch.Tensor, size: int) -> torch.Tensor:
    """Every window of ``size`` consecutive samples: (N, L) -> (N, P, size), P = L - size + 1.

    Window p is ``signal[:, p : p + size]``. A view, not a copy (``Tensor.unfold``).
    """
    if signal.ndim != 2:
        raise ValueError(f"signal must be (N, L); got shape {tuple(signal.shape)}")
    if not 1 <= size <= signal.shape[1]:
        raise ValueError(f"window size must be between 1 and the signal length {signal.shape[1]}; got {size}")
    return signal.unfold(1, size, 1)  # (N, P, size)

class MotifDetector(nn.Module):
    """One small network g(window; W_1, b_1, w_2, b_2) applied to every window of a signal.

        s_p = w_2 . tanh(W_1 x[p : p + K] + b_1) + b_2,    p = 0 .. L - K

    The same weights at every position p: shared weights. Shapes: W_1 (H, K), b_1 (H,),
    w_2 (H,), b_2 (); signal (N, L) -> scores (N, P), P = L - K + 1 (logits: a motif starts at p).
    """

    def __init__(self, window: int = 9, hidden: int = 4, *, seed: int = 0, dtype=torch.float32):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.window, self.hidden = window, hidden
        self.W_1 = nn.Parameter(torch.randn(hidden, window, generator=g, dtype=dtype) / math.sqrt(window))
        self.b_1 = nn.Parameter(torch.zeros(hidden, dtype=dtype))
        self.w_2 = nn.Parameter(torch.randn(hidden, generator=g, dtype=dtype) / math.sqrt(hidden))
        self.b_2 = nn.Parameter(torch.zeros((), dtype=dtype))

    @staticmethod
    def scores(x_windows: torch.Tensor, W_1, b_1, w_2, b_2) -> torch.Tensor:
        """g on every window; the weights either (shape as above) or one copy per position (P, ...)."""
        # x_windows (N, P, K); W_1 (H, K) or (P, H, K) -> h (N, P, H)
        if W_1.ndim == 2:
            h = torch.tanh(torch.einsum("npk,hk->nph", x_windows, W_1) + b_1)
            return torch.einsum("nph,h->np", h, w_2) + b_2
        h = torch.tanh(torch.einsum("npk,phk->nph", x_windows, W_1) + b_1)  # b_1 (P, H)
        return torch.einsum("nph,ph->np", h, w_2) + b_2  # b_2 (P,)

    def forward(self, signal: torch.Tensor) -> torch.Tensor:
        """signal (N, L) -> scores (N, P)."""
        return self.scores(windows(signal, self.window), self.W_1, self.b_1, self.w_2, self.b_2)

class LocalDetector(nn.Module):
    """The same detector without sharing (a locally connected layer): one copy of (W_1, b_1, w_2, b_2) per
    position, ``positions`` x 45 parameters for the default sizes, every copy starting from the shared
    detector's initial weights (the same ``seed``). Copy p sees only window p; signal (N, L) -> scores (N, P)."""

    def __init__(self, window: int = 9, hidden: int = 4, positions: int = 52, *, seed: int = 0, dtype=torch.float32):
        super().__init__()
        start = MotifDetector(window, hidden, seed=seed, dtype=dtype)
        self.window, self.hidden, self.positions = window, hidden, positions
        for name in ("W_1", "b_1", "w_2", "b_2"):
            value = getattr(start, name).detach()
            setattr(self, name, nn.Parameter(value.expand(positions, *value.shape).clone()))

    def forward(self, signal: torch.Tensor) -> torch.Tensor:
        x_windows = windows(signal, self.window)
        if x_windows.shape[1] != self.positions:
            raise ValueError(f"this detector has weights for {self.positions} positions, so signals of length "
                             f"{self.positions + self.window - 1}; got length {signal.shape[1]}")
        return MotifDetector.scores(x_windows, self.W_1, self.b_1, self.w_2, self.b_2)


def motif_loss(scores: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The detector's training loss: cross-entropy of the scores (logits), positives weighted up.

    scores, targets (N, P). A motif start is rare: weighting the positive positions by
    (negatives / positives) stops the detector from just saying "no".
    """
    # a motif start is rare: weight the positive positions up so that the detector cannot just say "no"
    positives = targets.sum().clamp(min=1.0)
    pos_weight = (targets.numel() - positives) / positives
    return nn.functional.binary_cross_entropy_with_logits(scores, targets, pos_weight=pos_weight)

def train_motif_detector(detector: MotifDetector | LocalDetector, signals, targets, *, steps: int = 150,
                         lr: float = 0.03) -> np.ndarray:
    """Fit ``detector`` to say where a motif starts (weighted cross-entropy, Adam); returns the losses."""
    dtype = detector.W_1.dtype
    x = torch.as_tensor(np.asarray(signals), dtype=dtype)
    t = torch.as_tensor(np.asarray(targets), dtype=dtype)
    opt = torch.optim.Adam(detector.parameters(), lr=lr)
    losses = np.empty(steps)
    with one_thread():
        for step in range(steps):
            loss = motif_loss(detector(x), t)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses[step] = loss.item()
    return losses

def motif_gradients(detector: MotifDetector, signals, targets) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """dC/d(weights) of the motif detector, two ways, in float64.

    Returns ``(shared, per_position)``. ``shared[name]`` is autograd's gradient of the one shared
    parameter; ``per_position[name]`` (P, ...) holds the gradients of separate copies, copy p used
    only at window p. Summing ``per_position[name]`` over p gives ``shared[name]``: a weight used at
    P positions receives the sum of its P contributions (as :func:`shared_weight_gradients`
    shows for the time steps of an RNN). C is the detector's training loss.
    """
    x = torch.as_tensor(np.asarray(signals, dtype=float))
    t = torch.as_tensor(np.asarray(targets, dtype=float))
    xw = windows(x, detector.window)  # (N, P, K)
    P = xw.shape[1]
    names = ("W_1", "b_1", "w_2", "b_2")
    base = {name: getattr(detector, name).detach().double() for name in names}

    shared = {name: value.clone().requires_grad_() for name, value in base.items()}
    motif_loss(MotifDetector.scores(xw, *shared.values()), t).backward()

    # one copy of every weight per position: (P, ...) leaves, copy p used by window p only
    copies = {name: value.expand(P, *value.shape).clone().requires_grad_() for name, value in base.items()}
    motif_loss(MotifDetector.scores(xw, *copies.values()), t).backward()
    return ({name: v.grad.numpy() for name, v in shared.items()},
            {name: v.grad.numpy() for name, v in copies.items()})

def flatten_gradients(shared: dict[str, np.ndarray], per_position: dict[str, np.ndarray]):
    """Lay the output of :func:`motif_gradients` out flat, for a picture.

    Returns ``(flat_per_position (P, n), flat_shared (n,), groups)``, where n counts every weight
    and ``groups`` lists ``(name, size)`` in the order the weights are laid out.
    """
    P = len(next(iter(per_position.values())))
    flat_per_position = np.concatenate([per_position[name].reshape(P, -1) for name in shared], axis=1)
    flat_shared = np.concatenate([shared[name].ravel() for name in shared])
    return flat_per_position, flat_shared, [(name, shared[name].size) for name in shared]


# ---------------------------------------------------------------------------------------------
# 3. Shared weights in time: one W at every step of an RNN
# ---------------------------------------------------------------------------------------------

def shared_weight_gradients(W, U, xs, z0, target) -> tuple[np.ndarray, np.ndarray]:
    """dC/dW for the RNN z_t = tanh(W z_(t-1) + U x_t), C = 0.5 ||z_T - target||^2, two ways.

    Returns ``(shared, per_step)``: ``shared`` (n, n) is autograd's gradient for the one W
    used at every step; ``per_step`` (T, n, n) holds the gradient of a separate copy W_t used
    only at step t. Summing ``per_step`` over t gives ``shared``: a weight used T times
    receives the sum of its T contributions. Shapes: W (n, n), U (n, m), xs (T, m), z0 (n,).
    """
    W = torch.as_tensor(np.asarray(W, dtype=float))
    U = torch.as_tensor(np.asarray(U, dtype=float))
    xs = torch.as_tensor(np.asarray(xs, dtype=float))
    z0 = torch.as_tensor(np.asarray(z0, dtype=float))
    target = torch.as_tensor(np.asarray(target, dtype=float))
    if xs.ndim != 2 or U.shape != (W.shape[0], xs.shape[1]):
        raise ValueError(f"expected xs (T, m) and U (n, m); got xs {tuple(xs.shape)}, U {tuple(U.shape)}")

    def cost(weights):  # weights: one (n, n) matrix per step
        z = z0
        for W_t, x_t in zip(weights, xs):
            z = torch.tanh(W_t @ z + U @ x_t)  # (n,)
        return 0.5 * ((z - target) ** 2).sum()

    shared = W.clone().requires_grad_()
    cost([shared] * len(xs)).backward()
    copies = [W.clone().requires_grad_() for _ in range(len(xs))]
    cost(copies).backward()
    return shared.grad.numpy(), np.stack([c.grad.numpy() for c in copies])
