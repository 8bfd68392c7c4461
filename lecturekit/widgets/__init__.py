"""Dashboards: controls wired to a compute function (math modules) and a draw function (plots).

The shared machinery is here; each topic's dashboards live in a submodule
(``lecturekit.widgets.rnn``, ``lecturekit.widgets.conv``, ...).
"""

from ._dashboard import Choice, Dashboard, IntSlider, LogSlider, Slider, new_figure, render_png, show, with_defaults

__all__ = ["Choice", "Dashboard", "IntSlider", "LogSlider", "Slider", "new_figure", "render_png", "show", "with_defaults"]
