"""The four dashboards of notebook 03 without a browser: every control value computes and draws with
readable, finite axes (diverging settings too), the picture changes where it should, and a small move
keeps the axes. (The generic sweep and the blitting check: tests/test_dashboards.py.)"""

import numpy as np
import pytest

from lecturekit import odes, tricks
from lecturekit.widgets import tricks as wt

BUILDERS = {
    "clipping": wt.clipping_dashboard,
    "leaky": wt.leaky_dashboard,
    "init": wt.init_dashboard,
    "euler": wt.euler_dashboard,
}


@pytest.fixture(scope="module")
def dashboards():
    return {name: build() for name, build in BUILDERS.items()}


def _axes_are_readable(fig):
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for lo, hi in (ax.get_xlim(), ax.get_ylim()):
            assert np.isfinite(lo) and np.isfinite(hi) and lo < hi, f"axis limits {lo}, {hi} in {ax.get_title()!r}"


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_value_of_every_control_keeps_readable_axes(dashboards, name):
    """compute + draw (no picture: cheap) for every value of one control, the others at their defaults."""
    d = dashboards[name]
    default = dict(d.state)
    for control, spec in d.specs.items():
        for value in spec.values():
            d.draw(d.compute(**{**default, control: value}))
            _axes_are_readable(d.figure)
    d.refresh()  # back to the picture of the controls' state


@pytest.mark.parametrize("name, corners", [
    ("leaky", [dict(alpha=0.02, scale=1.5, angle=0.0, steps=500, nonlinearity="linear"),
               dict(alpha=0.02, scale=0.0, angle=180.0, steps=500, nonlinearity="tanh"),
               dict(alpha=1.0, scale=1.5, angle=180.0, steps=10, nonlinearity="linear")]),
    ("init", [dict(gain=1.5, steps=300, nonlinearity="linear"), dict(gain=0.5, steps=300, nonlinearity="tanh")]),
    ("euler", [dict(h=2.5, decay=-3.0, frequency=4.0, method="rk4"), dict(h=2.5, decay=0.5, frequency=4.0, method="euler"),
               dict(h=1.0, decay=-2.0, frequency=0.0, method="euler"), dict(h=0.05, decay=0.5, frequency=0.0, method="rk4")]),
])
def test_corner_combinations_render(dashboards, name, corners):
    d = dashboards[name]
    default = dict(d.state)
    for corner in corners:
        for control, value in corner.items():
            d.controls[control].value = value
        assert d.error is None, d.error
        _axes_are_readable(d.figure)
        assert d.png[:4] == b"\x89PNG"
    for control, value in default.items():
        d.controls[control].value = value


def test_clipping_threshold_changes_the_clipped_run_only():
    d = wt.clipping_dashboard()
    assert np.isinf(d.result.thresholds[0]) and d.result.thresholds[1] == pytest.approx(1.0)
    png, free_loss = d.png, d.result.loss[:, 0].copy()
    d.controls["threshold"].value = 30.0  # above nearly every gradient of the run: hardly ever clipped
    assert d.png != png
    np.testing.assert_array_equal(d.result.loss[:, 0], free_loss)
    assert d.result.loss[-1, 1] > 1.0  # a large threshold barely clips: thrown off like the plain run
    d.controls["threshold"].value = 1.0
    assert d.result.loss[-1, 1] < 1e-8


def test_leaky_alpha_moves_the_eigenvalues_towards_1_and_the_gradient_further_back():
    d = wt.leaky_dashboard(alpha=1.0)
    plain = d.result
    d.controls["alpha"].value = 0.1
    leaky = d.result
    assert np.all(np.abs(leaky.effective - 1) < np.abs(plain.effective - 1))
    assert leaky.reach_leaky > plain.reach_leaky


def test_init_gain_rescales_the_eigenvalues():
    d = wt.init_dashboard()
    before = [ev.copy() for ev in d.result.eigenvalues]
    png = d.png
    d.controls["gain"].value = 1.2
    assert d.png != png
    for ev0, ev1 in zip(before, d.result.eigenvalues):
        np.testing.assert_allclose(ev1, 1.2 * ev0)


def test_euler_step_crossing_the_stability_boundary_is_drawn_as_diverging():
    d = wt.euler_dashboard()
    assert d.state["h"] == pytest.approx(0.2) and not d.result.diverges
    png = d.png
    d.controls["h"].value = 0.25  # |1 + h lambda| crosses 1 between 0.2 and 0.25 for lambda = -0.5 +- 2i
    assert d.result.diverges and d.png != png
    ax_hl, ax_phase, ax_norm = d.figure.axes[:3]
    assert "diverges" in ax_hl.get_title()
    # the phase plane stays on the exact solution; the steps leave it, and a note says so
    span = np.abs(d.result.z_exact).max() * 1.25
    assert ax_phase.get_xlim() == pytest.approx((-span, span))
    notes = [t.get_text() for t in ax_phase.texts if t.get_visible()]
    assert any("diverges" in text for text in notes)
    d.controls["h"].value = 2.5
    d.controls["decay"].value = -3.0
    d.controls["frequency"].value = 4.0
    lo, hi = ax_norm.get_ylim()
    exact = d.result.log10_norm_exact
    assert hi <= exact.max() + 4 + 1.0 and lo >= exact.min() - 4 - 1.0  # clipped, not stretched to 10^14
    assert any("diverges" in t.get_text() for t in ax_norm.texts if t.get_visible())


def test_compute_functions_are_the_math_modules():
    assert wt.leaky_dashboard().compute is tricks.explore_leaky
    assert wt.euler_dashboard().compute is odes.explore_steps


def test_unknown_default_is_a_value_error():
    with pytest.raises(ValueError, match="unknown control"):
        wt.euler_dashboard(step=0.3)


# ---------------------------------------------------------------------------------------------
# The fast path: limits from ladders and fixed ranges, so that most moves draw no axes again


def _limits(fig):
    return [(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes]


@pytest.mark.parametrize("name, control", [("clipping", "threshold"), ("leaky", "alpha"), ("init", "gain"),
                                           ("euler", "h")])
def test_a_small_move_from_the_default_keeps_the_axes(name, control):
    """Limits from ladders and fixed ranges: the slider a student moves first redraws no axes."""
    d = BUILDERS[name]()
    values = d.specs[control].values()
    at = min(range(len(values)), key=lambda k: abs(values[k] - d.state[control]))
    limits = _limits(d.figure)
    for k in (at + 1, at - 1):  # one slider step either way
        d.controls[control].value = values[k]
        assert _limits(d.figure) == limits, f"{control} = {values[k]}"


def test_every_clipping_limit_is_fixed():
    d = wt.clipping_dashboard()
    limits = _limits(d.figure)
    for value in d.specs["threshold"].values():
        d.controls["threshold"].value = value
        assert _limits(d.figure) == limits


def test_a_diverging_euler_run_grows_the_norm_axis_in_whole_decades_and_says_so():
    d = wt.euler_dashboard(h=2.5, decay=-3.0, frequency=4.0, method="euler")
    assert d.result.diverges
    lo, hi = d.figure.axes[2].get_ylim()
    assert lo == int(lo) and hi == int(hi)
    assert hi < d.result.log10_norm_steps.max()  # the steps leave through the top ...
    assert "diverges" in d.figure.axes[0].get_title()  # ... and every panel says why
