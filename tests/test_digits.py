"""The digit-reversal task of notebook 05, section 6: seeded strings of k digits and their reversal,
the held-out split, encoding and batches; evaluation with targets of different lengths; and a smoke
test of the length effect (a fixed-size state that has trained a little gets short strings right
and long ones wrong)."""

import numpy as np
import pytest
import torch

from lecturekit import dates, digits, seq2seq, translation


def test_examples_are_seeded_reversed_and_of_every_length():
    pairs = digits.examples(600, seed=3)
    assert pairs == digits.examples(600, seed=3)
    assert pairs != digits.examples(600, seed=4)
    for source, target in pairs:
        assert target == source[::-1] and source.isdigit() and len(target) == len(source)
    lengths = {len(s) for s, _ in pairs}
    assert lengths == set(range(digits.SHORTEST, digits.LONGEST + 1))
    assert {len(s) for s, _ in digits.examples(50, seed=0, shortest=5, longest=6)} == {5, 6}
    # a generator carries on where it stopped: two draws from one generator differ
    g = torch.Generator().manual_seed(0)
    assert digits.examples(20, g) != digits.examples(20, g)


def test_the_test_split_never_appears_in_training():
    train = digits.examples(2000, seed=0, split="train")
    test = digits.examples(300, seed=0, split="test")
    assert all(sum(map(int, s)) % 10 != 0 for s, _ in train)
    assert all(sum(map(int, s)) % 10 == 0 for s, _ in test)
    assert not {s for s, _ in train} & {s for s, _ in test}
    with pytest.raises(ValueError, match="split"):
        digits.examples(3, split="validation")
    with pytest.raises(ValueError, match="shortest"):
        digits.examples(3, shortest=5, longest=4)


def test_batches_pad_the_sources_and_frame_the_targets():
    batch = digits.batch_of([("40915", "51904"), ("73", "37")])
    assert batch.source.shape == (2, 5) and batch.lengths.tolist() == [5, 2]
    assert batch.mask.tolist() == [[True] * 5, [True, True, False, False, False]]
    # digit 0 is a real character, not padding
    assert batch.source[0, 1] == digits.DIGITS.index["0"] != digits.DIGITS.pad
    assert batch.target_in.shape == batch.target_out.shape == (2, 6)
    assert batch.target_in[:, 0].tolist() == [digits.DIGITS.bos] * 2
    assert digits.decode_target(batch.target_out[0]) == "51904" and batch.target_out[0, 5] == digits.DIGITS.eos
    assert digits.decode_target(batch.target_out[1]) == "37" and batch.target_out[1, 2] == digits.DIGITS.eos
    # the special ids are the dates' ones, so seq2seq's loss and decoding need nothing new
    assert (digits.DIGITS.pad, digits.DIGITS.bos, digits.DIGITS.eos) == (dates.TARGET.pad, dates.TARGET.bos,
                                                                          dates.TARGET.eos)
    b = digits.make_batch(7, torch.Generator().manual_seed(0))
    assert b.source.shape[0] == 7 and all(t == s[::-1] for s, t in zip(b.texts, b.targets))


def test_characters_outside_the_digits_are_named():
    with pytest.raises(ValueError, match=r"outside the vocabulary: ' ', 'a'"):
        digits.encode_source("12 a")
    with pytest.raises(ValueError, match="empty"):
        digits.encode_source("")


def test_evaluation_counts_only_the_real_characters_of_shorter_targets():
    # two targets, of 2 and 4 characters: 1 + 3 of the 6 real characters right
    ev = translation.Evaluation(lengths=np.array([2, 4]), exact=np.array([False, False]),
                            per_position=np.array([[True, False, False, False], [True, True, True, False]]),
                            outputs=["", ""], real=np.array([[True, True, False, False], [True] * 4]))
    assert ev.character_accuracy == pytest.approx(4 / 6)
    bins = ev.by_length([2, 3, 5])
    assert bins["character"].tolist() == [0.5, 0.75]


def _model(attends: bool):
    torch.manual_seed(0)
    V = len(digits.DIGITS)
    if attends:
        return seq2seq.AttentionSeq2Seq(embed_size=8, hidden_size=16, attention_size=8, source_vocab=V, target_vocab=V)
    return seq2seq.Seq2Seq(embed_size=16, hidden_size=32, reverse=False, source_vocab=V, target_vocab=V)


def test_translate_and_evaluate_take_the_digit_task():
    model = _model(attends=True)
    t = translation.translate(model, "40915", task=digits)
    assert t.source_tokens == list("40915") and t.weights.shape == (len(t.output_tokens), 5)
    assert len(t.output_tokens) <= digits.TARGET_LENGTH + 1
    np.testing.assert_allclose(t.weights.sum(1), 1.0, atol=1e-5)
    pairs = digits.examples(40, seed=1, split="test")
    ev = translation.evaluate(model, pairs, batch_size=16, task=digits)
    assert ev.per_position.shape == ev.real.shape == (40, max(len(s) for s, _ in pairs))
    assert ev.real.sum() == sum(len(s) for s, _ in pairs)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        translation.translate(model, "26 nov", task=digits)


def test_a_fixed_size_state_trained_briefly_gets_short_strings_right_and_long_ones_wrong():
    model = _model(attends=False)
    translation.fit(model, task=digits, steps=100, batch_size=256, lr=1.5e-2, clip=5.0, progress=False)
    ev = translation.evaluate(model, digits.examples(600, seed=1, split="test"), task=digits)
    b = ev.by_length([2, 4, 13, 17])
    assert b["exact"][0] >= 0.9, f"2-3 digits: exact match {b['exact'][0]:.2f}"
    assert b["exact"][2] <= 0.1, f"13-16 digits: exact match {b['exact'][2]:.2f}"
    assert b["character"][2] < b["character"][1] < b["character"][0]
