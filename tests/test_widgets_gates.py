"""The GRU/LSTM dashboards and figures, driven in plain Python: every slider value, no exception, the picture follows."""

import numpy as np
import pytest
import torch
from torch import nn

from lecturekit import cells, tasks, train
from lecturekit.widgets.gates import FLOW_SLIDERS, LossMonitor, gates_figure, gradient_flow_explorer


@pytest.fixture(scope="module")
def explorer():
    return gradient_flow_explorer()


@pytest.mark.parametrize("name", list(FLOW_SLIDERS))
def test_every_value_of_every_control_draws(explorer, name):
    control = explorer.controls[name]
    default = control.value
    seen = set()
    try:
        for value in FLOW_SLIDERS[name].values():
            control.value = value
            assert explorer.error is None, f"{name}={value}: {explorer.error}"
            r = explorer.result
            assert len(r.steps) == explorer.controls["steps"].value
            for values in [*r.norms.values(), r.cell_norms]:
                assert np.isfinite(values).all() and (values >= 0).all()
            assert explorer.png[:4] == b"\x89PNG"
            seen.add(explorer.png)
    finally:
        control.value = default
    assert len(seen) > 1  # moving the control changed the picture


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


def test_loss_monitor_follows_training():
    monitor = LossMonitor(["lstm"], steps=20, baseline=1 / 6)
    first = monitor.png
    torch.manual_seed(0)
    model = cells.SequenceRegressor(nn.LSTM(2, 4), 4)

    def mse(model, batch):
        return nn.functional.mse_loss(model(batch[0]), batch[1])

    h = train.train(model, mse, lambda g: tasks.adding_problem(8, 5, g), steps=20, progress=False,
                    callback=monitor.callback("lstm"), every=5)
    assert monitor.updates == 1 + 4
    xdata, ydata = monitor.lines["lstm"].get_data()
    assert list(xdata) == h.step and np.allclose(ydata, h.smoothed(monitor.window))
    assert monitor.png != first
    with pytest.raises(ValueError, match="unknown curve"):
        monitor.callback("gru")
