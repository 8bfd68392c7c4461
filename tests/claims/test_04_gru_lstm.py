"""Notebook 04's sentences that state a fact, one test each, named after the sentence, recomputed with lecturekit
(and torch as the independent side). The trained models' claims train them as the notebook does (about 8 s)."""

from __future__ import annotations

import torch

from lecturekit import cells


def _pair(reset_bias, seed=0):
    g = torch.Generator().manual_seed(seed)
    lecture = cells.GRUCell(3, 5, variant="lecture").double()
    torch_variant = cells.GRUCell(3, 5, variant="torch").double()
    with torch.no_grad():
        for _, p in lecture.named_parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype))
        if reset_bias is not None:          # r_t = sigma(b_r) in every unit: the same value c everywhere
            lecture.W_r.zero_(), lecture.U_r.zero_(), lecture.b_r.fill_(reset_bias)
        for name, p in lecture.named_parameters():
            getattr(torch_variant, name).copy_(p)
        torch_variant.b_hn.zero_()
        xs = torch.randn(20, 2, 3, generator=g, dtype=torch.float64)
        return float((cells.unroll(lecture, xs)[0] - cells.unroll(torch_variant, xs)[0]).abs().max())


def test_the_two_gru_conventions_agree_whenever_r_is_the_same_in_every_unit():
    for b_r in (-3.0, 0.0, 0.3, 2.0):          # c = sigma(b_r) from 0.05 to 0.88, not only 0 or 1
        for seed in (0, 1):
            assert _pair(b_r, seed) < 1e-12


def test_they_differ_when_r_differs_between_units():
    assert _pair(None) > 1e-2


# --- gradient flow through time (the explorer's items) ---------------------------------------------

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from torch import nn  # noqa: E402

from lecturekit import gates, tasks, train  # noqa: E402


def _loss_orders(**kwargs):
    r = gates.gradient_flow(**kwargs)
    return {k: float(np.log10(v[-1] / v[0])) for k, v in r.norms.items()}, r


def test_at_the_defaults_all_three_lose_16_to_23_orders_a_factor_0_58_to_0_68_per_step():
    for seed in range(4):
        orders, r = _loss_orders(seed=seed)
        for kind, o in orders.items():
            assert 16 <= o <= 23.2, (seed, kind, o)
            per_step = 10 ** (-o / (len(r.steps) - 1))
            assert 0.575 <= per_step <= 0.685, (seed, kind, per_step)
    assert 99 * np.log10(2) == pytest.approx(29.8, abs=0.1)     # a gate of 0.5 alone: 30 orders


def test_a_remember_bias_of_3_leaves_the_gated_cells_one_or_two_orders_and_6_a_ratio_near_1():
    orders, _ = _loss_orders(remember_bias=3.0)
    assert orders["gru"] < 2.5 and orders["lstm"] < 2.5 and orders["rnn"] > 15
    orders, _ = _loss_orders(remember_bias=6.0)
    assert orders["gru"] < 0.3 and orders["lstm"] < 0.3


def test_at_scale_2_the_tanh_rnns_gradient_no_longer_vanishes_but_the_gated_cells_still_lose_it():
    orders, _ = _loss_orders(recurrent_scale=2.0)
    assert orders["rnn"] < 2 and orders["gru"] > 5 and orders["lstm"] > 5


def test_at_0_58_to_0_68_per_step_25_steps_shrink_1e4_to_1e6_times_and_50_steps_1e8_to_1e12():
    assert 1e4 < 0.68 ** -25 and 0.58 ** -25 < 1e6
    assert 1e8 < 0.68 ** -50 and 0.58 ** -50 < 1e12


def test_a_forget_bias_of_1_keeps_2e_minus_3_over_20_steps_against_1e_minus_6():
    sig = lambda b: 1 / (1 + np.exp(-b))  # noqa: E731
    assert round(np.log10(sig(0.0) ** 20)) == -6 and sig(1.0) ** 20 == pytest.approx(2e-3, rel=0.1)


def test_a_gru_has_three_quarters_of_an_lstms_parameters():
    for hidden in (1, 32, 256):
        assert train.count_parameters(nn.GRU(2, hidden)) * 4 == train.count_parameters(nn.LSTM(2, hidden)) * 3


# --- the trained cells: the adding problem as the notebook trains it -------------------------------

T, HIDDEN, BATCH, MAX_STEPS, LR = 50, 32, 64, 700, 2e-2


@pytest.fixture(scope="module")
def trained():
    def mse(model, batch):
        x, y = batch
        return nn.functional.mse_loss(model(x), y)

    models = {}
    for name, layer in (("gru", nn.GRU), ("lstm", nn.LSTM)):
        with train.seeded(0):
            models[name] = gates.SequenceRegressor(layer(2, HIDDEN), HIDDEN)
        train.train(models[name], mse, lambda g: tasks.adding_problem(BATCH, T, seed=g), steps=MAX_STEPS, lr=LR,
                    clip=1.0, seed=0, progress=False, stop_when=lambda h: h.final(25) < 0.005)
    x_one, _ = tasks.adding_problem(n=1, T=T, seed=7)
    return models, x_one, x_one[0, :, 1].nonzero().flatten().tolist()


def test_the_most_open_lstm_unit_keeps_f_near_1_and_opens_its_input_gate_only_at_the_markers(trained):
    models, x_one, marked = trained
    lstm = cells.LSTMCell.from_torch(models["lstm"].cell)
    with torch.no_grad():
        tr = cells.trace(lstm, x_one.transpose(0, 1))
    f, i = tr["f"][:, 0], tr["i"][:, 0]
    order = f.mean(0).argsort(descending=True)
    unit = order[0]
    other_steps = [t for t in range(T) if t not in marked]
    assert f[:, unit].min() > 0.9 and i[other_steps, unit].max() < 0.2 and i[marked, unit].min() > 0.5
    assert all(0.4 < float(f[:, u].mean()) < 0.75 for u in order[1:8])     # "the other rows ... near 0.5"


def test_the_grus_update_gate_is_near_1_after_the_first_marker_lower_before_it_and_drops_at_a_marker(trained):
    models, x_one, marked = trained
    gru = cells.GRUCell.from_torch(models["gru"].cell)
    with torch.no_grad():
        z = cells.trace(gru, x_one.transpose(0, 1))["z"][:, 0]
    z = z[:, z.mean(0).argsort(descending=True)[:8]]
    assert z[marked[0] + 1:marked[1]].mean() > 0.97 and z[:marked[0]].mean() < z[marked[0] + 1:marked[1]].mean() - 0.03
    assert z[marked].min() < 0.5


def test_a_gru_update_bias_of_3_forgets_h0_in_100_steps_and_6_keeps_three_quarters():
    moved = {}
    for seed in range(5):
        g = torch.Generator().manual_seed(seed)
        h0 = torch.full((1, 16), 0.5, dtype=torch.float64)
        xs = torch.randn(100, 1, 4, generator=g, dtype=torch.float64)
        for b_z in (0.0, 3.0, 6.0):
            torch.manual_seed(seed)
            gru = cells.GRUCell(4, 16).double()
            with torch.no_grad():
                gru.b_z.fill_(b_z)
            _, h_T = cells.unroll(gru, xs, h0)
            z = cells.trace(gru, xs, h0)["z"].mean().item()
            moved.setdefault(b_z, []).append((h_T - h0).abs().max().item())
            if b_z == 3.0:
                assert round(z, 2) == 0.95 and round(1 / (1 - z)) == 20 and round(z ** 100, 3) == 0.006
            if b_z == 6.0:
                assert round(z, 3) == 0.997 and 340 < 1 / (1 - z) < 365 and 0.73 < z ** 100 < 0.78      # "three quarters"
    assert 0.72 < min(moved[3.0]) and max(moved[3.0]) < 0.83
    assert 0.76 < min(moved[0.0]) and max(moved[0.0]) < 1.12
    assert all(0.15 < m < 0.25 for m in moved[6.0])


def test_at_scale_2_the_tanh_rnn_changes_by_less_than_2_5_orders_and_the_gated_cells_lose_5_5_to_13():
    for seed in range(12):
        orders, _ = _loss_orders(recurrent_scale=2.0, seed=seed)
        assert abs(orders["rnn"]) < 2.5 and 5.5 <= orders["gru"] <= 13 and 5.5 <= orders["lstm"] <= 13, (seed, orders)


def test_at_scale_3_the_tanh_rnn_explodes_by_about_7_to_10_orders_with_input():
    for seed in range(12):
        orders, _ = _loss_orders(recurrent_scale=3.0, seed=seed)
        assert -10 <= orders["rnn"] <= -6.9, (seed, orders)        # "about 7 to 10"
