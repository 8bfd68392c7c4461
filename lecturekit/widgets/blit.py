"""Blitting helpers of :class:`~lecturekit.widgets.dashboard.Dashboard`: the order in which a full
drawing stacks a figure's artists, and a canvas's pixels as PNG without drawing again."""

from __future__ import annotations

import io

from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

__all__ = ["encode_pixels", "full_draw_order"]


def encode_pixels(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's current pixels as PNG bytes, without drawing anything again."""
    width, height = canvas.get_width_height(physical=True)
    picture = PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    picture.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def full_draw_order(figure: Figure, artists: list[Artist]) -> list[Artist]:
    """``artists`` in the order a full drawing of ``figure`` draws them, with the spines of every
    axes among them (the frame is drawn over what is inside the axes).

    A figure draws its children (axes, figure texts) by z-order, and each axes its children by
    z-order, ties in the order they were added: drawn in this order over the background, the
    artists stack exactly as in a full drawing.
    """
    chosen = list(dict.fromkeys(artists))  # no artist twice
    for ax in dict.fromkeys(a.axes for a in chosen if a.axes is not None):
        if ax.axison and ax.get_frame_on():
            chosen += [spine for spine in ax.spines.values() if spine not in chosen]
    top = sorted((a for a in figure.get_children() if a is not figure.patch), key=lambda a: a.get_zorder())
    top_rank = {id(a): k for k, a in enumerate(top)}
    inner_rank = {}
    for ax in figure.axes:
        inside = sorted((a for a in ax.get_children() if a is not ax.patch), key=lambda a: a.get_zorder())
        inner_rank.update({id(a): k for k, a in enumerate(inside)})

    def rank(artist: Artist) -> tuple[float, float]:
        if id(artist) in top_rank:  # a figure-level artist
            return top_rank[id(artist)], -1
        outer = top_rank.get(id(artist.axes), len(top))
        return outer, inner_rank.get(id(artist), len(inner_rank))  # an artist nested deeper: last in its axes

    return sorted(chosen, key=rank)
