"""Notebook 01 in JupyterLab and Chromium: run all, move the hypernetwork's u sliders with the
keyboard, see the picture (generated weights and the main network's function) change."""

import pytest

pytestmark = pytest.mark.browser


def test_hyper_explorer_reacts_to_the_keyboard(open_notebook):
    nb = open_notebook("01_shared_weights_hypernetworks.ipynb")
    nb.run_all()
    assert nb.errors() == []
    assert float(nb.readout("frequency")) == pytest.approx(1.0)
    before, after = nb.image_changes_after(lambda: nb.press("frequency", "ArrowRight", 5))
    assert float(nb.readout("frequency")) == pytest.approx(1.5)  # 5 steps of 0.1
    assert after != before, "the explorer's picture did not change after the frequency moved"
    before, after = nb.image_changes_after(lambda: nb.press("phase", "ArrowRight", 10))
    assert float(nb.readout("phase")) == pytest.approx(1.5)  # from 0.5, 10 steps of 0.1
    assert after != before, "the explorer's picture did not change after the phase moved"
    nb.screenshot("01_shared_weights_explorer.png")
