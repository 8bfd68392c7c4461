"""lecturekit.hyper: replicated variables, shared weights over windows, hypernetworks, and the
parameter count of Ha, Dai & Le's static hypernetwork. Float64 autograd and closed forms as references."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lecturekit import hyper, motifs, sharing, train
from lecturekit.exercises import shared_weights as ex

finite = st.floats(-3, 3, allow_nan=False)


# --- 1. replicated variable ------------------------------------------------------------------


def test_copy_gradient_is_the_sum_of_the_branches_and_matches_the_lecture_formula():
    # C = y1^2 + sin(3 y2) + y1 y3 with y1 = y2 = y3 = x: by hand, dC/dy = (2 y1 + y3, 3 cos(3 y2), y1)
    x = 0.7
    g = sharing.copy_gradients(x)
    expected_dy = np.array([2 * x + x, 3 * math.cos(3 * x), x])
    np.testing.assert_allclose(g.dC_dy, expected_dy, rtol=1e-14)
    np.testing.assert_allclose(g.dC_dx, expected_dy.sum(), rtol=1e-14)
    assert g.dC_dx.dtype == np.float64


@given(st.lists(finite, min_size=1, max_size=5))
@settings(max_examples=30, deadline=None)
def test_copy_gradient_sum_holds_for_any_x(xs):
    g = sharing.copy_gradients(np.array(xs))
    assert g.dC_dy.shape == (3, len(xs))
    np.testing.assert_allclose(g.dC_dy.sum(0), g.dC_dx, rtol=1e-12, atol=1e-12)


def test_copy_gradient_against_finite_differences():
    x, h = 0.4, 1e-6
    g = sharing.copy_gradients(x)
    c = lambda v: sharing.copy_gradients(v).cost  # noqa: E731
    assert g.dC_dx == pytest.approx((c(x + h) - c(x - h)) / (2 * h), rel=1e-8)


def test_copy_gradients_with_any_number_of_copies_and_any_cost():
    g = sharing.copy_gradients(1.5, copies=5, cost=lambda y: (torch.arange(1, 6) * y ** 2).sum())
    np.testing.assert_allclose(g.dC_dy, 2 * 1.5 * np.arange(1, 6))
    assert g.dC_dx == pytest.approx(2 * 1.5 * 15)


def test_lecture_cost_needs_three_copies():
    with pytest.raises(ValueError, match="3 copies"):
        sharing.copy_gradients(1.0, copies=2)


def test_a_sum_forward_copies_the_gradient_backward():
    g = sharing.sum_gradients([0.2, -0.5, 1.1])
    y = 0.2 - 0.5 + 1.1
    assert g.dC_dy == pytest.approx(math.cos(y) + y, rel=1e-14)  # C = sin(y) + y^2 / 2
    np.testing.assert_allclose(g.dC_dxs, [g.dC_dy] * 3, rtol=1e-15)


def test_sum_gradients_rejects_a_bare_number():
    with pytest.raises(ValueError, match="at least one term"):
        sharing.sum_gradients(1.0)


# --- 2. shared weights over windows ----------------------------------------------------------


def test_windows_are_every_slice_of_the_signal():
    x = torch.arange(12.0).reshape(2, 6)
    w = sharing.windows(x, 4)
    assert w.shape == (2, 3, 4)
    for p in range(3):
        assert torch.equal(w[:, p], x[:, p:p + 4])
    with pytest.raises(ValueError, match="between 1 and"):
        sharing.windows(x, 7)
    with pytest.raises(ValueError, match=r"\(N, L\)"):
        sharing.windows(x[0], 2)


def test_motif_signals_put_the_motif_where_the_targets_say():
    signals, targets = motifs.motif_signals(20, 50, rng=np.random.default_rng(3), noise=0.0)
    K = len(motifs.LECTURE_MOTIF)
    assert signals.shape == (20, 50) and targets.shape == (20, 50 - K + 1)
    assert targets.sum() > 0
    for s, p in zip(*np.nonzero(targets)):
        np.testing.assert_allclose(signals[s, p:p + K], motifs.LECTURE_MOTIF)
    # no motif overlaps another: without noise, the signal is zero outside the marked windows
    covered = np.zeros_like(signals, dtype=bool)
    for s, p in zip(*np.nonzero(targets)):
        assert not covered[s, p:p + K].any()
        covered[s, p:p + K] = True
    assert np.all(signals[~covered] == 0)


def test_motif_signals_are_seeded():
    a = motifs.motif_signals(5, 40, rng=np.random.default_rng(7))
    b = motifs.motif_signals(5, 40, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])


def test_detector_applies_the_same_network_to_every_window():
    det = sharing.MotifDetector(window=5, hidden=3, seed=1, dtype=torch.float64)
    x = torch.randn(2, 12, dtype=torch.float64)
    scores = det(x)
    assert scores.shape == (2, 8)
    for p in range(8):
        one = det.w_2 @ torch.tanh(det.W_1 @ x[0, p:p + 5] + det.b_1) + det.b_2
        assert scores[0, p].item() == pytest.approx(one.item(), rel=1e-12)


def test_shared_weight_gradient_is_the_sum_over_positions():
    signals, targets = motifs.motif_signals(6, 40, rng=np.random.default_rng(0))
    det = sharing.MotifDetector(seed=2)
    shared, per_position = sharing.motif_gradients(det, signals, targets)
    P = 40 - det.window + 1
    for name, grad in shared.items():
        assert per_position[name].shape == (P, *grad.shape)
        assert per_position[name].dtype == np.float64
        np.testing.assert_allclose(per_position[name].sum(0), grad, rtol=1e-10, atol=1e-14)
    # and the positions really differ: the sum is not P copies of one contribution
    assert np.ptp(per_position["W_1"], axis=0).max() > 1e-6


def test_shared_gradient_matches_the_detectors_own_autograd():
    signals, targets = motifs.motif_signals(4, 30, rng=np.random.default_rng(5))
    det = sharing.MotifDetector(seed=3, dtype=torch.float64)
    shared, _ = sharing.motif_gradients(det, signals, targets)
    loss = sharing.motif_loss(det(torch.as_tensor(signals)), torch.as_tensor(targets))
    loss.backward()
    for name in shared:
        np.testing.assert_allclose(getattr(det, name).grad.numpy(), shared[name], rtol=1e-12)


def test_template_gradient_exercise_is_the_shared_weight_sum_for_a_linear_detector():
    # s_p = w . x[p:p+K] is the detector with one linear unit: autograd on a shared w agrees
    rng = np.random.default_rng(4)
    x, g = rng.normal(size=12), rng.normal(size=9)
    w = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    s = sharing.windows(torch.as_tensor(x)[None], 4)[0] @ w  # (P,)
    (s * torch.as_tensor(g)).sum().backward()
    np.testing.assert_allclose(ex.template_gradient.reference(x, g), w.grad.numpy(), rtol=1e-12)


def test_training_finds_the_motif():
    signals, targets = motifs.motif_signals(64, 60, rng=np.random.default_rng(0))
    det = sharing.MotifDetector(seed=0)
    losses = sharing.train_motif_detector(det, signals, targets)
    assert losses[-1] < 0.2 * losses[0]
    test_x, test_t = motifs.motif_signals(100, 60, rng=np.random.default_rng(1))
    with torch.no_grad():
        found = det(torch.as_tensor(test_x, dtype=torch.float32)).numpy() > 0
    assert (found & (test_t > 0)).sum() / test_t.sum() > 0.9  # recall
    assert (found & (test_t > 0)).sum() / found.sum() > 0.9  # precision


def test_training_leaves_the_thread_setting_alone():
    before = torch.get_num_threads()
    hyper.train_hypernetwork(hyper.HyperModel(), steps=2)
    assert torch.get_num_threads() == before


# --- 3. hypernetworks -----------------------------------------------------------------------


def test_sine_family_shapes_ranges_and_seed():
    b = hyper.sine_family(8, 20, generator=torch.Generator().manual_seed(0))
    assert b.u.shape == (8, 2) and b.x.shape == (8, 20) and b.y.shape == (8, 20)
    assert b.u[:, 0].min() >= hyper.FREQUENCY_RANGE[0] and b.u[:, 0].max() <= hyper.FREQUENCY_RANGE[1]
    assert b.u[:, 1].min() >= hyper.PHASE_RANGE[0] and b.u[:, 1].max() <= hyper.PHASE_RANGE[1]
    assert b.x.min() >= -math.pi and b.x.max() <= math.pi
    torch.testing.assert_close(b.y, torch.sin(b.u[:, :1] * b.x + b.u[:, 1:]))
    again = hyper.sine_family(8, 20, generator=torch.Generator().manual_seed(0))
    assert torch.equal(b.u, again.u) and torch.equal(b.x, again.x)


def test_main_net_is_the_formula_with_the_given_weights():
    G = hyper.MainNet(hidden=3)
    assert G.n_weights == 10 and train.count_parameters(G) == 0  # G owns no weights
    w = torch.arange(10.0)[None] / 10  # w_1 = (0, .1, .2), b_1 = (.3, .4, .5), w_2 = (.6, .7, .8), b_2 = .9
    x = torch.tensor([[0.5, -1.0]])
    expected = torch.tanh(x[0, :, None] * torch.tensor([0, .1, .2]) + torch.tensor([.3, .4, .5])) @ torch.tensor(
        [.6, .7, .8]) + .9
    torch.testing.assert_close(G(x, w)[0], expected)
    with pytest.raises(ValueError, match="needs 10 weights"):
        G(x, torch.zeros(1, 9))


def test_hypernetwork_output_shapes_and_named_weights():
    model = hyper.HyperModel(main_hidden=8, hyper_hidden=16)
    u = torch.tensor([[1.0, 0.0], [2.0, 3.0], [0.5, 6.0]])
    assert model.hyper(u).shape == (3, 8 * 3 + 1)
    weights = model.generated_weights(u)
    assert {k: tuple(v.shape) for k, v in weights.items()} == {"w_1": (3, 8), "b_1": (3, 8), "w_2": (3, 8),
                                                               "b_2": (3,)}
    assert model(torch.zeros(3, 11), u).shape == (3, 11)
    # different u, different weights: the main network's weights are a function of u
    assert not torch.allclose(weights["w_1"][0], weights["w_1"][1])
    # only H is trained: every parameter belongs to the hypernetwork
    assert train.count_parameters(model) == train.count_parameters(model.hyper)


def test_hypernetwork_phase_is_periodic():
    model = hyper.HyperModel()
    u = torch.tensor([[1.3, 0.4], [1.3, 0.4 + 2 * math.pi]])
    w = model.hyper(u)
    torch.testing.assert_close(w[0], w[1], rtol=1e-5, atol=1e-5)


def test_model_construction_is_seeded_and_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    a, b = hyper.HyperModel(seed=4), hyper.HyperModel(seed=4)
    assert torch.rand(1) == expected
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)


def test_hypernetwork_training_smoke():
    model = hyper.HyperModel()
    losses = hyper.train_hypernetwork(model, steps=300)
    assert losses.shape == (300,) and np.isfinite(losses).all()
    assert losses[-20:].mean() < 0.25 * losses[:20].mean()
    view = hyper.hyper_view(model, 1.0, 0.5)
    assert view.mse < 0.05
    # what the notebook tells students to look for: a faster wave gets steeper input weights w_1
    slow, fast = (np.abs(hyper.hyper_view(model, f, 0.5).weights["w_1"]).mean() for f in (0.5, 2.0))
    assert fast > 2 * slow


def test_hyper_view_is_one_forward_pass_and_consistent():
    model = hyper.HyperModel()
    v = hyper.hyper_view(model, 1.2, 2.0, n_points=50)
    assert v.x.shape == v.target.shape == v.output.shape == (50,) and v.units.shape == (50, 16)
    # recomputed in float64 numpy from the weights H made and the slide's G(x, w) = w_2 . tanh(w_1 x + b_1) + b_2
    w = {name: np.asarray(value, dtype=float) for name, value in v.weights.items()}
    x = np.linspace(*hyper.X_RANGE, 50)
    np.testing.assert_allclose(v.x, x, atol=1e-6)
    units = w["w_2"] * np.tanh(np.outer(x, w["w_1"]) + w["b_1"])          # (N, H)
    np.testing.assert_allclose(v.units, units, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(v.output, units.sum(1) + w["b_2"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(v.target, np.sin(1.2 * x + 2.0), atol=1e-6)
    assert v.in_training_range and not hyper.hyper_view(model, 2.5, 0.0).in_training_range
    assert v.mse == pytest.approx(np.mean((units.sum(1) + w["b_2"] - np.sin(1.2 * x + 2.0)) ** 2), rel=1e-4)


# --- 4. Ha, Dai & Le's static hypernetwork ---------------------------------------------------


def test_paper_mnist_counts():
    # the paper's MNIST setting: 12,544 = 7 x 7 x 16 x 16 kernel numbers; the hypernetwork's weights
    # W_i, B_i, W_out, B_out number 4,240, and the one embedding z (N_z = 4) makes 4,244
    setting = hyper.PAPER_MNIST
    ordinary = hyper.ordinary_kernel_parameters(n_in=16, n_out=16, f_size=7, n_layers=1)
    assert ordinary == 12544
    assert hyper.static_hypernetwork_parameters(**setting) == 4244
    assert hyper.static_hypernetwork_parameters(**setting) - setting["n_z"] * setting["n_layers"] == 4240


@pytest.mark.parametrize("setting", [
    hyper.PAPER_MNIST,
    dict(hyper.PAPER_RESNET, n_layers=1),
    dict(hyper.PAPER_RESNET, n_layers=36),
    dict(n_z=3, d=5, n_in=2, n_out=4, f_size=3, n_layers=7),
])
def test_formula_counts_the_instantiated_torch_modules(setting):
    net = hyper.StaticHyperNetwork(**setting)
    assert train.count_parameters(net) == hyper.static_hypernetwork_parameters(**setting)
    plain = {k: v for k, v in setting.items() if k not in ("n_z", "d")}
    convs = hyper.ordinary_conv_stack(**plain)
    assert train.count_parameters(convs) == hyper.ordinary_kernel_parameters(**plain)


def test_generated_kernels_fit_the_ordinary_convolutions():
    setting = dict(n_z=4, d=4, n_in=3, n_out=5, f_size=3, n_layers=2)
    net = hyper.StaticHyperNetwork(**setting)
    convs = hyper.ordinary_conv_stack(n_in=3, n_out=5, f_size=3, n_layers=2)
    kernels = net()
    assert kernels.shape == (2, *convs[0].weight.shape)
    assert torch.equal(net.kernel(1), kernels[1])
    x = torch.randn(1, 3, 8, 8)
    y = torch.nn.functional.conv2d(x, kernels[0])
    assert y.shape == convs[0](x).shape
    # a gradient reaches the shared hypernetwork weights and every layer's own embedding
    (kernels ** 2).sum().backward()
    assert net.out.weight.grad.abs().sum() > 0 and (net.z.grad.abs().sum(1) > 0).all()


def test_kernel_slices_follow_the_paper():
    # K_i^j = W_out a_i^j + B_out with a_i^j = W_i z^j + B_i: the slice for input channel i
    net = hyper.StaticHyperNetwork(n_z=3, d=2, n_in=4, n_out=5, f_size=3, n_layers=2, seed=1)
    j, i = 1, 2
    W_i = net.first.weight.view(4, 2, 3)[i]  # (d, N_z)
    B_i = net.first.bias.view(4, 2)[i]
    a = W_i @ net.z[j] + B_i  # (d,)
    K_i = (net.out.weight @ a + net.out.bias).view(5, 3, 3)  # (N_out, f, f)
    torch.testing.assert_close(net()[j][:, i], K_i)


def test_hypernetwork_pays_off_only_with_many_layers():
    # the paper's ResNet blocks (16 x 16 channels, 3 x 3, N_z = d = 64): the shared hypernetwork costs
    # 75,920 parameters once, then 64 per block, against 2,304 per block stored directly
    block = dict(n_in=16, n_out=16, f_size=3)
    hyper_cost = lambda D: hyper.static_hypernetwork_parameters(**hyper.PAPER_RESNET, n_layers=D)  # noqa: E731
    plain_cost = lambda D: hyper.ordinary_kernel_parameters(**block, n_layers=D)  # noqa: E731
    assert hyper_cost(0) == 75920
    assert hyper_cost(33) > plain_cost(33) and hyper_cost(34) < plain_cost(34)
