"""Notebook 02's exercises: typical wrong answers get their own message, an answer that fits only the notebook's
case fails, and the references agree with independent ones (numpy's matrix norm, autograd)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from lecturekit.exercises import rnn_gradients as ex
from tests.helpers import assert_every_exercise_covered, assert_fits_only


def _jacobian(W, z):
    return (1 - np.tanh(W @ z) ** 2)[:, None] * W


WRONG = [
    (ex.diagonal_gradient_norm, lambda a, b, k: a ** k, "only the first eigenvalue"),
    (ex.diagonal_gradient_norm, lambda a, b, k: (a * b) ** k, "the determinant"),
    (ex.diagonal_gradient_norm, lambda a, b, k: max(a, b) ** k, "a negative eigenvalue stretches as much"),
    (ex.diagonal_gradient_norm, lambda a, b, k: (a ** (2 * k) + b ** (2 * k)) ** 0.5, "Frobenius norm"),
    (ex.diagonal_gradient_norm, lambda a, b, k: min(abs(a), abs(b)) ** k, "the smaller factor"),
    (ex.diagonal_gradient_norm, lambda a, b, k: max(abs(a), abs(b)) * k,
     "diagonal_gradient_norm(2.0, 0.5, 3) is 6, expected 8"),
    (ex.steps_to_vanish, lambda s, t: math.ceil(math.log(t) / math.log(s)), "exactly 0.25, which is not yet below it"),
    (ex.steps_to_vanish, lambda s, t: math.log(t) / math.log(s), "a number of steps is whole"),
    (ex.steps_to_vanish, lambda s, t: math.floor(math.log(t) / math.log(s)), "the first k with scale**k < 0.001 is 10"),
    (ex.steps_to_vanish, lambda s, t: "ten", "should be a whole number of steps"),
    (ex.tanh_step_jacobian, lambda W, z: W * (1 - np.tanh(W @ z) ** 2), "scaled the columns of W"),
    (ex.tanh_step_jacobian, lambda W, z: _jacobian(W, z).T, "transposed"),
    (ex.tanh_step_jacobian, lambda W, z: W, "the linear recurrence's Jacobian"),
    (ex.tanh_step_jacobian, lambda W, z: np.diag(1 - np.tanh(W @ z) ** 2), "differs from the reference"),
]

#: answers written for what the notebook shows: positive eigenvalues, a tolerance that is not a power of the
#: scale, a 3 x 3 matrix written out entry by entry
NOTEBOOK_ONLY = [
    (ex.diagonal_gradient_norm, lambda a, b, k: max(a, b) ** k, (0.9, 0.5, 10)),
    (ex.steps_to_vanish, lambda s, t: math.ceil(math.log(t) / math.log(s)), (0.9, 1e-2)),
    (ex.tanh_step_jacobian,
     lambda W, z: np.array([[(1 - np.tanh(W[i] @ z) ** 2) * W[i, j] for j in range(3)] for i in range(3)]),
     (np.arange(9.0).reshape(3, 3) / 10, np.ones(3))),
]


def test_every_exercise_has_its_wrong_answers():
    assert_every_exercise_covered("rnn_gradients", WRONG, NOTEBOOK_ONLY)


@pytest.mark.parametrize("exercise, answer, expected", WRONG)
def test_typical_wrong_answers_fail_with_their_message(exercise, answer, expected):
    v = exercise.check(answer)
    assert not v and expected in v.message, v


@pytest.mark.parametrize("exercise, answer, case", NOTEBOOK_ONLY)
def test_an_answer_that_fits_only_the_notebooks_case_fails(exercise, answer, case):
    assert_fits_only(exercise, answer, case)


@pytest.mark.parametrize("answer", [
    lambda s, t: int(math.floor(math.log(t) / math.log(s))) + 1,
    lambda s, t: np.floor(np.log(t) / np.log(s)) + 1,            # a float64 whole number is a whole number
    lambda s, t: next(k for k in range(1, 10_000) if s ** k < t),
    lambda s, t: torch.tensor(math.floor(math.log(t) / math.log(s)) + 1),     # a 0-d integer tensor
])
def test_steps_to_vanish_right_answers_in_other_forms_pass(answer):
    assert ex.steps_to_vanish.check(answer)


def test_the_prediction_asks_about_the_80_steps_the_notebook_names():
    assert "sent back 80 steps" in ex.default_verdict.question and "T = 80" in ex.default_verdict.question


def test_tanh_step_jacobian_passes_in_torch():
    assert ex.tanh_step_jacobian.check(lambda W, z: torch.autograd.functional.jacobian(
        lambda v: torch.tanh(torch.tensor(W, dtype=torch.float32) @ v), torch.tensor(z, dtype=torch.float32)))


def test_diagonal_gradient_norm_reference_is_the_spectral_norm_of_w_to_the_k():
    for a, b, k in ex._DIAGONAL_CASES + [(1.3, -1.7, 6)]:
        W_k = np.linalg.matrix_power(np.diag([a, b]), k)
        assert ex.diagonal_gradient_norm.reference(a, b, k) == pytest.approx(np.linalg.norm(W_k, 2), rel=1e-12)
    # computed numerically, in torch and in float32, it passes too
    assert ex.diagonal_gradient_norm.check(lambda a, b, k: torch.linalg.matrix_norm(
        torch.linalg.matrix_power(torch.diag(torch.tensor([a, b], dtype=torch.float32)), k), 2))
