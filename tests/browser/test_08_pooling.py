"""Notebook 08 in JupyterLab and Chromium: run all, move the L_p exponent p, see the picture change,
and see exactly the picture of the state the sliders show, after quick key presses too.

JupyterLab sends some widget messages through a kernel subshell (ipykernel >= 7), so two moves can
arrive on two threads while the dashboard prefetches: a picture that mixed two states (the bug that
kept prefetching off, found this way) would differ from a dashboard's own picture of the state."""

import time

import pytest

from lecturekit.widgets.pooling import exponent_explorer
from tests.helpers import pixels

pytestmark = pytest.mark.browser


def shows_exactly(nb, state: dict, timeout: float = 5) -> None:
    """Until the page shows the picture a fresh explorer (laid out at its defaults, as the notebook's
    is) draws of ``state`` when its sliders are set there, pixel for pixel."""
    reference = exponent_explorer()  # outside a kernel: nothing prefetched
    for name, value in state.items():
        reference.controls[name].value = value
    expected = pixels(reference.png)
    deadline = time.monotonic() + timeout
    while True:
        shown = pixels(nb.shown_png())
        if shown.shape == expected.shape and (shown == expected).all():
            return
        if time.monotonic() > deadline:
            nb.screenshot("08_pooling_mismatch.png")
            differ = "shapes differ" if shown.shape != expected.shape else f"{(shown != expected).any(-1).sum()} pixels differ"
            raise AssertionError(f"the page does not show the picture of {state}: {differ}")
        time.sleep(0.1)


def test_exponent_explorer_reacts_to_the_keyboard(open_notebook):
    nb = open_notebook("08_pooling.ipynb")
    nb.run_all()
    assert nb.errors() == []
    assert nb.readout("exponent p") == "2"
    before, after = nb.image_changes_after(lambda: nb.press("exponent p", "ArrowRight", 2))
    assert nb.readout("exponent p") == "3"  # two steps of 0.5
    assert after != before, "the explorer's picture did not change after p moved"
    shows_exactly(nb, {"p": 3.0, "beta": 1.0})
    nb.screenshot("08_pooling_explorer.png")
    # quick presses on both sliders, while the explorer prefetches; then, after a look, one step back
    nb.press("log-sum-exp β", "ArrowRight", 3)
    nb.press("exponent p", "ArrowRight", 3)
    nb.press("log-sum-exp β", "ArrowLeft", 1)
    beta = float(nb.readout("log-sum-exp β"))  # 1.2000000000000002 in the page and in the kernel
    assert (nb.readout("exponent p"), beta) == ("4.5", pytest.approx(1.2))
    shows_exactly(nb, {"p": 4.5, "beta": beta})
    time.sleep(1)  # the neighbours are prefetched
    nb.press("exponent p", "ArrowLeft", 1)
    shows_exactly(nb, {"p": 4.0, "beta": beta})
