"""The toy translation task: every written date parses back (with datetime.strptime, an independent
reader) to its ISO target; seeds, splits, vocabulary, encoding and batches."""

import datetime as dt
import re

import pytest
import torch

from lecturekit import dates

DAY = dt.date(2026, 11, 26)  # a Thursday

# the formats as strptime reads them (English names in the C locale, case-insensitive)
STRPTIME = {
    "26/11/26": "%d/%m/%y",
    "26.11.2026": "%d.%m.%Y",
    "nov 26, 2026": "%b %d, %Y",
    "26 november 2026": "%d %B %Y",
    "thursday 26/11/26": "%A %d/%m/%y",
    "thursday, november 26, 2026": "%A, %B %d, %Y",
    "thursday, the 26th of november 2026": "%A, the %d of %B %Y",
}


def test_each_format_writes_the_example_in_its_name():
    for name in dates.FORMATS:
        assert dates.write(DAY, name) == name
    assert dates.iso(DAY) == "2026-11-26"


@pytest.mark.parametrize("day, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                       (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (30, "30th"), (31, "31st")])
def test_ordinals(day, text):
    assert f"the {text} of" in dates.write(dt.date(2030, 1, day), "thursday, the 26th of november 2026")


def test_every_example_parses_back_to_its_target():
    for name, fmt in STRPTIME.items():
        for source, target in dates.examples(300, seed=5, formats=[name]):
            plain = re.sub(r"(\d+)(st|nd|rd|th) of", r"\1 of", source)
            day = dt.datetime.strptime(plain, fmt).date()
            if day.year < 2000:  # strptime reads 69-99 as 1969-1999; the task's years are 2000-2099
                day = day.replace(year=day.year + 100)
            assert day.isoformat() == target, source


def test_weekdays_are_the_true_ones():
    for source, target in dates.examples(200, seed=2, formats=["thursday 26/11/26"]):
        assert source.split()[0] == dt.date.fromisoformat(target).strftime("%A").lower()


def test_same_seed_same_examples_and_every_format_appears():
    a, b = dates.examples(500, seed=3), dates.examples(500, seed=3)
    assert a == b
    assert a != dates.examples(500, seed=4)
    lengths = {len(s) for s, _ in a}
    assert min(lengths) == 8 and max(lengths) >= 33  # from "26/11/26" to the longest weekday-ordinal dates
    for source, target in a:
        assert dates.FIRST <= dt.date.fromisoformat(target) <= dates.LAST


def test_held_out_dates_never_appear_in_training():
    train_targets = {t for _, t in dates.examples(5000, seed=0, split="train")}
    test_targets = {t for _, t in dates.examples(1000, seed=1, split="test")}
    assert not train_targets & test_targets
    assert all(dt.date.fromisoformat(t).toordinal() % 10 == 0 for t in test_targets)
    gen = torch.Generator().manual_seed(0)
    batch = dates.make_batch(300, gen)
    assert not set(batch.targets) & test_targets


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="split"):
        dates.examples(3, split="valid")
    with pytest.raises(ValueError, match="unknown format"):
        dates.examples(3, formats=["26-11-2026"])
    with pytest.raises(ValueError, match="dates run from"):
        dates.write(dt.date(1999, 12, 31), "26/11/26")
    with pytest.raises(ValueError, match="n must be"):
        dates.examples(0)


def test_encode_source_lowers_and_names_unknown_characters():
    assert dates.encode_source("Nov 26") == dates.encode_source("nov 26")
    with pytest.raises(ValueError, match=r"'!', U\+00E9 \(LATIN SMALL LETTER E WITH ACUTE\)") as err:
        dates.encode_source("26 févr 2026!")
    assert "outside the vocabulary" in str(err.value)
    with pytest.raises(ValueError, match="empty"):
        dates.encode_source("")


def test_batch_is_padded_and_shifted_for_teacher_forcing():
    pairs = [("26/11/26", "2026-11-26"), ("thursday, november 26, 2026", "2026-11-26")]
    b = dates.batch_of(pairs)
    assert b.source.shape == (2, 27) and b.lengths.tolist() == [8, 27]
    assert b.mask.sum(1).tolist() == [8, 27] and not b.mask[0, 8:].any()
    assert (b.source[0, 8:] == 0).all()
    assert b.target_in.shape == b.target_out.shape == (2, 11)
    assert b.target_in[0, 0] == dates.TARGET.bos and b.target_out[0, -1] == dates.TARGET.eos
    assert torch.equal(b.target_in[:, 1:], b.target_out[:, :-1])
    assert dates.decode_target(b.target_out[1]) == "2026-11-26"
    assert "".join(dates.SOURCE.tokens[i] for i in b.source[1].tolist()) == pairs[1][0]
