"""Sequence to sequence: an encoder LSTM, a decoder LSTM, with and without additive attention.

Without attention (Sutskever, Vinyals & Le 2014): the encoder reads the source **reversed**
(``reverse=True``; the default, ``reverse=False``, reads x_1, ..., x_S; notebook 05 compares both) and its final state (h_S, c_S) is the decoder's initial state; everything the decoder knows
about the source has to pass through that one pair of vectors.

    (h_S, c_S) = LSTM_enc(x_S, ..., x_1)          s_0 = h_S
    s_i = LSTM_dec(E y_(i-1), s_(i-1))            p(y_i | y_<i, x) = softmax(W_o s_i + b_o)

With attention (Bahdanau, Cho & Bengio 2014): a bidirectional encoder gives one annotation
k_j = [h_j(forward); h_j(backward)] per source position, and at every output step the decoder
looks at all of them again, weighted by how well each matches its state:

    e_ij = v_a^T tanh(W_a s_(i-1) + U_a k_j)      (additive score)
    alpha_ij = exp(e_ij) / sum_j' exp(e_ij')      (attention weights, over the real positions)
    c_i = sum_j alpha_ij k_j                      (context vector)
    s_i = LSTM_dec([E y_(i-1); c_i], s_(i-1))     p(y_i | y_<i, x) = softmax(W_o [s_i; c_i] + b_o)
    s_0 = tanh(W_s [h_S(forward); h_1(backward)] + b_s)   (the decoder's cell starts at 0)

Departures from the papers, to fit a toy task on a CPU: one layer instead of four (Sutskever)
and LSTM instead of GRU-like units (Bahdanau); a linear read-out instead of Bahdanau's maxout
layer. The recurrent layers are torch's ``nn.LSTM`` and ``nn.LSTMCell`` (their loops run in
C++); notebook 04 proves them equal to the lecture's equations in ``lecturekit.cells``.

Shapes: source ids (B, S) padded with 0, lengths (B,), mask (B, S) True on real positions,
target ids (B, T). Training uses teacher forcing (the true y_(i-1) as input), inference greedy
decoding (the model's own most likely y_(i-1)).

The models take the two vocabularies' sizes (dates by default) and a ``seed`` for their initial
weights. Decoding, evaluating and training them is :mod:`lecturekit.translation`.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from . import dates
from .train import seeded

__all__ = ["AdditiveAttention", "Encoder", "Decoder", "AttentionDecoder", "Seq2Seq", "AttentionSeq2Seq",
           "reverse_padded"]


class AdditiveAttention(nn.Module):
    """Bahdanau et al.'s additive attention: score, masked softmax, weighted sum.

        e_j = v_a^T tanh(W_a q + U_a k_j),   alpha = softmax(e) over the real j,   c = sum_j alpha_j k_j

    Parameters ``W_a`` (hidden, query_size), ``U_a`` (hidden, key_size), ``v_a`` (hidden,);
    no biases, as in the paper (appendix A.1.2). Initialised uniform on +-1/sqrt(fan in) from ``seed``.

    ``forward(query, keys, mask=None)``: query (B, query_size), keys (B, S, key_size),
    mask (B, S) boolean, True where a source position is real. Returns ``(context, weights)``:
    weights (B, S) sum to 1 over the unmasked positions and are exactly 0 on masked ones;
    context (B, key_size). ``U_a k_j`` does not depend on the query: a decoder computes it
    once per source with :meth:`project_keys` and passes it as ``projected_keys``.
    """

    def __init__(self, query_size: int, key_size: int, hidden_size: int, *, seed: int = 0):
        super().__init__()
        for name, n in (("query_size", query_size), ("key_size", key_size), ("hidden_size", hidden_size)):
            if int(n) != n or n < 1:
                raise ValueError(f"{name} must be a whole number >= 1; got {n!r}")
        self.query_size, self.key_size, self.hidden_size = query_size, key_size, hidden_size
        bound_q, bound_k, bound_v = query_size ** -0.5, key_size ** -0.5, hidden_size ** -0.5
        g = torch.Generator().manual_seed(seed)
        self.W_a = nn.Parameter(torch.empty(hidden_size, query_size).uniform_(-bound_q, bound_q, generator=g))
        self.U_a = nn.Parameter(torch.empty(hidden_size, key_size).uniform_(-bound_k, bound_k, generator=g))
        self.v_a = nn.Parameter(torch.empty(hidden_size).uniform_(-bound_v, bound_v, generator=g))

    def project_keys(self, keys: Tensor) -> Tensor:
        """U_a k_j for every j: (B, S, key_size) -> (B, S, hidden)."""
        return keys @ self.U_a.T

    def scores(self, query: Tensor, keys: Tensor, projected_keys: Tensor | None = None) -> Tensor:
        """The unnormalised scores e_j: (B, S)."""
        self._check(query, keys)
        if projected_keys is None:
            projected_keys = self.project_keys(keys)                        # (B, S, hidden)
        hidden = torch.tanh((query @ self.W_a.T).unsqueeze(1) + projected_keys)  # (B, 1, h) + (B, S, h)
        return hidden @ self.v_a                                             # (B, S)

    def forward(self, query: Tensor, keys: Tensor, mask: Tensor | None = None,
                projected_keys: Tensor | None = None) -> tuple[Tensor, Tensor]:
        e = self.scores(query, keys, projected_keys)                         # (B, S)
        if mask is not None:
            if mask.shape != e.shape or mask.dtype != torch.bool:
                raise ValueError(f"mask must be a boolean tensor of shape (batch, S) = {tuple(e.shape)}; "
                                 f"got {mask.dtype} {tuple(mask.shape)}")
            if not bool(mask.any(dim=1).all()):
                raise ValueError("every row of mask needs at least one True (a real source position)")
            e = e.masked_fill(~mask, float("-inf"))                          # exp(-inf) = 0 exactly
        weights = torch.softmax(e, dim=1)                                    # (B, S)
        context = (weights.unsqueeze(1) @ keys).squeeze(1)                   # (B, 1, S) @ (B, S, k) -> (B, k)
        return context, weights

    def _check(self, query: Tensor, keys: Tensor) -> None:
        if query.dim() != 2 or query.shape[1] != self.query_size:
            raise ValueError(f"query must be (batch, {self.query_size}); got {tuple(query.shape)}")
        if keys.dim() != 3 or keys.shape[2] != self.key_size or keys.shape[0] != query.shape[0]:
            raise ValueError(f"keys must be (batch={query.shape[0]}, S, {self.key_size}); got {tuple(keys.shape)}")


def reverse_padded(source: Tensor, lengths: Tensor) -> Tensor:
    """Reverse each row's first ``lengths[b]`` entries and leave the padding at the end:
    [a, b, c, 0] -> [c, b, a, 0]. (B, S) -> (B, S)."""
    B, S = source.shape
    pos = torch.arange(S).expand(B, S)                                       # (B, S)
    index = torch.where(pos < lengths[:, None], lengths[:, None] - 1 - pos, pos)
    return source.gather(1, index)


class Encoder(nn.Module):
    """Embedding, then torch's ``nn.LSTM`` over the real characters of each source (packed, so
    padding never enters a state). ``reverse=True`` reads each source backwards (Sutskever's
    trick); ``bidirectional=True`` runs a second LSTM from the end (Bahdanau's annotations).

    ``forward(source, lengths)`` -> ``(outputs, (h, c))``: outputs (B, S, D * hidden) with
    D = 2 if bidirectional, zero at padding, in the order the LSTM read them; h and c are
    (num_layers * D, B, hidden), torch's layout.
    """

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int, *, num_layers: int = 1,
                 bidirectional: bool = False, reverse: bool = False):
        super().__init__()
        self.reverse = reverse
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=0)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers=num_layers, batch_first=True,
                            bidirectional=bidirectional)

    def forward(self, source: Tensor, lengths: Tensor) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        if self.reverse:
            source = reverse_padded(source, lengths)
        x = self.embed(source)                                               # (B, S, E)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, (h, c) = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=source.shape[1])  # (B, S, D*H)
        return out, (h, c)


class Decoder(nn.Module):
    """Sutskever et al.'s decoder: an LSTM started from the encoder's final state, fed the
    previous output character. ``forward(target_in, state)`` -> logits (B, T, V) with teacher
    forcing; ``step(y_prev, state)`` -> (logits (B, V), state) for greedy decoding."""

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int, num_layers: int = 1):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers=num_layers, batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)                        # W_o, b_o

    def forward(self, target_in: Tensor, state: tuple[Tensor, Tensor]) -> Tensor:
        s, _ = self.lstm(self.embed(target_in), state)                       # (B, T, H)
        return self.out(s)                                                   # (B, T, V)

    def step(self, y_prev: Tensor, state: tuple[Tensor, Tensor]) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        s, state = self.lstm(self.embed(y_prev)[:, None], state)             # (B, 1, H)
        return self.out(s[:, 0]), state


class AttentionDecoder(nn.Module):
    """Bahdanau et al.'s decoder: at step i, attend with s_(i-1) over the keys, then run one
    ``nn.LSTMCell`` step on [E y_(i-1); c_i]; read out from [s_i; c_i]."""

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int, key_size: int, attention_size: int,
                 *, seed: int = 0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.attention = AdditiveAttention(hidden_size, key_size, attention_size, seed=seed)
        self.cell = nn.LSTMCell(embed_size + key_size, hidden_size)
        self.out = nn.Linear(hidden_size + key_size, vocab_size)             # W_o, b_o

    def step(self, y_prev: Tensor, state: tuple[Tensor, Tensor], keys: Tensor, mask: Tensor,
             projected_keys: Tensor) -> tuple[Tensor, tuple[Tensor, Tensor], Tensor]:
        """One output step: (logits (B, V), new state, attention weights (B, S))."""
        s_prev, _ = state
        context, weights = self.attention(s_prev, keys, mask, projected_keys)  # (B, k), (B, S)
        state = self.cell(torch.cat([self.embed(y_prev), context], dim=1), state)
        return self.out(torch.cat([state[0], context], dim=1)), state, weights

    def forward(self, target_in: Tensor, state: tuple[Tensor, Tensor], keys: Tensor,
                mask: Tensor) -> tuple[Tensor, Tensor]:
        """Teacher forcing: logits (B, T, V) and attention weights (B, T, S)."""
        projected = self.attention.project_keys(keys)                        # once per source
        logits, weights = [], []
        for y_prev in target_in.unbind(1):
            out, state, w = self.step(y_prev, state, keys, mask, projected)
            logits.append(out)
            weights.append(w)
        return torch.stack(logits, 1), torch.stack(weights, 1)


class Seq2Seq(nn.Module):
    """Encoder-decoder without attention (Sutskever et al. 2014), source read reversed.

    ``forward(source, lengths, target_in)`` -> ``(logits (B, T, V), None)``. ``seed`` sets the initial weights.
    """

    attends = False

    def __init__(self, embed_size: int = 16, hidden_size: int = 64, num_layers: int = 1, reverse: bool = True,
                 source_vocab: int = len(dates.SOURCE), target_vocab: int = len(dates.TARGET), *, seed: int = 0):
        super().__init__()
        with seeded(seed):  # torch's layers draw from the global generator: seed a fork of it
            self.encoder = Encoder(source_vocab, embed_size, hidden_size, num_layers=num_layers, reverse=reverse)
            self.decoder = Decoder(target_vocab, embed_size, hidden_size, num_layers=num_layers)

    def start(self, source: Tensor, lengths: Tensor, mask: Tensor):
        _, state = self.encoder(source, lengths)                             # (h_S, c_S): (L, B, H) each
        return state

    def forward(self, source: Tensor, lengths: Tensor, target_in: Tensor, mask: Tensor | None = None):
        return self.decoder(target_in, self.start(source, lengths, mask)), None

    def step(self, y_prev, memory):
        logits, memory = self.decoder.step(y_prev, memory)
        return logits, memory, None


class AttentionSeq2Seq(nn.Module):
    """Encoder-decoder with additive attention (Bahdanau et al. 2014), bidirectional encoder.

    ``forward(source, lengths, target_in, mask)`` -> ``(logits (B, T, V), weights (B, T, S))``.
    """

    attends = True

    def __init__(self, embed_size: int = 16, hidden_size: int = 64, attention_size: int = 32,
                 source_vocab: int = len(dates.SOURCE), target_vocab: int = len(dates.TARGET), *, seed: int = 0):
        super().__init__()
        if hidden_size % 2:
            raise ValueError(f"hidden_size must be even (half per direction of the encoder); got {hidden_size}")
        with seeded(seed):  # torch's layers draw from the global generator: seed a fork of it
            self.encoder = Encoder(source_vocab, embed_size, hidden_size // 2, bidirectional=True)
            self.init = nn.Linear(hidden_size, hidden_size)                  # W_s
            self.decoder = AttentionDecoder(target_vocab, embed_size, hidden_size, key_size=hidden_size,
                                            attention_size=attention_size, seed=seed)

    def start(self, source: Tensor, lengths: Tensor, mask: Tensor):
        keys, (h, _) = self.encoder(source, lengths)                         # keys (B, S, H); h (2, B, H/2)
        s0 = torch.tanh(self.init(torch.cat([h[0], h[1]], dim=1)))           # (B, H)
        state = (s0, torch.zeros_like(s0))
        return state, keys, mask, self.decoder.attention.project_keys(keys)

    def forward(self, source: Tensor, lengths: Tensor, target_in: Tensor, mask: Tensor | None = None):
        if mask is None:
            mask = torch.arange(source.shape[1])[None] < lengths[:, None]
        state, keys, mask, _ = self.start(source, lengths, mask)
        return self.decoder(target_in, state, keys, mask)

    def step(self, y_prev, memory):
        state, keys, mask, projected = memory
        logits, state, weights = self.decoder.step(y_prev, state, keys, mask, projected)
        return logits, (state, keys, mask, projected), weights
