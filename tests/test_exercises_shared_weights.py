"""Notebook 01's exercises: typical wrong answers get their own message, an answer that fits only the notebook's
case fails, and the references agree with independent ones (autograd, a direct search over both counts)."""

from __future__ import annotations

import numpy as np
import pytest

from lecturekit import hyper
from lecturekit.exercises import shared_weights as ex
from tests.helpers import assert_every_exercise_covered, assert_fits_only


def _fixed(nz, d, ni, no, f):
    return ni * (d * nz + d) + f * no * f * (d + 1)


WRONG = [
    (ex.copy_backward, lambda d: d.mean(0), "averaged"),
    (ex.copy_backward, lambda d: d[0], "one branch"),
    (ex.copy_backward, lambda d: d.sum(1), "wrong axis"),
    (ex.copy_backward, lambda d: d.sum(0) * 2, "differs"),
    (ex.sum_backward, lambda d, k: np.tile(d / k, (k, 1)), "split dC/dy"),
    (ex.sum_backward, lambda d, k: d, "one gradient per term"),
    (ex.sum_backward, lambda d, k: np.ones((k, len(d))), "differs"),
    (ex.template_gradient, lambda x, g: g[0] * x[:len(x) - len(g) + 1], "position 0 only"),
    (ex.template_gradient, lambda x, g: g[-1] * x[len(g) - 1:], "only"),
    (ex.template_gradient, lambda x, g: ex.template_gradient.reference(x, g) / len(g), "averaged"),
    (ex.template_gradient, lambda x, g: np.convolve(x, g, mode="valid"), "in reverse order (np.convolve flips"),
    (ex.template_gradient, lambda x, g: ex.template_gradient.reference(x, g)[::-1], "reversed"),
    (ex.break_even_blocks, lambda nz, d, ni, no, f: _fixed(nz, d, ni, no, f) // (ni * f * no * f) + 1,
     "you left out the embedding"),
    (ex.break_even_blocks, lambda nz, d, ni, no, f: _fixed(nz, d, ni, no, f) / (ni * f * no * f - nz), "not yet smaller"),
    (ex.break_even_blocks, lambda nz, d, ni, no, f: _fixed(nz, d, ni, no, f) // max(1, ni * f * no * f - nz) + 1,
     "never smaller, so return None"),
    (ex.break_even_blocks, lambda nz, d, ni, no, f: 34, "break_even_blocks(4, 4, 16, 16, 7) is 34, expected 1"),
    # a tie counted as smaller, and the biases left out: both agree with the right answer on the notebook's case
    (ex.break_even_blocks, lambda nz, d, ni, no, f: None if nz >= ni * f * no * f else
     -(-_fixed(nz, d, ni, no, f) // (ni * f * no * f - nz)), "break_even_blocks(3, 3, 1, 1, 3) is 8: at that depth"),
    (ex.break_even_blocks, lambda nz, d, ni, no, f: None if nz >= ni * f * no * f else
     (ni * d * nz + f * no * f * d) // (ni * f * no * f - nz) + 1, "you left out the biases"),
]

#: answers written for what the notebook shows: the lecture's three copies, the notebook's template of 6 weights,
#: four terms, the residual network's blocks
NOTEBOOK_ONLY = [
    (ex.copy_backward, lambda d: d[0] + d[1] + d[2], (np.arange(6.0).reshape(3, 2),)),
    (ex.sum_backward, lambda d, k: np.stack([d, d, d, d]), (np.array([0.5, -2.0, 1.5]), 4)),
    (ex.template_gradient, lambda x, g: sum(g[p] * x[p:p + 6] for p in range(len(g))), (np.arange(12.0), np.ones(7))),
    (ex.break_even_blocks, lambda nz, d, ni, no, f: 34, (64, 64, 16, 16, 3)),
]


def test_every_exercise_has_its_wrong_answers():
    assert_every_exercise_covered("shared_weights", WRONG, NOTEBOOK_ONLY)


@pytest.mark.parametrize("exercise, answer, expected", WRONG)
def test_typical_wrong_answers_fail_with_their_message(exercise, answer, expected):
    v = exercise.check(answer)
    assert not v and expected in v.message, v


@pytest.mark.parametrize("exercise, answer, case", NOTEBOOK_ONLY)
def test_an_answer_that_fits_only_the_notebooks_case_fails(exercise, answer, case):
    assert_fits_only(exercise, answer, case)


@pytest.mark.parametrize("answer", [
    lambda x, g: np.correlate(x, g, mode="valid"),
    lambda x, g: np.convolve(x, g[::-1], mode="valid"),
    lambda x, g: np.lib.stride_tricks.sliding_window_view(x, len(x) - len(g) + 1).T @ g,
])
def test_template_gradient_other_right_answers_pass(answer):
    assert ex.template_gradient.check(answer)


@pytest.mark.parametrize("answer, expected", [
    (33, "forgets that each block also adds its own embedding of 64"),
    (33.9, "a whole number"),
    (10, "too small"),
    (100, "too large"),
    (35, "too large"),
    (32.5, "a whole number"),
    (32, "too small"),
    (34.5, "a whole number"),
    ("thirty-four", "give a whole number of blocks"),
])
def test_break_even_depth_prediction_names_the_mistake(answer, expected):
    v = ex.break_even_depth.check(answer)
    assert not v and expected in v.message, v
    assert ex.break_even_depth.check(34) and ex.break_even_depth.check(np.float32(34.0))


def test_break_even_blocks_reference_against_the_counts():
    """Independent: the first D at which the two counting functions cross, searched directly."""
    for n_z, d, n_in, n_out, f in ex._BREAK_EVEN_CASES:
        smaller = [D for D in range(1, 2000)
                   if hyper.static_hypernetwork_parameters(n_z=n_z, d=d, n_in=n_in, n_out=n_out, f_size=f, n_layers=D)
                   < hyper.ordinary_kernel_parameters(n_in=n_in, n_out=n_out, f_size=f, n_layers=D)]
        assert ex.break_even_blocks.reference(n_z, d, n_in, n_out, f) == (smaller[0] if smaller else None)
    assert ex.break_even_blocks.reference(64, 64, 16, 16, 3) == ex.break_even_depth.reference == 34
