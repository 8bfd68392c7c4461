"""Drawing for the RNN notebooks: eigenvalues on the complex plane, trajectories, norms through time.

Each function takes an ``Axes`` and data, draws, and returns the artists it made, so that a
dashboard can later update them in place (``set_data``, ``set_offsets``, ``set_text``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

#: one colour per regime, used by every RNN figure
REGIME_COLOURS = {"exploding": "#c0392b", "vanishing": "#2e86c1", "propagating": "#1e8449"}


def eigenvalue_plane(ax: Axes, eigenvalues, *, limit: float = 1.5):
    """The unit circle and the eigenvalues as points; returns ``(circle, points)``."""
    angle = np.linspace(0, 2 * np.pi, 200)
    (circle,) = ax.plot(np.cos(angle), np.sin(angle), color="0.5", lw=1, ls="--", label="|λ| = 1")
    ev = np.asarray(eigenvalues)
    points = ax.scatter(ev.real, ev.imag, s=60, color="k", zorder=3, label="eigenvalues of W")
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0, color="0.85", lw=0.8, zorder=0)
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xlabel("Re λ")
    ax.set_ylabel("Im λ")
    return circle, points


def trajectory(ax: Axes, z, **kwargs):
    """A 2-D state trajectory z_0, z_1, ... as a line with dots, the start marked; returns ``(line, start)``."""
    z = np.asarray(z)
    (line,) = ax.plot(z[:, 0], z[:, 1], marker=".", ms=3, lw=0.8, **kwargs)
    (start,) = ax.plot(z[:1, 0], z[:1, 1], "o", color=line.get_color(), ms=7, label="_z0")  # "_": not in legends
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    return line, start


def log10_curve(ax: Axes, values, *, label: str | None = None, **kwargs):
    """log10 of a norm against t = 0, 1, ..., on a linear axis (stays finite past float64); returns the line."""
    values = np.asarray(values)
    (line,) = ax.plot(np.arange(len(values)), values, label=label, **kwargs)
    ax.set_xlabel("t")
    return line


def float64_limit(ax: Axes, log10_max: float):
    """A dashed line at the largest float64, log10 ≈ 308; returns ``(line, label)``."""
    line = ax.axhline(log10_max, color="#c0392b", ls=":", lw=1)
    text = ax.text(0.02, log10_max, " float64 overflows", color="#c0392b", va="bottom", fontsize=8,
                   transform=ax.get_yaxis_transform(), clip_on=True, in_layout=False)
    return line, text



def unrolled_network(ax: Axes, steps: int = 4):
    """The lecture's RNN unrolled in time: x_t -> Enc -> z_t -> Dec -> y_t, one column per step, with the same
    weights on every arrow of a kind (U into each state, W from each state to the next)."""
    ax.set_axis_off()
    ax.set_xlim(-0.9, steps + 0.1)
    ax.set_ylim(-0.55, 2.55)
    box = dict(boxstyle="round,pad=0.3", fc="white", ec="0.3")
    state = dict(boxstyle="circle,pad=0.25", fc="#e8daef", ec="#7d3c98")
    arrow = dict(arrowstyle="-|>", color="0.3", lw=1.2, shrinkA=11, shrinkB=11)
    ax.text(-0.55, 1.0, "$z_0$", ha="center", va="center", bbox=state, fontsize=11)
    for t in range(1, steps + 1):
        x = t - 0.5
        ax.text(x, 0.0, f"$x_{t}$", ha="center", va="center", bbox=box, fontsize=11)
        ax.text(x, 1.0, f"$z_{t}$", ha="center", va="center", bbox=state, fontsize=11)
        ax.text(x, 2.0, f"$y_{t}$", ha="center", va="center", bbox=box, fontsize=11)
        ax.annotate("", (x, 1.0), (x, 0.0), arrowprops=arrow)
        ax.annotate("", (x, 2.0), (x, 1.0), arrowprops=arrow)
        ax.text(x + 0.06, 0.5, "Enc: $U$", fontsize=9, va="center", color="#1f618d")
        ax.text(x + 0.06, 1.5, "Dec", fontsize=9, va="center", color="0.35")
        ax.annotate("", (x, 1.0), (x - 1.0, 1.0), arrowprops=arrow)
        ax.text(x - 0.5, 1.1, "$W$", fontsize=10, ha="center", va="bottom", color="#7d3c98")
    ax.set_title(f"unrolled over {steps} steps: one layer per step, every layer with the same W and U", fontsize=10)
