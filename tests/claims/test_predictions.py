"""The answers of the predict-first exercises, recomputed with lecturekit (one test per prediction).

Each prediction's reference answer is a fact a notebook reveals right after it; these tests make
sure the fact holds as the question states it (and the near cases its wrong options describe).
"""

from __future__ import annotations

import numpy as np
import pytest

from lecturekit import conv, gates, hyper, invariance, motifs, pooling, recurrence, tricks, wiring
from lecturekit.exercises import conv as ex06, gru_lstm as ex04, pooling as ex08, rnn_gradients as ex02
from lecturekit.exercises import rnn_tricks as ex03, shared_weights as ex01, stride_dilation as ex07
from lecturekit.widgets.rnn import EXPLORER_SLIDERS


def test_01_the_static_hypernetwork_is_smaller_from_34_resnet_blocks_on():
    block = dict(n_in=16, n_out=16, f_size=3)
    smaller = [D for D in range(1, 200) if hyper.static_hypernetwork_parameters(**hyper.PAPER_RESNET, n_layers=D)
               < hyper.ordinary_kernel_parameters(**block, n_layers=D)]
    assert smaller[0] == ex01.break_even_depth.reference == 34 and smaller == list(range(34, 200))
    # the numbers the question and the message quote
    assert hyper.static_hypernetwork_parameters(**hyper.PAPER_RESNET, n_layers=0) == 75_920
    assert hyper.static_hypernetwork_parameters(**hyper.PAPER_RESNET, n_layers=33) == 78_032
    assert hyper.ordinary_kernel_parameters(**block, n_layers=33) == 76_032


def test_02_at_modulus_0_95_the_gradient_propagates_over_80_steps_and_vanishes_over_100():
    angle, steps = EXPLORER_SLIDERS["angle"].value, EXPLORER_SLIDERS["steps"].value
    assert (EXPLORER_SLIDERS["scale"].value, angle, steps) == (0.95, 30.0, 100)   # the explorer's start
    assert 80 in EXPLORER_SLIDERS["steps"].values()                               # the T slider reaches 80
    result = recurrence.explore(0.95, angle, 80)
    assert result.regime == "propagating" and ex02.default_verdict.reference == "propagate"
    assert 10 ** result.log10_gradient_norms[0] == pytest.approx(0.95 ** 80) and 60 < 0.95 ** -80 < 62
    assert recurrence.explore(0.95, angle, 100).regime == "vanishing" and 0.95 ** 100 < 0.0060


def test_03_a_leaky_step_moves_an_eigenvalue_of_1_5_to_1_05_still_outside():
    view = tricks.explore_leaky(0.1, 1.5, 0.0, 50, "linear")
    assert np.allclose(np.abs(view.effective), 1.05) and ex03.leaky_eigenvalue.reference == "outside"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_04_the_two_gru_conventions_differ_most_at_b_r_0(seed):
    gaps = {b: gates.gru_variant_gap(b, seed=seed) for b in (-12.0, 0.0, 12.0)}
    assert max(gaps, key=gaps.get) == 0.0 and ex04.where_conventions_differ.reference == "b_r = 0"
    assert gaps[0.0] > 100 * max(gaps[-12.0], gaps[12.0])


def test_06_a_shift_by_3_under_stride_2_matches_no_output_shift():
    rng = np.random.default_rng(3)
    for _ in range(5):
        x, w = rng.normal(size=64), rng.normal(size=5)
        inside_3, _ = invariance.equivariance_gap(x, w, 3, stride=2)
        assert inside_3 > 0.1
        shifted = conv.corr1d(motifs.shift(x, 3), w, stride=2)
        y = conv.corr1d(x, w, stride=2)
        for u in range(-3, 4):            # no whole number of outputs, either way, matches away from the borders
            assert np.abs(shifted[5:20] - motifs.shift(y, u)[5:20]).max() > 0.1
        for t in (2, 4):  # the solution's "with t = 2 or 4 it would match"
            assert invariance.equivariance_gap(x, w, t, stride=2)[0] < 1e-12
    assert ex06.strided_equivariance.reference == "no"


def test_07_stride_2_and_dilations_1_2_4_8_see_the_same_31_samples():
    strided = wiring.receptive_field([(3, 2, 1)] * 4)
    dilated = wiring.receptive_field([(3, 1, d) for d in (1, 2, 4, 8)])
    assert strided == dilated == 31 and ex07.stride_or_dilation.reference == "the same"


def test_08_log_sum_exp_sends_its_gradient_equally_as_beta_goes_to_0():
    z = np.array([0.3, 1.1, 2.0, 0.6, -1.5])
    np.testing.assert_allclose(pooling.lse_pool_grad(z, 1e-6), np.full(5, 0.2), atol=1e-6)
    assert pooling.lse_pool_grad(z, 1e-6).sum() == pytest.approx(1.0)
    assert ex08.lse_gradient_small_beta.reference == "equally to every input"



def test_07_a_wavenet_block_is_the_fewest_dilations_for_1024_samples_1_to_512():
    assert ex07._fewest_dilations(1024) == [2 ** k for k in range(10)]
    assert wiring.receptive_field([(2, 1, d) for d in ex07._fewest_dilations(1024)]) == 1024
