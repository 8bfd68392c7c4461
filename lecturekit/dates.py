"""A toy translation task, seeded and offline: dates written in several formats -> ISO 8601.

    "26 november 2026"            -> "2026-11-26"
    "nov 26, 2026"                -> "2026-11-26"
    "thursday 26/11/26"           -> "2026-11-26"
    "thursday, the 26th of november 2026" -> "2026-11-26"

The alignment between source and target is easy to see and not monotonic: the target starts
with the year, which most sources write last, and a month's name becomes two digits. The
sources range from 8 characters ("26/11/26") to 37, so a model's accuracy can be plotted
against the source's length (Bahdanau et al. 2014, figure 2, in small).

Characters are the tokens, on both sides. Sources are lower case (:func:`encode_source`
lowers what it is given); a character outside :data:`SOURCE` is a ``ValueError`` naming it.
Years run from 2000 to 2099, so a two-digit year is unambiguous.

Held-out dates: every date whose day number (``date.toordinal()``) is a multiple of 10 belongs
to the test split and never appears in training, in any format (:func:`in_split`).
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from collections import Counter
from dataclasses import dataclass

import torch
from torch import Tensor

__all__ = [
    "Vocab", "SOURCE", "TARGET", "FORMATS", "FIRST", "LAST", "TARGET_LENGTH",
    "write", "iso", "random_dates", "in_split", "examples", "encode_source", "encode_target",
    "decode_target", "Batch", "pad_batch", "make_batch", "batch_of", "characters_by_frequency",
]

PAD, BOS, EOS = "<pad>", "<s>", "</s>"
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
FIRST, LAST = _dt.date(2000, 1, 1), _dt.date(2099, 12, 31)
TARGET_LENGTH = len("2026-11-26")


class Vocab:
    """Tokens <-> integer ids. Id 0 is padding; ``BOS`` and ``EOS`` start and end a target.

    Every vocabulary numbers them alike (``Vocab.pad, Vocab.bos, Vocab.eos == 0, 1, 2``), so one model,
    one loss and one decoder serve every task.
    """

    pad, bos, eos = 0, 1, 2

    def __init__(self, characters: str):
        self.tokens = [PAD, BOS, EOS, *characters]
        self.index = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.index

    def encode_target(self, text: str) -> list[int]:
        """``[BOS, ids of text..., EOS]``; a character outside the vocabulary is a ``ValueError``."""
        bad = sorted({ch for ch in text if ch not in self.index})
        if bad:
            raise ValueError(f"target characters outside the vocabulary: {bad}")
        return [self.bos, *(self.index[ch] for ch in text), self.eos]

    def decode(self, ids) -> str:
        """Ids back to text, stopping at the first ``EOS`` (``BOS`` and padding dropped)."""
        out = []
        for i in (ids.tolist() if isinstance(ids, Tensor) else ids):
            if i == self.eos:
                break
            if i not in (self.pad, self.bos):
                out.append(self.tokens[i])
        return "".join(out)


#: source characters: lower-case letters, digits, space and , . / -
SOURCE = Vocab("abcdefghijklmnopqrstuvwxyz0123456789 ,./-")
#: target characters: digits and -
TARGET = Vocab("0123456789-")


def _ordinal(day: int) -> str:
    if day in (11, 12, 13):
        return f"{day}th"
    return f"{day}" + {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _f_slash_short(d): return f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}"           # 26/11/26
def _f_dots(d): return f"{d.day:02d}.{d.month:02d}.{d.year}"                            # 26.11.2026
def _f_abbrev_us(d): return f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}"              # nov 26, 2026
def _f_long(d): return f"{d.day} {MONTHS[d.month - 1]} {d.year}"                        # 26 november 2026
def _f_weekday_slash(d): return f"{WEEKDAYS[d.weekday()]} {_f_slash_short(d)}"           # thursday 26/11/26
def _f_weekday_us(d): return f"{WEEKDAYS[d.weekday()]}, {MONTHS[d.month - 1]} {d.day}, {d.year}"  # thursday, november 26, 2026
def _f_the_of(d): return f"{WEEKDAYS[d.weekday()]}, the {_ordinal(d.day)} of {MONTHS[d.month - 1]} {d.year}"


#: the written formats, by name, shortest first
FORMATS = {
    "26/11/26": _f_slash_short,
    "26.11.2026": _f_dots,
    "nov 26, 2026": _f_abbrev_us,
    "26 november 2026": _f_long,
    "thursday 26/11/26": _f_weekday_slash,
    "thursday, november 26, 2026": _f_weekday_us,
    "thursday, the 26th of november 2026": _f_the_of,
}


def write(date: _dt.date, fmt: str) -> str:
    """``date`` written in format ``fmt`` (a key of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; the formats are {list(FORMATS)}")
    if not FIRST <= date <= LAST:
        raise ValueError(f"dates run from {FIRST} to {LAST}; got {date}")
    return FORMATS[fmt](date)


def iso(date: _dt.date) -> str:
    """The target: ``date`` as ISO 8601, YYYY-MM-DD."""
    return date.isoformat()


def in_split(date: _dt.date, split: str) -> bool:
    """Whether ``date`` belongs to ``split``: "test" holds every date whose ordinal is a
    multiple of 10 (10% of the days), "train" the others."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test'; got {split!r}")
    return (date.toordinal() % 10 == 0) == (split == "test")


def random_dates(n: int, generator: torch.Generator, split: str = "train") -> list[_dt.date]:
    """``n`` dates drawn uniformly from the days of ``split`` between :data:`FIRST` and :data:`LAST`."""
    if n < 1:
        raise ValueError(f"n must be >= 1; got {n}")
    in_split(FIRST, split)  # validates split
    span = LAST.toordinal() - FIRST.toordinal() + 1
    out: list[_dt.date] = []
    while len(out) < n:
        days = torch.randint(0, span, (2 * (n - len(out)) + 8,), generator=generator).tolist()
        for k in days:
            d = _dt.date.fromordinal(FIRST.toordinal() + k)
            if in_split(d, split):
                out.append(d)
                if len(out) == n:
                    break
    return out


def examples(n: int, seed: int | torch.Generator = 0, split: str = "train",
             formats: list[str] | None = None) -> list[tuple[str, str]]:
    """``n`` pairs ``(source, target)``: random dates of ``split``, each in a random format."""
    gen = seed if isinstance(seed, torch.Generator) else torch.Generator().manual_seed(int(seed))
    names = list(FORMATS) if formats is None else list(formats)
    for f in names:
        if f not in FORMATS:
            raise ValueError(f"unknown format {f!r}; the formats are {list(FORMATS)}")
    dates = random_dates(n, gen, split)
    which = torch.randint(0, len(names), (n,), generator=gen).tolist()
    return [(FORMATS[names[k]](d), iso(d)) for d, k in zip(dates, which)]


def characters_by_frequency(n: int = 2000, seed: int = 0) -> str:
    """Every source character, the most frequent in ``n`` seeded training sources first (ties, and
    characters that never occur, in the vocabulary's order): the order in which a text box tries
    the characters a student may type next."""
    counts = Counter("".join(source for source, _ in examples(n, seed)))
    characters = [t for t in SOURCE.tokens if len(t) == 1]
    return "".join(sorted(characters, key=lambda ch: -counts[ch]))


def _name(ch: str) -> str:
    """'!' for a printable ASCII character; U+00E9 (LATIN SMALL LETTER E WITH ACUTE) for any other,
    which names it unambiguously and needs no glyph in the figure's font."""
    if " " <= ch <= "~":
        return repr(ch)
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})"


def encode_source(text: str) -> list[int]:
    """The ids of ``text``'s characters (lower-cased first). Characters outside the source
    vocabulary are a ``ValueError`` that names them."""
    unknown = sorted({ch for ch in text if ch.lower() not in SOURCE})
    text = text.lower()
    if unknown:
        shown = ", ".join(_name(ch) for ch in unknown)
        raise ValueError(f"characters outside the vocabulary: {shown}. "
                         f"Use lower-case letters, digits, space and , . / -")
    if not text:
        raise ValueError("the text is empty: type a date, e.g. '26 november 2026'")
    return [SOURCE.index[ch] for ch in text]


def encode_target(text: str) -> list[int]:
    """``[BOS, ids of text..., EOS]``."""
    return TARGET.encode_target(text)


def decode_target(ids) -> str:
    """Target ids back to text, stopping at the first ``EOS`` (``BOS`` and padding dropped)."""
    return TARGET.decode(ids)


@dataclass
class Batch:
    """A padded batch. ``source`` (B, S) ids padded with 0; ``lengths`` (B,); ``mask`` (B, S)
    True on real characters; ``target_in`` (B, T) = BOS y_1 .. y_(T-1) (teacher forcing's inputs);
    ``target_out`` (B, T) = y_1 .. y_(T-1) EOS; ``texts`` and ``targets`` the strings."""

    source: Tensor
    lengths: Tensor
    mask: Tensor
    target_in: Tensor
    target_out: Tensor
    texts: list[str]
    targets: list[str]


def pad_batch(sources: list[list[int]], targets: list[list[int]], texts: list[str],
              target_texts: list[str]) -> Batch:
    """Pad encoded sources (ids) and targets (``[BOS, ..., EOS]``) with id 0 into a :class:`Batch`."""
    S, T = max(map(len, sources)), max(map(len, targets)) - 1
    source = torch.zeros(len(sources), S, dtype=torch.long)  # (B, S)
    target = torch.zeros(len(targets), T + 1, dtype=torch.long)  # (B, T + 1)
    for i, (s, t) in enumerate(zip(sources, targets)):
        source[i, :len(s)] = torch.tensor(s)
        target[i, :len(t)] = torch.tensor(t)
    return Batch(source=source, lengths=torch.tensor([len(s) for s in sources]), mask=source != 0,
                 target_in=target[:, :-1], target_out=target[:, 1:], texts=texts, targets=target_texts)


def batch_of(pairs: list[tuple[str, str]]) -> Batch:
    """Encode and pad a list of ``(source, target)`` pairs."""
    if not pairs:
        raise ValueError("no pairs to batch")
    return pad_batch([encode_source(s) for s, _ in pairs], [encode_target(t) for _, t in pairs],
                     [s.lower() for s, _ in pairs], [t for _, t in pairs])


def make_batch(n: int, generator: torch.Generator, split: str = "train") -> Batch:
    """``n`` fresh random examples of ``split``, encoded and padded (a ``data`` function for
    :func:`lecturekit.train.train`: ``lambda g: make_batch(128, g)``)."""
    return batch_of(examples(n, generator, split))
