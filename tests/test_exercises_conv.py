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

WRONG = [
    (ex.corr1d, lambda x, w: np.convolve(x, w, mode="valid"), "runs backwards"),
    (ex.corr1d, lambda x, w: np.correlate(x, w, mode="full"), "'full' result"),
    (ex.corr1d, lambda x, w: np.correlate(x, w, mode="same"), "has shape"),
    (ex.corr1d, lambda x, w: np.correlate(x, w, mode="valid") + 1, "differs from the reference"),
    (ex.corr1d, lambda x, w: "y", "array of numbers"),
    (ex.weight_gradient, lambda x, g: np.correlate(x, g, mode="valid")[::-1], "reversed"),
    (ex.weight_gradient, lambda x, g: np.correlate(x, g, mode="full"), "one entry per weight"),
    (ex.weight_gradient, lambda x, g: g * 1.0, "one entry per weight"),
    (ex.weight_gradient, lambda x, g: 2 * np.correlate(x, g, mode="valid"), "differs from the reference"),
    (ex.input_gradient, lambda g, w: np.correlate(g, w, mode="full"), "kernel runs backwards"),
    (ex.input_gradient, lambda g, w: np.convolve(g, w, mode="same") if len(g) >= len(w) else g, "one entry per input"),
    (ex.input_gradient, lambda g, w: np.convolve(g, w, mode="full") * 0, "differs from the reference"),
    (ex.flip_kernel, lambda w: w.T, "transpose"),
    (ex.flip_kernel, lambda w: w[::-1], "rows only"),
    (ex.flip_kernel, lambda w: np.rot90(w), "rotation by 90 degrees"),
    (ex.flip_kernel, lambda w: np.rot90(w, -1), "rotation by 90 degrees"),
    (ex.flip_kernel, lambda w: w[:, ::-1], "columns only"),
    (ex.flip_kernel, lambda w: w, "differs from the reference"),
]

#: answers written for what the notebook shows: kernels of 3 taps, a 3 x 3 kernel
NOTEBOOK_ONLY = [
    (ex.corr1d, lambda x, w: np.array([w[0] * x[i] + w[1] * x[i + 1] + w[2] * x[i + 2] for i in range(len(x) - 2)]),
     (np.arange(8.0), np.array([1.0, -2.0, 0.5]))),
    (ex.weight_gradient, lambda x, g: np.array([np.dot(g, x[j:j + len(g)]) for j in range(3)]),
     (np.arange(8.0), np.array([1.0, 0.0, -1.0, 2.0, 0.5, 1.0]))),
    (ex.input_gradient, lambda g, w: np.array([sum(w[k] * g[m - k] for k in range(3) if 0 <= m - k < len(g))
                                               for m in range(len(g) + 2)]),
     (np.array([1.0, 0.0, -1.0, 2.0]), np.array([0.5, 1.0, -2.0]))),
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
    (ex.weight_gradient, lambda x, g: conv.corr1d(x, g)),
    (ex.weight_gradient, lambda x, g: np.convolve(x, g[::-1], mode="valid")),
    (ex.input_gradient, lambda g, w: conv.conv1d(g, w, padding=len(w) - 1)),
    (ex.input_gradient, lambda g, w: F.conv_transpose1d(_t(g)[None, None], _t(w)[None, None])[0, 0]),
    (ex.flip_kernel, lambda w: np.rot90(w, 2)),
    (ex.flip_kernel, lambda w: torch.flip(_t(w), dims=(0, 1))),
])
def test_other_right_answers_pass(exercise, answer):
    assert exercise.check(answer)
