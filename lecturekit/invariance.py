"""Invariance and equivariance, measured (notebooks 06 and 08).

f is *equivariant* to a transformation T if f(T(x)) = T'(f(x)), *invariant* if f(T(x)) = f(x).
A cross-correlation is equivariant to the translation tau(x)_i = x_(i+tau) (:func:`equivariance_gap`:
exactly, away from the borders and when the stride divides the shift); pooling over windows of
k is invariant to shifts inside a window and equivariant to shifts by multiples of k
(:func:`shift_errors`, :func:`shift_view`, on the detector :func:`detect`:
conv -> ReLU -> pool).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .conv import as_index, corr1d, corr2d
from .motifs import shift
from .pooling import avg_pool, lp_pool, max_pool

__all__ = ["equivariance_gap", "POOLS", "Detection", "detect", "ShiftErrors", "shift_errors", "ShiftView", "shift_view"]


def equivariance_gap(x, w, t: int, stride: int = 1) -> tuple[float, float]:
    """How far ``corr1d`` is from equivariant for the shift ``tau_t`` (see :func:`shift`).

    Compares ``f(tau_t x)`` with ``tau_u f(x)``, u = t // stride (the output shift that would match),
    for ``f = corr1d(., w, stride)`` on x (L,). Returns ``(inside, border)``: the largest absolute
    difference over the outputs whose windows see only real samples of both, and over the outputs
    near the end that read zeros shifted in (nan when there are none). ``inside`` is 0 up to rounding
    exactly when ``stride`` divides ``t``.
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    t, stride = as_index(t, "t"), as_index(stride, "stride")
    if t < 0:
        raise ValueError(f"t must be >= 0 (a shift to the left), got {t}")
    u = t // stride
    gap = np.abs(corr1d(shift(x, t), w, stride) - shift(corr1d(x, w, stride), u))  # (o,)
    i = np.arange(len(gap))
    inside = (i * stride + len(w) - 1 < len(x) - t) & (i < len(gap) - u)   # no zero came into these
    border = float(gap[~inside].max()) if (~inside).any() else float("nan")   # no border outputs: no gap to show
    return float(gap[inside].max(initial=0.0)), border


#: the pooling functions the detector offers, by name (L2 is L_p pooling with p = 2)
POOLS = {"max": max_pool, "avg": avg_pool, "L2": lambda z, kernel=None: lp_pool(z, 2.0, kernel)}


def _pool_by_name(pool: str):
    if pool not in POOLS:
        raise ValueError(f"pool must be one of {sorted(POOLS)}; got {pool!r}")
    return POOLS[pool]


@dataclass(frozen=True)
class Detection:
    """The stages of conv -> nonlinearity -> pool on one image."""

    image: np.ndarray  # (H, W)
    correlation: np.ndarray  # (H - K + 1, W - K' + 1) corr2d(image, template)
    threshold: float  # the detector's bias is -threshold
    activation: np.ndarray  # same shape, relu(correlation - threshold)
    pooled: np.ndarray  # (H_out, W_out) pooled activation, window x window, stride window
    score: float  # global max of the activation: "is the motif anywhere?"
    window: int  # the pooling window (and stride)
    pool: str  # "max", "avg" or "L2"

def detect(image, template, *, threshold: float, window: int, pool: str = "max") -> Detection:
    """A motif detector: a = relu(corr2d(x, w) - threshold), pooled over window x window tiles.

    image (H, W), template (K, K'); ``pool`` is "max", "avg" or "L2". The window must fit in
    the correlation (H - K + 1, W - K' + 1); tiles that do not fit at the right or bottom edge
    are dropped, as in torch.
    """
    image = np.asarray(image, dtype=float)
    correlation = corr2d(image, np.asarray(template, dtype=float))  # (H - K + 1, W - K' + 1)
    activation = np.maximum(correlation - threshold, 0.0)  # ReLU
    pooled = _pool_by_name(pool)(activation, (window, window))
    return Detection(image=image, correlation=correlation, threshold=float(threshold), activation=activation,
                     pooled=pooled, score=float(activation.max()), window=int(window), pool=pool)

@dataclass(frozen=True)
class ShiftErrors:
    """How much a feature map changes when the input is shifted by tau = 0, 1, ... pixels.

    Each curve is a relative distance, averaged over the images: 0 means "did not change".
    """

    shifts: np.ndarray  # (S,) tau, in pixels, along the columns
    equivariance: np.ndarray  # (S,) ||f(T x) - T f(x)|| / ||f(x)|| for f = corr2d: 0, equivariant
    conv_change: np.ndarray  # (S,) ||f(T x) - f(x)|| / ||f(x)|| for f = corr2d: not invariant
    windows: tuple[int, ...]  # pooling windows (and strides), in pixels of the feature map
    pooled_change: np.ndarray  # (len(windows), S) the same for g = pool_window(relu(corr2d - threshold))
    unpooled_change: np.ndarray  # (S,) the same for the detector without pooling, relu(corr2d - threshold)
    global_change: np.ndarray  # (S,) the same for global pooling: 0, invariant

def _relative_change(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / ||b|| per image, averaged: a, b (B, ...)."""
    axes = tuple(range(1, a.ndim))
    num = np.sqrt(((a - b) ** 2).sum(axis=axes))
    den = np.sqrt((b**2).sum(axis=axes))
    return float(np.mean(num / np.where(den > 0, den, 1.0)))

def shift_errors(images, template, shifts, windows, *, pool: str = "max", threshold: float = 0.0) -> ShiftErrors:
    """Measure equivariance of corr2d and invariance of pooling under shifts of the columns.

    images (B, H, W), template (K, K'); shifts a sequence of ints tau >= 0 (the lecture's
    tau(x)_i = x_(i+tau): content moves left); windows a sequence of pooling windows (each a
    window x window tile, stride = window). f(x) = corr2d(x, w) is compared with the shifted
    f(x) (equivariance) and with f(x) itself (invariance); g(x) = pool(relu(f(x) - threshold))
    with g(x), as in :func:`detect`.
    Where it holds, and where it breaks: with zero fill and no padding, f(T x) = T f(x) exactly,
    except that T f(x) is zero in its last tau columns while f(T x) still sees there whatever lies
    within K' - 1 pixels of the image's right edge. And what is shifted past the left edge is
    gone (a motif, or the partial matches of the template K' - 1 pixels to its left), so not even
    global pooling is invariant any more. Keep the motifs max(shifts) + K' - 1 pixels from the
    left edge and K' - 1 from the right one (``random_motif_images(margin=...)``).
    """
    x = np.asarray(images, dtype=float)
    if x.ndim != 3:
        raise ValueError(f"images must be a stack (B, H, W); got shape {x.shape}")
    w = np.asarray(template, dtype=float)
    shifts = np.asarray(shifts, dtype=int)
    windows = tuple(int(k) for k in windows)
    pool_fn = _pool_by_name(pool)

    def features(images):  # (B, H, W) -> (B, H - K + 1, W - K' + 1)
        return corr2d(images[:, None], w[None, None])[:, 0]

    f = features(x)
    a = np.maximum(f - threshold, 0.0)
    pooled = [pool_fn(a, (k, k)) for k in windows]
    pooled_global = pool_fn(a.reshape(len(a), -1))
    equi, change, glob, unpooled = [], [], [], []
    pooled_change = np.zeros((len(windows), len(shifts)))
    for j, tau in enumerate(shifts):
        f_shifted = features(shift(x, (0, tau)))
        equi.append(_relative_change(f_shifted, shift(f, (0, tau))))
        change.append(_relative_change(f_shifted, f))
        a_shifted = np.maximum(f_shifted - threshold, 0.0)
        unpooled.append(_relative_change(a_shifted, a))
        for i, k in enumerate(windows):
            pooled_change[i, j] = _relative_change(pool_fn(a_shifted, (k, k)), pooled[i])
        glob.append(_relative_change(pool_fn(a_shifted.reshape(len(a), -1)), pooled_global))
    return ShiftErrors(shifts=shifts, equivariance=np.array(equi), conv_change=np.array(change),
                       windows=windows, pooled_change=pooled_change, unpooled_change=np.array(unpooled),
                       global_change=np.array(glob))

@dataclass(frozen=True)
class ShiftView:
    """What the shift explorer shows for one (tau, window, pool): one image, unshifted and shifted."""

    tau: int
    original: Detection  # the detector on x
    shifted: Detection  # the detector on tau(x)
    changed: np.ndarray  # (H_out, W_out) bool, pooled cells that differ between the two
    errors: ShiftErrors  # relative changes for every shift 0..max_shift, for this window and pool

def shift_view(image, template, tau: int, window: int, pool: str = "max", *, threshold: float = 0.0,
               max_shift: int = 8) -> ShiftView:
    """The shift explorer's computation: :func:`detect` on ``image`` (H, W) and on its shift by
    ``tau`` columns (0 <= tau <= max_shift), and :func:`shift_errors` for shifts 0..max_shift."""
    if not 0 <= int(tau) <= max_shift or int(tau) != tau:
        raise ValueError(f"tau must be a whole number from 0 to {max_shift}; got {tau!r}")
    x = np.asarray(image, dtype=float)
    original = detect(x, template, threshold=threshold, window=window, pool=pool)
    shifted = detect(shift(x, (0, int(tau))), template, threshold=threshold, window=window, pool=pool)
    errors = shift_errors(x[None], template, range(max_shift + 1), [window], pool=pool, threshold=threshold)
    return ShiftView(tau=int(tau), original=original, shifted=shifted,
                     changed=~np.isclose(original.pooled, shifted.pooled), errors=errors)
