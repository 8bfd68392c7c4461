"""The one widget pattern every notebook uses.

    state (control values) -> compute(**state) -> result (plain arrays) -> draw(result)

``compute`` is a pure function from a math module, ``draw`` updates the artists of one
matplotlib ``Figure`` in place (object-oriented API, Agg canvas, no pyplot state), and the
dashboard shows the figure as a PNG in an ``ipywidgets.Image``: the fastest route measured
(see DESIGN.md), and one that needs no backend magic and works in Colab and Voila too.

A ``ValueError`` from ``compute`` (a kernel wider than its input, ...) is shown as a message
in the figure, never as a traceback. Tests build a dashboard, set ``controls[name].value``
and read ``result`` and ``png``; no browser needed.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from typing import Any, Callable

import ipywidgets as widgets
from IPython.display import Image, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

__all__ = ["Dashboard", "Slider", "LogSlider", "IntSlider", "Choice", "new_figure", "render_png", "show",
           "with_defaults"]


@dataclass(frozen=True)
class Slider:
    """A float slider's range and default: one place per dashboard holds these."""

    min: float
    max: float
    step: float
    value: float
    description: str = ""
    readout_format: str = ".2f"

    def build(self, name: str) -> widgets.FloatSlider:
        return widgets.FloatSlider(min=self.min, max=self.max, step=self.step, value=self.value,
                                   description=self.description or name, readout_format=self.readout_format,
                                   continuous_update=True, style={"description_width": "initial"},
                                   layout=widgets.Layout(width="320px"))

    def values(self) -> list[float]:
        """Every value the slider can take (what a test sweeps)."""
        n = int(round((self.max - self.min) / self.step))
        return [round(self.min + i * self.step, 10) for i in range(n + 1)]


@dataclass(frozen=True)
class LogSlider:
    """A slider over 10**min ... 10**max in steps of ``step`` decades; the readout shows the value itself."""

    min: float  # log10 of the smallest value
    max: float  # log10 of the largest value
    step: float  # in decades
    value: float  # the default (the value, not its log)
    description: str = ""
    readout_format: str = ".3g"

    def build(self, name: str) -> widgets.FloatLogSlider:
        return widgets.FloatLogSlider(base=10, min=self.min, max=self.max, step=self.step, value=self.value,
                                      description=self.description or name, readout_format=self.readout_format,
                                      continuous_update=True, style={"description_width": "initial"},
                                      layout=widgets.Layout(width="360px"))

    def values(self) -> list[float]:
        """Every value the slider can take (what a test sweeps)."""
        n = int(round((self.max - self.min) / self.step))
        return [float(10 ** round(self.min + i * self.step, 10)) for i in range(n + 1)]


@dataclass(frozen=True)
class IntSlider:
    """An int slider's range and default."""

    min: int
    max: int
    value: int
    step: int = 1
    description: str = ""

    def build(self, name: str) -> widgets.IntSlider:
        return widgets.IntSlider(min=self.min, max=self.max, step=self.step, value=self.value,
                                 description=self.description or name, continuous_update=True,
                                 style={"description_width": "initial"}, layout=widgets.Layout(width="320px"))

    def values(self) -> list[int]:
        return list(range(self.min, self.max + 1, self.step))


@dataclass(frozen=True)
class Choice:
    """A set of options shown as toggle buttons."""

    options: tuple
    value: Any
    description: str = ""

    def build(self, name: str) -> widgets.ToggleButtons:
        return widgets.ToggleButtons(options=list(self.options), value=self.value,
                                     description=self.description or name,
                                     style={"description_width": "initial", "button_width": "auto"})

    def values(self) -> list:
        return list(self.options)


def with_defaults(specs: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``specs`` whose controls start at ``defaults`` (name -> value) instead.

    An unknown name is a ``ValueError`` that lists the controls there are.
    """
    specs = dict(specs)
    for name, value in defaults.items():
        if name not in specs:
            raise ValueError(f"unknown control {name!r}; the controls are {sorted(specs)}")
        specs[name] = dataclasses.replace(specs[name], value=value)
    return specs


def new_figure(width: float, height: float, dpi: int = 80) -> Figure:
    """A figure on an Agg canvas, outside pyplot (no global state, never shown twice)."""
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def render_png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.canvas.print_png(buf, pil_kwargs={"compress_level": 1})  # fast to encode; size hardly matters here
    return buf.getvalue()


def _encode_png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's current pixels as PNG bytes, without drawing anything again."""
    width, height = canvas.get_width_height(physical=True)
    picture = PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    picture.save(buf, format="png", compress_level=1)
    return buf.getvalue()


class Dashboard:
    """Controls wired to ``compute`` and ``draw`` on one figure, shown as a PNG image.

    Parameters
    ----------
    specs : name -> Slider / IntSlider / Choice; the names are ``compute``'s keyword arguments.
    compute : pure function ``compute(**state) -> result``.
    draw : ``draw(result)`` updates the artists of ``figure`` in place.
    figure : the figure ``draw`` draws on (from :func:`new_figure`).
    dynamic : the artists ``draw`` changes (lines, points, notes), if you want fast moves.
        Everything else is drawn once into a background picture, and drawn again only when an
        axes' limits, labels, title or visibility change; a move otherwise redraws just these
        artists on top of the background (blitting). Text is most of the cost of a matplotlib
        figure, so this makes a move several times cheaper. Without ``dynamic`` every move
        draws the whole figure. With it, ``draw`` may change nothing but these artists and the
        axes' limits, labels and titles.
    """

    def __init__(self, specs: dict[str, Any], compute: Callable[..., Any], draw: Callable[[Any], None],
                 figure: Figure, *, columns: int = 3, extra: list[widgets.Widget] | None = None,
                 dynamic: list | None = None):
        self.specs = specs
        self.dynamic = list(dynamic or [])
        for artist in self.dynamic:
            artist.set_animated(True)  # left out of canvas.draw(): drawn on top by _render
        self._background, self._chrome = None, None
        self.controls = {name: spec.build(name) for name, spec in specs.items()}
        self.compute, self.draw, self.figure = compute, draw, figure
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.result: Any = None
        self.error: str | None = None
        self.png: bytes = b""
        self.updates = 0
        self._notice = figure.text(0.5, 0.5, "", ha="center", va="center", fontsize=13, wrap=True,
                                   bbox=dict(boxstyle="round", facecolor="#fff3cd", edgecolor="#d39e00"),
                                   visible=False, zorder=10)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        items = list(self.controls.values()) + list(extra or [])
        rows = [widgets.HBox(items[i:i + columns]) for i in range(0, len(items), columns)]
        self.widget = widgets.VBox([*rows, self.image])
        self.refresh()

    @property
    def state(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:
        """Recompute, redraw and re-render from the controls' current values."""
        try:
            result = self.compute(**self.state)
        except ValueError as err:  # an illegal combination: say so in the figure
            self.error, self.result = str(err), None
            for ax in self.figure.axes:
                ax.set_visible(False)
            self._notice.set_text(str(err))
            self._notice.set_visible(True)
        else:
            self.error, self.result = None, result
            for ax in self.figure.axes:
                ax.set_visible(True)
            self._notice.set_visible(False)
            self.draw(result)
        self.png = self._render()
        if self.updates == 0 and self.figure.get_layout_engine() is not None:
            # Lay the figure out once, then keep the axes where they are: constrained layout
            # costs as much as the drawing itself, and moving panels distract the eye.
            self.figure.set_layout_engine("none")
        self.image.value = self.png
        self.updates += 1

    def _on_change(self, change) -> None:
        self.refresh()

    def _chrome_key(self) -> tuple:
        """What the background picture depends on besides the dynamic artists."""
        dynamic = {id(a) for a in self.dynamic}
        return (self._notice.get_visible(), self._notice.get_text(), *(
            (ax.get_visible(), ax.get_xlim(), ax.get_ylim(), ax.get_xlabel(), ax.get_ylabel(),
             None if id(ax.title) in dynamic else (ax.get_title(), str(ax.title.get_color())))
            for ax in self.figure.axes))

    def _render(self) -> bytes:
        if not self.dynamic:
            return render_png(self.figure)
        canvas = self.figure.canvas
        key = self._chrome_key()
        if key != self._chrome:
            canvas.draw()  # everything but the dynamic artists
            self._background, self._chrome = canvas.copy_from_bbox(self.figure.bbox), key
        else:
            canvas.restore_region(self._background)
        if self.error is None:
            for artist in self.dynamic:
                self.figure.draw_artist(artist)
        return _encode_png(canvas)

    def snapshot(self) -> Image:
        """A static picture of the current state, for readers without a kernel (GitHub, nbviewer)."""
        return Image(data=self.png, format="png")

    def _ipython_display_(self) -> None:
        display(self.widget)


def show(fig: Figure) -> None:
    """Display a static figure in the notebook as a PNG (stored with the notebook's outputs)."""
    display(Image(data=render_png(fig), format="png"))
