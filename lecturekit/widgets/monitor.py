"""A live loss curve for a training loop: a :class:`~lecturekit.widgets.Dashboard` without controls,
redrawn by the loop's callback.

    monitor = LossMonitor(["rnn", "gru", "lstm"], ylabel="MSE (log scale)", baseline=1/6)
    display(monitor)
    train.train(..., callback=monitor.callback("lstm"))
    monitor.snapshot()        # a static picture, for readers without a kernel
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ..plots.common import loss_curve
from .dashboard import Dashboard, new_figure

__all__ = ["LossMonitor"]


class LossMonitor(Dashboard):
    """One loss curve per name, each the loss averaged over ``window`` steps, redrawn every time
    the training loop calls back (:func:`lecturekit.train.train`'s ``callback=``, every few steps).

    Parameters
    ----------
    names : the curves, one per model, in legend order.
    steps : the x-axis's right end to start with (it grows if training runs longer).
    ylabel : the loss's name on the y-axis (a log axis), e.g. "MSE (log scale)".
    baseline, baseline_label : an optional dashed horizontal line, e.g. what predicting the mean scores,
        drawn over the curves (a curve that stays at the baseline would hide it).
    labels, colours : optional name -> legend text / colour (the names and matplotlib's cycle otherwise).
    window : the moving average's width, in steps.
    ylim : the y-range to start with; the top grows if a curve starts above it.

    ``lines`` maps each name (and "baseline") to its line; ``result`` holds name -> (steps, averaged
    losses) of the curves drawn so far.
    """

    def __init__(self, names: Sequence[str], *, steps: int | None = None, ylabel: str = "loss (log scale)",
                 baseline: float | None = None, baseline_label: str = "predict the mean",
                 labels: dict[str, str] | None = None, colours: dict[str, str] | None = None,
                 window: int = 25, ylim: tuple[float, float] = (1e-4, 1.0)):
        self.window = window
        figure = new_figure(8, 3.2)
        self.ax = figure.subplots()
        labels, colours = labels or {}, colours or {}
        self.lines = {name: loss_curve(self.ax, [], [], label=labels.get(name, name), ylabel=ylabel,
                                       color=colours.get(name), lw=1.5)
                      for name in names}
        if baseline is not None:
            self.lines["baseline"] = self.ax.axhline(baseline, color="k", ls=(0, (2, 2)), lw=1.2, zorder=3,
                                                     label=baseline_label or None)
        self.ax.set_ylim(*ylim)
        if steps:
            self.ax.set_xlim(0, steps)
        self.ax.legend(loc="lower left", fontsize=8)
        self.ax.set_title(f"training loss ({window}-step average)", fontsize=10)
        self._curves: dict[str, tuple[list, np.ndarray]] = {}
        super().__init__({}, compute=lambda: dict(self._curves), draw=self._draw, figure=figure)

    def callback(self, name: str) -> Callable:
        """A function ``f(history)`` for ``train(..., callback=f)`` that redraws the curve ``name``."""
        if name not in self.lines or name == "baseline":
            raise ValueError(f"unknown curve {name!r}; the curves are {sorted(k for k in self.lines if k != 'baseline')}")

        def update(history) -> None:
            self._curves[name] = (list(history.step), history.smoothed(self.window))
            self.refresh()
        return update

    def _draw(self, curves: dict[str, tuple[list, np.ndarray]]) -> None:
        for name, (steps, smoothed) in curves.items():
            self.lines[name].set_data(steps, smoothed)
            if self.ax.get_xlim()[1] < steps[-1]:
                self.ax.set_xlim(0, steps[-1])
            low, high = self.ax.get_ylim()
            if smoothed.max() > high:  # the first steps may start above the top: keep them in view
                self.ax.set_ylim(low, 1.5 * smoothed.max())
