"""The exponent explorer: swept over every slider value, without a browser."""

from __future__ import annotations

import numpy as np
import pytest

from lecturekit import pooling
from lecturekit.widgets.pooling import EXPONENT_SLIDERS, exponent_explorer


@pytest.fixture(scope="module")
def explorer():
    return exponent_explorer()


@pytest.mark.parametrize("name", list(EXPONENT_SLIDERS))
def test_sweep_every_value(explorer, name):
    d = explorer
    defaults = {n: spec.value for n, spec in EXPONENT_SLIDERS.items()}
    for n, value in defaults.items():
        d.controls[n].value = value
    seen = set()
    for value in EXPONENT_SLIDERS[name].values():
        before, previous = d.updates, d.controls[name].value
        d.controls[name].value = value
        assert d.controls[name].value == value, "the slider rounds a value of its own grid"
        assert d.error is None, f"{name} = {value}: {d.error}"
        assert d.updates == before + (value != previous)  # one redraw per move
        r = d.result
        assert np.isfinite([r.lp, r.lp_mean, r.lse, r.lse_mean]).all()
        assert np.isfinite(r.lp_grad).all() and np.isfinite(r.lse_grad).all()
        # the numbers drawn are the pooling functions' own
        assert r.lp == pytest.approx(float(pooling.lp_pool(r.z, d.state["p"])))
        assert r.lse == pytest.approx(float(pooling.lse_pool(r.z, d.state["beta"])))
        seen.add(d.png)
    # every slider position gives its own picture
    assert len(seen) == len(EXPONENT_SLIDERS[name].values())


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
def test_shift_explorer_sweep_every_value(shifter, name):
    d = shifter
    for n, spec in SHIFT_CONTROLS.items():
        d.controls[n].value = spec.value
    pictures = set()
    for value in SHIFT_CONTROLS[name].values():
        d.controls[name].value = value
        assert d.error is None, f"{name} = {value}: {d.error}"
        r = d.result
        state = d.state
        expected = pooling.detect(pooling.shift(default_scene(), (0, state["tau"])), pooling.PLUS,
                                  threshold=SHIFT_THRESHOLD, window=state["window"], pool=state["pool"])
        np.testing.assert_array_equal(r.shifted.pooled, expected.pooled)
        assert r.changed.shape == expected.pooled.shape
        np.testing.assert_allclose(r.errors.global_change, 0.0, atol=1e-12)  # invariant at every shift
        pictures.add(d.png)
    assert len(pictures) == len(SHIFT_CONTROLS[name].values())


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
        pooling.shift_view(default_scene(), pooling.PLUS, 9, 4)


# ---------------------------------------------------------------------------------------------
# The fast path: both explorers name their dynamic artists (blitted over a cached background)

from tests.test_dashboard import assert_same_picture, full_render  # noqa: E402


def _limits(fig):
    return [(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes]


@pytest.mark.parametrize("build, moves", [
    (exponent_explorer, [("p", 2.5), ("p", 32.0), ("beta", 20.0), ("beta", 0.1), ("p", 1.0)]),
    (shift_explorer, [("tau", 1), ("tau", 5), ("window", 8), ("pool", "avg"), ("window", 2), ("tau", 8)]),
])
def test_the_blitted_picture_is_what_a_full_redraw_draws(build, moves):
    d = build()
    assert d.dynamic
    kept = changed = 0
    for control, value in moves:
        before = _limits(d.figure)
        d.controls[control].value = value
        assert d.error is None, d.error
        kept += _limits(d.figure) == before
        changed += _limits(d.figure) != before
        assert_same_picture(d.png, full_render(d))
    assert kept > 0
    assert changed == (2 if build is shift_explorer else 0)  # only a new pool window changes a map's size


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
