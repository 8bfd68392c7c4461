"""tasks: the adding problem's shape, markers, targets, seeding and baseline."""

import pytest
import torch

from lecturekit import tasks
from lecturekit.exercises import gru_lstm as ex


@pytest.mark.parametrize("n, T", [(1, 2), (5, 3), (64, 50), (7, 101)])
def test_adding_problem_has_one_marker_in_each_half_and_sums_the_marked_values(n, T):
    x, y = tasks.adding_problem(n, T, seed=3)
    assert x.shape == (n, T, 2) and y.shape == (n,) and x.dtype == torch.float32
    values, markers = x[..., 0], x[..., 1]
    assert ((values >= 0) & (values <= 1)).all()
    assert set(markers.unique().tolist()) <= {0.0, 1.0}
    half = T // 2
    assert (markers[:, :half].sum(1) == 1).all() and (markers[:, half:].sum(1) == 1).all()
    assert torch.allclose((values * markers).sum(1), y)


def test_same_seed_same_data_other_seed_other_data():
    a = tasks.adding_problem(10, 20, seed=5)
    b = tasks.adding_problem(10, 20, seed=5)
    c = tasks.adding_problem(10, 20, seed=6)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])


def test_a_generator_draws_new_batches_reproducibly():
    g1, g2 = torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)
    first, second = tasks.adding_problem(4, 10, g1), tasks.adding_problem(4, 10, g1)
    assert not torch.equal(first[0], second[0])
    assert torch.equal(tasks.adding_problem(4, 10, g2)[0], first[0])


def test_dtype_is_honoured():
    x, y = tasks.adding_problem(3, 5, dtype=torch.float64)
    assert x.dtype == y.dtype == torch.float64


@pytest.mark.parametrize("n, T, message", [(0, 10, "n"), (3, 1, "T"), (3, 0, "T"), (2.5, 10, "n"), (3, 7.5, "T")])
def test_bad_sizes_are_value_errors(n, T, message):
    with pytest.raises(ValueError, match=message):
        tasks.adding_problem(n, T)


def test_predicting_one_gives_the_baseline_mse_of_one_sixth():
    _, y = tasks.adding_problem(200_000, 10, seed=0, dtype=torch.float64)
    assert ((y - 1) ** 2).mean().item() == pytest.approx(1 / 6, abs=2e-3)
    assert y.mean().item() == pytest.approx(1.0, abs=3e-3)
    assert tasks.ADDING_BASELINE_MSE == ex.remembered_mse.reference(0)
