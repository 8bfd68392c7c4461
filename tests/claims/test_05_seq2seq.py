"""Notebook 05's sentences that state a fact, one test each, named after the sentence, recomputed with lecturekit."""

from __future__ import annotations

import datetime as dt

from lecturekit import dates


def test_the_held_out_dates_are_every_tenth_ordinal_day_not_the_10th_20th_and_30th():
    held = [d for d in (dates.FIRST + dt.timedelta(days=k) for k in range(3650)) if dates.in_split(d, "test")]
    assert held[:4] == [dt.date(2000, 1, 1), dt.date(2000, 1, 11), dt.date(2000, 1, 21), dt.date(2000, 1, 31)]
    assert all(d.toordinal() % 10 == 0 for d in held) and len(held) == 365
    assert {d.day for d in held} == set(range(1, 32)) and {d.month for d in held} == set(range(1, 13))


# --- where the trained decoder looks (section 7), trained as the notebook trains it (about 10 s) ------

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lecturekit import seq2seq, translation  # noqa: E402

TEXTS = ["26 november 2026", "nov 26, 2026", "thursday 26/11/26", "thursday, the 26th of november 2026"]


@pytest.fixture(scope="module")
def maps():
    model = seq2seq.AttentionSeq2Seq(embed_size=16, hidden_size=32, attention_size=32, seed=0)
    translation.fit(model, **translation.DATES_TRAINING, seed=0, target_accuracy=0.998, progress=False)
    return {text: translation.translate(model, text) for text in TEXTS}


def test_the_year_s_last_two_digits_and_the_day_look_sharply_at_what_they_copy(maps):
    for text, t in maps.items():
        w = np.asarray(t.weights)
        assert t.output == "2026-11-26", text
        for row in (2, 3, 8, 9):                       # "26" of the year, "26" of the day
            assert w[row].max() > 0.85 and t.source_tokens[int(w[row].argmax())] == t.output[row], (text, row)


def test_the_centurys_first_digit_is_diffuse_and_the_months_rows_look_at_the_month(maps):
    for text, t in maps.items():
        w = np.asarray(t.weights)
        assert w[0].max() < 0.6, text
        month = {"26 november 2026": "november", "nov 26, 2026": "nov", "thursday 26/11/26": "11",
                 "thursday, the 26th of november 2026": "november"}[text]
        start = text.index(month, 3 if text.startswith("thursday 2") else 0) if month != "11" else text.index("/11") + 1
        for row in (5, 6):                             # the month's two digits
            assert start <= int(w[row].argmax()) < start + len(month), (text, row)
    assert np.asarray(maps["nov 26, 2026"].weights)[5:7].max(1).min() > np.asarray(maps["26 november 2026"].weights)[5:7].max(1).max()


def test_the_weekday_gets_hardly_any_weight(maps):
    for text in ("thursday 26/11/26", "thursday, the 26th of november 2026"):
        w = np.asarray(maps[text].weights)
        assert w[:, :8].sum(1).max() < 0.15, text
