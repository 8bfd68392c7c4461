"""The footprint explorer of notebook 06 and the diagrams of notebook 07, driven in plain Python: every
setting combination computes and draws the right wiring; illegal settings are shown as a message; the
index sliders follow the setting. (Every control's sweep is in tests/test_dashboards.py.)"""

import itertools

import numpy as np
import pytest

from lecturekit import conv, wiring
from lecturekit.widgets.conv import FOOTPRINT_SLIDERS, footprint_explorer

SETTING = ("n", "kernel", "stride", "padding", "dilation")


@pytest.fixture(scope="module")
def explorer():
    return footprint_explorer()


def _drawn(d):
    """What the three panels show: bright forward segments, bright backward segments, bar heights."""
    fwd_ax, bwd_ax, cnt_ax = d.figure.axes
    bright = [next(c for c in ax.collections if c.get_linewidth()[0] > 2) for ax in (fwd_ax, bwd_ax)]
    bars = cnt_ax.collections[0].get_paths()
    return ([np.asarray(s) for s in bright[0].get_segments()], [np.asarray(s) for s in bright[1].get_segments()],
            np.array([p.vertices[:, 1].max() for p in bars]))


def test_every_setting_combination_computes_and_draws_the_right_wiring(explorer):
    """All n, k, s, p, d the sliders allow, with the output and input at both ends: compute raises a
    clear ValueError or the drawn lines are exactly output i's taps and input m's senders."""
    ranges = [FOOTPRINT_SLIDERS[name].values() for name in SETTING]
    legal = illegal = 0
    for number, (n, k, s, p, dil) in enumerate(itertools.product(*ranges)):
        ends = [(0, 0), (FOOTPRINT_SLIDERS["output"].max, FOOTPRINT_SLIDERS["input"].max)]
        for i, m in ends[number % 2:number % 2 + 1]:            # first or last indices, in turn
            try:
                w = wiring.wiring(n=n, kernel=k, stride=s, padding=p, dilation=dil, output=i, input=m)
            except ValueError as err:
                assert "no output" in str(err)
                assert dil * (k - 1) + 1 > n + 2 * p
                illegal += 1
                continue
            legal += 1
            explorer.draw(w)
            fwd, bwd, counts = _drawn(explorer)
            # forward: one line per tap, ending on padded inputs i*s + j*d
            assert sorted(seg[1, 0] for seg in fwd) == list(w.output * s + np.arange(k) * dil)
            # backward: one line per output that read input m, all ending on m
            assert len(bwd) == len(w.senders) and all(seg[1, 0] == w.input + p for seg in bwd)
            # bars: torch-checked gradient counts (tests/test_conv.py), one per input
            np.testing.assert_array_equal(counts, wiring.gradient_counts(n, k, s, p, dil))
    assert legal > 0 and illegal > 0


def test_illegal_setting_is_a_message_in_the_figure_then_recovers():
    d = footprint_explorer(n=3, kernel=3)
    assert d.error is None
    d.controls["kernel"].value = 5
    assert "no output" in d.error and "spans 5 samples" in d.error
    assert not any(ax.get_visible() for ax in d.figure.axes)
    d.controls["padding"].value = 1
    assert d.error is None and all(ax.get_visible() for ax in d.figure.axes)
    assert d.result.size == 1


def test_index_sliders_follow_the_number_of_outputs_and_inputs():
    d = footprint_explorer(n=12, kernel=3, output=9, input=11)
    assert d.controls["output"].max == 9
    d.controls["stride"].value = 3                              # o = floor((12 - 3) / 3) + 1 = 4
    assert d.controls["output"].max == 3 and d.result.output == 3 and d.result.clamped == ""
    d.controls["n"].value = 5
    assert d.controls["input"].max == 4 and d.result.input == 4


def test_strided_inputs_without_gradient_are_drawn_as_such():
    d = footprint_explorer(n=9, kernel=2, stride=3, padding=0, dilation=1, input=2)
    _, bwd, counts = _drawn(d)
    assert bwd == [] and "no output" in d.figure.axes[1].get_title()
    np.testing.assert_array_equal(counts, [1, 1, 0, 1, 1, 0, 1, 1, 0])


def test_out_of_range_index_is_clamped_with_a_note():
    w = wiring.wiring(n=5, kernel=3, output=7, input=9)
    assert (w.output, w.input) == (2, 4)
    assert "output 7 does not exist" in w.clamped and "input 9 does not exist" in w.clamped


def test_unknown_default_is_a_clear_error():
    with pytest.raises(ValueError, match="controls are"):
        footprint_explorer(width=3)


# ------------------------------------------------------------------------------------ notebook 07

from lecturekit.widgets.stride import GRID_SLIDERS, STACK_SLIDERS, grid_diagram, stack_builder  # noqa: E402


def test_play_button_steps_the_output_and_follows_its_range():
    d = footprint_explorer(play=True, n=9, kernel=3, stride=2, output=1)
    play = next(w for row in d.widget.children[:-1] for w in row.children if w.__class__.__name__ == "Play")
    assert (play.value, play.max) == (1, 3)                    # o = floor((9 - 3) / 2) + 1 = 4
    play.value = 3
    assert d.controls["output"].value == 3 and d.result.output == 3
    d.controls["stride"].value = 3                              # o = 3: the button's range shrinks
    assert play.max == 2 and d.controls["output"].value == 2


def test_every_footprint_combination_with_every_index():
    """Every (n, k, s, p, d) with every output index and every input index the sliders reach: compute
    either raises the clear ValueError or returns the wiring torch's shapes predict (the indices are
    independent: output i moves only the forward panel, input m only the backward one)."""
    settings = itertools.product(*(FOOTPRINT_SLIDERS[name].values() for name in SETTING))
    for n, k, s, p, dil in settings:
        try:
            o = conv.output_size(n, k, s, p, dil)
        except ValueError:
            with pytest.raises(ValueError, match="no output"):
                wiring.wiring(n, k, s, p, dil)
            continue
        for i in FOOTPRINT_SLIDERS["output"].values():
            w = wiring.wiring(n, k, s, p, dil, output=i, input=0)
            assert w.output == min(i, o - 1) and (w.clamped == "") == (i < o)
            assert list(w.reads) == list(w.output * s + np.arange(k) * dil)
        for m in FOOTPRINT_SLIDERS["input"].values():
            w = wiring.wiring(n, k, s, p, dil, output=0, input=m)
            assert w.input == min(m, n - 1)
            assert all(w.taps[i, w.input + p] >= 0 for i in w.senders)


@pytest.fixture(scope="module")
def grid():
    return grid_diagram()


def test_grid_diagram_every_combination(grid):
    """Every setting of the 2-D diagram at its first and last output is drawn (or a clear message),
    and every output position's footprint is the product of the two 1-D footprints."""
    ranges = [GRID_SLIDERS[name].values() for name in ("size", "kernel", "stride", "padding", "dilation")]
    legal = illegal = 0
    for size, k, s, p, dil in itertools.product(*ranges):
        try:
            o = conv.output_size(size, k, s, p, dil)
        except ValueError as err:
            assert "no output" in str(err)
            illegal += 1
            continue
        legal += 1
        for out in range(o * o):
            g = wiring.grid_wiring(size, k, s, p, dil, output=out)
            rows, cols = np.nonzero(g.footprint)
            assert set(rows) == set(g.row * s + np.arange(k) * dil) and set(cols) == set(g.col * s + np.arange(k) * dil)
            assert g.footprint.sum() == k * k
        for out in (0, GRID_SLIDERS["output"].max):
            grid.draw(wiring.grid_wiring(size, k, s, p, dil, output=out))
        picture = grid.figure.axes[0].images[0].get_array()
        assert picture.shape[:2] == (size + 2 * p, size + 2 * p)
    assert legal and illegal


def test_stack_builder_every_combination():
    """All layer counts, kernels and patterns: the stack is the one asked for and the tree colours
    exactly the units with a path to the top output (drawn without rendering, for speed)."""
    d = stack_builder()
    for layers, kernel, pattern in itertools.product(*(spec.values() for spec in STACK_SLIDERS.values())):
        st = d.compute(layers=layers, kernel=kernel, pattern=pattern)
        assert st.layers == [(kernel, *wiring.STACK_PATTERNS[pattern](l)) for l in range(layers)]
        assert st.field == wiring.receptive_field(st.layers)
        d.draw(st)
        reached = d.figure.axes[0].collections[1].get_offsets()
        assert len(reached) == sum(int((p > 0).sum()) for p in st.paths)
        assert len(d.figure.axes[0].collections[2].get_segments()) == sum(len(e) for e in st.edges)


def test_gridding_shows_only_for_equal_dilations():
    for pattern in wiring.STACK_PATTERNS:
        st = wiring.stack(4, 3, pattern)
        assert (st.holes > 0) == (pattern in ("dilations 2, 2, 2, ...", "dilations 3, 3, 3, ...")), pattern
