"""Drawing for the convolution notebooks: signals and responses, images, and the wiring diagram
(which inputs feed an output, which outputs send gradient back to an input).

Each function takes an ``Axes`` and data, draws, and returns the artists it made; the wiring
diagram returns a small object whose ``update`` changes those artists in place, for dashboards.
Nothing here computes a convolution: the data come from :mod:`lecturekit.conv`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection

#: the colours every convolution figure uses
FORWARD = "#e67e22"   # an output and the inputs it reads
BACKWARD = "#2e86c1"  # an input and the outputs that send gradient back to it
MOTIF = "#27ae60"     # where a motif was planted
FAINT = "0.82"
PAD_FACE = "#f4f4f4"


def signal(ax: Axes, x, *, start: int = 0, label: str | None = None, **kwargs):
    """A 1-D signal as a line over its sample index (from ``start``); returns the line."""
    x = np.asarray(x)
    (line,) = ax.plot(np.arange(start, start + len(x)), x, label=label, **kwargs)
    ax.set_xlabel("sample i")
    return line


def spans(ax: Axes, starts, width: int, *, color: str = MOTIF, label: str | None = "motif"):
    """Shade ``[s, s + width)`` for each start (where a motif sits); returns the patches."""
    patches = []
    for i, s in enumerate(starts):
        patches.append(ax.axvspan(s - 0.5, s + width - 0.5, color=color, alpha=0.18, lw=0,
                                  label=label if i == 0 else None))
    return patches


def peaks(ax: Axes, where, values, *, color: str = "#c0392b", label: str | None = "detected"):
    """Mark detected positions with triangles; returns the markers."""
    (markers,) = ax.plot(where, values, "v", color=color, ms=8, label=label, zorder=4)
    return markers


def image(ax: Axes, img, *, cmap: str = "gray", symmetric: bool = False, title: str | None = None):
    """An image (H, W) with pixel indices on the axes; ``symmetric`` centres the colour scale on 0.

    Returns the ``AxesImage``.
    """
    img = np.asarray(img, dtype=float)
    kwargs = {}
    if symmetric:
        lim = float(np.abs(img).max()) or 1.0
        kwargs = dict(vmin=-lim, vmax=lim)
    artist = ax.imshow(img, cmap=cmap, interpolation="nearest", **kwargs)
    if max(img.shape) <= 12:                              # a kernel or a tiny image: tick every pixel
        ax.set_xticks(range(img.shape[1]))
        ax.set_yticks(range(img.shape[0]))
    if title:
        ax.set_title(title)
    return artist


def boxes(ax: Axes, rows: np.ndarray, *, fmt: str = "{:g}", fontsize: int = 8, image=None):
    """Numbers written into the cells of a small array (a kernel, a tiny image); returns the texts.

    Each number is white on a dark cell and black on a light one: the cell's shade is read from ``image`` (the
    ``AxesImage`` that draws ``rows``), or else from the axes' first image."""
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    image = image if image is not None else (ax.images[0] if ax.images else None)
    texts = []
    for (r, c), v in np.ndenumerate(rows):
        if image is not None:
            red, green, blue, _ = image.cmap(image.norm(v))
            dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5      # the cell's brightness
        else:
            dark = abs(v) > 0.5 * (np.abs(rows).max() or 1)
        texts.append(ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=fontsize,
                             color="white" if dark else "black"))
    return texts


# --------------------------------------------------------------------------------------------
# the wiring diagram
# --------------------------------------------------------------------------------------------

#: vertical distance between the input row and the output row of a wiring diagram
ROW_GAP = 2.0
HALF = 0.38


def _cell(x: float, y: float, half: float = HALF) -> np.ndarray:
    return np.array([[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half]])


def _link(x_out: float, m: float) -> list[tuple[float, float]]:
    """A line from the bottom of an output cell to the top of input cell m."""
    return [(x_out, ROW_GAP - HALF), (m, HALF)]


@dataclass
class WiringDiagram:
    """The artists of one wiring panel: input cells (bottom row), output cells (top row), every
    connection faint, and the connections of the chosen cell in colour with their weights."""

    ax: Axes
    mode: str                         # "forward" (from an output) or "backward" (to an input)
    inputs: PolyCollection
    outputs: PolyCollection
    faint: LineCollection
    bright: LineCollection
    labels: list = field(default_factory=list)
    note: object = None

    def artists(self) -> list:
        """Every artist :meth:`update` changes (a dashboard's ``dynamic`` artists)."""
        return [self.inputs, self.outputs, self.faint, self.bright, *self.labels, self.note, self.ax.title]

    def update(self, w) -> None:
        """Redraw for a :class:`lecturekit.conv.Wiring` ``w`` (artists changed in place)."""
        ax, p = self.ax, w.padding
        padded = w.n + 2 * p
        span = w.dilation * (w.kernel - 1) + 1
        x_out = np.arange(w.size) * w.stride + (span - 1) / 2      # each output above its window's centre
        self.inputs.set_verts([_cell(m, 0) for m in range(padded)])
        self.outputs.set_verts([_cell(x, ROW_GAP) for x in x_out])
        out_i, in_m = np.nonzero(w.taps >= 0)                        # every (output, padded input) pair
        self.faint.set_segments([_link(x_out[i], m) for i, m in zip(out_i, in_m)])
        in_face = np.array([PAD_FACE if (m < p or m >= p + w.n) else "white" for m in range(padded)], dtype=object)
        out_face = np.array(["white"] * w.size, dtype=object)
        if self.mode == "forward":
            colour, pairs = FORWARD, [(w.output, m) for m in w.reads]
            out_face[w.output] = colour
            in_face[w.reads] = colour
        else:
            colour, m = BACKWARD, w.input + p
            pairs = [(i, m) for i in w.senders]
            in_face[m] = colour
            out_face[w.senders] = colour
        self.bright.set_segments([_link(x_out[i], m) for i, m in pairs])
        self.bright.set_color(colour)
        self.inputs.set_facecolor(list(in_face))
        self.outputs.set_facecolor(list(out_face))
        for k, text in enumerate(self.labels):                        # "w_j" on each bright line
            if k < len(pairs):
                i, m = pairs[k]
                j = int(w.taps[i, m])
                text.set_position((0.7 * m + 0.3 * x_out[i] + 0.08, 0.3 * ROW_GAP + 0.05))  # right of the line
                text.set_text(f"w{j}")
                text.set_color(colour)
                text.set_visible(True)
            else:
                text.set_visible(False)
        ax.set_xlim(-0.7, padded - 0.3)                              # outputs sit above the padded input
        if self.mode == "forward":
            read = [m - p for m in w.reads]
            shown = ", ".join("pad" if (m < 0 or m >= w.n) else f"x{m}" for m in read)
            ax.set_title(f"forward: y{w.output} reads {shown}", color=colour, fontsize=10)
        else:
            names = ", ".join(f"y{i}" for i in w.senders) or "no output: its gradient is 0"
            ax.set_title(f"backward: x{w.input} gets gradient from {names}", color=colour, fontsize=10)
        if self.note is not None:
            self.note.set_text(w.clamped)


def wiring_diagram(ax: Axes, w, mode: str = "forward", *, max_labels: int = 8) -> WiringDiagram:
    """Draw the wiring of a 1-D convolution :class:`lecturekit.conv.Wiring` ``w`` on ``ax``.

    Bottom row: the padded input (padding cells grey); top row: the outputs, each above
    the centre of its window. ``mode="forward"`` colours the chosen output and the inputs it reads,
    ``mode="backward"`` the chosen input and the outputs that send gradient back to it. Returns a
    :class:`WiringDiagram` whose ``update(w)`` redraws in place.
    """
    if mode not in ("forward", "backward"):
        raise ValueError(f"mode is 'forward' or 'backward', got {mode!r}")
    inputs = PolyCollection([], edgecolor="0.3", linewidth=0.8, zorder=3)
    outputs = PolyCollection([], edgecolor="0.3", linewidth=0.8, zorder=3)
    faint = LineCollection([], color=FAINT, linewidth=0.8, zorder=1)
    bright = LineCollection([], linewidth=2.2, zorder=2)
    for artist in (inputs, outputs, faint, bright):
        ax.add_collection(artist)
    labels = [ax.text(0, 0, "", fontsize=8, ha="left", va="center", visible=False, zorder=4)
              for _ in range(max_labels)]
    note = ax.text(0.99, 1.0, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="0.35")
    ax.set_ylim(-0.6, ROW_GAP + 0.6)
    ax.set_axis_off()                                   # the cells are indexed on the bars below; no ticks
    for y, name in ((0, "input x"), (ROW_GAP, "output y")):  # (ticks cost as much to draw as the rest)
        ax.text(-0.01, y, name, transform=ax.get_yaxis_transform(), ha="right", va="center", fontsize=9)
    diagram = WiringDiagram(ax, mode, inputs, outputs, faint, bright, labels, note)
    diagram.update(w)
    return diagram


@dataclass
class CountBars:
    """Bars under a wiring diagram: how many outputs send gradient back to each input."""

    ax: Axes
    bars: PolyCollection
    reference: object

    def artists(self) -> list:
        """Every artist :meth:`update` changes, besides the axes' limits and ticks."""
        return [self.bars, self.reference]

    def update(self, w) -> None:
        """Redraw for a :class:`lecturekit.conv.Wiring` ``w``, in the diagram's padded coordinates."""
        x = np.arange(w.n) + w.padding
        self.bars.set_verts([[(m - 0.35, 0), (m + 0.35, 0), (m + 0.35, c), (m - 0.35, c)]
                             for m, c in zip(x, w.counts)])
        self.bars.set_facecolor([BACKWARD if m == w.input else "0.6" for m in range(w.n)])
        self.reference.set_ydata([w.kernel, w.kernel])
        self.ax.set_ylim(0, max(w.kernel, int(w.counts.max())) + 0.6)
        self.ax.set_xticks(x, [str(m) for m in range(w.n)], fontsize=7)
        self.ax.set_xlim(-0.7, w.n + 2 * w.padding - 0.3)


def gradient_counts(ax: Axes, w) -> CountBars:
    """Bars: how many (output, tap) pairs send gradient back to each input of the
    :class:`lecturekit.conv.Wiring` ``w``; the chosen input in the backward colour, a dashed line at the
    kernel size (what every input gets with stride 1, away from the borders). Returns a
    :class:`CountBars` whose ``update(w)`` redraws in place; x matches :func:`wiring_diagram`'s."""
    bars = PolyCollection([], edgecolor="none")
    ax.add_collection(bars)
    reference = ax.axhline(0, color="0.4", ls="--", lw=0.8, label="kernel size k")
    ax.set_xlabel("input m")
    # a horizontal title, not a rotated y label: rotated text costs more to draw than the bars
    ax.set_title("gradient contributions per input (dashed: k)", loc="left", fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    counts = CountBars(ax, bars, reference)
    counts.update(w)
    return counts
