"""The picture cache and the states one key press away (lecturekit.widgets.prefetch)."""

import asyncio
import concurrent.futures

import ipywidgets as widgets
import pytest

from lecturekit import dates
from lecturekit.widgets import TextSpec
from lecturekit.widgets.prefetch import Picture, PictureCache, kernel_loop, neighbours, state_key, went_down


def picture(size: int) -> Picture:
    return Picture(result=None, error=None, png=b"x" * size)


def test_a_slider_position_has_one_key_whatever_its_rounding():
    assert state_key({"a": 0.1 + 0.2, "n": 3}) == state_key({"a": 0.3, "n": 3})
    assert state_key({"a": 0.3}) != state_key({"a": 0.3 + 1e-9})
    assert state_key({"t": "26 nov"}) != state_key({"t": "26 nov "})
    assert state_key({"a": 1, "b": 2}) != state_key({"b": 2, "a": 1})  # the controls' order is part of it


def test_the_cache_drops_the_least_recently_used_past_its_limits():
    cache = PictureCache(max_bytes=250, max_pictures=3)
    for k in range(3):
        cache.put((k,), picture(100))  # 300 bytes: the oldest goes
    assert (0,) not in cache and len(cache) == 2 and cache.nbytes == 200
    assert cache.get((1,)) is not None  # now the most recent: (2,) goes next
    cache.put((3,), picture(100))
    assert (1,) in cache and (2,) not in cache and (3,) in cache
    cache.put((3,), picture(50))  # replacing a picture counts its new size only
    assert cache.nbytes == 150
    for k in range(4, 8):
        cache.put((k,), picture(10))
    assert len(cache) == 3  # the count limit
    cache.put((9,), picture(1000))  # larger than the whole budget: kept alone, the newest always is
    assert len(cache) == 1 and (9,) in cache
    cache.clear()
    assert len(cache) == 0 and cache.nbytes == 0 and cache.get((9,)) is None


@pytest.mark.parametrize("bad", [dict(max_bytes=0), dict(max_pictures=0)])
def test_the_cache_says_what_its_limits_must_be(bad):
    with pytest.raises(ValueError, match="max_bytes > 0 and max_pictures >= 1"):
        PictureCache(**bad)


def test_a_sliders_neighbours_are_a_step_up_then_down_within_its_current_range():
    s = widgets.IntSlider(min=0, max=15, value=4, step=1)
    assert neighbours(s) == [5, 3]
    s.max = 4  # an index slider whose range follows the setting: read as it is now
    assert neighbours(s) == [3]
    s.value = 0
    assert neighbours(s) == [1]
    f = widgets.FloatSlider(min=0.0, max=2.5, step=0.05, value=0.95)
    assert neighbours(f) == [1.0, 0.9]
    f.value = 2.5
    assert neighbours(f) == [2.45]
    g = widgets.FloatLogSlider(base=10, min=-1.5, max=2, step=0.1, value=1.0)
    assert neighbours(g) == pytest.approx([10**0.1, 10**-0.1])
    g.value = 100.0
    assert neighbours(g) == pytest.approx([10**1.9])


def test_a_toggles_neighbours_are_the_other_options_the_adjacent_first():
    t = widgets.ToggleButtons(options=[2, 4, 8], value=4)
    assert neighbours(t) == [8, 2]
    t.value = 2
    assert neighbours(t) == [4, 8]
    assert neighbours(widgets.ToggleButtons(options=["linear", "tanh"], value="tanh")) == ["linear"]


def test_a_text_boxs_neighbours_are_one_deletion_and_each_next_character_typed():
    spec = TextSpec(value="26 nov", next_characters="0 e")
    box = spec.build("text")
    assert neighbours(box, spec) == ["26 no", "26 nov0", "26 nov ", "26 nove"]
    box.value = ""
    assert neighbours(box, spec) == ["0", " ", "e"]
    assert neighbours(box, TextSpec(value="")) == []  # without next characters: nothing typed


def test_the_characters_a_date_continues_with_come_most_frequent_first():
    order = dates.characters_by_frequency()
    assert sorted(order) == sorted(t for t in dates.SOURCE.tokens if len(t) == 1)  # each source character once
    assert set(order[:3]) == {" ", "0", "2"}  # every year 20xx and most formats have spaces
    assert order.index("x") > order.index("e") and order[-1] == "-"  # '-' is in no format: last


def test_only_a_kernels_loop_is_one_to_prefetch_on():
    assert kernel_loop() is None  # no loop
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # a thread of its own: no loop marked running
        assert pool.submit(lambda: asyncio.run(_loop_here())).result() is None  # a loop, but no IPython kernel


async def _loop_here():
    return kernel_loop()


def test_a_move_down_is_a_sliders_only():
    s = widgets.IntSlider(min=0, max=9, value=5)
    assert went_down({"owner": s, "old": 5, "new": 4}) and not went_down({"owner": s, "old": 4, "new": 5})
    t = widgets.Text(value="ab")
    assert not went_down({"owner": t, "old": "abc", "new": "ab"}) and not went_down(None)
