"""Notebook 06 in JupyterLab and Chromium: run all, move the stride and the chosen output of the
footprint explorer, see the picture change."""

import pytest

pytestmark = pytest.mark.browser


def test_footprint_explorer_reacts_to_the_keyboard(open_notebook):
    nb = open_notebook("06_convolution.ipynb")
    nb.run_all()
    assert nb.errors() == []
    assert nb.readout("stride s") == "1"
    before, after = nb.image_changes_after(lambda: nb.press("stride s", "ArrowRight"))
    assert nb.readout("stride s") == "2"
    assert after != before, "the explorer's picture did not change after the stride moved"
    before, after = nb.image_changes_after(lambda: nb.press("output i", "ArrowRight"))
    assert nb.readout("output i") == "3"
    assert after != before, "the explorer's picture did not change after the chosen output moved"
    nb.screenshot("06_convolution_explorer.png")
