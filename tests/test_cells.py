"""cells: the GRU, LSTM and RNN against torch's own modules and against the lecture's equations in numpy."""

import numpy as np
import pytest
import torch
from torch import nn

from lecturekit import bptt, cells, gates

F64 = torch.float64


def _seq(T, B, I, seed=0, dtype=F64):
    return torch.randn(T, B, I, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def _torch_loop(cell, xs, state=None):
    outs = []
    for x_t in xs:
        state = cell(x_t, state)
        outs.append(state[0] if isinstance(state, tuple) else state)
    return torch.stack(outs), state


# --- the lecture's equations, written independently in numpy -----------------------------------

def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def numpy_gru_lecture(p, xs, h):
    """h_t = z h_(t-1) + (1 - z) tanh(W_h x + U_h (r h_(t-1)) + b_h), one example at a time (column vectors)."""
    out = []
    for x in xs:
        z = _sigmoid(p["W_z"] @ x + p["U_z"] @ h + p["b_z"])
        r = _sigmoid(p["W_r"] @ x + p["U_r"] @ h + p["b_r"])
        h = z * h + (1 - z) * np.tanh(p["W_h"] @ x + p["U_h"] @ (r * h) + p["b_h"])
        out.append(h)
    return np.array(out)


def numpy_lstm(p, xs, h, c):
    out = []
    for x in xs:
        f = _sigmoid(p["W_f"] @ x + p["U_f"] @ h + p["b_f"])
        i = _sigmoid(p["W_i"] @ x + p["U_i"] @ h + p["b_i"])
        o = _sigmoid(p["W_o"] @ x + p["U_o"] @ h + p["b_o"])
        c = f * c + i * np.tanh(p["W_c"] @ x + p["U_c"] @ h + p["b_c"])
        h = o * np.tanh(c)
        out.append(h)
    return np.array(out), c


def _params(cell):
    return {name: p.detach().numpy() for name, p in cell.named_parameters()}


# --- parameters: the names and shapes of the public API ------------------------------------------

@pytest.mark.parametrize("cell, names", [
    (cells.RNNCell(3, 5), "W_h U_h b_h"),
    (cells.GRUCell(3, 5), "W_z U_z b_z W_r U_r b_r W_h U_h b_h"),
    (cells.GRUCell(3, 5, variant="torch"), "W_z U_z b_z W_r U_r b_r W_h U_h b_h b_hn"),
    (cells.LSTMCell(3, 5), "W_f U_f b_f W_i U_i b_i W_o U_o b_o W_c U_c b_c"),
])
def test_parameters_are_named_and_shaped_as_in_the_lecture(cell, names):
    params = dict(cell.named_parameters())
    assert sorted(params) == sorted(names.split())
    for name, p in params.items():
        expected = {"W": (5, 3), "U": (5, 5), "b": (5,)}[name[0]]
        assert tuple(p.shape) == expected, name


def test_bad_arguments_raise_value_errors():
    with pytest.raises(ValueError, match="variant"):
        cells.GRUCell(3, 4, variant="cudnn")
    with pytest.raises(ValueError, match="hidden_size"):
        cells.LSTMCell(3, 0)
    with pytest.raises(ValueError, match=r"\(T, batch, input_size\)"):
        cells.unroll(cells.LSTMCell(3, 4), torch.zeros(5, 3))
    with pytest.raises(ValueError, match=r"\(T, batch, 3\)"):
        cells.unroll(cells.GRUCell(3, 4), torch.zeros(5, 2, 4))
    with pytest.raises(ValueError, match=r"\(batch, 3\)"):
        cells.GRUCell(3, 4)(torch.zeros(2, 4))
    with pytest.raises(ValueError, match=r"pair \(h, c\)"):
        cells.unroll(cells.LSTMCell(3, 4), torch.zeros(5, 2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="from_torch"):
        cells.trace(nn.GRUCell(3, 4), torch.zeros(5, 2, 3))
    with pytest.raises(ValueError, match="one layer"):
        cells.LSTMCell.from_torch(nn.LSTM(3, 4, num_layers=2))
    with pytest.raises(ValueError, match="LSTMCell"):
        cells.LSTMCell.from_torch(nn.GRUCell(3, 4))
    with pytest.raises(ValueError, match="tanh"):
        cells.RNNCell.from_torch(nn.RNNCell(3, 4, nonlinearity="relu"))


# --- against torch ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype, tol", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
@pytest.mark.parametrize("bias", [True, False])
def test_torch_variant_gru_equals_torch_grucell(dtype, tol, bias):
    torch.manual_seed(1)
    ref = nn.GRUCell(3, 6, bias=bias).to(dtype)
    ours = cells.GRUCell.from_torch(ref)
    assert ours.variant == "torch" and ours.b_z.dtype == dtype
    xs = _seq(20, 4, 3, dtype=dtype)
    h0 = _seq(1, 4, 6, seed=2, dtype=dtype)[0]
    expected, _ = _torch_loop(ref, xs, h0)
    got, final = cells.unroll(ours, xs, h0)
    assert torch.allclose(got, expected, rtol=0, atol=tol)
    assert torch.equal(final, got[-1])
    assert torch.allclose(ours(xs[0], h0), ref(xs[0], h0), rtol=0, atol=tol)  # forward, one step


def test_torch_variant_gru_equals_torch_gru_layer():
    torch.manual_seed(3)
    ref = nn.GRU(2, 5).double()
    xs = _seq(15, 3, 2)
    expected, h_T = ref(xs)
    got, final = cells.unroll(cells.GRUCell.from_torch(ref), xs)
    assert torch.allclose(got, expected, rtol=0, atol=1e-12)
    assert torch.allclose(final, h_T[0], rtol=0, atol=1e-12)


def test_lecture_gru_equals_numpy_equations():
    torch.manual_seed(4)
    cell = cells.GRUCell(3, 5).double()
    xs = _seq(12, 1, 3)
    h0 = _seq(1, 1, 5, seed=9)[0]
    got, _ = cells.unroll(cell, xs, h0)
    expected = numpy_gru_lecture(_params(cell), xs[:, 0].numpy(), h0[0].numpy())
    np.testing.assert_allclose(got[:, 0].detach().numpy(), expected, rtol=0, atol=1e-12)


def test_the_two_gru_conventions_differ_unless_the_reset_gate_is_saturated():
    assert gates.gru_variant_gap(0.0) > 0.05
    assert gates.gru_variant_gap(20.0) < 1e-6   # r_t = 1 everywhere: U_h (1 * h) = 1 * (U_h h)
    assert gates.gru_variant_gap(-20.0) < 1e-6  # r_t = 0 everywhere: both candidates ignore h


@pytest.mark.parametrize("dtype, tol", [(torch.float64, 1e-12), (torch.float32, 1e-5)])
def test_lstm_equals_torch_lstmcell(dtype, tol):
    torch.manual_seed(5)
    ref = nn.LSTMCell(3, 6).to(dtype)
    ours = cells.LSTMCell.from_torch(ref)
    assert ours.W_f.dtype == dtype
    xs = _seq(25, 4, 3, dtype=dtype)
    state = (_seq(1, 4, 6, seed=1, dtype=dtype)[0], _seq(1, 4, 6, seed=2, dtype=dtype)[0])
    expected, (h_ref, c_ref) = _torch_loop(ref, xs, state)
    got, (h, c) = cells.unroll(ours, xs, state)
    assert torch.allclose(got, expected, rtol=0, atol=tol)
    assert torch.allclose(c, c_ref, rtol=0, atol=tol) and torch.allclose(h, h_ref, rtol=0, atol=tol)
    h1, c1 = ours(xs[0], state)
    h1_ref, c1_ref = ref(xs[0], state)
    assert torch.allclose(h1, h1_ref, rtol=0, atol=tol) and torch.allclose(c1, c1_ref, rtol=0, atol=tol)


def test_lstm_equals_numpy_equations():
    torch.manual_seed(6)
    cell = cells.LSTMCell(2, 4).double()
    xs = _seq(10, 1, 2)
    got, (_, c) = cells.unroll(cell, xs)
    expected, c_np = numpy_lstm(_params(cell), xs[:, 0].numpy(), np.zeros(4), np.zeros(4))
    np.testing.assert_allclose(got[:, 0].detach().numpy(), expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(c[0].detach().numpy(), c_np, rtol=0, atol=1e-12)


def test_lstm_unroll_matches_torch_lstm_layer_in_value_and_gradient():
    torch.manual_seed(7)
    ref = nn.LSTM(3, 5).double()
    ours = cells.LSTMCell.from_torch(ref)
    xs = _seq(30, 2, 3).requires_grad_()
    h0 = _seq(1, 2, 5, seed=3)[0].requires_grad_()
    c0 = _seq(1, 2, 5, seed=4)[0].requires_grad_()
    out_ref, (h_ref, c_ref) = ref(xs, (h0[None], c0[None]))
    out, (h, c) = cells.unroll(ours, xs, (h0, c0))
    assert torch.allclose(out, out_ref, rtol=0, atol=1e-12)
    weights = torch.randn(out.shape, generator=torch.Generator().manual_seed(8), dtype=F64)
    loss_ref = (out_ref * weights).sum() + c_ref.sum()
    loss = (out * weights).sum() + c.sum()
    g_ref = torch.autograd.grad(loss_ref, (xs, h0, c0, ref.weight_hh_l0))
    g = torch.autograd.grad(loss, (xs, h0, c0, ours.U_f))
    for a, b in zip(g[:3], g_ref[:3]):
        assert torch.allclose(a, b, rtol=0, atol=1e-10)
    # torch stacks i, f, g, o: rows H..2H of weight_hh are U_f
    assert torch.allclose(g[3], g_ref[3][5:10], rtol=0, atol=1e-10)


def test_lstm_fast_unroll_equals_step_by_step_autograd_in_all_gradients():
    """The BPTT written out in LSTMSequence against autograd through LSTMCell.forward, every parameter."""
    torch.manual_seed(9)
    cell = cells.LSTMCell(3, 4).double()
    xs = _seq(17, 3, 3)
    weights = _seq(17, 3, 4, seed=5)
    out_fast, (h_fast, c_fast) = cells.unroll(cell, xs)
    grads_fast = torch.autograd.grad((out_fast * weights).sum() + 2 * c_fast.sum() - h_fast.sum(), list(cell.parameters()))
    out_slow, (h_slow, c_slow) = _torch_loop(cell, xs)  # cell.forward: one autograd step at a time
    grads_slow = torch.autograd.grad((out_slow * weights).sum() + 2 * c_slow.sum() - h_slow.sum(), list(cell.parameters()))
    assert torch.allclose(out_fast, out_slow, rtol=0, atol=1e-13)
    for (name, _), a, b in zip(cell.named_parameters(), grads_fast, grads_slow):
        assert torch.allclose(a, b, rtol=1e-10, atol=1e-12), name


def test_lstm_sequence_backward_passes_gradcheck():
    g = torch.Generator().manual_seed(10)
    T, B, H = 5, 2, 3
    wx = torch.randn(T, B, 4 * H, generator=g, dtype=F64, requires_grad=True)
    U = torch.randn(4 * H, H, generator=g, dtype=F64, requires_grad=True)
    h0 = torch.randn(B, H, generator=g, dtype=F64, requires_grad=True)
    c0 = torch.randn(B, H, generator=g, dtype=F64, requires_grad=True)
    assert torch.autograd.gradcheck(bptt.LSTMSequence.apply, (wx, U, h0, c0))


def test_rnn_equals_torch_rnncell_and_layer():
    torch.manual_seed(11)
    ref = nn.RNNCell(3, 4).double()
    xs = _seq(20, 2, 3)
    expected, _ = _torch_loop(ref, xs)
    assert torch.allclose(cells.unroll(cells.RNNCell.from_torch(ref), xs)[0], expected, rtol=0, atol=1e-12)
    layer = nn.RNN(3, 4).double()
    assert torch.allclose(cells.unroll(cells.RNNCell.from_torch(layer), xs)[0], layer(xs)[0], rtol=0, atol=1e-12)


def test_unroll_runs_torch_cells_too_and_starts_from_zeros():
    torch.manual_seed(12)
    ref = nn.LSTMCell(3, 4).double()
    xs = _seq(6, 2, 3)
    out, _ = cells.unroll(ref, xs)  # any cell with torch's calling convention
    zeros = (torch.zeros(2, 4, dtype=F64), torch.zeros(2, 4, dtype=F64))
    assert torch.allclose(out, cells.unroll(cells.LSTMCell.from_torch(ref), xs, zeros)[0], rtol=0, atol=1e-12)


def test_unroll_carries_the_state_across_calls():
    torch.manual_seed(13)
    for cell in (cells.GRUCell(3, 4), cells.LSTMCell(3, 4), cells.RNNCell(3, 4)):
        xs = _seq(10, 2, 3, dtype=torch.float32)
        whole, final = cells.unroll(cell, xs)
        first, state = cells.unroll(cell, xs[:4])
        second, final2 = cells.unroll(cell, xs[4:], state)
        assert torch.allclose(torch.cat([first, second]), whole, atol=1e-6)
        for a, b in zip(final if isinstance(final, tuple) else (final,), final2 if isinstance(final2, tuple) else (final2,)):
            assert torch.allclose(a, b, atol=1e-6)


def test_trace_records_every_gate_for_every_step():
    torch.manual_seed(14)
    xs = _seq(8, 2, 3, dtype=torch.float32)
    lstm = cells.LSTMCell(3, 4)
    tr = cells.trace(lstm, xs)
    assert set(tr) == {"f", "i", "o", "c_tilde", "c", "h"}
    assert all(v.shape == (8, 2, 4) for v in tr.values())
    out, (_, c) = cells.unroll(lstm, xs)
    assert torch.allclose(tr["h"], out, atol=1e-6) and torch.allclose(tr["c"][-1], c, atol=1e-6)
    assert ((tr["f"] > 0) & (tr["f"] < 1)).all()
    gru = cells.GRUCell(3, 4)
    assert set(cells.trace(gru, xs)) == {"z", "r", "h_tilde", "h"}
    assert torch.allclose(cells.trace(gru, xs)["h"], cells.unroll(gru, xs)[0])


def test_a_gru_with_its_update_gate_shut_copies_its_state():
    cell = cells.GRUCell(3, 4).double()
    with torch.no_grad():
        cell.b_z.fill_(50.0)  # z_t = 1 to rounding: h_t = h_(t-1)
    h0 = _seq(1, 2, 4, seed=1)[0]
    out, h_T = cells.unroll(cell, _seq(30, 2, 3), h0)
    assert torch.allclose(h_T, h0, rtol=0, atol=1e-12)


def test_gradient_flow_shows_gates_that_remember():
    closed = gates.gradient_flow(recurrent_scale=1.0, remember_bias=0.0, steps=60)
    open_ = gates.gradient_flow(recurrent_scale=1.0, remember_bias=6.0, steps=60)
    for r in (closed, open_):
        assert set(r.norms) == {"rnn", "gru", "lstm"}
        for values in r.norms.values():
            assert values.shape == (60,) and np.isfinite(values).all()
            assert values[-1] == pytest.approx(np.sqrt(32))  # dL/dh_T = ones(hidden) for L = sum(h_T)
    ratio = lambda r, k: r.norms[k][0] / r.norms[k][-1]
    assert ratio(open_, "lstm") > 1e-2 and ratio(open_, "gru") > 1e-2
    assert ratio(closed, "lstm") < 1e-8 and ratio(closed, "gru") < 1e-8
    assert ratio(open_, "rnn") == ratio(closed, "rnn") < 1e-8  # the tanh RNN has no gate to open
    with pytest.raises(ValueError, match="steps"):
        gates.gradient_flow(steps=0)


def test_sequence_regressor_reads_the_last_step():
    torch.manual_seed(15)
    layer = nn.LSTM(2, 4)
    model = gates.SequenceRegressor(layer, 4)
    x = torch.randn(5, 7, 2)  # (batch, T, input)
    y = model(x)
    assert y.shape == (5,)
    ours = gates.SequenceRegressor(cells.LSTMCell.from_torch(layer), 4)
    ours.readout.load_state_dict(model.readout.state_dict())
    assert torch.allclose(ours(x), y, atol=1e-6)
    with pytest.raises(ValueError, match="batch_first"):
        gates.SequenceRegressor(nn.GRU(2, 4, batch_first=True), 4)(x)
