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


# --- exercises: the tables each tests/test_exercises_<topic>.py keeps -----------------------------

#: phrases of the judges' generic messages (a shape, a differing entry or number): a typical mistake gets its own
GENERIC_MESSAGES = ("differs from the reference", "they differ by", "the measured value is", ", expected ")


def assert_fits_only(exercise, answer, case) -> None:
    """``answer`` gives the reference's result on ``case`` (the arguments of what the notebook shows), and still
    fails the judge. ``case`` may instead be a function that says whether the answer fits the notebook's case
    (for an answer that is random, such as an orthogonal matrix)."""
    from lecturekit.exercises.judge import as_array

    if callable(case):
        assert case(answer), f"{exercise.name}: the answer does not even fit the notebook's case"
    else:
        got, want = as_array(answer(*case)), as_array(exercise.reference(*case))
        assert got.shape == want.shape and np.allclose(got, want, rtol=1e-9, atol=1e-12), \
            f"{exercise.name}: the answer does not even fit the case {case!r}"
    v = exercise.check(answer)
    assert not v, f"{exercise.name} accepts an answer that fits only {case!r}"


def assert_every_exercise_covered(topic: str, wrong, notebook_only) -> None:
    """Every function exercise of ``topic``: two typical wrong answers with their own message, one that fits only
    the notebook's case."""
    from lecturekit import exercises

    names = [n for n, e in exercises.registry.items() if n.startswith(topic + ".") and e.kind == "function"]
    for name in names:
        specific = {exercises.registry[name].check(a).message for e, a, _ in wrong if e.name == name}
        specific = {m for m in specific if m and not any(g in m for g in GENERIC_MESSAGES)}
        assert len(specific) >= 2, f"{name}: fewer than two typical wrong answers with their own message"
        assert any(e.name == name for e, _, _ in notebook_only), f"{name}: no answer that fits only the notebook's case"
