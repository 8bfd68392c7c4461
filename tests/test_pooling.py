"""Pooling: closed forms, limits, stability, torch's pooling modules, and autograd for the gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lecturekit import invariance, motifs, pooling
from lecturekit.pooling import avg_pool, lp_pool, lp_pool_grad, lse_pool, lse_pool_grad, max_pool



def _t(x):
    return torch.tensor(np.asarray(x, dtype=np.float64))  # a copy: torch warns about read-only arrays


# ---------------------------------------------------------------------------------------------
# whole-axis pooling: closed forms and limits


def test_whole_axis_closed_forms():
    z = np.array([[3.0, -4.0, 1.0], [0.5, 2.0, -0.5]])
    np.testing.assert_allclose(max_pool(z), [3.0, 2.0])
    np.testing.assert_allclose(avg_pool(z), [0.0, 2.0 / 3.0])
    np.testing.assert_allclose(lp_pool(z, 2), np.sqrt((z**2).sum(axis=-1)))
    np.testing.assert_allclose(lp_pool(z, 3), (np.abs(z) ** 3).sum(axis=-1) ** (1 / 3))
    np.testing.assert_allclose(lp_pool(z, 2, mean=True), np.sqrt((z**2).mean(axis=-1)))
    np.testing.assert_allclose(lse_pool(z, 0.7), np.log(np.exp(0.7 * z).sum(axis=-1)) / 0.7)
    np.testing.assert_allclose(lse_pool(z, 0.7, mean=True), np.log(np.exp(0.7 * z).mean(axis=-1)) / 0.7)


def test_lp_pools_magnitudes_and_p1_is_sum_of_abs():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(4, 9))
    np.testing.assert_allclose(lp_pool(z, 1), np.abs(z).sum(axis=-1))
    np.testing.assert_allclose(lp_pool(z, 1, mean=True), np.abs(z).mean(axis=-1))
    np.testing.assert_allclose(lp_pool(z, 2.5), lp_pool(-z, 2.5))


def test_lp_large_p_approaches_max_abs():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(3, 7))
    top = np.abs(z).max(axis=-1)
    previous_gap = np.inf
    for p in [4, 16, 64, 256, 4096]:
        gap = lp_pool(z, p) - top
        assert np.all(gap >= 0) and np.all(gap <= top * (7 ** (1 / p) - 1) + 1e-12)
        assert gap.max() < previous_gap or gap.max() == 0.0  # exactly the max once ratio**p underflows
        previous_gap = gap.max()
    np.testing.assert_allclose(lp_pool(z, 1e6), top, rtol=1e-5)
    np.testing.assert_allclose(lp_pool(z, 1e6, mean=True), top, rtol=1e-5)
    np.testing.assert_array_equal(lp_pool(z, math.inf), top)


def test_lse_large_beta_approaches_max():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(3, 7))
    top = z.max(axis=-1)
    for beta in [10.0, 100.0, 1e4]:
        y = lse_pool(z, beta)
        assert np.all(y >= top) and np.all(y <= top + math.log(7) / beta + 1e-12)
        y_mean = lse_pool(z, beta, mean=True)
        assert np.all(y_mean <= top) and np.all(y_mean >= top - math.log(7) / beta - 1e-12)
    np.testing.assert_allclose(lse_pool(z, 1e8), top, atol=1e-7)
    np.testing.assert_array_equal(lse_pool(z, math.inf), top)


def test_lse_small_beta_grows_like_log_n_over_beta_and_normalised_form_tends_to_mean():
    rng = np.random.default_rng(4)
    z = rng.normal(size=(2, 5))
    for beta in [1e-2, 1e-4, 1e-6]:
        y = lse_pool(z, beta)
        # (1/beta) log sum exp(beta z) = log(N)/beta + mean(z) + beta var(z)/2 + O(beta^2)
        np.testing.assert_allclose(y - math.log(5) / beta, z.mean(axis=-1), atol=2 * beta)
        assert np.all(y > math.log(5) / beta + z.mean(axis=-1))   # Jensen: log mean exp >= mean
        np.testing.assert_allclose(lse_pool(z, beta, mean=True), z.mean(axis=-1), atol=2 * beta)
    # second-order term: the normalised form is the mean plus beta times half the variance
    beta = 1e-5
    np.testing.assert_allclose(lse_pool(z, beta, mean=True) - z.mean(axis=-1),
                               beta * z.var(axis=-1) / 2, rtol=1e-3)


def test_normalised_forms_differ_by_constants():
    rng = np.random.default_rng(5)
    z = rng.normal(size=(6,))
    np.testing.assert_allclose(lse_pool(z, 2.0) - lse_pool(z, 2.0, mean=True), math.log(6) / 2.0)
    np.testing.assert_allclose(lp_pool(z, 3.0) / lp_pool(z, 3.0, mean=True), 6 ** (1 / 3))


def test_permutation_invariance():
    rng = np.random.default_rng(6)
    z = rng.normal(size=10)
    perm = rng.permutation(10)
    for f in [max_pool, avg_pool, lambda v: lp_pool(v, 2), lambda v: lse_pool(v, 3.0)]:
        np.testing.assert_allclose(f(z[perm]), f(z), rtol=1e-14)


# ---------------------------------------------------------------------------------------------
# numerical stability


def test_stable_near_1000():
    z = np.array([1000.0, 999.5, 998.0, 1000.0])
    y = lse_pool(z, 1e4)
    assert np.isfinite(y)
    # the two maxima contribute log(2)/beta, the others exp(-5000) and less
    assert y == pytest.approx(1000.0 + math.log(2) / 1e4, abs=1e-12)
    assert torch.logsumexp(_t(1e4 * z), 0).item() / 1e4 == pytest.approx(float(y), abs=1e-12)
    y = lp_pool(z, 100)
    assert np.isfinite(y)
    expected = 1000.0 * (2 + 0.9995**100 + 0.998**100) ** (1 / 100)
    assert y == pytest.approx(expected, rel=1e-14)
    # 1000**100 = 1e300 is just inside float64; at p = 150, or exp(1e4 * 1000), the naive sum overflows
    with np.errstate(over="ignore"):
        assert not np.isfinite((z**150).sum()) and not np.isfinite(np.exp(1e4 * z).sum())
    assert lp_pool(z, 150) == pytest.approx(1000.0 * (2 + 0.9995**150 + 0.998**150) ** (1 / 150), rel=1e-14)
    g = lp_pool_grad(z, 100)
    assert np.all(np.isfinite(g))
    assert np.all(np.isfinite(lse_pool_grad(z, 1e4)))


def test_stable_for_tiny_values_and_zeros():
    z = np.array([1e-200, 3e-200, 2e-200])
    assert lp_pool(z, 50) == pytest.approx(3e-200 * (1 + (1 / 3) ** 50 + (2 / 3) ** 50) ** (1 / 50), rel=1e-12)
    np.testing.assert_array_equal(lp_pool(np.zeros((2, 3)), 2), [0.0, 0.0])
    np.testing.assert_array_equal(lp_pool_grad(np.zeros(3), 2), [0.0, 0.0, 0.0])


# ---------------------------------------------------------------------------------------------
# gradients: closed form against torch autograd in float64


def _torch_lp(z, p, mean=False):
    inner = z.abs().pow(p)
    inner = inner.mean(-1) if mean else inner.sum(-1)
    return inner.pow(1.0 / p)


def _autograd(fn, z):
    z = _t(z).requires_grad_()
    fn(z).sum().backward()
    return z.grad.numpy()


@pytest.mark.parametrize("p", [0.5, 1.0, 1.5, 2.0, 3.0, 7.5, 40.0])
@pytest.mark.parametrize("mean", [False, True])
def test_lp_pool_grad_matches_autograd(p, mean):
    rng = np.random.default_rng(7)
    z = rng.normal(size=(5, 6))
    np.testing.assert_allclose(lp_pool_grad(z, p, mean=mean), _autograd(lambda t: _torch_lp(t, p, mean), z),
                               rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("beta", [1e-3, 0.3, 1.0, 5.0, 60.0])
def test_lse_pool_grad_matches_autograd(beta):
    rng = np.random.default_rng(8)
    z = rng.normal(size=(5, 6))
    expected = _autograd(lambda t: torch.logsumexp(beta * t, -1) / beta, z)
    np.testing.assert_allclose(lse_pool_grad(z, beta), expected, rtol=1e-10, atol=1e-14)
    # the normalised form has the same gradient
    expected_mean = _autograd(lambda t: (torch.logsumexp(beta * t, -1) - math.log(6)) / beta, z)
    np.testing.assert_allclose(lse_pool_grad(z, beta), expected_mean, rtol=1e-10, atol=1e-14)


def test_gradients_match_finite_differences_near_1000():
    z = np.array([1000.0, 999.9, 999.5, 998.0])
    for y, g, kw in [(lp_pool, lp_pool_grad, {"p": 100.0}), (lse_pool, lse_pool_grad, {"beta": 20.0})]:
        h = 1e-4
        fd = np.array([(y(z + h * e, **kw) - y(z - h * e, **kw)) / (2 * h) for e in np.eye(4)])
        np.testing.assert_allclose(g(z, **kw), fd, rtol=1e-6, atol=1e-9)


def test_gradients_move_from_everyone_to_one_winner():
    z = pooling.EXAMPLE_ACTIVATIONS
    n, winner = len(z), int(np.argmax(z))
    np.testing.assert_allclose(lp_pool_grad(z, 1.0), np.ones(n))  # the sum: every input gets 1
    np.testing.assert_allclose(lp_pool_grad(z, 1.0, mean=True), np.full(n, 1 / n))
    np.testing.assert_allclose(lse_pool_grad(z, 1e-9), np.full(n, 1 / n), rtol=1e-8)
    one_hot = np.eye(n)[winner]
    np.testing.assert_allclose(lp_pool_grad(z, 2000.0), one_hot, atol=1e-12)
    np.testing.assert_allclose(lse_pool_grad(z, 2000.0), one_hot, atol=1e-12)
    np.testing.assert_array_equal(lp_pool_grad(z, math.inf), one_hot)
    np.testing.assert_array_equal(lse_pool_grad(z, math.inf), one_hot)
    # the share of the winner grows with the exponent
    shares = [lp_pool_grad(z, p)[winner] / np.abs(lp_pool_grad(z, p)).sum() for p in [1, 2, 4, 8, 16]]
    assert np.all(np.diff(shares) > 0)


def test_max_gradient_splits_ties_like_the_limit():
    z = np.array([2.0, -2.0, 1.0])
    np.testing.assert_allclose(lp_pool_grad(z, math.inf), [0.5, -0.5, 0.0])
    np.testing.assert_allclose(lp_pool_grad(z, 1e5), [0.5, -0.5, 0.0], atol=1e-4)
    np.testing.assert_allclose(lse_pool_grad([2.0, 2.0, 1.0], math.inf), [0.5, 0.5, 0.0])
    # torch's amax splits ties equally too
    np.testing.assert_allclose(lse_pool_grad([2.0, 2.0, 1.0], math.inf),
                               _autograd(lambda t: t.amax(-1), [2.0, 2.0, 1.0]))


def test_lp_grad_at_zero_is_zero():
    g = lp_pool_grad(np.array([0.0, 1.0, -2.0]), 2.0)
    np.testing.assert_allclose(g, [0.0, 1 / math.sqrt(5), -2 / math.sqrt(5)])
    assert lp_pool_grad(np.array([0.0, 1.0]), 0.5)[0] == 0.0


# ---------------------------------------------------------------------------------------------
# windows: against torch's pooling modules on non-negative inputs


def _torch_windows_1d(x, kernel, stride):  # (..., L) -> (..., L_out, K)
    return _t(x).unfold(-1, kernel, stride)


@settings(max_examples=60, deadline=None)
@given(length=st.integers(1, 13), kernel=st.integers(1, 13), stride=st.integers(1, 6),
       p=st.sampled_from([1.0, 2.0, 3.0, 9.5]), seed=st.integers(0, 10**6))
def test_windows_1d_match_torch(length, kernel, stride, p, seed):
    x = np.random.default_rng(seed).uniform(0.0, 3.0, size=(2, 3, length))  # (N, C, L), non-negative
    if kernel > length:
        with pytest.raises(ValueError, match="larger than"):
            max_pool(x, kernel, stride)
        return
    xt = _t(x)
    np.testing.assert_allclose(max_pool(x, kernel, stride), F.max_pool1d(xt, kernel, stride).numpy())
    np.testing.assert_allclose(avg_pool(x, kernel, stride), F.avg_pool1d(xt, kernel, stride).numpy())
    np.testing.assert_allclose(lp_pool(x, p, kernel, stride), F.lp_pool1d(xt, p, kernel, stride).numpy(),
                               rtol=1e-10)
    beta = 2.5
    expected = torch.logsumexp(beta * _torch_windows_1d(x, kernel, stride), -1) / beta
    np.testing.assert_allclose(lse_pool(x, beta, kernel, stride), expected.numpy(), rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 9), w=st.integers(1, 9), kh=st.integers(1, 4), kw=st.integers(1, 4),
       sh=st.integers(1, 4), sw=st.integers(1, 4), p=st.sampled_from([1.0, 2.0, 4.0]),
       seed=st.integers(0, 10**6))
def test_windows_2d_match_torch(h, w, kh, kw, sh, sw, p, seed):
    x = np.random.default_rng(seed).uniform(0.0, 3.0, size=(2, 3, h, w))  # (N, C, H, W), non-negative
    if kh > h or kw > w:
        with pytest.raises(ValueError, match="larger than"):
            avg_pool(x, (kh, kw), (sh, sw))
        return
    xt, k, s = _t(x), (kh, kw), (sh, sw)
    np.testing.assert_allclose(max_pool(x, k, s), F.max_pool2d(xt, k, s).numpy())
    np.testing.assert_allclose(avg_pool(x, k, s), F.avg_pool2d(xt, k, s).numpy())
    np.testing.assert_allclose(lp_pool(x, p, k, s), F.lp_pool2d(xt, p, k, s).numpy(), rtol=1e-10)
    windows = xt.unfold(-2, kh, sh).unfold(-2, kw, sw)  # (N, C, H_out, W_out, KH, KW)
    expected = torch.logsumexp(1.5 * windows.flatten(-2), -1) / 1.5
    np.testing.assert_allclose(lse_pool(x, 1.5, k, s), expected.numpy(), rtol=1e-12)


def test_stride_defaults_to_kernel_and_int_stride_works_in_2d():
    x = np.arange(36.0).reshape(6, 6)
    np.testing.assert_array_equal(max_pool(x, (2, 3)), F.max_pool2d(_t(x)[None], (2, 3)).numpy()[0])
    np.testing.assert_array_equal(max_pool(x, (2, 2), 1), F.max_pool2d(_t(x)[None], 2, 1).numpy()[0])
    np.testing.assert_array_equal(max_pool(x, 4), F.max_pool1d(_t(x)[None], 4).numpy()[0])


def test_global_pooling_with_a_kernel_the_size_of_the_input():
    rng = np.random.default_rng(9)
    x = rng.uniform(size=(3, 5, 7))
    np.testing.assert_allclose(max_pool(x, (5, 7))[..., 0, 0], x.max(axis=(1, 2)))
    np.testing.assert_allclose(lp_pool(x, 2, (5, 7))[..., 0, 0], lp_pool(x.reshape(3, -1), 2))


def test_input_not_modified_and_integer_input_accepted():
    x = np.arange(8).reshape(2, 4)
    before = x.copy()
    np.testing.assert_allclose(lp_pool(x, 2, 2), [[1.0, math.sqrt(13)], [math.sqrt(41), math.sqrt(85)]])
    np.testing.assert_array_equal(x, before)


# ---------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize("p", [0, -1, -0.5, float("nan"), "two", None])
def test_bad_p_is_a_value_error(p):
    with pytest.raises(ValueError, match="p must be"):
        lp_pool([1.0, 2.0], p)
    with pytest.raises(ValueError, match="p must be"):
        lp_pool_grad([1.0, 2.0], p)


@pytest.mark.parametrize("beta", [0, -2.0, float("nan")])
def test_bad_beta_is_a_value_error(beta):
    with pytest.raises(ValueError, match="beta must be"):
        lse_pool([1.0, 2.0], beta)
    with pytest.raises(ValueError, match="beta must be"):
        lse_pool_grad([1.0, 2.0], beta)


@pytest.mark.parametrize("kernel, stride, message", [
    (0, None, "kernel must be whole numbers >= 1"),
    (2.5, None, "kernel must be whole numbers >= 1"),
    ((2, 0), None, "kernel must be whole numbers >= 1"),
    ((1, 2, 3), None, "kernel must be None, an int, or a pair"),
    (2, 0, "stride must be whole numbers >= 1"),
    ((2, 2), (1, 2, 3), "stride must be an int or a sequence of 2"),
    (9, None, "larger than the input's last axis 4"),
    ((2, 5), None, r"larger than the input's last two axes \(3, 4\)"),
    (None, 2, "stride needs a kernel"),
])
def test_bad_windows_are_value_errors(kernel, stride, message):
    x = np.ones((3, 4))
    with pytest.raises(ValueError, match=message):
        max_pool(x, kernel, stride)


def test_bad_arrays_are_value_errors():
    with pytest.raises(ValueError, match="scalar"):
        max_pool(3.0)
    with pytest.raises(ValueError, match="empty"):
        avg_pool(np.zeros((2, 0)))
    with pytest.raises(ValueError, match="real numbers"):
        max_pool(["a", "b"])
    with pytest.raises(ValueError, match="at least 2 axes"):
        max_pool(np.ones(5), (1, 2))


# ---------------------------------------------------------------------------------------------
# the exponent dashboard's computation


def test_exponent_view_is_consistent():
    v = pooling.exponent_view(p=3.0, beta=2.0)
    z = pooling.EXAMPLE_ACTIVATIONS
    assert v.lp == pytest.approx(float(lp_pool(z, 3.0)))
    assert v.lse_mean == pytest.approx(float(lse_pool(z, 2.0, mean=True)))
    np.testing.assert_allclose(v.lse_grad, lse_pool_grad(z, 2.0))
    assert v.total == pytest.approx(z.sum()) and v.maximum == z.max() and v.average == pytest.approx(z.mean())
    # the curves run from the sum / the mean to (near) the max
    assert v.lp_curve[0] == pytest.approx(z.sum()) and v.lp_mean_curve[0] == pytest.approx(z.mean())
    # the curves' ends are the pooled values at the ends of the grid, exactly
    assert v.lp_curve[-1] == pytest.approx(float(lp_pool(z, v.ps[-1])), rel=1e-9)
    assert v.lse_mean_curve[0] == pytest.approx(float(lse_pool(z, v.betas[0], mean=True)), rel=1e-9)
    assert abs(v.lp_curve[-1] - z.max()) < 0.05 * z.max()   # p large: close to the max
    assert abs(v.lse_mean_curve[0] - z.mean()) < 0.05 * abs(z.mean())
    assert v.lse_curve[0] > math.log(len(z)) / v.betas[0]
    assert np.all(np.diff(v.lp_curve) < 0) and np.all(np.diff(v.lse_mean_curve) > 0)
    with pytest.raises(ValueError, match="p must be > 0"):
        pooling.exponent_view(p=0.0, beta=1.0)


# ---------------------------------------------------------------------------------------------
# invariance and equivariance


def _shift_by_definition(x, tau):  # the lecture's tau(x)_i = x_(i+tau), one index at a time
    out = np.zeros_like(x)
    for i in range(len(x)):
        if 0 <= i + tau < len(x):
            out[i] = x[i + tau]
    return out


@pytest.mark.parametrize("tau", [-9, -3, -1, 0, 1, 2, 7, 8, 12])
def test_shift_follows_the_lecture(tau):
    rng = np.random.default_rng(10)
    x = np.arange(1.0, 9.0)
    np.testing.assert_array_equal(motifs.shift(x, tau), _shift_by_definition(x, tau))
    image = rng.normal(size=(5, 8))
    expected = np.stack([_shift_by_definition(row, tau) for row in image])
    np.testing.assert_array_equal(motifs.shift(image, (0, tau)), expected)
    np.testing.assert_array_equal(motifs.shift(image, tau), expected)
    np.testing.assert_array_equal(motifs.shift(image, (tau, 0)), np.stack(
        [_shift_by_definition(col, tau) for col in image.T]).T)


def test_shift_bad_arguments():
    with pytest.raises(ValueError, match="tau must be"):
        motifs.shift(np.ones(3), 1.5)
    with pytest.raises(ValueError, match="tau must be"):
        motifs.shift(np.ones((3, 3)), (1, 2, 3))
    with pytest.raises(ValueError, match="needs at least 2 axes"):
        motifs.shift(np.ones(3), (1, 1))


def _torch_features(x, w, threshold=0.0):  # x (B, H, W), w (K, K) -> relu(conv2d - threshold) (B, H', W')
    return F.relu(F.conv2d(_t(x)[:, None], _t(w)[None, None]) - threshold)[:, 0]


def test_convolution_is_equivariant_and_not_invariant():
    images = motifs.random_motif_images(6, 24, motifs.PLUS, margin=6, rng=np.random.default_rng(1))
    r = invariance.shift_errors(images, motifs.PLUS, range(7), windows=[2, 4])
    np.testing.assert_allclose(r.equivariance, 0.0, atol=1e-12)
    assert r.conv_change[0] == 0.0 and np.all(r.conv_change[1:] > 0.3)
    # the same with torch's conv2d: f(T x) = T f(x)
    for tau in range(7):
        f_shifted = F.conv2d(_t(motifs.shift(images, (0, tau)))[:, None], _t(motifs.PLUS)[None, None])
        f = F.conv2d(_t(images)[:, None], _t(motifs.PLUS)[None, None])
        np.testing.assert_allclose(f_shifted.numpy(), motifs.shift(f.numpy(), (0, tau)), atol=1e-12)


def test_where_equivariance_and_invariance_break():
    # a motif within K - 1 = 4 pixels of the right edge: f(T x) sees it in the last columns, T f(x) has zeros
    right = motifs.motif_image(16, [(motifs.PLUS, 5, 10)])
    r = invariance.shift_errors(right[None], motifs.PLUS, [0, 1, 2, 3], windows=[2])
    assert r.equivariance[0] == 0.0 and np.all(r.equivariance[1:] > 0.1)
    np.testing.assert_allclose(r.global_change, 0.0, atol=1e-12)
    # a motif one pixel from the left edge: still equivariant, but shifted out of the image from tau = 2
    left = motifs.motif_image(16, [(motifs.PLUS, 5, 1)])
    r = invariance.shift_errors(left[None], motifs.PLUS, [0, 1, 2, 3], windows=[2])
    np.testing.assert_allclose(r.equivariance, 0.0, atol=1e-12)
    np.testing.assert_allclose(r.global_change[:2], 0.0, atol=1e-12)
    assert np.all(r.global_change[2:] > 0.1)


def test_pooling_is_locally_invariant_and_global_pooling_invariant():
    # margin 12 = 8 + K - 1: the largest shift keeps even the partial matches of the template inside
    images = motifs.random_motif_images(64, 36, motifs.PLUS, margin=12, rng=np.random.default_rng(2))
    windows = [2, 4, 8, 16]
    for pool, threshold in [("max", 0.0), ("max", 4.0), ("avg", 0.0), ("L2", 4.0)]:
        r = invariance.shift_errors(images, motifs.PLUS, range(9), windows, pool=pool, threshold=threshold)
        assert np.all(r.pooled_change[:, 0] == 0.0)
        np.testing.assert_allclose(r.global_change, 0.0, atol=1e-12)
        # a bigger window changes less (or as little), at every shift, and less on average;
        # the largest window changes less than the convolution's output
        assert np.all(np.diff(r.pooled_change[:, 1:], axis=0) <= 1e-12), pool
        assert np.all(np.diff(r.pooled_change[:, 1:].mean(axis=1)) < 0), pool
        assert np.all(r.pooled_change[-1, 1:] < r.conv_change[1:]), pool


def test_max_pooling_turns_a_shift_by_its_window_into_a_shift_by_one():
    image = motifs.motif_image(29, [(motifs.PLUS, 10, 12)])  # feature map 25 x 25... cut to 24 by the windows
    k = 4
    a = _torch_features(image[None], motifs.PLUS).numpy()[0]
    a_shifted = _torch_features(motifs.shift(image, (0, k))[None], motifs.PLUS).numpy()[0]
    np.testing.assert_array_equal(max_pool(a_shifted, (k, k)), motifs.shift(max_pool(a, (k, k)), (0, 1)))


def test_detect_matches_torch():
    rng = np.random.default_rng(3)
    image = motifs.motif_image(20, [(motifs.PLUS, 3, 4), (motifs.DIAGONAL_CROSS, 12, 10)], noise=0.2, rng=rng)
    d = invariance.detect(image, motifs.PLUS, threshold=5.0, window=4)
    a = _torch_features(image[None], motifs.PLUS, 5.0)
    np.testing.assert_allclose(d.activation, a.numpy()[0], atol=1e-12)
    np.testing.assert_allclose(d.pooled, F.max_pool2d(a[:, None], 4).numpy()[0, 0], atol=1e-12)
    assert d.score == pytest.approx(float(a.max()))
    # the plus is found where it is, the cross is not taken for a plus
    row, col = np.unravel_index(np.argmax(d.activation), d.activation.shape)
    assert (row, col) == (3, 4)
    assert d.activation[10:15, 8:13].max() == 0.0
    avg = invariance.detect(image, motifs.PLUS, threshold=5.0, window=4, pool="avg")
    np.testing.assert_allclose(avg.pooled, F.avg_pool2d(a[:, None], 4).numpy()[0, 0], atol=1e-12)
    with pytest.raises(ValueError, match="pool must be one of"):
        invariance.detect(image, motifs.PLUS, threshold=5.0, window=4, pool="median")


def test_motif_images():
    image = motifs.motif_image((6, 7), [(motifs.PLUS, 1, 2)])
    assert image.shape == (6, 7) and image.sum() == 9 and image[3, 2:7].tolist() == [1.0] * 5
    with pytest.raises(ValueError, match="does not fit"):
        motifs.motif_image(6, [(motifs.PLUS, 2, 2)])
    with pytest.raises(ValueError, match="needs a random generator"):
        motifs.motif_image(6, [], noise=0.1)
    a = motifs.random_motif_images(50, 16, margin=3, rng=np.random.default_rng(0))
    b = motifs.random_motif_images(50, 16, margin=3, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)  # seeded
    assert a.shape == (50, 16, 16) and np.all(a.sum(axis=(1, 2)) == 9)
    border = np.ones((16, 16), bool)
    border[3:13, 3:13] = False
    assert a[:, border].sum() == 0  # every motif at least 3 pixels from each edge
    with pytest.raises(ValueError, match="does not fit"):
        motifs.random_motif_images(1, 8, margin=2, rng=np.random.default_rng(0))


def test_docstring_examples():
    import doctest

    result = doctest.testmod(pooling, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted == 4 and result.failed == 0  # max, avg, lp, lse
    result = doctest.testmod(motifs, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted == 1 and result.failed == 0  # shift
