"""RNN, GRU and LSTM cells written from the lecture's equations, and ``unroll``.

Each cell is a ``torch.nn.Module`` whose parameters carry the lecture's names, with shapes
(hidden, input) for W, (hidden, hidden) for U and (hidden,) for b. Shapes: x is
(batch, input_size), h and c are (batch, hidden_size). Any float dtype (``cell.double()``).

tanh RNN:   h_t = tanh(W_h x_t + U_h h_(t-1) + b_h)

GRU (Cho et al. 2014, the lecture):
    z_t = sigma(W_z x_t + U_z h_(t-1) + b_z)                        update gate
    r_t = sigma(W_r x_t + U_r h_(t-1) + b_r)                        reset gate
    h_t = z_t * h_(t-1) + (1 - z_t) * tanh(W_h x_t + U_h (r_t * h_(t-1)) + b_h)
  ``variant="torch"`` (torch and cuDNN) applies the reset gate after the matrix product,
    ... tanh(W_h x_t + b_h + r_t * (U_h h_(t-1) + b_hn)),
  with one more bias ``b_hn``. Both keep h_(t-1) where z_t = 1: torch's h' = (1 - z) n + z h
  is the lecture's equation with n for the candidate.

LSTM (Hochreiter & Schmidhuber 1997, the lecture; sigma_c = sigma_h = tanh):
    f_t = sigma(W_f x_t + U_f h_(t-1) + b_f)                        forget gate
    i_t = sigma(W_i x_t + U_i h_(t-1) + b_i)                        input gate
    o_t = sigma(W_o x_t + U_o h_(t-1) + b_o)                        output gate
    c_t = f_t * c_(t-1) + i_t * tanh(W_c x_t + U_c h_(t-1) + b_c)
    h_t = o_t * tanh(c_t)

Speed: the input part ``W x_t + b`` of every gate does not depend on the state, so
:func:`unroll` computes it for all T steps in one matrix product, and each step then does
one product with the gates' U matrices stacked. ``forward`` is the same ``step`` on one x.
For the LSTM, ``unroll`` runs the loop in :class:`lecturekit.bptt.LSTMSequence`, whose backward
pass (back-propagation through time) is written out instead of recorded step by step by autograd.
Notebook 04's experiments with these cells are :mod:`lecturekit.gates`.
"""

from __future__ import annotations

import math
from typing import Literal

import torch
from torch import Tensor, nn

from .bptt import LSTMSequence

__all__ = [
    "RNNCell",
    "GRUCell",
    "LSTMCell",
    "unroll",
    "trace",
    "record_states",
    "make_cell",
]

State = Tensor | tuple[Tensor, Tensor]


class _Cell(nn.Module):
    """What the three cells share: parameters named after the lecture, stacked gate by gate.

    A subclass lists its gates (``GATES``, e.g. "zrh") and its extra parameters, and writes
    ``step(wx, state, U, record)``: one step given ``wx = W x_t + b`` for all gates.
    """

    GATES: str = ""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        if input_size < 1 or hidden_size < 1:
            raise ValueError(f"input_size and hidden_size must be >= 1; got {input_size}, {hidden_size}")
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        H, I = self.hidden_size, self.input_size
        for g in self.GATES:
            setattr(self, f"W_{g}", nn.Parameter(torch.empty(H, I)))  # (hidden, input)
            setattr(self, f"U_{g}", nn.Parameter(torch.empty(H, H)))  # (hidden, hidden)
            setattr(self, f"b_{g}", nn.Parameter(torch.empty(H)))     # (hidden,)

    def reset_parameters(self, seed: int = 0) -> None:
        """torch's initialisation: every entry uniform on [-1/sqrt(hidden), 1/sqrt(hidden)], drawn from ``seed``."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        generator = torch.Generator().manual_seed(int(seed))
        with torch.no_grad():
            for p in self.parameters():
                p.uniform_(-bound, bound, generator=generator)

    def stacked(self) -> tuple[Tensor, Tensor, Tensor]:
        """The gates' parameters stacked in the order of ``GATES``: W (G*H, I), U (G*H, H), b (G*H,)."""
        W = torch.cat([getattr(self, f"W_{g}") for g in self.GATES])
        U = torch.cat([getattr(self, f"U_{g}") for g in self.GATES])
        b = torch.cat([getattr(self, f"b_{g}") for g in self.GATES])
        return W, U, b

    def initial_state(self, batch: int, *, dtype=None, device=None) -> State:
        """Zeros: h (batch, hidden), and for the LSTM (h, c)."""
        like = getattr(self, f"U_{self.GATES[0]}")
        return torch.zeros(batch, self.hidden_size, dtype=dtype or like.dtype, device=device or like.device)

    def forward(self, x: Tensor, state: State | None = None) -> State:
        """One step: x (batch, input_size), state as in the class docstring -> the new state."""
        if x.ndim != 2 or x.shape[1] != self.input_size:
            raise ValueError(f"x must be (batch, {self.input_size}); got shape {tuple(x.shape)}")
        if state is None:
            state = self.initial_state(x.shape[0], dtype=x.dtype, device=x.device)
        W, U, b = self.stacked()
        wx = torch.addmm(b, x, W.T)  # W x_t + b for every gate: (batch, G*H)
        return self.step(wx, state, U)

    def step(self, wx: Tensor, state: State, U: Tensor, record: dict | None = None) -> State:
        """One step from ``wx`` = W x_t + b (batch, G*H) and the stacked U (G*H, H); each subclass writes it.

        ``record``, if given, collects each gate's value (name -> list of (batch, H) tensors).
        """
        raise NotImplementedError(f"{type(self).__name__} must define step()")

    def extra_repr(self) -> str:
        return f"input_size={self.input_size}, hidden_size={self.hidden_size}"


class RNNCell(_Cell):
    """The tanh RNN, h_t = tanh(W_h x_t + U_h h_(t-1) + b_h); parameters ``W_h U_h b_h``."""

    GATES = "h"

    def __init__(self, input_size: int, hidden_size: int, *, seed: int = 0):
        super().__init__(input_size, hidden_size)
        self.reset_parameters(seed)

    def step(self, wx, h, U, record=None):
        h = torch.tanh(torch.addmm(wx, h, U.T))  # tanh(W_h x_t + b_h + U_h h_(t-1)): (batch, H)
        if record is not None:
            record.setdefault("h", []).append(h)
        return h

    @classmethod
    def from_torch(cls, cell: nn.RNNCell | nn.RNN) -> "RNNCell":
        """A copy of a tanh ``torch.nn.RNNCell`` (or one-layer ``nn.RNN``): same outputs up to rounding, same dtype."""
        w_ih, w_hh, b_ih, b_hh = _torch_weights(cell, nn.RNNCell, nn.RNN)
        if cell.nonlinearity != "tanh":
            raise ValueError(f"only the tanh RNN has a lecture counterpart; got {cell.nonlinearity!r}")
        new = cls(cell.input_size, cell.hidden_size).to(w_ih.dtype)
        with torch.no_grad():
            new.W_h.copy_(w_ih)
            new.U_h.copy_(w_hh)
            new.b_h.copy_(b_ih + b_hh)
        return new


class GRUCell(_Cell):
    """The GRU; ``variant="lecture"`` (Cho et al. 2014) or ``"torch"`` (reset after U_h, bias b_hn).

    Parameters ``W_z U_z b_z W_r U_r b_r W_h U_h b_h``, and ``b_hn`` (hidden,) for the torch
    variant. See the module docstring for the equations.
    """

    GATES = "zrh"

    def __init__(self, input_size: int, hidden_size: int, variant: Literal["lecture", "torch"] = "lecture", *,
                 seed: int = 0):
        if variant not in ("lecture", "torch"):
            raise ValueError(f"variant must be 'lecture' or 'torch'; got {variant!r}")
        super().__init__(input_size, hidden_size)
        self.variant = variant
        if variant == "torch":
            self.b_hn = nn.Parameter(torch.empty(hidden_size))  # (hidden,): inside r_t * (U_h h + b_hn)
        self.reset_parameters(seed)

    def step(self, wx, h, U, record=None):
        H = self.hidden_size
        wx_zr, wx_h = wx[:, :2 * H], wx[:, 2 * H:]  # W_g x_t + b_g for g = z, r: (batch, 2H); for h: (batch, H)
        if self.variant == "lecture":
            z, r = torch.sigmoid(torch.addmm(wx_zr, h, U[:2 * H].T)).split(H, dim=1)  # z_t, r_t: (batch, H) each
            h_tilde = torch.tanh(torch.addmm(wx_h, r * h, U[2 * H:].T))  # tanh(W_h x + U_h (r * h) + b_h)
        else:
            uh = torch.mm(h, U.T)  # U_g h_(t-1) for g = z, r, h in one product: (batch, 3H)
            z, r = torch.sigmoid(wx_zr + uh[:, :2 * H]).split(H, dim=1)
            h_tilde = torch.tanh(wx_h + r * (uh[:, 2 * H:] + self.b_hn))  # tanh(W_h x + b_h + r * (U_h h + b_hn))
        h_new = z * h + (1 - z) * h_tilde  # z_t near 1: keep h_(t-1)
        if record is not None:
            for name, value in (("z", z), ("r", r), ("h_tilde", h_tilde), ("h", h_new)):
                record.setdefault(name, []).append(value)
        return h_new

    @classmethod
    def from_torch(cls, cell: nn.GRUCell | nn.GRU) -> "GRUCell":
        """A ``variant="torch"`` copy of a ``torch.nn.GRUCell`` (or one-layer ``nn.GRU``): same outputs
        up to rounding, same dtype.

        torch stacks its gates in the order r, z, n and keeps two biases per gate; here
        b_z = b_iz + b_hz, b_r = b_ir + b_hr, b_h = b_in, b_hn = b_hn.
        """
        w_ih, w_hh, b_ih, b_hh = _torch_weights(cell, nn.GRUCell, nn.GRU)
        new = cls(cell.input_size, cell.hidden_size, variant="torch").to(w_ih.dtype)
        W_r, W_z, W_n = w_ih.chunk(3)
        U_r, U_z, U_n = w_hh.chunk(3)
        b_ir, b_iz, b_in = b_ih.chunk(3)
        b_hr, b_hz, b_hn = b_hh.chunk(3)
        with torch.no_grad():
            for name, value in (("W_z", W_z), ("U_z", U_z), ("b_z", b_iz + b_hz),
                                ("W_r", W_r), ("U_r", U_r), ("b_r", b_ir + b_hr),
                                ("W_h", W_n), ("U_h", U_n), ("b_h", b_in), ("b_hn", b_hn)):
                getattr(new, name).copy_(value)
        return new

    def extra_repr(self) -> str:
        return super().extra_repr() + f", variant={self.variant!r}"


class LSTMCell(_Cell):
    """The LSTM; parameters ``W_f U_f b_f W_i U_i b_i W_o U_o b_o W_c U_c b_c``; state (h, c)."""

    GATES = "fioc"

    def __init__(self, input_size: int, hidden_size: int, *, seed: int = 0):
        super().__init__(input_size, hidden_size)
        self.reset_parameters(seed)

    def initial_state(self, batch: int, *, dtype=None, device=None) -> tuple[Tensor, Tensor]:
        h = super().initial_state(batch, dtype=dtype, device=device)
        return h, torch.zeros_like(h)

    def step(self, wx, state, U, record=None):
        h, c = state
        H = self.hidden_size
        pre = torch.addmm(wx, h, U.T)  # W_g x_t + U_g h_(t-1) + b_g for g = f, i, o, c: (batch, 4H)
        f, i, o = torch.sigmoid(pre[:, :3 * H]).split(H, dim=1)  # f_t, i_t, o_t: 3 x (batch, H)
        c_tilde = torch.tanh(pre[:, 3 * H:])                      # sigma_c(W_c x_t + U_c h_(t-1) + b_c)
        c_new = f * c + i * c_tilde                               # f_t near 1: c passes unchanged
        h_new = o * torch.tanh(c_new)                             # h_t = o_t * sigma_h(c_t)
        if record is not None:
            for name, value in (("f", f), ("i", i), ("o", o), ("c_tilde", c_tilde), ("c", c_new), ("h", h_new)):
                record.setdefault(name, []).append(value)
        return h_new, c_new

    @classmethod
    def from_torch(cls, cell: nn.LSTMCell | nn.LSTM) -> "LSTMCell":
        """A copy of a ``torch.nn.LSTMCell`` (or one-layer ``nn.LSTM``): same outputs up to rounding, same dtype.

        torch stacks its gates in the order i, f, g (our c), o, with two biases per gate,
        which are summed here.
        """
        w_ih, w_hh, b_ih, b_hh = _torch_weights(cell, nn.LSTMCell, nn.LSTM)
        new = cls(cell.input_size, cell.hidden_size).to(w_ih.dtype)
        W = dict(zip("ifco", w_ih.chunk(4)))
        U = dict(zip("ifco", w_hh.chunk(4)))
        b = dict(zip("ifco", (b_ih + b_hh).chunk(4)))
        with torch.no_grad():
            for g in "fioc":
                getattr(new, f"W_{g}").copy_(W[g])
                getattr(new, f"U_{g}").copy_(U[g])
                getattr(new, f"b_{g}").copy_(b[g])
        return new


def _torch_weights(module: nn.Module, cell_type: type, layer_type: type) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """``(weight_ih, weight_hh, bias_ih, bias_hh)`` of a torch cell, or of a one-layer, one-direction torch layer.

    A module built with ``bias=False`` gets zero biases.
    """
    if isinstance(module, layer_type):
        if module.num_layers != 1 or module.bidirectional or getattr(module, "proj_size", 0):
            raise ValueError("from_torch copies one layer in one direction without projection; got "
                             f"num_layers={module.num_layers}, bidirectional={module.bidirectional}")
        suffix = "_l0"
    elif isinstance(module, cell_type):
        suffix = ""
    else:
        raise ValueError(f"expected a torch.nn.{cell_type.__name__} or torch.nn.{layer_type.__name__}; "
                         f"got {type(module).__name__}")
    w_ih, w_hh = getattr(module, "weight_ih" + suffix), getattr(module, "weight_hh" + suffix)
    zeros = torch.zeros(w_ih.shape[0], dtype=w_ih.dtype, device=w_ih.device)
    b_ih, b_hh = (getattr(module, f"bias_{which}{suffix}", None) for which in ("ih", "hh"))
    return (w_ih.detach(), w_hh.detach(), zeros if b_ih is None else b_ih.detach(),
            zeros if b_hh is None else b_hh.detach())


def _check_sequence(xs: Tensor) -> None:
    if not isinstance(xs, Tensor) or xs.ndim != 3:
        shape = tuple(xs.shape) if hasattr(xs, "shape") else type(xs).__name__
        raise ValueError(f"xs must be a tensor (T, batch, input_size); got {shape}")
    if xs.shape[0] < 1:
        raise ValueError("xs must hold at least one step (T >= 1)")


def _first(state: State) -> Tensor:
    return state[0] if isinstance(state, tuple) else state


def unroll(cell: nn.Module, xs: Tensor, state: State | None = None) -> tuple[Tensor, State]:
    """Run ``cell`` over a sequence: xs (T, batch, input) -> (outputs (T, batch, hidden), final state).

    outputs[t] is h_t (for the LSTM the h of (h, c)); the final state is h_T, or (h_T, c_T).
    ``state=None`` starts from zeros. Differentiable. For the cells of this module, W x_t + b
    is computed for all steps in one product before the loop; any other cell with torch's
    calling convention (``torch.nn.GRUCell``, ...) is called step by step.
    """
    return _run(cell, xs, state, record=None)


def trace(cell: nn.Module, xs: Tensor, state: State | None = None) -> dict[str, Tensor]:
    """Every step's gates and states while unrolling: name -> tensor (T, batch, hidden).

    GRU: "z", "r", "h_tilde", "h"; LSTM: "f", "i", "o", "c_tilde", "c", "h"; RNN: "h".
    """
    if not isinstance(cell, _Cell):
        raise ValueError(f"trace reads the gates of this module's cells (RNNCell, GRUCell, LSTMCell); "
                         f"got {type(cell).__name__}: convert a torch cell with from_torch first")
    record: dict[str, list[Tensor]] = {}
    _run(cell, xs, state, record=record)
    return {name: torch.stack(values) for name, values in record.items()}


def record_states(cell: nn.Module, xs: Tensor, record: dict, state: State | None = None) -> State:
    """Unroll a cell of this module step by step, appending each gate and state to ``record``
    (name -> list of (batch, hidden) tensors, nodes of autograd's graph); returns the final state.

    Unlike :func:`trace` the lists hold the graph's own tensors, so ``torch.autograd.grad`` can
    differentiate with respect to every h_t (what :func:`lecturekit.gates.gradient_flow` does).
    """
    if not isinstance(cell, _Cell):
        raise ValueError(f"record_states reads the gates of this module's cells; got {type(cell).__name__}")
    return _run(cell, xs, state, record=record)[1]


def _run(cell, xs, state, record):
    _check_sequence(xs)
    T, B, _ = xs.shape
    outputs = []
    if isinstance(cell, _Cell):
        if xs.shape[2] != cell.input_size:
            raise ValueError(f"xs must be (T, batch, {cell.input_size}); got shape {tuple(xs.shape)}")
        if state is None:
            state = cell.initial_state(B, dtype=xs.dtype, device=xs.device)
        elif isinstance(cell, LSTMCell) != isinstance(state, tuple):
            raise ValueError("the LSTM's state is a pair (h, c); the RNN's and the GRU's a single tensor h")
        W, U, b = cell.stacked()
        wx = torch.addmm(b, xs.reshape(T * B, -1), W.T).view(T, B, -1)  # all steps at once: (T, batch, G*H)
        if isinstance(cell, LSTMCell) and record is None:
            hs, c_T = LSTMSequence.apply(wx, U, *state)
            return hs, (hs[-1], c_T)
        for wx_t in wx.unbind(0):  # unbind, not wx[t]: its backward is one stack, not T full-size zeros
            state = cell.step(wx_t, state, U, record)
            outputs.append(_first(state))
    else:
        for t in range(T):
            state = cell(xs[t], state)
            outputs.append(_first(state))
    return torch.stack(outputs), state  # (T, batch, hidden)


def make_cell(kind: Literal["rnn", "gru", "lstm"], input_size: int, hidden_size: int, **kwargs) -> _Cell:
    """``RNNCell``, ``GRUCell`` or ``LSTMCell`` by name ("rnn", "gru", "lstm")."""
    classes = {"rnn": RNNCell, "gru": GRUCell, "lstm": LSTMCell}
    if kind not in classes:
        raise ValueError(f"kind must be one of {sorted(classes)}; got {kind!r}")
    return classes[kind](input_size, hidden_size, **kwargs)
