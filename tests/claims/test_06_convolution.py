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
