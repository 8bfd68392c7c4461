"""Drawing that every topic uses: one loss curve, and axis limits from a ladder of round numbers.

``loss_curve`` takes an ``Axes`` and returns the line it drew; ``ladder_limit`` and
``ladder_range`` pick axis limits (numbers, nothing drawn) that stay put while a slider moves
a little, so that a blitting dashboard need not draw its axes again.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

__all__ = ["loss_curve", "ladder_limit", "ladder_range"]


def loss_curve(ax: Axes, steps, losses, *, label: str | None = None, ylabel: str | None = "loss",
               xlabel: str | None = "training step", floor: float | None = None, **kwargs):
    """A loss against the training step on a log y-axis; returns the line.

    steps, losses (N,): the x and y of the curve (steps from 0 or from 1, as the caller counts).
    ``floor``: losses below it are drawn at it (an exact 0 would vanish from a log axis).
    ``ylabel`` / ``xlabel``: the axis labels, None to leave them as they are. Other keyword
    arguments go to ``ax.plot`` (``color``, ``lw``, ...).
    """
    losses = np.asarray(losses, dtype=float)
    if floor is not None:
        losses = np.maximum(losses, floor)
    (line,) = ax.plot(np.asarray(steps), losses, label=label, **kwargs)
    ax.set_yscale("log")
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    return line


def ladder_limit(values, *, minimum: float = 5.0, steps: tuple[float, ...] = (1.0, 2.0, 5.0)) -> float:
    """The half-width m of symmetric limits (-m, m) that hold the finite ``values``: the smallest
    ``step * 10**k`` (``step`` from ``steps``, k whole) that is at least ``minimum``. Limits from a
    ladder stay put while a slider moves a little, so the axes need not be drawn again."""
    v = np.asarray(values, dtype=float)
    v = np.abs(v[np.isfinite(v)])
    need = max(float(v.max()) * 1.05 if v.size else 0.0, minimum)
    decade = int(np.floor(np.log10(need)))
    return min(step * 10.0**k for k in (decade - 1, decade, decade + 1) for step in steps
               if step * 10.0**k >= need)


def ladder_range(values, *, minimum: float = 2.0, floor: float | None = None,
                 steps: tuple[float, ...] = (1.0, 2.0, 5.0)) -> tuple[float, float]:
    """y-limits (lo, hi) for log10 curves that pass through 0 (a norm relative to its start or end).

    Each side is a rung of a ladder (:func:`ladder_limit`: 2, 5, 10, 20, ..., at least
    ``minimum``) holding the finite ``values`` above and below 0, so the limits stay put while a
    slider moves a little and up is always growth. ``floor`` (e.g. -16) stops the bottom there:
    a curve that vanishes faster leaves through it.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    hi = ladder_limit(np.maximum(v, 0.0), minimum=minimum, steps=steps)
    lo = -ladder_limit(np.minimum(v, 0.0), minimum=minimum, steps=steps)
    return (lo if floor is None else max(lo, floor)), hi
