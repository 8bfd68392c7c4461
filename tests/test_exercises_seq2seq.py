"""Notebook 05's exercises: typical wrong answers get their own message, an answer that fits only the notebook's
case fails, and the references agree with the library's attention (torch)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lecturekit import seq2seq
from lecturekit.exercises import seq2seq as ex
from tests.helpers import assert_every_exercise_covered, assert_fits_only


def _softmax(s, m):
    e = np.exp(s - s.max())
    return e / e.sum()


def _overflowing(s, m):
    e = np.where(m, np.exp(s), 0.0)
    return e / e.sum()


def _max_over_everything(s, m):   # subtracts the max over padding too: NaN when a padded score is the largest
    e = np.exp(np.where(m, s, -np.inf) - s.max())
    return e / e.sum()


def _mask_after_exp(s, m):   # masks after the exponential: exp(898) * 0 is NaN
    e = np.exp(s - s[m].max()) * m
    return e / e.sum()


def _padding_at_the_end(s, m):   # right for the notebook's batches, whose padding follows the real characters
    n = int(m.sum())
    e = np.exp(s[:n] - s[:n].max())
    return np.concatenate([e / e.sum(), np.zeros(len(s) - n)])


WRONG = [
    (ex.additive_score, lambda q, k, W, U, v: v @ (W @ q + U @ k), "tanh is missing"),
    (ex.additive_score, lambda q, k, W, U, v: (W @ q) @ (U @ k), "multiplicative"),
    (ex.additive_score, lambda q, k, W, U, v: np.tanh(W @ q + U @ k), "one number"),
    (ex.additive_score, lambda q, k, W, U, v: v @ (np.tanh(W @ q) + np.tanh(U @ k)), "tanh of the sum"),
    # keys in place of the query: no typical mistake to name, so the first differing case is shown
    (ex.additive_score, lambda q, k, W, U, v: v @ np.tanh(W @ k[:len(q)] + U @ k), "they differ by"),
    (ex.masked_softmax, _softmax, "padded positions got weight"),
    (ex.masked_softmax, lambda s, m: np.where(m, _softmax(s, m), 0.0), "summing to less than 1"),
    (ex.masked_softmax, _overflowing, "overflows"),
    (ex.masked_softmax, _max_over_everything, "largest REAL score"),
    (ex.masked_softmax, _mask_after_exp, "inf * 0 is NaN"),
    (ex.context_vector, lambda w, K: K @ K.T @ w, "one per source position"),
    (ex.context_vector, lambda w, K: K.mean(0), "plain average"),
    (ex.context_vector, lambda w, K: (w ** 2) @ K, "differs"),
]

_q, _keys, _W, _U, _v = ex.attention_case(0)

#: answers written for what the notebook shows: its sizes (hidden 5, 6 source positions) and its batches, padded
#: at the end
NOTEBOOK_ONLY = [
    (ex.additive_score, lambda q, k, W, U, v: sum(v[i] * np.tanh(W[i] @ q + U[i] @ k) for i in range(5)),
     (_q, _keys[0], _W, _U, _v)),
    (ex.masked_softmax, _padding_at_the_end, (np.array([1.0, 3.0, -2.0, 0.5, 0.0]), np.arange(5) < 3)),
    (ex.context_vector, lambda w, K: sum(w[j] * K[j] for j in range(6)), (np.full(6, 1 / 6), _keys)),
]


def test_every_exercise_has_its_wrong_answers():
    assert_every_exercise_covered("seq2seq", WRONG, NOTEBOOK_ONLY)


@pytest.mark.parametrize("exercise, answer, expected", WRONG)
def test_typical_wrong_answers_fail_with_their_message(exercise, answer, expected):
    v = exercise.check(answer)
    assert not v and expected in v.message, v


@pytest.mark.parametrize("exercise, answer, case", NOTEBOOK_ONLY)
def test_an_answer_that_fits_only_the_notebooks_case_fails(exercise, answer, case):
    assert_fits_only(exercise, answer, case)


def _torch_masked_softmax(s, m):
    return torch.softmax(torch.tensor(s).masked_fill(~torch.tensor(m), float("-inf")), dim=0)


@pytest.mark.parametrize("exercise, answer", [
    (ex.additive_score, lambda q, k, W, U, v: np.dot(v, np.tanh(np.dot(W, q) + np.dot(U, k)))),
    (ex.masked_softmax, _torch_masked_softmax),
    (ex.masked_softmax, lambda s, m: _torch_masked_softmax(s.astype(np.float32), m)),
    (ex.masked_softmax, lambda s, m: np.exp(np.where(m, s - s[m].max(), -1e9)) / np.exp(np.where(m, s - s[m].max(), -1e9)).sum()),
    (ex.context_vector, lambda w, K: K.T @ w),
    (ex.context_vector, lambda w, K: list((w[:, None] * K).sum(0))),
    (ex.additive_score, lambda q, k, W, U, v: v[None] @ np.tanh(W @ q + U @ k)),   # one number, shape (1,)
])
def test_other_right_answers_pass(exercise, answer):
    assert exercise.check(answer)


def test_log_weights_are_not_mistaken_for_an_underflow():
    def log_weights(s, m):
        e = np.where(m, s - s[m].max(), -np.inf)
        return np.where(m, e - np.log(np.exp(e).sum()), -30.0)
    v = ex.masked_softmax.check(log_weights)
    assert not v and "Two mistakes give this" not in v.message


def test_references_agree_with_the_librarys_attention():
    """Independent: seq2seq.AdditiveAttention (torch) with the judge's weights gives the same scores and context."""
    q, keys, W, U, v = ex.attention_case(1)
    attention = seq2seq.AdditiveAttention(len(q), keys.shape[1], len(v)).double()
    with torch.no_grad():
        attention.W_a.copy_(torch.tensor(W))
        attention.U_a.copy_(torch.tensor(U))
        attention.v_a.copy_(torch.tensor(v))
    mask = np.arange(len(keys)) < 4
    with torch.no_grad():
        context, weights = attention(torch.tensor(q)[None], torch.tensor(keys)[None], torch.tensor(mask)[None])
    scores = np.array([ex.additive_score.reference(q, k, W, U, v) for k in keys])
    ours = ex.masked_softmax.reference(scores, mask)
    np.testing.assert_allclose(weights[0].numpy(), ours, atol=1e-12)
    np.testing.assert_allclose(context[0].numpy(), ex.context_vector.reference(ours, keys), atol=1e-12)
