"""The Dashboard machinery: errors shown in the figure, and the fast (blitted) path drawing
exactly what a full redraw draws."""

import io

import numpy as np
import pytest
from PIL import Image

from lecturekit.widgets import Dashboard, IntSlider, Slider, new_figure, render_png


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def assert_same_picture(a: bytes, b: bytes) -> None:
    """Equal but for stacking: a dynamic artist is drawn on top of the static ones, so where the
    line crosses an axis spine a few pixels differ from a full redraw (which draws by z-order)."""
    pa, pb = pixels(a), pixels(b)
    assert pa.shape == pb.shape
    differ = (pa != pb).any(axis=-1)
    assert differ.mean() < 1e-3, f"{differ.sum()} pixels differ"


def make(dynamic: bool) -> Dashboard:
    fig = new_figure(6, 3)
    ax = fig.subplots()
    (line,) = ax.plot([], [], color="C0")
    note = ax.text(0.05, 0.9, "", transform=ax.transAxes)

    def compute(amplitude: float, n: int):
        if n == 0:
            raise ValueError("n must be at least 1")
        x = np.linspace(0, 1, n)
        return x, amplitude * np.sin(6 * x)

    def draw(result):
        x, y = result
        line.set_data(x, y)
        ax.set_xlim(0, 1)
        half = 1.0 if np.abs(y).max() <= 1 else 3.0  # the axes change only past 1
        ax.set_ylim(-half, half)
        note.set_text(f"max {np.abs(y).max():.2f}")

    specs = {"amplitude": Slider(0.0, 3.0, 0.25, 0.5), "n": IntSlider(0, 50, 20)}
    return Dashboard(specs, compute, draw, fig, dynamic=[line, note] if dynamic else None)


def full_render(d: Dashboard) -> bytes:
    for artist in d.dynamic:
        artist.set_animated(False)
    try:
        return render_png(d.figure)
    finally:
        for artist in d.dynamic:
            artist.set_animated(True)


@pytest.mark.parametrize("moves", [[0.75], [0.75, 1.0, 2.5], [2.5, 3.0, 0.25]])
def test_fast_path_draws_what_a_full_redraw_draws(moves):
    d = make(dynamic=True)
    for amplitude in moves:
        d.controls["amplitude"].value = amplitude
        assert_same_picture(d.png, full_render(d))


def test_the_same_state_gives_the_same_picture_with_or_without_blitting():
    fast, slow = make(dynamic=True), make(dynamic=False)
    for amplitude in (1.5, 0.25):
        fast.controls["amplitude"].value = slow.controls["amplitude"].value = amplitude
        assert_same_picture(fast.png, slow.png)


@pytest.mark.parametrize("dynamic", [True, False])
def test_a_value_error_is_a_message_in_the_figure_and_the_dashboard_recovers(dynamic):
    d = make(dynamic)
    good = d.png
    d.controls["n"].value = 0
    assert d.error == "n must be at least 1" and d.result is None
    assert d.png != good
    d.controls["n"].value = 20
    assert d.error is None
    np.testing.assert_array_equal(pixels(d.png), pixels(good))


def test_every_slider_value_is_listed():
    assert Slider(0.0, 1.0, 0.25, 0.5).values() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert IntSlider(2, 10, 4, step=4).values() == [2, 6, 10]
