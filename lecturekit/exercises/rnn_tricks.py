"""Exercises of notebook 03: RNN tricks and Neural ODEs."""

from __future__ import annotations

import numpy as np

from . import Exercise, choice, register
from .judge import as_array, compare_function, compare_values, precision

# --- 1. gradient clipping, Algorithm 1 ----------------------------------------------------------


def _clip(grads: list, threshold: float) -> list:
    # Algorithm 1 over a whole model: ||g|| is the norm of ALL the parameters' gradients together
    norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads))
    if norm > threshold:
        return [threshold * g / norm for g in grads]
    return list(grads)


def _clip_cases() -> list[tuple[list, float]]:
    """(grads, threshold): gradients of several parameters of different shapes."""
    rng = np.random.default_rng(3)
    return [
        ([np.array([[3.0, 0.0], [0.0, 0.0]]), np.array([4.0])], 1.0),   # ||g|| = 5 over both: clipped to 1
        ([np.array([0.3, -0.4]), np.array([[0.1]])], 1.0),              # ||g|| = 0.51: unchanged
        ([rng.normal(size=(4, 3)), rng.normal(size=5), rng.normal(size=(2, 2, 2))], 2.0),
        ([np.array([10.0, 0.1, -0.1]), np.array([0.01])], 5.0),         # one large parameter, one small
    ]


def _as_list(value) -> list | None:
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def _per_parameter(grads: list, threshold: float) -> list:
    # a typical mistake: each parameter clipped by its own norm
    return [threshold * g / np.linalg.norm(g) if np.linalg.norm(g) > threshold else g for g in grads]


def _entrywise(grads: list, threshold: float) -> list:
    # a typical mistake: each entry clipped to [-threshold, threshold]
    return [np.clip(g, -threshold, threshold) for g in grads]


def _same(got: list, want: list) -> bool:
    return len(got) == len(want) and all(compare_values(a, b) is None for a, b in zip(got, want))


def _judge_clip(fn) -> str | None:
    cases = _clip_cases()
    answers = []
    for grads, threshold in cases:
        got = _as_list(fn([g.copy() for g in grads], threshold))
        if got is None:
            return "clip(grads, threshold) should return a list with one array per parameter, like grads"
        if len(got) != len(grads):
            return f"you returned {len(got)} arrays for {len(grads)} parameters: one clipped array per parameter"
        answers.append(got)
    if all(_same(got, _clip(*case)) for got, case in zip(answers, cases)):
        return None
    if all(_same(got, _per_parameter(*case)) for got, case in zip(answers, cases)):
        return ("you clipped each parameter's gradient by its own norm; Algorithm 1 (and clip_grad_norm_) takes "
                "the norm of all of them together and scales every one by the same factor, so the update keeps "
                "its direction")
    if all(_same(got, _entrywise(*case)) for got, case in zip(answers, cases)):
        return ("that clips each entry separately, which turns the gradient's direction; Algorithm 1 rescales "
                "the whole gradient")
    for got, (grads, threshold) in zip(answers, cases):
        want = _clip(grads, threshold)
        if _same(got, want):
            continue
        original = float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))
        total = float(np.sqrt(sum(np.sum(np.square(as_array(a))) for a in got)))
        if original <= threshold:
            return (f"these gradients have a total norm {original:.3g}, below the threshold {threshold:g}: they must "
                    "come back unchanged")
        if abs(total - threshold) > 1e-4 * threshold:
            return (f"after clipping, the norm of all the gradients together should be exactly the threshold "
                    f"{threshold:g}; yours is {total:.4g}")
        for i, (a, b) in enumerate(zip(got, want)):
            problem = compare_values(a, b, what=f"the clipped gradient of parameter {i} (threshold {threshold:g})")
            if problem:
                return problem
    return None


clip = register(Exercise(
    name="rnn_tricks.clip",
    question=("Write clip(grads, threshold): Algorithm 1 for a whole model. grads is a list of numpy arrays, one per "
              "parameter, of different shapes; return the list clipped the way clip_grad_norm_ clips a model's "
              "gradients (the norm is the Euclidean norm of all their entries together)."),
    reference=_clip,
    judge=_judge_clip,
    hints=["The cell above clips one array. With several parameters, which single number decides whether to clip?",
           "||g||**2 is the sum over the parameters of each array's sum of squares; then every array is scaled by "
           "the same factor threshold / ||g||."],
))


# --- 2. one step of leaky integration -----------------------------------------------------------


def _leaky_step(W: np.ndarray, U: np.ndarray, z: np.ndarray, x: np.ndarray, alpha: float) -> np.ndarray:
    # z_t = (1 - alpha) z_(t-1) + alpha tanh(W z_(t-1) + U x_t)
    return (1 - alpha) * z + alpha * np.tanh(W @ z + U @ x)


def _leaky_cases():
    rng = np.random.default_rng(3)
    W, U = rng.normal(size=(3, 3)), rng.normal(size=(3, 2))  # (n, n), (n, m)
    z, x = rng.normal(size=3), rng.normal(size=2)  # (n,), (m,)
    return W, U, z, x, [(W, U, z, x, a) for a in (1.0, 0.1, 0.5, 0.03)]


def _judge_leaky_step(fn) -> str | None:
    W, U, z, x, cases = _leaky_cases()
    plain = np.tanh(W @ z + U @ x)
    swapped = 0.1 * z + 0.9 * plain  # (1 - alpha) and alpha exchanged, at alpha = 0.1
    if compare_values(fn(W, U, z, x, 0.1), swapped) is None:
        return ("alpha and 1 - alpha are swapped: alpha is the share of the NEW value, so a small alpha "
                "keeps most of the old state z")
    if compare_values(fn(W, U, z, x, 1.0), plain) is not None:
        return "with alpha = 1 the leaky step should be the plain RNN step tanh(W z + U x)"
    return compare_function(fn, _leaky_step, cases, what="leaky_step")


leaky_step = register(Exercise(
    name="rnn_tricks.leaky_step",
    question="Write leaky_step(W, U, z, x, alpha): one step of z_t = (1 - alpha) z_(t-1) + alpha tanh(W z_(t-1) + U x_t).",
    reference=_leaky_step,
    judge=_judge_leaky_step,
    hints=["The plain step is np.tanh(W @ z + U @ x).",
           "Mix it with the old state: (1 - alpha) * z + alpha * (the plain step)."],
))


# --- 3. an orthogonal initialisation ------------------------------------------------------------


def _orthogonal(n: int, gain: float, rng: np.random.Generator) -> np.ndarray:
    # QR of a Gaussian matrix: Q is orthogonal, so every eigenvalue of gain * Q has modulus gain
    Q, R = np.linalg.qr(rng.normal(size=(n, n)))
    return gain * Q * np.sign(np.diag(R))


def _judge_orthogonal(fn) -> str | None:
    for n, gain in ((4, 1.0), (30, 0.9), (7, 1.3)):
        raw = fn(n, gain, np.random.default_rng(n))
        W = as_array(raw)
        tol = {"float64": 1e-8, "float32": 1e-4, "float16": 2e-2}[precision(raw)]  # W.T @ W of a float32 W: ~1e-6 per entry
        if W.shape != (n, n):
            return f"orthogonal({n}, {gain}, rng) should be a square matrix ({n}, {n}); got shape {W.shape}"
        if compare_values(W.T @ W, gain**2 * np.eye(n), rtol=tol, atol=tol) is not None:
            stretch = np.linalg.svd(W, compute_uv=False)
            off = float(np.abs(W.T @ W - gain**2 * np.eye(n)).max())
            return (f"W.T @ W should be gain**2 * I = {gain**2:.4g} * I; for n = {n} it differs from it by up to {off:.3g}, "
                    f"so W is not gain times an orthogonal matrix: it stretches vectors by factors from "
                    f"{stretch.min():.3g} to {stretch.max():.3g}, not all {gain}")
    one, other = (as_array(fn(5, 1.0, np.random.default_rng(s))) for s in (0, 1))
    if np.allclose(one, other):
        return ("two different random generators gave the same matrix: draw a random Gaussian matrix from rng "
                "and orthogonalise it (np.linalg.qr)")
    return None


orthogonal = register(Exercise(
    name="rnn_tricks.orthogonal",
    question="Write orthogonal(n, gain, rng): a random n x n matrix gain * Q with Q orthogonal (Q.T @ Q = I).",
    reference=_orthogonal,
    judge=_judge_orthogonal,
    hints=["Start from a Gaussian matrix rng.normal(size=(n, n)).",
           "np.linalg.qr(A) returns Q, R with Q orthogonal; multiply Q by gain."],
))


# --- 4. the largest stable step of Euler's method ------------------------------------------------


def _max_stable_step(lam: complex) -> float:
    # |1 + h lam|^2 < 1  <=>  2 h Re(lam) + h^2 |lam|^2 < 0  <=>  h < -2 Re(lam) / |lam|^2
    return -2.0 * lam.real / abs(lam) ** 2


_STEP_CASES = [(-1.0 + 0j,), (-0.5 + 2j,), (-3 + 4j,), (-0.1 + 1j,), (-2.0 - 0.5j,)]


def _judge_max_stable_step(fn) -> str | None:
    if compare_values(fn(-1.0 + 0j), 2.0) is None and compare_values(fn(-0.5 + 2j), 2 / abs(-0.5 + 2j)) is None:
        return ("2 / |λ| is right for a real λ only; for a complex λ solve |1 + hλ|² < 1 with "
                "|1 + hλ|² = (1 + h Re λ)² + (h Im λ)²")
    lam = -0.5 + 2j
    if compare_values(fn(lam), -2 / lam.real) is None:
        return ("-2 / Re λ ignores the imaginary part; for a complex λ the step also turns z, and "
                "|1 + hλ|² = (1 + h Re λ)² + (h Im λ)² grows with Im λ: the largest step is smaller")
    if compare_values(fn(lam), -2 * lam.real / abs(lam)) is None:
        return "check the power of |λ|: expand |1 + hλ|² = 1 + 2h Re λ + h²|λ|² and solve for h"
    return compare_function(fn, lambda lam: _max_stable_step(complex(lam)), _STEP_CASES, what="max_stable_step")


max_stable_step = register(Exercise(
    name="rnn_tricks.max_stable_step",
    question=("For dz/dt = λ z with Re λ < 0, Euler's step multiplies z by 1 + hλ. Write max_stable_step(lam): "
              "the largest h with |1 + hλ| <= 1 (lam is a Python complex)."),
    reference=lambda lam: _max_stable_step(complex(lam)),
    judge=_judge_max_stable_step,
    hints=["Expand |1 + hλ|² = (1 + h Re λ)² + (h Im λ)² = 1 + 2h Re λ + h²|λ|².",
           "That is <= 1 when h (2 Re λ + h |λ|²) <= 0, i.e. h <= -2 Re λ / |λ|²."],
    solution_text='''
def max_stable_step(lam):
    # |1 + h lam|^2 = 1 + 2 h Re(lam) + h^2 |lam|^2 <= 1  <=>  h <= -2 Re(lam) / |lam|^2
    return -2 * lam.real / abs(lam) ** 2
''',
))


# --- predict first: leaky integration cannot cross the circle ---------------------------------------

leaky_eigenvalue = register(choice(
    name="rnn_tricks.leaky_eigenvalue",
    question=("Predict before the dashboard: W has the real eigenvalue lambda = 1.5 (the plain RNN explodes). With "
              "alpha = 0.1, does the leaky step's eigenvalue mu lie outside, inside or on the unit circle? "
              'Answer "outside", "inside" or "on".'),
    options=("outside", "inside", "on"),
    correct="outside",
    why={
        "inside": ("mu = 1 - alpha + alpha lambda = 0.9 + 0.1 x 1.5 = 1.05: a small alpha moves mu towards 1, "
                   "along the segment from lambda, but never past it: it stays outside the circle"),
        "on": ("mu = 0.9 + 0.1 x 1.5 = 1.05, close to 1 but not equal: the leaky RNN still explodes, only "
               "more slowly (1.05 per step instead of 1.5)"),
    },
    hints=["Use the formula above: mu = 1 - alpha + alpha lambda.",
           "mu lies on the segment from 1 to lambda: where is that segment when lambda = 1.5?"],
    solution_text="outside: mu = 0.9 + 0.1 x 1.5 = 1.05 > 1. Leaky units slow the explosion down; they do not stop it.",
))
