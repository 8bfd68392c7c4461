"""Notebook 01's sentences that state a fact, one test each, named after the sentence, recomputed with lecturekit
(autograd, direct counts). Trained models are trained as the notebook trains them, over several seeds."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lecturekit import hyper, motifs, sharing, train


def test_dC_dx_is_1_2855_the_sum_of_2_1_minus_1_5145_and_0_7():
    g = sharing.copy_gradients(0.7)
    assert np.round(g.dC_dy, 4).tolist() == [2.1, -1.5145, 0.7] and round(float(g.dC_dx), 4) == 1.2855


def test_a_sum_forward_hands_every_term_the_same_gradient():
    s = sharing.sum_gradients([0.2, -0.5, 1.1])
    np.testing.assert_allclose(s.dC_dxs, float(s.dC_dy), rtol=1e-15)


def _detectors(seed):
    rng = np.random.default_rng(seed)
    signals, targets = motifs.motif_signals(64, 60, rng=rng)
    test_signals, test_targets = motifs.motif_signals(200, 60, rng=rng)
    found = {}
    for name, det in (("shared", sharing.MotifDetector(window=9, hidden=4, seed=0)),
                      ("local", sharing.LocalDetector(window=9, hidden=4, positions=52, seed=0))):
        sharing.train_motif_detector(det, signals, targets)
        with torch.no_grad():
            found[name] = (torch.sigmoid(det(torch.as_tensor(test_signals, dtype=torch.float32))).numpy() > 0.5, det)
    return targets.sum(0) > 0, test_targets > 0, found


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_without_sharing_52_times_the_parameters_and_no_motif_found_where_training_had_none(seed):
    seen, motif_at, found = _detectors(seed)
    assert (~seen).sum() > 0 and motif_at[:, ~seen].sum() > 20
    for name, (hits, det) in found.items():
        share_seen = (hits & motif_at)[:, seen].sum() / motif_at[:, seen].sum()
        share_unseen = (hits & motif_at)[:, ~seen].sum() / motif_at[:, ~seen].sum()
        assert share_seen > 0.95
        if name == "shared":
            assert train.count_parameters(det) == 45 and share_unseen > 0.95
            assert (hits & motif_at).sum() / hits.sum() > 0.9             # "more than 90% of the detections right"
        else:
            assert train.count_parameters(det) == 52 * 45 == 2340 and share_unseen == 0
            assert (hits & motif_at).sum() / hits.sum() < 0.8             # "more false alarms"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_with_one_tanh_unit_H_of_u_stays_above_0_2_and_H_of_x_u_gets_below_0_05(seed):
    errors = {}
    for sees_input in (False, True):
        model = hyper.HyperModel(main_hidden=1, hyper_hidden=32, sees_input=sees_input, seed=seed)
        errors[sees_input] = hyper.train_hypernetwork(model, steps=1600, seed=seed)[-50:].mean()
        if sees_input:
            x, _, _, w = hyper.weights_along_x(model, 1.9, 4.0)
            assert np.ptp(w["b_1"]) > 0.5                                 # the weights move with x
    assert errors[False] > 0.2 and errors[True] < 0.05


@pytest.fixture(scope="module")
def sine_model():
    model = hyper.HyperModel(main_hidden=16, hyper_hidden=32, seed=0)
    hyper.train_hypernetwork(model, steps=800, seed=0)
    return model


def _error(model, frequency):
    return np.mean([hyper.hyper_view(model, frequency, p).mse for p in np.linspace(0, 2 * np.pi, 24, endpoint=False)])


def test_at_the_edge_omega_2_the_error_is_more_than_ten_times_the_interiors(sine_model):
    interior = max(_error(sine_model, f) for f in (0.75, 1.0, 1.25, 1.5))
    edge = _error(sine_model, 2.0)
    assert edge > 10 * interior and round(edge, 2) == 0.02 and round(_error(sine_model, 1.0), 3) == 0.001
    assert _error(sine_model, 2.5) > 0.1 and _error(sine_model, 3.0) > 0.3       # "it does not extrapolate"


def test_the_input_weights_grow_roughly_in_proportion_to_the_frequency(sine_model):
    ratios = [np.abs(hyper.hyper_view(sine_model, f, 1.0).weights["w_1"]).mean() / f for f in (0.5, 1.0, 1.5, 2.0)]
    assert max(ratios) / min(ratios) < 1.6


def test_every_generated_weight_stays_inside_the_explorers_colour_scale_of_4_5(sine_model):
    largest = max(float(np.abs(v).max()) for f in np.arange(0.1, 3.01, 0.1) for p in np.linspace(0, 2 * np.pi, 12)
                  for v in hyper.hyper_view(sine_model, f, p).weights.values())
    assert 3.0 < largest < 4.5


def test_the_parameter_counts_of_ha_dai_and_le():
    assert hyper.static_hypernetwork_parameters(**hyper.PAPER_MNIST) == 4244
    assert hyper.ordinary_kernel_parameters(n_in=16, n_out=16, f_size=7, n_layers=1) == 12544
    assert hyper.static_hypernetwork_parameters(**hyper.PAPER_RESNET, n_layers=0) == 75920
    ratio = hyper.static_hypernetwork_parameters(**hyper.PAPER_RESNET, n_layers=500) / \
        hyper.ordinary_kernel_parameters(n_in=16, n_out=16, f_size=3, n_layers=500)
    assert round(ratio, 2) == 0.09                                                  # "about 9%"
