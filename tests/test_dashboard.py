"""The Dashboard machinery and the control specs, on a toy dashboard: errors shown in the figure,
the fast (blitted) path drawing exactly what a full redraw draws, render_png and show drawing every
artist, the layout fixed after the first picture, kept and prefetched pictures the same as computed
ones. The real dashboards: tests/test_dashboards.py."""

import asyncio
import concurrent.futures
import dataclasses
import threading
import time

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D

from lecturekit.widgets.dashboard import SETTLE_SECONDS, STEP_SECONDS
from lecturekit.widgets.prefetch import state_key
from lecturekit.widgets import (ChoiceSpec, ControlSpec, Dashboard, IntSliderSpec, LogSliderSpec, SliderSpec, TextSpec,
                                new_figure, render_png, show, with_defaults)
from tests.helpers import assert_blit_is_full_redraw, pixels

SPECS = {"amplitude": SliderSpec(min=0.0, max=3.0, step=0.25, value=0.5), "n": IntSliderSpec(min=0, max=50, value=20)}


def make(dynamic: bool, **options) -> Dashboard:
    fig = new_figure(6, 3)
    ax = fig.subplots()
    (line,) = ax.plot([], [], color="C0", lw=3)
    note = ax.text(0.05, 0.9, "", transform=ax.transAxes)

    def compute(amplitude: float, n: int):
        if n == 0:
            raise ValueError("n must be at least 1")
        x = np.linspace(0, 1, n)
        return x, amplitude * np.sin(6 * x)

    def draw(result):
        x, y = result
        line.set_data(x, y)
        ax.set_xlim(0, 1)
        half = 1.0 if np.abs(y).max() <= 1 else 3.0  # the axes change only past 1
        ax.set_ylim(-half, half)
        note.set_text(f"max {np.abs(y).max():.2f}")

    return Dashboard(SPECS, compute, draw, fig, dynamic=[line, note] if dynamic else None, **options)


def counted(d: Dashboard) -> list[dict]:
    """The states ``d`` computes from now on, in order."""
    calls, inner = [], d.compute

    def compute(**state):
        calls.append(state)
        return inner(**state)
    d.compute = compute
    return calls


def red_pixels(png: bytes) -> int:
    p = pixels(png).astype(int)
    return int(((p[..., 0] > 200) & (p[..., 1] < 60) & (p[..., 2] < 60)).sum())


def test_render_png_draws_animated_artists():
    """canvas.print_png alone leaves an animated artist out; render_png draws it, and leaves it animated."""
    fig = new_figure(4, 3)
    (line,) = fig.subplots().plot([0, 1], [0, 1], color="red", lw=4)
    drawn = red_pixels(render_png(fig))
    line.set_animated(True)
    assert red_pixels(render_png(fig)) == drawn > 100
    assert line.get_animated()


@pytest.mark.parametrize("moves", [[0.75], [0.75, 1.0, 2.5], [2.5, 3.0, 0.25]])
def test_fast_path_draws_what_a_full_redraw_draws(moves):
    d = make(dynamic=True)
    for amplitude in moves:
        d.controls["amplitude"].value = amplitude
        assert_blit_is_full_redraw(d, f"amplitude = {amplitude}")


def test_the_same_state_gives_the_same_picture_with_or_without_blitting():
    fast, slow = make(dynamic=True), make(dynamic=False)
    for amplitude in (1.5, 0.25):
        fast.controls["amplitude"].value = slow.controls["amplitude"].value = amplitude
        np.testing.assert_array_equal(pixels(fast.png), pixels(slow.png))


def test_the_figure_of_a_blitting_dashboard_draws_whole(monkeypatch):
    """The dashboard marks its dynamic artists animated only while it draws the background, so the
    figure's own picture (render_png, show) has them, and the same pixels as the dashboard's."""
    d = make(dynamic=True)
    d.controls["amplitude"].value = 2.5
    assert not any(a.get_animated() for a in d.dynamic)
    shown = []
    monkeypatch.setattr("lecturekit.widgets.dashboard.display", lambda image: shown.append(image.data))
    show(d.figure)
    np.testing.assert_array_equal(pixels(shown[0]), pixels(d.png))
    np.testing.assert_array_equal(pixels(render_png(d.figure)), pixels(d.png))


def test_the_layout_is_fixed_after_the_first_picture():
    d = make(dynamic=False)
    assert not isinstance(d.figure.get_layout_engine(), ConstrainedLayoutEngine)
    position = d.figure.axes[0].get_position().bounds
    d.controls["amplitude"].value = 3.0
    assert d.figure.axes[0].get_position().bounds == position


@pytest.mark.parametrize("dynamic", [True, False])
def test_a_value_error_is_a_message_in_the_figure_and_the_dashboard_recovers(dynamic):
    d = make(dynamic)
    good = d.png
    d.controls["n"].value = 0
    assert d.error == "n must be at least 1" and d.result is None
    assert d.notice.get_visible() and d.notice.get_text() == d.error
    assert d.png != good
    assert_blit_is_full_redraw(d, "the message")
    d.controls["n"].value = 20
    assert d.error is None and not d.notice.get_visible()
    np.testing.assert_array_equal(pixels(d.png), pixels(good))


def test_every_slider_value_is_listed():
    assert SliderSpec(min=0.0, max=1.0, step=0.25, value=0.5).values() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert IntSliderSpec(min=2, max=10, step=4, value=6).values() == [2, 6, 10]
    assert LogSliderSpec(min=-1, max=1, step=1, value=1.0).values() == [0.1, 1.0, 10.0]
    assert ChoiceSpec(options=("a", "b"), value="b").values() == ["a", "b"]
    assert TextSpec(value="x", examples=("y", "x", "")).values() == ["x", "y", ""]


def test_specs_take_keywords_only_and_check_their_default():
    with pytest.raises(TypeError):
        IntSliderSpec(20, 1000, 100)  # which is the step, which the default? Keywords say.
    with pytest.raises(TypeError):
        SliderSpec(0.0, 1.0, 0.1, 0.5)
    with pytest.raises(ValueError, match="outside"):
        SliderSpec(min=0.0, max=1.0, step=0.1, value=1.5)
    with pytest.raises(ValueError, match="not one of the options"):
        ChoiceSpec(options=("linear", "tanh"), value="relu")
    with pytest.raises(ValueError, match="outside"):
        LogSliderSpec(min=-1, max=1, step=0.5, value=100.0)


def test_specs_build_their_widgets_and_follow_the_protocol():
    cases = [(SliderSpec(min=0.0, max=1.0, step=0.1, value=0.3), widgets.FloatSlider),
             (LogSliderSpec(min=-2, max=2, step=0.1, value=1.0), widgets.FloatLogSlider),
             (IntSliderSpec(min=0, max=9, value=4, description="k"), widgets.IntSlider),
             (ChoiceSpec(options=(2, 4), value=4), widgets.ToggleButtons),
             (TextSpec(value="hi", placeholder="type"), widgets.Text)]
    for spec, kind in cases:
        assert isinstance(spec, ControlSpec)
        control = spec.build("name")
        assert isinstance(control, kind) and control.value == spec.value
        assert control.description == (spec.description or "name")


def test_with_defaults_replaces_starting_values_only():
    specs = with_defaults(SPECS, {"n": 7})
    assert specs["n"] == dataclasses.replace(SPECS["n"], value=7) and specs["amplitude"] is SPECS["amplitude"]
    assert SPECS["n"].value == 20  # the original is left alone
    with pytest.raises(ValueError, match="the controls are"):
        with_defaults(SPECS, {"m": 1})
    with pytest.raises(ValueError, match="outside"):
        with_defaults(SPECS, {"n": 99})


def test_dynamic_artists_are_drawn_in_the_order_a_full_drawing_stacks_them():
    """Listed in any order, the dynamic artists still stack as z-order says (here: a thick line
    under a thin one that crosses it), and the frame of their axes is drawn over them."""
    fig = new_figure(4, 3)
    ax = fig.subplots()
    below = ax.add_line(Line2D([0, 1], [0.5, 0.5], color="red", lw=8, zorder=2))
    above = ax.add_line(Line2D([0.5, 0.5], [0, 1], color="blue", lw=2, zorder=3))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    d = Dashboard({}, lambda: None, lambda result: None, fig, dynamic=[above, below])
    assert_blit_is_full_redraw(d, "crossing lines")


@pytest.mark.parametrize("dynamic", [True, False])
def test_prefetched_pictures_are_the_ones_a_move_computes_and_a_move_to_one_computes_nothing(dynamic):
    d = make(dynamic)
    calls = counted(d)
    d.controls["amplitude"].value = 0.75  # a move up: computed, and its neighbours queued
    assert len(calls) == 1
    assert d.prefetch() == 3  # the start (amplitude 0.5) is kept already
    assert [c["amplitude"] for c in calls[1:]] == [1.0, 0.75, 0.75] and [c["n"] for c in calls[1:]] == [20, 21, 19]
    np.testing.assert_array_equal(pixels(render_png(d.figure)), pixels(d.png), "the figure is back at the current state")
    fresh = make(dynamic)
    for name, value in [("amplitude", 1.0), ("amplitude", 0.5), ("n", 21), ("n", 19)]:
        here = d.controls[name].value
        d.controls[name].value = fresh.controls[name].value = value
        assert len(calls) == 4, f"{name} = {value}: shown from the kept picture, not computed"
        np.testing.assert_array_equal(pixels(d.png), pixels(fresh.png), f"{name} = {value}")
        assert_blit_is_full_redraw(d, f"{name} = {value}: the figure follows the picture")
        d.controls[name].value = fresh.controls[name].value = here
    assert len(calls) == 4 and d.updates == 10  # the first picture and nine moves, each shown


def test_the_control_just_moved_is_prefetched_first_onwards_in_its_direction():
    d = make(dynamic=True)
    d.controls["n"].value = 15
    calls = counted(d)
    d.controls["n"].value = 14  # down: 13 first, then 15 (kept), then the amplitude's
    d.prefetch()
    assert [(c["amplitude"], c["n"]) for c in calls[1:]] == [(0.5, 13), (0.75, 14), (0.25, 14)]


def test_an_illegal_state_is_prefetched_and_shown_as_its_message():
    d = make(dynamic=True)
    d.controls["n"].value = 1
    calls = counted(d)
    d.prefetch()
    assert calls == [{"amplitude": 0.5, "n": 0}, {"amplitude": 0.5, "n": 2},
                     {"amplitude": 0.75, "n": 1}, {"amplitude": 0.25, "n": 1}]
    d.controls["n"].value = 0
    assert len(calls) == 4  # shown without computing
    assert d.error == "n must be at least 1" and d.result is None and d.notice.get_visible()
    assert not any(ax.get_visible() for ax in d.figure.axes)
    assert_blit_is_full_redraw(d, "the message, kept")
    d.controls["n"].value = 1
    assert d.error is None and not d.notice.get_visible() and all(ax.get_visible() for ax in d.figure.axes)


def test_refresh_forgets_the_kept_pictures():
    """After a change of anything compute reads besides the controls (a retrained model, ...)."""
    d = make(dynamic=True)
    d.controls["amplitude"].value = 0.75
    d.prefetch()
    calls = counted(d)
    d.refresh()
    assert len(calls) == 1 and len(d.pictures) == 1
    assert d.prefetch() == 4  # the four neighbours, forgotten, are rendered again


def run_in_a_loop(d_factory, turns: int) -> tuple[Dashboard, list[dict], list[int]]:
    """In a running event loop, taken for a kernel's: one move, then ``turns`` turns of the loop;
    returns the dashboard, the states it computed and how many after each turn."""
    async def main():
        d = d_factory()
        calls = counted(d)
        d.controls["amplitude"].value = 0.75
        after = []
        for _ in range(turns):
            await asyncio.sleep(0)
            after.append(len(calls))
        return d, calls, after
    return in_a_new_loop(main)


def in_a_new_loop(main):
    """``asyncio.run(main())`` on a thread of its own: the browser tests leave Playwright's loop
    marked running on this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(main())).result()


@pytest.fixture
def kernel(monkeypatch):
    """Code running in an event loop behaves as in a kernel (outside one, nothing prefetches by itself)."""
    def running_loop():
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            return None
    monkeypatch.setattr("lecturekit.widgets.dashboard.kernel_loop", running_loop)


def test_in_a_kernels_event_loop_the_picture_goes_first_then_the_neighbours_one_per_turn(kernel, monkeypatch):
    d, _, after = run_in_a_loop(lambda: make(dynamic=True, prefetch=True), turns=3)
    assert after == [1, 1, 1]  # for SETTLE_SECONDS the interpreter is left to the thread sending the picture
    assert SETTLE_SECONDS > 0 and STEP_SECONDS > 0
    monkeypatch.setattr("lecturekit.widgets.dashboard.SETTLE_SECONDS", 0.0)
    monkeypatch.setattr("lecturekit.widgets.dashboard.STEP_SECONDS", 0.0)
    d, _, after = run_in_a_loop(lambda: make(dynamic=True, prefetch=True), turns=8)
    steps = [b - a for a, b in zip([1, *after], after)]
    assert after[-1] == 4 and max(steps) == 1, after  # one per turn: a key press waits for one picture at most
    assert len(d.pictures) == 5
    np.testing.assert_array_equal(pixels(render_png(d.figure)), pixels(d.png))


def test_outside_a_kernel_a_running_loop_prefetches_nothing_by_itself():
    """Another library's loop (Playwright's in the browser tests) need not turn: the neighbours wait
    for prefetch()."""
    d, _, after = run_in_a_loop(lambda: make(dynamic=True), turns=4)
    assert after == [1, 1, 1, 1] and d.prefetch() == 3


def test_a_kept_picture_brings_the_figure_with_it():
    d = make(dynamic=True)
    d.controls["amplitude"].value = 0.75
    d.controls["amplitude"].value = 0.5  # kept: shown without computing, the figure's artists follow
    assert_blit_is_full_redraw(d, "back at the start")


def test_prefetching_is_off_by_argument_or_by_the_environment(kernel, monkeypatch):
    d, calls, after = run_in_a_loop(lambda: make(dynamic=True, prefetch=False), turns=3)
    assert not d.prefetching and after == [1, 1, 1]
    monkeypatch.setenv("LECTUREKIT_PREFETCH", "off")
    d, calls, after = run_in_a_loop(lambda: make(dynamic=True), turns=3)
    assert not d.prefetching and after == [1, 1, 1]
    d.controls["amplitude"].value = 0.5  # the states visited are still kept
    assert len(calls) == 1
    monkeypatch.setenv("LECTUREKIT_PREFETCH", "on")
    assert make(dynamic=True).prefetching
    for word in ("0", "false", "No ", "OFF"):
        monkeypatch.setenv("LECTUREKIT_PREFETCH", word)
        assert not make(dynamic=True).prefetching, word
    monkeypatch.delenv("LECTUREKIT_PREFETCH")
    assert make(dynamic=True).prefetching  # on by default


def test_a_neighbour_whose_drawing_fails_is_skipped_and_the_figure_stays_at_the_current_state():
    """A bug in compute or draw for a state nobody has moved to yet is not the prefetch's to report:
    the state is left uncomputed (a move there shows the traceback), the rest is prefetched."""
    d = make(dynamic=True)
    inner = d.draw

    def draw(result):
        x, y = result
        inner(result)
        if len(x) == 21:
            raise RuntimeError("a bug in draw")
    d.draw = draw
    d.controls["amplitude"].value = 0.75
    assert d.prefetch() == 3
    assert state_key({"amplitude": 0.75, "n": 21}) not in d.pictures
    assert state_key({"amplitude": 0.75, "n": 19}) in d.pictures
    assert_blit_is_full_redraw(d, "the figure is back at the current state")


def test_moves_delivered_on_two_threads_draw_one_at_a_time(kernel, monkeypatch):
    """With ipykernel >= 7, JupyterLab's widget messages may be handled on a subshell's thread as
    well as on the main one: two moves (and the prefetching they start, on the loop of the thread
    that had the move) must not draw on the one figure at once, or a picture mixes two states. Drawn one at a time, every kept picture is
    the one a dashboard of its own draws, and the last move's state is the one shown."""
    monkeypatch.setattr("lecturekit.widgets.dashboard.SETTLE_SECONDS", 0.0)
    monkeypatch.setattr("lecturekit.widgets.dashboard.STEP_SECONDS", 0.0)
    d = make(dynamic=True, prefetch=True)
    inner, drawing, most, prefetched_on = d.draw, [], [], set()
    inner_prefetch = d._prefetch_one

    def slow_draw(result):  # sleeps half-way, which hands the interpreter to the other thread
        drawing.append(1)
        most.append(len(drawing))
        inner(result)
        time.sleep(0.002)
        drawing.pop()

    def prefetch_one():
        done = inner_prefetch()
        if done:
            prefetched_on.add(threading.current_thread().name)
        return done
    d.draw, d._prefetch_one = slow_draw, prefetch_one
    start = threading.Barrier(2, timeout=10)

    async def moves(name, values):
        start.wait()
        for value in values:
            d.controls[name].value = value
            await asyncio.sleep(0.003)  # the loop turns: this thread's prefetch steps run
        await asyncio.sleep(0.3)

    amplitudes, lengths = [0.75, 1.0, 1.25, 1.0], [21, 22, 23, 24, 25]
    with concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="kernel") as pool:
        runs = [pool.submit(lambda: asyncio.run(moves("amplitude", amplitudes))),
                pool.submit(lambda: asyncio.run(moves("n", lengths)))]
        for run in runs:
            run.result()
    assert max(most) == 1, "two threads drew on the figure at once"
    assert d.state == {"amplitude": 1.0, "n": 25}
    own = make(dynamic=True, prefetch=False)
    # prefetching ran meanwhile (on which thread depends on which move came last: each move makes the
    # other thread's pending steps stale)
    assert prefetched_on, "nothing was prefetched"
    for key, picture in list(d.pictures._pictures.items()):
        state = dict(key)
        own.controls["amplitude"].value, own.controls["n"].value = state["amplitude"], state["n"]
        np.testing.assert_array_equal(pixels(picture.png), pixels(own.png), err_msg=str(state))
    np.testing.assert_array_equal(pixels(d.png), pixels(d.pictures.get(state_key(d.state)).png))


def test_a_prefetch_step_scheduled_before_a_move_does_nothing():
    """A move takes a new turn and plans its own neighbours: a step scheduled in the turn before (on
    the loop of the thread that had the move before, in a kernel) renders nothing."""
    d = make(dynamic=True, prefetch=True)
    d.controls["amplitude"].value = 0.75
    stale = d._turn
    d.controls["n"].value = 21
    computed = d.computed
    d._prefetch_step(stale)
    assert d.computed == computed
    d._prefetch_step(d._turn)  # the current turn's step renders one neighbour
    assert d.computed == computed + 1
