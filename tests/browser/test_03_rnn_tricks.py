"""Notebook 03 in JupyterLab and Chromium: run all, push Euler's step h out of the stability region."""

import pytest

pytestmark = pytest.mark.browser

EULER_DASHBOARD = 3  # the notebook's dashboards, in order: clipping, leaky, init, euler


def test_step_size_slider_crosses_the_stability_boundary(open_notebook):
    nb = open_notebook("03_rnn_tricks_neural_odes.ipynb")
    nb.run_all()
    assert nb.errors() == []
    assert float(nb.readout("step h")) == pytest.approx(0.20)  # |1 + h lambda| = 0.985: stable
    before, after = nb.image_changes_after(lambda: nb.press("step h", "ArrowRight", 1), index=EULER_DASHBOARD)
    assert float(nb.readout("step h")) == pytest.approx(0.25)  # |1 + h lambda| = 1.03: Euler diverges
    assert after != before, "the step-size dashboard's picture did not change after the slider moved"
    nb.image(EULER_DASHBOARD).scroll_into_view_if_needed()
    nb.screenshot("03_rnn_tricks_euler.png")
