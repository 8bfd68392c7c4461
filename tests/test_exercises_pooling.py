"""Notebook 08's exercises: typical wrong answers get their own message, an answer that fits only the notebook's
case fails, and the references agree with the library (itself tested against torch)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecturekit import motifs
from lecturekit.exercises import pooling as ex
from lecturekit.pooling import lp_pool, lp_pool_grad, lse_pool, max_pool
from tests.helpers import assert_every_exercise_covered, assert_fits_only


def _out_minus_tau(x, tau):   # the classic bug: out[:-0] is empty
    out = np.zeros_like(x)
    out[:-tau] = x[tau:]
    return out


def _naive_lse(z, beta):
    return np.log(np.sum(np.exp(beta * z))) / beta


WRONG = [
    (ex.max_pool_2x2, lambda x: x.reshape(x.shape[0] // 2, x.shape[1] // 2, 4).max(-1), "four pixels in a row"),
    (ex.max_pool_2x2, lambda x: x.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).mean((1, 3)), "average pooling"),
    (ex.max_pool_2x2, lambda x: max_pool(x, (2, 2), 1), "overlap"),
    (ex.max_pool_2x2, lambda x: x.max(), "shape"),
    (ex.lse_pool, _naive_lse, "Subtract max(z)"),
    (ex.lse_pool, lambda z, b: np.max(z) + np.log(np.mean(np.exp(b * (z - np.max(z))))) / b, "mean-normalised"),
    (ex.lse_pool, lambda z, b: np.max(z), "expected"),
    (ex.lp_pool_grad, lambda z, p: (np.abs(z) / np.sum(np.abs(z) ** p) ** (1 / p)) ** (p - 1), "sign(z_n)"),
    (ex.lp_pool_grad, lambda z, p: np.sign(z) * (np.abs(z) / lp_pool(z, p)) ** p, "check the power"),
    (ex.lp_pool_grad, lambda z, p: np.sign(z), "differs"),
    (ex.shift, lambda x, t: np.roll(x, -t), "wraps around"),
    (ex.shift, lambda x, t: motifs.shift(x, -t), "content moves left"),
    (ex.shift, lambda x, t: np.roll(x, t), "and wrapped around"),
    (ex.shift, lambda x, t: np.concatenate([x[t:], x[:t] * 0])[:-1], "shape"),
    (ex.shift, lambda x, t: _out_minus_tau(x, t), "shift(<array (8,)>, 0) raised ValueError"),
]

#: answers written for what the notebook shows: its 6 x 8 image, beta = 1, non-negative inputs, a shift by 1
NOTEBOOK_ONLY = [
    (ex.max_pool_2x2, lambda x: x.reshape(3, 2, 4, 2).max(axis=(1, 3)), (np.arange(48.0).reshape(6, 8),)),
    (ex.lse_pool, lambda z, b: np.max(z) + np.log(np.sum(np.exp(z - np.max(z)))), (np.array([0.5, 2.0, -1.0]), 1.0)),
    (ex.lp_pool_grad, lambda z, p: (z / np.sum(z ** p) ** (1 / p)) ** (p - 1), (np.array([0.5, 2.0, 1.0]), 3.0)),
    (ex.shift, lambda x, t: np.concatenate([x[1:], [0]]), (np.array([1.0, 2.0, 3.0, 4.0]), 1)),
]


def test_every_exercise_has_its_wrong_answers():
    assert_every_exercise_covered("pooling", WRONG, NOTEBOOK_ONLY)


@pytest.mark.parametrize("exercise, answer, expected", WRONG)
def test_typical_wrong_answers_fail_with_their_message(exercise, answer, expected):
    v = exercise.check(answer)
    assert not v and expected in v.message, v


@pytest.mark.parametrize("exercise, answer, case", NOTEBOOK_ONLY)
def test_an_answer_that_fits_only_the_notebooks_case_fails(exercise, answer, case):
    assert_fits_only(exercise, answer, case)


def _t(a):
    return torch.tensor(np.asarray(a, dtype=np.float64))


@pytest.mark.parametrize("exercise, answer", [
    (ex.max_pool_2x2, lambda x: np.maximum.reduce([x[0::2, 0::2], x[0::2, 1::2], x[1::2, 0::2], x[1::2, 1::2]])),
    (ex.max_pool_2x2, lambda x: F.max_pool2d(_t(x)[None, None], 2)[0, 0]),
    (ex.lse_pool, lambda z, b: torch.logsumexp(b * _t(z), 0) / b),
    (ex.lse_pool, lambda z, b: (torch.logsumexp(b * _t(z), 0) / b)[None]),   # one number, shape (1,)
    (ex.lp_pool_grad, lp_pool_grad),
    (ex.lp_pool_grad, lambda z, p: np.sign(z) * (np.abs(z) / lp_pool(z, p)) ** (p - 1)),
    (ex.shift, lambda x, t: np.pad(x[t:], (0, t))),
    (ex.shift, lambda x, t: list(x[t:]) + [0] * t),
])
def test_other_right_answers_pass(exercise, answer):
    assert exercise.check(answer)


def test_lp_pool_grad_passes_as_torch_autograd():
    def autograd(z, p):
        zt = torch.tensor(np.asarray(z, dtype=np.float32), requires_grad=True)
        zt.abs().pow(p).sum().pow(1 / p).backward()
        return zt.grad
    assert ex.lp_pool_grad.check(autograd)


def test_exercise_references_match_lecturekit():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(4, 6))
    np.testing.assert_allclose(ex.max_pool_2x2.reference(x), max_pool(x, (2, 2)))
    z = rng.normal(size=5)
    assert ex.lse_pool.reference(z, 2.0) == pytest.approx(float(lse_pool(z, 2.0)))
    np.testing.assert_allclose(ex.lp_pool_grad.reference(z, 3.0), lp_pool_grad(z, 3.0))
    np.testing.assert_allclose(ex.shift.reference(z, 2), motifs.shift(z, 2))
