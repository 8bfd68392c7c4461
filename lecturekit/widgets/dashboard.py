"""The one widget pattern every notebook uses.

    state (control values) -> compute(**state) -> result (plain arrays) -> draw(result)

``compute`` is a pure function from a math module, ``draw`` updates the artists of one
matplotlib ``Figure`` in place (object-oriented API, Agg canvas, no pyplot state), and the
dashboard shows the figure as a PNG in an ``ipywidgets.Image``: the fastest route measured
(see DESIGN.md), and one that needs no backend magic and works in Colab and Voila too. The PNG
travels as a ``data:`` URL (:func:`data_url`), which the browser loads sooner than the Blob URL
ipywidgets makes of raw PNG bytes.

A ``ValueError`` from ``compute`` (a kernel wider than its input, ...) is shown as a message
in the figure, never as a traceback. Tests build a dashboard, set ``controls[name].value``
and read ``result``, ``error`` and ``png``; no browser needed.

A move answers at once when its picture is ready: every picture is kept by control state
(:class:`~lecturekit.widgets.prefetch.PictureCache`), and after each move of the student's the
dashboard renders the states one key press away (:func:`~lecturekit.widgets.prefetch.neighbours`)
on the event loop of the kernel's thread that had the move, one at a time, while the student looks: the next step
then only sends a PNG. So ``compute`` must depend on the controls alone; after a change of
anything else, call :meth:`Dashboard.refresh`, which forgets the kept pictures.
``LECTUREKIT_PREFETCH=off`` turns prefetching off (a shared server short of CPU); the states the
student visits are kept either way.

The controls' ranges and defaults are specs (:mod:`lecturekit.widgets.controls`); every
dashboard of the notebooks is listed once in :mod:`lecturekit.widgets.registry`.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import itertools
import os
import threading
from typing import Any, Callable

import ipywidgets as widgets
from IPython.display import Image, display
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .blit import encode_pixels, full_draw_order
from .controls import ControlSpec
from .prefetch import Picture, PictureCache, kernel_loop, neighbours, state_key, went_down

__all__ = ["Dashboard", "data_url", "new_figure", "render_png", "show", "with_defaults"]

#: after a move, how long the kernel leaves the interpreter to the thread that sends the picture
#: before it starts prefetching (Python hands the interpreter to a waiting thread only every 5 ms
#: while one computes)
SETTLE_SECONDS = 0.01

#: the pause between two prefetched pictures: the event loop needs a few turns to take in a
#: message, and a move that arrives meanwhile should not wait for more than one picture
#: (``benchmarks/bench_kernel_moves.py``: with no pause a move waited for three)
STEP_SECONDS = 0.002


def with_defaults(specs: dict[str, ControlSpec], defaults: dict[str, Any]) -> dict[str, ControlSpec]:
    """A copy of ``specs`` whose controls start at ``defaults`` (name -> value) instead.

    An unknown name, or a value outside its control's range, is a ``ValueError`` that says so.
    """
    specs = dict(specs)
    for name, value in defaults.items():
        if name not in specs:
            raise ValueError(f"unknown control {name!r}; the controls are {sorted(specs)}")
        specs[name] = dataclasses.replace(specs[name], value=value)
    return specs


def new_figure(width: float, height: float, dpi: int = 80) -> Figure:
    """A figure (width x height inches) on an Agg canvas, outside pyplot (no global state, never
    shown twice), laid out by constrained layout."""
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def render_png(fig: Figure) -> bytes:
    """The whole figure as PNG bytes: every artist, also one marked animated.

    ``canvas.print_png`` alone leaves animated artists out (they are meant to be blitted on top),
    so they are drawn as ordinary ones for this picture and marked animated again afterwards.
    """
    animated = fig.findobj(lambda artist: artist.get_animated())
    for artist in animated:
        artist.set_animated(False)
    try:
        buf = io.BytesIO()
        fig.canvas.print_png(buf, pil_kwargs={"compress_level": 1})  # fast to encode; size hardly matters here
    finally:
        for artist in animated:
            artist.set_animated(True)
    return buf.getvalue()


def data_url(png: bytes) -> bytes:
    """PNG bytes as the ``data:`` URL a dashboard's ``Image(format="url")`` shows.

    For ``format="png"`` ipywidgets makes a Blob URL, which Chromium loads through its browser
    process: on a plain page, setting ``src`` to the ``load`` event and the next frame took 19 ms
    for a Blob URL and 2 to 5 ms for a data URL of the same 46 kB PNG (median of 40, measured once
    with a one-off Playwright snippet, not kept in ``benchmarks/``; in JupyterLab the difference
    was not measured on its own)."""
    return b"data:image/png;base64," + base64.b64encode(png)


def show(fig: Figure) -> None:
    """Display a static figure in the notebook as a PNG (stored with the notebook's outputs)."""
    display(Image(data=render_png(fig), format="png"))


class Dashboard:
    """Controls wired to ``compute`` and ``draw`` on one figure, shown as a PNG image.

    Parameters
    ----------
    specs : name -> control spec (:class:`~lecturekit.widgets.SliderSpec`, ...); the names are
        ``compute``'s keyword arguments.
    compute : pure function ``compute(**state) -> result``; a ``ValueError`` becomes a message.
    draw : ``draw(result)`` updates the artists of ``figure`` in place.
    figure : the figure ``draw`` draws on (from :func:`new_figure`).
    columns : controls per row above the picture; ``extra`` widgets follow the controls.
    dynamic : optional, for fast moves: the artists ``draw`` changes (lines, points, notes).
        Start without it: every move then draws the whole figure, and ``draw`` may change
        anything. With it, everything else is drawn once into a background picture, and drawn
        again only when an axes' limits, labels, title or visibility change; a move otherwise
        draws just these artists on top of the background (blitting). Text is most of the cost
        of a matplotlib figure, so this makes a move several times cheaper, but ``draw`` may then
        change nothing but these artists and the axes' limits, labels and titles, and artists
        they are drawn in the order a full drawing stacks them, with the frames (spines) of their axes
        on top. An other artist that a full drawing puts over a dynamic one must be listed too.

    prefetch : render the states one key press away after each move, while the student looks
        (default: on, unless the environment variable ``LECTUREKIT_PREFETCH`` is ``off``, ``0``,
        ``false`` or ``no``). It needs a Jupyter kernel's event loop; elsewhere :meth:`prefetch`
        renders them.

    The figure stays a plain figure: ``show(d.figure)`` and ``render_png(d.figure)`` give the
    whole picture of the current state, blitted or not, also between two prefetched pictures; hold
    ``d.lock`` around them while a student may be moving a control (moves and prefetched pictures
    draw under it, on whichever thread the kernel gives them).
    Its layout engine places the axes once, for the first picture, and is then switched off
    (:meth:`_keep_layout`).

    Attributes a test reads: ``controls`` (name -> ipywidgets control), ``state``, ``result``,
    ``error`` (the message shown, or None), ``notice`` (the text artist that shows it), ``png``
    (the picture shown), ``updates`` (how many pictures so far), ``computed`` (how many states
    were computed and drawn, prefetched or not), ``pictures`` (the kept ones) and ``widget``.
    """

    def __init__(self, specs: dict[str, ControlSpec], compute: Callable[..., Any], draw: Callable[[Any], None],
                 figure: Figure, *, columns: int = 3, extra: list[widgets.Widget] | None = None,
                 dynamic: list[Artist] | None = None, prefetch: bool | None = None):
        self.specs = specs
        self.compute, self.draw, self.figure = compute, draw, figure
        self.dynamic = list(dynamic or [])
        self._blitted = full_draw_order(figure, self.dynamic)  # drawn over the background, in this order
        self._background, self._chrome = None, None
        self.controls = {name: spec.build(name) for name, spec in specs.items()}
        self.image = widgets.Image(format="url", layout=widgets.Layout(max_width="100%"))  # value: data_url(png)
        self.result: Any = None
        self.error: str | None = None
        self.png: bytes = b""
        self.updates = self.computed = 0
        self.pictures = PictureCache()
        if prefetch is None:
            prefetch = os.environ.get("LECTUREKIT_PREFETCH", "on").strip().lower() not in ("off", "0", "false", "no")
        self.prefetching = prefetch
        self._queue: list[dict] = []  # the states to render while the student looks, next first
        self._moved = None  # the last move's change
        # A kernel may deliver two moves on two threads (JupyterLab sends some widget messages
        # through a subshell, ipykernel >= 7), and both would draw on the one figure: every move and
        # every prefetched picture holds the lock. Each move takes a new turn; a prefetch step
        # scheduled in an earlier turn does nothing, so a move waits for one prefetched picture at most.
        self.lock = threading.RLock()
        self._turns, self._turn_lock = itertools.count(), threading.Lock()
        self._new_turn()
        self.notice = figure.text(0.5, 0.5, "", ha="center", va="center", fontsize=13, wrap=True,
                                  bbox=dict(boxstyle="round", facecolor="#fff3cd", edgecolor="#d39e00"),
                                  visible=False, zorder=10)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        items = list(self.controls.values()) + list(extra or [])
        rows = [widgets.HBox(items[i:i + columns]) for i in range(0, len(items), columns)]
        self.widget = widgets.VBox([*rows, self.image])
        self.refresh()  # the first picture, laid out by the figure's layout engine ...
        self._keep_layout()  # ... and the axes stay where it put them

    @property
    def state(self) -> dict[str, Any]:
        """The controls' current values, name -> value."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:
        """Recompute, redraw and re-render from the controls' current values, forgetting every kept
        picture (call it after changing something ``compute`` reads besides the controls)."""
        with self.lock:
            self._new_turn()
            self.pictures.clear()
            self._queue.clear()
            self._show(self._picture_of(self.state))

    def prefetch(self) -> int:
        """Render now every state still waiting to be prefetched (what the event loop does one at
        a time between the student's moves); returns how many were rendered."""
        with self.lock:
            self._new_turn()
            if self._moved is not None:
                self._plan(self._moved)
            done = 0
            while self._prefetch_one():
                done += 1
            return done

    def _picture_of(self, state: dict) -> Picture:
        """Compute, draw and render ``state`` (the figure is left showing it), and keep the picture."""
        try:
            result, error = self.compute(**state), None
        except ValueError as err:  # an illegal combination: say so in the figure
            result, error = None, str(err)
        self._draw_state(result, error)
        picture = Picture(result, error, self._render(error))
        self.pictures.put(state_key(state), picture)
        self.computed += 1
        return picture

    def _draw_state(self, result, error: str | None) -> None:
        """Update the figure's artists to ``result``, or to the message ``error`` (nothing rendered)."""
        self._show_panels(error is None)
        self.notice.set_visible(error is not None)
        if error is None:
            self.draw(result)
        else:
            self.notice.set_text(error)

    def _show(self, picture: Picture) -> None:
        self.result, self.error, self.png = picture.result, picture.error, picture.png
        self.image.value = data_url(picture.png)
        self.updates += 1

    def _show_panels(self, visible: bool) -> None:
        """Show or hide every axes, and the dynamic artists outside them (a formula under the axes,
        ...): a message replaces what the last legal setting drew."""
        for ax in self.figure.axes:
            ax.set_visible(visible)
        for artist in self.dynamic:
            if artist.axes is None:
                artist.set_visible(visible)

    def _keep_layout(self) -> None:
        """Switch the figure's layout engine off after the first picture: constrained layout costs
        as much as the drawing itself, and panels that shift as a slider moves distract the eye."""
        if self.figure.get_layout_engine() is not None:
            self.figure.set_layout_engine("none")

    def _on_change(self, change) -> None:
        """Show the picture of the new state at once (kept, or computed now) and bring the figure's
        artists to it; in a kernel, queue the neighbours a little later (:meth:`_settle`), so that
        the picture's message leaves before the prefetching starts."""
        turn = self._new_turn()  # before the lock: a prefetch step now waiting stops
        with self.lock:
            state = self.state  # read under the lock: the last move's state is the one shown last
            picture = self.pictures.get(state_key(state))
            if picture is None:
                self._show(self._picture_of(state))
            else:
                self._show(picture)
                self._draw_state(picture.result, picture.error)  # a few ms at most, after the picture has gone
            self._moved = change
            loop = kernel_loop()
            if loop is None:
                self._plan(change)  # queued for prefetch(); nothing renders them in the background
            else:  # the message leaves on another thread, which needs the interpreter: let it go first
                loop.call_later(SETTLE_SECONDS, self._settle, turn)

    def _new_turn(self) -> int:
        with self._turn_lock:  # never backwards, whichever thread stores it last
            self._turn = next(self._turns)
            return self._turn

    def _settle(self, turn: int) -> None:
        with self.lock:
            if turn == self._turn:
                self._plan(self._moved, turn)

    def _plan(self, change, turn: int | None = None) -> None:
        """Queue the states one key press away from the current one, not kept yet: the control just
        moved first (onwards in the direction it moved, then back), then the others in order."""
        moved = change is not None and change.get("name") == "value" and change.get("owner")
        first = [name for name, control in self.controls.items() if control is moved]
        queue = []
        for name in first + [n for n in self.controls if n not in first]:
            values = neighbours(self.controls[name], self.specs[name])
            if name in first and went_down(change) and len(values) == 2:
                values = values[::-1]
            queue += [{**self.state, name: value} for value in values]
        self._queue = [state for state in queue if state_key(state) not in self.pictures]
        self._schedule(turn)

    def _schedule(self, turn: int | None) -> None:
        loop = kernel_loop()
        if self.prefetching and self._queue and turn is not None and loop is not None:
            loop.call_later(STEP_SECONDS, self._prefetch_step, turn)

    def _prefetch_step(self, turn: int) -> None:
        """One prefetched picture, then the next STEP_SECONDS later: a key press waits for one at most."""
        if turn != self._turn:  # a move came since: it plans anew
            return
        with self.lock:
            if turn == self._turn and self._prefetch_one():
                self._schedule(turn)

    def _prefetch_one(self) -> bool:
        """Render the next queued state that is not kept yet, then put the figure's artists back to
        the current state; False when nothing was left."""
        while self._queue:
            state = self._queue.pop(0)
            if state_key(state) not in self.pictures:
                try:
                    self._picture_of(state)
                except Exception:  # noqa: BLE001 -- a bug shows as a traceback when the student gets there, not here
                    pass
                finally:
                    self._draw_state(self.result, self.error)
                return True
        return False

    def _chrome_key(self) -> tuple:
        """What the background picture depends on besides the dynamic artists."""
        dynamic = {id(a) for a in self.dynamic}
        return (self.notice.get_visible(), self.notice.get_text(), *(
            (ax.get_visible(), ax.get_xlim(), ax.get_ylim(), ax.get_xlabel(), ax.get_ylabel(),
             None if id(ax.title) in dynamic else (ax.get_title(), str(ax.title.get_color())))
            for ax in self.figure.axes))

    def _render(self, error: str | None) -> bytes:
        """The picture of the figure's state: drawn whole, or (with ``dynamic``) the dynamic artists
        drawn over the background, which is drawn again first if what it shows has changed."""
        if not self.dynamic:
            return render_png(self.figure)
        canvas = self.figure.canvas
        key = self._chrome_key()
        if key != self._chrome:
            self._draw_background()
            self._chrome = key
        else:
            canvas.restore_region(self._background)
        if error is None:
            for artist in self._blitted:
                self.figure.draw_artist(artist)
        return encode_pixels(canvas)

    def _draw_background(self) -> None:
        """Draw everything but the dynamic artists onto the canvas, and keep a copy of its pixels.

        The dynamic artists are marked animated only for this drawing (``canvas.draw`` leaves
        animated artists out), so that outside it the figure draws whole.
        """
        for artist in self._blitted:
            artist.set_animated(True)
        try:
            self.figure.canvas.draw()
        finally:
            for artist in self._blitted:
                artist.set_animated(False)
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)

    def snapshot(self) -> Image:
        """A static picture of the current state, for readers without a kernel (GitHub, nbviewer)."""
        return Image(data=self.png, format="png")

    def _ipython_display_(self) -> None:
        display(self.widget)
