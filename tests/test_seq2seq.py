"""Additive attention against the equations written independently in numpy (float64), its masking
and shapes; the encoder's packing; teacher forcing against step-by-step decoding; translate's
errors; and a smoke test that trains a small model for a few seconds and checks fixed examples."""

import numpy as np
import pytest
import torch

from lecturekit import dates, seq2seq, translation


def _attention(seed=0, q=3, k=4, h=5):
    torch.manual_seed(seed)
    return seq2seq.AdditiveAttention(q, k, h).double()


def _inputs(B=2, S=6, q=3, k=4, seed=1):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(B, q, generator=g, dtype=torch.float64), torch.randn(B, S, k, generator=g, dtype=torch.float64))


def test_attention_equals_the_equations_in_numpy():
    att = _attention()
    query, keys = _inputs()
    context, weights = att(query, keys)
    W, U, v = att.W_a.detach().numpy(), att.U_a.detach().numpy(), att.v_a.detach().numpy()
    for b in range(2):
        q, K = query[b].numpy(), keys[b].numpy()
        e = np.array([v @ np.tanh(W @ q + U @ k) for k in K])   # e_j = v_a^T tanh(W_a q + U_a k_j)
        alpha = np.exp(e - e.max()) / np.exp(e - e.max()).sum()
        np.testing.assert_allclose(weights[b].detach().numpy(), alpha, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(context[b].detach().numpy(), alpha @ K, rtol=1e-12, atol=1e-14)


def test_masked_positions_get_exactly_zero_and_the_rest_sum_to_one():
    att = _attention()
    query, keys = _inputs(B=3, S=7)
    mask = torch.tensor([[True] * 7, [True] * 3 + [False] * 4, [True] + [False] * 6])
    context, weights = att(query, keys, mask)
    assert weights.shape == (3, 7) and context.shape == (3, 4)
    assert (weights[~mask] == 0).all()
    torch.testing.assert_close(weights.sum(1), torch.ones(3, dtype=torch.float64), rtol=0, atol=1e-12)
    assert weights[2, 0] == 1.0 and torch.equal(context[2], keys[2, 0])
    # masking = attending over the real keys only (whatever the padded keys hold)
    c_short, w_short = att(query[1:2], keys[1:2, :3])
    torch.testing.assert_close(weights[1:2, :3], w_short, rtol=0, atol=1e-14)
    torch.testing.assert_close(context[1:2], c_short, rtol=0, atol=1e-14)
    garbage = keys.clone()
    garbage[1, 3:] = 1e6
    torch.testing.assert_close(att(query, garbage, mask)[0][1], context[1], rtol=0, atol=1e-12)


def test_projected_keys_give_the_same_answer():
    att = _attention()
    query, keys = _inputs()
    for a, b in zip(att(query, keys), att(query, keys, projected_keys=att.project_keys(keys))):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_attention_gradients_match_finite_differences():
    att = _attention()
    query, keys = _inputs(B=2, S=4)
    mask = torch.tensor([[True, True, True, False], [True, True, True, True]])
    query.requires_grad_(True)
    keys.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda q, k: att(q, k, mask)[0], (query, keys))


def test_attention_rejects_bad_shapes_and_empty_masks():
    att = _attention()
    query, keys = _inputs()
    with pytest.raises(ValueError, match="query must be"):
        att(query[:, :2], keys)
    with pytest.raises(ValueError, match="keys must be"):
        att(query, keys[..., :3])
    with pytest.raises(ValueError, match="at least one True"):
        att(query, keys, torch.zeros(2, 6, dtype=torch.bool))
    with pytest.raises(ValueError, match="boolean"):
        att(query, keys, torch.ones(2, 6))
    with pytest.raises(ValueError, match="hidden_size"):
        seq2seq.AdditiveAttention(3, 4, 0)


def test_reverse_padded_keeps_padding_at_the_end():
    source = torch.tensor([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]])
    out = seq2seq.reverse_padded(source, torch.tensor([3, 5]))
    assert out.tolist() == [[3, 2, 1, 0, 0], [8, 7, 6, 5, 4]]


@pytest.mark.parametrize("bidirectional, reverse", [(False, True), (True, False)])
def test_padding_never_enters_the_encoders_state(bidirectional, reverse):
    torch.manual_seed(0)
    enc = seq2seq.Encoder(len(dates.SOURCE), 8, 6, bidirectional=bidirectional, reverse=reverse)
    batch = dates.batch_of([("26/11/26", "2026-11-26"), ("thursday, november 26, 2026", "2026-11-26")])
    alone = dates.batch_of([("26/11/26", "2026-11-26")])
    out, (h, c) = enc(batch.source, batch.lengths)
    out1, (h1, c1) = enc(alone.source, alone.lengths)
    torch.testing.assert_close(h[:, :1], h1, rtol=0, atol=1e-6)
    torch.testing.assert_close(out[:1, :8], out1, rtol=0, atol=1e-6)
    assert (out[0, 8:] == 0).all()


@pytest.mark.parametrize("make", [lambda: seq2seq.Seq2Seq(hidden_size=16),
                                  lambda: seq2seq.AttentionSeq2Seq(hidden_size=16, attention_size=8)])
def test_teacher_forcing_equals_decoding_step_by_step(make):
    torch.manual_seed(0)
    model = make().eval()
    batch = dates.make_batch(5, torch.Generator().manual_seed(0))
    logits, weights = model(batch.source, batch.lengths, batch.target_in, batch.mask)
    assert logits.shape == (5, 11, len(dates.TARGET))
    memory = model.start(batch.source, batch.lengths, batch.mask)
    for i in range(11):
        step_logits, memory, w = model.step(batch.target_in[:, i], memory)
        torch.testing.assert_close(step_logits, logits[:, i], rtol=0, atol=1e-5)
        if model.attends:
            torch.testing.assert_close(w, weights[:, i], rtol=0, atol=1e-6)
    if model.attends:
        assert weights.shape == (5, 11, batch.source.shape[1])
        assert (weights.permute(1, 0, 2)[:, ~batch.mask] == 0).all()
        torch.testing.assert_close(weights.sum(-1), torch.ones(5, 11), rtol=0, atol=1e-5)
    else:
        assert weights is None


def test_translate_names_characters_outside_the_vocabulary():
    torch.manual_seed(0)
    model = seq2seq.AttentionSeq2Seq(hidden_size=16, attention_size=8)
    with pytest.raises(ValueError, match=r"outside the vocabulary: '!', '\?'"):
        translation.translate(model, "26 nov 2026?!")
    with pytest.raises(ValueError, match="empty"):
        translation.translate(model, "   ")
    t = translation.translate(model, "  26 Nov 2026 ")
    assert t.text == "26 nov 2026" and t.source_tokens == list("26 nov 2026")
    assert t.weights.shape == (len(t.output_tokens), 11)
    np.testing.assert_allclose(t.weights.sum(1), 1.0, atol=1e-5)


def test_evaluation_bins_by_length():
    ev = translation.Evaluation(lengths=np.array([8, 9, 20, 30]), exact=np.array([True, False, True, True]),
                            per_position=np.ones((4, 10), bool), outputs=[""] * 4)
    bins = ev.by_length([8, 10, 25, 38])
    assert bins["count"].tolist() == [2, 1, 1]
    assert bins["exact"].tolist() == [0.5, 1.0, 1.0]
    assert ev.exact_match == 0.75


FIXED = [("26 november 2026", "2026-11-26"), ("nov 3, 2001", "2001-11-03"), ("friday 01/05/37", "2037-05-01"),
         ("12.08.2099", "2099-08-12"), ("sunday, the 22nd of march 2065", "2065-03-22")]


@pytest.fixture(scope="module")
def small_model():
    torch.manual_seed(0)
    model = seq2seq.AttentionSeq2Seq(embed_size=16, hidden_size=32, attention_size=32)
    history = translation.fit(model, steps=400, batch_size=64, lr=1e-2, target_accuracy=0.997, progress=False)
    return model, history


def test_a_small_trained_model_translates_fixed_examples(small_model):
    model, history = small_model
    assert len(history) < 400, "the small model did not reach 99.7% character accuracy in 400 steps"
    for text, iso in FIXED:
        t = translation.translate(model, text)
        assert t.output == iso, f"{text!r} -> {t.output!r}, expected {iso}"
    ev = translation.evaluate(model, dates.examples(300, seed=1, split="test"))
    assert ev.exact_match >= 0.9


def test_the_trained_attention_looks_at_the_year_for_the_year(small_model):
    model, _ = small_model
    t = translation.translate(model, "26 november 2026")
    year_columns = slice(12, 16)                         # "2026" at the end of the source
    assert t.weights[:4, year_columns].sum(1).min() > 0.5  # the first four output characters: the year


def test_decoding_and_training_restore_torchs_thread_setting():
    before = torch.get_num_threads()
    torch.manual_seed(0)
    model = seq2seq.AttentionSeq2Seq(hidden_size=8, attention_size=8)
    translation.translate(model, "26 nov 2026")
    translation.fit(model, steps=2, batch_size=4, progress=False)
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="target_accuracy"):
        translation.fit(model, steps=2, target_accuracy=1.5, progress=False)
