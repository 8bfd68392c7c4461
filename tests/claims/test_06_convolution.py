"""Notebook 06's sentences that state a fact, one test each, named after the sentence (only those this stop wrote;
the rest of the notebook's truth pass is issue 16)."""

from __future__ import annotations

import numpy as np

from lecturekit import conv, invariance, motifs


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


def test_with_stride_2_and_a_shift_of_1_no_output_reads_a_shifted_in_zero():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=64), rng.normal(size=5)
    inside, border = invariance.equivariance_gap(x, w, 1, stride=2)
    assert np.isnan(border) and inside > 1
    inside, border = invariance.equivariance_gap(x, w, 0, stride=1)
    assert np.isnan(border) and inside == 0.0
    assert invariance.equivariance_gap(x, w, 3, stride=2)[1] > 0


def test_the_lectures_convolution_is_the_flipped_cross_correlation_shifted_by_K_minus_1():
    rng = np.random.default_rng(1)
    for K in (1, 2, 3, 5):
        x, w = rng.normal(size=12), rng.normal(size=K)
        full = np.convolve(x, w, mode="full")                 # y_i = sum_j w_j x_(i-j), i = 0 .. L + K - 2
        flipped = conv.corr1d(x, w[::-1])
        np.testing.assert_allclose(full[K - 1:len(x)], flipped, atol=1e-12)     # y_i = corr(x, w reversed)_(i-K+1)
        np.testing.assert_allclose(conv.conv1d(x, w), flipped, atol=1e-12)


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
