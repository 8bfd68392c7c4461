"""Notebook 03's sentences that state a fact, one test each, named after the sentence, recomputed with lecturekit
(and torch or closed forms as the independent side). Counter-cases the text names are tested too."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lecturekit import clipping, odes, recurrence, tricks
from lecturekit.widgets.tricks import CLIPPING_SLIDERS

GRID = np.round(np.arange(0.1, 12.01, 0.05), 2)


@pytest.fixture(scope="module")
def sweep():
    return clipping.cliff_descent([np.inf, 0.03, *GRID])


@pytest.fixture(scope="module")
def slider():
    thresholds = np.array(CLIPPING_SLIDERS["threshold"].values())
    return thresholds, clipping.cliff_descent([np.inf, *thresholds])


def _crossed(loss):
    return bool(np.any(loss[1:] > 100 * loss[:-1]))


def test_for_w_above_1_and_a_small_b_the_unit_has_two_stable_fixed_points():
    for w, b in ((2.0, 0.1), (1.5, -0.2), (3.0, 0.5)):
        z = np.linspace(-1, 1, 200001)
        g = np.tanh(w * z + b) - z
        roots = z[:-1][np.sign(g[:-1]) != np.sign(g[1:])]
        stable = [r for r in roots if w * (1 - np.tanh(w * r + b) ** 2) < 1]
        assert len(stable) == 2 and min(stable) < 0 < max(stable)
    z = np.linspace(-1, 1, 200001)                     # a large |b| leaves one
    g = np.tanh(2.0 * z + 1.5) - z
    assert (np.sign(g[:-1]) != np.sign(g[1:])).sum() == 1


def test_plain_descent_starts_in_the_wrong_basin_and_crosses_the_wall_downwards_between_steps_3_and_4(sweep):
    loss = sweep.loss[:, 0]
    assert round(loss[0], 1) == 3.1 and loss[:4].min() > 2.5
    assert round(loss[4], 2) == 0.02 and loss[4:19].max() < 0.03


def test_plain_descent_reaches_the_wall_at_step_18_with_gradient_10_5_and_is_thrown_2_1_onto_the_plateau(sweep):
    norm, loss = sweep.grad_norm[:, 0], sweep.loss[:, 0]
    assert int(np.argmax(norm)) == 18 and round(norm.max(), 1) == 10.5
    step = np.hypot(np.diff(sweep.w[:, 0]), np.diff(sweep.b[:, 0]))
    assert round(step[18], 1) == 2.1
    assert round(loss[-1], 1) == 3.2 and loss[19:].min() > 3.0           # it never comes back in 130 steps
    assert 0.005 < norm[19:].min() and norm[19:].max() < 0.012          # "the gradient about 0.01"


def test_every_slider_threshold_but_1_is_thrown_back_up_across_the_wall(slider):
    thresholds, runs = slider
    escaped = [t for k, t in enumerate(thresholds) if not _crossed(runs.loss[:, k + 1])]
    assert escaped == [1.0]


def test_on_a_grid_of_0_01_the_runs_that_never_climb_back_above_0_1_are_near_1_and_scattered():
    grid = np.round(np.arange(0.01, 12.001, 0.01), 2)
    runs = clipping.cliff_descent([np.inf, *grid])
    stay = []
    for k, t in enumerate(grid):
        loss = runs.loss[:, k + 1]
        foot = np.nonzero(loss < 0.1)[0]
        if len(foot) and loss[foot[0]:].max() <= 0.1:
            stay.append(float(t))
    assert stay == [0.79, 0.87, 0.88, 0.91, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0, 1.19, 1.28]


def _throws(loss):
    return np.nonzero(loss[1:] > 100 * loss[:-1])[0] + 1            # the steps at which the loss has jumped


def test_the_start_is_not_flat_its_gradient_is_0_4_to_1_3(sweep):
    assert 0.35 < sweep.grad_norm[:4, 0].min() and sweep.grad_norm[:4, 0].max() < 1.3


def test_on_the_slider_0_032_to_0_05_nearly_every_step_is_clipped_and_the_run_crosses_19_to_36_times(slider):
    thresholds, runs = slider
    for k in np.nonzero(thresholds < 0.06)[0]:
        assert runs.clipped[:, k + 1].mean() >= 0.965 and 19 <= len(_throws(runs.loss[:, k + 1])) <= 36
        assert round(runs.loss[-1, k + 1], 3) in (0.004, 0.006, 0.011)


def test_on_the_slider_0_063_to_0_8_the_run_is_thrown_1_to_31_times_and_comes_back(slider):
    thresholds, runs = slider
    for k in np.nonzero((thresholds > 0.06) & (thresholds < 0.9))[0]:
        assert 1 <= len(_throws(runs.loss[:, k + 1])) <= 31 and runs.loss[-1, k + 1] < 1e-4


def test_on_the_slider_1_26_to_7_9_one_throw_the_longer_the_flatter_the_landing_and_the_longer_the_way_back(slider):
    thresholds, runs = slider
    landing, back = [], {}
    for k in np.nonzero((thresholds > 1.1) & (thresholds < 8))[0]:
        t, loss = round(float(thresholds[k]), 2), runs.loss[:, k + 1]
        throws = list(_throws(loss))
        assert len(throws) == (2 if t == 3.16 else 1) and throws[0] in (18, 19) and throws[-1] in (18, 19, 33), t
        first = throws[-1] if t != 3.16 else throws[0]
        if t != 3.16:
            landing.append(runs.grad_norm[first, k + 1])
        if t >= 2:
            assert 3.0 <= loss[first] < 3.24, t
        back[t] = int(np.nonzero(loss[first:] < 0.1)[0][0])
    assert np.all(np.diff(landing) < 0)                                  # the longer the throw, the flatter
    assert back[2.0] == 3 and back[3.98] == 9 and back[6.31] == 33 and back[7.94] == 80


def test_from_10_on_the_throw_lands_where_the_gradient_is_below_0_01_and_the_run_stays(slider):
    thresholds, runs = slider
    for k in np.nonzero(thresholds >= 10)[0]:
        loss = runs.loss[:, k + 1]
        assert runs.grad_norm[_throws(loss)[0], k + 1] < 0.01 and round(loss[-1], 1) == 3.2


def test_above_10_5_clipping_never_acts(sweep):
    for k, t in enumerate(GRID):
        if t > 10.5:
            assert not sweep.clipped[:, k + 2].any()
            np.testing.assert_array_equal(sweep.loss[:, k + 2], sweep.loss[:, 0])


def test_at_0_03_every_step_is_a_crawl_of_0_006_and_the_run_is_not_down_after_150_steps(sweep):
    step = np.hypot(np.diff(sweep.w[:, 1]), np.diff(sweep.b[:, 1]))
    assert sweep.clipped[:, 1].all() and step.max() == pytest.approx(0.006)
    assert sweep.loss[-1, 1] > 1e-3


def test_the_clipped_run_at_threshold_1_meets_a_gradient_of_359_at_step_4(sweep):
    k = 2 + list(GRID).index(1.0)
    assert int(np.argmax(sweep.grad_norm[:, k])) == 4 and round(sweep.grad_norm[:, k].max()) == 359
    assert sweep.grad_norm[:, k].max() > sweep.grad_norm[:, 0].max()


def test_leaky_integration_needs_about_1_over_alpha_times_more_steps():
    W = recurrence.scaled_rotation(0.6, np.deg2rad(30))
    lam = np.linalg.eigvals(W)[0]
    steps = {a: int(np.floor(np.log(1e-3) / np.log(abs(1 - a + a * lam)))) + 1 for a in (1.0, 0.5, 0.1, 0.02)}
    assert steps == {1.0: 14, 0.5: 28, 0.1: 142, 0.02: 717}


def test_a_leaky_unit_is_euler_with_step_alpha_on_dz_dt_equals_minus_z_plus_tanh_wz():
    W = recurrence.scaled_rotation(0.9, np.deg2rad(20))
    for alpha in (0.02, 0.1, 0.5, 1.0):
        by_euler = odes.euler(lambda z: -z + np.tanh(W @ z), np.array([1.0, 0.0]), h=alpha, steps=30)
        np.testing.assert_allclose(by_euler, tricks.leaky_rollout(W, np.array([1.0, 0.0]), 30, alpha), rtol=1e-12)


def test_with_tanh_at_gain_1_5_the_orthogonal_gradient_grows_3_decades_and_the_identitys_vanishes_29():
    for seed in range(4):
        r = tricks.compare_inits(1.5, 100, "tanh", seed=seed)
        change = {k: g[0] - g[-1] for k, g in zip(r.kinds, r.log10_grad)}
        assert change["orthogonal"] > 3 and change["identity"] < -29


def test_the_lstm_self_loops_direct_path_stays_near_1_but_the_whole_jacobian_is_larger():
    for seed in range(5):
        open_gate = tricks.lstm_self_loop(50, 6.0, seed=seed)
        assert 0.85 < open_gate.direct_norm < 1 and open_gate.full_norm > 2.4
        assert open_gate.full_norm < 12.5
        closed = tricks.lstm_self_loop(50, 0.0, seed=seed)
        assert closed.direct_norm < 1e-9 and closed.full_norm < 1e-9
    assert round(float(torch.sigmoid(torch.tensor(6.0))), 3) == 0.998
    loop = tricks.lstm_self_loop(50, 6.0)
    assert f"{loop.full_norm:8.2g}".strip() == "12" and f"{loop.direct_norm:8.2g}".strip() == "0.93"


def test_euler_error_halves_and_rk4_error_divides_by_16():
    A = odes.damped_rotation(-0.5, 2.0)
    z0 = np.array([1.0, 0.0])
    exact = odes.linear_exact(A, z0, [4.0])[0]
    ratios = {}
    for method in odes.METHODS:
        e = [np.linalg.norm(odes.integrate(lambda z: A @ z, z0, 4.0 / n, n, method)[-1] - exact) for n in (80, 160)]
        ratios[method] = e[0] / e[1]
    assert round(ratios["euler"], 1) == 2.2 and round(ratios["rk4"], 1) == 16.2


def test_euler_diverges_at_h_0_25_for_lambda_minus_0_5_plus_2i_and_for_every_h_for_a_rotation():
    lam = -0.5 + 2j
    assert abs(1 + 0.2 * lam) < 1 < abs(1 + 0.25 * lam)
    assert -2 * lam.real / abs(lam) ** 2 == pytest.approx(1 / 4.25)
    assert all(abs(1 + h * 2j) > 1 for h in (1e-6, 0.01, 0.1, 1.0))


def test_the_leaky_reach_grows_by_minus_ln_lambda_over_alpha_1_minus_re_lambda_about_1_over_alpha_here_only():
    def factor(lam, alpha):                                       # reach of the leaky step over the plain one, times alpha
        return alpha * np.log(abs(lam)) / np.log(abs(1 - alpha + alpha * lam))

    for lam, times in ((0.6 * np.exp(1j * np.pi / 6), 1.06), (0.9, 1.05), (0.1, 2.56), (-0.5, 0.46)):
        assert factor(lam, 0.005) == pytest.approx(-np.log(abs(lam)) / (1 - np.real(lam)), rel=0.01)
        assert round(factor(lam, 0.001), 2) == pytest.approx(times, abs=0.01)
    assert round(factor(0.1, 0.001), 1) == 2.6 and round(factor(-0.5, 0.001), 2) == 0.46


def test_an_eigenvalue_outside_the_circle_stays_outside_only_right_of_1():
    for lam, alpha, modulus in ((1.5, 0.1, 1.05), (-1.5, 0.1, 0.75), (1.5j, 0.1, 0.91), (1.5 * np.exp(1j * np.pi / 3), 0.1, 0.98)):
        mu = 1 - alpha + alpha * lam
        assert round(abs(mu), 2) == modulus
        assert abs(mu) ** 2 == pytest.approx(1 + 2 * alpha * (np.real(lam) - 1) + alpha ** 2 * abs(lam - 1) ** 2)
    rng = np.random.default_rng(0)
    lams = 1.05 + 3 * rng.random(2000) * np.exp(2j * np.pi * rng.random(2000))
    lams = lams[np.abs(lams) > 1]
    for alpha in (0.5, 0.1, 0.01):
        mu = np.abs(1 - alpha + alpha * lams)
        assert np.all(mu[lams.real >= 1] > 1)                              # right of 1: always outside
    for angle, limit in ((60, 0.29), (90, 0.62), (180, 0.8)):           # inside exactly when alpha < 2(1 - Re)/|lam - 1|^2
        lam = 1.5 * np.exp(1j * np.deg2rad(angle))
        assert round(2 * (1 - lam.real) / abs(lam - 1) ** 2, 2) == limit
        for alpha in np.arange(0.02, 1.0001, 0.02):                         # the slider's values
            assert (abs(1 - alpha + alpha * lam) < 1) == (alpha < 2 * (1 - lam.real) / abs(lam - 1) ** 2)
    tiny = np.abs(1 - 1e-4 + 1e-4 * lams)
    assert np.all(tiny[lams.real < 1 - 1e-3] < 1)                           # left of 1: inside for a small alpha
