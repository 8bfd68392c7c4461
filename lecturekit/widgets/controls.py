"""Control specs: the range and default of each control of a dashboard, in one place.

A spec is a small frozen dataclass, written with keywords only, that a :class:`~lecturekit.widgets.Dashboard`
turns into an ipywidgets control::

    SLIDERS = {
        "scale": SliderSpec(min=0.0, max=2.5, step=0.05, value=0.95, description="modulus |λ|"),
        "steps": IntSliderSpec(min=20, max=1000, step=20, value=100, description="steps T"),
        "g": ChoiceSpec(options=("linear", "tanh"), value="linear"),
    }

Every spec follows :class:`ControlSpec`: ``value`` (the default), ``build(name)`` (the widget) and
``values()`` (every value the control can take, or for a text box the examples a test types).
The names end in ``Spec`` so that they never shadow ipywidgets' own ``IntSlider`` and friends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import ipywidgets as widgets

__all__ = ["ControlSpec", "SliderSpec", "LogSliderSpec", "IntSliderSpec", "ChoiceSpec", "TextSpec"]

_STYLE = {"description_width": "initial"}


@runtime_checkable
class ControlSpec(Protocol):
    """What a :class:`~lecturekit.widgets.Dashboard` needs of a control spec."""

    @property
    def value(self) -> Any:
        """The control's starting value (``with_defaults`` replaces it)."""

    def build(self, name: str) -> widgets.ValueWidget:
        """A new ipywidgets control at ``value``; ``name`` is its label unless the spec has a description."""

    def values(self) -> list:
        """Every value a test sweeps: each position of a slider, each option, each example text."""


def _grid(low: float, high: float, step: float) -> list[float]:
    n = int(round((high - low) / step))
    return [round(low + i * step, 10) for i in range(n + 1)]


def _check_range(kind: str, low, high, step, value) -> None:
    if not step > 0 or not low < high:
        raise ValueError(f"{kind} needs min < max and step > 0; got min={low}, max={high}, step={step}")
    if not low <= value <= high:
        raise ValueError(f"{kind}: the value {value} lies outside [{low}, {high}]")


@dataclass(frozen=True, kw_only=True)
class SliderSpec:
    """A float slider from ``min`` to ``max`` in steps of ``step``, starting at ``value``."""

    min: float
    max: float
    step: float
    value: float
    description: str = ""  # the label; the control's name when empty
    readout_format: str = ".2f"

    def __post_init__(self):
        _check_range("SliderSpec", self.min, self.max, self.step, self.value)

    def build(self, name: str) -> widgets.FloatSlider:
        return widgets.FloatSlider(min=self.min, max=self.max, step=self.step, value=self.value,
                                   description=self.description or name, readout_format=self.readout_format,
                                   continuous_update=True, style=_STYLE, layout=widgets.Layout(width="320px"))

    def values(self) -> list[float]:
        """Every position of the slider, min to max."""
        return _grid(self.min, self.max, self.step)


@dataclass(frozen=True, kw_only=True)
class LogSliderSpec:
    """A slider over 10**min ... 10**max in steps of ``step`` decades; the readout shows the value itself."""

    min: float  # log10 of the smallest value
    max: float  # log10 of the largest value
    step: float  # in decades
    value: float  # the default: the value itself, not its log
    description: str = ""
    readout_format: str = ".3g"

    def __post_init__(self):
        if not self.value > 0:
            raise ValueError(f"LogSliderSpec: the value must be > 0; got {self.value}")
        _check_range("LogSliderSpec (in decades)", self.min, self.max, self.step, round(math.log10(self.value), 10))

    def build(self, name: str) -> widgets.FloatLogSlider:
        return widgets.FloatLogSlider(base=10, min=self.min, max=self.max, step=self.step, value=self.value,
                                      description=self.description or name, readout_format=self.readout_format,
                                      continuous_update=True, style=_STYLE, layout=widgets.Layout(width="360px"))

    def values(self) -> list[float]:
        """Every position of the slider, 10**min to 10**max."""
        return [float(10**e) for e in _grid(self.min, self.max, self.step)]


@dataclass(frozen=True, kw_only=True)
class IntSliderSpec:
    """An int slider from ``min`` to ``max`` in steps of ``step``, starting at ``value``."""

    min: int
    max: int
    value: int
    step: int = 1
    description: str = ""

    def __post_init__(self):
        _check_range("IntSliderSpec", self.min, self.max, self.step, self.value)

    def build(self, name: str) -> widgets.IntSlider:
        return widgets.IntSlider(min=self.min, max=self.max, step=self.step, value=self.value,
                                 description=self.description or name, continuous_update=True,
                                 style=_STYLE, layout=widgets.Layout(width="320px"))

    def values(self) -> list[int]:
        """Every position of the slider, min to max."""
        return list(range(self.min, self.max + 1, self.step))


@dataclass(frozen=True, kw_only=True)
class ChoiceSpec:
    """A choice among ``options``, shown as toggle buttons."""

    options: tuple
    value: Any
    description: str = ""

    def __post_init__(self):
        if self.value not in self.options:
            raise ValueError(f"ChoiceSpec: the value {self.value!r} is not one of the options {self.options}")

    def build(self, name: str) -> widgets.ToggleButtons:
        return widgets.ToggleButtons(options=list(self.options), value=self.value,
                                     description=self.description or name,
                                     style={**_STYLE, "button_width": "auto"})

    def values(self) -> list:
        """Every option."""
        return list(self.options)


@dataclass(frozen=True, kw_only=True)
class TextSpec:
    """A one-line text box, updated at each keystroke. ``examples`` are the texts a test types
    (good ones, and ones the dashboard must answer with a message); ``next_characters`` the ones
    the dashboard prepares while the student looks (the text with each of them typed at its end),
    the likeliest first."""

    value: str
    examples: tuple[str, ...] = ()
    description: str = ""
    placeholder: str = ""
    next_characters: str = ""

    def build(self, name: str) -> widgets.Text:
        return widgets.Text(value=self.value, description=self.description or name, placeholder=self.placeholder,
                            continuous_update=True, style=_STYLE, layout=widgets.Layout(width="460px"))

    def values(self) -> list[str]:
        """The starting text, then every example."""
        return [self.value, *(text for text in self.examples if text != self.value)]

