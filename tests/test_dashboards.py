"""Every dashboard of the registry, driven in plain Python: each control swept from the default
state, every move changes the picture or says why in the figure, nothing raises; a blitting
dashboard shows exactly what a full redraw of the same state draws; and a picture prepared while
the student looks (prefetched) is the one a full redraw of its state draws.

Each control is swept on its own from the default state (not the product of all controls), over
at most SAMPLES of its values, spread evenly and always with both ends and the default: every
value of every control would take minutes, and neighbouring values exercise the same code.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest

from lecturekit.widgets.prefetch import neighbours, state_key
from lecturekit.widgets.registry import DASHBOARDS, by_name
from tests.helpers import assert_blit_is_full_redraw, pixels

#: how many values of each control the sweep visits (both ends and the default among them)
SAMPLES = 5

ENTRIES = {entry.name: entry for entry in DASHBOARDS}


@pytest.fixture(scope="module")
def built():
    """name -> the dashboard, built on first use and shared by this module's tests (each test
    leaves it in its default state: building one costs a first drawing with the layout engine)."""
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = ENTRIES[name].build()
        return cache[name]
    return get


def sampled(values: list, default, count: int) -> list:
    """``count`` of ``values`` spread evenly (both ends included), and ``default``, in order."""
    if len(values) > count:
        keep = set(np.linspace(0, len(values) - 1, count).round().astype(int).tolist())
        values = [v for k, v in enumerate(values) if k in keep or v == default]
    return values


def near_and_far(values: list, default) -> list:
    """The value one step above the default (or below, at the top), then the end further from the
    default: a small move, which usually keeps every axis (only the dynamic artists are drawn
    again), and a large one, which usually changes some (the background is drawn again)."""
    k = values.index(default) if default in values else 0
    near = values[k + 1] if k + 1 < len(values) else values[max(k - 1, 0)]
    far = values[0] if k > len(values) - 1 - k else values[-1]
    return list(dict.fromkeys([near, far]))


def moves(d, name: str, pick=lambda values, default: sampled(values, default, SAMPLES)):
    """Set control ``name`` to each value ``pick(values, default)`` chooses, in turn (a value its
    slider cannot reach now is clamped, as the slider does; a value it already has is skipped);
    yields each value set."""
    control = d.controls[name]
    for value in pick(d.specs[name].values(), d.specs[name].value):
        if isinstance(control, widgets.IntSlider) and value > control.max:
            value = control.max  # an index slider that follows the setting's size
        if value == control.value:
            continue
        control.value = value  # a traceback here fails the test: the figure must say it instead
        yield value


def restore(d, state: dict) -> None:
    for name, value in state.items():  # in the controls' order: a setting before the indices it sizes
        d.controls[name].value = value


def test_the_registry_lists_each_dashboard_once_with_its_notebook():
    from pathlib import Path

    notebooks = {p.name for p in (Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb")}
    assert len(ENTRIES) == len(DASHBOARDS)
    for entry in DASHBOARDS:
        assert entry.notebook in notebooks, entry
    assert by_name("translator").notebook == "05_seq2seq_attention.ipynb"
    with pytest.raises(ValueError, match="the dashboards are"):
        by_name("nothing")


@pytest.mark.parametrize("name", list(ENTRIES))
def test_every_move_changes_the_picture_or_says_why(built, name):
    d = built(name)
    assert d.error is None, f"the default state is legal: {d.error}"
    default, first = dict(d.state), d.png
    previous = first
    for control in d.specs:
        for value in moves(d, control):
            where = f"{name}: {control} = {value!r}"
            if d.error is None:
                assert not d.notice.get_visible(), where
                assert d.png != previous, f"{where}: the picture did not change"
            else:
                assert d.result is None and d.error.strip(), where
                assert d.notice.get_visible() and d.notice.get_text() == d.error, where
                assert not any(ax.get_visible() for ax in d.figure.axes), where
            previous = d.png
        restore(d, default)
        previous = d.png
    assert d.state == default
    np.testing.assert_array_equal(pixels(d.png), pixels(first), err_msg="the picture depends on the state only")


@pytest.mark.parametrize("name", list(ENTRIES))
def test_the_picture_shown_is_a_full_redraw(built, name):
    """For a dashboard with ``dynamic`` artists the point is the blitting (after a small move, after a
    large one, and back at the default); without, it is a check that a redraw of the same state draws
    the same picture."""
    d = built(name)
    assert_blit_is_full_redraw(d, f"{name}: the first picture")
    default = dict(d.state)
    for control in d.specs:
        for value in moves(d, control, near_and_far):
            assert_blit_is_full_redraw(d, f"{name}: {control} = {value!r}")
        restore(d, default)
    assert_blit_is_full_redraw(d, f"{name}: back at the default")


@pytest.mark.parametrize("name", list(ENTRIES))
def test_every_state_one_key_press_away_is_prefetched_and_shown_as_a_full_redraw(built, name):
    """One move of the first control, then the prefetch; every state one key press from there is
    kept, and a move to it shows its picture without computing, equal to a full redraw of it (the
    figure follows the picture). A move that also clamps an index slider reaches another state,
    which is computed as usual."""
    d = built(name)
    default = dict(d.state)
    first = next(iter(d.specs))
    d.controls[first].value = neighbours(d.controls[first], d.specs[first])[0]
    assert d.prefetch() > 0
    here = dict(d.state)
    for control in d.specs:
        for value in neighbours(d.controls[control], d.specs[control]):
            target = {**here, control: value}
            assert state_key(target) in d.pictures, f"{name}: {control} = {value!r} was not prefetched"
            computed = d.computed
            d.controls[control].value = value
            if d.state == target:
                assert d.computed == computed, f"{name}: {control} = {value!r} was computed again"
            assert_blit_is_full_redraw(d, f"{name}: {control} = {value!r}, prefetched")
            restore(d, here)
    restore(d, default)
    assert d.state == default
