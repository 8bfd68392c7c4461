"""recurrence: closed forms, autograd, and the overflow behaviour the notebook promises."""

import numpy as np
import pytest
import torch

from lecturekit import recurrence, sharing


def autograd_gradient_norms(W, z0, steps, nonlinearity=None):
    """||dz_steps/dz_t|| from torch's autograd (float64), one Jacobian per t: an independent reference."""
    W = torch.as_tensor(W, dtype=torch.float64)

    def run(z, k):
        for _ in range(k):
            z = W @ z if nonlinearity is None else torch.tanh(W @ z)
        return z

    zs = [torch.as_tensor(z0, dtype=torch.float64)]
    for _ in range(steps):
        zs.append(run(zs[-1], 1))
    return np.array([
        torch.linalg.matrix_norm(torch.autograd.functional.jacobian(lambda z: run(z, steps - t), zs[t]), ord=2).item()
        for t in range(steps + 1)
    ])


def test_scaled_rotation_has_the_promised_eigenvalues():
    W = recurrence.scaled_rotation(1.7, 0.4)
    ev = np.sort_complex(np.linalg.eigvals(W))
    np.testing.assert_allclose(ev, np.sort_complex(1.7 * np.exp([-0.4j, 0.4j])))


@pytest.mark.parametrize("scale", [0.0, 0.5, 0.97, 1.0, 1.3, 2.0])
@pytest.mark.parametrize("theta", [0.0, 0.7, np.pi / 2])
def test_linear_gradient_norms_are_scale_to_the_power_k(scale, theta):
    steps = 30
    g = recurrence.gradient_norms(recurrence.scaled_rotation(scale, theta), [0.3, -1.2], steps)
    k = steps - np.arange(steps + 1)  # steps back from T
    np.testing.assert_allclose(g, float(scale) ** k, rtol=1e-12)
    assert g[-1] == 1.0


def test_identity_and_rotation_keep_the_norm():
    for W in (np.eye(2), recurrence.scaled_rotation(1.0, 0.3)):
        z = recurrence.rollout(W, [1.0, 0.5], 50)
        np.testing.assert_allclose(np.linalg.norm(z, axis=1), np.hypot(1.0, 0.5), rtol=1e-12)


def test_rollout_matches_repeated_products():
    rng = np.random.default_rng(1)
    W, z0 = rng.normal(size=(4, 4)), rng.normal(size=4)
    z = recurrence.rollout(W, z0, 6)
    np.testing.assert_allclose(z[6], np.linalg.matrix_power(W, 6) @ z0, rtol=1e-10)
    zt = recurrence.rollout(W, z0, 6, "tanh")
    expected = z0
    for _ in range(6):
        expected = np.tanh(W @ expected)
    np.testing.assert_allclose(zt[6], expected, rtol=1e-12)


@pytest.mark.parametrize("nonlinearity", [None, "tanh"])
def test_gradient_norms_match_autograd_for_a_general_matrix(nonlinearity):
    rng = np.random.default_rng(2)
    W, z0 = rng.normal(scale=0.7, size=(3, 3)), rng.normal(size=3)
    np.testing.assert_allclose(recurrence.gradient_norms(W, z0, 8, nonlinearity),
                               autograd_gradient_norms(W, z0, 8, nonlinearity), rtol=1e-9)


def test_overflow_is_inf_never_nan_and_the_log_stays_exact():
    W = 2 * np.eye(2)
    g = recurrence.gradient_norms(W, [1.0, 0.0], 2000)
    assert not np.isnan(g).any()
    assert np.isinf(g[0]) and g[-1] == 1.0
    log10 = recurrence.log_gradient_norms(W, [1.0, 0.0], 2000) / np.log(10)
    np.testing.assert_allclose(log10[0], 2000 * np.log10(2), rtol=1e-12)  # the notebook prints 602.06
    z = recurrence.rollout(W, [1.0, 0.5], 2000)
    assert not np.isnan(z).any() and np.isinf(z[-1]).all()
    assert z[-1, 0] > 0


def test_first_overflow_is_where_the_closed_form_says():
    e = recurrence.explore(2.5, 30.0, 1000)
    # ||z_t|| = 2.5**t ||z_0|| passes 10**308.25 at t = ceil((308.25 - log10 ||z_0||) / log10 2.5) = 775
    log10_z0 = np.log10(np.hypot(1.0, 0.5))  # the explorer starts from z_0 = (1, 0.5)
    assert e.first_overflow == int(np.ceil((recurrence.LOG10_FLOAT_MAX - log10_z0) / np.log10(2.5))) == 775
    assert e.regime == "exploding"
    assert np.isfinite(e.log10_gradient_norms).all()


def test_regime_verdicts_quoted_in_the_notebook():
    assert round(recurrence.explore(0.9, 30.0, 100).log10_gradient_norms[0], 1) == -4.6
    assert round(recurrence.explore(1.1, 30.0, 100).log10_gradient_norms[0], 1) == 4.1
    assert recurrence.explore(0.95, 30.0, 100).regime == "vanishing"  # the explorer's default
    assert recurrence.explore(0.9, 30.0, 100).regime == "vanishing"
    assert recurrence.explore(1.0, 30.0, 100).regime == "propagating"
    assert recurrence.explore(1.1, 30.0, 100).regime == "exploding"
    assert recurrence.explore(2.5, 0.0, 100, "tanh").regime == "vanishing"  # saturation


def test_singular_matrix_gives_zero_gradient_not_nan():
    g = recurrence.gradient_norms(np.zeros((2, 2)), [1.0, 1.0], 5)
    np.testing.assert_array_equal(g, [0, 0, 0, 0, 0, 1])


@pytest.mark.parametrize("scale", [1.05, 1.5, 2.0, 3.0, 4.0])
def test_saturation_factor_is_below_one_and_measured(scale):
    z_star = recurrence.saturated_fixed_point(scale)
    assert z_star == pytest.approx(np.tanh(scale * z_star), abs=1e-12)
    factor = scale * (1 - z_star**2)
    assert factor < 1 < scale
    log_g = recurrence.log_gradient_norms(recurrence.scaled_rotation(scale, 0.0), [1.0, 1.0], 400, "tanh")
    assert np.exp(log_g[200] - log_g[201]) == pytest.approx(factor, rel=1e-6)


def test_saturation_numbers_printed_in_the_notebook():
    z_star = recurrence.saturated_fixed_point(3.0)
    assert round(z_star, 4) == 0.9949 and round(3 * (1 - z_star**2), 4) == 0.0305


def test_shared_weight_gradient_is_the_sum_of_per_step_gradients():
    rng = np.random.default_rng(3)
    W, U = rng.normal(size=(3, 3)), rng.normal(size=(3, 2))
    xs, z0 = rng.normal(size=(7, 2)), rng.normal(size=3)
    shared, per_step = sharing.shared_weight_gradients(W, U, xs, z0, np.ones(3))
    assert per_step.shape == (7, 3, 3)
    np.testing.assert_allclose(per_step.sum(axis=0), shared, rtol=1e-12, atol=1e-14)
    # and the shared gradient really is dC/dW: a centred finite difference on one entry
    eps, (i, j) = 1e-6, (1, 2)

    def cost(Wm):
        z = z0
        for x in xs:
            z = np.tanh(Wm @ z + U @ x)
        return 0.5 * ((z - 1) ** 2).sum()

    Wp, Wm = W.copy(), W.copy()
    Wp[i, j] += eps
    Wm[i, j] -= eps
    assert shared[i, j] == pytest.approx((cost(Wp) - cost(Wm)) / (2 * eps), rel=1e-6)


@pytest.mark.parametrize("call, message", [
    (lambda: recurrence.rollout(np.ones((2, 3)), [1.0, 0.0], 3), "square"),
    (lambda: recurrence.gradient_norms(np.ones((2, 3)), [1.0, 0.0], 3), "square"),
    (lambda: recurrence.rollout(np.eye(2), [1.0, 0.0, 0.0], 3), "length 2"),
    (lambda: recurrence.rollout(np.eye(2), [1.0, 0.0], -1), "steps"),
    (lambda: recurrence.rollout(np.eye(2), [1.0, 0.0], 3, "relu"), "nonlinearity"),
    (lambda: recurrence.explore(-1.0, 0.0, 10), "scale"),
    (lambda: recurrence.saturated_fixed_point(0.5), "scale > 1"),
])
def test_bad_input_is_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
