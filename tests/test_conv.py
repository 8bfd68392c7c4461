"""lecturekit.conv against torch (forward, autograd backward, output shapes), numpy's convolve,
closed forms and finite differences, all in float64."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from lecturekit import conv, invariance, motifs, wiring

GRID_1D = list(itertools.product([1, 2, 3], [1, 2, 3], [0, 1, 2], [1, 2, 4]))  # kernel, stride, padding, dilation


def _torch_corr(x, w, stride, padding, dilation, nd):
    """torch's forward and autograd gradients for the loss sum(y * g), g fixed."""
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    fn = F.conv1d if nd == 1 else F.conv2d
    y = fn(xt, wt, stride=stride, padding=padding, dilation=dilation)
    g = torch.tensor(np.random.default_rng(1).normal(size=y.shape))
    (y * g).sum().backward()
    return y.detach().numpy(), g.numpy(), xt.grad.numpy(), wt.grad.numpy()


# ------------------------------------------------------------------------------------ output_size

@pytest.mark.parametrize("n", [1, 2, 5, 8, 13])
@pytest.mark.parametrize("k,s,p,d", GRID_1D)
def test_output_size_matches_torch_shapes(n, k, s, p, d):
    span = d * (k - 1) + 1
    if span > n + 2 * p:
        with pytest.raises(ValueError, match="spans"):
            conv.output_size(n, k, s, p, d)
        return
    y = F.conv1d(torch.zeros(1, 1, n), torch.zeros(1, 1, k), stride=s, padding=p, dilation=d)
    assert conv.output_size(n, k, s, p, d) == y.shape[-1]
    assert conv.output_size(n, k, s, p, d) == (n + 2 * p - k - (k - 1) * (d - 1)) // s + 1  # issue 7's form


@pytest.mark.parametrize("kwargs,match", [
    (dict(stride=0), "stride"), (dict(dilation=0), "dilation"), (dict(padding=-1), "padding"),
    (dict(kernel=0), "kernel"), (dict(kernel=4, dilation=3), "spans"), (dict(kernel=1.5), "integer"),
])
def test_output_size_rejects_illegal_settings(kwargs, match):
    args = dict(n=5, kernel=3) | kwargs
    with pytest.raises(ValueError, match=match):
        conv.output_size(**args)


def test_output_size_examples():
    assert conv.output_size(7, 3, stride=2) == 3
    assert conv.output_size(5, 3, padding=1) == 5          # "same"
    assert conv.output_size(5, 3, dilation=2) == 1         # "window of 5, but with holes"
    assert conv.output_size(0, 1, padding=1) == 2


# ------------------------------------------------------------------------------------ 1-D

# every grid case whose dilated kernel fits its padded input (the others raise: tested below)
FITTING_1D = [(n, k, s, p, d) for n in (7, 12) for k, s, p, d in GRID_1D if d * (k - 1) + 1 <= n + 2 * p]


@pytest.mark.parametrize("n,k,s,p,d", FITTING_1D)
def test_corr1d_forward_and_backward_match_torch(n, k, s, p, d):
    rng = np.random.default_rng(n * 1000 + k * 100 + s * 10 + p + d)
    x, w = rng.normal(size=(2, 3, n)), rng.normal(size=(4, 3, k))      # (N, C_in, L), (C_out, C_in, K)
    y_ref, g, gx_ref, gw_ref = _torch_corr(x, w, s, p, d, nd=1)
    y = conv.corr1d(x, w, stride=s, padding=p, dilation=d)
    np.testing.assert_allclose(y, y_ref, rtol=1e-12, atol=1e-12)
    gx, gw = conv.corr1d_backward(g, x, w, stride=s, padding=p, dilation=d)
    assert gx.shape == x.shape and gw.shape == w.shape
    np.testing.assert_allclose(gx, gx_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gw, gw_ref, rtol=1e-12, atol=1e-12)


def test_corr1d_single_channel_is_the_lecture_formula():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=10), rng.normal(size=3)
    expected = np.array([sum(w[j] * x[i + j] for j in range(3)) for i in range(8)])  # y_i = sum_j w_j x_(i+j)
    np.testing.assert_allclose(conv.corr1d(x, w), expected)
    np.testing.assert_array_equal(conv.corr1d([1, 2, 3, 4], [1, -1]), [-1, -1, -1])


@pytest.mark.parametrize("mode,padding", [("full", 3), ("valid", 0)])
def test_conv1d_is_numpys_convolve(mode, padding):
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=11), rng.normal(size=4)
    np.testing.assert_allclose(conv.conv1d(x, w, padding=padding), np.convolve(x, w, mode=mode))


def test_conv1d_is_corr1d_with_flipped_kernel_in_every_setting():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(2, 3, 15)), rng.normal(size=(2, 3, 3))
    for s, p, d in itertools.product([1, 2], [0, 2], [1, 3]):
        np.testing.assert_allclose(conv.conv1d(x, w, s, p, d), conv.corr1d(x, w[..., ::-1], s, p, d))


def test_backward_of_stride_1_is_the_lectures_back_convolution():
    """dC/dx_j = sum_k w_k dC/dy_(j-k): a full convolution of dC/dy with w; dC/dw a correlation."""
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=12), rng.normal(size=4)
    g = rng.normal(size=9)
    gx, gw = conv.corr1d_backward(g, x, w)
    np.testing.assert_allclose(gx, np.convolve(g, w, mode="full"))
    np.testing.assert_allclose(gx, conv.conv1d(g, w, padding=3))
    np.testing.assert_allclose(gw, conv.corr1d(x, g))               # dC/dw_j = sum_i dC/dy_i x_(i+j)


def test_corr1d_backward_finite_differences():
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(2, 2, 11)), rng.normal(size=(3, 2, 3))
    settings_ = dict(stride=2, padding=1, dilation=2)
    g = rng.normal(size=conv.corr1d(x, w, **settings_).shape)

    def loss(x_, w_):
        return float(np.sum(conv.corr1d(x_, w_, **settings_) * g))

    gx, gw = conv.corr1d_backward(g, x, w, **settings_)
    eps = 1e-6
    for arr, grad, which in [(x, gx, "x"), (w, gw, "w")]:
        numeric = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            plus, minus = arr.copy(), arr.copy()
            plus[idx] += eps
            minus[idx] -= eps
            args_p = (plus, w) if which == "x" else (x, plus)
            args_m = (minus, w) if which == "x" else (x, minus)
            numeric[idx] = (loss(*args_p) - loss(*args_m)) / (2 * eps)
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_strided_tail_gets_no_gradient():
    x, w = np.arange(8.0), np.ones(2)
    gx, _ = conv.corr1d_backward(np.ones(conv.output_size(8, 2, 3)), x, w, stride=3)
    np.testing.assert_array_equal(gx, [1, 1, 0, 1, 1, 0, 1, 1])


def test_shape_errors_say_what_is_expected():
    with pytest.raises(ValueError, match="channels"):
        conv.corr1d(np.zeros((1, 2, 5)), np.zeros((1, 3, 2)))
    with pytest.raises(ValueError, match="expected x and w"):
        conv.corr1d(np.zeros((2, 5)), np.zeros(2))
    with pytest.raises(ValueError, match="grad_y"):
        conv.corr1d_backward(np.zeros(3), np.zeros(5), np.zeros(2))
    with pytest.raises(ValueError, match="spans"):
        conv.corr2d(np.zeros((3, 3)), np.zeros((2, 2)), dilation=(1, 3))
    with pytest.raises(ValueError, match="2 ints"):
        conv.corr2d(np.zeros((3, 3)), np.zeros((2, 2)), stride=(1, 1, 1))


def test_integer_inputs_stay_integer():
    y = conv.corr1d(np.arange(5), np.array([1, 1]))
    assert y.dtype.kind == "i" and y.tolist() == [1, 3, 5, 7]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 16), k=st.integers(1, 5), s=st.integers(1, 4), p=st.integers(0, 3),
       d=st.integers(1, 4), c_in=st.integers(1, 3), c_out=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_corr1d_random_settings_match_torch(n, k, s, p, d, c_in, c_out, seed):
    if d * (k - 1) + 1 > n + 2 * p:
        with pytest.raises(ValueError):
            conv.corr1d(np.zeros((1, c_in, n)), np.zeros((c_out, c_in, k)), s, p, d)
        return
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(2, c_in, n)), rng.normal(size=(c_out, c_in, k))
    y_ref, g, gx_ref, gw_ref = _torch_corr(x, w, s, p, d, nd=1)
    np.testing.assert_allclose(conv.corr1d(x, w, s, p, d), y_ref, rtol=1e-11, atol=1e-11)
    gx, gw = conv.corr1d_backward(g, x, w, s, p, d)
    np.testing.assert_allclose(gx, gx_ref, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(gw, gw_ref, rtol=1e-11, atol=1e-11)


# ------------------------------------------------------------------------------------ 2-D

GRID_2D = [
    # kernel, stride, padding, dilation (int or pair)
    ((3, 3), 1, 0, 1), ((3, 3), 2, 1, 1), ((2, 3), (1, 2), (0, 1), (2, 1)), ((1, 1), 3, 0, 1),
    ((3, 2), 2, 2, 2), ((4, 4), (3, 1), 1, (1, 2)), ((5, 1), 1, (2, 0), 1), ((2, 2), (2, 3), (1, 2), (3, 2)),
]


@pytest.mark.parametrize("kernel,s,p,d", GRID_2D)
def test_corr2d_forward_and_backward_match_torch(kernel, s, p, d):
    rng = np.random.default_rng(sum(kernel))
    x, w = rng.normal(size=(2, 3, 9, 10)), rng.normal(size=(4, 3, *kernel))
    y_ref, g, gx_ref, gw_ref = _torch_corr(x, w, s, p, d, nd=2)
    np.testing.assert_allclose(conv.corr2d(x, w, stride=s, padding=p, dilation=d), y_ref, rtol=1e-12, atol=1e-12)
    gx, gw = conv.corr2d_backward(g, x, w, stride=s, padding=p, dilation=d)
    np.testing.assert_allclose(gx, gx_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gw, gw_ref, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(h=st.integers(1, 9), wd=st.integers(1, 9), kh=st.integers(1, 4), kw=st.integers(1, 4),
       s=st.tuples(st.integers(1, 3), st.integers(1, 3)), p=st.tuples(st.integers(0, 2), st.integers(0, 2)),
       d=st.tuples(st.integers(1, 3), st.integers(1, 3)), seed=st.integers(0, 2**16))
def test_corr2d_random_settings_match_torch(h, wd, kh, kw, s, p, d, seed):
    if d[0] * (kh - 1) + 1 > h + 2 * p[0] or d[1] * (kw - 1) + 1 > wd + 2 * p[1]:
        with pytest.raises(ValueError):
            conv.corr2d(np.zeros((h, wd)), np.zeros((kh, kw)), s, p, d)
        return
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(1, 2, h, wd)), rng.normal(size=(3, 2, kh, kw))
    y_ref, g, gx_ref, gw_ref = _torch_corr(x, w, s, p, d, nd=2)
    np.testing.assert_allclose(conv.corr2d(x, w, s, p, d), y_ref, rtol=1e-11, atol=1e-11)
    gx, gw = conv.corr2d_backward(g, x, w, s, p, d)
    np.testing.assert_allclose(gx, gx_ref, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(gw, gw_ref, rtol=1e-11, atol=1e-11)


def test_corr2d_single_channel_is_the_lecture_formula_and_conv2d_flips_both_axes():
    rng = np.random.default_rng(6)
    x, w = rng.normal(size=(6, 7)), rng.normal(size=(2, 3))
    expected = np.array([[sum(w[k, l] * x[i + k, j + l] for k in range(2) for l in range(3))
                          for j in range(5)] for i in range(5)])           # y_ij = sum_kl w_kl x_(i+k, j+l)
    np.testing.assert_allclose(conv.corr2d(x, w), expected)
    np.testing.assert_allclose(conv.conv2d(x, w), conv.corr2d(x, w[::-1, ::-1]))
    gx, gw = conv.corr2d_backward(np.ones((5, 5)), x, w)
    assert gx.shape == x.shape and gw.shape == w.shape


def test_corr2d_keeps_float32():
    x, w = np.ones((1, 1, 5, 5), np.float32), np.ones((1, 1, 3, 3), np.float32)
    assert conv.corr2d(x, w).dtype == np.float32
    gx, gw = conv.corr2d_backward(np.ones((1, 1, 3, 3), np.float32), x, w)
    assert gx.dtype == np.float32 and gw.dtype == np.float32


# ------------------------------------------------------------------------------------ receptive fields

def _closed_form(layers):
    """r = 1 + sum_l (k_l - 1) d_l prod_(i<l) s_i, written independently of the loop in conv."""
    layers = [tuple(layer) + (1,) * (3 - len(layer)) for layer in layers]
    return 1 + sum((k - 1) * d * int(np.prod([s for _, s, _ in layers[:i]])) for i, (k, _, d) in enumerate(layers))


def _torch_receptive_field(layers):
    """Empirical: the span of inputs with nonzero gradient of one output of a torch stack (weights 1)."""
    n = _closed_form(layers) + 20
    x = torch.zeros(1, 1, n, dtype=torch.float64, requires_grad=True)
    h = x
    for k, s, *dil in layers:
        h = F.conv1d(h, torch.ones(1, 1, k, dtype=torch.float64), stride=s, dilation=dil[0] if dil else 1)
    h[0, 0, 0].backward()
    nz = np.flatnonzero(x.grad[0, 0].numpy())
    return int(nz[-1] - nz[0] + 1)


@pytest.mark.parametrize("layers", [
    [], [(3, 1)], [(3, 1)] * 3, [(3, 2)] * 3, [(2, 1, 1), (2, 1, 2), (2, 1, 4), (2, 1, 8)],
    [(3, 1, 1), (3, 1, 2), (3, 1, 4)], [(5, 2), (3, 1, 2), (2, 3)], [(1, 2), (3, 1)], [(3, 1, 2)] * 3,
])
def test_receptive_field(layers):
    assert wiring.receptive_field(layers) == _closed_form(layers)
    if layers:
        assert wiring.receptive_field(layers) == _torch_receptive_field(layers)
        paths = wiring.stack_paths(layers)
        nz = np.flatnonzero(paths)
        assert nz[-1] - nz[0] + 1 == wiring.receptive_field(layers)


def test_receptive_field_examples_and_errors():
    assert wiring.receptive_field([(3, 1)] * 3) == 7
    assert wiring.receptive_field([(2, 1, d) for d in (1, 2, 4, 8)]) == 16
    with pytest.raises(ValueError):
        wiring.receptive_field([(3,)])
    with pytest.raises(ValueError):
        wiring.receptive_field([(3, 0)])


def test_stack_paths_shows_gridding_of_equal_dilations():
    dense = wiring.stack_paths([(2, 1, d) for d in (1, 2, 4, 8)])
    assert (dense == 1).all() and dense.size == 16               # every sample, exactly one path
    gridded = wiring.stack_paths([(3, 1, 2)] * 3)
    assert (gridded[1::2] == 0).all() and (gridded[::2] > 0).all()  # the odd samples are never seen


# ------------------------------------------------------------------------------------ wiring

@pytest.mark.parametrize("n,k,s,p,d", [(7, 3, 2, 1, 1), (9, 2, 3, 0, 1), (10, 3, 1, 2, 3), (5, 1, 1, 0, 1)])
def test_connectivity_and_gradient_counts_agree_with_torch(n, k, s, p, d):
    taps = wiring.connectivity(n, k, s, p, d)
    o = conv.output_size(n, k, s, p, d)
    assert taps.shape == (o, n + 2 * p)
    # output i reads padded inputs i*s + j*d through tap j
    for i in range(o):
        np.testing.assert_array_equal(np.flatnonzero(taps[i] >= 0), i * s + np.arange(k) * d)
    # the gradient count of each input is torch's dC/dx for y.sum() with unit weights
    x = torch.zeros(1, 1, n, dtype=torch.float64, requires_grad=True)
    F.conv1d(x, torch.ones(1, 1, k, dtype=torch.float64), stride=s, padding=p, dilation=d).sum().backward()
    counts = wiring.gradient_counts(n, k, s, p, d)
    np.testing.assert_array_equal(counts, x.grad[0, 0].numpy())
    np.testing.assert_array_equal(counts, (taps >= 0).sum(axis=0)[p:p + n])


# ------------------------------------------------------------------------------------ motifs and shifts

def test_shift_is_the_lectures_translation():
    x = np.arange(1, 6)
    np.testing.assert_array_equal(motifs.shift(x, 2), [3, 4, 5, 0, 0])     # tau(x)_i = x_(i+2)
    np.testing.assert_array_equal(motifs.shift(x, -1), [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(motifs.shift(x, 7), np.zeros(5))
    img = np.arange(12).reshape(3, 4)
    np.testing.assert_array_equal(motifs.shift(img, 1, axis=0), np.vstack([img[1:], np.zeros((1, 4))]))


def test_plant_motif_and_local_maxima_find_it_again():
    rng = np.random.default_rng(0)
    motif = np.array([0.5, 1.5, 1.0, -1.0, -1.5, -0.5])
    x = motifs.plant_motif(rng.normal(scale=0.3, size=120), motif, [10, 50, 100])
    y = conv.corr1d(x, motif)
    np.testing.assert_array_equal(motifs.local_maxima(y, 0.5 * motif @ motif)[:, 0], [10, 50, 100])
    img = motifs.plant_motif(np.zeros((10, 12)), np.ones((2, 3)), [(1, 2), (6, 8)])
    assert img.sum() == 12 and img[1:3, 2:5].min() == 1
    cross = np.array([[-1, 1, -1], [1, 1, 1], [-1, 1, -1]])
    found = motifs.local_maxima(conv.corr2d(motifs.plant_motif(np.zeros((9, 9)), cross, [(0, 0), (5, 4)]), cross), 4)
    np.testing.assert_array_equal(found, [[0, 0], [5, 4]])
    with pytest.raises(ValueError, match="does not fit"):
        motifs.plant_motif(np.zeros(5), np.ones(3), [3])


def test_equivariance_gap():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=40), rng.normal(size=5)
    for t in range(5):
        inside, border = invariance.equivariance_gap(x, w, t)
        assert inside < 1e-12                                  # stride 1: equivariant inside
        assert (border > 1e-3) == (t > 0)                      # the zeros shifted in change the border
        inside2, _ = invariance.equivariance_gap(x, w, t, stride=2)
        assert (inside2 < 1e-12) == (t % 2 == 0)               # stride 2: only even shifts
