"""Dashboards and figures for the GRU/LSTM notebook: gradient flow through time, gates over a
sequence, and a live loss curve for the training loop."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch
from IPython.display import Image, display
from matplotlib.figure import Figure

from .. import cells
from ..plots import gates as plots
from ._dashboard import Dashboard, IntSlider, Slider, new_figure, render_png, with_defaults

__all__ = ["FLOW_SLIDERS", "gradient_flow_explorer", "gates_figure", "LossMonitor"]

#: the gradient-flow explorer's controls: ranges and defaults, in one place
FLOW_SLIDERS = {
    "recurrent_scale": Slider(0.25, 2.0, 0.05, 1.0, "scale of the U matrices"),
    "remember_bias": Slider(-2.0, 6.0, 0.5, 0.0, "remember bias (LSTM b_f, GRU b_z)", readout_format=".1f"),
    "steps": IntSlider(10, 200, 100, step=10, description="steps T"),
}

#: the y-range of the gradient-flow plot (log10): from far below float32's resolution to growth
FLOW_LOG10_RANGE = (-30.0, 8.0)


def gradient_flow_explorer(**defaults) -> Dashboard:
    """||dL/dh_t|| through time for a tanh RNN, a GRU and an LSTM; sliders for U's scale and the gate bias.

    Keyword arguments override the sliders' starting values, e.g. ``gradient_flow_explorer(remember_bias=3)``.
    """
    specs = with_defaults(FLOW_SLIDERS, defaults)
    fig = new_figure(11, 3.6)
    ax = fig.subplots()
    empty = {name: [1.0] for name in ("rnn", "gru", "lstm")}
    lines = plots.gradient_norm_lines(ax, [1], empty, cell_norms=[1.0])
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    reach = ax.text(1.02, 0.0, "", transform=ax.transAxes, ha="left", va="bottom", fontsize=8.5, family="monospace")
    lo, hi = FLOW_LOG10_RANGE

    def draw(r: cells.GradientFlow) -> None:
        floor = 10.0**lo
        for name, values in r.norms.items():
            lines[name].set_data(r.steps, np.maximum(values, floor))  # an exact 0 would vanish from a log axis
        lines["lstm_c"].set_data(r.steps, np.maximum(r.cell_norms, floor))
        ax.set_xlim(1, r.steps[-1])
        ax.set_ylim(10.0**lo, 10.0**hi)
        T = len(r.steps)
        rows = ["||dL/dh_1|| / ||dL/dh_T||", f"({T - 1} steps back)"]
        for name, values in r.norms.items():
            rows.append(f"  {plots.CELL_NAMES[name]:<8} {values[0] / values[-1]:8.1e}")
        reach.set_text("\n".join(rows))
        ax.set_title(f"U scale {r.recurrent_scale:.2f}, remember bias {r.remember_bias:.1f}: "
                     "how much gradient reaches step t from L = sum(h_T)", fontsize=10)

    return Dashboard(specs, compute=cells.gradient_flow, draw=draw, figure=fig, columns=3,
                     dynamic=[*lines.values(), reach, ax.title])


def gates_figure(cell: cells.LSTMCell | cells.GRUCell, x: torch.Tensor, *, markers=(), units=None,
                 title: str = "") -> Figure:
    """Heatmaps of a cell's gates while it reads one sequence x (T, input_size).

    LSTM: f_t, i_t, o_t and c_t; GRU: z_t, r_t and h_t. ``markers`` are time steps (1-based)
    to mark with dashed lines; ``units`` the hidden units to show, a list of indices (None: all).
    """
    if x.ndim != 2:
        raise ValueError(f"x must be one sequence (T, input_size); got shape {tuple(x.shape)}")
    with torch.no_grad():
        trace = cells.trace(cell, x[:, None, :])  # name -> (T, 1, hidden)
    if isinstance(cell, cells.LSTMCell):
        panels = [("f", "forget gate f_t", 0, 1, "viridis"), ("i", "input gate i_t", 0, 1, "viridis"),
                  ("o", "output gate o_t", 0, 1, "viridis"),
                  ("c", "cell state c_t, each unit divided by its largest |c_t|", -1, 1, "RdBu_r")]
    elif isinstance(cell, cells.GRUCell):
        panels = [("z", "update gate z_t (1 = keep h)", 0, 1, "viridis"), ("r", "reset gate r_t", 0, 1, "viridis"),
                  ("h", "state h_t, each unit divided by its largest |h_t|", -1, 1, "RdBu_r")]
    else:
        raise ValueError(f"gates_figure draws an LSTMCell or a GRUCell; got {type(cell).__name__}")
    shown = list(range(cell.hidden_size)) if units is None else [int(u) for u in units]
    if not shown or min(shown) < 0 or max(shown) >= cell.hidden_size:
        raise ValueError(f"units must be indices in [0, {cell.hidden_size}); got {units!r}")
    fig = new_figure(12, 1.1 + (1.2 + 0.04 * len(shown)) * len(panels))
    axes = fig.subplots(len(panels), 1, sharex=True)
    for ax, (name, label, vmin, vmax, cmap) in zip(axes, panels):
        values = trace[name][:, 0, shown].numpy()  # (T, units shown)
        if name in ("c", "h"):  # states: each unit on its own scale, so that small ones show their jumps
            values = values / np.maximum(np.abs(values).max(axis=0), 1e-12)
        image = plots.gate_heatmap(ax, values, title=label, vmin=vmin, vmax=vmax, cmap=cmap)
        if units is not None:
            ticks = range(0, len(shown), max(1, len(shown) // 8))
            ax.set_yticks(list(ticks), [str(shown[k]) for k in ticks])
        fig.colorbar(image, ax=ax, pad=0.01, aspect=8)
        plots.mark_steps(ax, markers, color="white" if cmap == "viridis" else "k")
    axes[-1].set_xlabel("step t (dashed: the marked steps)")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


class LossMonitor:
    """A live loss curve for :func:`lecturekit.train.train`: one line per model, redrawn every few steps.

        monitor = LossMonitor(["rnn", "gru", "lstm"], baseline=1/6)
        display(monitor)
        train.train(..., callback=monitor.callback("lstm"))

    The curve shows the loss averaged over ``window`` steps. ``snapshot()`` is a static picture.
    """

    def __init__(self, names, *, steps: int | None = None, baseline: float | None = None,
                 baseline_label: str = "predict the mean", window: int = 25, ylim=(1e-4, 1.0)):
        self.window = window
        self.figure = new_figure(8, 3.2)
        self.ax = self.figure.subplots()
        self.lines = plots.loss_curves(self.ax, {name: ([], []) for name in names}, baseline=baseline,
                                       baseline_label=baseline_label)
        self.ax.set_ylim(*ylim)
        if steps:
            self.ax.set_xlim(0, steps)
        self.ax.legend(loc="lower left", fontsize=8)
        self.ax.set_title(f"training loss ({window}-step average)", fontsize=10)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.updates = 0
        self._render()

    def callback(self, name: str):
        """A function ``f(history)`` for ``train(..., callback=f)`` that redraws the line ``name``."""
        if name not in self.lines:
            raise ValueError(f"unknown curve {name!r}; the curves are {sorted(k for k in self.lines if k != 'baseline')}")

        def update(history) -> None:
            smoothed = history.smoothed(self.window)
            self.lines[name].set_data(history.step, smoothed)
            if self.ax.get_xlim()[1] < history.step[-1]:
                self.ax.set_xlim(0, history.step[-1])
            low, high = self.ax.get_ylim()
            if smoothed.max() > high:  # the first steps may start above the top: keep them in view
                self.ax.set_ylim(low, 1.5 * smoothed.max())
            self._render()
        return update

    def _render(self) -> None:
        self.png = render_png(self.figure)
        self.image.value = self.png
        self.updates += 1

    def snapshot(self) -> Image:
        return Image(data=self.png, format="png")

    def _ipython_display_(self) -> None:
        display(self.image)
