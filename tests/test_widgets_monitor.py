"""The live loss curve: a Dashboard without controls that a training loop redraws."""

import numpy as np
import pytest
import torch
from torch import nn

from lecturekit import gates, tasks, train
from lecturekit.widgets import Dashboard, LossMonitor, render_png
from tests.helpers import pixels


def mse(model, batch):
    return nn.functional.mse_loss(model(batch[0]), batch[1])


def test_loss_monitor_follows_training():
    monitor = LossMonitor(["lstm"], steps=20, baseline=1 / 6)
    assert isinstance(monitor, Dashboard) and monitor.controls == {}
    first = monitor.png
    torch.manual_seed(0)
    model = gates.SequenceRegressor(nn.LSTM(2, 4), 4)
    h = train.train(model, mse, lambda g: tasks.adding_problem(8, 5, g), steps=20, progress=False,
                    callback=monitor.callback("lstm"), every=5)
    assert monitor.updates == 1 + 4
    xdata, ydata = monitor.lines["lstm"].get_data()
    assert list(xdata) == h.step and np.allclose(ydata, h.smoothed(monitor.window))
    assert monitor.png != first
    np.testing.assert_array_equal(pixels(monitor.png), pixels(render_png(monitor.figure)))
    assert monitor.snapshot().data == monitor.png
    with pytest.raises(ValueError, match="unknown curve"):
        monitor.callback("gru")
    with pytest.raises(ValueError, match="unknown curve"):
        monitor.callback("baseline")


def test_labels_colours_and_the_y_label_are_arguments():
    monitor = LossMonitor(["rnn", "with attention"], ylabel="cross-entropy (log scale)",
                          labels={"rnn": "tanh RNN"}, colours={"rnn": "#c0392b"}, baseline=2.0,
                          baseline_label="uniform guess")
    assert monitor.ax.get_ylabel() == "cross-entropy (log scale)" and monitor.ax.get_yscale() == "log"
    legend = [t.get_text() for t in monitor.ax.get_legend().get_texts()]
    assert legend == ["tanh RNN", "with attention", "uniform guess"]
    assert monitor.lines["rnn"].get_color() == "#c0392b"
    assert LossMonitor(["a"]).ax.get_ylabel() == "loss (log scale)"


def test_the_axes_grow_to_hold_the_curve():
    monitor = LossMonitor(["a"], steps=10, ylim=(1e-3, 1.0), window=1)

    class History:  # what train.train hands its callback: steps and their losses
        step = [0, 10, 20, 30]

        def smoothed(self, window):
            return np.array([5.0, 1.0, 0.1, 0.01])

    monitor.callback("a")(History())
    assert monitor.ax.get_xlim()[1] == 30 and monitor.ax.get_ylim()[1] == pytest.approx(7.5)
