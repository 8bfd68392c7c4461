"""Claims of notebook 04 (only those this stop rewrote; the notebook's full truth pass is issue 15)."""

from __future__ import annotations

import torch

from lecturekit import cells


def _pair(reset_bias, seed=0):
    g = torch.Generator().manual_seed(seed)
    lecture = cells.GRUCell(3, 5, variant="lecture").double()
    torch_variant = cells.GRUCell(3, 5, variant="torch").double()
    with torch.no_grad():
        for _, p in lecture.named_parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype))
        if reset_bias is not None:          # r_t = sigma(b_r) in every unit: the same value c everywhere
            lecture.W_r.zero_(), lecture.U_r.zero_(), lecture.b_r.fill_(reset_bias)
        for name, p in lecture.named_parameters():
            getattr(torch_variant, name).copy_(p)
        torch_variant.b_hn.zero_()
        xs = torch.randn(20, 2, 3, generator=g, dtype=torch.float64)
        return float((cells.unroll(lecture, xs)[0] - cells.unroll(torch_variant, xs)[0]).abs().max())


def test_the_two_gru_conventions_agree_whenever_r_is_the_same_in_every_unit():
    for b_r in (-3.0, 0.0, 0.3, 2.0):          # c = sigma(b_r) from 0.05 to 0.88, not only 0 or 1
        for seed in (0, 1):
            assert _pair(b_r, seed) < 1e-12


def test_they_differ_when_r_differs_between_units():
    assert _pair(None) > 1e-2
