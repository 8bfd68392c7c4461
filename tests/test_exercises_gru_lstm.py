"""Notebook 04's exercises: typical wrong answers get their own message, an answer that fits only the notebook's
case fails, and the references agree with independent ones (torch's GRUCell, autograd through an LSTM, the
adding problem's own data)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from lecturekit import cells, tasks, train
from lecturekit.exercises import gru_lstm as ex
from tests.helpers import assert_every_exercise_covered, assert_fits_only

F64 = torch.float64


def _sig(a):
    return 1 / (1 + np.exp(-a))


def _gates(x, h, p):
    return (_sig(p["W_z"] @ x + p["U_z"] @ h + p["b_z"]), _sig(p["W_r"] @ x + p["U_r"] @ h + p["b_r"]))


def _gru(candidate, swapped=False):
    """A GRU step with the given candidate n(x, h, p, r); swapped puts z on the candidate."""
    def step(x, h, p):
        z, r = _gates(x, h, p)
        n = candidate(x, h, p, r)
        return (1 - z) * h + z * n if swapped else z * h + (1 - z) * n
    return step


_no_b_hn = _gru(lambda x, h, p, r: np.tanh(p["W_h"] @ x + p["b_h"] + r * (p["U_h"] @ h)))


def _without_b_hn():
    x, h, p = ex.gru_case(0)
    return x, h, {**p, "b_hn": np.zeros_like(p["b_hn"])}


WRONG = [
    # the lecture's convention: reset before U_h, no b_hn
    (ex.torch_gru_step, _gru(lambda x, h, p, r: np.tanh(p["W_h"] @ x + p["U_h"] @ (r * h) + p["b_h"])),
     "that is the lecture's convention"),
    (ex.torch_gru_step, _no_b_hn, "right except for b_hn"),
    (ex.torch_gru_step, _gru(lambda x, h, p, r: np.tanh(p["W_h"] @ x + p["b_h"] + p["b_hn"] + r * (p["U_h"] @ h))),
     "b_hn sits inside the product"),
    (ex.torch_gru_step, _gru(lambda x, h, p, r: np.tanh(p["W_h"] @ x + p["b_h"] + r * (p["U_h"] @ h + p["b_hn"])),
                             swapped=True),
     "Some sources (Chung et al. 2014) write the update gate that way round"),
    (ex.torch_gru_step, lambda x, h, p: np.tanh(p["W_h"] @ x + p["b_h"] + p["U_h"] @ h), "torch_gru_step"),
    (ex.cell_gradient_after, lambda b, k: b ** k, "sigma(b_f), not b_f"),
    (ex.cell_gradient_after, lambda b, k: _sig(b) * k, "a power"),
    (ex.cell_gradient_after, lambda b, k: (1 - _sig(b)) ** k, "not 1 - f_t"),
    (ex.cell_gradient_after, lambda b, k: _sig(b) ** (k + 1), "expected 0.39"),
    (ex.remembered_mse, lambda k: (2 - k) / 6, "the variance of one uniform value on [0, 1] is 1/12"),
    (ex.remembered_mse, lambda k: 1 / 6 if k < 2 else 0.0, "as if remembering u2 did not help"),
    (ex.remembered_mse, lambda k: 1 / (6 * 2 ** k), "has nothing left to guess"),
    (ex.remembered_mse, lambda k: 1 / 12, "remembered_mse(0) is 0.0833333, expected 0.166667"),
]

#: answers written for what the notebook shows: a GRU without the extra bias, torch's default forget bias 0,
#: the constant prediction (k = 0) measured above the exercise
NOTEBOOK_ONLY = [
    (ex.torch_gru_step, _no_b_hn, _without_b_hn()),
    (ex.cell_gradient_after, lambda b, k: 0.5 ** k, (0.0, 20)),
    (ex.remembered_mse, lambda k: 1 / 6, (0,)),
]


def test_every_exercise_has_its_wrong_answers():
    assert_every_exercise_covered("gru_lstm", WRONG, NOTEBOOK_ONLY)


@pytest.mark.parametrize("exercise, answer, expected", WRONG)
def test_typical_wrong_answers_fail_with_their_message(exercise, answer, expected):
    v = exercise.check(answer)
    assert not v and expected in v.message, v


@pytest.mark.parametrize("exercise, answer, case", NOTEBOOK_ONLY)
def test_an_answer_that_fits_only_the_notebooks_case_fails(exercise, answer, case):
    assert_fits_only(exercise, answer, case)


def test_torch_gru_step_reference_is_torchs_gru_cell():
    """Independent: torch.nn.GRUCell's own numbers, its weights unstacked by GRUCell.from_torch."""
    with train.seeded(3):
        torch_cell = nn.GRUCell(5, 2).double()
    ours = cells.GRUCell.from_torch(torch_cell)
    p = {name: value.detach().numpy() for name, value in ours.named_parameters()}
    rng = np.random.default_rng(0)
    x, h = rng.normal(size=5), rng.uniform(-1, 1, size=2)
    expected = torch_cell(torch.from_numpy(x)[None], torch.from_numpy(h)[None])[0].detach().numpy()
    np.testing.assert_allclose(ex.torch_gru_step.reference(x, h, p), expected, rtol=0, atol=1e-12)
    assert set(p) == set(ex.gru_case(0)[2])   # the judge's cases carry exactly torch's parameters


def test_cell_gradient_reference_matches_autograd_through_an_lstm():
    """dc_T/dc_(T-k) of a real LSTMCell whose forget gate is sigma(b_f): W_f = U_f = 0."""
    cell = cells.LSTMCell(2, 3).double()
    with torch.no_grad():
        cell.W_f.zero_()
        cell.b_f.fill_(1.0)
        for U in (cell.U_f, cell.U_i, cell.U_o, cell.U_c):  # no path from c_(t-1) through h_(t-1)
            U.zero_()
    c0 = torch.zeros(1, 3, dtype=F64, requires_grad=True)
    xs = torch.randn(20, 1, 2, generator=torch.Generator().manual_seed(0), dtype=F64)
    _, (_, c_T) = cells.unroll(cell, xs, (torch.zeros(1, 3, dtype=F64), c0))
    (grad,) = torch.autograd.grad(c_T.sum(), c0)
    np.testing.assert_allclose(grad.numpy(), ex._cell_gradient_after(1.0, 20), rtol=1e-12)


def test_remembered_mse_reference_matches_data():
    """Independent: the best predictions given the remembered values, on 200,000 sequences of the task itself."""
    x, y = tasks.adding_problem(200_000, 4, seed=1, dtype=torch.float64)
    marked = (x[:, :, 0] * x[:, :, 1])                      # the two marked values, in order, zero elsewhere
    first = marked[:, :2].sum(1)                            # T = 4: one marked step in each half
    second = marked[:, 2:].sum(1)
    predictions = {0: torch.ones_like(y), 1: second + 0.5, 2: first + second}
    for k, guess in predictions.items():
        assert ((y - guess) ** 2).mean().item() == pytest.approx(ex.remembered_mse.reference(k), abs=3e-3)
