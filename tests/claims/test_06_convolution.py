"""Notebook 06's sentences that state a fact, one test each, named after the sentence, in the notebook's order,
recomputed with lecturekit and, where one exists, an independent reference (torch, numpy, a closed form)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import torch
import torch.nn.functional as F

from lecturekit import conv, invariance, motifs, wiring
from lecturekit.exercises import conv as ex
from lecturekit.exercises import progress
from lecturekit.widgets.conv import footprint_explorer

MOTIF = np.array([0.5, 1.5, 1.0, -1.0, -1.5, -0.5])
PLANTED = [25, 90, 150]
PLUS_ON_MINUS = -np.ones((5, 5))
PLUS_ON_MINUS[2, :] = PLUS_ON_MINUS[:, 2] = 1.0
IMG_PLANTED = [(4, 6), (20, 25), (28, 3)]
STROKE_H, STROKE_V = np.zeros((5, 5)), np.zeros((5, 5))
STROKE_H[2, :], STROKE_V[:, 2] = 1.0, 1.0


def _signal(rng):
    return motifs.plant_motif(rng.normal(scale=0.4, size=200), MOTIF, PLANTED)


def _image(rng):
    img = motifs.plant_motif(rng.normal(scale=0.5, size=(40, 40)), PLUS_ON_MINUS, IMG_PLANTED)
    return motifs.plant_motif(img, np.ones((5, 5)), [(8, 28)])


def _scene(rng):
    return motifs.motif_image((14, 40), [(motifs.PLUS, 2, 2), (STROKE_H, 2, 12), (STROKE_V, 2, 22),
                                         (motifs.PLUS, 7, 31)], noise=0.1, rng=rng)


def _layers(scene):
    layer_1 = np.maximum(conv.corr2d(scene[None, None], np.stack([STROKE_H, STROKE_V])[:, None]) - 3.0, 0.0)
    layer_2 = np.maximum(conv.corr2d(layer_1, np.ones((1, 2, 1, 1))) - 2.8, 0.0)[0, 0]
    return layer_1, layer_2


def _notebook(seed: int = 0) -> SimpleNamespace:
    """The notebook's cells 3, 6, 10, 23 and 26 in order, drawing from one generator as the notebook does."""
    rng = np.random.default_rng(seed)
    x = _signal(rng)                                              # cell 3
    img = _image(rng)                                             # cell 6
    scene = _scene(rng)                                           # cell 10
    x_eq, w_eq = rng.normal(size=64), rng.normal(size=5)          # cell 23
    x_b, w_b = rng.normal(size=12), rng.normal(size=4)            # cell 26
    grad_y = rng.normal(size=9)
    return SimpleNamespace(x=x, img=img, scene=scene, x_eq=x_eq, w_eq=w_eq, x_b=x_b, w_b=w_b, grad_y=grad_y, rng=rng)


def _torch_corr1d(x, w, **settings):
    return F.conv1d(torch.tensor(x)[None, None], torch.tensor(w)[None, None], **settings)[0, 0].numpy()


# --- cell 0 ----------------------------------------------------------------------------------------------------


def test_the_weights_are_shared_between_positions_so_their_gradient_is_a_sum_over_the_positions():
    rng = np.random.default_rng(11)
    for n, k in [(12, 4), (20, 3), (9, 9)]:
        x, w = rng.normal(size=n), rng.normal(size=k)
        o = n - k + 1
        g = rng.normal(size=o)
        # unshared: every position i has its own copy W_i of the kernel; the shared gradient is the sum of theirs
        copies = torch.tensor(np.tile(w, (o, 1)), requires_grad=True)
        windows = torch.tensor(np.lib.stride_tricks.sliding_window_view(x, k))       # (o, k)
        ((copies * windows).sum(axis=1) * torch.tensor(g)).sum().backward()
        _, grad_w = conv.corr1d_backward(g, x, w)
        np.testing.assert_allclose(grad_w, copies.grad.numpy().sum(axis=0), rtol=1e-12, atol=1e-12)
        if o > 1:
            assert not np.allclose(copies.grad.numpy()[0], grad_w)      # one position alone is not the gradient


def test_torch_calls_the_cross_correlation_convolution_the_kernel_is_flipped():
    rng = np.random.default_rng(12)
    x, w = rng.normal(size=15), np.array([1.0, -2.0, 0.5])
    torch_y = _torch_corr1d(x, w)
    np.testing.assert_allclose(torch_y, conv.corr1d(x, w), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(conv.conv1d(x, w), np.convolve(x, w, mode="valid"), rtol=1e-12, atol=1e-12)
    assert np.abs(torch_y - conv.conv1d(x, w)).max() > 0.1                        # not the lecture's convolution
    np.testing.assert_allclose(torch_y, np.convolve(x, w[::-1], mode="valid"), rtol=1e-12, atol=1e-12)


# --- cells 2-5: the 1-D motif ----------------------------------------------------------------------------------


def test_corr1d_gives_y_i_equal_to_w_dot_x_i_to_i_plus_K_for_i_0_to_len_x_minus_K():
    x = _notebook().x
    y = conv.corr1d(x, MOTIF)
    assert x.shape == (200,) and y.shape == (195,)                       # "(200,) -> (195,): one output per window"
    np.testing.assert_allclose(y, [MOTIF @ x[i:i + 6] for i in range(200 - 6 + 1)], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y, _torch_corr1d(x, MOTIF), rtol=1e-12, atol=1e-12)


def test_the_motifs_planted_at_25_90_150_are_found_at_25_90_150_and_y_90_is_7_6521():
    x = _notebook().x
    y = conv.corr1d(x, MOTIF)
    perfect = conv.corr1d(MOTIF, MOTIF)[0]                               # the response of a perfect match
    assert perfect == MOTIF @ MOTIF == 7.0
    found = motifs.local_maxima(y, 0.5 * perfect)[:, 0]
    assert found.tolist() == PLANTED
    assert f"{y[90]:.4f}" == f"{MOTIF @ x[90:96]:.4f}" == "7.6521"


def test_the_response_peaks_at_the_first_sample_of_each_planted_motif_elsewhere_it_is_noise():
    y = conv.corr1d(_notebook().x, MOTIF)
    away = np.ones(len(y), bool)
    for p in PLANTED:
        assert int(np.argmax(y[p - 5:p + 6])) == 5                     # the peak is the motif's first sample
        away[p - 5:p + 6] = False
    assert y[away].max() < 0.5 * 7.0 - 0.9                               # 2.58 < 3.5: noise stays below threshold
    # other seeds: the peak sits at the first sample almost always, but the noise crosses the threshold now and then
    peak_right = exact = 0
    for seed in range(200):
        y = conv.corr1d(_signal(np.random.default_rng(seed)), MOTIF)
        peak_right += all(int(np.argmax(y[p - 5:p + 6])) == 5 for p in PLANTED)
        exact += motifs.local_maxima(y, 3.5)[:, 0].tolist() == PLANTED
    assert peak_right >= 195 and 160 <= exact <= 190                    # measured: 198 and 178 of 200


def test_where_the_template_only_partly_overlaps_the_motif_the_response_is_smaller():
    auto = np.correlate(MOTIF, MOTIF, mode="full")                        # lags -5 .. 5, noise-free
    assert auto[5] == 7.0 and np.all(np.delete(auto, 5) < 7.0 / 2 + 1e-12)   # at most 3.5, at lag +-1
    y = conv.corr1d(_notebook().x, MOTIF)
    for p in PLANTED:
        assert all(y[p + lag] < y[p] for lag in (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5))


def test_where_the_template_is_anti_aligned_the_response_is_strongly_negative():
    auto = np.correlate(MOTIF, MOTIF, mode="full")
    assert auto.min() == -3.25 and set(np.flatnonzero(auto == -3.25) - 5) == {-3, 3}   # -46% of a perfect match
    y = conv.corr1d(_notebook().x, MOTIF)
    for p in PLANTED:
        assert y[p - 3] < -2.0 and y[p + 3] < -2.0                        # measured -2.2 .. -3.8


# --- cells 5-8: the 2-D plus sign ------------------------------------------------------------------------------


def test_the_plus_template_answers_strongly_to_a_plus_sign_and_negatively_to_a_plain_bright_patch():
    assert conv.corr2d(PLUS_ON_MINUS, PLUS_ON_MINUS)[0, 0] == 25.0 == (PLUS_ON_MINUS ** 2).sum()
    assert conv.corr2d(np.ones((5, 5)), PLUS_ON_MINUS)[0, 0] == -7.0
    negative = sum(conv.corr2d(_image(_notebook(seed).rng), PLUS_ON_MINUS)[8, 28] < 0 for seed in range(100))
    assert negative >= 98                                                # with the notebook's noise, almost always


def test_the_plus_template_answers_the_bright_square_negatively_with_minus_7_9():
    rng = np.random.default_rng(0)                # the notebook's generator: section 1 draws one signal first
    rng.normal(scale=0.4, size=200)
    plus = -np.ones((5, 5))
    plus[2, :] = plus[:, 2] = 1.0
    img = motifs.plant_motif(rng.normal(scale=0.5, size=(40, 40)), plus, [(4, 6), (20, 25), (28, 3)])
    img = motifs.plant_motif(img, np.ones((5, 5)), [(8, 28)])
    response = conv.corr2d(img, plus)
    assert round(float(response[8, 28]), 1) == -7.9 and (plus ** 2).sum() == 25
    assert (np.ones((5, 5)) * plus).sum() == -7                 # without noise: 9 lit pixels minus 16
    found = motifs.local_maxima(response, 0.7 * 25)
    assert [tuple(map(int, q)) for q in found] == [(4, 6), (20, 25), (28, 3)]


def test_the_response_map_is_smaller_than_the_image_by_K_minus_1_in_each_direction_36_by_36():
    img = _notebook().img
    assert conv.corr2d(img, PLUS_ON_MINUS).shape == (36, 36)
    y = F.conv2d(torch.tensor(img)[None, None], torch.tensor(PLUS_ON_MINUS)[None, None])[0, 0]
    assert tuple(y.shape) == (36, 36)
    assert conv.corr2d(img, np.ones((3, 7))).shape == (38, 34)           # K - 1 per axis, for each axis's K


def test_the_bright_square_has_more_ink_and_the_minus_1_background_punishes_brightness_outside_the_plus():
    lit_plus, lit_square = (PLUS_ON_MINUS > 0).sum(), (np.ones((5, 5)) > 0).sum()
    assert (lit_plus, lit_square) == (9, 25)
    assert conv.corr2d(np.ones((5, 5)), PLUS_ON_MINUS)[0, 0] == 9 - 16
    assert conv.corr2d(np.ones((5, 5)), np.maximum(PLUS_ON_MINUS, 0))[0, 0] == 9   # without the -1: positive


def test_the_threshold_is_higher_than_in_1d_because_a_plus_shifted_along_an_arm_still_half_matches():
    padded = conv.corr2d(np.pad(PLUS_ON_MINUS, 5), PLUS_ON_MINUS)                  # noise-free, centre (5, 5)
    assert padded[5, 5] == 25 and padded[5, 8] == padded[2, 5] == 10              # 3 pixels along an arm: 40%
    assert padded[5, 6] == 4                                                       # 1 pixel along an arm: 16%
    response = conv.corr2d(_notebook().img, PLUS_ON_MINUS)
    at_half = {tuple(map(int, q)) for q in motifs.local_maxima(response, 0.5 * 25)}
    assert at_half - set(IMG_PLANTED) == {(17, 25), (20, 22), (20, 28)}           # 3 along the arms of (20, 25)
    assert 0.5 < response[20, 22] / 25 < 0.7
    assert [tuple(map(int, q)) for q in motifs.local_maxima(response, 0.7 * 25)] == IMG_PLANTED


# --- cells 9-11: layers on layers ------------------------------------------------------------------------------


def test_a_stroke_of_5_lit_pixels_gives_2_and_a_stroke_crossed_at_one_pixel_0():
    bar = np.zeros((5, 5))
    bar[2, :] = 1.0
    relu = lambda v: max(v - 3.0, 0.0)
    assert relu(conv.corr2d(bar, STROKE_H)[0, 0]) == 2.0 and relu(conv.corr2d(bar, STROKE_V)[0, 0]) == 0.0
    assert relu(conv.corr2d(motifs.PLUS, STROKE_H)[0, 0]) == relu(conv.corr2d(motifs.PLUS, STROKE_V)[0, 0]) == 2.0
    layer_1, _ = _layers(_notebook().scene)                                # with the notebook's noise 0.1
    np.testing.assert_allclose(layer_1[0, :, 2, 12], [2.0, 0.0], atol=0.3)
    np.testing.assert_allclose(layer_1[0, :, 2, 22], [0.0, 2.0], atol=0.3)


def test_layer_2_answers_at_2_2_and_7_31_the_two_plus_signs_top_left_corners():
    layer_1, layer_2 = _layers(_notebook().scene)
    assert layer_1.shape == (1, 2, 10, 36) and layer_2.shape == (10, 36)
    assert [tuple(map(int, p)) for p in np.argwhere(layer_2 > 0)] == [(2, 2), (7, 31)]
    clean = np.maximum(2.0 + 2.0 - 2.8, 0.0), np.maximum(2.0 + 0.0 - 2.8, 0.0)      # noise-free: a plus, a bar
    assert clean[0] > 1.1 and clean[1] == 0.0


def test_layer_2_answers_only_where_a_horizontal_and_a_vertical_stroke_cross():
    stroke_h, stroke_v = np.zeros((5, 5)), np.zeros((5, 5))
    stroke_h[2, :], stroke_v[:, 2] = 1.0, 1.0
    wrong = 0
    for seed in range(300):   # the notebook's thresholds hold for almost every draw of the noise (0.15% fail)
        rng = np.random.default_rng(seed)
        scene = motifs.motif_image((14, 40), [(motifs.PLUS, 2, 2), (stroke_h, 2, 12), (stroke_v, 2, 22),
                                              (motifs.PLUS, 7, 31)], noise=0.1, rng=rng)
        layer_1 = np.maximum(conv.corr2d(scene[None, None], np.stack([stroke_h, stroke_v])[:, None]) - 3.0, 0.0)
        layer_2 = np.maximum(conv.corr2d(layer_1, np.ones((1, 2, 1, 1))) - 2.8, 0.0)[0, 0]
        wrong += [tuple(map(int, p)) for p in np.argwhere(layer_2 > 0)] != [(2, 2), (7, 31)]
        assert layer_1[0, 0, 2, 12] > 0 and layer_1[0, 1, 2, 22] > 0          # layer 1 finds the lone bars too
    assert wrong == 0


def test_layer_1_finds_strokes_in_the_bars_and_in_the_plus_signs_alike():
    layer_1, _ = _layers(_notebook().scene)
    for r, c in [(2, 2), (7, 31), (2, 12)]:
        assert layer_1[0, 0, r, c] > 1.5                                   # horizontal strokes
    for r, c in [(2, 2), (7, 31), (2, 22)]:
        assert layer_1[0, 1, r, c] > 1.5                                   # vertical strokes


def test_one_output_of_layer_2_depends_on_a_5x5_patch_and_a_wider_layer_2_kernel_sees_more():
    for k2, side in [(1, 5), (3, 7)]:
        x = torch.zeros(1, 1, 14, 40, dtype=torch.float64, requires_grad=True)
        w1 = torch.tensor(np.stack([STROKE_H, STROKE_V])[:, None])
        y = F.conv2d(F.conv2d(x, w1), torch.ones(1, 2, k2, k2, dtype=torch.float64))
        y[0, 0, 2, 2].backward()
        rows, cols = np.nonzero(x.grad[0, 0].numpy())
        assert (rows.max() - rows.min() + 1, cols.max() - cols.min() + 1) == (side, side)
        assert wiring.receptive_field([(5, 1), (k2, 1)]) == side
        if k2 == 1:                                     # inside the 5x5 patch only the plus's 9 pixels have weight
            assert len(rows) == 9


# --- cells 11-14: convolution or cross-correlation -------------------------------------------------------------


def test_a_network_that_learns_w_learns_the_flipped_kernel():
    rng = np.random.default_rng(13)
    w_true = np.array([0.3, -1.2, 2.0, 0.7])
    x = rng.normal(size=300)
    target = conv.conv1d(x, w_true)                                    # data made by a true convolution
    windows = np.lib.stride_tricks.sliding_window_view(x, 4)            # a cross-correlation layer y = windows @ w
    w_fit = np.linalg.lstsq(windows, target, rcond=None)[0]
    np.testing.assert_allclose(w_fit, w_true[::-1], atol=1e-10)
    w = np.zeros(4)
    for _ in range(300):                                               # gradient descent on C = mean squared error
        g = 2 * (conv.corr1d(x, w) - target) / len(target)
        w -= 0.3 * conv.corr1d_backward(g, x, w)[1]
    np.testing.assert_allclose(w, w_true[::-1], atol=1e-6)
    assert np.abs(conv.corr1d(x, w) - target).max() < 1e-5


def test_an_impulse_gives_the_kernel_under_convolution_and_the_reversed_kernel_under_cross_correlation():
    w = np.array([1.0, 2.0, 3.0])
    impulse = np.zeros(9)
    impulse[4] = 1.0
    assert conv.conv1d(impulse, w).tolist() == [0, 0, 1, 2, 3, 0, 0]
    assert conv.corr1d(impulse, w).tolist() == [0, 0, 3, 2, 1, 0, 0]
    assert _torch_corr1d(impulse, w).tolist() == [0, 0, 3, 2, 1, 0, 0]
    x = _notebook().x
    np.testing.assert_allclose(conv.conv1d(x, w), conv.corr1d(x, w[::-1]), rtol=1e-12, atol=1e-12)


def test_the_lectures_convolution_is_the_flipped_cross_correlation_shifted_by_K_minus_1():
    rng = np.random.default_rng(1)
    for K in (1, 2, 3, 5):
        x, w = rng.normal(size=12), rng.normal(size=K)
        full = np.convolve(x, w, mode="full")                 # y_i = sum_j w_j x_(i-j), i = 0 .. L + K - 2
        flipped = conv.corr1d(x, w[::-1])
        np.testing.assert_allclose(full[K - 1:len(x)], flipped, atol=1e-12)     # y_i = corr(x, w reversed)_(i-K+1)
        np.testing.assert_allclose(conv.conv1d(x, w), flipped, atol=1e-12)


def test_in_2d_the_convolution_of_an_impulse_draws_the_kernel_and_the_cross_correlation_draws_it_rotated_180():
    L = np.array([[1.0, 0, 0], [1, 0, 0], [1, 1, 1]])
    impulse = np.zeros((7, 7))
    impulse[3, 3] = 1.0
    drawn_conv, drawn_corr = conv.conv2d(impulse, L, padding=1), conv.corr2d(impulse, L, padding=1)
    assert drawn_conv.shape == drawn_corr.shape == (7, 7)
    np.testing.assert_array_equal(drawn_conv[2:5, 2:5], L)
    np.testing.assert_array_equal(drawn_corr[2:5, 2:5], np.rot90(L, 2))
    assert drawn_conv.sum() == drawn_corr.sum() == L.sum()                # nothing else lit
    # an asymmetric kernel of another shape: the same holds
    w = np.arange(6.0).reshape(2, 3) + 1
    np.testing.assert_array_equal(conv.conv2d(impulse, w, padding=(1, 2))[3:5, 3:6], w)
    np.testing.assert_array_equal(conv.corr2d(impulse, w, padding=(1, 2))[3:5, 3:6], np.rot90(w, 2))
    # caveat: this L is symmetric about its anti-diagonal, so its 180-degree rotation is also its transpose
    np.testing.assert_array_equal(np.rot90(L, 2), L.T)


def test_corr1d_has_len_x_minus_len_w_plus_1_outputs_where_the_kernel_lies_wholly_on_x():
    rng = np.random.default_rng(14)
    for n, k in [(10, 3), (7, 1), (5, 5), (31, 8)]:
        x, w = rng.normal(size=n), rng.normal(size=k)
        y = ex.corr1d.reference(x, w)
        assert y.shape == (n - k + 1,) == conv.corr1d(x, w).shape == _torch_corr1d(x, w).shape
        np.testing.assert_allclose(y, _torch_corr1d(x, w), rtol=1e-12, atol=1e-12)


def test_corr2d_with_the_kernel_flipped_along_both_axes_is_the_true_convolution_conv2d():
    rng = np.random.default_rng(15)
    for (h, wd), (kh, kw) in [((6, 7), (2, 3)), ((8, 8), (3, 3)), ((5, 9), (4, 1))]:
        x, w = rng.normal(size=(h, wd)), rng.normal(size=(kh, kw))
        # the lecture's y_(a,b) = sum_(k,l) w_(k,l) x_(a-k, b-l), numbered from the first full overlap
        direct = np.array([[sum(w[k, l] * x[a + kh - 1 - k, b + kw - 1 - l] for k in range(kh) for l in range(kw))
                            for b in range(wd - kw + 1)] for a in range(h - kh + 1)])
        np.testing.assert_allclose(conv.conv2d(x, w), direct, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(conv.corr2d(x, ex.flip_kernel.reference(w)), direct, rtol=1e-12, atol=1e-12)
        if kh > 1 and kw > 1:
            assert np.abs(conv.corr2d(x, w[::-1]) - direct).max() > 1e-3          # one axis is not enough


# --- cells 19-24: equivariance ---------------------------------------------------------------------------------


def test_shifting_the_input_by_t_shifts_the_output_by_the_same_t():
    for seed in range(3):
        rng = np.random.default_rng(seed)
        x, w = rng.normal(size=64), rng.normal(size=5)
        y = _torch_corr1d(x, w)
        for t in range(9):
            y_shifted = conv.corr1d(motifs.shift(x, t), w)
            np.testing.assert_allclose(y_shifted[:len(y) - t], y[t:], rtol=1e-12, atol=1e-12)


def test_the_convolution_is_equivariant_not_invariant_and_global_max_pooling_makes_it_invariant():
    x = _notebook().x
    y = conv.corr1d(x, MOTIF)
    for t in (1, 3, 5):
        y_t = conv.corr1d(motifs.shift(x, t), MOTIF)
        assert np.abs(y_t - y).max() > 1.0                                  # the output moves along
        assert invariance.equivariance_gap(x, MOTIF, t)[0] < 1e-12          # ... by exactly t
        assert y_t.max() == y.max()                                         # its maximum does not move


def test_at_the_borders_the_last_outputs_read_some_of_the_shifted_in_zeros_and_differ():
    for seed in range(3):
        rng = np.random.default_rng(seed)
        x, w = rng.normal(size=64), rng.normal(size=5)
        if seed == 0:
            x, w = _notebook().x_eq, _notebook().w_eq
        k, o = len(w), len(x) - len(w) + 1
        for t in range(1, 9):
            gap = np.abs(conv.corr1d(motifs.shift(x, t), w) - motifs.shift(conv.corr1d(x, w), t))
            only_zeros = max(t - k + 1, 0)                  # the last outputs that read nothing but shifted-in zeros
            assert np.all(gap[:o - t] < 1e-12)              # the outputs that read no zero agree
            assert np.all(gap[o - t:o - only_zeros] > 1e-6), (seed, t)      # those that read some of them differ
            assert np.all(gap[o - only_zeros:] == 0)        # those that read only zeros are 0 on both sides


def test_with_stride_s_a_shift_by_t_is_matched_by_an_output_shift_t_over_s_only_when_s_divides_t():
    for seed in range(3):
        rng = np.random.default_rng(seed)
        x, w = rng.normal(size=64), rng.normal(size=5)
        for s in (1, 2, 3, 4):
            y = conv.corr1d(x, w, stride=s)
            for t in range(9):
                inside, _ = invariance.equivariance_gap(x, w, t, stride=s)
                assert (inside < 1e-12) == (t % s == 0), (seed, s, t, inside)
                y_t = conv.corr1d(motifs.shift(x, t), w, stride=s)
                middle = slice(4, len(y) - 9 // s - 2)          # no output here reads a shifted-in zero
                matches = [u for u in range(-3, 9) if np.abs(y_t - motifs.shift(y, u))[middle].max() < 1e-12]
                assert matches == ([t // s] if t % s == 0 else []), (seed, s, t, matches)


def test_the_equivariance_table_for_t_0_to_5_at_strides_1_and_2():
    nb = _notebook()
    table = [invariance.equivariance_gap(nb.x_eq, nb.w_eq, t, stride=s) for t in range(6) for s in (1, 2)]
    shown = [["-" if np.isnan(v) else f"{v:.4f}" for v in pair] for pair in table]
    assert shown == [["0.0000", "-"], ["0.0000", "-"], ["0.0000", "2.7172"], ["5.6569", "-"],
                     ["0.0000", "2.8761"], ["0.0000", "2.7172"], ["0.0000", "2.8761"], ["5.6569", "2.8761"],
                     ["0.0000", "2.8761"], ["0.0000", "2.7172"], ["0.0000", "2.8761"], ["5.6569", "2.8761"]]
    # independently, with torch: f(tau_t x) - tau_(t//s) f(x) over all outputs is the larger of the two columns
    for t in range(6):
        for s in (1, 2):
            x_t = np.concatenate([nb.x_eq[t:], np.zeros(t)])
            y, y_t = _torch_corr1d(nb.x_eq, nb.w_eq, stride=s), _torch_corr1d(x_t, nb.w_eq, stride=s)
            u = t // s
            moved = np.concatenate([y[u:], np.zeros(u)])
            inside, border = invariance.equivariance_gap(nb.x_eq, nb.w_eq, t, stride=s)
            assert np.isclose(np.abs(y_t - moved).max(), np.nanmax([inside, border]), rtol=1e-12, atol=1e-12)


def test_with_stride_2_and_t_3_a_shift_of_1_5_outputs_would_be_needed():
    nb = _notebook()
    x, w = nb.x_eq, nb.w_eq
    y_t = conv.corr1d(motifs.shift(x, 3), w, stride=2)
    full = conv.corr1d(x, w)                                                 # stride 1: every half step of stride 2
    n = len(full[3::2]) - 1                                                  # all but the last (reads a zero)
    np.testing.assert_allclose(y_t[:n], full[3::2][:n], rtol=1e-12, atol=1e-12)   # output grid moved by 3/2
    y = conv.corr1d(x, w, stride=2)
    assert np.abs(y_t - motifs.shift(y, 3 // 2))[:n].max() > 1.0              # moved by 1 they disagree
    y1_t = conv.corr1d(motifs.shift(x, 3), w)
    assert np.abs(y1_t - motifs.shift(full, 3))[:len(full) - 3].max() < 1e-12  # stride 1: agree but at the end
    assert np.abs(y1_t - motifs.shift(full, 3))[len(full) - 3:].min() > 1e-6


def test_with_stride_2_and_a_shift_of_1_no_output_reads_a_shifted_in_zero():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=64), rng.normal(size=5)
    inside, border = invariance.equivariance_gap(x, w, 1, stride=2)
    assert np.isnan(border) and inside > 1
    inside, border = invariance.equivariance_gap(x, w, 0, stride=1)
    assert np.isnan(border) and inside == 0.0
    assert invariance.equivariance_gap(x, w, 3, stride=2)[1] > 0


# --- cells 25-26: backprop -------------------------------------------------------------------------------------


def test_the_border_inputs_read_by_fewer_outputs_get_fewer_terms():
    n, k = 12, 4
    terms = [sum(1 for i in range(n - k + 1) for j in range(k) if i + j == m) for m in range(n)]
    assert terms == [1, 2, 3, 4, 4, 4, 4, 4, 4, 3, 2, 1]
    x = torch.zeros(1, 1, n, dtype=torch.float64, requires_grad=True)
    F.conv1d(x, torch.ones(1, 1, k, dtype=torch.float64)).sum().backward()
    assert x.grad[0, 0].tolist() == terms
    assert wiring.gradient_counts(n, k).tolist() == terms


def test_the_notebooks_gradients_match_autograd_and_are_the_full_convolution_and_the_cross_correlation():
    nb = _notebook()
    assert conv.output_size(12, 4) == 9 == len(nb.grad_y)
    xt, wt = torch.tensor(nb.x_b, requires_grad=True), torch.tensor(nb.w_b, requires_grad=True)
    F.conv1d(xt[None, None], wt[None, None])[0, 0].backward(torch.tensor(nb.grad_y))
    grad_x, grad_w = conv.corr1d_backward(nb.grad_y, nb.x_b, nb.w_b)
    assert np.allclose(grad_x, xt.grad.numpy(), rtol=1e-12, atol=1e-14)
    assert np.allclose(grad_w, wt.grad.numpy(), rtol=1e-12, atol=1e-14)
    assert np.allclose(grad_x, np.convolve(nb.grad_y, nb.w_b, mode="full"))
    assert np.allclose(grad_x, conv.conv1d(nb.grad_y, nb.w_b, padding=3))
    assert np.allclose(grad_w, conv.corr1d(nb.x_b, nb.grad_y))
    assert not np.allclose(grad_x, np.convolve(nb.grad_y, nb.w_b[::-1], mode="full"))   # not the unflipped one


# --- cells 31-32: channels and settings ------------------------------------------------------------------------


def test_each_output_channel_sums_a_cross_correlation_over_every_input_channel():
    rng = np.random.default_rng(16)
    x, w = rng.normal(size=(2, 3, 8, 9)), rng.normal(size=(4, 3, 3, 2))
    y = conv.corr2d(x, w)
    assert y.shape == (2, 4, 6, 8)
    for n in range(2):
        for o in range(4):
            np.testing.assert_allclose(y[n, o], sum(conv.corr2d(x[n, c], w[o, c]) for c in range(3)),
                                       rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y, F.conv2d(torch.tensor(x), torch.tensor(w)).numpy(), rtol=1e-12, atol=1e-12)


def test_corr2d_and_its_backward_equal_torch_in_the_notebooks_four_settings():
    rng = _notebook().rng
    x4, w4 = rng.normal(size=(2, 3, 11, 12)), rng.normal(size=(4, 3, 3, 2))
    shapes = []
    for stride, padding, dilation in [(1, 0, 1), (2, 1, 1), ((1, 2), (2, 0), (2, 3)), (3, 2, 2)]:
        settings = {"stride": stride, "padding": padding, "dilation": dilation}
        xt, wt = torch.tensor(x4, requires_grad=True), torch.tensor(w4, requires_grad=True)
        yt = F.conv2d(xt, wt, **settings)
        g4 = rng.normal(size=yt.shape)
        yt.backward(torch.tensor(g4))
        y4 = conv.corr2d(x4, w4, **settings)
        gx4, gw4 = conv.corr2d_backward(g4, x4, w4, **settings)
        for a, b in [(y4, yt), (gx4, xt.grad), (gw4, wt.grad)]:
            assert np.allclose(a, b.detach().numpy(), rtol=1e-12, atol=1e-12)
        shapes.append(y4.shape)
    assert shapes == [(2, 4, 9, 11), (2, 4, 6, 7), (2, 4, 11, 5), (2, 4, 4, 5)]


# --- cell 33: the footprint explorer ---------------------------------------------------------------------------


def test_input_x_m_receives_w_j_times_dC_dy_i_from_every_output_i_that_read_it():
    rng = np.random.default_rng(17)
    for n, k, s, p, d in [(9, 3, 1, 0, 1), (9, 3, 2, 1, 1), (10, 2, 3, 2, 1), (11, 3, 1, 2, 2), (12, 4, 2, 1, 3)]:
        x, w = rng.normal(size=n), rng.normal(size=k)
        o = conv.output_size(n, k, s, p, d)
        g = rng.normal(size=o)
        expected = np.zeros(n)
        for i in range(o):
            for j in range(k):
                m = i * s + j * d - p                                        # output i reads x_(is + jd - p)
                if 0 <= m < n:
                    expected[m] += w[j] * g[i]
        xt = torch.tensor(x, requires_grad=True)
        F.conv1d(xt[None, None], torch.tensor(w)[None, None], stride=s, padding=p, dilation=d)[0, 0].backward(
            torch.tensor(g))
        np.testing.assert_allclose(xt.grad.numpy(), expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(conv.corr1d_backward(g, x, w, s, p, d)[0], expected, rtol=1e-12, atol=1e-12)


def test_the_taps_arriving_at_one_input_read_left_to_right_are_the_kernel_reversed():
    taps = wiring.connectivity(9, 3)
    assert [int(j) for j in taps[:, 4] if j >= 0] == [2, 1, 0]                # w_2, w_1, w_0
    for n, k, s, p, d in [(9, 5, 1, 0, 1), (9, 3, 2, 1, 1), (12, 4, 1, 2, 2), (12, 4, 3, 0, 1)]:
        taps = wiring.connectivity(n, k, s, p, d)
        for m in range(taps.shape[1]):
            arriving = [int(j) for j in taps[:, m] if j >= 0]                  # outputs in increasing order
            assert arriving == sorted(arriving, reverse=True)


def test_kernel_3_stride_1_middle_inputs_get_3_contributions_the_border_inputs_fewer():
    assert wiring.gradient_counts(9, 3).tolist() == [1, 2, 3, 3, 3, 3, 3, 2, 1]
    assert wiring.gradient_counts(12, 3).tolist() == [1, 2] + [3] * 8 + [2, 1]


def test_padding_1_or_2_gives_the_border_inputs_more_contributions():
    assert wiring.gradient_counts(9, 3, padding=1).tolist() == [2] + [3] * 7 + [2]
    assert wiring.gradient_counts(9, 3, padding=2).tolist() == [3] * 9


def test_stride_2_with_an_odd_kernel_makes_the_counts_alternate_with_an_even_one_inputs_get_k_over_2():
    assert wiring.gradient_counts(9, 1, stride=2).tolist() == [1, 0] * 4 + [1]
    for k in (2, 4):
        assert set(wiring.gradient_counts(17, k, stride=2).tolist()[k:-k]) == {k // 2}
    assert wiring.gradient_counts(9, 3, stride=2).tolist() == [1, 1, 2, 1, 2, 1, 2, 1, 1]   # the default k = 3
    assert wiring.gradient_counts(13, 5, stride=2).tolist()[3:10] == [2, 3, 2, 3, 2, 3, 2]
    # an even kernel with stride 2: every input is read k / 2 times (except a tail): no alternation
    assert wiring.gradient_counts(9, 2, stride=2).tolist() == [1] * 8 + [0]
    assert wiring.gradient_counts(9, 4, stride=2).tolist() == [1, 1, 2, 2, 2, 2, 1, 1, 0]


def test_kernel_2_stride_3_leaves_some_inputs_unread_with_gradient_0():
    assert wiring.gradient_counts(9, 2, stride=3).tolist() == [1, 1, 0, 1, 1, 0, 1, 1, 0]
    x = torch.tensor(np.random.default_rng(18).normal(size=9), requires_grad=True)
    F.conv1d(x[None, None], torch.tensor([[[0.7, -1.3]]], dtype=torch.float64), stride=3).sum().backward()
    assert (x.grad.numpy()[[2, 5, 8]] == 0).all() and (x.grad.numpy()[[0, 1, 3, 4, 6, 7]] != 0).all()


def test_dilation_2_gives_the_footprint_holes():
    w = wiring.wiring(9, 3, dilation=2, output=1)
    assert w.reads.tolist() == [1, 3, 5]                                      # x_2 and x_4 skipped
    assert (w.taps[1] >= 0).tolist() == [False, True, False, True, False, True, False, False, False]


def test_the_explorers_snapshot_shows_y2_reading_x2_x3_x4_and_x4_getting_gradient_from_y2_y3_y4():
    explorer = footprint_explorer()
    titles = [ax.get_title() for ax in explorer.figure.axes]
    assert titles[:2] == ["forward: y2 reads x2, x3, x4", "backward: x4 gets gradient from y2, y3, y4"]
    w = wiring.wiring(9, 3, output=2, input=4)
    assert w.size == 7 and w.counts.tolist() == [1, 2, 3, 3, 3, 3, 3, 2, 1]


# --- cell 38 ---------------------------------------------------------------------------------------------------


def test_the_notebook_has_5_exercises_in_its_progress_table():
    names = [row[0] for row in progress(ex).rows]
    assert names == ["conv.corr1d", "conv.weight_gradient", "conv.input_gradient", "conv.flip_kernel",
                     "conv.strided_equivariance"]
