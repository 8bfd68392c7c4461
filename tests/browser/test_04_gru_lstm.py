"""Notebook 04 in JupyterLab and Chromium: run all (training included), open the remember gates, see the picture change."""

import pytest

pytestmark = pytest.mark.browser


def test_gradient_flow_explorer_reacts_to_the_keyboard(open_notebook):
    nb = open_notebook("04_gru_lstm.ipynb")
    nb.run_all(timeout=300)  # the notebook trains three networks
    assert nb.errors() == []
    assert float(nb.readout("remember bias")) == 0.0
    before, after = nb.image_changes_after(lambda: nb.press("remember bias", "ArrowRight", 6))
    assert float(nb.readout("remember bias")) == 3.0  # 6 steps of 0.5
    assert after != before, "the gradient-flow picture did not change after the gate bias moved"
    nb.wait_for_kernel()            # every key press handled: the picture shows bias 3.0
    nb.page.wait_for_timeout(500)   # and the last image has reached the page
    nb.screenshot("04_gru_lstm_gradient_flow.png")
