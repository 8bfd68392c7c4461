"""Notebook 03's exercises: typical wrong answers get their own message, an answer that fits only the notebook's
case fails, and the references agree with independent ones (torch's clip_grad_norm_)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lecturekit.exercises import rnn_tricks as ex
from tests.helpers import assert_every_exercise_covered, assert_fits_only


def _global_norm(grads):
    return np.sqrt(sum((g ** 2).sum() for g in grads))


def _own_norm(gs, t):
    return [t * g / np.linalg.norm(g) if np.linalg.norm(g) > t else g for g in gs]


def _is_orthogonal(answer):
    W = answer(4, 1.0, np.random.default_rng(0))
    return np.allclose(W.T @ W, np.eye(4))


WRONG = [
    (ex.clip, _own_norm, "by its own norm"),
    (ex.clip, lambda gs, t: [np.clip(g, -t, t) for g in gs], "each entry separately"),
    (ex.clip, lambda gs, t: [t * g / _global_norm(gs) for g in gs], "below the threshold 1: they must come back unchanged"),
    (ex.clip, lambda gs, t: [g / _global_norm(gs) for g in gs] if _global_norm(gs) > t else gs, "exactly the threshold 2"),
    (ex.clip, lambda gs, t: [t * g / (_global_norm(gs) ** 2) for g in gs] if _global_norm(gs) > t else gs,
     "exactly the threshold 1"),
    (ex.clip, lambda gs, t: np.concatenate([g.ravel() for g in gs]), "one array per parameter"),
    (ex.clip, lambda gs, t: gs[:1], "1 arrays for 2 parameters"),
    (ex.leaky_step, lambda W, U, z, x, a: a * z + (1 - a) * np.tanh(W @ z + U @ x), "swapped"),
    (ex.leaky_step, lambda W, U, z, x, a: (1 - a) * z + a * np.tanh(W @ z), "plain RNN step"),
    (ex.leaky_step, lambda W, U, z, x, a: (1 - a) * z + a * np.tanh(W @ z + U @ x) ** 2, "plain RNN step"),
    (ex.orthogonal, lambda n, gain, rng: gain * np.eye(n), "same matrix"),
    (ex.orthogonal, lambda n, gain, rng: gain * rng.normal(size=(n, n)) / np.sqrt(n), "not gain times an orthogonal"),
    (ex.orthogonal, lambda n, gain, rng: np.linalg.qr(rng.normal(size=(n, n)))[0], "not gain times an orthogonal"),
    (ex.orthogonal, lambda n, gain, rng: gain * np.linalg.qr(rng.normal(size=(n + 1, n)))[0], "square"),
    (ex.max_stable_step, lambda lam: 2 / abs(lam), "real λ only"),
    (ex.max_stable_step, lambda lam: -2 / lam.real, "ignores the imaginary part"),
    (ex.max_stable_step, lambda lam: -2 * lam.real / abs(lam), "check the power of |λ|"),
    (ex.max_stable_step, lambda lam: -1 / lam.real, "max_stable_step((-1+0j)) is 1, expected 2"),
]

#: answers written for what the notebook shows: one array (the cell that introduces clipping), the dashboard's
#: alpha = 0.1, gain 1, a real eigenvalue
NOTEBOOK_ONLY = [
    (ex.clip, _own_norm, ([np.array([3.0, 4.0])], 1.0)),
    (ex.leaky_step, lambda W, U, z, x, a: 0.9 * z + 0.1 * np.tanh(W @ z + U @ x),
     (np.eye(2), np.ones((2, 1)), np.array([0.5, -0.5]), np.array([1.0]), 0.1)),
    (ex.orthogonal, lambda n, gain, rng: np.linalg.qr(rng.normal(size=(n, n)))[0], _is_orthogonal),
    (ex.max_stable_step, lambda lam: -2 / lam.real, (-1.5 + 0j,)),
]


def test_every_exercise_has_its_wrong_answers():
    assert_every_exercise_covered("rnn_tricks", WRONG, NOTEBOOK_ONLY)


@pytest.mark.parametrize("exercise, answer, expected", WRONG)
def test_typical_wrong_answers_fail_with_their_message(exercise, answer, expected):
    v = exercise.check(answer)
    assert not v and expected in v.message, v


@pytest.mark.parametrize("exercise, answer, case", NOTEBOOK_ONLY)
def test_an_answer_that_fits_only_the_notebooks_case_fails(exercise, answer, case):
    assert_fits_only(exercise, answer, case)


def test_clip_exercise_reference_is_torchs_clip_grad_norm():
    """The exercise's reference against torch.nn.utils.clip_grad_norm_ on the judge's own cases (independent)."""
    for grads, threshold in ex._clip_cases():
        params = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads]
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g)
        torch.nn.utils.clip_grad_norm_(params, threshold)
        for ours, p in zip(ex.clip.reference(grads, threshold), params):
            np.testing.assert_allclose(ours, p.grad.numpy(), rtol=1e-5, atol=1e-12)   # torch divides by norm + 1e-6
    assert ex.clip.check(lambda gs, t: [torch.tensor(g, dtype=torch.float32, requires_grad=True)
                                        for g in ex.clip.reference(gs, t)])


@pytest.mark.parametrize("answer", [
    lambda n, gain, rng: gain * np.linalg.svd(rng.normal(size=(n, n)))[0],
    lambda n, gain, rng: gain * torch.nn.init.orthogonal_(torch.empty(n, n, dtype=torch.float64),
                                                          generator=torch.Generator().manual_seed(int(rng.integers(1 << 30)))),
])
def test_orthogonal_other_right_answers_pass(answer):
    assert ex.orthogonal.check(answer)


def test_max_stable_step_accepts_a_real_number_written_as_a_complex_one():
    assert ex.max_stable_step.check(lambda lam: -2 * lam.real / (lam * lam.conjugate()))
    assert not ex.max_stable_step.check(lambda lam: -2 / lam)        # a complex answer with an imaginary part


