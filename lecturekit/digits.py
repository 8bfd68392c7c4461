"""A second toy task, seeded and offline: a string of k random digits -> the same digits reversed.

    "40915"       -> "51904"
    "7730218846"  -> "6488120377"

Unlike a date (about 15 bits however it is written), the information in the source grows with
its length, 3.3 bits (log2 10) per digit, and every digit must come out: a model that squeezes
the source into a fixed-size state has to hold k digits at once, while a model with attention
only has to find the right one at each step. The alignment is the anti-diagonal: output
character i is source character k + 1 - i.

Characters are the tokens, on both sides, with the same :class:`lecturekit.dates.Vocab` and
:class:`lecturekit.dates.Batch` as the dates: ids 0, 1, 2 are padding, start and end, so the
models of :mod:`lecturekit.seq2seq` and the loss of :mod:`lecturekit.translation` need nothing new. A character outside
:data:`DIGITS` is a ``ValueError`` naming it.

Held-out strings: every string whose digits add up to a multiple of 10 belongs to the test split
and never appears in training (:func:`in_split`); about a tenth of the strings of every length.
"""

from __future__ import annotations

import torch

from .dates import Batch, Vocab, pad_batch

__all__ = ["DIGITS", "SOURCE", "TARGET", "SHORTEST", "LONGEST", "TARGET_LENGTH", "in_split", "examples",
           "encode_source", "encode_target", "decode_target", "batch_of", "make_batch"]

#: the ten digits (and padding, start, end): the vocabulary of both sides
DIGITS = Vocab("0123456789")
SOURCE = TARGET = DIGITS
#: the source lengths k drawn by default, both included
SHORTEST, LONGEST = 2, 16
#: the longest target (the most characters a decoder is asked to write before its end marker)
TARGET_LENGTH = LONGEST


def in_split(text: str, split: str) -> bool:
    """Whether the digit string ``text`` belongs to ``split``: "test" holds the strings whose
    digits add up to a multiple of 10, "train" the others."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test'; got {split!r}")
    return (sum(map(int, text)) % 10 == 0) == (split == "test")


def examples(n: int, seed: int | torch.Generator = 0, split: str = "train", shortest: int = SHORTEST,
             longest: int = LONGEST) -> list[tuple[str, str]]:
    """``n`` pairs ``(source, target)``: k digits drawn uniformly (k uniform in [shortest, longest]),
    redrawn until the string belongs to ``split``, and the same digits reversed."""
    if n < 1:
        raise ValueError(f"n must be >= 1; got {n}")
    if not 1 <= shortest <= longest:
        raise ValueError(f"need 1 <= shortest <= longest; got shortest={shortest}, longest={longest}")
    in_split("0", split)  # validates split
    gen = seed if isinstance(seed, torch.Generator) else torch.Generator().manual_seed(int(seed))
    ks = torch.randint(shortest, longest + 1, (n,), generator=gen).tolist()
    out = []
    for k in ks:
        while True:
            text = "".join(map(str, torch.randint(0, 10, (k,), generator=gen).tolist()))
            if in_split(text, split):
                break
        out.append((text, text[::-1]))
    return out


def encode_source(text: str) -> list[int]:
    """The ids of ``text``'s digits. Other characters are a ``ValueError`` that names them."""
    unknown = sorted({ch for ch in text if ch not in DIGITS})
    if unknown:
        raise ValueError(f"characters outside the vocabulary: {', '.join(repr(ch) for ch in unknown)}. Use digits 0-9")
    if not text:
        raise ValueError("the text is empty: type some digits, e.g. '40915'")
    return [DIGITS.index[ch] for ch in text]


def encode_target(text: str) -> list[int]:
    """``[BOS, ids of text..., EOS]``."""
    return DIGITS.encode_target(text)


def decode_target(ids) -> str:
    """Target ids back to text, stopping at the first ``EOS`` (``BOS`` and padding dropped)."""
    return DIGITS.decode(ids)


def batch_of(pairs: list[tuple[str, str]]) -> Batch:
    """Encode and pad a list of ``(source, target)`` pairs (the layout of :class:`lecturekit.dates.Batch`)."""
    if not pairs:
        raise ValueError("no pairs to batch")
    return pad_batch([encode_source(s) for s, _ in pairs], [encode_target(t) for _, t in pairs],
                     [s for s, _ in pairs], [t for _, t in pairs])


def make_batch(n: int, generator: torch.Generator, split: str = "train") -> Batch:
    """``n`` fresh random examples of ``split``, encoded and padded (a ``data`` function for
    :func:`lecturekit.train.train`, and what ``translation.fit(..., task=digits)`` draws)."""
    return batch_of(examples(n, generator, split))
