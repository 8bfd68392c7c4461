"""Drawing for the GRU/LSTM notebook: gate heatmaps, gradient norms through time.

Each function takes an ``Axes`` and data, draws, and returns the artists it made, so that a
dashboard can update them in place. Nothing here computes.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

#: one colour per kind of cell, used by every figure of the notebook
CELL_COLOURS = {"rnn": "#c0392b", "gru": "#2e86c1", "lstm": "#1e8449"}
CELL_NAMES = {"rnn": "tanh RNN", "gru": "GRU", "lstm": "LSTM"}


def gate_heatmap(ax: Axes, values, *, title: str = "", vmin: float = 0.0, vmax: float = 1.0,
                 cmap: str = "viridis"):
    """A gate's values over time: ``values`` (T, hidden) drawn as hidden unit (rows) against t; returns the image."""
    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        raise ValueError(f"values must be (T, hidden); got shape {v.shape}")
    image = ax.imshow(v.T, aspect="auto", origin="lower", interpolation="nearest", cmap=cmap,
                      vmin=vmin, vmax=vmax, extent=(0.5, v.shape[0] + 0.5, -0.5, v.shape[1] - 0.5))
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("unit")
    return image


def mark_steps(ax: Axes, steps, *, color: str = "k", label: str | None = None):
    """A small triangle above the axes at each of the given time steps (the adding problem's markers),
    outside the picture so that it covers none of it (a line through a heatmap hides the column it marks);
    returns the markers."""
    return [ax.plot(s, 1.0, "v", color=color, ms=6, clip_on=False, transform=ax.get_xaxis_transform(),
                    label=label if k == 0 else None)[0]
            for k, s in enumerate(steps)]


def gradient_norm_lines(ax: Axes, steps, norms: dict, *, cell_norms=None):
    """||dL/dh_t|| against t for each cell on a log axis; returns ``{name: line}`` (and "lstm_c")."""
    lines = {}
    for name, values in norms.items():
        (lines[name],) = ax.semilogy(steps, values, color=CELL_COLOURS.get(name), lw=2,
                                     label=f"{CELL_NAMES.get(name, name)}: ||dL/dh_t||")
    if cell_norms is not None:
        (lines["lstm_c"],) = ax.semilogy(steps, cell_norms, color=CELL_COLOURS["lstm"], lw=1.5, ls="--",
                                         label="LSTM: ||dL/dc_t||")
    ax.set_xlabel("t")
    ax.set_ylabel("gradient norm (log scale)")
    return lines

