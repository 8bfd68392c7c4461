"""Cross-correlation and convolution in 1-D and 2-D, their backward pass written out, output sizes
and receptive fields. numpy only, vectorised: no Python loop over output positions.

The lecture's definitions (1-D; in 2-D the same with a pair of indices):

    convolution         y_i = sum_j w_j x_(i-j)        (the kernel is flipped)
    cross-correlation   y_i = sum_j w_j x_(i+j)        (what torch and most libraries call "conv")

With stride s, dilation ("à trous", skip d - 1 samples between taps) d and zero padding p on both
sides, output i of a cross-correlation reads the padded input at i*s + j*d:

    y_i = sum_j w_j xpad_(i*s + j*d),     i = 0 .. o - 1,
    o = floor((n + 2p - d (k - 1) - 1) / s) + 1                 (:func:`output_size`)

Backward, the lecture's "back-convolution" and weight gradient (stride 1, no padding):

    dC/dx_j = sum_k w_k dC/dy_(j-k)            a *full convolution* of the output gradient with w
    dC/dw_j = sum_i dC/dy_i x_(i+j)            a cross-correlation of the input with the output gradient

With stride and dilation each output i sends dC/dy_i * w_j back to padded input i*s + j*d; the
backward functions add those contributions up (a loop over the k kernel taps, never over outputs).

Shapes follow torch: either a single channel, x (L,) and w (K,) [2-D: x (H, W), w (KH, KW)], or
batched, x (N, C_in, L) and w (C_out, C_in, K) [2-D: x (N, C_in, H, W), w (C_out, C_in, KH, KW)].
There is no bias and no groups. The result has numpy's common dtype of x and w.
"""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "output_size",
    "corr1d",
    "conv1d",
    "corr2d",
    "conv2d",
    "corr1d_backward",
    "corr2d_backward",
    "receptive_field",
    "connectivity",
    "gradient_counts",
    "stack_paths",
    "Wiring",
    "wiring",
    "shift",
    "plant_motif",
    "local_maxima",
    "equivariance_gap",
    "GridWiring",
    "grid_wiring",
    "Stack",
    "stack",
    "STACK_PATTERNS",
]

IntOrPair = int | tuple[int, int]


# --------------------------------------------------------------------------------------------
# sizes
# --------------------------------------------------------------------------------------------

def _as_int(value, name: str) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def output_size(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Number of outputs of a convolution along one axis.

        o = floor((n + 2p - d (k - 1) - 1) / s) + 1

    ``n`` input samples, kernel ``k`` taps, stride ``s``, zero padding ``p`` on each side, dilation
    ``d`` (the dilated kernel spans ``d (k - 1) + 1`` samples). Raises ``ValueError`` for a stride,
    dilation or kernel below 1, a negative padding or input length, and for a dilated kernel wider
    than the padded input (no output at all). Example: ``output_size(7, 3, stride=2) == 3``.
    """
    n, k = _as_int(n, "the input length"), _as_int(kernel, "kernel")
    s, p, d = _as_int(stride, "stride"), _as_int(padding, "padding"), _as_int(dilation, "dilation")
    if n < 0:
        raise ValueError(f"the input length must be >= 0, got {n}")
    if k < 1:
        raise ValueError(f"kernel must be >= 1, got {k}")
    if s < 1:
        raise ValueError(f"stride must be >= 1, got {s}")
    if d < 1:
        raise ValueError(f"dilation must be >= 1, got {d}")
    if p < 0:
        raise ValueError(f"padding must be >= 0, got {p}")
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        raise ValueError(f"the kernel spans {span} samples (kernel {k}, dilation {d}) but the padded "
                         f"input has only {n + 2 * p} (length {n}, padding {p}): no output")
    return (n + 2 * p - span) // s + 1


def receptive_field(layers: Sequence[Sequence[int]]) -> int:
    """Receptive field, in input samples, of one output of the last layer of a stack.

    ``layers`` is a sequence of ``(kernel, stride)`` or ``(kernel, stride, dilation)``, first layer
    first. Each layer widens the field by ``(k_l - 1) d_l`` of its own input samples, and one of its
    input samples is ``prod_(i<l) s_i`` samples of the stack's input (the "jump"):

        r = 1 + sum_l (k_l - 1) d_l prod_(i<l) s_i

    Padding does not change it. An empty stack gives 1. Example: three layers of kernel 3 give 7;
    dilations 1, 2, 4, 8 with kernel 2 give 16.
    """
    field, jump = 1, 1
    for layer in layers:
        if len(layer) not in (2, 3):
            raise ValueError(f"each layer is (kernel, stride) or (kernel, stride, dilation), got {layer!r}")
        k, s = _as_int(layer[0], "kernel"), _as_int(layer[1], "stride")
        d = _as_int(layer[2], "dilation") if len(layer) == 3 else 1
        if k < 1 or s < 1 or d < 1:
            raise ValueError(f"kernel, stride and dilation must be >= 1, got {tuple(layer)!r}")
        field += (k - 1) * d * jump
        jump *= s
    return field


# --------------------------------------------------------------------------------------------
# the n-d engine behind corr1d / corr2d (spatial dims nd = 1 or 2)
# --------------------------------------------------------------------------------------------

def _tuple(value, nd: int, name: str) -> tuple[int, ...]:
    if isinstance(value, (tuple, list, np.ndarray)):
        if len(value) != nd:
            raise ValueError(f"{name} must be an int or {nd} ints, got {value!r}")
        return tuple(_as_int(v, name) for v in value)
    return (_as_int(value, name),) * nd


def _prepare(x, w, stride, padding, dilation, nd: int):
    """Batched views of x and w, the settings as tuples, the output sizes, and a squeeze flag."""
    x, w = np.asarray(x), np.asarray(w)
    if x.ndim == nd and w.ndim == nd:
        single = True
        x, w = x[None, None], w[None, None]  # (L,) -> (1, 1, L),  (K,) -> (1, 1, K)
    elif x.ndim == nd + 2 and w.ndim == nd + 2:
        single = False
        if x.shape[1] != w.shape[1]:
            raise ValueError(f"x has {x.shape[1]} input channels but w expects {w.shape[1]} "
                             f"(x {x.shape}, w {w.shape})")
    else:
        which = "(L,) and (K,), or (N, C_in, L) and (C_out, C_in, K)" if nd == 1 else \
            "(H, W) and (KH, KW), or (N, C_in, H, W) and (C_out, C_in, KH, KW)"
        raise ValueError(f"expected x and w of shapes {which}; got x {x.shape}, w {w.shape}")
    s, p, d = _tuple(stride, nd, "stride"), _tuple(padding, nd, "padding"), _tuple(dilation, nd, "dilation")
    out = tuple(output_size(x.shape[2 + a], w.shape[2 + a], s[a], p[a], d[a]) for a in range(nd))
    return x, w, s, p, d, out, single


def _columns(x, kernel, s, p, d, nd: int) -> np.ndarray:
    """Every input window, gathered ("im2col"): (N, C_in, *spatial) -> (N, C_in * prod(K), prod(out)).

    Row ``(c, j)`` column ``i`` holds ``xpad[c, i*s + j*d]``: output i's view through tap j.
    """
    xp = np.pad(x, [(0, 0), (0, 0)] + [(pa, pa) for pa in p]) if any(p) else x
    span = [d[a] * (kernel[a] - 1) + 1 for a in range(nd)]
    win = sliding_window_view(xp, span, axis=tuple(range(2, 2 + nd)))  # (N, C, *full_out, *span), a view
    keep = (slice(None),) * 2 + tuple(slice(None, None, sa) for sa in s) + tuple(slice(None, None, da) for da in d)
    win = win[keep]                                                     # (N, C, *out, *K), still a view
    n, c, out = x.shape[0], x.shape[1], win.shape[2:2 + nd]
    order = [0, 1] + list(range(2 + nd, 2 + 2 * nd)) + list(range(2, 2 + nd))
    return win.transpose(order).reshape(n, c * int(np.prod(kernel)), int(np.prod(out)))  # the one copy


def _corr(x, w, stride, padding, dilation, nd: int) -> np.ndarray:
    x, w, s, p, d, out, single = _prepare(x, w, stride, padding, dilation, nd)
    cols = _columns(x, w.shape[2:], s, p, d, nd)                    # (N, C_in*K, O)
    y = w.reshape(w.shape[0], -1) @ cols                            # (C_out, C_in*K) @ -> (N, C_out, O)
    y = y.reshape(x.shape[0], w.shape[0], *out)                     # (N, C_out, *out)
    return y[0, 0] if single else y


def _corr_backward(grad_y, x, w, stride, padding, dilation, nd: int) -> tuple[np.ndarray, np.ndarray]:
    x, w, s, p, d, out, single = _prepare(x, w, stride, padding, dilation, nd)
    g = np.asarray(grad_y)
    if single:
        g = g[None, None]                                           # (o,) -> (1, 1, o)
    expected = (x.shape[0], w.shape[0], *out)
    if g.shape != expected:
        raise ValueError(f"grad_y must have the output's shape {expected[2:] if single else expected}, "
                         f"got {np.asarray(grad_y).shape}")
    n, c_in, kernel = x.shape[0], x.shape[1], w.shape[2:]
    g = g.reshape(n, w.shape[0], -1)                                # (N, C_out, O)
    # dC/dw_(c_out, c_in, j) = sum_(n, i) dC/dy_(n, c_out, i) * xpad_(n, c_in, i*s + j*d)
    cols = _columns(x, kernel, s, p, d, nd)                         # (N, C_in*K, O)
    grad_w = (g @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)  # (N, C_out, C_in*K) -> w's shape
    # dC/dxpad_(n, c_in, i*s + j*d) += sum_(c_out) dC/dy_(n, c_out, i) w_(c_out, c_in, j)
    back = w.reshape(w.shape[0], -1).T @ g                          # (C_in*K, C_out) @ -> (N, C_in*K, O)
    back = back.reshape(n, c_in, *kernel, *out)                     # (N, C_in, *K, *out)
    padded = tuple(x.shape[2 + a] + 2 * p[a] for a in range(nd))
    grad_xp = np.zeros((n, c_in, *padded), dtype=back.dtype)
    for tap in itertools.product(*(range(k) for k in kernel)):      # k taps, not o outputs
        where = tuple(slice(tap[a] * d[a], tap[a] * d[a] + s[a] * (out[a] - 1) + 1, s[a]) for a in range(nd))
        grad_xp[(slice(None), slice(None)) + where] += back[(slice(None), slice(None)) + tap]
    crop = tuple(slice(p[a], p[a] + x.shape[2 + a]) for a in range(nd))
    grad_x = np.ascontiguousarray(grad_xp[(slice(None), slice(None)) + crop])  # (N, C_in, *spatial)
    if single:
        return grad_x[0, 0], grad_w[0, 0]
    return grad_x, grad_w


def _flip(w, nd: int) -> np.ndarray:
    w = np.asarray(w)
    return np.flip(w, axis=tuple(range(w.ndim - nd, w.ndim)))


# --------------------------------------------------------------------------------------------
# public forward and backward
# --------------------------------------------------------------------------------------------

def corr1d(x, w, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """1-D cross-correlation (torch's ``conv1d``): ``y_i = sum_j w_j xpad_(i*s + j*d)``.

    x (L,) and w (K,) -> y (o,); or x (N, C_in, L) and w (C_out, C_in, K) -> y (N, C_out, o),
    summing over C_in too. ``o = output_size(L, K, stride, padding, dilation)``; zero padding.
    Example: ``corr1d([1, 2, 3, 4], [1, -1])`` is ``[-1, -1, -1]``.
    """
    return _corr(x, w, stride, padding, dilation, nd=1)


def conv1d(x, w, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """1-D convolution as in the lecture, ``y_i = sum_j w_j x_(i-j)``: a cross-correlation with the
    kernel flipped, ``conv1d(x, w) == corr1d(x, w[::-1])``. Same shapes and settings as :func:`corr1d`;
    output 0 is the first position where the whole kernel lies on the (padded) input, so with
    ``padding=K-1`` it equals ``np.convolve(x, w)`` ("full") and with none ``np.convolve(x, w, "valid")``.
    """
    return _corr(x, _flip(w, 1), stride, padding, dilation, nd=1)


def corr2d(x, w, stride: IntOrPair = 1, padding: IntOrPair = 0, dilation: IntOrPair = 1) -> np.ndarray:
    """2-D cross-correlation (torch's ``conv2d``): ``y_(a,b) = sum_(k,l) w_(k,l) xpad_(a s_0 + k d_0, b s_1 + l d_1)``.

    x (H, W) and w (KH, KW) -> y (oH, oW); or x (N, C_in, H, W) and w (C_out, C_in, KH, KW) ->
    y (N, C_out, oH, oW). ``stride``, ``padding`` and ``dilation`` are an int or a (rows, columns) pair.
    """
    return _corr(x, w, stride, padding, dilation, nd=2)


def conv2d(x, w, stride: IntOrPair = 1, padding: IntOrPair = 0, dilation: IntOrPair = 1) -> np.ndarray:
    """2-D convolution, ``y_(a,b) = sum_(k,l) w_(k,l) x_(a-k, b-l)``: :func:`corr2d` with the kernel
    flipped along both axes (rotated by 180 degrees). Same shapes and settings as :func:`corr2d`."""
    return _corr(x, _flip(w, 2), stride, padding, dilation, nd=2)


def corr1d_backward(grad_y, x, w, stride: int = 1, padding: int = 0,
                    dilation: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Backward pass of :func:`corr1d`: ``(dC/dx, dC/dw)`` from ``grad_y = dC/dy``.

        dC/dw_j = sum_i dC/dy_i xpad_(i*s + j*d)
        dC/dx_m = sum_(i, j : i*s + j*d = m + p) w_j dC/dy_i     ( = sum_k w_k dC/dy_(m-k) for s=1, d=1, p=0)

    grad_y has y's shape ((o,) or (N, C_out, o)); the results have x's and w's shapes. Inputs that
    no output reads (the tail a stride skips) get gradient 0.
    """
    return _corr_backward(grad_y, x, w, stride, padding, dilation, nd=1)


def corr2d_backward(grad_y, x, w, stride: IntOrPair = 1, padding: IntOrPair = 0,
                    dilation: IntOrPair = 1) -> tuple[np.ndarray, np.ndarray]:
    """Backward pass of :func:`corr2d`: ``(dC/dx, dC/dw)``, in the shapes of x and w.

        dC/dw_(k,l) = sum_(a,b) dC/dy_(a,b) xpad_(a s_0 + k d_0, b s_1 + l d_1)
        dC/dx: each output (a, b) sends dC/dy_(a,b) w_(k,l) back to the input it read through tap (k, l)
    """
    return _corr_backward(grad_y, x, w, stride, padding, dilation, nd=2)


# --------------------------------------------------------------------------------------------
# who talks to whom: the wiring behind the diagrams
# --------------------------------------------------------------------------------------------

def connectivity(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """Which tap of output i reads input m, along one axis: an int array (o, n + 2p), -1 where none.

    Column m is padded input m (input ``m - padding``). Row i is output i's footprint (forward,
    ``i*s + j*d`` for j = 0..k-1); column m lists the outputs that send gradient back to it.
    Raises ``ValueError`` like :func:`output_size`.
    """
    o = output_size(n, kernel, stride, padding, dilation)
    taps = np.full((o, n + 2 * padding), -1, dtype=int)
    i = np.arange(o)[:, None]                                        # (o, 1)
    j = np.arange(kernel)[None, :]                                   # (1, k)
    taps[np.broadcast_to(i, (o, kernel)), i * stride + j * dilation] = np.broadcast_to(j, (o, kernel))
    return taps


def gradient_counts(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """How many (output, tap) pairs read each input, shape (n,): dC/dx for dC/dy = 1 and w = 1.

    With stride 1 and no border effects every input gets k; a stride larger than the dilated kernel
    spacing leaves some inputs with fewer, and some with none.
    """
    o = output_size(n, kernel, stride, padding, dilation)
    grad_x, _ = corr1d_backward(np.ones(o), np.zeros(n), np.ones(kernel), stride, padding, dilation)
    return np.rint(grad_x).astype(int)


def stack_paths(layers: Sequence[Sequence[int]], n: int | None = None) -> np.ndarray:
    """Number of paths from each input sample to one output of the last layer of a stack.

    ``layers`` as in :func:`receptive_field` (no padding). The chosen output is the middle one of
    the last layer; its gradient (1) is sent back through every layer with all weights 1, so entry
    m counts the paths from input m. The nonzero entries span :func:`receptive_field` samples; zeros
    inside that span are the "gridding" holes of repeated equal dilations. With ``n=None`` the input
    is just long enough for one output, otherwise ``n`` samples. Returns an int array (n,).
    """
    layers = [tuple(layer) + (1,) * (3 - len(layer)) for layer in layers]
    if n is None:
        n = receptive_field(layers)
    sizes = [n]
    for k, s, d in layers:
        sizes.append(output_size(sizes[-1], k, s, 0, d))
    g = np.zeros(sizes[-1])
    g[(sizes[-1] - 1) // 2] = 1.0
    for (k, s, d), size in zip(reversed(layers), reversed(sizes[:-1])):
        g, _ = corr1d_backward(g, np.zeros(size), np.ones(k), s, 0, d)
    return np.rint(g).astype(int)


@dataclass
class Wiring:
    """One setting of a 1-D convolution and who talks to whom in it (what the wiring diagrams draw)."""

    n: int                 # input length (without padding)
    kernel: int
    stride: int
    padding: int
    dilation: int
    size: int              # number of outputs o
    taps: np.ndarray       # (o, n + 2p) tap index j of output i at padded input m, -1 where none
    counts: np.ndarray     # (n,) how many (output, tap) pairs send gradient back to each input
    output: int            # the chosen output i, clamped to 0..o-1
    input: int             # the chosen input m, clamped to 0..n-1 (unpadded index)
    reads: np.ndarray      # padded indices that output i reads, tap 0 first: i*s + j*d
    senders: np.ndarray    # outputs that read input m and so send gradient back to it, ascending
    clamped: str           # "" or a note saying that a chosen index was out of range and was clamped


def wiring(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1,
           output: int = 0, input: int = 0) -> Wiring:
    """The wiring of ``corr1d`` on ``n`` inputs, seen from output ``output`` (forward: which inputs feed
    it) and from input ``input`` (backward: which outputs send gradient back to it).

    Indices beyond the last output or input are clamped to it (and ``clamped`` says so), so that any
    position of a slider is a legal picture. Raises ``ValueError`` like :func:`output_size` when the
    setting has no output at all.
    """
    o = output_size(n, kernel, stride, padding, dilation)
    taps = connectivity(n, kernel, stride, padding, dilation)        # (o, n + 2p)
    notes = []
    i, m = _as_int(output, "output"), _as_int(input, "input")
    if not 0 <= i < o:
        notes.append(f"output {i} does not exist (outputs 0..{o - 1}): showing output {min(max(i, 0), o - 1)}")
        i = min(max(i, 0), o - 1)
    if not 0 <= m < n:
        notes.append(f"input {m} does not exist (inputs 0..{n - 1}): showing input {min(max(m, 0), n - 1)}")
        m = min(max(m, 0), n - 1)
    return Wiring(
        n=n, kernel=kernel, stride=stride, padding=padding, dilation=dilation, size=o, taps=taps,
        counts=(taps >= 0).sum(axis=0)[padding:padding + n],        # = gradient_counts(...), cheaper
        output=i, input=m,
        reads=i * stride + np.arange(kernel) * dilation,
        senders=np.flatnonzero(taps[:, m + padding] >= 0),
        clamped="; ".join(notes),
    )


def shift(x, t: int, axis: int = -1) -> np.ndarray:
    """The lecture's translation ``tau(x)_i = x_(i+t)`` along ``axis``, filling with zeros.

    ``t > 0`` moves the content toward lower indices (left), ``t < 0`` toward higher ones; the
    ``|t|`` samples that come in from beyond the border are 0. Returns a new array.
    """
    x = np.asarray(x)
    t = _as_int(t, "t")
    out = np.zeros_like(x)
    n = x.shape[axis]
    if abs(t) >= n:
        return out
    src = [slice(None)] * x.ndim
    dst = [slice(None)] * x.ndim
    src[axis] = slice(max(t, 0), n + min(t, 0))
    dst[axis] = slice(max(-t, 0), n - max(t, 0))
    out[tuple(dst)] = x[tuple(src)]
    return out


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


def equivariance_gap(x, w, t: int, stride: int = 1) -> tuple[float, float]:
    """How far ``corr1d`` is from equivariant for the shift ``tau_t`` (see :func:`shift`).

    Compares ``f(tau_t x)`` with ``tau_u f(x)``, u = t // stride (the output shift that would match),
    for ``f = corr1d(., w, stride)`` on x (L,). Returns ``(inside, border)``: the largest absolute
    difference over the outputs whose windows see only real samples of both, and over the outputs
    near the end that read zeros shifted in (0.0 when there are none). ``inside`` is 0 up to rounding
    exactly when ``stride`` divides ``t``.
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    t, stride = _as_int(t, "t"), _as_int(stride, "stride")
    if t < 0:
        raise ValueError(f"t must be >= 0 (a shift to the left), got {t}")
    u = t // stride
    gap = np.abs(corr1d(shift(x, t), w, stride) - shift(corr1d(x, w, stride), u))  # (o,)
    i = np.arange(len(gap))
    inside = (i * stride + len(w) - 1 < len(x) - t) & (i < len(gap) - u)   # no zero came into these
    return float(gap[inside].max(initial=0.0)), float(gap[~inside].max(initial=0.0))


# --------------------------------------------------------------------------------------------
# the 2-D diagram and stacks of layers (notebook 07)
# --------------------------------------------------------------------------------------------

@dataclass
class GridWiring:
    """A square 2-D convolution on a small grid, seen from one output (what the 2-D diagram draws)."""

    size: int              # input height = width (without padding)
    kernel: int            # square kernel
    stride: int
    padding: int
    dilation: int
    out: int               # outputs per side, o
    output: int            # the chosen output, flattened row-major and clamped to 0..o*o-1
    row: int               # its row and column in the output grid
    col: int
    footprint: np.ndarray  # (size + 2p, size + 2p) bool: the padded inputs the chosen output reads
    counts: np.ndarray     # (size, size) gradient contributions each input receives (outer product of 1-D)
    clamped: str           # "" or a note that the chosen output was out of range


def grid_wiring(size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1,
                output: int = 0) -> GridWiring:
    """The wiring of ``corr2d`` with the same setting along both axes on a ``size`` x ``size`` input,
    seen from output ``output`` (counted row by row; clamped to the last one, with a note).

    Along each axis output a reads padded rows a*s + j*d: the 2-D footprint is the product of two
    1-D footprints, and so are the gradient counts. ``ValueError`` like :func:`output_size`.
    """
    o = output_size(size, kernel, stride, padding, dilation)
    k = _as_int(output, "output")
    note = ""
    if not 0 <= k < o * o:
        note = f"output {k} does not exist (outputs 0..{o * o - 1}): showing output {min(max(k, 0), o * o - 1)}"
        k = min(max(k, 0), o * o - 1)
    row, col = divmod(k, o)
    taps = connectivity(size, kernel, stride, padding, dilation) >= 0        # (o, size + 2p)
    counts = gradient_counts(size, kernel, stride, padding, dilation)        # (size,)
    return GridWiring(size=size, kernel=kernel, stride=stride, padding=padding, dilation=dilation, out=o,
                      output=k, row=row, col=col, footprint=np.outer(taps[row], taps[col]),
                      counts=np.outer(counts, counts), clamped=note)


#: the stacks the stack builder offers: name -> (stride, dilation) of layer l = 0, 1, 2, ...
STACK_PATTERNS = {
    "dense (s=1, d=1)": lambda l: (1, 1),
    "stride 2": lambda l: (2, 1),
    "dilation 1, 2, 4, 8": lambda l: (1, 2 ** l),
    "dilation 2, 2, 2, 2": lambda l: (1, 2),
    "dilation 3, 3, 3, 3": lambda l: (1, 3),
}


@dataclass
class Stack:
    """A stack of 1-D convolutions and the paths from its input to one output of its last layer."""

    layers: list[tuple[int, int, int]]   # (kernel, stride, dilation), first layer first
    field: int                           # receptive field r, in input samples
    jumps: list[int]                     # input samples between neighbouring units of level l (level 0: input)
    sizes: list[int]                     # units per level, input (level 0) first
    paths: list[np.ndarray]              # per level, how many paths lead from each unit to the top output
    edges: list[np.ndarray]              # per layer l, (count, 2) (unit at level l, unit at level l+1) on a path
    holes: int                           # input samples inside the field that no path reaches (gridding)


def stack(layers: int, kernel: int, pattern: str) -> Stack:
    """A stack of ``layers`` layers of kernel ``kernel`` following ``pattern`` (a key of
    :data:`STACK_PATTERNS`), on an input just long enough for one output of the last layer.

    ``paths[0]`` is :func:`stack_paths`; its nonzero entries span :func:`receptive_field` samples,
    and its zeros inside that span are the holes that repeated equal dilations leave.
    """
    if pattern not in STACK_PATTERNS:
        raise ValueError(f"unknown pattern {pattern!r}; the patterns are {list(STACK_PATTERNS)}")
    layers, kernel = _as_int(layers, "layers"), _as_int(kernel, "kernel")
    if layers < 1:
        raise ValueError(f"a stack needs at least 1 layer, got {layers}")
    spec = [(kernel, *STACK_PATTERNS[pattern](l)) for l in range(layers)]
    field = receptive_field(spec)
    sizes, jumps = [field], [1]
    for k, s, d in spec:
        sizes.append(output_size(sizes[-1], k, s, 0, d))
        jumps.append(jumps[-1] * s)
    top = np.zeros(sizes[-1])
    top[(sizes[-1] - 1) // 2] = 1.0
    paths, edges = [top], []
    for (k, s, d), size in zip(reversed(spec), reversed(sizes[:-1])):   # from the top level down
        above = paths[0]
        below, _ = corr1d_backward(above, np.zeros(size), np.ones(k), s, 0, d)
        unit = np.flatnonzero(above)[:, None]                            # (count, 1) units on a path
        edges.insert(0, np.column_stack([(unit * s + np.arange(k) * d).ravel(), np.repeat(unit[:, 0], k)]))
        paths.insert(0, below)
    paths = [np.rint(p).astype(int) for p in paths]
    reached = np.flatnonzero(paths[0])
    holes = int(reached[-1] - reached[0] + 1 - reached.size)
    return Stack(layers=spec, field=field, jumps=jumps, sizes=sizes, paths=paths, edges=edges, holes=holes)
