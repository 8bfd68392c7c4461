"""Exercises of notebook 08: pooling, invariance and equivariance."""

from __future__ import annotations

import numpy as np

from .. import motifs, pooling
from . import Exercise, choice, register
from .judge import as_array, compare_function, compare_values

_RNG = np.random.default_rng(808)

# --- 1. 2x2 max pooling with a reshape ------------------------------------------------------------


def _max_pool_2x2(x: np.ndarray) -> np.ndarray:
    # (H, W) -> (H/2, 2, W/2, 2): axis 1 is the row inside a window, axis 3 the column inside it
    H, W = x.shape
    return x.reshape(H // 2, 2, W // 2, 2).max(axis=(1, 3))


_POOL_IMAGE = _RNG.normal(size=(6, 8))


def _judge_max_pool_2x2(fn) -> str | None:
    x = _POOL_IMAGE
    raw = fn(x.copy())
    got = as_array(raw)
    wrong_windows = x.reshape(3, 4, 4).max(axis=-1)  # x.reshape(H/2, W/2, 4): four neighbours in a ROW
    if got.shape == wrong_windows.shape and np.allclose(got, wrong_windows):
        return ("your windows are four pixels in a row, not 2x2 squares: reshape to (H/2, 2, W/2, 2) "
                "and take the max over axes 1 and 3")
    if got.shape == (3, 4) and np.allclose(got, x.reshape(3, 2, 4, 2).mean(axis=(1, 3))):
        return "that is average pooling; max pooling keeps the largest value of each window"
    if got.shape == (5, 7):
        return "your windows overlap (stride 1); here the stride is 2, like the window"
    problem = compare_values(raw, _max_pool_2x2(x), what="your pooled image (for a 6x8 input)")
    if problem:
        return problem
    # other shapes than the notebook's 6x8 image: an answer written for one shape fails here
    for shape in ((4, 4), (2, 10), (8, 2)):
        other = np.random.default_rng(sum(shape)).normal(size=shape)
        try:
            raw = fn(other.copy())
        except Exception as err:  # e.g. a hard-coded reshape(3, 2, 4, 2)
            return f"for a {shape[0]}x{shape[1]} image your function raised {type(err).__name__}: {err}; write it for any even H and W"
        problem = compare_values(raw, _max_pool_2x2(other), what=f"your pooled image for a {shape[0]}x{shape[1]} input")
        if problem:
            return problem
    return None


max_pool_2x2 = register(Exercise(
    name="pooling.max_pool_2x2",
    question=("Write max_pool_2x2(x): max pooling of an image x (H, W), H and W even, over 2x2 windows "
              "with stride 2, returning (H/2, W/2). No loop: use a reshape."),
    reference=_max_pool_2x2,
    judge=_judge_max_pool_2x2,
    hints=["Pixel (i, j) lies in window (i // 2, j // 2), at place (i % 2, j % 2) inside it.",
           "x.reshape(H // 2, 2, W // 2, 2) puts i // 2, i % 2, j // 2, j % 2 on axes 0, 1, 2, 3."],
))


# --- 2. log-sum-exp without overflow --------------------------------------------------------------


def _lse_pool(z: np.ndarray, beta: float) -> float:
    # subtract the max m: exp(beta (z_n - m)) <= 1 cannot overflow, and the largest term is exactly 1
    m = np.max(z)
    return m + np.log(np.sum(np.exp(beta * (z - m)))) / beta


_LSE_CASES = [
    (np.array([0.5, -1.0, 2.0]), 1.0),
    (np.array([0.5, -1.0, 2.0]), 0.1),
    (_RNG.normal(size=7), 3.0),
    (np.array([1000.0, 999.0, 998.0]), 1.0),
    (np.array([1000.0, 1000.0, 999.5]), 1e4),
    (np.array([-1000.0, -1001.0]), 2.0),
]


def _judge_lse_pool(fn) -> str | None:
    for z, beta in _LSE_CASES:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            got = fn(z.copy(), beta)
        got_arr = as_array(got)
        if got_arr.shape == () and not np.isfinite(got_arr):
            return (f"lse_pool(z, beta={beta:g}) with z near {z[0]:g} gave {float(got_arr)}: exp(beta z) "
                    "over- or underflows. Subtract max(z) before exponentiating and add it back after.")
        mean_form = float(pooling.lse_pool(z, beta, mean=True))
        if got_arr.shape == () and np.isclose(float(got_arr), mean_form, rtol=1e-9) and len(z) > 1:
            return ("you computed the mean-normalised form (1/beta) log((1/N) sum exp(beta z)); the lecture's "
                    "log-sum-exp has the plain sum inside the log")
        problem = compare_values(got, float(pooling.lse_pool(z, beta)),
                                 what=f"lse_pool(z, beta={beta:g}) for z = {np.round(z, 3).tolist()}",
                                 rtol=1e-9)
        if problem:
            return problem
    return None


lse_pool = register(Exercise(
    name="pooling.lse_pool",
    question=("Write lse_pool(z, beta) = (1/beta) log sum_n exp(beta z_n) for a vector z, so that it stays "
              "finite for beta = 1e4 and z near 1000 (where exp(beta z) is inf)."),
    reference=_lse_pool,
    judge=_judge_lse_pool,
    hints=["log sum_n exp(a_n) = m + log sum_n exp(a_n - m) for any constant m.",
           "Take m = beta * max(z): then every exponent is <= 0 and the largest term is exp(0) = 1."],
))


# --- 3. the gradient of L_p pooling ---------------------------------------------------------------


def _lp_pool_grad(z: np.ndarray, p: float) -> np.ndarray:
    # y = (sum |z_n|^p)^(1/p)  =>  dy/dz_n = (1/p) y^(1-p) * p |z_n|^(p-1) sign(z_n) = sign(z_n) (|z_n| / y)^(p-1)
    y = np.sum(np.abs(z) ** p) ** (1 / p)
    return np.sign(z) * (np.abs(z) / y) ** (p - 1)


_GRAD_CASES = [
    (np.array([0.3, 1.1, 2.0, 0.6]), 2.0),
    (np.array([0.3, 1.1, 2.0, 0.6]), 1.0),
    (np.array([1.5, -0.5, 2.5, -2.0, 0.7]), 3.0),
    (_RNG.normal(size=6), 7.5),
]


def _judge_lp_pool_grad(fn) -> str | None:
    z, p = _GRAD_CASES[2]
    raw = fn(z.copy(), p)
    got = as_array(raw)
    expected = _lp_pool_grad(z, p)
    if got.shape == z.shape and np.allclose(got, np.abs(expected)):
        return ("right for positive inputs, but L_p pools |z_n|: a negative z_n gets a negative gradient "
                "(the factor sign(z_n))")
    if got.shape == z.shape and np.allclose(got, (np.abs(z) / pooling.lp_pool(z, p)) ** p * np.sign(z)):
        return "check the power: the derivative of |z_n|^p brings down p and leaves |z_n|^(p-1)"
    return compare_function(fn, _lp_pool_grad, _GRAD_CASES, what="lp_pool_grad", rtol=1e-8)


lp_pool_grad = register(Exercise(
    name="pooling.lp_pool_grad",
    question=("Write lp_pool_grad(z, p): the gradient dy/dz of y = (sum_n |z_n|^p)^(1/p), an array of "
              "z's shape. Then look at it for p = 1 and for large p."),
    reference=_lp_pool_grad,
    judge=_judge_lp_pool_grad,
    hints=["Chain rule: y = S^(1/p) with S = sum_n |z_n|^p, so dy/dz_n = (1/p) S^(1/p - 1) dS/dz_n.",
           "dS/dz_n = p |z_n|^(p-1) sign(z_n), and S^(1/p - 1) = y^(1 - p)."],
))


# --- 4. the lecture's translation -----------------------------------------------------------------


def _shift(x: np.ndarray, tau: int) -> np.ndarray:
    # tau(x)_i = x_(i+tau): read tau places further on; where i + tau runs off the end, put 0
    out = np.zeros_like(x)
    out[: len(x) - tau] = x[tau:]
    return out


_SIGNAL = np.arange(1.0, 9.0)


def _judge_shift(fn) -> str | None:
    x = _SIGNAL
    raw = fn(x.copy(), 3)
    got = as_array(raw)
    if got.shape == x.shape and np.allclose(got, np.roll(x, -3)):
        return ("your shift wraps around (like np.roll): the values that leave on the left come back on the "
                "right. The lecture's shift lets them go and fills in zeros.")
    if got.shape == x.shape and np.allclose(got, motifs.shift(x, -3)):
        return "you shifted to the right; tau(x)_i = x_(i+tau) reads further on, so the content moves left"
    if got.shape == x.shape and np.allclose(got, np.roll(x, 3)):
        return "you shifted to the right, and wrapped around; tau(x)_i = x_(i+tau) moves the content left"
    return compare_function(fn, _shift, [(x, 3), (x, 0), (x, 1), (x, 8)], what="shift")


shift = register(Exercise(
    name="pooling.shift",
    question=("Write shift(x, tau) for a 1-D signal x and 0 <= tau <= len(x): the lecture's translation "
              "tau(x)_i = x_(i+tau), with 0 where i + tau is past the end."),
    reference=_shift,
    judge=_judge_shift,
    hints=["For x = [1, 2, 3, 4] and tau = 1 the answer is [2, 3, 4, 0].",
           "Start from np.zeros_like(x) and copy x[tau:] into the first len(x) - tau places."],
))


# --- predict first: where log-sum-exp's gradient goes for a small beta -------------------------------

lse_gradient_small_beta = register(choice(
    name="pooling.lse_gradient_small_beta",
    question=("Predict before the explorer: as beta -> 0, where does the gradient dy/dz of log-sum-exp pooling "
              'y = (1/beta) log sum_n exp(beta z_n) go? Answer "all to the largest input", "equally to every input" '
              'or "nowhere: it vanishes".'),
    options=("all to the largest input", "equally to every input", "nowhere: it vanishes"),
    correct="equally to every input",
    why={
        "all to the largest input": ("that is the large-beta limit; as beta -> 0, softmax(beta z) -> 1/N for every "
                                     "input, the mean's gradient"),
        "nowhere: it vanishes": ("the unnormalised value grows like log(N)/beta, but its gradient is softmax(beta z), "
                                 "which always sums to 1: as beta -> 0 it tends to 1/N for every input"),
    },
    hints=["Differentiate: dy/dz_n = exp(beta z_n) / sum_k exp(beta z_k).",
           "What is exp(beta z_n) for every n when beta is 0?"],
    solution_text="equally to every input: dy/dz = softmax(beta z) -> 1/N each as beta -> 0, the mean's gradient.",
))
