"""RNN tricks against independent references: torch's clipping, autograd in float64, closed forms."""

import numpy as np
import pytest
import torch

from lecturekit import cells, clipping, recurrence, tricks

# --- clipping -------------------------------------------------------------------------------------


def _torch_clipped(parts, threshold):
    params = [torch.nn.Parameter(torch.zeros_like(p)) for p in parts]
    for p, g in zip(params, parts):
        p.grad = g.clone()
    torch.nn.utils.clip_grad_norm_(params, threshold)
    return [p.grad for p in params]


@pytest.mark.parametrize("threshold", [0.1, 1.0, 3.0, 50.0, 1e6])
def test_clip_by_norm_agrees_with_torch_clip_grad_norm(threshold):
    gen = torch.Generator().manual_seed(0)
    parts = [torch.randn(4, 3, generator=gen, dtype=torch.float64) * 2,
             torch.randn(5, generator=gen, dtype=torch.float64)]
    ours = clipping.clip_by_norm(parts, threshold)
    theirs = _torch_clipped(parts, threshold)
    for a, b in zip(ours, theirs):
        # torch divides by (norm + 1e-6): a relative difference of at most 1e-6 / norm
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-12)


def test_clip_by_norm_is_algorithm_1():
    g = np.array([3.0, 4.0])  # norm 5
    clipped = clipping.clip_by_norm(g, 1.0)
    np.testing.assert_allclose(clipped, [0.6, 0.8])  # length 1, same direction
    np.testing.assert_array_equal(clipping.clip_by_norm(g, 5.0), g)  # at the threshold: unchanged
    np.testing.assert_array_equal(clipping.clip_by_norm(g, 7.0), g)
    np.testing.assert_array_equal(g, [3.0, 4.0])  # the caller's array is untouched
    t = torch.tensor([[3.0, 0.0], [0.0, 4.0]])
    out = clipping.clip_by_norm(t, 2.5)
    assert isinstance(out, torch.Tensor) and out.shape == t.shape
    torch.testing.assert_close(out, t / 2)
    assert clipping.clip_by_norm(np.zeros(3), 1.0).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("threshold", [0.0, -1.0, float("nan")])
def test_clip_by_norm_rejects_thresholds_that_are_not_positive(threshold):
    with pytest.raises(ValueError, match="threshold must be > 0"):
        clipping.clip_by_norm(np.ones(3), threshold)


# --- the cliff ------------------------------------------------------------------------------------


def _torch_loss(w, b, setting):
    z = torch.tensor(setting.z0, dtype=torch.float64)
    for _ in range(setting.steps):
        z = torch.tanh(w * z + b)
    return (z - setting.target) ** 2


@pytest.mark.parametrize("w, b", [(2.0, 0.1), (1.3, -0.1), (0.5, 0.7), (1.7, 0.05), (-1.2, 0.3)])
def test_cliff_gradient_matches_autograd(w, b):
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    loss = _torch_loss(wt, bt, clipping.CLIFF)
    loss.backward()
    ours = clipping.cliff_loss_and_gradient(w, b)
    np.testing.assert_allclose([float(o) for o in ours], [loss.item(), wt.grad.item(), bt.grad.item()],
                               rtol=1e-10, atol=1e-14)


def test_each_cliff_descent_step_matches_torch_with_clip_grad_norm():
    """Every update of both runs, redone from the same (w, b) with autograd and torch's clipping.

    Step by step rather than a whole run: near the wall the loss is so steep that torch's 1e-6 in
    its clipping factor (threshold / (norm + 1e-6)) changes the loss a few steps later in the 5th digit.
    """
    d = clipping.cliff_descent([np.inf, 1.0])
    for k, threshold in enumerate([None, 1.0]):
        for i in range(clipping.CLIFF.iterations):
            w = torch.nn.Parameter(torch.tensor(d.w[i, k], dtype=torch.float64))
            b = torch.nn.Parameter(torch.tensor(d.b[i, k], dtype=torch.float64))
            loss = _torch_loss(w, b, clipping.CLIFF)
            loss.backward()
            assert loss.item() == pytest.approx(d.loss[i, k], rel=1e-9, abs=1e-18)
            raw_step = clipping.CLIFF.learning_rate * np.hypot(w.grad.item(), b.grad.item())
            if threshold is not None:
                torch.nn.utils.clip_grad_norm_([w, b], threshold)
            with torch.no_grad():
                w -= clipping.CLIFF.learning_rate * w.grad
                b -= clipping.CLIFF.learning_rate * b.grad
            # rounding: on the wall the raw step is ~100 and autograd sums in another order;
            # torch's clipping factor threshold / (norm + 1e-6) shortens a clipped step by up to lr * 1e-6
            tolerance = 1e-9 * max(1.0, raw_step) + (1.1e-6 * clipping.CLIFF.learning_rate if threshold else 0.0)
            assert (w.item(), b.item()) == pytest.approx((d.w[i + 1, k], d.b[i + 1, k]), rel=0, abs=tolerance)


def test_the_cliff_throws_plain_descent_off_and_clipping_keeps_it():
    """The notebook's demo, as the notebook runs it: a spike without clipping, none with threshold 1."""
    d = clipping.cliff_descent([np.inf, 1.0])
    free, clipped = d.loss[:, 0], d.loss[:, 1]
    jump = free[1:] / free[:-1]
    t = int(np.argmax(jump))
    assert free[: t + 1].min() < 0.05, "descent should first get close to the target"
    assert jump[t] > 100, "without clipping one step should multiply the loss by more than 100"
    assert free[-1] > 1.0 and d.grad_norm[-1, 0] < 0.1, "and leave it stuck on the plateau"
    assert d.grad_norm[:, 0].max() > 5.0, "the wall: a gradient far above the threshold"
    assert clipped[-1] < 1e-8
    assert (clipped[1:] / np.maximum(clipped[:-1], 1e-300)).max() < 2.0, "no spike with clipping"
    assert d.clipped[:, 1].any() and not d.clipped[:, 0].any()


def test_cliff_descent_columns_are_independent_runs():
    both = clipping.cliff_descent([np.inf, 0.3, 3.0])
    for k, thr in enumerate([np.inf, 0.3, 3.0]):
        alone = clipping.cliff_descent([thr])
        np.testing.assert_array_equal(both.loss[:, k], alone.loss[:, 0])
    picked = both.pick(np.inf, 2.5)
    assert picked.thresholds.tolist() == [np.inf, 3.0]
    np.testing.assert_array_equal(picked.w[:, 1], both.w[:, 2])
    with pytest.raises(ValueError, match="thresholds"):
        clipping.cliff_descent([1.0, 0.0])


def test_cliff_surface_is_the_loss_on_a_grid():
    ws, bs = np.linspace(0, 3, 4), np.linspace(-1, 1, 3)
    surface = clipping.cliff_surface(ws, bs)
    assert surface.shape == (3, 4)
    assert surface[2, 1] == pytest.approx(np.log10(clipping.cliff_loss_and_gradient(ws[1], bs[2])[0]))


# --- leaky integration ------------------------------------------------------------------------------


@pytest.mark.parametrize("nonlinearity", ["tanh", None])
def test_leaky_rollout_with_alpha_1_is_the_plain_rnn(nonlinearity):
    W = recurrence.scaled_rotation(1.3, 0.4)
    np.testing.assert_allclose(tricks.leaky_rollout(W, [0.5, -0.2], 25, 1.0, nonlinearity),
                               recurrence.rollout(W, [0.5, -0.2], 25, nonlinearity), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("nonlinearity", ["tanh", "linear"])
def test_leaky_rollout_follows_the_equation(nonlinearity):
    rng = np.random.default_rng(1)
    W, z0, alpha = rng.normal(size=(4, 4)), rng.normal(size=4), 0.3
    z = tricks.leaky_rollout(W, z0, 10, alpha, nonlinearity)
    assert z.shape == (11, 4)
    g = np.tanh if nonlinearity == "tanh" else (lambda a: a)
    expected = [z0]
    for _ in range(10):
        expected.append((1 - alpha) * expected[-1] + alpha * g(W @ expected[-1]))
    np.testing.assert_allclose(z, np.array(expected), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("alpha", [0.0, -0.1, 1.01, float("nan")])
def test_leaky_rollout_rejects_alpha_outside_0_1(alpha):
    with pytest.raises(ValueError, match=r"alpha must be in \(0, 1\]"):
        tricks.leaky_rollout(np.eye(2), [1.0, 0.0], 5, alpha)


def test_leaky_rollout_rejects_a_non_square_matrix():
    with pytest.raises(ValueError, match="square"):
        tricks.leaky_rollout(np.ones((2, 3)), [1.0, 0.0], 5, 0.5)


def test_leaky_eigenvalues_move_towards_1():
    W = recurrence.scaled_rotation(0.6, 0.5)
    for alpha in (1.0, 0.5, 0.1):
        got = np.sort_complex(np.linalg.eigvals(tricks.leaky_matrix(W, alpha)))
        want = np.sort_complex(1 - alpha + alpha * np.linalg.eigvals(W))
        np.testing.assert_allclose(got, want)


def test_spectral_norms_of_leaky_tanh_steps_match_autograd():
    W = recurrence.scaled_rotation(1.4, 0.7)
    z0, alpha, T = np.array([0.8, -0.3]), 0.3, 12
    z = tricks.leaky_rollout(W, z0, T, alpha)
    ours = np.exp(recurrence.log_spectral_norms(tricks.leaky_jacobians(W, z, alpha)))
    Wt = torch.as_tensor(W)
    for t in (0, 5, 11, 12):
        def run_from(zt, t=t):
            for _ in range(T - t):
                zt = (1 - alpha) * zt + alpha * torch.tanh(Wt @ zt)
            return zt
        J = torch.autograd.functional.jacobian(run_from, torch.as_tensor(z[t]))
        assert ours[t] == pytest.approx(torch.linalg.matrix_norm(J, ord=2).item(), rel=1e-10)


def test_spectral_norms_of_a_scaled_rotation_are_exact():
    """||(s R)^k|| = s^k: the renormalised product stays accurate where a closed form would cancel."""
    W = recurrence.scaled_rotation(0.95, 0.5)
    got = recurrence.log_spectral_norms(np.broadcast_to(W, (300, 2, 2)))
    np.testing.assert_allclose(got, np.arange(300, -1, -1) * np.log(0.95), rtol=0, atol=1e-12)


def test_explore_leaky_linear_closed_form_and_reach():
    r = tricks.explore_leaky(alpha=0.1, scale=0.6, angle=30, steps=80, nonlinearity="linear")
    mu = abs(1 - 0.1 + 0.1 * 0.6 * np.exp(1j * np.deg2rad(30)))
    np.testing.assert_allclose(r.log10_grad_leaky, np.arange(80, -1, -1) * np.log10(mu), atol=1e-10)
    np.testing.assert_allclose(r.log10_grad_plain, np.arange(80, -1, -1) * np.log10(0.6), atol=1e-10)
    # 0.6**k >= 1e-3 for k <= 13; mu**k for k <= 80 (mu = 0.95...): the gradient reaches much further
    assert r.reach_plain == 13 and r.reach_leaky > 60
    assert r.regime == "propagating"  # |mu|**80 = 0.02: within the factor 100 of regime()
    with pytest.raises(ValueError, match="alpha"):
        tricks.explore_leaky(alpha=0.0, scale=0.6, angle=30, steps=10)


# --- initialisation --------------------------------------------------------------------------------


def test_orthogonal_init_has_every_eigenvalue_on_the_circle_of_radius_gain():
    W = tricks.init_recurrent("orthogonal", 50, gain=1.2, rng=3)
    np.testing.assert_allclose(W.T @ W, 1.44 * np.eye(50), atol=1e-12)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(W)), 1.2, rtol=1e-10)
    assert not np.allclose(W, tricks.init_recurrent("orthogonal", 50, gain=1.2, rng=4))


def test_gaussian_init_follows_the_circular_law():
    ev = np.linalg.eigvals(tricks.init_recurrent("gaussian", 400, gain=0.8, rng=0))
    radius = np.abs(ev) / 0.8
    assert 0.9 < radius.max() < 1.1  # the spectral radius is about the gain
    # uniform on the disc: a fraction r^2 of the eigenvalues lies within radius r
    for r in (0.3, 0.5, 0.8):
        assert np.mean(radius < r) == pytest.approx(r**2, abs=0.05)


def test_identity_init_and_bad_arguments():
    np.testing.assert_array_equal(tricks.init_recurrent("identity", 3, 0.9), 0.9 * np.eye(3))
    for args, match in [(("xavier", 3), "kind"), (("gaussian", 0), "n must"), (("gaussian", 3, -1.0), "gain")]:
        with pytest.raises(ValueError, match=match):
            tricks.init_recurrent(*args)


def test_compare_inits_linear_closed_form():
    r = tricks.compare_inits(gain=1.1, steps=40, nonlinearity="linear", n=30)
    by_kind = dict(zip(r.kinds, r.log10_grad))
    expected = np.arange(40, -1, -1) * np.log10(1.1)  # ||u W^k|| = gain^k for gain * orthogonal
    np.testing.assert_allclose(by_kind["orthogonal"], expected, atol=1e-10)
    np.testing.assert_allclose(by_kind["identity"], expected, atol=1e-10)
    np.testing.assert_allclose(np.abs(dict(zip(r.kinds, r.eigenvalues))["orthogonal"]), 1.1)


def test_backprop_norms_match_autograd_for_a_tanh_rnn():
    rng = np.random.default_rng(2)
    W, z0, u = rng.normal(size=(5, 5)), rng.normal(size=5), rng.normal(size=5)
    z = recurrence.rollout(W, z0, 8, "tanh")
    ours = np.exp(recurrence.log_backprop_norms(W, z, u, "tanh"))
    Wt, ut = torch.as_tensor(W), torch.as_tensor(u)
    for t in range(9):
        zt = torch.as_tensor(z[t]).requires_grad_()
        zz = zt
        for _ in range(8 - t):
            zz = torch.tanh(Wt @ zz)
        (grad,) = torch.autograd.grad(ut @ zz, zt)
        assert ours[t] == pytest.approx(grad.norm().item(), rel=1e-10)


# --- the regulariser and the LSTM self-loop -------------------------------------------------------


@pytest.mark.parametrize("scale, angle", [(1.0, 0.0), (1.0, 0.5), (2.0, 0.0), (0.5, 0.0), (0.9, 1.0)])
def test_regulariser_closed_form_for_scaled_rotations(scale, angle):
    r = tricks.propagation_regularizer(recurrence.scaled_rotation(scale, angle), [1.0, 0.3], 10)
    assert r.omega == pytest.approx(10 * (scale - 1) ** 2, abs=1e-12)
    np.testing.assert_allclose(r.ratios, scale)


def test_regulariser_matches_autograd_for_tanh():
    W, z0, T = recurrence.scaled_rotation(1.5, 0.8), np.array([0.6, 0.1]), 6
    grad_T = np.array([1.0, -0.5])
    ours = tricks.propagation_regularizer(W, z0, T, "tanh", grad_T=grad_T)
    Wt = torch.as_tensor(W)
    zs = [torch.as_tensor(z0).requires_grad_()]
    for _ in range(T):
        zs.append(torch.tanh(Wt @ zs[-1]))
    grads = torch.autograd.grad(zs[-1] @ torch.as_tensor(grad_T), zs, retain_graph=True)[:-1] + (torch.as_tensor(grad_T),)
    norms = np.array([g.norm().item() for g in grads])  # ||dC/dz_k||, k = 0..T
    expected = np.sum((norms[:-1] / norms[1:] - 1) ** 2)
    assert ours.omega == pytest.approx(expected, rel=1e-10)


def test_lstm_self_loop_direct_path_is_the_forget_gate_and_the_jacobian_matches_finite_differences():
    one = tricks.lstm_self_loop(1, 2.0)
    np.testing.assert_allclose(one.full, np.diag(one.direct), atol=1e-15)   # h_0 does not depend on c_0
    s = tricks.lstm_self_loop(6, 1.0, n=4)
    cell = cells.LSTMCell(3, 4, seed=0).double()
    with torch.no_grad():
        cell.b_f.fill_(1.0)
    xs = torch.randn(6, 1, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    h0, eps = torch.zeros(1, 4, dtype=torch.float64), 1e-6

    def c_T(c0):
        return cells.unroll(cell, xs, (h0, torch.tensor(c0)[None]))[1][1][0].detach().numpy()
    fd = np.stack([(c_T(eps * e) - c_T(-eps * e)) / (2 * eps) for e in np.eye(4)], axis=1)
    np.testing.assert_allclose(s.full, fd, atol=1e-8)
    gates = cells.trace(cell, xs, (h0, torch.zeros(1, 4, dtype=torch.float64)))["f"][:, 0].prod(0).detach().numpy()
    np.testing.assert_allclose(s.direct, gates, rtol=1e-12)
    assert s.direct_norm == pytest.approx(gates.max()) and s.full_norm == pytest.approx(np.linalg.norm(fd, 2), rel=1e-6)
    with pytest.raises(ValueError, match="whole number >= 1"):
        tricks.lstm_self_loop(0)
