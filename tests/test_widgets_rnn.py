"""The eigenvalue explorer, driven in plain Python: every slider value computes without NaN, the
verdict and the picture follow. (Every control's sweep is in tests/test_dashboards.py.)"""

import numpy as np
import pytest

from lecturekit import recurrence
from lecturekit.widgets.rnn import EXPLORER_SLIDERS, TRAJECTORY_STEPS, eigenvalue_explorer


@pytest.mark.parametrize("name", list(EXPLORER_SLIDERS))
def test_every_value_of_every_control_computes_without_nan(name):
    """The compute function alone, at every value of one control (the others at their defaults)."""
    state = {n: spec.value for n, spec in EXPLORER_SLIDERS.items()}
    for value in EXPLORER_SLIDERS[name].values():
        r = recurrence.explore(**{**state, name: value})
        assert not np.isnan(r.log10_gradient_norms).any() and not np.isnan(r.z).any(), f"{name} = {value}"
        path = r.path(TRAJECTORY_STEPS)
        assert path.shape == (min(TRAJECTORY_STEPS, len(r.z) - 1) + 1, 2) and np.isfinite(path).all()


def test_the_path_is_the_trajectory_scaled_to_reach_1_and_zero_states_are_said():
    r = recurrence.explore(scale=1.5, angle=30.0, steps=100)
    path = r.path(10)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1).max(), 1.0)
    np.testing.assert_allclose(path * np.linalg.norm(r.z[:11], axis=1).max(), r.z[:11])
    assert r.first_zero is None
    zero = recurrence.explore(scale=0.0, angle=30.0, steps=20)  # W = 0: z_1 = 0 exactly
    assert zero.first_zero == 1
    d = eigenvalue_explorer(scale=0.0, steps=20)
    assert "z_t = 0 exactly from t = 1" in [t.get_text() for t in d.figure.axes[2].texts]


@pytest.mark.parametrize("nonlinearity", ["linear", "tanh"])
@pytest.mark.parametrize("scale", [0.0, 2.5])
@pytest.mark.parametrize("steps", [20, 1000])
def test_corners(scale, steps, nonlinearity):
    d = eigenvalue_explorer(scale=scale, steps=steps, nonlinearity=nonlinearity, angle=180.0)
    assert d.error is None
    assert len(d.result.log10_gradient_norms) == steps + 1


def test_crossing_one_flips_the_verdict_and_the_picture():
    d = eigenvalue_explorer(scale=0.95)
    below, png_below = d.result, d.png
    d.controls["scale"].value = 1.05
    above = d.result
    assert (below.regime, above.regime) == ("vanishing", "exploding")
    assert d.png != png_below
    assert below.log10_gradient_norms[0] < 0 < above.log10_gradient_norms[0]


def test_overflow_is_drawn_not_crashed():
    d = eigenvalue_explorer(scale=2.5, steps=1000)
    assert d.result.first_overflow == 775
    assert np.isfinite(d.result.log10_state_norms).all()


def test_unknown_default_is_a_clear_error():
    with pytest.raises(ValueError, match="controls are"):
        eigenvalue_explorer(modulus=1.0)


def test_readme_picture_caption():
    # README: modulus 1.05 over 200 steps grows the gradient "by a factor of about 10^4"
    d = eigenvalue_explorer(scale=1.05, angle=20.0, steps=200)
    assert round(d.result.log10_gradient_norms[0]) == 4
    assert d.result.regime == "exploding"
