"""The hypernetwork explorer of a trained model, without a browser: sweep the u sliders, and see the
generated weights and the main network's function change together. (The generic sweep and the
blitting check: tests/test_dashboards.py.)"""

import numpy as np
import pytest
import torch

from lecturekit import hyper
from lecturekit.widgets import hyper as widgets


@pytest.fixture(scope="module")
def model():
    m = hyper.HyperModel()
    hyper.train_hypernetwork(m, steps=150)
    return m


def _drawn(dashboard):
    """What the figure shows now: the output curve, the weights image, the u marker."""
    ax_fit, ax_weights, ax_u = dashboard.figure.axes[:3]
    output = ax_fit.get_lines()[-1].get_ydata()
    image = ax_weights.get_images()[0].get_array()
    point = ax_u.get_lines()[-1].get_data()
    return np.array(output, dtype=float), np.array(image, dtype=float), np.array(point, dtype=float).ravel()


@pytest.mark.parametrize("name", list(widgets.EXPLORER_SLIDERS))
def test_sweep_every_slider_value(model, name):
    d = widgets.hyper_explorer(model)
    for value in d.specs[name].values():
        d.controls[name].value = value
        assert d.error is None, f"{name}={value}: {d.error}"
        output, image, point = _drawn(d)
        assert np.isfinite(output).all() and np.isfinite(image).all()
        # what is drawn is what one forward pass of H and G gives for this u
        u = torch.tensor([[d.state["frequency"], d.state["phase"]]])
        with torch.no_grad():
            weights = model.generated_weights(u)
        np.testing.assert_allclose(image[0], weights["w_1"][0].numpy(), rtol=1e-6)
        np.testing.assert_allclose(output, d.result.output)
        np.testing.assert_allclose(point, [d.state["frequency"], d.state["phase"]])
    assert d.updates == 1 + len(d.specs[name].values())  # the first picture, then one per value


def test_moving_u_changes_weights_and_function_together(model):
    d = widgets.hyper_explorer(model)
    out_a, img_a, _ = _drawn(d)
    png_a = d.png
    d.controls["frequency"].value = 1.8
    out_b, img_b, _ = _drawn(d)
    assert np.abs(out_a - out_b).max() > 0.1  # the function changed ...
    assert np.abs(img_a - img_b).max() > 0.05  # ... because the weights changed
    assert d.png != png_a
    d.controls["phase"].value = 3.0
    out_c, img_c, _ = _drawn(d)
    assert np.abs(out_c - out_b).max() > 0.1 and np.abs(img_c - img_b).max() > 0.05
    assert d.updates == 3


def test_outside_the_training_range_is_said(model):
    d = widgets.hyper_explorer(model)
    title = d.figure.axes[0].title
    assert "inside" in title.get_text()
    d.controls["frequency"].value = 2.8
    assert "OUTSIDE" in title.get_text()


def test_defaults_live_in_one_place():
    for name, spec in widgets.EXPLORER_SLIDERS.items():
        assert spec.min <= spec.value <= spec.max, name
    f = widgets.EXPLORER_SLIDERS["frequency"]
    assert f.min < hyper.FREQUENCY_RANGE[0] and f.max > hyper.FREQUENCY_RANGE[1]  # room to extrapolate
