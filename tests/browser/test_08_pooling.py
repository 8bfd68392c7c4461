"""Notebook 08 in JupyterLab and Chromium: run all, move the L_p exponent p, see the picture change."""

import pytest

pytestmark = pytest.mark.browser


def test_exponent_explorer_reacts_to_the_keyboard(open_notebook):
    nb = open_notebook("08_pooling.ipynb")
    nb.run_all()
    assert nb.errors() == []
    assert nb.readout("exponent p") == "2"
    before, after = nb.image_changes_after(lambda: nb.press("exponent p", "ArrowRight", 2))
    assert nb.readout("exponent p") == "3"  # two steps of 0.5
    assert after != before, "the explorer's picture did not change after p moved"
    nb.screenshot("08_pooling_explorer.png")
