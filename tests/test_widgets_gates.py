"""The GRU/LSTM dashboard and figures, driven in plain Python: every slider value computes finite
norms, the picture follows the gates. (Every control's sweep is in tests/test_dashboards.py.)"""

import numpy as np
import pytest
import torch

from lecturekit import cells, gates, tasks
from lecturekit.widgets.gates import FLOW_SLIDERS, gates_figure, gradient_flow_explorer


@pytest.mark.parametrize("name", list(FLOW_SLIDERS))
def test_every_value_of_every_control_computes_finite_norms(name):
    """The compute function alone, at every value of one control (the others at their defaults)."""
    state = {n: spec.value for n, spec in FLOW_SLIDERS.items()}
    for value in FLOW_SLIDERS[name].values():
        r = gates.gradient_flow(**{**state, name: value})
        assert len(r.steps) == (value if name == "steps" else state["steps"])
        for values in [*r.norms.values(), r.cell_norms]:
            assert np.isfinite(values).all() and (values >= 0).all(), f"{name} = {value}"


@pytest.mark.parametrize("scale", [0.25, 2.0])
@pytest.mark.parametrize("bias", [-2.0, 6.0])
@pytest.mark.parametrize("steps", [10, 200])
def test_corners(scale, bias, steps):
    d = gradient_flow_explorer(recurrent_scale=scale, remember_bias=bias, steps=steps)
    assert d.error is None
    assert len(d.result.norms["lstm"]) == steps


def test_opening_the_remember_gates_lets_the_gradient_through():
    d = gradient_flow_explorer(remember_bias=0.0)
    closed, png_closed = d.result, d.png
    d.controls["remember_bias"].value = 4.0
    opened = d.result
    assert d.png != png_closed
    for kind in ("gru", "lstm"):
        assert opened.norms[kind][0] > 1e6 * closed.norms[kind][0]
    assert np.array_equal(opened.norms["rnn"], closed.norms["rnn"])


def test_unknown_control_is_a_value_error():
    with pytest.raises(ValueError, match="remember_bias"):
        gradient_flow_explorer(forget_bias=1.0)


def test_gates_figure_draws_lstm_and_gru_gates():
    x, _ = tasks.adding_problem(1, 20, seed=0)
    torch.manual_seed(0)
    fig = gates_figure(cells.LSTMCell(2, 6), x[0], markers=[3, 15], units=[4, 0, 2])
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 4 and images[0].get_array().shape == (3, 20)  # (units, T)
    fig = gates_figure(cells.GRUCell(2, 6), x[0])
    assert len([ax for ax in fig.axes if ax.images]) == 3
    with pytest.raises(ValueError, match="LSTMCell or a GRUCell"):
        gates_figure(cells.RNNCell(2, 6), x[0])
    with pytest.raises(ValueError, match="units"):
        gates_figure(cells.LSTMCell(2, 6), x[0], units=[6])
    with pytest.raises(ValueError, match="one sequence"):
        gates_figure(cells.LSTMCell(2, 6), x)


def test_gate_values_scale_the_states_per_unit_and_keep_the_gates():
    x, _ = tasks.adding_problem(1, 20, seed=0)
    torch.manual_seed(0)
    cell = cells.LSTMCell(2, 6)
    values = gates.gate_values(cell, x[0], units=[4, 0])
    with torch.no_grad():
        traced = cells.trace(cell, x[0][:, None, :])
    np.testing.assert_allclose(values["f"], traced["f"][:, 0, [4, 0]].numpy())  # gates as they are
    c = traced["c"][:, 0, [4, 0]].numpy()
    np.testing.assert_allclose(values["c"], c / np.abs(c).max(axis=0))  # each unit's largest |c_t| is 1
    assert np.abs(values["c"]).max(axis=0) == pytest.approx([1.0, 1.0])
