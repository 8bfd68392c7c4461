"""Exercises of notebook 02: RNN gradients explode, vanish or propagate."""

from __future__ import annotations

import math

import numpy as np
import torch

from . import Exercise, choice, register
from .judge import as_array, as_number, compare_function, compare_values

# --- 1. the closed form for a scaled rotation -------------------------------------------------


def _diagonal_gradient_norm(a: float, b: float, k: int) -> float:
    # dz_T/dz_(T-k) = W^k = diag(a^k, b^k); its spectral norm (largest stretch) is the larger |.|^k
    return max(abs(a), abs(b)) ** k


_DIAGONAL_CASES = [(2.0, 0.5, 3), (0.5, 0.9, 10), (-1.5, 1.2, 4), (1.0, 1.0, 7), (0.3, -0.2, 0), (-0.5, -0.8, 5)]


def _judge_diagonal_gradient_norm(fn) -> str | None:
    def matches(wrong) -> bool:
        return all(compare_values(fn(*case), wrong(*case)) is None for case in _DIAGONAL_CASES)
    if matches(lambda a, b, k: a ** k):
        return "that is only the first eigenvalue's factor; the norm follows the one that stretches most"
    if matches(lambda a, b, k: abs(a * b) ** k) or matches(lambda a, b, k: (a * b) ** k):
        return "that is the determinant of W^k (the product of the two factors); the norm is the larger one"
    if matches(lambda a, b, k: max(a, b) ** k):
        return "a negative eigenvalue stretches as much as a positive one: compare |a| and |b|"
    if matches(lambda a, b, k: (a ** (2 * k) + b ** (2 * k)) ** 0.5):
        return ("that is the Frobenius norm of W^k; the question asks for the spectral norm, the largest factor by which "
                "W^k stretches a vector")
    if matches(lambda a, b, k: min(abs(a), abs(b)) ** k):
        return "that is the smaller factor; the norm is the largest stretch"
    return compare_function(fn, _diagonal_gradient_norm, _DIAGONAL_CASES, what="diagonal_gradient_norm")


diagonal_gradient_norm = register(Exercise(
    name="rnn_gradients.diagonal_gradient_norm",
    question=("For the linear recurrence with W = diag(a, b) (a, b real, possibly negative), write "
              "diagonal_gradient_norm(a, b, k) = ||dz_T / dz_(T-k)||, in the spectral norm (the largest factor by which "
              "the matrix stretches a vector)."),
    reference=_diagonal_gradient_norm,
    judge=_judge_diagonal_gradient_norm,
    hints=["dz_T/dz_(T-k) = W^k for the linear recurrence. What is W^k for a diagonal W?",
           "W^k = diag(a^k, b^k) stretches the first axis by |a|^k and the second by |b|^k. Which one is the norm?"],
))


# --- 2. how many steps until the gradient has vanished ------------------------------------------


def _steps_to_vanish(scale: float, tolerance: float) -> int:
    # smallest k with scale**k < tolerance, i.e. k > log(tolerance) / log(scale)
    return math.floor(math.log(tolerance) / math.log(scale)) + 1


def _judge_steps_to_vanish(fn) -> str | None:
    cases = [(0.5, 1e-3), (0.9, 1e-2), (0.99, 1e-2), (0.5, 0.25)]
    for scale, tol in cases:
        got, want = fn(scale, tol), _steps_to_vanish(scale, tol)
        try:
            value = as_number(got)   # 10, 10.0 (np.floor(...) + 1) and tensor(10) are the same answer
        except (TypeError, ValueError):
            return f"steps_to_vanish{(scale, tol)} should be a whole number of steps, got {got!r}"
        if not value.is_integer():
            return (f"steps_to_vanish{(scale, tol)} returned {value:g}: a number of steps is whole; "
                    f"the first whole k with scale**k < tolerance")
        got = int(value)
        if got == want - 1 and scale ** got == tol:
            return (f"steps_to_vanish{(scale, tol)}: after {got} steps the norm is exactly {tol}, "
                    "which is not yet below it")
        if got != want:
            return (f"steps_to_vanish{(scale, tol)} returned {got}, but {scale}**{got} = {scale ** got:.6g}; "
                    f"the first k with scale**k < {tol} is {want}")
    return None


steps_to_vanish = register(Exercise(
    name="rnn_gradients.steps_to_vanish",
    question=("With 0 < scale < 1, after how many steps k does the gradient norm scale**k first drop "
              "below `tolerance`? Return an int."),
    reference=_steps_to_vanish,
    judge=_judge_steps_to_vanish,
    hints=["Solve scale**k < tolerance for k: take logs, and remember log(scale) < 0 flips the inequality.",
           "k > log(tolerance) / log(scale); the smallest such whole number is floor(...) + 1."],
))


# --- 3. the Jacobian of one tanh step -------------------------------------------------------------


def _tanh_step_jacobian(W: np.ndarray, z_prev: np.ndarray) -> np.ndarray:
    # z_t = tanh(W z_(t-1))  =>  dz_t/dz_(t-1) = diag(1 - z_t**2) W
    z = np.tanh(W @ z_prev)
    return (1.0 - z**2)[:, None] * W


def _autograd_jacobian(W: np.ndarray, z_prev: np.ndarray) -> np.ndarray:
    Wt = torch.as_tensor(W, dtype=torch.float64)
    return torch.autograd.functional.jacobian(
        lambda z: torch.tanh(Wt @ z), torch.as_tensor(z_prev, dtype=torch.float64)).numpy()


def _judge_tanh_step_jacobian(fn) -> str | None:
    rng = np.random.default_rng(0)
    W = rng.normal(size=(3, 3))
    z_prev = rng.normal(size=3)
    raw = fn(W, z_prev)
    got = as_array(raw)
    if got.shape == (3, 3) and np.allclose(got, (1.0 - np.tanh(W @ z_prev) ** 2) * W):
        return "you scaled the columns of W; the derivative of tanh multiplies the ROWS: diag(1 - z_t**2) @ W"
    if got.shape == (3, 3) and np.allclose(got, _tanh_step_jacobian(W, z_prev).T):
        return ("your Jacobian is transposed: entry (i, j) is dz_t[i]/dz_(t-1)[j], one row per output "
                "(the backward pass multiplies by its transpose, J.T @ grad)")
    if got.shape == (3, 3) and np.allclose(got, W):
        return "that is the linear recurrence's Jacobian; tanh multiplies it by its own derivative"
    problem = compare_values(raw, _autograd_jacobian(W, z_prev), what="your Jacobian (compared with autograd)")
    for n in (2, 5):   # other sizes than 3
        if problem is None:
            W, z_prev = rng.normal(size=(n, n)), rng.normal(size=n)
            problem = compare_values(fn(W, z_prev), _autograd_jacobian(W, z_prev),
                                     what=f"your Jacobian for a {n} x {n} W (compared with autograd)")
    return problem


tanh_step_jacobian = register(Exercise(
    name="rnn_gradients.tanh_step_jacobian",
    question="Write tanh_step_jacobian(W, z_prev), the matrix dz_t/dz_(t-1) for z_t = tanh(W z_(t-1)).",
    reference=_tanh_step_jacobian,
    judge=_judge_tanh_step_jacobian,
    hints=["Chain rule: d tanh(a)/da = 1 - tanh(a)**2, and da/dz_(t-1) = W.",
           "Entry (i, j) is (1 - z_t[i]**2) * W[i, j]: scale row i of W."],
))


# --- predict first: the explorer's default ---------------------------------------------------------

default_verdict = register(choice(
    name="rnn_gradients.default_verdict",
    question=("Predict before you move the slider: W = 0.95 R(30 degrees), linear, T = 80 steps. Does the gradient sent "
              "back 80 steps explode, vanish or propagate (a change by more than a factor of 100 either way counts)? "
              'Answer "explode", "vanish" or "propagate".'),
    options=("explode", "vanish", "propagate"),
    correct="propagate",
    why={
        "explode": "the eigenvalues lie inside the unit circle (0.95 < 1): every step shrinks the gradient",
        "vanish": ("0.95 < 1, so it shrinks, but over 80 steps only to 0.95**80 = 0.017, a factor of about 61: less "
                   "than the factor of 100 that counts as vanishing here. At T = 100 it vanishes (0.95**100 = 0.006): "
                   "the verdict depends on T as well as on |lambda|"),
    },
    hints=["A rotation does not change lengths: only the modulus 0.95 matters.",
           "Each step multiplies the gradient's norm by 0.95: compute 0.95**80 and compare it with 1/100."],
    solution_text=("propagate: ||dz_80/dz_0|| = 0.95**80 = 0.017, more than 1/100. At T = 100 (the explorer's start) "
                   "it vanishes: how far back a gradient reaches depends on T too."),
))
