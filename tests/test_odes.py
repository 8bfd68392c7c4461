"""Euler, RK4, the exact linear solution and the neural ODE, against closed forms and torch.linalg.matrix_exp."""

import numpy as np
import pytest
import torch

from lecturekit import odes


def test_euler_on_a_linear_ode_is_the_matrix_power():
    A = np.array([[-0.3, 1.2], [-0.7, 0.1]])
    z0, h = np.array([1.0, -2.0]), 0.15
    z = odes.euler(lambda v: A @ v, z0, h, 20)
    assert z.shape == (21, 2)
    M = np.eye(2) + h * A  # one Euler step
    for k in (0, 1, 7, 20):
        np.testing.assert_allclose(z[k], np.linalg.matrix_power(M, k) @ z0, rtol=1e-12)


def test_euler_is_the_residual_update():
    f = lambda v: np.sin(v) - 0.5 * v  # noqa: E731
    z = odes.euler(f, np.array([0.3, 2.0]), 0.1, 5)
    for t in range(5):
        np.testing.assert_allclose(z[t + 1], z[t] + 0.1 * f(z[t]))


def test_rk4_step_is_the_order_4_taylor_polynomial_for_linear_f():
    A = np.array([[-0.5, -2.0], [2.0, -0.5]])
    h = 0.3
    hA = h * A
    R = np.eye(2) + hA + hA @ hA / 2 + hA @ hA @ hA / 6 + hA @ hA @ hA @ hA / 24
    z = odes.rk4(lambda v: A @ v, np.array([1.0, 0.0]), h, 3)
    np.testing.assert_allclose(z[3], np.linalg.matrix_power(R, 3) @ [1.0, 0.0], rtol=1e-12)
    # and amplification() is that polynomial's value at h * lambda
    lam = np.linalg.eigvals(A)[0]
    assert abs(odes.amplification(h * lam, "rk4")) == pytest.approx(np.abs(np.linalg.eigvals(R)[0]))


@pytest.mark.parametrize("method, order", [("euler", 1), ("rk4", 4)])
def test_global_error_shrinks_with_the_order_of_the_method(method, order):
    A = odes.damped_rotation(-0.2, 1.5)
    exact = odes.linear_exact(A, [1.0, 0.5], [2.0])[0]
    errors = [np.linalg.norm(odes.integrate(lambda v: A @ v, np.array([1.0, 0.5]), 2.0 / n, n, method)[-1] - exact)
              for n in (40, 80)]
    assert errors[0] / errors[1] == pytest.approx(2**order, rel=0.15)


def test_linear_exact_matches_the_closed_form_of_a_damped_rotation():
    t = np.linspace(0, 5, 11)
    z = odes.linear_exact(odes.damped_rotation(-0.3, 2.0), [1.0, 0.0], t)
    expected = np.exp(-0.3 * t)[:, None] * np.column_stack([np.cos(2 * t), np.sin(2 * t)])
    np.testing.assert_allclose(z, expected, rtol=1e-10, atol=1e-14)


def test_linear_exact_matches_the_eigendecomposition():
    rng = np.random.default_rng(0)
    A, z0 = rng.normal(size=(3, 3)), rng.normal(size=3)
    lam, V = np.linalg.eig(A)
    for t in (0.0, 0.4, 2.0):
        expected = (V @ np.diag(np.exp(t * lam)) @ np.linalg.inv(V) @ z0).real
        np.testing.assert_allclose(odes.linear_exact(A, z0, [t])[0], expected, rtol=1e-9, atol=1e-12)


def test_solvers_accept_torch_tensors_and_autograd_goes_through():
    A = torch.tensor([[0.0, -1.0], [1.0, 0.0]], dtype=torch.float64, requires_grad=True)
    z0 = torch.tensor([[1.0, 0.0], [0.0, 2.0]], dtype=torch.float64)  # a batch of two states
    z = odes.rk4(lambda v: v @ A.T, z0, 0.1, 10)
    assert isinstance(z, torch.Tensor) and z.shape == (11, 2, 2)
    z[-1].sum().backward()
    # against central finite differences of the same solve, in float64
    def final_sum(M):
        return float(odes.rk4(lambda v: v @ M.T, z0, 0.1, 10)[-1].sum())
    eps, fd = 1e-6, np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            E = torch.zeros(2, 2, dtype=torch.float64)
            E[i, j] = eps
            with torch.no_grad():
                fd[i, j] = (final_sum(A + E) - final_sum(A - E)) / (2 * eps)
    np.testing.assert_allclose(A.grad.numpy(), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("h, steps, match", [(0.0, 3, "step size"), (-0.1, 3, "step size"),
                                             (float("inf"), 3, "step size"), (0.1, -1, "steps"), (0.1, 2.5, "steps")])
def test_bad_steps_are_value_errors(h, steps, match):
    with pytest.raises(ValueError, match=match):
        odes.euler(lambda v: v, np.ones(2), h, steps)


def test_bad_method_is_a_value_error():
    with pytest.raises(ValueError, match="method"):
        odes.integrate(lambda v: v, np.ones(2), 0.1, 3, "midpoint")
    with pytest.raises(ValueError, match="method"):
        odes.explore_steps(0.1, -0.5, 1.0, method="adams")


def test_a_diverging_euler_run_overflows_quietly():
    z = odes.euler(lambda v: -1000.0 * v, np.array([1.0, 1.0]), 1.0, 200)  # |1 + h lambda| = 999
    assert z.shape == (201, 2)
    assert np.isinf(z[-1]).all() or np.isnan(z[-1]).all()


def test_euler_stability_region_is_the_disc_around_minus_1():
    x, y, modulus = odes.stability_grid("euler", resolution=101)
    X, Y = np.meshgrid(x, y)
    np.testing.assert_array_equal(modulus < 1, (X + 1) ** 2 + Y**2 < 1)
    # RK4's region contains Euler's and reaches further left along the real axis (to about -2.785)
    _, _, rk = odes.stability_grid("rk4", resolution=101)
    assert ((modulus < 1) <= (rk < 1 + 1e-12)).all()
    assert abs(odes.amplification(-2.78, "rk4")) < 1 < abs(odes.amplification(-2.79, "rk4"))


def test_explore_steps_stable_and_diverging():
    stable = odes.explore_steps(0.2, -0.5, 2.0, "euler")  # |1 + h lambda|^2 = 1 - h + 4.25 h^2 < 1
    assert stable.stable and not stable.diverges and stable.factor < 1
    unstable = odes.explore_steps(0.25, -0.5, 2.0, "euler")
    assert unstable.diverges and unstable.factor > 1 and "diverges" in unstable.verdict
    assert odes.explore_steps(0.25, -0.5, 2.0, "rk4").stable  # RK4 is fine at the same step
    # the norms drawn are those of the states (A is normal: ||z_k|| = factor**k ||z_0||)
    np.testing.assert_allclose(10 ** unstable.log10_norm_steps, np.linalg.norm(unstable.z_steps, axis=1), rtol=1e-9)
    assert unstable.times[-1] >= odes.HORIZON - 1e-9


def test_explore_steps_far_outside_the_region_stays_finite():
    r = odes.explore_steps(2.5, -3.0, 4.0, "rk4")  # h lambda = -7.5 +- 10i: |R| is about 833
    assert r.diverges
    assert np.isfinite(r.log10_norm_steps).all() and np.isfinite(r.log10_norm_exact).all()
    zero = odes.explore_steps(0.5, -2.0, 0.0, "euler")  # h lambda = -1: one step lands exactly on 0
    assert zero.factor == 0 and zero.log10_norm_steps[1] == -np.inf and not zero.diverges


def test_spiral_data_is_the_exact_solution():
    t, z = odes.spiral_data(points=30)
    assert t.shape == (31,) and z.shape == (31, 2)
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), 2.0 * np.exp(-0.1 * t), rtol=1e-10)


def test_ode_func_is_seeded_and_leaves_torch_global_state_alone():
    state = torch.random.get_rng_state()
    a, b = odes.ODEFunc(seed=3), odes.ODEFunc(seed=3)
    assert torch.equal(torch.random.get_rng_state(), state)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    assert a(torch.zeros(5, 2)).shape == (5, 2)


def test_a_tiny_neural_ode_learns_the_spiral():
    """The notebook's fit: the loss drops, and the learned f near 0 has A's eigenvalues -0.1 +- 1i."""
    times, z = odes.spiral_data()
    fit = odes.fit_neural_ode(times, z)
    assert fit.losses[-20:].mean() < fit.losses[:5].mean() / 100
    with torch.no_grad():
        pred = odes.integrate(fit.func, torch.tensor(z[0], dtype=torch.float32), fit.h, len(times) - 1, "rk4")
    assert np.sqrt(np.mean((pred.numpy() - z) ** 2)) < 0.15  # over the whole spiral, from z_0 alone
    J = torch.autograd.functional.jacobian(fit.func, torch.zeros(2))
    ev = np.linalg.eigvals(J.numpy().astype(float))
    np.testing.assert_allclose(np.sort(ev.imag), [-1.0, 1.0], atol=0.1)
    # the decay is learned, not just "some" field: seeds 0-3 give real parts -0.107 to -0.120;
    # a field with no decay (real part 0) or twice the decay fails
    np.testing.assert_allclose(ev.real, -0.1, atol=0.04)


def test_fit_neural_ode_rejects_uneven_times():
    with pytest.raises(ValueError, match="equally spaced"):
        odes.fit_neural_ode([0.0, 0.1, 0.3], np.zeros((3, 2)))
