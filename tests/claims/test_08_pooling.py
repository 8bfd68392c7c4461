"""Notebook 08's sentences that state a fact, one test each, named after the sentence, in the notebook's order,
recomputed with lecturekit and, where one exists, an independent reference (torch, numpy, a closed form)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.colors import to_rgb

from lecturekit import conv, invariance, motifs, pooling
from lecturekit.exercises import pooling as ex
from lecturekit.plots import pooling as plots
from lecturekit.widgets import new_figure
from lecturekit.widgets.pooling import (
    EXPONENT_SLIDERS,
    SHIFT_THRESHOLD,
    default_scene,
    exponent_explorer,
    shift_explorer,
)


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
    score = lambda img: invariance.detect(img, motifs.PLUS, threshold=0.0, window=1).score
    assert score(square) == score(plus) == pytest.approx(9.0)


def test_the_same_detector_without_pooling_changes_completely_at_the_first_shift():
    from lecturekit.widgets.pooling import SHIFT_THRESHOLD, default_scene
    e = invariance.shift_errors(default_scene()[None], motifs.PLUS, range(9), [4], threshold=SHIFT_THRESHOLD)
    np.testing.assert_allclose(e.unpooled_change[1:], np.sqrt(2), rtol=1e-9)   # the matches moved: nothing overlaps
    assert e.pooled_change[0, 1] == 0.0 and np.all(e.pooled_change[0] <= e.unpooled_change + 1e-12)


# --- the rest of the notebook's sentences, in the notebook's order ----------------------------------------

Z = pooling.EXAMPLE_ACTIVATIONS
SCENE_MOTIFS = [(motifs.PLUS, 4, 5), (motifs.PLUS, 20, 22), (motifs.DIAGONAL_CROSS, 5, 20), (motifs.DIAGONAL_CROSS, 21, 6)]
WINDOWS = [2, 4, 8, 16]
THRESHOLD = 6.0                                   # section 5's detector (cell 38)


def _t(x):
    return torch.tensor(np.asarray(x, dtype=np.float64))


@lru_cache(maxsize=1)
def _notebook_draws():
    """What the notebook draws from its one generator, in its order: cell 6, cell 30, cell 38."""
    rng = np.random.default_rng(8)
    shuffled = rng.permutation(Z)
    images = motifs.random_motif_images(64, 36, motifs.PLUS, margin=12, rng=rng)
    scene = motifs.motif_image(32, SCENE_MOTIFS, noise=0.15, rng=rng)
    return shuffled, images, scene


@lru_cache(maxsize=2)
def _measured(pool):
    return invariance.shift_errors(_notebook_draws()[1], motifs.PLUS, range(9), WINDOWS, pool=pool)


def _torch_corr(images):  # (B, H, W) -> (B, H - 4, W - 4), the plus as template, torch's conv2d
    return F.conv2d(_t(images)[:, None], _t(motifs.PLUS)[None, None])[:, 0].numpy()


def _rel(a, b):  # ||a - b|| / ||b|| per image, averaged
    return float(np.mean(np.linalg.norm((a - b).reshape(len(a), -1), axis=1) / np.linalg.norm(b.reshape(len(b), -1),
                                                                                              axis=1)))


# --- 1. pooling is aggregation ---------------------------------------------------------------------------------


def test_on_signed_inputs_lecturekit_pools_the_magnitudes_as_the_norm_does():
    rng = np.random.default_rng(0)
    for p in (1.0, 2.0, 2.5, 3.0, 7.0):
        z = rng.normal(size=9)
        assert (z < 0).any()
        assert float(pooling.lp_pool(z, p)) == pytest.approx(np.linalg.norm(z, ord=p), rel=1e-13)
        windows = pooling.lp_pool(z, p, kernel=3)
        np.testing.assert_allclose(windows, [np.linalg.norm(z[i:i + 3], ord=p) for i in (0, 3, 6)], rtol=1e-13)


def test_with_an_odd_p_and_a_negative_input_torch_gives_another_number_or_nan():
    rng = np.random.default_rng(1)
    w = rng.normal(size=(200, 2))                                      # 200 windows of 2, signed
    x = w.reshape(1, 1, 400)
    for p in (1, 3, 5):
        torch_lp = F.lp_pool1d(_t(x), p, kernel_size=2).numpy().ravel()
        ours = pooling.lp_pool(x[0, 0], p, kernel=2)
        signed = (w ** p).sum(axis=1)                                  # torch raises z_n itself to the power p
        clear = np.abs(signed - (np.abs(w) ** p).sum(axis=1)) > 1e-3 * (np.abs(w) ** p).sum(axis=1)   # not a tiny z_n < 0
        assert clear.sum() > 50 and not clear[(w >= 0).all(axis=1)].any()
        with np.errstate(invalid="ignore"):
            np.testing.assert_allclose(torch_lp, np.sign(signed) * np.abs(signed) ** (1 / p) if p == 1
                                       else signed ** (1 / p), rtol=1e-10)
        np.testing.assert_allclose(ours[(w >= 0).all(axis=1)], torch_lp[(w >= 0).all(axis=1)], rtol=1e-10)
        assert not np.any(np.isclose(torch_lp[clear], ours[clear], rtol=1e-6)), p   # another number, or NaN
        assert np.isnan(torch_lp).any() == (p > 1), p                  # NaN where sum z^p < 0, for p = 3, 5; not p = 1
    for p in (2, 4):                                                   # an even p: z^p = |z|^p, they agree
        np.testing.assert_allclose(F.lp_pool1d(_t(x), p, kernel_size=2).numpy().ravel(),
                                   pooling.lp_pool(x[0, 0], p, kernel=2), rtol=1e-10)


def test_the_eight_activations_after_a_relu_give_sum_8_1_average_1_0125_max_2_l2_3_366_and_lse_3_2831():
    assert Z.shape == (8,) and np.all(Z >= 0)
    zt = _t(Z)
    printed = {"sum": 8.1, "average": 1.0125, "max": 2.0, "L_2": 3.3660, "lse": 3.2831}
    torch_side = {"sum": zt.sum(), "average": zt.mean(), "max": zt.max(), "L_2": torch.linalg.vector_norm(zt, 2),
                  "lse": torch.logsumexp(zt, 0)}
    ours = {"sum": Z.sum(), "average": pooling.avg_pool(Z), "max": pooling.max_pool(Z), "L_2": pooling.lp_pool(Z, 2),
            "lse": pooling.lse_pool(Z, 1.0)}
    for name, value in printed.items():
        assert round(float(torch_side[name]), 4) == value and round(float(ours[name]), 4) == value, name


def test_none_of_them_cares_about_the_order_the_same_after_any_shuffle():
    shuffled = _notebook_draws()[0]
    np.testing.assert_array_equal(shuffled, [0.6, 1.4, 0.3, 0.1, 0.9, 1.1, 2.0, 1.7])   # the printed shuffle
    pools = [np.sum, pooling.max_pool, pooling.avg_pool, lambda v: pooling.lp_pool(v, 2),
             lambda v: pooling.lse_pool(v, 1.0), lambda v: pooling.lp_pool(v, 7.5), lambda v: pooling.lse_pool(v, 30.0)]
    rng = np.random.default_rng(1)
    as_printed = np.array([int(np.flatnonzero(Z == v)[0]) for v in shuffled])
    np.testing.assert_array_equal(Z[as_printed], shuffled)
    for perm in [as_printed] + [rng.permutation(8) for _ in range(300)]:
        for pool in pools:                  # equal up to rounding: a float sum in another order may differ in its last bit
            assert float(pool(Z[perm])) == pytest.approx(float(pool(Z)), rel=1e-14, abs=0)
    # "within its window": shuffling inside each window of 4 changes no pooled value, shuffling across windows does
    x = rng.uniform(size=16)
    inside = np.concatenate([rng.permutation(x[i:i + 4]) for i in range(0, 16, 4)])
    for pool in (pooling.max_pool, pooling.avg_pool, lambda v, kernel: pooling.lp_pool(v, 3, kernel)):
        np.testing.assert_allclose(pool(inside, kernel=4), pool(x, kernel=4), rtol=1e-14)
        assert not np.allclose(pool(x[::-1].copy(), kernel=4)[0], pool(x, kernel=4)[0])


# --- pooling over windows --------------------------------------------------------------------------------------


def test_kernel_2x2_takes_2x2_windows_the_stride_defaults_to_the_window_and_the_map_shrinks_by_a_factor_of_2():
    rng = np.random.default_rng(2)
    for h, w in [(4, 4), (6, 8), (10, 2), (5, 7)]:
        x = rng.normal(size=(h, w))
        out = pooling.max_pool(x, kernel=(2, 2))
        assert out.shape == (h // 2, w // 2)                     # halved (by a factor 2, not 2 fewer), rounded down
        np.testing.assert_array_equal(out, F.max_pool2d(_t(x)[None], 2).numpy()[0])
        np.testing.assert_array_equal(out, pooling.max_pool(x, kernel=(2, 2), stride=(2, 2)))
    # no overlap: every pixel of a 6x8 image lies in exactly one window (a lone 1 shows up in exactly one cell)
    for i in range(6):
        for j in range(8):
            assert pooling.max_pool(np.eye(48)[8 * i + j].reshape(6, 8), kernel=(2, 2)).sum() == 1.0


def test_with_kernel_none_the_whole_last_axis_is_one_window_and_an_int_kernel_slides_along_the_last_axis_only():
    x = np.random.default_rng(3).normal(size=(3, 4, 10))
    np.testing.assert_array_equal(pooling.max_pool(x), x.max(axis=-1))
    np.testing.assert_allclose(pooling.lp_pool(x, 3), np.linalg.norm(x, ord=3, axis=-1), rtol=1e-13)
    out = pooling.avg_pool(x, kernel=3, stride=2)
    assert out.shape == (3, 4, 4)                                # the first two axes untouched
    np.testing.assert_allclose(out, F.avg_pool1d(_t(x), 3, 2).numpy(), rtol=1e-14)


def test_windows_never_hang_over_the_edge_a_length_l_gives_floor_l_minus_k_over_s_plus_1_outputs_as_in_torch():
    for length in range(1, 14):
        for k in range(1, length + 1):
            for s in range(1, 6):
                expected = (length - k) // s + 1
                x = np.arange(float(length))
                got = pooling.max_pool(x, kernel=k, stride=s)
                assert got.shape == (expected,) == tuple(F.max_pool1d(_t(x)[None], k, s).shape[1:])
                assert got[-1] == (expected - 1) * s + k - 1    # the last window ends inside: x[-1] only if it fits


def test_the_4x4_ramp_pools_to_the_printed_maps():
    x = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(pooling.max_pool(x, kernel=(2, 2)), [[5, 7], [13, 15]])
    np.testing.assert_array_equal(pooling.avg_pool(x, kernel=(2, 2)), [[2.5, 4.5], [10.5, 12.5]])
    overlapping = pooling.max_pool(x, kernel=(2, 2), stride=1)
    np.testing.assert_array_equal(overlapping, [[5, 6, 7], [9, 10, 11], [13, 14, 15]])
    np.testing.assert_array_equal(overlapping, F.max_pool2d(_t(x)[None], 2, 1).numpy()[0])
    np.testing.assert_array_equal(pooling.avg_pool(x, kernel=(2, 2)), F.avg_pool2d(_t(x)[None], 2).numpy()[0])


def test_2x2_max_pooling_with_stride_2_is_one_reshape_and_one_max():
    def one_reshape_one_max(x):
        return x.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).max(axis=(1, 3))

    rng = np.random.default_rng(4)
    for shape in [(2, 2), (6, 8), (4, 10), (12, 2)]:
        x = rng.normal(size=shape)
        np.testing.assert_array_equal(one_reshape_one_max(x), F.max_pool2d(_t(x)[None], 2).numpy()[0])
    assert ex.max_pool_2x2.check(one_reshape_one_max)


# --- 2. the exponent -------------------------------------------------------------------------------------------


def test_lp_goes_from_the_sum_8_1_and_the_average_1_0125_at_p_1_to_the_max_2_as_printed():
    printed = {1: (8.1000, 1.0125), 2: (3.3660, 1.1901), 4: (2.3491, 1.3968), 16: (2.0094, 1.7645),
               64: (2.0000, 1.9361), 256: (2.0000, 1.9838)}
    m, n = Z.max(), len(Z)
    for p, (lp, normalised) in printed.items():
        reference = math.fsum(v ** p for v in Z) ** (1 / p)               # plain Python floats, no factoring out
        assert round(reference, 4) == lp == round(float(pooling.lp_pool(Z, p)), 4)
        assert round((reference ** p / n) ** (1 / p), 4) == normalised == round(float(pooling.lp_pool(Z, p, mean=True)), 4)
        assert m <= reference <= m * n ** (1 / p) + 1e-12                 # the sandwich of the markdown
    assert printed[1] == (round(Z.sum(), 4), round(Z.mean(), 4))


def test_log_sum_exp_tends_to_the_max_within_log_n_over_beta_and_grows_like_log_n_over_beta_as_printed():
    printed = {0.001: (2080.4542, 2080.4540, 1.0127), 0.01: (208.9586, 208.9567, 1.0145),
               0.1: (21.8265, 21.8069, 1.0321), 1: (3.2831, 3.0919, 1.2037), 10: (2.0051, 1.2204, 1.7972),
               100: (2.0000, 1.0333, 1.9792)}
    n = len(Z)
    for beta, (lse, asymptote, normalised) in printed.items():
        torch_lse = torch.logsumexp(beta * _t(Z), 0).item() / beta
        assert round(torch_lse, 4) == lse == round(float(pooling.lse_pool(Z, beta)), 4)
        assert round(math.log(n) / beta + Z.mean(), 4) == asymptote
        assert round(torch_lse - math.log(n) / beta, 4) == normalised == round(float(pooling.lse_pool(Z, beta, mean=True)), 4)
        assert Z.max() <= torch_lse <= Z.max() + math.log(n) / beta + 1e-12
    gaps = [float(pooling.lse_pool(Z, b)) - math.log(n) / b - Z.mean() for b in (0.1, 0.01, 0.001)]
    assert gaps[0] > gaps[1] > gaps[2] > 0 and gaps[2] < 1e-3                # lse - log(N)/beta -> the average


# --- computing it without overflow -----------------------------------------------------------------------------


def test_e_to_the_beta_z_overflows_float64_as_soon_as_beta_z_exceeds_709_8_the_largest_float64_being_1_8e308():
    assert round(math.log(np.finfo(np.float64).max), 1) == 709.8 and round(np.finfo(np.float64).max / 1e308, 1) == 1.8
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(709.78)) and np.isinf(np.exp(709.8))
        assert np.isinf(np.exp(1e4 * np.array([1000.0, 999.5, 998.0]))).all()   # beta = 1e4, activations near 1000
    assert round(math.log10(np.finfo(np.float64).max), 2) == 308.25                # 1000^p = 10^(3p)


def test_factoring_the_largest_term_out_gives_the_same_value():
    rng = np.random.default_rng(5)
    for beta, p in [(0.5, 2.0), (3.0, 5.0), (20.0, 40.0)]:
        z = rng.uniform(0.1, 3.0, size=7)
        m = z.max()
        naive_lse = math.log(math.fsum(math.exp(beta * v) for v in z)) / beta
        assert m + math.log(math.fsum(math.exp(beta * (v - m)) for v in z)) / beta == pytest.approx(naive_lse, rel=1e-14)
        naive_lp = math.fsum(v ** p for v in z) ** (1 / p)
        assert m * math.fsum((v / m) ** p for v in z) ** (1 / p) == pytest.approx(naive_lp, rel=1e-13)
        assert float(pooling.lse_pool(z, beta)) == pytest.approx(naive_lse, rel=1e-13)
        assert float(pooling.lp_pool(z, p)) == pytest.approx(naive_lp, rel=1e-13)


def test_every_exponential_is_then_at_most_1_the_largest_exactly_1_so_the_sum_cannot_underflow_to_0():
    z = np.array([-1000.0, -1000.5, -1003.0])                       # exp(z) underflows to 0 in float64
    assert np.all(np.exp(z) == 0.0)
    with np.errstate(divide="ignore"):
        assert np.log(np.exp(z).sum()) == -np.inf                        # the naive formula: log 0
    terms = np.exp(1.0 * (z - z.max()))
    assert terms.max() == 1.0 and np.all(terms <= 1.0) and terms.sum() >= 1.0
    assert float(pooling.lse_pool(z, 1.0)) == pytest.approx(torch.logsumexp(_t(z), 0).item(), rel=1e-15)
    tiny = np.array([1e-200, 3e-200, 2e-200])                      # and for L_p: (1e-200)^50 underflows
    assert (tiny ** 50).sum() == 0.0
    assert float(pooling.lp_pool(tiny, 50)) == pytest.approx(3e-200 * (1 + (1 / 3) ** 50 + (2 / 3) ** 50) ** 0.02,
                                                             rel=1e-12)


def test_the_naive_formulas_give_inf_where_the_stable_ones_give_1000_000000_and_1006_564450():
    big = np.array([1000.0, 999.5, 998.0])
    with np.errstate(over="ignore"):
        assert np.log(np.exp(1e4 * big).sum()) / 1e4 == np.inf and (big ** 150).sum() ** (1 / 150) == np.inf
    lse = float(pooling.lse_pool(big, 1e4))
    assert f"{lse:.6f}" == f"{torch.logsumexp(1e4 * _t(big), 0).item() / 1e4:.6f}" == "1000.000000"
    in_logs = math.exp(math.log(math.fsum(math.exp(150 * math.log(v / 1000)) for v in big)) / 150) * 1000
    assert f"{float(pooling.lp_pool(big, 150)):.6f}" == f"{in_logs:.6f}" == "1006.564450"


def test_the_lse_check_includes_beta_1e4_with_z_near_1000():
    if np.finfo(np.longdouble).max <= np.finfo(np.float64).max:
        pytest.skip("needs a long double wider than float64")

    def naive_in_long_double(z, beta):            # right for every case up to exp(11356); only beta z = 1e7 overflows
        with np.errstate(over="ignore"):
            zl = np.asarray(z, dtype=np.longdouble)
            return float(np.log(np.exp(beta * zl).sum()) / beta)

    assert naive_in_long_double(np.array([1000.0, 999.0, 998.0]), 1.0) == pytest.approx(
        float(pooling.lse_pool([1000.0, 999.0, 998.0], 1.0)), rel=1e-12)
    verdict = ex.lse_pool.check(naive_in_long_double)
    assert not verdict and "beta=10000" in verdict.message and "near 1000" in verdict.message


# --- 3. where the gradient goes --------------------------------------------------------------------------------


def test_the_max_pooling_gradient_is_1_for_the_largest_and_0_for_the_others_and_the_averages_is_1_over_n():
    zt = _t(Z).requires_grad_()
    zt.max().backward()
    np.testing.assert_array_equal(zt.grad.numpy(), np.eye(8)[np.argmax(Z)])
    np.testing.assert_array_equal(pooling.lse_pool_grad(Z, math.inf), zt.grad.numpy())
    np.testing.assert_array_equal(pooling.lp_pool_grad(Z, math.inf), zt.grad.numpy())
    zt = _t(Z).requires_grad_()
    zt.mean().backward()
    np.testing.assert_allclose(zt.grad.numpy(), np.full(8, 1 / 8), rtol=1e-15)
    np.testing.assert_allclose(pooling.lp_pool_grad(Z, 1.0, mean=True), zt.grad.numpy(), rtol=1e-15)


def test_at_p_1_every_input_gets_sign_z_1_for_a_positive_one_minus_1_for_a_negative_one_0_for_a_zero():
    np.testing.assert_array_equal(pooling.lp_pool_grad(Z, 1.0), np.ones(8))    # the notebook's inputs, all > 0
    # only for positive inputs: y = sum |z_n| gives a negative input -1 (and torch agrees), not the sum's 1
    assert pooling.lp_pool_grad(np.array([0.0, 1.0, -2.0]), 1.0).tolist() == [0.0, 1.0, -1.0]
    z = np.array([0.5, -1.0, 2.0])
    zt = _t(z).requires_grad_()
    zt.abs().sum().backward()
    np.testing.assert_array_equal(pooling.lp_pool_grad(z, 1.0), zt.grad.numpy())
    np.testing.assert_array_equal(zt.grad.numpy(), [1.0, -1.0, 1.0])


@lru_cache(maxsize=1)
def _exponent_explorer():
    return exponent_explorer()


def test_the_explorer_moves_p_from_1_to_32_and_beta_from_0_1_to_20():
    controls = _exponent_explorer().controls
    assert (controls["p"].min, controls["p"].max) == (1.0, 32.0)
    assert (controls["beta"].min, controls["beta"].max) == (0.1, 20.0)


def test_left_the_lectures_form_blue_and_the_normalised_orange_with_sum_average_and_max_right_eight_bars():
    axes = _exponent_explorer().figure.axes
    blue, orange = to_rgb(plots.COLOURS["lecture"]), to_rgb(plots.COLOURS["normalised"])
    assert blue[2] > max(blue[:2]) and orange[0] > orange[1] > orange[2]            # blue, and orange
    for curves, bars in ((axes[0], axes[1]), (axes[2], axes[3])):
        by_label = {line.get_label(): line for line in curves.lines}
        assert to_rgb(by_label["lecture's form"].get_color()) == blue
        assert to_rgb(by_label["mean-normalised"].get_color()) == orange
        marked = {round(float(line.get_ydata()[0]), 4) for line in curves.lines if line.get_linestyle() == ":"}
        wanted = {round(Z.sum(), 4), round(Z.mean(), 4), round(Z.max(), 4)}
        assert marked == (wanted if curves is axes[0] else wanted - {round(Z.sum(), 4)})   # log-sum-exp: no sum
        assert len(bars.patches) == 8 and [t.get_text() for t in bars.get_xticklabels()] == [f"{v:g}" for v in Z]


def test_the_blue_log_sum_exp_curve_follows_the_dashed_line_mean_plus_log_n_over_beta_at_small_beta():
    ax = _exponent_explorer().figure.axes[2]
    by_label = {line.get_label(): line for line in ax.lines}
    dashed = by_label["mean + log(N)/β,  N = 8"]
    assert dashed.get_linestyle() == "--"
    betas, blue = by_label["lecture's form"].get_data()
    np.testing.assert_allclose(dashed.get_ydata(), Z.mean() + math.log(8) / betas, rtol=1e-12)
    gap = (blue - dashed.get_ydata()) / blue
    assert np.all(gap[betas <= 0.1] < 1e-3) and np.all(gap[betas >= 10] > 0.3)


def test_the_bars_collapse_onto_the_input_2_0():
    winner = int(np.argmax(Z))
    assert Z[winner] == 2.0
    top = pooling.exponent_view(EXPONENT_SLIDERS["p"].max, EXPONENT_SLIDERS["beta"].max)
    assert top.lp_grad[winner] > 0.99 and top.lse_grad[winner] > 0.99
    assert np.all(np.delete(top.lp_grad, winner) < 0.01) and np.all(np.delete(top.lse_grad, winner) < 0.01)
    low = pooling.exponent_view(EXPONENT_SLIDERS["p"].min, EXPONENT_SLIDERS["beta"].min)
    assert np.all(low.lp_grad == 1.0) and low.lse_grad[winner] < 0.2                # nothing collapsed yet


def test_the_printed_gradients_agree_with_torch_autograd():
    printed_lp = {1: [1, 1, 1, 1, 1, 1, 1, 1], 2: [0.089, 0.327, 0.594, 0.178, 0.505, 0.03, 0.267, 0.416],
                  8: [0, 0.012, 0.774, 0, 0.248, 0, 0.003, 0.064], 32: [0, 0, 0.995, 0, 0.006, 0, 0, 0]}
    printed_lse = {0.01: [0.124, 0.125, 0.126, 0.124, 0.126, 0.124, 0.125, 0.125],
                   1: [0.051, 0.113, 0.277, 0.068, 0.205, 0.041, 0.092, 0.152], 20: [0, 0, 0.998, 0, 0.002, 0, 0, 0]}
    for exps, printed, ours, torch_fn in [
            (printed_lp, printed_lp, pooling.lp_pool_grad, lambda t, p: t.abs().pow(p).sum().pow(1 / p)),
            (printed_lse, printed_lse, pooling.lse_pool_grad, lambda t, b: torch.logsumexp(b * t, 0) / b)]:
        for e in exps:
            zt = _t(Z).requires_grad_()
            torch_fn(zt, e).backward()
            np.testing.assert_array_equal(np.round(zt.grad.numpy(), 3), printed[e])
            np.testing.assert_array_equal(np.round(ours(Z, e), 3), printed[e])


# --- 4. invariance and equivariance ----------------------------------------------------------------------------


def test_the_cross_correlation_of_the_shifted_signal_is_the_shifted_output():
    rng = np.random.default_rng(6)
    for k in (1, 3, 5):
        x, w = rng.normal(size=20), rng.normal(size=k)
        y = np.correlate(x, w, mode="valid")                           # numpy's y_i = sum_j w_j x_(i+j)
        np.testing.assert_allclose(conv.corr1d(x, w), y, atol=1e-12)
        for tau in range(6):
            shifted = conv.corr1d(motifs.shift(x, tau), w)
            np.testing.assert_allclose(shifted[:len(y) - tau], y[tau:], atol=1e-12)   # f(tau x)_i = y_(i+tau)
            if tau and k > 1:                      # in the last tau outputs y_(i+tau) does not exist: zero fill breaks it
                assert not np.allclose(shifted, motifs.shift(y, tau))


def test_a_max_over_a_window_does_not_change_while_the_maximum_stays_inside_and_nothing_larger_comes_in():
    x = np.zeros(12)
    x[6] = 5.0                                                         # the window of columns 4-7
    for tau in range(3):                                               # the 5 moves to 6, 5, 4: still inside
        np.testing.assert_array_equal(pooling.max_pool(motifs.shift(x, tau), kernel=4), [0.0, 5.0, 0.0])
    assert pooling.max_pool(motifs.shift(x, 3), kernel=4)[1] == 0.0     # it left: the window notices
    # only while nothing larger comes in from the next window: the 5 stays inside, yet the max changes
    x[8] = 9.0
    assert pooling.max_pool(x, kernel=4)[1] == 5.0 and pooling.max_pool(motifs.shift(x, 1), kernel=4)[1] == 9.0


def test_a_global_max_pool_does_not_change_while_the_motif_stays_a_global_average_while_its_whole_response_stays_in_the_map():
    image = motifs.motif_image((12, 16), [(motifs.PLUS, 3, 3)])        # the plus in columns 3-7: it leaves at tau = 4
    for pool in ("max", "avg", "L2"):
        r = invariance.shift_errors(image[None], motifs.PLUS, range(6), [2], pool=pool)
        assert r.global_change[4] > 0.1 and r.global_change[5] > 0.1, pool
        if pool == "max":
            np.testing.assert_array_equal(r.global_change[:4], 0.0)
        else:       # average and L_2 change as soon as the partial matches (up to K - 1 = 4 columns left) leave
            assert np.all(r.global_change[1:4] > 0.005), pool


def test_64_images_of_36x36_one_plus_each_12_pixels_from_every_edge_room_to_shift_by_8_with_partial_matches():
    images = _notebook_draws()[1]
    assert images.shape == (64, 36, 36) and np.all(images.sum(axis=(1, 2)) == 9)
    corners = np.array([np.argwhere(im).min(axis=0) for im in images])
    assert corners.min() == 12 and corners.max() == 36 - 5 - 12
    np.testing.assert_array_equal(_torch_corr(images).max(axis=(1, 2)), 9.0)                  # one whole plus each
    full = np.sort(_torch_corr(images).reshape(64, -1), axis=1)
    np.testing.assert_array_equal(np.sort(_torch_corr(motifs.shift(images, (0, 8))).reshape(64, -1), axis=1), full)
    lost = np.sort(_torch_corr(motifs.shift(images, (0, 9))).reshape(64, -1), axis=1)         # one shift more
    assert not np.array_equal(lost[corners[:, 1] == 12], full[corners[:, 1] == 12])


def test_the_printed_equivariance_error_change_and_global_max_change():
    images = _notebook_draws()[1]
    f = _torch_corr(images)
    equi, change, glob = [], [], []
    for tau in range(9):
        f_tau = _torch_corr(motifs.shift(images, (0, tau)))
        equi.append(_rel(f_tau, motifs.shift(f, (0, tau))))
        change.append(_rel(f_tau, f))
        glob.append(_rel(f_tau.max(axis=(1, 2))[:, None], f.max(axis=(1, 2))[:, None]))
    np.testing.assert_array_equal(np.round(equi, 4), 0.0)
    np.testing.assert_array_equal(np.round(change, 3), [0, 0.7, 0.873, 1.116, 1.247, 1.36, 1.387, 1.403, 1.412])
    np.testing.assert_array_equal(np.round(glob, 4), 0.0)
    r = _measured("max")
    np.testing.assert_allclose(r.equivariance, equi, atol=1e-12)
    np.testing.assert_allclose(r.conv_change, change, rtol=1e-12)
    np.testing.assert_allclose(r.global_change, glob, atol=1e-12)


def test_every_curve_of_the_figure_is_at_most_1_42():
    top = max(max(m.conv_change.max(), m.equivariance.max(), m.unpooled_change.max(), m.pooled_change.max(),
                  m.global_change.max()) for m in (_measured("max"), _measured("avg")))
    assert 1.41 < top <= 1.42


def test_the_convolutions_output_changes_orange_into_the_shifted_output_the_equivariance_error_blue_is_0():
    r = _measured("max")
    assert np.all(r.conv_change[1:] > 0.5) and np.all(r.equivariance < 1e-12)
    fig = new_figure(4, 3)
    blue_line, orange_line = plots.shift_curves(fig.subplots(), r.shifts, {"eq": r.equivariance, "ch": r.conv_change})
    assert to_rgb(blue_line.get_color()) == to_rgb("tab:blue") and to_rgb(orange_line.get_color()) == to_rgb("tab:orange")


def test_after_pooling_small_shifts_change_the_output_less_than_without_pooling_and_the_larger_the_window_the_less():
    for pool in ("max", "avg"):
        m = _measured(pool)
        assert np.all(m.pooled_change[:, 1:7] < m.unpooled_change[1:7]), pool               # shifts 1 to 6
        assert np.all(np.diff(m.pooled_change[:, 1:], axis=0) <= 1e-12), pool               # larger window: less
    avg = _measured("avg")
    # not at every shift: the 2x2 average changes a hair more than no pooling at tau = 7 and 8 (not small for it)
    assert np.all(avg.pooled_change[0, 7:] > avg.unpooled_change[7:])
    # and "less" is "as little" once: the 8x8 and 16x16 averages change exactly alike at tau = 1
    assert avg.pooled_change[2, 1] == avg.pooled_change[3, 1]


def test_an_8x8_max_changes_only_in_the_windows_the_response_straddles_9_wide_it_always_straddles_a_border():
    images = _notebook_draws()[1]
    corners = np.array([np.argwhere(im).min(axis=0) for im in images])
    for threshold in (0.0, 6.0):                 # the notebook's response (with partial matches), and matches alone
        a = np.maximum(_torch_corr(images) - threshold, 0.0)
        a1 = np.maximum(_torch_corr(motifs.shift(images, (0, 1))) - threshold, 0.0)
        noticed = np.array([not np.array_equal(F.max_pool2d(_t(u)[None], 8), F.max_pool2d(_t(v)[None], 8))
                            for u, v in zip(a, a1)])
        crosses = np.array([np.any(np.argwhere(u > 0)[:, 1] % 8 == 0) for u in a])   # column 8j moves into window j-1
        assert not np.any(noticed & ~crosses), threshold
        if threshold == 6.0:
            np.testing.assert_array_equal(noticed, corners[:, 1] % 8 == 0)
    # with the notebook's threshold 0 the response is 9 columns wide (the plus and its partial matches), so it
    # crosses a border in every image, and every image's 8x8 max-pooled map changes at tau = 1
    a = _torch_corr(images)
    assert all(np.ptp(np.argwhere(u > 0)[:, 1]) + 1 == 9 for u in a)
    assert all(np.any(np.argwhere(u > 0)[:, 1] % 8 == 0) for u in a)
    assert _measured("max").pooled_change[2, 1] > 0.15


def test_local_invariance_is_lost_window_by_window_as_the_shift_grows():
    for pool in ("max", "avg"):
        m = _measured(pool)
        assert np.all(np.diff(m.pooled_change, axis=1) > 0), pool                # every window: more with each shift
        first_big = [int(np.argmax(row > 0.75)) for row in m.pooled_change[:3]]  # 2, 4, 8: lost later and later
        assert first_big == sorted(first_big) and first_big[0] < first_big[2], pool


def test_a_global_pool_is_invariant_and_has_forgotten_where_the_motif_was():
    for pool in ("max", "avg"):
        np.testing.assert_array_equal(_measured(pool).global_change, 0.0)
    a = _torch_corr(_notebook_draws()[1])                                # 64 different places, one global value each
    np.testing.assert_array_equal(a.max(axis=(1, 2)), 9.0)
    np.testing.assert_allclose(a.mean(axis=(1, 2)), a[0].mean(), rtol=1e-14)


def test_content_within_k_minus_1_pixels_of_the_right_edge_breaks_equivariance_in_the_last_tau_columns():
    width, k = 20, 5
    for column, breaks in [(width - k, False), (width - k + 1, True), (width - 1, True)]:
        x = np.zeros((9, width))
        x[4, column] = 1.0
        f = _torch_corr(x[None])
        for tau in (1, 3):
            gap = np.abs(_torch_corr(motifs.shift(x, (0, tau))[None]) - motifs.shift(f, (0, tau)))[0]
            assert (gap.max() > 0) == breaks, (column, tau)
            assert np.all(gap[:, :gap.shape[1] - tau] == 0.0)                  # only the last tau columns


def test_pooling_with_window_k_is_equivariant_to_shifts_by_multiples_of_k_away_from_the_borders():
    image = motifs.motif_image(29, [(motifs.PLUS, 10, 12)])
    for k in (2, 4):
        for multiple in (1, 2, 3):
            for pool in ("max", "avg"):
                before = invariance.detect(image, motifs.PLUS, threshold=0.0, window=k, pool=pool).pooled
                after = invariance.detect(motifs.shift(image, (0, multiple * k)), motifs.PLUS, threshold=0.0,
                                          window=k, pool=pool).pooled
                np.testing.assert_array_equal(after, motifs.shift(before, (0, multiple)))
        assert not np.array_equal(
            invariance.detect(motifs.shift(image, (0, k - 1)), motifs.PLUS, threshold=0.0, window=k).pooled,
            motifs.shift(invariance.detect(image, motifs.PLUS, threshold=0.0, window=k).pooled, (0, 1)))
    # away from the borders only: with noise up to the right edge the last `multiple` cells differ
    noisy = image + 0.1 * np.random.default_rng(0).standard_normal(image.shape)
    before = invariance.detect(noisy, motifs.PLUS, threshold=0.0, window=4).pooled
    after = invariance.detect(motifs.shift(noisy, (0, 4)), motifs.PLUS, threshold=0.0, window=4).pooled
    gap = np.abs(after - motifs.shift(before, (0, 1)))
    assert np.all(gap[:, :-1] == 0.0) and gap[:, -1].max() > 0.1


# --- the shift explorer ----------------------------------------------------------------------------------------


def test_the_shift_explorers_scene_holds_two_plus_signs_and_a_diagonal_cross_in_light_noise_threshold_6():
    x = default_scene()
    lit = np.round(x)
    assert lit.sum() == 27 and np.abs(x - lit).std() < 0.12                         # 3 motifs of 9, noise sd ~0.1
    plus_hits = motifs.local_maxima(conv.corr2d(lit, motifs.PLUS), 8.5)
    cross_hits = motifs.local_maxima(conv.corr2d(lit, motifs.DIAGONAL_CROSS), 8.5)
    assert len(plus_hits) == 2 and len(cross_hits) == 1
    assert SHIFT_THRESHOLD == 6.0


def test_the_pooled_map_keeps_still_until_a_match_crosses_a_border_then_a_cell_empties_and_the_next_one_or_beyond_fills():
    x = default_scene()
    distances = {}
    for tau in range(9):
        v = invariance.shift_view(x, motifs.PLUS, tau, 4, "max", threshold=SHIFT_THRESHOLD)
        before = {tuple(map(int, q)) for q in np.argwhere(v.original.activation > 0)}
        crossed = sum((c // 4) != ((c - tau) // 4) for _, c in before)
        changed = np.argwhere(v.changed)
        assert len(changed) == 2 * crossed, tau                                      # still until a match crosses
        emptied = [tuple(q) for q in changed if v.shifted.pooled[tuple(q)] == 0.0]
        filled = [tuple(q) for q in changed if v.original.pooled[tuple(q)] == 0.0]
        assert len(emptied) == len(filled) == crossed, tau
        distances[tau] = sorted(int(e[1] - f[1]) for e, f in zip(sorted(emptied), sorted(filled)))
    assert distances[0] == distances[1] == []
    assert all(d == 1 for tau in range(2, 6) for d in distances[tau])              # the neighbour, up to tau = 5
    assert 2 in distances[6] and distances[8] == [2, 2]                             # then the cell beyond it


def test_the_window_borders_are_white_lines_and_the_changed_cells_are_outlined_in_red():
    shifter = shift_explorer(tau=2)
    ax_act, ax_pooled = shifter.figure.axes[1], shifter.figure.axes[2]
    (borders,) = ax_act.collections
    assert tuple(borders.get_colors()[0][:3]) == (1.0, 1.0, 1.0)
    vertical = sorted({seg[0][0] for seg in borders.get_segments() if seg[0][0] == seg[1][0]})
    assert vertical == [c - 0.5 for c in range(0, 29, 4)]                           # between the 4x4 windows
    (outlines,) = ax_pooled.collections
    red = to_rgb("#e74c3c")
    assert red[0] > 0.8 and max(red[1:]) < 0.4 and tuple(outlines.get_colors()[0][:3]) == pytest.approx(red)
    centres = {(round(float(np.mean(np.array(outlines.get_segments()[i:i + 4])[:, :, 1]))),
                round(float(np.mean(np.array(outlines.get_segments()[i:i + 4])[:, :, 0]))))
               for i in range(0, len(outlines.get_segments()), 4)}
    assert centres == {tuple(map(int, q)) for q in np.argwhere(shifter.result.changed)} and len(centres) == 2


# --- 5. a small detector ---------------------------------------------------------------------------------------


def test_plus_and_cross_have_the_same_lit_pixels_the_threshold_6_lies_between_the_plus_score_9_and_a_crosss_best_3():
    assert motifs.PLUS.sum() == motifs.DIAGONAL_CROSS.sum() == 9
    def every_overlap(m):                                  # the plus laid over m at every offset, padding 4
        return F.conv2d(_t(m)[None, None], _t(motifs.PLUS)[None, None], padding=4)[0, 0].numpy()

    plus_on_plus, cross_on_plus = every_overlap(motifs.PLUS), every_overlap(motifs.DIAGONAL_CROSS)
    assert plus_on_plus.max() == 9.0 and cross_on_plus.max() == 3.0 < THRESHOLD < 9.0
    best = invariance.detect(motifs.motif_image(9, [(motifs.DIAGONAL_CROSS, 2, 2)]), motifs.PLUS, threshold=0.0,
                             window=1).score
    assert best == 3.0
    plus_on_plus[4, 4] = 0.0
    assert plus_on_plus.max() == 4.0                     # the plus's own partial matches stay below 6 as well


def test_the_printed_score_and_positions_before_and_after_the_shift_and_2_of_49_pooled_cells_changed():
    scene = _notebook_draws()[2]
    a = {tau: np.maximum(_torch_corr(motifs.shift(scene, (0, tau))[None])[0] - THRESHOLD, 0.0) for tau in (0, 2)}
    pooled = {tau: F.max_pool2d(_t(a[tau])[None], 4).numpy()[0] for tau in (0, 2)}
    assert f"{a[0].max():.4f}" == f"{a[2].max():.4f}" == "2.5043"
    assert [tuple(map(int, q)) for q in np.argwhere(a[0] > 0)] == [(4, 5), (20, 22)]
    assert [tuple(map(int, q)) for q in np.argwhere(a[2] > 0)] == [(4, 3), (20, 20)]
    changed = ~np.isclose(pooled[0], pooled[2])
    assert changed.sum() == 2 and changed.size == 49
    d = invariance.detect(scene, motifs.PLUS, threshold=THRESHOLD, window=4)
    np.testing.assert_allclose(d.pooled, pooled[0], atol=1e-12)


def test_the_convolution_finds_both_plus_signs_and_ignores_the_crosses():
    for seed in range(200):                                 # the notebook's noise, and 200 other draws of it
        scene = _notebook_draws()[2] if seed == 0 else motifs.motif_image(
            32, SCENE_MOTIFS, noise=0.15, rng=np.random.default_rng(seed))
        d = invariance.detect(scene, motifs.PLUS, threshold=THRESHOLD, window=4)
        assert [tuple(map(int, q)) for q in np.argwhere(d.activation > 0)] == [(4, 5), (20, 22)], seed
        assert d.correlation[5, 20] < THRESHOLD and d.correlation[21, 6] < THRESHOLD


def test_shifting_by_2_moves_the_matches_by_2_and_the_global_score_stays_exactly_the_same():
    for seed in range(20):
        scene = _notebook_draws()[2] if seed == 0 else motifs.motif_image(
            32, SCENE_MOTIFS, noise=0.15, rng=np.random.default_rng(seed))
        before = invariance.detect(scene, motifs.PLUS, threshold=THRESHOLD, window=4)
        after = invariance.detect(motifs.shift(scene, (0, 2)), motifs.PLUS, threshold=THRESHOLD, window=4)
        assert before.score == after.score                                          # exactly, not to rounding
        np.testing.assert_array_equal(after.activation[:, :-2], before.activation[:, 2:])


def test_the_4x4_pooled_map_changes_only_where_a_match_crossed_a_window_border_upper_5_to_3_lower_22_to_20():
    scene = _notebook_draws()[2]
    before = invariance.detect(scene, motifs.PLUS, threshold=THRESHOLD, window=4)
    after = invariance.detect(motifs.shift(scene, (0, 2)), motifs.PLUS, threshold=THRESHOLD, window=4)
    changed = {tuple(map(int, q)) for q in np.argwhere(~np.isclose(before.pooled, after.pooled))}
    assert changed == {(1, 1), (1, 0)}                                              # row 4 -> window row 1
    assert (5 // 4, 3 // 4) == (1, 0) and 22 // 4 == 20 // 4 == 5                   # 5 -> 3: next window; 22 -> 20: stays
    assert before.pooled[5, 5] == after.pooled[5, 5] > 0
