"""Exercises of notebook 05: additive attention, one piece at a time (numpy)."""

from __future__ import annotations

import numpy as np

from . import Exercise, choice, register
from .judge import as_array, compare_function, compare_values


def attention_case(seed: int, query_size: int = 3, key_size: int = 4, hidden_size: int = 5, S: int = 6):
    """A test case: q (query_size,), keys (S, key_size), W_a (hidden, query), U_a (hidden, key), v_a (hidden,)."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=query_size), rng.normal(size=(S, key_size)), rng.normal(size=(hidden_size, query_size)),
            rng.normal(size=(hidden_size, key_size)), rng.normal(size=hidden_size))


# --- 1. the score of one query against one key ---------------------------------------------------


def _additive_score(q, k, W_a, U_a, v_a):
    return v_a @ np.tanh(W_a @ q + U_a @ k)        # e = v_a^T tanh(W_a q + U_a k): one number


def _score_without_tanh(q, k, W_a, U_a, v_a):
    return v_a @ (W_a @ q + U_a @ k)


def _score_dot(q, k, W_a, U_a, v_a):
    return float(np.dot(W_a @ q, U_a @ k))


def _judge_score(fn) -> str | None:
    sizes = [{}, {}, {}, {}, dict(query_size=2, key_size=6, hidden_size=3), dict(query_size=7, key_size=1, hidden_size=8)]
    cases = [(q, keys[0], W, U, v) for q, keys, W, U, v in (attention_case(s, **kw) for s, kw in enumerate(sizes))]
    got = fn(*[a.copy() for a in cases[0]])
    if np.ndim(got) != 0 and np.size(got) != 1:
        return f"the score is one number per (query, key) pair; your function returned shape {np.shape(got)}"
    if compare_values(got, _score_without_tanh(*cases[0])) is None:
        return "the tanh is missing: e = v_a^T tanh(W_a q + U_a k). Without it the score is linear in q and k."
    q, k, W_a, U_a, v_a = cases[0]
    if compare_values(got, v_a @ (np.tanh(W_a @ q) + np.tanh(U_a @ k))) is None:
        return ("you squashed each projection on its own; the score is additive inside one tanh: "
                "tanh of the sum W_a q + U_a k, then the dot product with v_a")
    if compare_values(got, _score_dot(*cases[0])) is None:
        return ("that is a multiplicative (dot-product) score, (W_a q) . (U_a k). Bahdanau's score is additive: "
                "add the two projections, squash with tanh, then take the dot product with v_a.")
    return compare_function(fn, _additive_score, cases, what="additive_score")


additive_score = register(Exercise(
    name="seq2seq.additive_score",
    question=("Write additive_score(q, k, W_a, U_a, v_a) -> e, Bahdanau's score of one decoder state q "
              "(query_size,) against one annotation k (key_size,): e = v_a^T tanh(W_a q + U_a k)."),
    reference=_additive_score,
    judge=_judge_score,
    hints=["q and k live in spaces of different sizes: how do W_a and U_a make them comparable? Check the shapes.",
           "W_a @ q and U_a @ k are both (hidden,). The score is additive: tanh of their sum, not the sum of two "
           "tanhs, then one dot product with v_a gives one number."],
))


# --- 2. normalising scores with a mask -------------------------------------------------------------


def _masked_softmax(scores, mask):
    e = np.where(mask, scores, -np.inf)            # masked positions get exp(-inf) = 0
    e = np.exp(e - e[mask].max())                   # subtract the max: no overflow
    return e / e.sum()


def _softmax_unmasked(scores, mask):
    e = np.exp(scores - scores.max())
    return e / e.sum()


def _softmax_then_zero(scores, mask):
    w = _softmax_unmasked(scores, mask)
    return np.where(mask, w, 0.0)


def _mask_cases():
    rng = np.random.default_rng(7)
    cases = []
    for S, real in ((6, 4), (5, 5), (8, 1), (7, 3)):
        mask = np.arange(S) < real
        cases.append((rng.normal(scale=3.0, size=S), mask))
    # padding between real positions (a mask is any pattern, not only padding at the end)
    cases.append((rng.normal(scale=3.0, size=6), np.array([True, False, True, True, False, True])))
    cases.append((np.array([800.0, 1000.0, 5.0, 0.0]), np.array([True, True, True, False])))  # large scores
    # a padded score far above every real one: subtracting the max over ALL positions underflows every real weight
    cases.append((np.array([1.0, 2.0, 0.5, 900.0, 3.0]), np.array([True, True, True, False, False])))
    return cases


def _judge_masked_softmax(fn) -> str | None:
    cases = _mask_cases()
    scores, mask = cases[0]
    raw = fn(scores.copy(), mask.copy())
    got = as_array(raw)
    if got.shape == scores.shape:
        if compare_values(raw, _softmax_unmasked(scores, mask)) is None:
            return ("the padded positions got weight too: they must get exactly 0, and the real positions "
                    "must share all of the weight (set the masked scores to -inf before the exponential).")
        if compare_values(raw, _softmax_then_zero(scores, mask)) is None:
            return ("zeroing the padded weights after the softmax leaves the real weights summing to less than 1: "
                    "mask the scores first (to -inf), then normalise.")
    padded_max = cases[-1]
    with np.errstate(all="ignore"):
        out = as_array(fn(padded_max[0].copy(), padded_max[1].copy()))
    if out.shape == padded_max[0].shape and (not np.isfinite(out).all() or (out.min() >= 0 and out.sum() < 0.5)):
        return ("when a padded position has the largest score (900 here, real scores up to 2) your weights are "
                f"{np.round(out, 3).tolist()}. Two mistakes give this: subtracting the max over every position, padding "
                "included (exp(2 - 900) underflows to 0 for every real position: subtract the largest REAL score, "
                "max(scores[mask])), or masking after the exponential (exp of a padded score overflows and inf * 0 is "
                "NaN: set the padded scores to -inf before it).")
    big = cases[-2]
    with np.errstate(all="ignore"):
        out = as_array(fn(big[0].copy(), big[1].copy()))
    if out.shape == big[0].shape and not np.isfinite(out).all():
        return ("with scores like 1000 np.exp overflows to inf and the weights become NaN: subtract the largest "
                "real score before the exponential (it cancels in the ratio).")
    return compare_function(fn, _masked_softmax, cases, what="masked_softmax")


masked_softmax = register(Exercise(
    name="seq2seq.masked_softmax",
    question=("Write masked_softmax(scores, mask) -> weights for one source: scores (S,) floats, mask (S,) booleans, "
              "True on real characters. The weights are exactly 0 where mask is False and sum to 1 over the rest."),
    reference=_masked_softmax,
    judge=_judge_masked_softmax,
    hints=["A padded position must get weight exactly 0 while the real weights still sum to 1. Which score s has "
           "exp(s) = 0? (A score of 0 is not enough: exp(0) = 1.)",
           "Softmax does not change when the same number is subtracted from every score. Which number keeps every "
           "exponent <= 0, even when a padded position's score is the largest?",
           "Set the padded scores to -np.inf with np.where, subtract max(scores[mask]), take np.exp, divide by the sum."],
))


# --- 3. the context vector --------------------------------------------------------------------------


def _context_vector(weights, keys):
    return weights @ keys                           # c = sum_j alpha_j k_j: (S,) @ (S, key) -> (key,)


def _context_mean(weights, keys):
    return keys.mean(axis=0)


def _judge_context(fn) -> str | None:
    rng = np.random.default_rng(3)
    cases = []
    for S, k in ((6, 4), (3, 3), (5, 2)):
        w = rng.random(S)
        cases.append((w / w.sum(), rng.normal(size=(S, k))))
    w, keys = cases[0]
    got = fn(w.copy(), keys.copy())
    if np.shape(got) == (keys.shape[0],):
        return (f"your context has {keys.shape[0]} entries, one per source position; it should have "
                f"{keys.shape[1]}, the size of one key: sum over the positions j, not over the features.")
    if compare_values(got, _context_mean(w, keys)) is None:
        return "that is the plain average of the keys: weight each key k_j by alpha_j."
    return compare_function(fn, _context_vector, cases, what="context_vector")


context_vector = register(Exercise(
    name="seq2seq.context_vector",
    question=("Write context_vector(weights, keys) -> c: weights (S,) sum to 1, keys (S, key_size) are the "
              "encoder's annotations; c = sum_j alpha_j k_j has shape (key_size,)."),
    reference=_context_vector,
    judge=_judge_context,
    hints=["The context is a weighted average of the annotations: which axis of keys do the weights run along?",
           "Multiply each row k_j of keys by alpha_j and add the rows up: as one product, weights @ keys."],
))


# --- predict first: which model falls with length on digits reversed --------------------------------

which_model_falls = register(choice(
    name="seq2seq.which_model_falls",
    question=("Predict before training: on digits reversed (k from 2 to 16), whose character accuracy falls below 50% "
              'at some length k? Answer "without attention", "with attention", "both" or "neither".'),
    options=("without attention", "with attention", "both", "neither"),
    correct="without attention",
    why={
        "with attention": ("the attention model looks up each source digit when it writes it: over seeds 0 to 3 at "
                           "least 92% of its characters are right at every length"),
        "both": ("only the model without attention: its fixed-size state has to carry 3.3 bits more for every digit; "
                 "the attention model keeps at least 92% of its characters right at every length (seeds 0 to 3)"),
        "neither": ("the model without attention falls to 22% to 30% of its characters right at its worst length "
                    "(seeds 0 to 3): trained like this, its state (h_S, c_S) of 64 numbers does not learn to carry 16 digits"),
    },
    hints=["How much does the model without attention have to carry in its final state for k = 16?",
           "The attention model reads the encoder's states again at every output step."],
    solution_text=("without attention: its one state must hold all 3.3 k bits; with attention the decoder looks each "
                   "digit up (at least 92% of the characters right at every length over seeds 0 to 3)."),
))
