"""Notebook 07's sentences that state a fact, one test each, named after the sentence, in the notebook's order,
recomputed with lecturekit and, where one exists, an independent reference (torch, numpy, a closed form)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lecturekit import conv, wiring
from lecturekit.exercises import stride_dilation as ex
from lecturekit.widgets.conv import footprint_explorer


def test_a_kernel_of_3_with_dilation_2_reads_5_samples_with_3_weights():
    layer = torch.nn.Conv1d(1, 1, 3, dilation=2, bias=False)
    x = torch.zeros(1, 1, 5, requires_grad=True)
    layer(x).sum().backward()
    assert layer.weight.numel() == 3 and (x.grad != 0).sum() == 3 and conv.output_size(5, 3, 1, 0, 2) == 1
    assert wiring.receptive_field([(3, 1, 2)]) == 5 == wiring.receptive_field([(5, 1, 1)])


def test_without_padding_6_doubling_layers_leave_130_of_256_outputs_and_same_padding_keeps_all():
    size = 256
    for l in range(6):
        size = conv.output_size(size, 3, 1, 0, 2 ** l)
    assert size == 130
    size = 256
    for l in range(6):
        size = conv.output_size(size, 3, 1, 2 ** l, 2 ** l)          # (k - 1) d / 2 zeros on each side
    assert size == 256


def test_on_one_step_the_strided_stack_keeps_one_output_in_8_the_dilated_one_every_sample_same_field():
    x = np.where(np.arange(64) < 29, 0.0, 1.0)
    w = np.ones(3) / 3
    strided, dilated = x, x
    for l in range(3):
        strided = conv.corr1d(strided, w, stride=2)
        dilated = conv.corr1d(dilated, w, dilation=2 ** l, padding=2 ** l)
    assert len(strided) == 7 and len(dilated) == 64
    assert wiring.receptive_field([(3, 2, 1)] * 3) == wiring.receptive_field([(3, 1, 2 ** l) for l in range(3)]) == 15
    np.testing.assert_allclose(strided, dilated[8 * np.arange(7) + 7], atol=1e-12)   # drawn at their fields' centres


# --- the rest of the notebook's sentences, in the notebook's order ----------------------------------------

@pytest.fixture(autouse=True)
def _float64():
    """These tests build torch tensors in float64; the default goes back afterwards (other modules train in
    float32, and a changed default would change what they train)."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)

CASES = {"regular": (3, 1, 1), "stride": (3, 2, 1), "a trous": (3, 1, 2)}     # notebook cell 3: (k, s, d) on n = 9


# ------------------------------------------------------------------------------------ independent measurements

def _reads(n, k, s=1, p=0, d=1, i=0, w=None):
    """Padded input indices that output i of a torch conv1d depends on (nonzero gradient, weights w or 1)."""
    x = torch.zeros(1, 1, n + 2 * p, requires_grad=True)
    weight = torch.ones(1, 1, k) if w is None else torch.tensor(w).reshape(1, 1, k)
    F.conv1d(x, weight, stride=s, dilation=d)[0, 0, i].backward()
    return np.flatnonzero(x.grad[0, 0].numpy())


def _counts(n, k, s=1, p=0, d=1):
    """torch's dC/dx for C = sum(y), unit weights: how many (output, tap) pairs read each input."""
    x = torch.zeros(1, 1, n, requires_grad=True)
    F.conv1d(x, torch.ones(1, 1, k), stride=s, padding=p, dilation=d).sum().backward()
    return np.rint(x.grad[0, 0].numpy()).astype(int)


def _stack(x, layers, padding=None):
    """A torch stack of conv1d with unit weights; padding[l] zeros each side of layer l (default none)."""
    h = x
    for l, (k, s, d) in enumerate(layers):
        h = F.conv1d(h, torch.ones(1, 1, k), stride=s, dilation=d, padding=0 if padding is None else padding[l])
    return h


def _stack_grad(layers, n, out=0):
    """Paths from each of n inputs to output `out` of the last layer: torch's gradient, all weights 1."""
    x = torch.zeros(1, 1, n, requires_grad=True)
    _stack(x, layers)[0, 0, out].backward()
    return np.rint(x.grad[0, 0].numpy()).astype(int)


def _span(reached):
    return int(reached[-1] - reached[0] + 1)


def _support(dilations, kernel):
    """Offsets an output of a stride-1 stack reaches, by set arithmetic only (no convolution code)."""
    reach = {0}
    for d in dilations:
        reach = {r + j * d for r in reach for j in range(kernel)}
    return reach


def _hole_free_field(dilations, kernel=2):
    reach = _support(dilations, kernel)
    return max(reach) + 1 if len(reach) == max(reach) + 1 else 0


# ------------------------------------------------------------------------------------ cell 0: the two knobs

def test_with_stride_s_only_every_s_th_output_is_computed_fewer_outputs_lower_resolution():
    rng = np.random.default_rng(0)
    for n, k, s, d in [(9, 3, 2, 1), (20, 3, 3, 1), (17, 2, 2, 2), (31, 5, 4, 1)]:
        x, w = rng.normal(size=n), rng.normal(size=k)
        dense, strided = conv.corr1d(x, w, dilation=d), conv.corr1d(x, w, stride=s, dilation=d)
        np.testing.assert_allclose(strided, dense[::s], atol=1e-12)
        torch_y = F.conv1d(torch.tensor(x)[None, None], torch.tensor(w)[None, None], stride=s, dilation=d)
        np.testing.assert_allclose(strided, torch_y[0, 0].numpy(), atol=1e-12)
        assert len(strided) == math.ceil(len(dense) / s) < len(dense)


def test_with_dilation_d_the_kernels_taps_are_d_samples_apart():
    for k, d, i in itertools.product([2, 3, 5], [1, 2, 3, 4], [0, 2]):
        reached = _reads(40, k, d=d, i=i)
        np.testing.assert_array_equal(reached, i + d * np.arange(k))


def test_a_dilated_layer_keeps_its_resolution_while_seeing_further():
    n = 32
    same_dense = conv.output_size(n, 3, 1, 1, 1)
    same_dilated = conv.output_size(n, 3, 1, 2, 2)            # "same": (k - 1) d / 2 zeros on each side
    assert same_dense == same_dilated == n                     # one output per input sample in both
    dense, dilated = _reads(n, 3, p=1, i=10), _reads(n, 3, p=2, d=2, i=10)
    assert _span(dense) == 3 and _span(dilated) == 5           # ... but the dilated one sees further
    assert conv.output_size(n, 3, 2, 1, 1) == n // 2           # a stride, instead, halves the outputs


# ------------------------------------------------------------------------------------ cells 2-3: three pictures

def test_output_y_i_reads_the_inputs_x_is_plus_jd_j_0_1_2_on_9_samples():
    for k, s, d in CASES.values():
        for i in range(conv.output_size(9, k, s, 0, d)):
            np.testing.assert_array_equal(_reads(9, k, s, 0, d, i), i * s + np.arange(k) * d)
            np.testing.assert_array_equal(wiring.wiring(9, k, s, 0, d, output=i).reads, i * s + np.arange(k) * d)


def test_the_three_pictures_have_7_4_and_5_outputs_and_y1_reads_x1_x2_x3_then_x2_x3_x4_then_x1_x3_x5():
    expected = {"regular": (7, [1, 2, 3]), "stride": (4, [2, 3, 4]), "a trous": (5, [1, 3, 5])}
    for name, (k, s, d) in CASES.items():
        size = F.conv1d(torch.zeros(1, 1, 9), torch.zeros(1, 1, k), stride=s, dilation=d).shape[-1]
        w = wiring.wiring(9, k, stride=s, dilation=d, output=1)
        assert (w.size, list(w.reads)) == (size, list(_reads(9, k, s, 0, d, 1))) == expected[name]


def test_stride_2_reduces_the_resolution_and_a_trous_keeps_every_position_reading_every_other_sample():
    assert conv.output_size(9, 3, 2) == 4 < conv.output_size(9, 3, 1) == 7               # every other position
    for i in range(5):                                                                     # d = 2: positions 0..4
        np.testing.assert_array_equal(_reads(9, 3, 1, 0, 2, i), [i, i + 2, i + 4])        # every other sample


# ------------------------------------------------------------------------------------ cells 4-5: same weights, wider

def test_a_kernel_of_3_with_dilation_2_has_the_multiply_adds_of_a_dense_3_and_the_field_of_a_dense_5():
    x = torch.randn(20, generator=torch.Generator().manual_seed(0))
    macs, fields = {}, {}
    for name, (k, d) in {"dense 3": (3, 1), "dense 5": (5, 1), "a trous": (3, 2)}.items():
        w = torch.randn(1, 1, k, generator=torch.Generator().manual_seed(1))
        jac = torch.autograd.functional.jacobian(lambda v, w=w, d=d: F.conv1d(v[None, None], w, dilation=d)[0, 0], x)
        nonzero = (jac != 0).sum(dim=1)                        # multiplications per output
        assert (nonzero == nonzero[0]).all()
        macs[name] = int(nonzero[0])
        fields[name] = _span(np.flatnonzero(jac[3].numpy()))
    assert macs == {"dense 3": 3, "dense 5": 5, "a trous": 3}
    assert fields == {"dense 3": 3, "dense 5": 5, "a trous": 5}


def test_dense_5_dense_3_and_a_trous_3_d2_have_5_3_3_weights_and_read_windows_of_5_3_5_samples():
    layers = {"dense, k = 5": torch.nn.Conv1d(1, 1, 5, bias=False), "dense, k = 3": torch.nn.Conv1d(1, 1, 3, bias=False),
              "a trous": torch.nn.Conv1d(1, 1, 3, dilation=2, bias=False)}
    measured = {}
    for name, layer in layers.items():
        x = torch.zeros(1, 1, 15, requires_grad=True)
        layer(x)[0, 0, 2].backward()
        measured[name] = (layer.weight.numel(), _span(np.flatnonzero(x.grad[0, 0].numpy())))
    assert measured == {"dense, k = 5": (5, 5), "dense, k = 3": (3, 3), "a trous": (3, 5)}


# ------------------------------------------------------------------------------------ cells 6-7: how many outputs

def test_a_kernel_of_k_taps_with_dilation_d_spans_d_times_k_minus_1_plus_1_samples():
    for k, d in itertools.product(range(1, 6), range(1, 6)):
        assert _span(_reads(30, k, d=d, i=1)) == d * (k - 1) + 1 == wiring.receptive_field([(k, 1, d)])


def test_the_kernel_fits_at_positions_0_s_2s_as_long_as_it_ends_inside_the_padded_input():
    for n, k, s, p, d in itertools.product([1, 5, 9, 12], [1, 2, 3], [1, 2, 3], [0, 1, 2], [1, 2, 3]):
        span = d * (k - 1) + 1
        fits = sum(1 for t in range(0, n + 2 * p, s) if t + span <= n + 2 * p)     # brute force
        formula = (n + 2 * p - k - (k - 1) * (d - 1)) // s + 1                          # the notebook's form
        if fits == 0:
            try:
                conv.output_size(n, k, s, p, d)
            except ValueError:
                continue
            raise AssertionError(f"{(n, k, s, p, d)}: no position fits, but output_size did not refuse")
        assert conv.output_size(n, k, s, p, d) == fits == formula


def test_on_9_samples_torch_agrees_7_4_5_outputs_and_k3_d5_spans_11_samples_of_9_no_output():
    got = {name: (conv.output_size(9, k, s, 0, d),
                  F.conv1d(torch.zeros(1, 1, 9), torch.zeros(1, 1, k), stride=s, dilation=d).shape[-1])
           for name, (k, s, d) in CASES.items()}
    assert got == {"regular": (7, 7), "stride": (4, 4), "a trous": (5, 5)}
    span = _span(_reads(20, 3, d=5))
    assert span == 11 and span > 9
    refused = []
    try:
        conv.output_size(9, 3, dilation=5)
    except ValueError:
        refused.append("lecturekit")
    try:
        F.conv1d(torch.zeros(1, 1, 9), torch.zeros(1, 1, 3), dilation=5)
    except RuntimeError:
        refused.append("torch")
    assert refused == ["lecturekit", "torch"]
    assert conv.output_size(11, 3, dilation=5) == 1                                # an input of 11 just fits


# ------------------------------------------------------------------------------------ cells 10-12: the same wires

def test_input_x_m_receives_w_j_dc_dy_i_from_every_output_i_that_read_it_through_tap_j():
    rng = np.random.default_rng(7)
    for n, k, s, p, d in [(9, 3, 2, 0, 1), (12, 3, 1, 1, 2), (12, 2, 3, 0, 1), (12, 3, 2, 2, 2)]:
        w = rng.normal(size=k)
        x = torch.tensor(rng.normal(size=(1, 1, n)), requires_grad=True)
        y = F.conv1d(x, torch.tensor(w)[None, None], stride=s, padding=p, dilation=d)
        g = rng.normal(size=y.shape[-1])
        (y[0, 0] * torch.tensor(g)).sum().backward()
        taps = wiring.connectivity(n, k, s, p, d)
        by_wires = np.array([sum(w[taps[i, m + p]] * g[i] for i in range(len(g)) if taps[i, m + p] >= 0)
                             for m in range(n)])
        np.testing.assert_allclose(by_wires, x.grad[0, 0].numpy(), atol=1e-12)


def test_with_stride_1_every_input_away_from_the_borders_is_read_k_times():
    for n, k, d in itertools.product([12, 20], [1, 2, 3, 5], [1, 2, 3]):
        if d * (k - 1) + 1 > n:
            continue
        counts, border = _counts(n, k, d=d), (k - 1) * d
        np.testing.assert_array_equal(counts, wiring.gradient_counts(n, k, dilation=d))
        assert (counts[border:n - border] == k).all()
        if k > 1:
            assert counts[0] == counts[-1] == 1                                        # the borders: fewer


def test_any_stride_above_1_leaves_inputs_read_k_over_s_times_and_some_never_when_s_above_k_or_s_and_d_have_a_common_factor():
    # Any stride s > 1 leaves interior inputs read k/s times on average (< k); some are never read exactly when
    # k < s or gcd(s, d) > 1, e.g. s = d = 2 (the notebook's own row k=3 s=2 d=2).
    n = 60
    for k, s, d in itertools.product([2, 3, 4], [1, 2, 3, 4], [1, 2, 3]):
        counts = _counts(n, k, s, 0, d)
        np.testing.assert_array_equal(counts, wiring.gradient_counts(n, k, s, 0, d))
        start = (k - 1) * d + s
        inner = counts[start:start + 6 * s]                                             # 6 whole periods
        assert inner.sum() == 6 * k                                                     # k / s per input
        assert (inner.min() < k) == (s > 1)
        assert (inner.min() == 0) == (k < s or math.gcd(s, d) > 1), (k, s, d)
    counts = _counts(12, 3, 2, 0, 2)
    assert (counts[1::2] == 0).all()                                  # s = d = 2 (not s > d): odd inputs, never


def test_gradient_contributions_per_input_on_12_samples_are_the_four_printed_rows():
    printed = {(3, 1, 1): [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 1], (3, 2, 1): [1, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1, 0],
               (2, 3, 1): [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0], (3, 2, 2): [1, 0, 2, 0, 3, 0, 3, 0, 2, 0, 1, 0]}
    for (k, s, d), row in printed.items():
        assert list(wiring.gradient_counts(12, k, stride=s, dilation=d)) == list(_counts(12, k, s, 0, d)) == row


def test_an_input_that_no_output_reads_gets_no_gradient_and_cannot_be_learned_from():
    rng = np.random.default_rng(2)
    for n, k, s, d in [(12, 2, 3, 1), (12, 3, 2, 2), (12, 3, 2, 1)]:
        unread = np.flatnonzero(wiring.gradient_counts(n, k, s, 0, d) == 0)
        assert unread.size
        w = torch.tensor(rng.normal(size=(1, 1, k)))
        x = torch.tensor(rng.normal(size=(1, 1, n)), requires_grad=True)
        y = F.conv1d(x, w, stride=s, dilation=d)
        (y * torch.tensor(rng.normal(size=y.shape))).sum().backward()
        assert (x.grad[0, 0, unread] == 0).all() and (x.grad[0, 0, np.setdiff1d(np.arange(n), unread)] != 0).all()
        changed = x.detach().clone()
        changed[0, 0, unread] += 100.0                                                 # whatever it holds ...
        torch.testing.assert_close(F.conv1d(changed, w, stride=s, dilation=d), y.detach())   # ... changes nothing


def test_with_k_3_s_2_every_other_input_gets_2_terms_and_the_others_1_away_from_the_borders():
    for n in range(9, 21):
        counts = _counts(n, 3, 2)
        inner = counts[2:n - 2]
        assert set(inner[0::2]) == {2} and set(inner[1::2]) == {1}
        assert counts[0] == 1                          # the border breaks the pattern (input 0 is "even" but gets 1)
        assert counts[-1] == (0 if n % 2 == 0 else 1)  # and an even length leaves the last input unread


def test_a_transposed_convolution_of_kernel_3_and_stride_2_makes_the_same_checkerboard():
    up = F.conv_transpose1d(torch.ones(1, 1, 8), torch.ones(1, 1, 3), stride=2)[0, 0].numpy()
    assert list(up[1:-1]) == [1, 2] * 7 + [1]                                          # 1, 2, 1, 2, ... : uneven
    assert list(np.rint(up[:12]).astype(int)) == list(_counts(13, 3, 2)[:12])         # the gradient counts' pattern


def test_in_the_diagram_dilation_2_with_stride_2_skips_every_odd_input():
    for k in (2, 3):
        counts = wiring.gradient_counts(9, k, stride=2, dilation=2)
        np.testing.assert_array_equal(counts, _counts(9, k, 2, 0, 2))
        assert (counts[1::2] == 0).all() and (counts[0::2] > 0).all()
    # without padding only: with padding 1 the parity flips and the EVEN inputs (the borders too) are skipped
    counts = wiring.gradient_counts(9, 3, stride=2, padding=1, dilation=2)
    np.testing.assert_array_equal(counts, _counts(9, 3, 2, 1, 2))
    assert list(counts) == [0, 2, 0, 3, 0, 3, 0, 2, 0]


def test_padding_gives_the_border_inputs_more_outputs_at_stride_1_dilation_1_and_with_n_9_stride_2_dilation_2_skips_the_even_inputs():
    # SPECIAL CASE. Stride 1, dilation 1: every padding p >= 1 gives both border inputs more gradient terms.
    for n, k, p in itertools.product([9, 12], [2, 3, 5], [1, 2]):
        c0, c = _counts(n, k, 1, 0, 1), _counts(n, k, 1, p, 1)
        assert c[0] > c0[0] and c[-1] > c0[-1]
    # At the diagram's start (n=9, k=3, s=2) padding 1 leaves both border inputs at 1 term (padding 2 gives 2),
    c0, c1, c2 = (_counts(9, 3, 2, p, 1) for p in (0, 1, 2))
    assert (c0[0], c0[-1]) == (c1[0], c1[-1]) == (1, 1) and (c2[0], c2[-1]) == (2, 2)
    # with a dilation, padding smaller than d does not help even at stride 1,
    assert _counts(9, 3, 1, 1, 2)[0] == _counts(9, 3, 1, 0, 2)[0] == 1
    # and with stride and dilation 2 padding 1 takes the border inputs' only terms away.
    assert (_counts(9, 3, 2, 0, 2)[[0, -1]] == 1).all() and (_counts(9, 3, 2, 1, 2)[[0, -1]] == 0).all()


def test_the_1d_snapshot_y1_reads_x2_x3_x4_x4_gets_gradient_from_y1_and_y2_and_o_is_4():
    w = wiring.wiring(9, 3, stride=2, dilation=1, output=1, input=4)
    assert list(w.reads) == list(_reads(9, 3, 2, 0, 1, 1)) == [2, 3, 4]
    senders = [i for i in range(4) if 4 in _reads(9, 3, 2, 0, 1, i)]
    assert list(w.senders) == senders == [1, 2]
    assert list(w.counts) == list(_counts(9, 3, 2)) == [1, 1, 2, 1, 2, 1, 2, 1, 1]
    assert w.size == (9 + 0 - 2 - 1) // 2 + 1 == 4
    assert [w.taps[i, 4] for i in senders] == [2, 0]                               # x4 is tap w2 of y1, w0 of y2


def test_a_setting_with_no_output_is_said_in_the_figure():
    d = footprint_explorer(n=9, kernel=3, stride=1, dilation=1)
    assert d.error is None and not d.notice.get_visible()
    d.controls["n"].value = 4
    d.controls["dilation"].value = 2                                                # spans 5 > 4 samples
    assert d.result is None and "no output" in d.error
    assert d.notice.get_visible() and d.notice.get_text() == d.error
    assert not any(ax.get_visible() for ax in d.figure.axes)


# ------------------------------------------------------------------------------------ cells 15-16: 2-D

def _footprint_2d(size, k, s, p, d, a, b):
    x = torch.zeros(1, 1, size + 2 * p, size + 2 * p, requires_grad=True)
    F.conv2d(x, torch.ones(1, 1, k, k), stride=s, dilation=d)[0, 0, a, b].backward()
    return x.grad[0, 0].numpy() != 0


def test_in_2d_output_a_b_reads_pixels_as_plus_jd_bs_plus_ld_the_product_of_two_1d_footprints_with_holes():
    for size, k, s, p, d in [(5, 3, 2, 1, 1), (7, 3, 1, 0, 2), (7, 2, 2, 1, 3), (6, 3, 1, 1, 2)]:
        o = conv.output_size(size, k, s, p, d)
        for q in range(o * o):                                                      # stepped row by row
            a, b = divmod(q, o)
            g = wiring.grid_wiring(size, k, s, p, d, output=q)
            torch_fp = _footprint_2d(size, k, s, p, d, a, b)
            rows = np.zeros(size + 2 * p, bool)
            cols = np.zeros(size + 2 * p, bool)
            rows[a * s + np.arange(k) * d], cols[b * s + np.arange(k) * d] = True, True
            assert (g.row, g.col) == (a, b)
            np.testing.assert_array_equal(g.footprint, torch_fp)
            np.testing.assert_array_equal(torch_fp, np.outer(rows, cols))
            holes = _span(np.unique(np.nonzero(torch_fp)[0])) ** 2 - torch_fp.sum()
            assert (holes > 0) == (d > 1 and k > 1)                                 # holes in both directions


def test_in_2d_each_pixel_gets_the_product_of_the_two_1d_gradient_counts():
    for size, k, s, p, d in [(5, 3, 2, 1, 1), (7, 3, 1, 0, 2), (7, 2, 3, 1, 1), (6, 3, 2, 2, 2)]:
        x = torch.zeros(1, 1, size, size, requires_grad=True)
        F.conv2d(x, torch.ones(1, 1, k, k), stride=s, padding=p, dilation=d).sum().backward()
        one_d = _counts(size, k, s, p, d)
        np.testing.assert_array_equal(np.rint(x.grad[0, 0].numpy()), np.outer(one_d, one_d))
        np.testing.assert_array_equal(wiring.grid_wiring(size, k, s, p, d).counts, np.outer(one_d, one_d))


def test_the_2d_snapshot_5x5_padding_1_stride_2_has_3x3_outputs_and_1_to_4_gradient_contributions():
    g = wiring.grid_wiring(5, 3, stride=2, padding=1, dilation=1, output=0)
    y = F.conv2d(torch.zeros(1, 1, 5, 5), torch.zeros(1, 1, 3, 3), stride=2, padding=1)
    assert g.out == y.shape[-1] == (5 + 2 - 2 - 1) // 2 + 1 == 3 and (g.row, g.col) == (0, 0)
    np.testing.assert_array_equal(g.footprint, _footprint_2d(5, 3, 2, 1, 1, 0, 0))
    assert g.footprint[:3, :3].all() and g.footprint.sum() == 9
    assert (int(g.counts.min()), int(g.counts.max())) == (1, 4)


# ------------------------------------------------------------------------------------ cells 21-25: stacks

def test_in_a_stack_layer_l_works_on_units_that_are_the_product_of_the_strides_below_apart():
    for layers in [[(3, 2, 1)] * 4, [(2, 3, 1), (3, 2, 1), (3, 1, 2), (2, 1, 1)], [(3, 1, 2), (3, 2, 1), (2, 2, 1)]]:
        for l in range(1, len(layers) + 1):
            below, jump = layers[:l], int(np.prod([s for _, s, _ in layers[:l]]))
            n = wiring.receptive_field(below) + 3 * jump
            first = [np.flatnonzero(_stack_grad(below, n, out=u))[0] for u in (0, 1, 2)]
            assert np.diff(first).tolist() == [jump, jump]


def test_dense_r_is_1_plus_2l_stride_2_and_doubling_dilations_2_to_the_l_plus_1_minus_1_the_printed_table():
    printed = {"dense": [(3, 254), (5, 252), (7, 250), (9, 248), (11, 246), (13, 244)],
               "stride 2": [(3, 127), (7, 63), (15, 31), (31, 15), (63, 7), (127, 3)],
               "dilation 2^l": [(3, 254), (7, 250), (15, 242), (31, 226), (63, 194), (127, 130)]}
    stacks = {"dense": lambda L: [(3, 1, 1)] * L, "stride 2": lambda L: [(3, 2, 1)] * L,
              "dilation 2^l": lambda L: [(3, 1, 2 ** l) for l in range(L)]}
    closed = {"dense": lambda L: 1 + 2 * L, "stride 2": lambda L: 2 ** (L + 1) - 1,
              "dilation 2^l": lambda L: 2 ** (L + 1) - 1}
    for name, make in stacks.items():
        for L in range(1, 7):
            layers = make(L)
            outputs = _stack(torch.zeros(1, 1, 256), layers).shape[-1]
            r = wiring.receptive_field(layers)
            assert (r, outputs) == printed[name][L - 1] and r == closed[name](L)
    size = 256
    for l in range(6):                                         # no padding: each layer loses (k - 1) d = 2^(l+1)
        new = conv.output_size(size, 3, 1, 0, 2 ** l)
        assert size - new == 2 * 2 ** l
        size = new


def test_each_layer_of_the_strided_stack_halves_the_resolution():
    for n in (256, 255, 100):
        size = n
        while size >= 3:
            new = conv.output_size(size, 3, 2, 0, 1)
            assert new == (size - 1) // 2                    # half, rounded down, less the border
            size = new


def test_the_closed_form_and_torch_agree_on_4_layers_r_9_31_31():
    stacks = {"dense": [(3, 1, 1)] * 4, "stride 2": [(3, 2, 1)] * 4, "dilation 2^l": [(3, 1, 2 ** l) for l in range(4)]}
    for name, layers in stacks.items():
        torch_r = _span(np.flatnonzero(_stack_grad(layers, 200, out=0)))
        assert wiring.receptive_field(layers) == torch_r == {"dense": 9, "stride 2": 31, "dilation 2^l": 31}[name]


def test_stride_2_and_dilations_2_to_the_l_grow_alike_only_dilation_keeps_the_resolution():
    for L in range(1, 8):
        strided, dilated = [(3, 2, 1)] * L, [(3, 1, 2 ** l) for l in range(L)]
        assert wiring.receptive_field(strided) == wiring.receptive_field(dilated) == 2 ** (L + 1) - 1
        if L <= 5:
            n = 2 ** (L + 1) - 1 + 2 ** L * 2
            step = [np.flatnonzero(_stack_grad(layers, n, out=1))[0] for layers in (strided, dilated)]
            assert step == [2 ** L, 1]                        # neighbouring outputs: 2^L samples apart, or 1
            same = [2 ** l for l in range(L)]                 # "same" padding keeps one output per sample
            assert _stack(torch.zeros(1, 1, 64), dilated, padding=same).shape[-1] == 64


# ------------------------------------------------------------------------------------ cells 26-27: the step

def _two_stacks(t, n=64):
    x = np.where(np.arange(n) < t, 0.0, 1.0)
    w = np.ones(3) / 3
    strided, dilated = x, x
    for l in range(3):
        strided = conv.corr1d(strided, w, stride=2)
        dilated = conv.corr1d(dilated, w, dilation=2 ** l, padding=2 ** l)
    return strided, dilated


def test_the_dilated_stacks_fall_at_the_right_end_comes_from_the_zeros_of_the_padding():
    _, dilated = _two_stacks(29)
    assert np.allclose(dilated[36:57], 1.0) and (dilated[57:] < 1 - 1e-9).all()       # falls in the last 7
    x = np.where(np.arange(64) < 29, 0.0, 1.0)
    h = torch.tensor(x)[None, None]
    for l in range(3):                                                                   # pad with ones instead
        h = F.conv1d(F.pad(h, (2 ** l, 2 ** l), mode="replicate"), torch.ones(1, 1, 3) / 3, dilation=2 ** l)
    assert np.allclose(h[0, 0, 36:].numpy(), 1.0)                                        # no fall


def test_as_the_step_moves_where_the_strided_stacks_output_rises_jumps_in_steps_of_8_the_dilated_one_follows_every_sample():
    strided_at, dilated_at = {}, {}
    for t in range(16, 49):
        strided, dilated = _two_stacks(t)
        strided_at[t] = 8 * int(np.argmax(strided > 0.5)) + 7       # each output at the centre of its field
        dilated_at[t] = int(np.argmax(dilated > 0.5))
    assert all(abs(dilated_at[t] - t) <= 1 for t in dilated_at)      # the dilated one follows every sample
    assert len(set(dilated_at.values())) == len(dilated_at)
    assert set(np.diff(sorted(set(strided_at.values())))) == {8}     # the strided one moves in steps of 8
    assert max(abs(strided_at[t] - t) for t in strided_at) >= 4
    # the sentence is about where the output rises: for a clean step the strided outputs' values still differ
    # for every step position, so the position is not lost outright (why the text does not say so)
    values = {tuple(np.round(_two_stacks(t)[0], 9)) for t in range(16, 49)}
    assert len(values) == 33


# ------------------------------------------------------------------------------------ cells 30-33: gridding

def test_with_dilations_1_2_4_8_every_sample_has_at_least_one_path_exactly_one_with_kernel_2():
    for k in (2, 3):
        layers = [(k, 1, d) for d in (1, 2, 4, 8)]
        r = wiring.receptive_field(layers)
        paths = _stack_grad(layers, r)
        np.testing.assert_array_equal(paths, wiring.stack_paths(layers))
        assert paths.size == r and (paths >= 1).all()
        assert (paths == 1).all() == (k == 2)              # kernel 3 (the notebook's stacks): 1 to 5 paths


def test_with_dilations_2_2_2_neighbouring_outputs_look_at_disjoint_sets_of_inputs():
    layers = [(3, 1, 2)] * 3
    seen = [set(np.flatnonzero(_stack_grad(layers, 40, out=i)).tolist()) for i in range(6)]
    assert all(not seen[i] & seen[i + 1] for i in range(5))
    assert all(seen[i] & seen[i + 2] for i in range(4))
    mixed = [(3, 1, 1), (3, 1, 2), (3, 1, 4)]
    seen = [set(np.flatnonzero(_stack_grad(mixed, 40, out=i)).tolist()) for i in range(2)]
    assert seen[0] & seen[1]


def test_dilations_each_at_most_the_field_below_avoid_gridding_mixed_ones_with_a_common_factor_do_not():
    assert (wiring.stack_paths([(3, 1, 1), (3, 1, 2), (3, 1, 4)]) > 0).all()
    assert [wiring.receptive_field([(3, 1, d) for d in (1, 2, 4)][:n]) for n in (1, 2)] == [3, 7]   # the fields below
    for dilations in ([1, 3, 7], [1, 3, 9], [1, 2, 3], [1, 1, 2], [1, 3, 5, 9], [1, 2, 4, 8]):    # each <= the field below it
        assert (wiring.stack_paths([(3, 1, d) for d in dilations]) > 0).all(), dilations
    assert len(_support([1, 2, 4], 3)) == 15
    # SPECIAL CASE: mixing alone is not enough; 2, 4, 8 (mixed, all even) leaves every odd sample unseen
    for dilations in ([2, 4, 8], [2, 4], [3, 6]):
        paths = wiring.stack_paths([(3, 1, d) for d in dilations])
        assert (paths == 0).any() and len(_support(dilations, 3)) < max(_support(dilations, 3)) + 1


def test_paths_per_input_sample_for_dilations_1_2_4_and_2_2_2_are_the_printed_rows():
    printed = {(1, 2, 4): (15, [1, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3, 1, 2, 1, 1]),
               (2, 2, 2): (13, [1, 0, 3, 0, 6, 0, 7, 0, 6, 0, 3, 0, 1])}
    for dilations, (r, row) in printed.items():
        layers = [(3, 1, d) for d in dilations]
        assert wiring.receptive_field(layers) == r
        assert list(wiring.stack_paths(layers)) == list(_stack_grad(layers, r)) == row


def test_stride_2_and_dilations_1_2_4_have_the_same_field_but_the_strided_upper_layers_far_fewer_units():
    for layers, kernel in itertools.product(range(2, 6), (2, 3)):
        strided, dilated = wiring.stack(layers, kernel, "stride 2"), wiring.stack(layers, kernel, "dilations 1, 2, 4, ...")
        assert strided.field == dilated.field == 1 + (kernel - 1) * (2 ** layers - 1)
        assert all(a < b for a, b in zip(strided.sizes[1:-1], dilated.sizes[1:-1]))
        torch_sizes = [_stack(torch.zeros(1, 1, strided.field), strided.layers[:l]).shape[-1] for l in range(layers + 1)]
        assert strided.sizes == torch_sizes
    st, dl = wiring.stack(3, 3, "stride 2"), wiring.stack(3, 3, "dilations 1, 2, 4, ...")
    assert st.sizes == [15, 7, 3, 1] and dl.sizes == [15, 13, 9, 1]


def test_the_stack_builder_snapshot_dilations_2_2_2_r_13_units_13_9_5_1_and_6_holes():
    st = wiring.stack(3, 3, "dilations 2, 2, 2, ...")
    assert st.field == 1 + 2 * 2 * 1 * 3 == 13 and st.jumps == [1, 1, 1, 1]
    torch_sizes = [_stack(torch.zeros(1, 1, 13), st.layers[:l]).shape[-1] for l in range(4)]
    assert st.sizes == torch_sizes == [13, 9, 5, 1]
    paths = _stack_grad(st.layers, 13)
    assert st.holes == int((paths == 0).sum()) == 6


def test_equal_dilations_leave_holes():
    for d, L, k in itertools.product([2, 3, 4], [1, 2, 3, 4], [2, 3]):
        layers = [(k, 1, d)] * L
        paths = wiring.stack_paths(layers)
        unseen = np.flatnonzero(paths == 0)
        assert set(unseen.tolist()) == {m for m in range(paths.size) if m % d}    # every non-multiple of d
    assert (wiring.stack_paths([(3, 1, 1)] * 3) > 0).all()                          # (equal dilations of 1: none)


# ------------------------------------------------------------------------------------ the exercises' texts

def test_a_layers_own_stride_does_not_widen_its_own_field_only_the_layers_above_it():
    for base in ([(3, 1, 1), (3, 1, 2)], [(5, 2, 1), (3, 1, 2)]):
        fields = {s: wiring.receptive_field(base[:-1] + [(base[-1][0], s, base[-1][2])]) for s in (1, 2, 3)}
        torch_fields = {s: _span(np.flatnonzero(_stack_grad(base[:-1] + [(base[-1][0], s, base[-1][2])], 60)))
                        for s in (1, 2, 3)}
        assert len(set(fields.values())) == 1 and fields == torch_fields
        above = [wiring.receptive_field(base[:-1] + [(base[-1][0], s, base[-1][2]), (3, 1, 1)]) for s in (1, 2, 3)]
        assert above[0] < above[1] < above[2]                                      # the layer above reaches further


def test_four_layers_of_stride_2_or_dilations_1_2_4_8_both_widen_by_2_4_8_16_to_r_31_one_output_in_16_or_every():
    strided, dilated = [(3, 2, 1)] * 4, [(3, 1, d) for d in (1, 2, 4, 8)]
    widen = {name: [wiring.receptive_field(layers[:l + 1]) - wiring.receptive_field(layers[:l]) for l in range(4)]
             for name, layers in {"s": strided, "d": dilated}.items()}
    assert widen == {"s": [2, 4, 8, 16], "d": [2, 4, 8, 16]}
    assert wiring.receptive_field(strided) == 1 + 2 * (1 + 2 + 4 + 8) == 31
    for layers in (strided, dilated):                    # layer l's taps, in input samples: 2^(l-1) apart
        spans = [1] + [_span(np.flatnonzero(_stack_grad(layers[:l], 60))) for l in range(1, 5)]
        assert np.diff(spans).tolist() == [2 * 2 ** (l - 1) for l in range(1, 5)]
    n = 256
    out = _stack(torch.zeros(1, 1, n), strided).shape[-1]
    assert out == 15 and abs(n / out - 16) < 2                                     # about 1 output in 16
    assert _stack(torch.zeros(1, 1, n), dilated, padding=[1, 2, 4, 8]).shape[-1] == n


def test_a_layer_of_kernel_2_and_dilation_d_adds_d_samples_r_is_1_plus_the_sum_of_the_dilations():
    rng = np.random.default_rng(5)
    for _ in range(20):
        dilations = rng.integers(1, 9, size=rng.integers(1, 6)).tolist()
        layers = [(2, 1, d) for d in dilations]
        r = 1 + sum(dilations)
        assert wiring.receptive_field(layers) == r == max(_support(dilations, 2)) + 1
        assert _span(np.flatnonzero(_stack_grad(layers, r))) == r


def test_a_dilation_no_larger_than_the_field_so_far_leaves_no_holes_and_at_most_doubles_the_field():
    for L in range(1, 5):
        for dilations in itertools.product(range(1, 9), repeat=L):
            fields = np.cumsum((1,) + dilations)                  # field after each layer, kernel 2
            if all(d <= f for d, f in zip(dilations, fields)):
                assert _hole_free_field(dilations) == fields[-1]   # no holes
                assert all(b <= 2 * a for a, b in itertools.pairwise(fields))
    # sufficient, not necessary: 2 then 1 has a hole after the first layer that the second fills
    assert _hole_free_field((2, 1)) == 4 and (wiring.stack_paths([(2, 1, 2), (2, 1, 1)]) == 1).all()


def test_fewest_dilations_has_the_fewest_layers_of_any_hole_free_kernel_2_stack():
    for target in range(2, 18):
        answer = ex._fewest_dilations(target)
        assert (wiring.stack_paths([(2, 1, d) for d in answer]) > 0).all()
        assert wiring.receptive_field([(2, 1, d) for d in answer]) >= target
        assert len(answer) == math.ceil(math.log2(target))
        for L in range(1, len(answer)):                          # brute force: no shorter stack reaches it
            assert all(_hole_free_field(ds) < target for ds in itertools.product(range(1, target + 1), repeat=L))
