"""Motifs: the patterns the detectors of notebooks 01, 06 and 08 look for, planted in signals and images,
the one translation ``shift`` every notebook uses, and local maxima of a detector's response.

numpy only (no torch), so that the convolution and pooling notebooks do not load torch to use it.

- 1-D: :data:`LECTURE_MOTIF` (9 samples), :func:`motif_signals` (noisy signals with motifs at random
  places and targets saying where), :func:`plant_motif`.
- 2-D: :data:`PLUS` (+) and :data:`DIAGONAL_CROSS` (×), :func:`motif_image`, :func:`random_motif_images`.
- :func:`shift`, the lecture's translation tau(x)_i = x_(i+tau), zeros coming in at the border.
- :func:`local_maxima`, where a response peaks above a threshold.

Randomness comes in as an argument (``rng``).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["LECTURE_MOTIF", "motif_signals", "plant_motif", "PLUS", "DIAGONAL_CROSS", "motif_image",
           "random_motif_images", "shift", "local_maxima"]


#: the motif searched for: one period of a sine under a Hann window, 9 samples
LECTURE_MOTIF = np.round(np.sin(np.linspace(0, 2 * np.pi, 9)) * np.hanning(11)[1:-1] * 2.0, 4)

def motif_signals(n: int, length: int, *, rng: np.random.Generator, motif=LECTURE_MOTIF,
                  noise: float = 0.3, max_motifs: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Noisy signals with 0..max_motifs copies of ``motif`` at random, non-overlapping places.

    Returns ``(signals, targets)``: signals (n, length); targets (n, P), P = length - K + 1,
    with targets[s, p] = 1 where a motif starts at sample p of signal s, else 0.
    """
    motif = np.asarray(motif, dtype=float)
    K = len(motif)
    if length < K:
        raise ValueError(f"signals of length {length} cannot hold a motif of {K} samples")
    P = length - K + 1
    signals = noise * rng.standard_normal((n, length))
    targets = np.zeros((n, P))
    for s in range(n):
        for _ in range(rng.integers(0, max_motifs + 1)):
            free = [p for p in range(P) if not targets[s, max(0, p - K + 1): p + K].any()]
            if not free:
                break
            p = int(rng.choice(free))
            signals[s, p: p + K] += motif
            targets[s, p] = 1.0
    return signals, targets


def plant_motif(x, motif, positions) -> np.ndarray:
    """A copy of ``x`` with ``motif`` added at each position (its first sample, or top-left pixel).

    x (L,) and motif (K,) with int positions, or x (H, W) and motif (KH, KW) with (row, column)
    pairs. A motif that would stick out of ``x`` is a ``ValueError``. Planting is itself a
    convolution: x + (spike train at ``positions``) convolved with ``motif``.
    """
    x = np.array(x, dtype=float)                                     # a copy
    motif = np.asarray(motif, dtype=float)
    if motif.ndim != x.ndim:
        raise ValueError(f"motif has {motif.ndim} dimensions and x has {x.ndim}: they must match")
    for pos in positions:
        corner = np.atleast_1d(pos).astype(int)
        if corner.shape != (x.ndim,) or (corner < 0).any() or (corner + motif.shape > x.shape).any():
            raise ValueError(f"a motif of shape {motif.shape} at {pos} does not fit in x of shape {x.shape}")
        x[tuple(slice(c, c + k) for c, k in zip(corner, motif.shape))] += motif
    return x


#: a 5x5 plus sign, the motif the notebook looks for
PLUS = np.array([[0, 0, 1, 0, 0],
                 [0, 0, 1, 0, 0],
                 [1, 1, 1, 1, 1],
                 [0, 0, 1, 0, 0],
                 [0, 0, 1, 0, 0]], dtype=float)
PLUS.flags.writeable = False

#: a 5x5 diagonal cross, ×: a distractor with as many lit pixels as PLUS (nine)
DIAGONAL_CROSS = np.eye(5) + np.eye(5)[::-1]
DIAGONAL_CROSS[2, 2] = 1.0
DIAGONAL_CROSS.flags.writeable = False


def motif_image(size: int | tuple[int, int], motifs, *, noise: float = 0.0,
                rng: np.random.Generator | None = None) -> np.ndarray:
    """An image (H, W) of zeros with motifs pasted in, plus optional Gaussian noise.

    ``motifs`` is a sequence of ``(motif, row, column)``: the motif (an array (h, w)) is added
    with its top-left corner at (row, column) and must fit inside the image. ``noise`` is the
    standard deviation of the added noise; it needs ``rng`` (randomness comes in as an argument).
    """
    h, w = (size, size) if np.ndim(size) == 0 else size
    x = np.zeros((int(h), int(w)))
    for motif, row, col in motifs:
        motif = np.asarray(motif, dtype=float)
        if motif.ndim != 2:
            raise ValueError(f"a motif must be a 2-D array (h, w); got shape {motif.shape}")
        mh, mw = motif.shape
        if not (0 <= row and row + mh <= h and 0 <= col and col + mw <= w):
            raise ValueError(f"a {mh}x{mw} motif at ({row}, {col}) does not fit in a {h}x{w} image")
        x[row:row + mh, col:col + mw] += motif
    if noise:
        if rng is None:
            raise ValueError("noise needs a random generator: pass rng=np.random.default_rng(seed)")
        x += noise * rng.standard_normal(x.shape)
    return x

def random_motif_images(count: int, size: int, motif=PLUS, *, margin: int = 0,
                        rng: np.random.Generator) -> np.ndarray:
    """``count`` images (count, size, size), each holding one motif at a random place at least
    ``margin`` pixels from every edge (room to shift it without losing it)."""
    motif = np.asarray(motif, dtype=float)
    mh, mw = motif.shape
    if size - mh - 2 * margin < 0 or size - mw - 2 * margin < 0:
        raise ValueError(f"a {mh}x{mw} motif with margin {margin} does not fit in a {size}x{size} image")
    rows = rng.integers(margin, size - mh - margin + 1, size=count)
    cols = rng.integers(margin, size - mw - margin + 1, size=count)
    return np.stack([motif_image(size, [(motif, r, c)]) for r, c in zip(rows, cols)])


def shift(x, tau, axis: int = -1) -> np.ndarray:
    """The lecture's translation, tau(x)_i = x_(i+tau), filled with zeros where i + tau leaves x.

    ``tau`` an int shifts ``axis`` (the last one by default); a pair ``(rows, columns)`` shifts the
    last two axes. A positive tau moves the content towards lower indices (left, or up), a negative
    one the other way; a shift by the whole length or more leaves only zeros. Returns a new array
    of x's shape and dtype (a float array for a list). A tau that is not a whole number is a
    ``ValueError``.

    >>> shift([1.0, 2.0, 3.0, 4.0], 1)
    array([2., 3., 4., 0.])
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.number):
        x = np.asarray(x, dtype=float)
    taus = (tau,) if np.ndim(tau) == 0 else tuple(tau)
    if len(taus) not in (1, 2) or any(isinstance(t, (bool, np.bool_)) or int(t) != t for t in taus):
        raise ValueError(f"tau must be a whole number or a pair of whole numbers; got {tau!r}")
    if len(taus) == 2 and axis != -1:
        raise ValueError("a pair tau shifts the last two axes: leave axis at -1")
    if x.ndim < len(taus):
        raise ValueError(f"a shift {tuple(taus)} needs at least {len(taus)} axes; got shape {x.shape}")
    axes = [axis % x.ndim] if len(taus) == 1 else [x.ndim - 2, x.ndim - 1]
    out = np.zeros_like(x)
    src, dst = [slice(None)] * x.ndim, [slice(None)] * x.ndim
    for t, ax in zip((int(t) for t in taus), axes):
        n = x.shape[ax]
        t = min(max(t, -n), n)                        # a shift by the whole length or more leaves nothing
        src[ax] = slice(max(t, 0), n + min(t, 0))     # read x_(i+tau) ...
        dst[ax] = slice(max(-t, 0), n - max(t, 0))    # ... into position i
    out[tuple(dst)] = x[tuple(src)]
    return out


def local_maxima(y, threshold: float) -> np.ndarray:
    """Where a detector's response ``y`` (1-D or 2-D) peaks: entries above ``threshold`` that are at
    least as large as each neighbour (2 in 1-D, 8 in 2-D). Returns indices, shape (count, y.ndim),
    in increasing order; use ``[:, 0]`` for a 1-D response."""
    y = np.asarray(y, dtype=float)
    if y.ndim not in (1, 2):
        raise ValueError(f"y must be 1-D or 2-D, got shape {y.shape}")
    padded = np.pad(y, 1, constant_values=-np.inf)
    neighbourhood = sliding_window_view(padded, (3,) * y.ndim)          # (*y.shape, 3[, 3])
    biggest = neighbourhood.max(axis=tuple(range(y.ndim, 2 * y.ndim)))   # the 3 (or 3x3) maximum filter
    return np.argwhere((y > threshold) & (y >= biggest))
