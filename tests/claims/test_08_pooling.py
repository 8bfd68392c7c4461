"""Notebook 08's sentences that state a fact, one test each, named after the sentence (only those this stop wrote;
the rest of the notebook's truth pass is issue 16)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecturekit import invariance, motifs, pooling


def test_torch_lp_pool_raises_z_itself_to_the_power_p_another_number_or_nan_where_lecturekit_pools_abs_z():
    got = {tuple(z): F.lp_pool1d(torch.tensor([[z]], dtype=torch.float64), 3, kernel_size=2).item()
           for z in ([-1.0, 2.0], [-2.0, 1.0])}
    assert round(got[(-1.0, 2.0)], 3) == 1.913 and np.isnan(got[(-2.0, 1.0)])
    assert round(float(pooling.lp_pool(np.array([-1.0, 2.0]), 3)), 3) == 2.080


def test_1000_to_the_p_overflows_float64_for_p_above_about_102_75():
    with np.errstate(over="ignore"):
        assert np.isfinite(np.float64(1000.0) ** 102.7) and np.isinf(np.float64(1000.0) ** 102.8)


def test_the_plus_template_answers_a_bright_5x5_square_as_strongly_as_a_plus():
    square = motifs.motif_image(9, [(np.ones((5, 5)), 2, 2)])
    plus = motifs.motif_image(9, [(motifs.PLUS, 2, 2)])
    score = lambda img: invariance.detect(img, motifs.PLUS, threshold=0.0, window=1).score  # noqa: E731
    assert score(square) == score(plus) == pytest.approx(9.0)


def test_the_same_detector_without_pooling_changes_completely_at_the_first_shift():
    from lecturekit.widgets.pooling import SHIFT_THRESHOLD, default_scene
    e = invariance.shift_errors(default_scene()[None], motifs.PLUS, range(9), [4], threshold=SHIFT_THRESHOLD)
    np.testing.assert_allclose(e.unpooled_change[1:], np.sqrt(2), rtol=1e-9)   # the matches moved: nothing overlaps
    assert e.pooled_change[0, 1] == 0.0 and np.all(e.pooled_change[0] <= e.unpooled_change + 1e-12)
