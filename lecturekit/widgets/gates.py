"""Dashboards and figures for the GRU/LSTM notebook: gradient flow through time, and gates over a
sequence. The live loss curve of its training loop is :class:`lecturekit.widgets.LossMonitor`."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from .. import cells, gates
from ..plots import gates as plots
from .controls import IntSliderSpec, SliderSpec
from .dashboard import Dashboard, new_figure, with_defaults

__all__ = ["FLOW_SLIDERS", "gradient_flow_explorer", "gates_figure"]

#: the gradient-flow explorer's controls: ranges and defaults, in one place
FLOW_SLIDERS = {
    "recurrent_scale": SliderSpec(min=0.25, max=2.0, step=0.05, value=1.0, description="scale of the U matrices"),
    "remember_bias": SliderSpec(min=-2.0, max=6.0, step=0.5, value=0.0, description="remember bias (LSTM b_f, GRU b_z)",
                                readout_format=".1f"),
    "steps": IntSliderSpec(min=10, max=200, step=10, value=100, description="steps T"),
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

    def draw(r: gates.GradientFlow) -> None:
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

    return Dashboard(specs, compute=gates.gradient_flow, draw=draw, figure=fig, columns=3,
                     dynamic=[*lines.values(), reach, ax.title])


def gates_figure(cell: cells.LSTMCell | cells.GRUCell, x: torch.Tensor, *, markers=(), units=None,
                 title: str = "") -> Figure:
    """Heatmaps of a cell's gates while it reads one sequence x (T, input_size).

    LSTM: f_t, i_t, o_t and c_t; GRU: z_t, r_t and h_t (the values of :func:`lecturekit.gates.gate_values`).
    ``markers`` are time steps (1-based) to mark with triangles above the panels; ``units`` the hidden units to
    show, a list of indices (None: all).
    """
    if isinstance(cell, cells.LSTMCell):
        panels = [("f", "forget gate f_t", 0, 1, "viridis"), ("i", "input gate i_t", 0, 1, "viridis"),
                  ("o", "output gate o_t", 0, 1, "viridis"),
                  ("c", "cell state c_t, each unit divided by its largest |c_t|", -1, 1, "RdBu_r")]
    elif isinstance(cell, cells.GRUCell):
        panels = [("z", "update gate z_t (1 = keep h)", 0, 1, "viridis"), ("r", "reset gate r_t", 0, 1, "viridis"),
                  ("h", "state h_t, each unit divided by its largest |h_t|", -1, 1, "RdBu_r")]
    else:
        raise ValueError(f"gates_figure draws an LSTMCell or a GRUCell; got {type(cell).__name__}")
    values = gates.gate_values(cell, x, units=units)  # name -> (T, units shown)
    shown = list(range(cell.hidden_size)) if units is None else [int(u) for u in units]
    fig = new_figure(12, 1.1 + (1.2 + 0.04 * len(shown)) * len(panels))
    axes = fig.subplots(len(panels), 1, sharex=True)
    for ax, (name, label, vmin, vmax, cmap) in zip(axes, panels):
        image = plots.gate_heatmap(ax, values[name], title=label, vmin=vmin, vmax=vmax, cmap=cmap)
        if units is not None:
            ticks = range(0, len(shown), max(1, len(shown) // 8))
            ax.set_yticks(list(ticks), [str(shown[k]) for k in ticks])
        fig.colorbar(image, ax=ax, pad=0.01, aspect=8)
        plots.mark_steps(ax, markers)
    axes[-1].set_xlabel("step t (triangles above each panel: the marked steps)")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig

