"""Cross-correlation and convolution in 1-D and 2-D, their backward pass written out, and output sizes.
numpy only, vectorised: no Python loop over output positions. (Wiring diagrams, stacks and receptive
fields are :mod:`lecturekit.wiring`; motifs and the translation ``shift``, :mod:`lecturekit.motifs`.)

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

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["as_index", "output_size", "corr1d", "conv1d", "corr2d", "conv2d", "corr1d_backward", "corr2d_backward"]

IntOrPair = int | tuple[int, int]


# --------------------------------------------------------------------------------------------
# sizes
# --------------------------------------------------------------------------------------------

def as_index(value, name: str) -> int:
    """``value`` as a Python int, or a ``ValueError`` naming it (a float, even 3.0, is not a size)."""
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
    n, k = as_index(n, "the input length"), as_index(kernel, "kernel")
    s, p, d = as_index(stride, "stride"), as_index(padding, "padding"), as_index(dilation, "dilation")
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


# --------------------------------------------------------------------------------------------
# the n-d engine behind corr1d / corr2d (spatial dims nd = 1 or 2)
# --------------------------------------------------------------------------------------------

def _tuple(value, nd: int, name: str) -> tuple[int, ...]:
    if isinstance(value, (tuple, list, np.ndarray)):
        if len(value) != nd:
            raise ValueError(f"{name} must be an int or {nd} ints, got {value!r}")
        return tuple(as_index(v, name) for v in value)
    return (as_index(value, name),) * nd


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
