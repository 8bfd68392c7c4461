"""Notebook 02's sentences that state a fact, one test each, named after the sentence, recomputed with lecturekit
(and numpy or torch as the independent side). Counter-cases the text names are tested too."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lecturekit import recurrence, sharing


def _notebook_rng_after_section_1():
    """The notebook's generator, in the state it has after section 1 (which draws W, U, xs, z0)."""
    rng = np.random.default_rng(0)
    n, m, T = 3, 2, 6
    W, U = rng.normal(scale=0.8, size=(n, n)), rng.normal(size=(n, m))
    xs, z0 = rng.normal(size=(T, m)), rng.normal(size=n)
    return rng, (W, U, xs, z0, np.ones(n))


def test_the_shared_weight_receives_the_sum_of_the_per_step_gradients():
    _, (W, U, xs, z0, target) = _notebook_rng_after_section_1()
    shared, per_step = sharing.shared_weight_gradients(W, U, xs, z0, target)
    np.testing.assert_allclose(shared, per_step.sum(axis=0), rtol=1e-12, atol=1e-14)


def test_step_1s_contribution_is_about_180_times_smaller_than_step_6s():
    _, case = _notebook_rng_after_section_1()
    _, per_step = sharing.shared_weight_gradients(*case)
    size = np.linalg.norm(per_step, axis=(1, 2))
    assert 170 <= size[5] / size[0] <= 190            # "about 180 times"
    assert size[0] < size[2] < size[5]                 # "the early steps contribute much less than the late ones"


def test_rescaling_a_gradient_leaves_the_ratio_of_its_contributions_as_it_was():
    _, case = _notebook_rng_after_section_1()
    _, per_step = sharing.shared_weight_gradients(*case)
    size, scaled = np.linalg.norm(per_step, axis=(1, 2)), np.linalg.norm(1e3 * per_step, axis=(1, 2))
    assert scaled[0] / scaled[5] == pytest.approx(size[0] / size[5], rel=1e-12)


@pytest.mark.parametrize("scale, angle, factor", [(1.0, 0, 1.0), (1.0, 30, 1.0), (2.0, 0, 2.0), (0.5, 0, 0.5)])
def test_identity_and_rotation_keep_the_norm_2I_doubles_it_and_I_over_2_halves_it(scale, angle, factor):
    W = recurrence.scaled_rotation(scale, np.deg2rad(angle))
    z = recurrence.rollout(W, [1.0, 0.5], 10)
    ratios = np.linalg.norm(z[1:], axis=1) / np.linalg.norm(z[:-1], axis=1)
    np.testing.assert_allclose(ratios, factor, rtol=1e-12)
    np.testing.assert_allclose(recurrence.gradient_norms(W, [1.0, 0.5], 10)[0], factor ** 10, rtol=1e-12)


@pytest.mark.parametrize("angle", [0, 17, 30, 90, 151])
def test_with_g_linear_the_angle_changes_the_spiral_not_the_verdict(angle):
    for s, verdict in ((0.9, "vanishing"), (1.0, "propagating"), (1.1, "exploding")):
        e = recurrence.explore(s, angle, 100)
        assert e.regime == verdict and e.log10_gradient_norms[0] == pytest.approx(100 * np.log10(s), abs=1e-9)
    assert round(100 * np.log10(0.9), 1) == -4.6 and round(100 * np.log10(1.1), 1) == 4.1


def test_on_the_circle_the_norm_stays_1_only_for_a_normal_W():
    jordan = np.array([[1.0, 1.0], [0.0, 1.0]])                # both eigenvalues 1, not normal
    for T in (10, 100, 1000):
        assert np.linalg.norm(np.linalg.matrix_power(jordan, T), 2) == pytest.approx(T, rel=0.02)   # ||W^T|| ~ T
    R = recurrence.scaled_rotation(1.0, 0.7)                   # normal: W^T W = W W^T
    np.testing.assert_allclose(R.T @ R, R @ R.T, atol=1e-15)
    assert np.linalg.norm(np.linalg.matrix_power(R, 1000), 2) == pytest.approx(1.0, abs=1e-9)


def test_the_verdict_depends_on_T_at_modulus_0_97():
    assert round(1 / 0.97 ** 100) == 21 and round(1 / 0.97 ** 200) == 442
    assert recurrence.explore(0.97, 30, 100).regime == "propagating"
    assert recurrence.explore(0.97, 30, 200).regime == "vanishing"


def test_float64_overflows_at_step_775_for_modulus_2_5_and_float32_after_128_steps_of_2I():
    assert recurrence.explore(2.5, 30, 1000).first_overflow == 775
    W = 2 * torch.eye(2)                                       # float32, torch's default
    assert torch.isfinite(torch.linalg.matrix_power(W, 127)).all()
    assert torch.isinf(torch.linalg.matrix_power(W, 128)).any()
    assert float(torch.finfo(torch.float32).max) == pytest.approx(3.4e38, rel=0.01)


def test_the_logarithm_keeps_the_exponent_where_the_float_overflows():
    W2 = recurrence.scaled_rotation(2.0, 0.0)
    assert np.isinf(recurrence.gradient_norms(W2, [1.0, 0.0], 2000)[0])
    assert recurrence.log_gradient_norms(W2, [1.0, 0.0], 2000)[0] / np.log(10) == pytest.approx(2000 * np.log10(2))


def test_a_largest_singular_value_below_1_never_lets_tanh_explode():
    """Pascanu et al.'s necessary condition: ||diag(1 - z^2) W|| <= ||W|| < 1 at every step."""
    rng = np.random.default_rng(5)
    for _ in range(20):
        A = rng.normal(size=(8, 8))
        W = 0.95 * A / np.linalg.norm(A, 2)
        log_g = recurrence.log_gradient_norms(W, rng.normal(size=8), 50, "tanh")
        assert log_g[0] <= 50 * np.log(0.95) + 1e-9


def test_for_W_3I_tanh_settles_at_0_995_and_each_step_multiplies_the_gradient_by_0_03():
    z = recurrence.saturated_fixed_point(3.0)
    assert z == pytest.approx(np.tanh(3 * z), abs=1e-12) and round(z, 3) == 0.995
    assert round(3 * (1 - z ** 2), 2) == 0.03
    log_g = recurrence.log_gradient_norms(recurrence.scaled_rotation(3.0, 0.0), [1.0, 1.0], 40, "tanh")
    assert np.exp(log_g[20] - log_g[21]) == pytest.approx(3 * (1 - z ** 2), rel=1e-6)


def test_for_W_sI_the_saturated_factor_stays_below_1_for_every_s_above_1():
    for s in np.linspace(1.001, 20, 400):
        z = recurrence.saturated_fixed_point(s)
        assert s * (1 - z ** 2) < 1


def test_at_modulus_2_5_tanh_vanishes_within_18_degrees_of_0_90_180_and_at_isolated_angles_and_propagates_elsewhere():
    bands = set(range(0, 19)) | set(range(71, 109)) | set(range(161, 181))
    for T, isolated in ((200, {34, 45, 56, 124, 135, 146}), (100, {45, 135})):
        regimes = {a: recurrence.explore(2.5, a, T, "tanh").regime for a in range(0, 181)}
        vanishing = {a for a, r in regimes.items() if r == "vanishing"}
        assert vanishing - isolated == (bands if T == 200 else bands - {71, 161})
        assert vanishing & isolated == isolated
        assert {r for a, r in regimes.items() if a not in vanishing} == {"propagating"}
    assert recurrence.explore(2.5, 0, 100, "tanh").regime == "vanishing"     # the explorer's item 4 (T = 100)
    assert recurrence.explore(2.5, 30, 100, "tanh").regime == "propagating"


def test_a_random_W_of_gain_3_explodes_with_tanh_in_299_of_300_draws():
    exploding = 0
    for seed in range(300):
        rng = np.random.default_rng(1000 + seed)
        W = 3.0 * rng.normal(size=(50, 50)) / np.sqrt(50)
        log_g = recurrence.log_gradient_norms(W, rng.normal(scale=0.5, size=50), 100, "tanh")
        exploding += recurrence.regime(log_g[0]) == "exploding"
    assert exploding == 299


def test_the_notebooks_random_draw_grows_more_than_1e5_times():
    rng, _ = _notebook_rng_after_section_1()
    W = 3.0 * rng.normal(size=(50, 50)) / np.sqrt(50)
    log_g = recurrence.log_gradient_norms(W, rng.normal(scale=0.5, size=50), 100, "tanh") / np.log(10)
    assert log_g[0] > 5 + 3          # with margin: the notebook prints "more than 10^5"


def test_on_the_explorers_10_degree_slider_the_vanishing_angles_are_0_10_80_90_100_170_180():
    for T in (100, 200):
        assert [a for a in range(0, 181, 10) if recurrence.explore(2.5, a, T, "tanh").regime == "vanishing"] == \
            [0, 10, 80, 90, 100, 170, 180]


def test_34_56_and_71_degrees_are_only_just_past_the_factor_100_cut_and_71_propagates_at_T_400():
    fall = {a: -recurrence.explore(2.5, a, 200, "tanh").log10_gradient_norms[0] for a in (34, 45, 56, 71)}
    assert 2 < min(fall[34], fall[56], fall[71]) and max(fall[34], fall[56], fall[71]) < 3.6 and round(fall[45]) == 14
    assert recurrence.explore(2.5, 71, 400, "tanh").regime == "propagating"
