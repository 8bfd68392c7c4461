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
    hints=["There are len(x) - len(w) + 1 places where the kernel lies wholly on x: i = 0, 1, ..., len(x) - len(w).",
           "Output i is the dot product of w with the window x[i : i + K] that starts at i."],
))


# --- 2. the weight gradient, with a stride -----------------------------------------------------------


def _strided_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray, int]]:
    """(x, w, grad_y, stride) cases, freshly made: strides 1 to 3, asymmetric kernels, one of a single tap and
    one that covers the whole signal, and signals with a tail that no output reads (12 - 3 = 9 is not even)."""
    rng = np.random.default_rng(6)
    cases = []
    for n, k, s in [(12, 3, 2), (10, 3, 1), (13, 4, 3), (7, 1, 2), (5, 5, 2), (9, 2, 2)]:
        outputs = (n - k) // s + 1
        cases.append((rng.normal(size=n), rng.normal(size=k), rng.normal(size=outputs), s))
    return cases


def _weight_gradient(x: np.ndarray, grad_y: np.ndarray, K: int, s: int) -> np.ndarray:
    # y_i = sum_j w_j x_(s i + j): w_j is used at every output i, with the input x_(s i + j), so its gradient
    # adds up one contribution per output
    i = np.arange(len(grad_y))
    return np.array([np.dot(grad_y, x[s * i + j]) for j in range(K)])


def _judge_weight_gradient(fn) -> str | None:
    for x, w, g, s in _strided_cases():
        K = len(w)
        raw = fn(x.copy(), g.copy(), K, s)
        got = _as_vector(raw)
        if got is None:
            return "weight_gradient should return an array of numbers"
        _, want = conv.corr1d_backward(g, x, w, stride=s)
        problem = compare_values(raw, want, what=f"weight_gradient(<array {len(x)}>, <array {len(g)}>, K={K}, s={s})")
        if problem is None:
            continue
        if got.ndim == 1 and got.shape != want.shape:
            return f"dC/dw has one entry per weight: K = {K} here, you returned {got.size}"
        if s > 1 and np.allclose(got, [np.dot(g, x[j:j + len(g)]) for j in range(K)]):
            return (f"with stride s = {s} that pairs dC/dy_i with x_(i+j), the windows of stride 1; output i starts "
                    f"at x_(s i), so w_j touched x_(s i + j)")
        if np.allclose(got, want[::-1]):
            return "your gradient is reversed: dC/dw_j pairs dC/dy_i with x_(s i + j), the input that w_j touched"
        return problem
    return None


weight_gradient = register(Exercise(
    name="conv.weight_gradient",
    question=("y = corr1d(x, w, stride=s): y_i = sum_j w_j x_(s i + j), for a kernel of K taps. Given x, "
              "grad_y = dC/dy, K and s, write weight_gradient(x, grad_y, K, s) = dC/dw, shape (K,)."),
    reference=_weight_gradient,
    judge=_judge_weight_gradient,
    hints=["A shared weight gets the sum of the gradients of all its uses (notebook 01): where is w_j used?",
           "w_j is used once at every output i, and there it multiplies one input sample: which one, with stride s?",
           "dC/dw_j = sum_i dC/dy_i x_(s i + j): with i = np.arange(len(grad_y)), that is np.dot(grad_y, x[s * i + j])."],
))


# --- 3. the input gradient with a stride: back-convolution of a gradient with holes ---------------------


def _input_gradient(grad_y: np.ndarray, w: np.ndarray, n: int, s: int) -> np.ndarray:
    # output i read x_(s i + j) through w_j, so it sends dC/dy_i w_j back there; inputs no output read get 0
    grad_x = np.zeros(n)
    for i, g in enumerate(grad_y):
        grad_x[s * i:s * i + len(w)] += g * w
    return grad_x


def _judge_input_gradient(fn) -> str | None:
    for x, w, g, s in _strided_cases():
        n = len(x)
        raw = fn(g.copy(), w.copy(), n, s)
        got = _as_vector(raw)
        if got is None:
            return "input_gradient should return an array of numbers"
        want, _ = conv.corr1d_backward(g, x, w, stride=s)
        problem = compare_values(raw, want, what=f"input_gradient(<array {len(g)}>, <array {len(w)}>, n={n}, s={s})")
        if problem is None:
            continue
        read = s * (len(g) - 1) + len(w)
        if got.ndim == 1 and got.size == len(g) + len(w) - 1 and s > 1:
            return (f"that is the back-convolution of stride 1 (len(grad_y) + len(w) - 1 = {got.size} entries); with "
                    f"stride s = {s} output i read x_(s i) to x_(s i + K - 1), so x has n = {n} entries here")
        if got.ndim == 1 and got.size == read and read < n:
            return (f"x has n = {n} samples; the last {n - read} were read by no output (the stride skipped them): "
                    "their gradient is 0, and they still have one")
        if got.ndim == 1 and got.shape != want.shape:
            return f"dC/dx has one entry per input: n = {n} here, not {got.size}"
        flipped = _input_gradient(g, w[::-1], n, s)
        if np.allclose(got, flipped):
            return ("the kernel runs the wrong way: output i read x_(s i + j) through w_j, so w_0 goes back to "
                    "x_(s i) and w_(K-1) to x_(s i + K - 1)")
        return problem
    return None


input_gradient = register(Exercise(
    name="conv.input_gradient",
    question=("y = corr1d(x, w, stride=s) for a signal x of n samples. Given grad_y = dC/dy, w, n and s, write "
              "input_gradient(grad_y, w, n, s) = dC/dx, shape (n,). Inputs that no output read get 0."),
    reference=_input_gradient,
    judge=_judge_input_gradient,
    hints=["Start from the outputs, not the inputs: output i read K samples of x. Which ones, with stride s?",
           "Output i sends dC/dy_i w_j back to the sample it read through w_j; add up what arrives at each x_m.",
           "In code: start from np.zeros(n) and for each i add grad_y[i] * w to x's slice [s i : s i + K]. "
           "(Equivalently: put s - 1 zeros between the entries of grad_y, then the stride-1 back-convolution.)"],
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
    rng = np.random.default_rng(7)
    x = rng.normal(size=(6, 7))
    problem = compare_values(conv.corr2d(x, got), conv.conv2d(x, w), what="corr2d(x, flip_kernel(w))")
    for shape in ((3, 3), (1, 4), (4, 2)):   # unsorted kernels of other shapes too
        if problem is None:
            w = rng.normal(size=shape)
            problem = compare_values(fn(w.copy()), w[::-1, ::-1],   # the flip conv2d makes (checked in the tests)
                                     what=f"flip_kernel(w) for a random {shape[0]}x{shape[1]} kernel")
    return problem


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
