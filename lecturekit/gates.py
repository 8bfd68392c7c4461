"""Notebook 04's experiments with the gated cells: a sequence regressor, gradient flow through time in a
tanh RNN, a GRU and an LSTM, and the gap between the two GRU conventions.

The cells themselves are :mod:`lecturekit.cells`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from .cells import GRUCell, make_cell, record_states, trace, unroll

__all__ = ["SequenceRegressor", "GradientFlow", "gradient_flow", "gate_values", "gru_variant_gap"]


class SequenceRegressor(nn.Module):
    """A recurrent cell read out at the last step: x (batch, T, input) -> y (batch,).

    y = v . h_T + a, with h_T from :func:`unroll`. ``cell`` is a cell of this module or of
    torch (``nn.LSTMCell``, ...), or a whole torch layer (``nn.LSTM``, ``nn.GRU``, ``nn.RNN``,
    which run their loop in C++ and are faster).
    """

    def __init__(self, cell: nn.Module, hidden_size: int):
        super().__init__()
        self.cell = cell
        self.readout = nn.Linear(hidden_size, 1)

    def forward(self, x: Tensor) -> Tensor:
        xs = x.transpose(0, 1)  # (batch, T, input) -> (T, batch, input)
        if isinstance(self.cell, nn.RNNBase):
            if self.cell.batch_first:
                raise ValueError("use a torch layer with batch_first=False")
            outputs, _ = self.cell(xs)
        else:
            outputs, _ = unroll(self.cell, xs)
        return self.readout(outputs[-1]).squeeze(-1)  # (batch, hidden) -> (batch,)

@dataclass
class GradientFlow:
    """||dL/dh_t|| for t = 1..T for each cell on the same input, L = sum of h_T.

    ``norms`` maps "rnn", "gru", "lstm" to arrays (T,); ``cell_norms`` is ||dL/dc_t|| of the
    LSTM's cell state. ``steps`` is 1..T.
    """

    steps: np.ndarray
    norms: dict[str, np.ndarray]
    cell_norms: np.ndarray
    recurrent_scale: float
    remember_bias: float

def gradient_flow(recurrent_scale: float = 1.0, remember_bias: float = 0.0, steps: int = 100,
                  *, hidden_size: int = 32, input_size: int = 4, seed: int = 0) -> GradientFlow:
    """How far back a gradient reaches in a tanh RNN, a GRU and an LSTM with the same weights' scale.

    Every cell gets U matrices with entries N(0, recurrent_scale**2 / hidden) (spectral radius
    about ``recurrent_scale``), W with entries N(0, 1 / input), zero biases except the
    "remember" gate's: b_f of the LSTM and b_z of the GRU are ``remember_bias``. The input is
    one sequence (T = steps, batch 1) of N(0, 1) values, the same for all three; the loss is
    L = sum(h_T), and the result holds ||dL/dh_t|| for every t (float64, no overflow).
    """
    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a whole number >= 1; got {steps!r}")
    steps = int(steps)
    gen = torch.Generator().manual_seed(seed)
    dtype = torch.float64
    xs = torch.randn(steps, 1, input_size, generator=gen, dtype=dtype)
    norms, cell_norms = {}, None
    for kind in ("rnn", "gru", "lstm"):
        cell = make_cell(kind, input_size, hidden_size).to(dtype)
        with torch.no_grad():
            for name, p in cell.named_parameters():
                if name.startswith("U_"):
                    p.copy_(torch.randn(p.shape, generator=gen, dtype=dtype) * recurrent_scale / math.sqrt(hidden_size))
                elif name.startswith("W_"):
                    p.copy_(torch.randn(p.shape, generator=gen, dtype=dtype) / math.sqrt(input_size))
                else:
                    p.zero_()
            if kind == "lstm":
                cell.b_f.fill_(remember_bias)
            elif kind == "gru":
                cell.b_z.fill_(remember_bias)
        record: dict[str, list[Tensor]] = {}
        record_states(cell, xs, record)
        hs = record["h"]  # h_1 ... h_T, each a node of the graph: (1, hidden) each
        cs = record.get("c", [])
        grads = torch.autograd.grad(hs[-1].sum(), hs + cs)  # dL/dh_t (and dL/dc_t), L = sum(h_T)
        norms[kind] = np.array([float(g.norm()) for g in grads[:steps]])
        if kind == "lstm":
            cell_norms = np.array([float(g.norm()) for g in grads[steps:]])
    return GradientFlow(steps=np.arange(1, steps + 1), norms=norms, cell_norms=cell_norms,
                        recurrent_scale=float(recurrent_scale), remember_bias=float(remember_bias))

def gate_values(cell: nn.Module, x: Tensor, *, units=None) -> dict[str, np.ndarray]:
    """A cell's gates and states while it reads one sequence x (T, input_size), for the chosen units.

    Returns name -> (T, units shown) arrays, the names of :func:`lecturekit.cells.trace` ("f", "i",
    "o", "c" of an LSTM; "z", "r", "h" of a GRU; ...). ``units`` are hidden-unit indices (None: all).
    The states "c" and "h" are divided unit by unit by their largest |value|, so that a small unit
    shows its jumps too; the gates are left as they are, in [0, 1].
    """
    if x.ndim != 2:
        raise ValueError(f"x must be one sequence (T, input_size); got shape {tuple(x.shape)}")
    shown = list(range(cell.hidden_size)) if units is None else [int(u) for u in units]
    if not shown or min(shown) < 0 or max(shown) >= cell.hidden_size:
        raise ValueError(f"units must be indices in [0, {cell.hidden_size}); got {units!r}")
    with torch.no_grad():
        traced = trace(cell, x[:, None, :])  # name -> (T, 1, hidden)
    values = {}
    for name, v in traced.items():
        v = v[:, 0, shown].numpy()  # (T, units shown)
        if name in ("c", "h"):
            v = v / np.maximum(np.abs(v).max(axis=0), 1e-12)
        values[name] = v
    return values


def gru_variant_gap(reset_bias: float, *, steps: int = 20, input_size: int = 4, hidden_size: int = 16,
                    seed: int = 0) -> float:
    """max |h_t(lecture) - h_t(torch)| over one random sequence, both GRUs with the same parameters.

    The torch variant's extra bias b_hn is 0 and b_r = ``reset_bias``, so the two differ only
    in where r_t acts: U_h (r_t * h) against r_t * (U_h h). They agree whenever r_t has the same
    value in every unit (U_h commutes with c I): near r_t = 1 (a large reset bias) and near r_t = 0
    (a very negative one) alike. They differ most when r_t varies from unit to unit, around b_r = 0.
    """
    gen = torch.Generator().manual_seed(seed)
    lecture = GRUCell(input_size, hidden_size, variant="lecture").double()
    torch_variant = GRUCell(input_size, hidden_size, variant="torch").double()
    with torch.no_grad():
        for name, p in lecture.named_parameters():
            p.copy_(torch.randn(p.shape, generator=gen, dtype=p.dtype) / math.sqrt(p.shape[-1]))
        lecture.b_r.fill_(reset_bias)
        for name, p in lecture.named_parameters():
            getattr(torch_variant, name).copy_(p)
        torch_variant.b_hn.zero_()
        xs = torch.randn(steps, 1, input_size, generator=gen, dtype=torch.float64)
        h_lecture, _ = unroll(lecture, xs)
        h_torch, _ = unroll(torch_variant, xs)
    return float((h_lecture - h_torch).abs().max())
