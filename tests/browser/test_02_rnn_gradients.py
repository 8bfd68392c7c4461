"""Notebook 02 in JupyterLab and Chromium: run all, move the modulus across 1, see the picture change."""

import pytest

pytestmark = pytest.mark.browser


def test_explorer_reacts_to_the_keyboard(open_notebook):
    nb = open_notebook("02_rnn_gradients.ipynb")
    nb.run_all()
    assert nb.errors() == []
    assert nb.readout("modulus") == "0.95"
    before, after = nb.image_changes_after(lambda: nb.press("modulus", "ArrowRight", 2))
    assert nb.readout("modulus") == "1.05"  # from below 1 to above 1
    assert after != before, "the explorer's picture did not change after the slider moved"
    nb.screenshot("02_rnn_gradients_explorer.png")
