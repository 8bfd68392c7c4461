"""What lets a dashboard answer a key press at once: pictures kept by control state, and the states
one key press away from the current one, which the dashboard renders while the student looks.

    key = state_key(dashboard.state)       # hashable; floats to 12 significant digits
    cache = PictureCache(max_bytes=16e6)   # least recently used pictures go first
    neighbours(control, spec)              # values one key press (or one click) away, nearest first
    kernel_loop()                          # this kernel thread's event loop to prefetch on, or None

A slider's neighbours are one step up and one step down, within the widget's *current* range (an
index slider whose maximum follows the setting is read as it is now); a toggle's are the other
options, the adjacent ones first; a text box's are the text with its last character deleted, then
with each of ``spec.next_characters`` typed at its end.
"""

from __future__ import annotations

import asyncio
import math
import sys
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

__all__ = ["Picture", "PictureCache", "kernel_loop", "neighbours", "state_key", "went_down"]


@dataclass(frozen=True)
class Picture:
    """What a dashboard shows for one state: ``compute``'s result (None with an error), the message
    shown instead (or None) and the PNG."""

    result: Any
    error: str | None
    png: bytes


def _normal(value):
    """A value as a cache key: a float to 12 significant digits (a slider's 0.30000000000000004 is
    its position 0.3), anything else as it is."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    return value


def state_key(state: dict) -> tuple:
    """A hashable key for a dashboard state (name -> value), the same for the same slider positions."""
    return tuple((name, _normal(value)) for name, value in state.items())


class PictureCache:
    """Pictures by state key, at most ``max_bytes`` of PNG and ``max_pictures`` pictures; when full,
    the least recently used go first."""

    def __init__(self, max_bytes: float = 16e6, max_pictures: int = 512):
        if not max_bytes > 0 or not max_pictures >= 1:
            raise ValueError(f"PictureCache needs max_bytes > 0 and max_pictures >= 1; got {max_bytes}, {max_pictures}")
        self.max_bytes, self.max_pictures = max_bytes, max_pictures
        self._pictures: OrderedDict[tuple, Picture] = OrderedDict()
        self.nbytes = 0

    def __len__(self) -> int:
        return len(self._pictures)

    def __contains__(self, key: tuple) -> bool:
        return key in self._pictures

    def get(self, key: tuple) -> Picture | None:
        """The picture of ``key`` (now the most recently used), or None."""
        picture = self._pictures.get(key)
        if picture is not None:
            self._pictures.move_to_end(key)
        return picture

    def put(self, key: tuple, picture: Picture) -> None:
        """Keep ``picture`` for ``key``, dropping the least recently used pictures beyond the limits
        (the newest is always kept)."""
        old = self._pictures.pop(key, None)
        if old is not None:
            self.nbytes -= len(old.png)
        self._pictures[key] = picture
        self.nbytes += len(picture.png)
        while len(self._pictures) > 1 and (self.nbytes > self.max_bytes or len(self._pictures) > self.max_pictures):
            _, dropped = self._pictures.popitem(last=False)
            self.nbytes -= len(dropped.png)

    def clear(self) -> None:
        self._pictures.clear()
        self.nbytes = 0


def _within(value: float, low: float, high: float) -> bool:
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    return low - slack <= value <= high + slack


def neighbours(control: widgets.ValueWidget, spec: Any = None) -> list:
    """The values ``control`` can take with one key press or click from its current value, nearest
    first and, for a slider, the step up before the step down. ``spec`` (the control's spec) gives
    a text box the characters to try typing (``TextSpec.next_characters``)."""
    value = control.value
    if isinstance(control, widgets.FloatLogSlider):
        exponent = math.log10(value)
        steps = (round(exponent + control.step, 10), round(exponent - control.step, 10))
        return [float(10**e) for e in steps if _within(e, control.min, control.max)]
    if isinstance(control, widgets.IntSlider):
        return [v for v in (value + control.step, value - control.step) if control.min <= v <= control.max]
    if isinstance(control, widgets.FloatSlider):
        steps = (round(value + control.step, 10), round(value - control.step, 10))
        return [v for v in steps if _within(v, control.min, control.max)]
    if isinstance(control, widgets.Text):
        typed = [value + ch for ch in getattr(spec, "next_characters", "")]
        return ([value[:-1]] if value else []) + typed
    if hasattr(control, "options"):  # toggle buttons, drop-downs: the other options, the adjacent first
        options = list(control.options)  # ChoiceSpec gives plain values, no (label, value) pairs
        here = options.index(value) if value in options else 0
        order = sorted(range(len(options)), key=lambda k: (abs(k - here), k < here))
        return [options[k] for k in order if k != here]
    return []


def kernel_loop():
    """The event loop running on this thread when this code runs in an IPython kernel (the main
    thread's, or a subshell's: ipykernel >= 7 may deliver a widget's message on either), or None
    (a script, a test, or another library's loop: Playwright's, which does not turn while a test
    runs)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return loop if getattr(shell, "kernel", None) is not None else None


def went_down(change) -> bool:
    """Whether the change moved a slider down; False for any other control."""
    sliders = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider)
    if change is None or not isinstance(change.get("owner"), sliders):
        return False
    return change["new"] < change["old"]
