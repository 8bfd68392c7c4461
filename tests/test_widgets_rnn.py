"""The eigenvalue explorer, driven in plain Python: every slider value, no exception, the picture follows."""

import numpy as np
import pytest

from lecturekit.widgets.rnn import EXPLORER_SLIDERS, eigenvalue_explorer


@pytest.fixture(scope="module")
def explorer():
    return eigenvalue_explorer()


@pytest.mark.parametrize("name", list(EXPLORER_SLIDERS))
def test_every_value_of_every_control_draws(explorer, name):
    control = explorer.controls[name]
    default = control.value
    seen = set()
    try:
        for value in EXPLORER_SLIDERS[name].values():
            control.value = value
            assert explorer.error is None, f"{name}={value}: {explorer.error}"
            r = explorer.result
            assert explorer.png[:4] == b"\x89PNG"
            assert not np.isnan(r.log10_gradient_norms).any()
            assert not np.isnan(r.z).any()
            seen.add(explorer.png)
    finally:
        control.value = default
    assert len(seen) > 1  # moving the control changed the picture


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
