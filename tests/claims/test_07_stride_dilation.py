"""Notebook 07's sentences that state a fact, one test each, named after the sentence (only those this stop wrote;
the rest of the notebook's truth pass is issue 16)."""

from __future__ import annotations

import numpy as np
import torch

from lecturekit import conv, wiring


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
