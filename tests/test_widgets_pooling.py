"""The pooling dashboards without a browser: at every slider value the numbers drawn are the pooling
functions' own, and only a new pool window moves an axis. (The generic sweep and the blitting check:
tests/test_dashboards.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from lecturekit import invariance, motifs, pooling
from lecturekit.widgets.pooling import EXPONENT_SLIDERS, exponent_explorer


@pytest.fixture(scope="module")
def explorer():
    return exponent_explorer()


@pytest.mark.parametrize("name", list(EXPONENT_SLIDERS))
def test_every_value_computes_the_pooling_functions_own_numbers(explorer, name):
    """compute at every value of one control (the other at its default); the slider keeps each value."""
    d = explorer
    state = {n: spec.value for n, spec in EXPONENT_SLIDERS.items()}
    control = d.specs[name].build(name)
    for value in EXPONENT_SLIDERS[name].values():
        control.value = value
        assert control.value == value, "the slider rounds a value of its own grid"
        r = d.compute(**{**state, name: value})
        assert np.isfinite([r.lp, r.lp_mean, r.lse, r.lse_mean]).all()
        assert np.isfinite(r.lp_grad).all() and np.isfinite(r.lse_grad).all()
        # the numbers drawn are the pooling functions' own
        assert r.lp == pytest.approx(float(pooling.lp_pool(r.z, r.p)))
        assert r.lse == pytest.approx(float(pooling.lse_pool(r.z, r.beta)))


P, BETA = EXPONENT_SLIDERS["p"], EXPONENT_SLIDERS["beta"]


@pytest.mark.parametrize("p, beta", [(P.min, BETA.min), (P.max, BETA.max), (P.min, BETA.max), (P.max, BETA.min)])
def test_corner_combinations(explorer, p, beta):
    explorer.controls["p"].value = p
    explorer.controls["beta"].value = beta
    assert explorer.error is None
    assert explorer.state == {"p": p, "beta": beta}
    r = explorer.result
    if p == 1.0:  # the sum: every input gets gradient 1
        np.testing.assert_allclose(r.lp_grad, 1.0)
    if p == P.max:  # nearly max pooling: almost all of the gradient to the largest input
        assert r.lp_grad.max() / r.lp_grad.sum() > 0.99
    if beta == BETA.max:  # almost all of softmax on the largest input
        assert r.lse_grad.max() > 0.99


def test_picture_depends_only_on_the_state(explorer):
    explorer.controls["p"].value = 2.0
    explorer.controls["beta"].value = 1.0
    first = explorer.png
    explorer.controls["p"].value = 30.0
    assert explorer.png != first
    explorer.controls["p"].value = 2.0
    assert explorer.png == first  # the frozen background does not pile up drawings


def test_starting_values_and_bad_arguments():
    d = exponent_explorer(p=10.0, beta=3.0)
    assert d.state == {"p": 10.0, "beta": 3.0}
    assert d.result.p == 10.0
    with pytest.raises(ValueError, match="unknown control 'q'"):
        exponent_explorer(q=3)
    with pytest.raises(ValueError, match="non-negative"):
        exponent_explorer(z=[1.0, -2.0])


# ---------------------------------------------------------------------------------------------
# the shift explorer

from lecturekit.widgets.pooling import SHIFT_CONTROLS, SHIFT_THRESHOLD, default_scene, shift_explorer  # noqa: E402


@pytest.fixture(scope="module")
def shifter():
    return shift_explorer()


@pytest.mark.parametrize("name", list(SHIFT_CONTROLS))
def test_shift_explorer_every_value_detects_what_detect_finds(shifter, name):
    d = shifter
    defaults = {n: spec.value for n, spec in SHIFT_CONTROLS.items()}
    for value in SHIFT_CONTROLS[name].values():
        state = {**defaults, name: value}
        r = d.compute(**state)
        expected = invariance.detect(motifs.shift(default_scene(), (0, state["tau"])), motifs.PLUS,
                                  threshold=SHIFT_THRESHOLD, window=state["window"], pool=state["pool"])
        np.testing.assert_array_equal(r.shifted.pooled, expected.pooled)
        assert r.changed.shape == expected.pooled.shape
        np.testing.assert_allclose(r.errors.global_change, 0.0, atol=1e-12)  # invariant at every shift


@pytest.mark.parametrize("window", SHIFT_CONTROLS["window"].values())
@pytest.mark.parametrize("pool", SHIFT_CONTROLS["pool"].values())
def test_shift_explorer_corners(shifter, window, pool):
    d = shifter
    d.controls["window"].value = window
    d.controls["pool"].value = pool
    for tau in (0, SHIFT_CONTROLS["tau"].max):
        d.controls["tau"].value = tau
        assert d.error is None
        assert d.result.tau == tau
        if tau == 0:
            assert not d.result.changed.any()
    # the change this picture reports is the curve's value at tau
    changed_norm = np.linalg.norm(d.result.shifted.pooled - d.result.original.pooled)
    assert d.result.errors.pooled_change[0, -1] == pytest.approx(changed_norm / np.linalg.norm(d.result.original.pooled))


def test_shift_explorer_arguments():
    d = shift_explorer(window=8, tau=3)
    assert d.state == {"tau": 3, "window": 8, "pool": "max"}
    with pytest.raises(ValueError, match="unknown control 'shift'"):
        shift_explorer(shift=2)
    with pytest.raises(ValueError, match="tau must be a whole number from 0 to 8"):
        invariance.shift_view(default_scene(), motifs.PLUS, 9, 4)


# ---------------------------------------------------------------------------------------------
# The fast path: only a new pool window changes an axis (then the background is drawn again)


def _limits(fig):
    return [(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes]


def test_only_the_window_changes_the_axes():
    d = shift_explorer()
    limits = _limits(d.figure)
    for tau in SHIFT_CONTROLS["tau"].values():
        for pool in SHIFT_CONTROLS["pool"].values():
            d.controls["tau"].value = tau
            d.controls["pool"].value = pool
            assert _limits(d.figure) == limits
    e = exponent_explorer()
    limits = _limits(e.figure)
    for p in P.values()[::7]:
        e.controls["p"].value = p
        e.controls["beta"].value = BETA.values()[-1 - int(p)]
        assert _limits(e.figure) == limits
