"""Notebook 05's sentences that state a fact, one test each, named after the sentence, recomputed with lecturekit."""

from __future__ import annotations

import datetime as dt

from lecturekit import dates


def test_the_held_out_dates_are_every_tenth_ordinal_day_not_the_10th_20th_and_30th():
    held = [d for d in (dates.FIRST + dt.timedelta(days=k) for k in range(3650)) if dates.in_split(d, "test")]
    assert held[:4] == [dt.date(2000, 1, 1), dt.date(2000, 1, 11), dt.date(2000, 1, 21), dt.date(2000, 1, 31)]
    assert all(d.toordinal() % 10 == 0 for d in held) and len(held) == 365
    assert {d.day for d in held} == set(range(1, 32)) and {d.month for d in held} == set(range(1, 13))
