"""Helpers that several test modules share (a test module never imports another test module)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from lecturekit.widgets import Dashboard, render_png


def pixels(png: bytes) -> np.ndarray:
    """A PNG decoded to an (H, W, 4) uint8 RGBA array."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def frame_pixels(d: Dashboard) -> np.ndarray:
    """(H, W) bool: the pixels within 1 pixel of the frame (spines) of an axes that holds a dynamic artist.

    A blitting dashboard draws those frames again over the background (a full drawing draws them
    over what is inside the axes), and so over the ends of the tick marks that touch them: a full
    drawing draws the tick marks after the frame. Only there may the two pictures differ, by the
    antialiased end of a tick mark (one pixel each).
    """
    width, height = d.figure.canvas.get_width_height(physical=True)
    mask = np.zeros((height, width), dtype=bool)
    for ax in {a.axes for a in d.dynamic if a.axes is not None}:
        x0, y0, x1, y1 = ax.bbox.extents  # display pixels, origin at the bottom left
        cols = np.arange(width)[None, :] + 0.5
        rows = height - (np.arange(height)[:, None] + 0.5)  # image rows count from the top
        near_x = (np.abs(cols - x0) <= 1.5) | (np.abs(cols - x1) <= 1.5)
        near_y = (np.abs(rows - y0) <= 1.5) | (np.abs(rows - y1) <= 1.5)
        inside_x = (cols >= x0 - 1.5) & (cols <= x1 + 1.5)
        inside_y = (rows >= y0 - 1.5) & (rows <= y1 + 1.5)
        mask |= (near_x & inside_y) | (near_y & inside_x)
    return mask


def assert_blit_is_full_redraw(d: Dashboard, context: str = "") -> None:
    """The picture a dashboard shows (``d.png``, blitted when it has dynamic artists) is the one
    :func:`render_png` draws of the same state from scratch: every pixel, except the ends of tick
    marks on a redrawn frame (see :func:`frame_pixels`)."""
    shown, full = pixels(d.png), pixels(render_png(d.figure))
    assert shown.shape == full.shape, context
    differ = (shown != full).any(axis=-1)
    if d.dynamic:
        differ &= ~frame_pixels(d)
    rows, cols = np.nonzero(differ)
    assert not differ.any(), (f"{context}: {differ.sum()} pixels differ from a full redraw, e.g. at "
                              f"(row, column) {list(zip(rows[:5].tolist(), cols[:5].tolist()))}")
