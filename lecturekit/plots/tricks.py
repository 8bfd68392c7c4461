"""Drawing for the notebook on RNN tricks and Neural ODEs: loss surfaces and descent paths,
circles on the complex plane, stability regions, trajectories that may diverge.

Each function takes an ``Axes`` and data, draws, and returns the artists it made so that a
dashboard can update them in place. Nothing here computes a model;
the eigenvalue plane comes from :mod:`lecturekit.plots.rnn`, loss curves and axis ladders from
:mod:`lecturekit.plots.common`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from .rnn import eigenvalue_plane

__all__ = [
    "NO_CLIP", "CLIP", "PLAIN", "LEAKY", "INIT_COLOURS", "STABLE", "DIVERGING",
    "loss_surface", "descent_path", "circle", "segments", "stability_region",
    "corner_note", "sparse_ticks", "eigenvalue_plane",
]

NO_CLIP, CLIP = "#c0392b", "#2e86c1"  # the two runs of the clipping demo
PLAIN, LEAKY = "0.55", "#7d3c98"  # alpha = 1 and the leaky RNN
INIT_COLOURS = {"gaussian": "#d35400", "orthogonal": "#1e8449", "identity": "#2e86c1"}
STABLE, DIVERGING = "#1e8449", "#c0392b"


def loss_surface(ax: Axes, ws, bs, log10_loss, *, vmin: float = -4.0, vmax: float = 0.6):
    """log10 of a loss over a (w, b) grid as an image (rows = b); returns the image."""
    image = ax.imshow(np.clip(log10_loss, vmin, vmax), origin="lower", aspect="auto", cmap="viridis",
                      extent=(ws[0], ws[-1], bs[0], bs[-1]), vmin=vmin, vmax=vmax, interpolation="bilinear")
    ax.set_xlabel("w (recurrent weight)")
    ax.set_ylabel("b (bias)")
    return image


def descent_path(ax: Axes, w, b, *, label: str | None = None, lw: float = 1.2, ms: float = 3, **kwargs):
    """A gradient-descent path in the (w, b) plane with its end marked; returns ``(line, end)``.

    Draw a path that another may coincide with wider (``lw``, ``ms``), under the other one, so that both stay visible.
    """
    (line,) = ax.plot(w, b, marker=".", ms=ms, lw=lw, label=label, **kwargs)
    (end,) = ax.plot(w[-1:], b[-1:], "o", ms=7, mec="white", color=line.get_color())
    return line, end


def circle(ax: Axes, radius: float = 1.0, **kwargs):
    """A circle of ``radius`` around 0 in the complex plane; returns the line."""
    angle = np.linspace(0, 2 * np.pi, 200)
    (line,) = ax.plot(radius * np.cos(angle), radius * np.sin(angle), **kwargs)
    return line


def segments(ax: Axes, starts, ends, **kwargs):
    """Straight segments from each complex ``starts[k]`` to ``ends[k]``; returns the lines."""
    return [ax.plot([s.real, e.real], [s.imag, e.imag], **kwargs)[0] for s, e in zip(starts, ends)]


def stability_region(ax: Axes, x, y, modulus, *, color: str = STABLE, filled: bool = True, label: str | None = None):
    """Where ``modulus < 1`` (the step shrinks), shaded, with its boundary; returns the contour sets."""
    drawn = []
    if filled:
        drawn.append(ax.contourf(x, y, modulus, levels=[0, 1], colors=[color], alpha=0.18))
    boundary = ax.contour(x, y, modulus, levels=[1], colors=[color], linewidths=1.2,
                          linestyles="-" if filled else "--")
    drawn.append(boundary)
    if label:
        ax.plot([], [], color=color, ls="-" if filled else "--", label=label)
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0, color="0.85", lw=0.8, zorder=0)
    ax.set_xlabel("Re hλ")
    ax.set_ylabel("Im hλ")
    return drawn


def corner_note(ax: Axes, *, color: str = DIVERGING, loc: str = "upper left"):
    """An empty text box in a corner of ``ax`` for a warning ("diverges", "jumps off the chart"); returns it."""
    x, ha = (0.03, "left") if "left" in loc else (0.97, "right")
    y, va = (0.97, "top") if "upper" in loc else (0.03, "bottom")
    return ax.text(x, y, "", transform=ax.transAxes, ha=ha, va=va, color=color, fontsize=9, zorder=5,
                   bbox=dict(boxstyle="round,pad=0.25", facecolor="white", edgecolor=color, alpha=0.9))


def sparse_ticks(*axes: Axes, x: int = 5, y: int = 4) -> None:
    """At most ``x`` / ``y`` ticks on the linear axes of ``axes``: every tick label is text to
    render on each redraw, the largest cost of a dashboard update."""
    for ax in axes:
        if ax.get_xscale() == "linear":
            ax.xaxis.set_major_locator(MaxNLocator(x, steps=[1, 2, 2.5, 5, 10]))
        if ax.get_yscale() == "linear":
            ax.yaxis.set_major_locator(MaxNLocator(y, steps=[1, 2, 2.5, 5, 10]))
