"""Notebook 06's exercises: typical wrong answers get their own message, an answer that fits only the notebook's
case fails, and other right answers (numpy, torch, the library) pass."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecturekit import conv
from lecturekit.exercises import conv as ex
from tests.helpers import assert_every_exercise_covered, assert_fits_only


def _weights(x, g, K, s):
    i = np.arange(len(g))
    return np.array([np.dot(g, x[s * i + j]) for j in range(K)])


def _autograd_weights(x, g, K, s):   # torch's autograd, float32
    w = torch.zeros(1, 1, K, requires_grad=True)
    (F.conv1d(_t(x)[None, None], w, stride=s)[0, 0] * _t(g)).sum().backward()
    return w.grad[0, 0]


def _inputs(g, w, n, s):
    out = np.zeros(n)
    for i, gi in enumerate(g):
        out[s * i:s * i + len(w)] += gi * w
    return out


def _with_holes(g, s):   # s - 1 zeros between the entries of g
    out = np.zeros(s * (len(g) - 1) + 1)
    out[::s] = g
    return out


def _transposed(g, w, n, s):   # torch's transposed convolution, in float32, with the tail as output_padding
    read = s * (len(g) - 1) + len(w)
    return F.conv_transpose1d(_t(g)[None, None], _t(w)[None, None], stride=s, output_padding=n - read)[0, 0] \
        if n - read < s else None

WRONG = [
    (ex.corr1d, lambda x, w: np.convolve(x, w, mode="valid"), "runs backwards"),
    (ex.corr1d, lambda x, w: np.correlate(x, w, mode="full"), "'full' result"),
    (ex.corr1d, lambda x, w: np.correlate(x, w, mode="same"), "has shape"),
    (ex.corr1d, lambda x, w: np.correlate(x, w, mode="valid") + 1, "differs from the reference"),
    (ex.corr1d, lambda x, w: "y", "array of numbers"),
    (ex.weight_gradient, lambda x, g, K, s: _weights(x, g, K, s)[::-1], "reversed"),
    (ex.weight_gradient, lambda x, g, K, s: np.array([np.dot(g, x[j:j + len(g)]) for j in range(K)]),
     "the windows of stride 1"),
    (ex.weight_gradient, lambda x, g, K, s: np.correlate(x, g, mode="full"), "one entry per weight"),
    (ex.weight_gradient, lambda x, g, K, s: 2 * _weights(x, g, K, s), "differs from the reference"),
    (ex.input_gradient, lambda g, w, n, s: np.convolve(g, w, mode="full"), "the back-convolution of stride 1"),
    (ex.input_gradient, lambda g, w, n, s: _inputs(g, w, n, s)[:s * (len(g) - 1) + len(w)], "read by no output"),
    (ex.input_gradient, lambda g, w, n, s: _inputs(g, w[::-1], n, s), "the kernel runs the wrong way"),
    (ex.input_gradient, lambda g, w, n, s: np.zeros(n), "differs from the reference"),
    (ex.flip_kernel, lambda w: w.T, "transpose"),
    (ex.flip_kernel, lambda w: w[::-1], "rows only"),
    (ex.flip_kernel, lambda w: np.rot90(w), "rotation by 90 degrees"),
    (ex.flip_kernel, lambda w: np.rot90(w, -1), "rotation by 90 degrees"),
    (ex.flip_kernel, lambda w: w[:, ::-1], "columns only"),
    (ex.flip_kernel, lambda w: w, "differs from the reference"),
    # right on the notebook's sorted kernel np.arange(6).reshape(2, 3) only
    (ex.flip_kernel, lambda w: np.sort(w.ravel())[::-1].reshape(w.shape), "for a random 3x3 kernel"),
    (ex.flip_kernel, lambda w: w.max() - w + w.min(), "for a random 3x3 kernel"),
]

#: answers written for what the notebook shows: kernels of 3 taps, a 3 x 3 kernel
NOTEBOOK_ONLY = [
    (ex.corr1d, lambda x, w: np.array([w[0] * x[i] + w[1] * x[i + 1] + w[2] * x[i + 2] for i in range(len(x) - 2)]),
     (np.arange(8.0), np.array([1.0, -2.0, 0.5]))),
    (ex.weight_gradient, lambda x, g, K, s: np.correlate(x, g, mode="valid"),
     (np.arange(8.0), np.array([1.0, 0.0, -1.0, 2.0, 0.5, 1.0]), 3, 1)),
    (ex.input_gradient, lambda g, w, n, s: np.convolve(g, w, mode="full"),
     (np.array([1.0, 0.0, -1.0, 2.0]), np.array([0.5, 1.0, -2.0]), 6, 1)),
    (ex.flip_kernel, lambda w: np.array([[w[2 - i, 2 - j] for j in range(3)] for i in range(3)]),
     (np.arange(9.0).reshape(3, 3),)),
]


def test_every_exercise_has_its_wrong_answers():
    assert_every_exercise_covered("conv", WRONG, NOTEBOOK_ONLY)


@pytest.mark.parametrize("exercise, answer, expected", WRONG)
def test_typical_wrong_answers_fail_with_their_message(exercise, answer, expected):
    v = exercise.check(answer)
    assert not v and expected in v.message, v


@pytest.mark.parametrize("exercise, answer, case", NOTEBOOK_ONLY)
def test_an_answer_that_fits_only_the_notebooks_case_fails(exercise, answer, case):
    assert_fits_only(exercise, answer, case)


def _t(a):
    return torch.tensor(np.asarray(a, dtype=np.float32))


@pytest.mark.parametrize("exercise, answer", [
    (ex.corr1d, lambda x, w: np.correlate(x, w, mode="valid")),
    (ex.corr1d, conv.corr1d),
    (ex.corr1d, lambda x, w: F.conv1d(_t(x)[None, None], _t(w)[None, None])[0, 0]),
    (ex.weight_gradient, lambda x, g, K, s: conv.corr1d_backward(g, x, np.zeros(K), stride=s)[1]),
    (ex.weight_gradient, lambda x, g, K, s: _autograd_weights(x, g, K, s)),
    (ex.input_gradient, lambda g, w, n, s: conv.corr1d_backward(g, np.zeros(n), w, stride=s)[0]),
    (ex.input_gradient, lambda g, w, n, s: _transposed(g, w, n, s)),
    (ex.input_gradient, lambda g, w, n, s: np.convolve(_with_holes(g, s), w, mode="full").tolist() + [0.0] * (n - (s * (len(g) - 1) + len(w)))),
    (ex.flip_kernel, lambda w: np.rot90(w, 2)),
    (ex.flip_kernel, lambda w: torch.flip(_t(w), dims=(0, 1))),
])
def test_other_right_answers_pass(exercise, answer):
    assert exercise.check(answer)
