"""Notebook 07 in JupyterLab and Chromium: run all, move the dilation slider of the arithmetic
diagram, see the picture change; press play and see the chosen output step."""

import time

import pytest

pytestmark = pytest.mark.browser


def test_arithmetic_diagram_reacts_to_the_dilation_slider(open_notebook):
    nb = open_notebook("07_stride_dilation.ipynb")
    nb.run_all()
    assert nb.errors() == []
    assert nb.readout("dilation d") == "1"
    before, after = nb.image_changes_after(lambda: nb.press("dilation d", "ArrowRight"))
    assert nb.readout("dilation d") == "2"
    assert after != before, "the diagram did not change after the dilation moved"
    nb.screenshot("07_stride_dilation_dilation2.png")
    # the play button steps the chosen output (from 1) through the outputs
    start = nb.readout("output i")
    nb.page.locator(".widget-play button").first.click()
    deadline = time.monotonic() + 10
    while nb.readout("output i") == start and time.monotonic() < deadline:
        time.sleep(0.2)
    assert nb.readout("output i") != start, "play did not move the chosen output"
