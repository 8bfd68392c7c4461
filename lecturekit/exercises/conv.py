"""Exercises of notebook 06: convolutions, motifs, and backprop through a convolution."""

from __future__ import annotations

import numpy as np

from .. import conv
from . import Exercise, choice, register
from .judge import as_array, compare_values



def _cases_1d() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(x, w, grad_y) test cases, freshly made: random kernels are asymmetric, so a flipped kernel
    gives a different answer; one kernel has a single tap and one covers the whole signal."""
    rng = np.random.default_rng(6)
    return [(rng.normal(size=n), rng.normal(size=k), rng.normal(size=n - k + 1))
            for n, k in [(10, 3), (7, 1), (12, 4), (5, 5)]]


def _as_vector(value) -> np.ndarray | None:
    try:
        return as_array(value)
    except (TypeError, ValueError):
        return None


# --- 1. cross-correlation by hand ---------------------------------------------------------------


def _corr1d(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    # y_i = sum_j w_j x_(i+j), for every i where the whole kernel lies on x
    K = len(w)
    return np.array([np.dot(w, x[i:i + K]) for i in range(len(x) - K + 1)])


def _judge_corr1d(fn) -> str | None:
    for x, w, _ in _cases_1d():
        raw = fn(x, w)
        got = _as_vector(raw)
        if got is None:
            return "corr1d should return an array of numbers"
        want = conv.corr1d(x, w)
        problem = compare_values(raw, want, what=f"corr1d(<array {len(x)}>, <array {len(w)}>)")
        if problem is None:
            continue
        if got.shape == want.shape and np.allclose(got, conv.conv1d(x, w)):
            return ("that is the convolution y_i = sum_j w_j x_(i-j): your kernel runs backwards. "
                    "Cross-correlation reads x_(i+j) with w_j, both in the same direction")
        if got.shape == (len(x) + len(w) - 1,):
            return (f"your output has {len(x) + len(w) - 1} values: that is the 'full' result, which "
                    f"slides off the ends of x. Keep only the {len(x) - len(w) + 1} positions where the "
                    "whole kernel lies on x")
        return problem
    return None


corr1d = register(Exercise(
    name="conv.corr1d",
    question=("Write corr1d(x, w), the cross-correlation y_i = sum_j w_j x_(i+j) of a signal x (L,) with a "
              "kernel w (K,), at the L - K + 1 positions where the kernel lies wholly on x."),
    reference=_corr1d,
    judge=_judge_corr1d,
    hints=["Output i is the dot product of w with the window x[i : i + K].",
           "There are len(x) - len(w) + 1 windows: i = 0, 1, ..., len(x) - len(w)."],
))


# --- 2. the weight gradient ------------------------------------------------------------------------


def _weight_gradient(x: np.ndarray, grad_y: np.ndarray) -> np.ndarray:
    # dC/dw_j = sum_i dC/dy_i x_(i+j): the same weight is used at every position i, so its gradient
    # adds up one contribution per position
    O = len(grad_y)
    K = len(x) - O + 1
    return np.array([np.dot(grad_y, x[j:j + O]) for j in range(K)])


def _judge_weight_gradient(fn) -> str | None:
    for x, w, g in _cases_1d():
        raw = fn(x, g)
        got = _as_vector(raw)
        if got is None:
            return "weight_gradient should return an array of numbers"
        _, want = conv.corr1d_backward(g, x, w)
        problem = compare_values(raw, want, what=f"weight_gradient(<array {len(x)}>, <array {len(g)}>)")
        if problem is None:
            continue
        if got.shape == want.shape and np.allclose(got, want[::-1]):
            return "your gradient is reversed: dC/dw_j pairs dC/dy_i with x_(i+j), the input that w_j touched"
        if got.ndim == 1 and got.shape != want.shape:
            return (f"dC/dw has one entry per weight: {len(x) - len(g) + 1} here (len(x) - len(grad_y) + 1), "
                    f"you returned {got.size}")
        return problem
    return None


weight_gradient = register(Exercise(
    name="conv.weight_gradient",
    question=("y = corr1d(x, w) with a kernel of K = len(x) - len(grad_y) + 1 taps. Given x and "
              "grad_y = dC/dy, write weight_gradient(x, grad_y) = dC/dw, with dC/dw_j = sum_i dC/dy_i x_(i+j)."),
    reference=_weight_gradient,
    judge=_judge_weight_gradient,
    hints=["A shared weight gets the sum of the gradients of all its uses (notebook 01): where is w_j used?",
           "w_j is used at every output position i, where it multiplies x_(i+j): add up dC/dy_i x_(i+j) over i.",
           "For each j that is np.dot(grad_y, x[j : j + len(grad_y)]): itself a cross-correlation of x with grad_y."],
))


# --- 3. the input gradient: back-convolution --------------------------------------------------------


def _input_gradient(grad_y: np.ndarray, w: np.ndarray) -> np.ndarray:
    # dC/dx_j = sum_k w_k dC/dy_(j-k): a full convolution of the output gradient with the kernel
    return np.convolve(grad_y, w, mode="full")


def _judge_input_gradient(fn) -> str | None:
    for x, w, g in _cases_1d():
        raw = fn(g, w)
        got = _as_vector(raw)
        if got is None:
            return "input_gradient should return an array of numbers"
        want, _ = conv.corr1d_backward(g, x, w)
        problem = compare_values(raw, want, what=f"input_gradient(<array {len(g)}>, <array {len(w)}>)")
        if problem is None:
            continue
        if got.shape == want.shape and np.allclose(got, np.correlate(g, w, mode="full")):
            return ("that correlates grad_y with w; the lecture's formula sum_k w_k dC/dy_(j-k) is a "
                    "convolution: the kernel runs backwards (np.convolve, or corr with w[::-1])")
        if got.ndim == 1 and got.shape != want.shape:
            return (f"dC/dx has one entry per input: len(grad_y) + len(w) - 1 = {len(x)} here, not "
                    f"{got.size}; the borders of x get gradient too, from fewer outputs")
        return problem
    return None


input_gradient = register(Exercise(
    name="conv.input_gradient",
    question=("y = corr1d(x, w). Given grad_y = dC/dy and w, write input_gradient(grad_y, w) = dC/dx, "
              "with the lecture's back-convolution dC/dx_m = sum_k w_k dC/dy_(m-k) (terms with m - k "
              "outside grad_y are 0)."),
    reference=_input_gradient,
    judge=_judge_input_gradient,
    hints=["x has len(grad_y) + len(w) - 1 samples, and each gets gradient from every output that read it.",
           "x_m was read by output i through the weight w_(m-i): which outputs i read x_m, and near the borders, which do not?",
           "sum_k w_k g_(m-k) is the definition of the convolution of g with w, over every m where the two "
           "overlap: np.convolve(grad_y, w, mode='full')."],
))


# --- 4. the flip relation in 2-D -----------------------------------------------------------------


def _flip_kernel(w: np.ndarray) -> np.ndarray:
    # conv2d(x, w) == corr2d(x, w flipped along both axes): rotated by 180 degrees
    return w[::-1, ::-1]


def _judge_flip_kernel(fn) -> str | None:
    w = np.arange(6.0).reshape(2, 3)
    raw = fn(w.copy())
    got = _as_vector(raw)
    if got is None:
        return "flip_kernel should return an array"
    if got.shape == (3, 2) and np.allclose(got, w.T):
        return "that is the transpose (a reflection across the diagonal); the flip keeps the shape (KH, KW)"
    if got.shape == (3, 2) and (np.allclose(got, np.rot90(w)) or np.allclose(got, np.rot90(w, -1))):
        return ("that is a rotation by 90 degrees; the flip reverses both axes, a rotation by 180 degrees, "
                "and keeps the shape (KH, KW)")
    if got.shape != w.shape:
        return f"flip_kernel of a {w.shape[0]}x{w.shape[1]} kernel has shape {got.shape}; the flip keeps the shape (KH, KW)"
    if got.shape == w.shape and np.allclose(got, w[::-1]):
        return "you flipped the rows only; convolution flips along both axes (x_(i-k, j-l))"
    if got.shape == w.shape and np.allclose(got, w[:, ::-1]):
        return "you flipped the columns only; convolution flips along both axes (x_(i-k, j-l))"
    x = np.random.default_rng(7).normal(size=(6, 7))
    return compare_values(conv.corr2d(x, got), conv.conv2d(x, w), what="corr2d(x, flip_kernel(w))")


flip_kernel = register(Exercise(
    name="conv.flip_kernel",
    question=("torch only has cross-correlation. Write flip_kernel(w) for a 2-D kernel w (KH, KW) such that "
              "corr2d(x, flip_kernel(w)) equals the true convolution conv2d(x, w)."),
    reference=_flip_kernel,
    judge=_judge_flip_kernel,
    hints=["In 1-D, conv1d(x, w) == corr1d(x, w[::-1]).",
           "In 2-D the convolution reads x_(i-k, j-l): both indices run backwards."],
))


# --- predict first: a stride and a shift that is not a multiple of it --------------------------------

strided_equivariance = register(choice(
    name="conv.strided_equivariance",
    question=("Predict before the table: compute only every 2nd output (stride 2) and shift the input by t = 3 samples. "
              "Away from the borders, is f(tau x) the output f(x) moved by some whole number of outputs? "
              'Answer "yes" or "no".'),
    options=("yes", "no"),
    correct="no",
    why={
        "yes": ("with stride 2 the outputs sit at input positions 0, 2, 4, ...: moving the output by one step moves "
                "it by 2 input samples, so a shift by 3 falls between two output shifts and none matches"),
    },
    hints=["Which input positions do the outputs of a stride-2 correlation start at?",
           "Moving the output by one place moves it by how many input samples?"],
    solution_text="no: output moves come in steps of 2 input samples, and 3 is odd. With t = 2 or 4 it would match.",
))
