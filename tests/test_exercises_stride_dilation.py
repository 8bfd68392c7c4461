"""Notebook 07's exercises: typical wrong answers get their own message, an answer that fits only the notebook's
case fails, and the references agree with independent ones (torch's output shapes, the library's wiring)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecturekit import conv, wiring
from lecturekit.exercises import stride_dilation as ex
from tests.helpers import assert_every_exercise_covered, assert_fits_only

WRONG = [
    (ex.output_size, lambda n, k, s, p, d: (n + 2 * p - k) // s + 1, "left out the dilation"),
    (ex.output_size, lambda n, k, s, p, d: (n + p - d * (k - 1) - 1) // s + 1, "both sides"),
    (ex.output_size, lambda n, k, s, p, d: -(-(n + 2 * p - d * (k - 1) - 1) // s) + 1, "round down, not up"),
    (ex.output_size, lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) / s + 1, "a number of outputs is whole"),
    (ex.output_size, lambda n, k, s, p, d: n - k + 1, "expected"),
    (ex.receptive_field, lambda L: 1 + sum((k - 1) * d for k, s, d in L), "ignores the strides"),
    (ex.receptive_field, lambda L: 1 + sum((k - 1) * d * int(np.prod([s for _, s, _ in L[:i + 1]]))
                                           for i, (k, _, d) in enumerate(L)), "strides *below*"),
    (ex.receptive_field, lambda L: len(L), "expected"),
    (ex.fewest_dilations, lambda t: [1, 2, 4, 8, 16], "fewer than 64"),
    (ex.fewest_dilations, lambda t: [2] * 32, "never seen"),
    (ex.fewest_dilations, lambda t: [1] * (t - 1), "will do"),
    (ex.fewest_dilations, lambda t: 6, "list of whole numbers"),
]

#: answers written for what the notebook shows: stride 1, a target that is a power of 2 (64, WaveNet's doubling)
NOTEBOOK_ONLY = [
    (ex.output_size, lambda n, k, s, p, d: n + 2 * p - d * (k - 1), (16, 3, 1, 1, 2)),
    (ex.receptive_field, lambda L: 1 + sum((k - 1) * d for k, s, d in L), ([(3, 1, 1), (3, 1, 2), (3, 1, 4)],)),
    (ex.fewest_dilations, lambda t: [2 ** i for i in range(int(math.log2(t)))], (64,)),
]


def test_every_exercise_has_its_wrong_answers():
    assert_every_exercise_covered("stride_dilation", WRONG, NOTEBOOK_ONLY)


@pytest.mark.parametrize("exercise, answer, expected", WRONG)
def test_typical_wrong_answers_fail_with_their_message(exercise, answer, expected):
    v = exercise.check(answer)
    assert not v and expected in v.message, v


@pytest.mark.parametrize("exercise, answer, case", NOTEBOOK_ONLY)
def test_an_answer_that_fits_only_the_notebooks_case_fails(exercise, answer, case):
    assert_fits_only(exercise, answer, case)


@pytest.mark.parametrize("exercise, answer", [
    (ex.output_size, lambda n, k, s, p, d: conv.output_size(n, k, s, p, d)),
    (ex.output_size, lambda n, k, s, p, d: int(np.floor((n + 2 * p - k - (k - 1) * (d - 1)) / s)) + 1),
    (ex.output_size, lambda n, k, s, p, d: np.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1),  # a float64 whole number
    (ex.output_size, lambda n, k, s, p, d: F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=p,
                                                    dilation=d).shape[-1]),
    (ex.receptive_field, wiring.receptive_field),
    (ex.fewest_dilations, lambda t: sorted(ex._fewest_dilations(t), reverse=True)),   # any order works
])
def test_other_right_answers_pass(exercise, answer):
    assert exercise.check(answer)


def test_fewest_dilations_reference_is_wavenets_doubling():
    assert ex._fewest_dilations(64) == [1, 2, 4, 8, 16, 32]
    assert wiring.receptive_field([(2, 1, d) for d in ex._fewest_dilations(100)]) == 100
