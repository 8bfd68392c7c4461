"""The translator driven in plain Python: type texts into the box, the translation and the attention
map follow; characters outside the vocabulary give a clear message in the figure, never a traceback."""

import numpy as np
import pytest
import torch

from lecturekit import seq2seq
from lecturekit.widgets.seq2seq import TEXT, translator


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return seq2seq.AttentionSeq2Seq(hidden_size=16, attention_size=8)  # untrained: the mechanics are the same


def test_every_example_text_translates_or_says_why(model):
    d = translator(model)
    assert d.error is None and d.result.text == TEXT["text"].value
    box = d.controls["text"]
    for text in TEXT["text"].examples:
        box.value = text
        if text.strip():
            assert d.error is None, (text, d.error)
            assert d.result.text == text.strip().lower()
            assert d.result.weights.shape == (len(d.result.output_tokens), len(text.strip()))
            assert d.figure.axes[0].get_visible()
        else:
            assert "empty" in d.error
    assert len(d.png) > 1000


def test_the_map_changes_with_the_text(model):
    d = translator(model)
    box = d.controls["text"]
    box.value = "26 november 2026"
    png, weights = d.png, d.result.weights
    box.value = "26 november 2027"
    assert d.png != png and not np.array_equal(d.result.weights, weights)
    box.value = "nov 26, 2026"
    assert d.figure.axes[0].get_xticklabels()[3].get_text() == "␣"  # labels follow the typed text
    assert [t.get_text() for t in d.figure.axes[0].get_xticklabels()][:3] == ["n", "o", "v"]


@pytest.mark.parametrize("text, named", [("26 Nov 2026!", "'!'"), ("26 févr. 2026", "U+00E9 (LATIN SMALL LETTER E WITH ACUTE)"),
                                         ("26_11_2026", "'_'"), ("Ünïcode 🙂", "U+1F642 (SLIGHTLY SMILING FACE)")])
def test_characters_outside_the_vocabulary_are_a_message_in_the_figure(model, text, named):
    d = translator(model)
    before = d.png
    d.controls["text"].value = text
    assert d.result is None and "outside the vocabulary" in d.error and named in d.error
    assert d.notice.get_visible() and named in d.notice.get_text()
    assert not d.figure.axes[0].get_visible() and d.png != before
    d.controls["text"].value = "26 nov 2026"  # and it recovers
    assert d.error is None and d.figure.axes[0].get_visible() and not d.notice.get_visible()


def test_a_model_without_attention_says_it_has_no_map():
    torch.manual_seed(0)
    d = translator(seq2seq.Seq2Seq(hidden_size=16))
    assert d.error is None and d.result.weights is None
    assert any("no attention" in t.get_text() and t.get_visible() for t in d.figure.axes[0].texts)
