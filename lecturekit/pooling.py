"""Pooling: aggregate many values into one, and see where the gradient goes.

The lecture's pooling functions, each permutation invariant within its window (reordering
z_1 ... z_N does not change y):

    y = sum_n z_n                              sum pooling
    y = (1/N) sum_n z_n                        average pooling
    y = max_n z_n                              max pooling
    y = (sum_n |z_n|^p)^(1/p)                  L_p pooling (p = 2 the most popular)
    y = (1/beta) log sum_n exp(beta z_n)       log-sum-exp pooling (the lecture writes P for beta)

L_p with p = 1 is the sum of |z_n|; as p -> inf it tends to max_n |z_n|. Log-sum-exp tends
to the max as beta -> inf, but as beta -> 0 it does NOT tend to the average: it grows like
log(N)/beta, because

    (1/beta) log sum_n exp(beta z_n) = log(N)/beta + (1/beta) log((1/N) sum_n exp(beta z_n)),

and the second term (the *mean-normalised* form) tends to the average (1/N) sum_n z_n.
``mean=True`` gives the normalised forms, ((1/N) sum_n |z_n|^p)^(1/p) and
(1/beta) log((1/N) sum_n exp(beta z_n)), which move from the average (of |z| for L_p, at
p = 1) to the max.

The gradients say which inputs learn: dy/dz_n = sign(z_n) (|z_n| / y)^(p-1) for L_p, and
dy/dz_n = softmax(beta z)_n for log-sum-exp. Both move from every input (p = 1, beta -> 0)
to a single winner (p, beta -> inf), which is max pooling's gradient.

Numerically stable: log-sum-exp subtracts the max before exponentiating and L_p factors out
max |z_n|, so beta = 1e4 or p = 100 on values near 1000 give finite, correct results.

Windows: every pooling function takes ``kernel=None`` (pool the whole last axis), an int
(slide a window of that length over the last axis) or a pair (a window over the last two
axes), and a ``stride`` of the same form that defaults to the kernel. Windows never hang
over the edge (no padding): the output length is floor((L - K) / S) + 1, as in torch.

Invariance and equivariance, the other half of notebook 08, are :mod:`lecturekit.invariance`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


__all__ = ["Kernel", "max_pool", "avg_pool", "lp_pool", "lse_pool", "lp_pool_grad", "lse_pool_grad",
           "EXAMPLE_ACTIVATIONS", "ExponentView", "exponent_view"]

#: an int (a window over the last axis), a pair (over the last two axes), or None (the whole last axis)
Kernel = int | tuple[int, int] | None


# ----------------------------------------------------------------------------------------------
# windows


def _as_float_array(z) -> np.ndarray:
    try:
        z = np.asarray(z, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"z must be an array of real numbers; {err}") from None
    if z.ndim == 0:
        raise ValueError("z must have at least one axis to pool over; got a scalar")
    if z.shape[-1] == 0:
        raise ValueError(f"cannot pool over an empty axis; got shape {z.shape}")
    return z


def _as_pair(value, name: str, dims: int) -> tuple[int, ...]:
    values = (value,) * dims if np.ndim(value) == 0 else tuple(value)
    if len(values) != dims:
        raise ValueError(f"{name} must be an int or a sequence of {dims}; got {value!r}")
    out = []
    for v in values:
        if isinstance(v, (bool, np.bool_)) or int(v) != v or v < 1:
            raise ValueError(f"{name} must be whole numbers >= 1; got {value!r}")
        out.append(int(v))
    return tuple(out)


def _windows(z: np.ndarray, kernel: Kernel, stride) -> np.ndarray:
    """The pooling windows of ``z`` laid out along a new last axis.

    kernel None: (..., L) -> (..., L), the whole last axis is one window.
    kernel K:    (..., L) -> (..., L_out, K), L_out = floor((L - K) / S) + 1.
    kernel (KH, KW): (..., H, W) -> (..., H_out, W_out, KH * KW).
    """
    if kernel is None:
        if stride is not None:
            raise ValueError("stride needs a kernel: with kernel=None the whole last axis is pooled")
        return z
    dims = 1 if np.ndim(kernel) == 0 else 2
    if np.ndim(kernel) > 1 or (dims == 2 and len(kernel) != 2):
        raise ValueError(f"kernel must be None, an int, or a pair (KH, KW); got {kernel!r}")
    k = _as_pair(kernel, "kernel", dims)
    s = k if stride is None else _as_pair(stride, "stride", dims)
    if z.ndim < dims:
        raise ValueError(f"a {dims}-D kernel {k} needs an input with at least {dims} axes; got shape {z.shape}")
    sizes = z.shape[-dims:]
    if any(kk > n for kk, n in zip(k, sizes)):
        raise ValueError(f"kernel {k if dims == 2 else k[0]} is larger than the input's last "
                         f"{'two axes' if dims == 2 else 'axis'} {sizes if dims == 2 else sizes[0]}")
    axes = tuple(range(-dims, 0))
    win = sliding_window_view(z, k, axis=axes)  # (..., L - K + 1, K) or (..., H - KH + 1, W - KW + 1, KH, KW)
    if dims == 1:
        return win[..., :: s[0], :]  # (..., L_out, K)
    win = win[..., :: s[0], :: s[1], :, :]  # (..., H_out, W_out, KH, KW)
    return win.reshape(*win.shape[:-2], k[0] * k[1])  # (..., H_out, W_out, KH * KW)


def _pooled(reduce: Callable[[np.ndarray], np.ndarray], z, kernel: Kernel, stride) -> np.ndarray:
    return reduce(_windows(_as_float_array(z), kernel, stride))


# ----------------------------------------------------------------------------------------------
# the pooling functions


def max_pool(z, kernel: Kernel = None, stride: Kernel = None) -> np.ndarray:
    """Max pooling, y = max_n z_n over each window.

    z (..., L) with kernel None or an int, (..., H, W) with a pair. Returns (...) for kernel
    None, (..., L_out) for an int, (..., H_out, W_out) for a pair (see the module docstring).
    Same as ``torch.nn.functional.max_pool1d/max_pool2d`` without padding.

    >>> max_pool([1.0, 3.0, 2.0, 0.0], kernel=2)
    array([3., 2.])
    """
    return _pooled(lambda w: w.max(axis=-1), z, kernel, stride)


def avg_pool(z, kernel: Kernel = None, stride: Kernel = None) -> np.ndarray:
    """Average pooling, y = (1/N) sum_n z_n over each window of N values.

    Shapes as in :func:`max_pool`. Same as ``torch.nn.functional.avg_pool1d/avg_pool2d``
    without padding.

    >>> avg_pool([1.0, 3.0, 2.0, 0.0], kernel=2)
    array([2., 1.])
    """
    return _pooled(lambda w: w.mean(axis=-1), z, kernel, stride)


def _check_exponent(value, name: str) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number > 0 (inf allowed); got {value!r}") from None
    if not value > 0:  # also catches NaN
        raise ValueError(f"{name} must be > 0 (inf allowed); got {value!r}")
    return value


def _lp_reduce(w: np.ndarray, p: float, mean: bool) -> np.ndarray:
    """L_p of |w| over the last axis, with max |w| factored out: y = m (sum (|w|/m)^p)^(1/p)."""
    a = np.abs(w)
    m = a.max(axis=-1, keepdims=True)  # (..., 1)
    if p == math.inf:
        return m[..., 0]
    ok = (m > 0) & np.isfinite(m)  # m = 0 (all zeros), inf or NaN: y is m itself
    ratio = np.divide(a, m, out=np.zeros_like(a), where=ok)  # in [0, 1], the largest is 1
    inner = (ratio**p).mean(axis=-1) if mean else (ratio**p).sum(axis=-1)  # (...,), in [1/N, N]
    return np.where(ok[..., 0], m[..., 0] * inner ** (1.0 / p), m[..., 0])


def lp_pool(z, p: float, kernel: Kernel = None, stride: Kernel = None, *, mean: bool = False) -> np.ndarray:
    """L_p pooling, y = (sum_n |z_n|^p)^(1/p) over each window: it pools the magnitudes |z_n|.

    p > 0 (``p = inf`` gives max_n |z_n|; p = 1 the sum of |z_n|; p = 2 the Euclidean norm).
    ``mean=True`` gives the normalised form ((1/N) sum_n |z_n|^p)^(1/p), which is the average
    of |z_n| at p = 1 and also tends to max_n |z_n| as p -> inf. Shapes as in :func:`max_pool`.

    Departure from torch: ``torch.nn.functional.lp_pool1d/lp_pool2d`` raise z_n (not |z_n|)
    to the power p, so they agree with this function on non-negative inputs only.
    Stable: the largest |z_n| is factored out, so p = 100 on values near 1000 is finite.

    >>> lp_pool([3.0, -4.0], p=2)
    array(5.)
    """
    p = _check_exponent(p, "p")
    return _pooled(lambda w: _lp_reduce(w, p, mean), z, kernel, stride)


def _lse_reduce(w: np.ndarray, beta: float, mean: bool) -> np.ndarray:
    """(1/beta) log sum exp(beta w) over the last axis, with the max subtracted first."""
    m = w.max(axis=-1, keepdims=True)  # (..., 1)
    if beta == math.inf:
        return m[..., 0]
    with np.errstate(invalid="ignore"):  # inf - inf where the max is infinite: handled below
        x = beta * (w - m)  # (..., N), every entry <= 0, the largest is 0
    # log((1/N) sum exp(x)) = log1p(mean(expm1(x))): accurate for tiny beta too
    log_mean = np.log1p(np.expm1(x).mean(axis=-1))  # (...,)
    n = w.shape[-1]
    log_inner = log_mean if mean else log_mean + math.log(n)
    y = m[..., 0] + log_inner / beta
    return np.where(np.isfinite(m[..., 0]), y, m[..., 0])


def lse_pool(z, beta: float, kernel: Kernel = None, stride: Kernel = None, *, mean: bool = False) -> np.ndarray:
    """Log-sum-exp pooling, y = (1/beta) log sum_n exp(beta z_n) over each window.

    beta > 0 (``beta = inf`` gives the max). As beta -> inf, y -> max_n z_n; as beta -> 0,
    y ~ log(N)/beta + mean(z): it grows without bound. ``mean=True`` gives the mean-normalised
    form (1/beta) log((1/N) sum_n exp(beta z_n)) = y - log(N)/beta, which tends to the
    average as beta -> 0. The lecture writes P for beta. Shapes as in :func:`max_pool`.

    Stable: computed as m + (1/beta) log sum_n exp(beta (z_n - m)) with m = max_n z_n, so
    beta = 1e4 on values near 1000 is finite (a plain exp(1e7) overflows).

    >>> lse_pool([1000.0, 1000.0], beta=1e4)
    array(1000.00006931)
    """
    beta = _check_exponent(beta, "beta")
    return _pooled(lambda w: _lse_reduce(w, beta, mean), z, kernel, stride)


# ----------------------------------------------------------------------------------------------
# gradients of whole-axis pooling


def lp_pool_grad(z, p: float, *, mean: bool = False) -> np.ndarray:
    """dy/dz_n of whole-axis L_p pooling, in closed form: sign(z_n) (|z_n| / y)^(p-1).

    y = (sum_n |z_n|^p)^(1/p) pools the last axis of z (..., N); the result has z's shape.
    With ``mean=True``, y = ((1/N) sum_n |z_n|^p)^(1/p) and dy/dz_n = (1/N) sign(z_n) (|z_n| / y)^(p-1).
    p = 1 sends sign(z_n) to every input (the sum's gradient); as p grows the gradient
    concentrates on the largest |z_n|; ``p = inf`` gives max pooling's gradient (1 on the
    largest |z_n|, split equally between ties, which is the limit of finite p).

    Where z_n = 0 the result is 0: the derivative for p > 1, a subgradient for p = 1, and for
    p < 1 a choice (the derivative is infinite there). Where every z_n = 0, y is not
    differentiable (it is a norm) and the result is 0.
    """
    p = _check_exponent(p, "p")
    z = _as_float_array(z)
    a = np.abs(z)
    n = z.shape[-1]
    if p == math.inf:
        m = a.max(axis=-1, keepdims=True)
        winners = (a == m) & (m > 0)
        return np.sign(z) * winners / np.maximum(winners.sum(axis=-1, keepdims=True), 1)
    y = _lp_reduce(z, p, mean)[..., None]  # (..., 1)
    nonzero = (a > 0) & (y > 0)
    ratio = np.divide(a, y, out=np.ones_like(a), where=nonzero)  # |z_n| / y
    grad = np.where(nonzero, np.sign(z) * ratio ** (p - 1.0), 0.0)  # (..., N)
    return grad / n if mean else grad


def lse_pool_grad(z, beta: float) -> np.ndarray:
    """dy/dz_n of whole-axis log-sum-exp pooling, in closed form: softmax(beta z)_n.

    y = (1/beta) log sum_n exp(beta z_n) pools the last axis of z (..., N); the result has z's
    shape and sums to 1 along the last axis. The mean-normalised form differs from y by the
    constant log(N)/beta, so it has the same gradient. beta -> 0 spreads the gradient evenly,
    1/N to every input; beta -> inf (``beta = inf``) sends it all to the max (split between ties).
    """
    beta = _check_exponent(beta, "beta")
    z = _as_float_array(z)
    m = z.max(axis=-1, keepdims=True)
    if beta == math.inf:
        winners = z == m
        return winners / winners.sum(axis=-1, keepdims=True)
    e = np.exp(beta * (z - m))  # (..., N), in (0, 1], the max gives 1
    return e / e.sum(axis=-1, keepdims=True)


# ----------------------------------------------------------------------------------------------
# the exponent dashboard's computation

#: eight non-negative activations (after a ReLU, say): one clear winner, a close second, small ones
EXAMPLE_ACTIVATIONS = np.array([0.3, 1.1, 2.0, 0.6, 1.7, 0.1, 0.9, 1.4])
EXAMPLE_ACTIVATIONS.flags.writeable = False


@dataclass(frozen=True)
class ExponentView:
    """Everything the exponent dashboard shows for one (p, beta)."""

    z: np.ndarray  # (N,) the pooled inputs
    p: float
    beta: float
    lp: float  # (sum |z|^p)^(1/p)
    lp_mean: float  # ((1/N) sum |z|^p)^(1/p)
    lse: float  # (1/beta) log sum exp(beta z)
    lse_mean: float  # (1/beta) log((1/N) sum exp(beta z))
    lp_grad: np.ndarray  # (N,) dy/dz_n of L_p (lecture's form)
    lse_grad: np.ndarray  # (N,) dy/dz_n of log-sum-exp, softmax(beta z)
    ps: np.ndarray  # (M,) grid of p for the curves
    lp_curve: np.ndarray  # (M,) L_p along ps
    lp_mean_curve: np.ndarray  # (M,) normalised L_p along ps
    betas: np.ndarray  # (M,) grid of beta for the curves, log-spaced
    lse_curve: np.ndarray  # (M,) log-sum-exp along betas
    lse_mean_curve: np.ndarray  # (M,) normalised log-sum-exp along betas
    total: float  # sum of z (L_p at p = 1 for z >= 0)
    average: float  # mean of z
    maximum: float  # max of z


def exponent_view(p: float, beta: float, z=EXAMPLE_ACTIVATIONS, *,
                  p_range: tuple[float, float] = (1.0, 64.0),
                  beta_range: tuple[float, float] = (0.02, 50.0), points: int = 200) -> ExponentView:
    """Pool ``z`` (N,) with L_p at ``p`` and log-sum-exp at ``beta``, both forms, with gradients,
    and the pooled values along a log-spaced grid of p and of beta (the curves the dashboard draws)."""
    z = _as_float_array(z)
    if z.ndim != 1:
        raise ValueError(f"z must be a vector (N,); got shape {z.shape}")
    curves = _exponent_curves(tuple(z), tuple(p_range), tuple(beta_range), int(points))
    return ExponentView(
        z=z, p=float(p), beta=float(beta),
        lp=float(lp_pool(z, p)), lp_mean=float(lp_pool(z, p, mean=True)),
        lse=float(lse_pool(z, beta)), lse_mean=float(lse_pool(z, beta, mean=True)),
        lp_grad=lp_pool_grad(z, p), lse_grad=lse_pool_grad(z, beta),
        **curves,
        total=float(np.abs(z).sum()), average=float(z.mean()), maximum=float(z.max()),
    )


@lru_cache(maxsize=8)
def _exponent_curves(z: tuple, p_range: tuple, beta_range: tuple, points: int) -> dict[str, np.ndarray]:
    """The pooled values of ``z`` along log-spaced grids of p and beta (they do not depend on the sliders)."""
    ps = np.geomspace(*p_range, points)
    betas = np.geomspace(*beta_range, points)
    curves = dict(
        ps=ps,
        lp_curve=np.array([lp_pool(z, q) for q in ps]),
        lp_mean_curve=np.array([lp_pool(z, q, mean=True) for q in ps]),
        betas=betas,
        lse_curve=np.array([lse_pool(z, b) for b in betas]),
        lse_mean_curve=np.array([lse_pool(z, b, mean=True) for b in betas]),
    )
    for array in curves.values():
        array.flags.writeable = False  # shared between calls: nobody may change them
    return curves
