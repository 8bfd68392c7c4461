"""Drawing for notebook 07 (stride, dilation, receptive fields): the 2-D convolution-arithmetic grid
and the stack diagram. The 1-D wiring diagram lives in :mod:`lecturekit.plots.conv`.

Each function takes ``Axes`` and data from :mod:`lecturekit.conv` and returns a small object whose
``update`` changes the artists in place, for dashboards. Nothing here computes a convolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.ticker import MaxNLocator

from .conv import BACKWARD, FAINT, FORWARD

_PAD = np.array(to_rgb("#e3e3e3"))
_WHITE = np.ones(3)
_FORWARD = np.array(to_rgb(FORWARD))
_BACKWARD = np.array(to_rgb(BACKWARD))


def _frame(ax: Axes, frame: int) -> None:
    """A square frame of ``frame`` cells, no ticks, no spines (the cells draw their own borders)."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlim(-0.5, frame - 0.5)
    ax.set_ylim(frame - 0.5, -0.5)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _cells(picture, borders: LineCollection, image: np.ndarray, frame: int) -> None:
    """Show an (n, n, 3) image centred in a frame of ``frame`` cells, with a border around each cell
    (two grids side by side then have cells of one size)."""
    n = image.shape[0]
    at = (frame - n) / 2 - 0.5                                           # the image's top-left corner
    picture.set_data(image)
    picture.set_extent((at, at + n, at + n, at))
    edges = at + np.arange(n + 1)
    borders.set_segments([[(e, at), (e, at + n)] for e in edges] + [[(at, e), (at + n, e)] for e in edges])


@dataclass
class GridDiagram:
    """The 2-D convolution arithmetic: the padded input with the chosen output's footprint (outlined,
    so that the shade under it stays visible), the gradient each input pixel receives as a shade, and
    the output grid with the chosen output."""

    ax_in: Axes
    ax_out: Axes
    picture_in: object
    picture_out: object
    borders_in: LineCollection
    borders_out: LineCollection
    footprint: LineCollection

    def artists(self) -> list:
        """Every artist :meth:`update` changes, besides the axes' limits."""
        return [self.picture_in, self.picture_out, self.borders_in, self.borders_out, self.footprint,
                self.ax_in.title, self.ax_out.title]

    def update(self, g) -> None:
        """Redraw for a :class:`lecturekit.conv.GridWiring` ``g``."""
        p, n, o = g.padding, g.size, g.out
        side = n + 2 * p
        rgb = np.tile(_PAD, (side, side, 1))                              # padding: grey
        shade = g.counts / max(int(g.counts.max()), 1)                    # (n, n) in [0, 1]
        rgb[p:p + n, p:p + n] = _WHITE + 0.55 * shade[..., None] * (_BACKWARD - _WHITE)
        out = np.tile(_WHITE, (o, o, 1))
        out[g.row, g.col] = _FORWARD
        frame = max(side, o)
        for ax in (self.ax_in, self.ax_out):
            _frame(ax, frame)
        _cells(self.picture_in, self.borders_in, rgb, frame)
        at, inset = (frame - side) / 2 - 0.5, 0.1                        # as in _cells; inside each cell's border
        squares = []
        for i, j in zip(*np.nonzero(g.footprint)):                        # what the chosen output reads
            x0, y0, x1, y1 = at + j + inset, at + i + inset, at + j + 1 - inset, at + i + 1 - inset
            squares.append([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
        self.footprint.set_segments(squares)
        _cells(self.picture_out, self.borders_out, out, frame)
        self.ax_in.set_title(f"input {n}×{n}, padding {p} (grey); orange squares: read by output ({g.row}, {g.col});\n"
                             f"blue shade: gradient contributions, {int(g.counts.min())} to {int(g.counts.max())}",
                             fontsize=9)
        self.ax_out.set_title(f"output {o}×{o}" + (f"\n{g.clamped}" if g.clamped else ""), fontsize=9)


def grid_diagram(ax_in: Axes, ax_out: Axes, g) -> GridDiagram:
    """Draw a :class:`lecturekit.conv.GridWiring` on two axes; returns a :class:`GridDiagram`."""
    picture_in = ax_in.imshow(np.ones((1, 1, 3)), interpolation="nearest")
    picture_out = ax_out.imshow(np.ones((1, 1, 3)), interpolation="nearest")
    borders = [LineCollection([], color="0.45", lw=0.7) for _ in range(2)]
    ax_in.add_collection(borders[0])
    ax_out.add_collection(borders[1])
    footprint = LineCollection([], color=FORWARD, lw=3, zorder=3)
    ax_in.add_collection(footprint)
    diagram = GridDiagram(ax_in, ax_out, picture_in, picture_out, *borders, footprint)
    diagram.update(g)
    return diagram


@dataclass
class StackDiagram:
    """A stack of 1-D convolutions as a tree: one row of units per level (input at the bottom), the
    units and connections on a path to the top output in colour, and below, the number of paths
    reaching each input sample (a hole is a sample inside the receptive field that none reaches).
    The title gives r = 1 + sum_l (k_l - 1) d_l jump_l, jump_l = product of the strides below layer l."""

    ax_tree: Axes
    ax_paths: Axes
    units: object
    reached: object
    lines: LineCollection
    bars: object
    holes: object
    level_names: list

    def artists(self) -> list:
        """Every artist :meth:`update` changes, besides the axes' limits."""
        return [self.units, self.reached, self.lines, self.bars, self.holes, *self.level_names,
                self.ax_tree.title, self.ax_paths.title]

    def update(self, st, *, max_field: int | None = None) -> None:
        """Redraw for a :class:`lecturekit.conv.Stack` ``st``; ``max_field`` fixes the x range."""
        # unit q of level l sits over the centre of its receptive field: q * jump_l + (r_l - 1) / 2
        fields = [1]
        for k, s, d in st.layers:
            fields.append(fields[-1] + (k - 1) * d * st.jumps[len(fields) - 1])
        x = [np.arange(size) * jump + (r - 1) / 2 for size, jump, r in zip(st.sizes, st.jumps, fields)]
        levels = range(len(st.sizes))
        every = np.concatenate([np.column_stack([x[l], np.full(st.sizes[l], l)]) for l in levels])
        on = np.concatenate([np.column_stack([x[l][st.paths[l] > 0], np.full((st.paths[l] > 0).sum(), l)])
                             for l in levels])
        self.units.set_offsets(every)
        self.reached.set_offsets(on)
        self.lines.set_segments([[(x[l][a], l), (x[l + 1][b], l + 1)] for l, e in enumerate(st.edges) for a, b in e])
        top = len(st.sizes) - 1
        self.ax_tree.set_ylim(-0.5, top + 0.5)
        names = ["input"] + [f"layer {l} (d={d}, s={s})" for l, (k, s, d) in enumerate(st.layers, 1)]
        for l, text in enumerate(self.level_names):
            text.set_text(names[l] if l < len(names) else "")
        width = max_field or st.field
        for ax in (self.ax_tree, self.ax_paths):
            ax.set_xlim(-0.8, width - 0.2)
        counts = st.paths[0]
        self.bars.set_segments([[(m, 0), (m, c)] for m, c in enumerate(counts)])
        gaps = np.flatnonzero(counts == 0)
        self.holes.set_offsets(np.column_stack([gaps, np.zeros(gaps.size)]) if gaps.size else np.empty((0, 2)))
        self.ax_paths.set_ylim(-0.08 * counts.max(), 1.1 * counts.max())
        terms = " + ".join(f"{k - 1}·{d}·{j}" for (k, s, d), j in zip(st.layers, st.jumps))
        self.ax_tree.set_title(f"r = 1 + Σ (k−1)·d·jump = 1 + {terms} = {st.field};   units per level "
                               + " → ".join(map(str, st.sizes)), fontsize=9)
        self.ax_paths.set_title("paths from each input sample to the top: "
                                + (f"{st.holes} holes (gridding)" if st.holes else "no holes"),
                                fontsize=9, color="#c0392b" if st.holes else "k")


def stack_diagram(ax_tree: Axes, ax_paths: Axes, st, *, max_field: int | None = None,
                  max_layers: int = 8) -> StackDiagram:
    """Draw a :class:`lecturekit.conv.Stack` on two axes; returns a :class:`StackDiagram` that can
    redraw stacks of up to ``max_layers`` layers."""
    units = ax_tree.scatter([], [], s=14, color=FAINT, zorder=2)
    reached = ax_tree.scatter([], [], s=22, color=FORWARD, zorder=3)
    lines = LineCollection([], color=FORWARD, lw=0.9, alpha=0.7, zorder=1)
    ax_tree.add_collection(lines)
    ax_tree.set_axis_off()                                              # level names as texts: cheaper
    level_names = [ax_tree.text(-0.01, l, "", transform=ax_tree.get_yaxis_transform(), ha="right",
                                va="center", fontsize=8) for l in range(max_layers + 1)]
    bars = LineCollection([], color=BACKWARD, lw=4)
    ax_paths.add_collection(bars)
    holes = ax_paths.scatter([], [], marker="x", color="#c0392b", s=25, zorder=3, label="hole")
    ax_paths.set_xlabel("input sample")
    ax_paths.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_paths.yaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        ax_paths.spines[side].set_visible(False)
    diagram = StackDiagram(ax_tree, ax_paths, units, reached, lines, bars, holes, level_names)
    diagram.update(st, max_field=max_field)
    return diagram
