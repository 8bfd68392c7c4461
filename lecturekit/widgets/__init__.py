"""Dashboards: controls wired to a compute function (math modules) and a draw function (plots).

The shared machinery is here: :class:`Dashboard` (:mod:`.dashboard`), the control specs
(:mod:`.controls`), the live loss curve :class:`LossMonitor` (:mod:`.monitor`), and the list of
every dashboard of the notebooks, ``DASHBOARDS`` (:mod:`.registry`). Each topic's dashboards live
in a submodule (``lecturekit.widgets.rnn``, ``lecturekit.widgets.conv``, ...).
"""

from .controls import ChoiceSpec, ControlSpec, IntSliderSpec, LogSliderSpec, SliderSpec, TextSpec
from .dashboard import Dashboard, new_figure, render_png, show, with_defaults
from .monitor import LossMonitor

__all__ = ["ChoiceSpec", "ControlSpec", "Dashboard", "IntSliderSpec", "LogSliderSpec", "LossMonitor", "SliderSpec",
           "TextSpec", "new_figure", "render_png", "show", "with_defaults"]
