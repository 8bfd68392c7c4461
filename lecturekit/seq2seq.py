"""Sequence to sequence: an encoder LSTM, a decoder LSTM, with and without additive attention.

Without attention (Sutskever, Vinyals & Le 2014): the encoder reads the source **reversed**
and its final state (h_S, c_S) is the decoder's initial state; everything the decoder knows
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
    s_0 = tanh(W_s [h_S(forward); h_1(backward)])

Departures from the papers, to fit a toy task on a CPU: one layer instead of four (Sutskever)
and LSTM instead of GRU-like units (Bahdanau); a linear read-out instead of Bahdanau's maxout
layer. The recurrent layers are torch's ``nn.LSTM`` and ``nn.LSTMCell`` (their loops run in
C++); notebook 04 proves them equal to the lecture's equations in ``lecturekit.cells``.

Shapes: source ids (B, S) padded with 0, lengths (B,), mask (B, S) True on real positions,
target ids (B, T). Training uses teacher forcing (the true y_(i-1) as input), inference greedy
decoding (the model's own most likely y_(i-1)).

The task is dates to ISO (:mod:`lecturekit.dates`) unless told otherwise: ``fit``, ``evaluate`` and
``translate`` take ``task=``, a module with the same ``make_batch``, ``batch_of``, ``decode_target``,
``TARGET`` and ``TARGET_LENGTH`` (:mod:`lecturekit.digits`: digits to the same digits reversed), and
the models take the two vocabularies' sizes. Every ``Vocab`` numbers padding, start and end 0, 1, 2.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from . import dates, train

__all__ = [
    "AdditiveAttention", "Encoder", "Decoder", "AttentionDecoder", "Seq2Seq", "AttentionSeq2Seq",
    "reverse_padded", "loss", "Translation", "translate", "greedy_batch", "Evaluation", "evaluate",
    "fit", "parameter_count", "torch_threads", "DATES_TRAINING", "DIGITS_TRAINING",
]


class AdditiveAttention(nn.Module):
    """Bahdanau et al.'s additive attention: score, masked softmax, weighted sum.

        e_j = v_a^T tanh(W_a q + U_a k_j),   alpha = softmax(e) over the real j,   c = sum_j alpha_j k_j

    Parameters ``W_a`` (hidden, query_size), ``U_a`` (hidden, key_size), ``v_a`` (hidden,);
    no biases, as in the paper (appendix A.1.2).

    ``forward(query, keys, mask=None)``: query (B, query_size), keys (B, S, key_size),
    mask (B, S) boolean, True where a source position is real. Returns ``(context, weights)``:
    weights (B, S) sum to 1 over the unmasked positions and are exactly 0 on masked ones;
    context (B, key_size). ``U_a k_j`` does not depend on the query: a decoder computes it
    once per source with :meth:`project_keys` and passes it as ``projected_keys``.
    """

    def __init__(self, query_size: int, key_size: int, hidden_size: int):
        super().__init__()
        for name, n in (("query_size", query_size), ("key_size", key_size), ("hidden_size", hidden_size)):
            if int(n) != n or n < 1:
                raise ValueError(f"{name} must be a whole number >= 1; got {n!r}")
        self.query_size, self.key_size, self.hidden_size = query_size, key_size, hidden_size
        bound_q, bound_k, bound_v = query_size ** -0.5, key_size ** -0.5, hidden_size ** -0.5
        self.W_a = nn.Parameter(torch.empty(hidden_size, query_size).uniform_(-bound_q, bound_q))
        self.U_a = nn.Parameter(torch.empty(hidden_size, key_size).uniform_(-bound_k, bound_k))
        self.v_a = nn.Parameter(torch.empty(hidden_size).uniform_(-bound_v, bound_v))

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

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int, key_size: int, attention_size: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.attention = AdditiveAttention(hidden_size, key_size, attention_size)
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

    ``forward(source, lengths, target_in)`` -> ``(logits (B, T, V), None)``.
    """

    attends = False

    def __init__(self, embed_size: int = 16, hidden_size: int = 64, num_layers: int = 1, reverse: bool = True,
                 source_vocab: int = len(dates.SOURCE), target_vocab: int = len(dates.TARGET)):
        super().__init__()
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
                 source_vocab: int = len(dates.SOURCE), target_vocab: int = len(dates.TARGET)):
        super().__init__()
        if hidden_size % 2:
            raise ValueError(f"hidden_size must be even (half per direction of the encoder); got {hidden_size}")
        self.encoder = Encoder(source_vocab, embed_size, hidden_size // 2, bidirectional=True)
        self.init = nn.Linear(hidden_size, hidden_size)                      # W_s
        self.decoder = AttentionDecoder(target_vocab, embed_size, hidden_size, key_size=hidden_size,
                                        attention_size=attention_size)

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


def loss(model: nn.Module, batch: dates.Batch) -> tuple[Tensor, dict[str, float]]:
    """Cross-entropy of the next character under teacher forcing, averaged over the target
    characters, and the fraction of characters predicted right (a ``loss_fn`` for ``train``)."""
    logits, _ = model(batch.source, batch.lengths, batch.target_in, batch.mask)  # (B, T, V)
    real = batch.target_out != dates.TARGET.pad
    ce = nn.functional.cross_entropy(logits[real], batch.target_out[real])
    with torch.no_grad():
        accuracy = (logits[real].argmax(-1) == batch.target_out[real]).float().mean().item()
    return ce, {"accuracy": accuracy}


@contextmanager
def torch_threads(n: int | None):
    """Run the block with ``n`` intra-op torch threads (None: leave the setting alone), then restore.

    These models multiply small matrices: one thread is as fast as two, and on a busy machine a
    second thread waiting for a core makes each operation many times slower (measured: greedy
    translation of one date 7 ms with one thread, 90-120 ms with two, under a load of 3.5 on 2 cores).
    """
    before = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@torch.no_grad()
def greedy_batch(model: nn.Module, batch: dates.Batch, max_length: int = dates.TARGET_LENGTH + 1):
    """Greedy decoding of a batch: ids (B, <= max_length) and, with attention, weights (B, T, S).
    Runs on one torch thread (see :func:`torch_threads`)."""
    was_training = model.training
    model.eval()
    try:
        with torch_threads(1):
            memory = model.start(batch.source, batch.lengths, batch.mask)
            y = torch.full((batch.source.shape[0],), dates.TARGET.bos, dtype=torch.long)
            ids, weights = [], []
            done = torch.zeros_like(y, dtype=torch.bool)
            for _ in range(max_length):
                logits, memory, w = model.step(y, memory)
                y = logits.argmax(-1)                                        # the most likely character
                ids.append(y)
                if w is not None:
                    weights.append(w)
                done |= y == dates.TARGET.eos
                if bool(done.all()):
                    break
    finally:
        model.train(was_training)
    return torch.stack(ids, 1), (torch.stack(weights, 1) if weights else None)


@dataclass
class Translation:
    """One translation: the source and output characters and, with attention, the weights
    (len(output_tokens), len(source_tokens)); row i is where output character i looked."""

    text: str
    output: str
    source_tokens: list[str]
    output_tokens: list[str]
    weights: np.ndarray | None


def translate(model: nn.Module, text: str, *, task: ModuleType = dates) -> Translation:
    """Translate one written date (or the source of ``task``) with greedy decoding. Characters
    outside the source vocabulary are a ``ValueError`` naming them; surrounding spaces are dropped."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string; got {type(text).__name__}")
    text = text.strip()
    batch = task.batch_of([(text, "")])
    ids, weights = greedy_batch(model, batch, max_length=task.TARGET_LENGTH + 1)
    out_ids = ids[0].tolist()
    n = out_ids.index(task.TARGET.eos) + 1 if task.TARGET.eos in out_ids else len(out_ids)
    output_tokens = [task.TARGET.tokens[i] for i in out_ids[:n]]
    return Translation(text=batch.texts[0], output=task.decode_target(out_ids), source_tokens=list(batch.texts[0]),
                       output_tokens=output_tokens,
                       weights=None if weights is None else weights[0, :n].numpy().copy())


@dataclass
class Evaluation:
    """A model's greedy translations of ``n`` held-out examples.

    ``lengths`` (n,) source lengths; ``exact`` (n,) bool, the whole target right;
    ``per_position`` (n, T) bool, output character i right (a missing character is wrong), T the
    longest target (10 for dates); ``real`` (n, T) bool, True where target n has a character i
    (None: every target has T characters).
    """

    lengths: np.ndarray
    exact: np.ndarray
    per_position: np.ndarray
    outputs: list[str]
    real: np.ndarray | None = None

    def _real(self) -> np.ndarray:
        return np.ones(self.per_position.shape, bool) if self.real is None else self.real

    @property
    def exact_match(self) -> float:
        return float(self.exact.mean())

    @property
    def character_accuracy(self) -> float:
        """The fraction of all target characters (of every example) predicted right at their position."""
        return float(self.per_position[self._real()].mean())

    def by_length(self, edges) -> dict[str, np.ndarray]:
        """Accuracy against source length in bins [edges[k], edges[k+1]): ``centre``, ``count``,
        ``exact`` and ``character`` (NaN for an empty bin)."""
        edges = np.asarray(edges)
        real = self._real()
        k = np.digitize(self.lengths, edges) - 1
        out = {"low": edges[:-1], "high": edges[1:] - 1, "count": np.zeros(len(edges) - 1, int),
               "exact": np.full(len(edges) - 1, np.nan), "character": np.full(len(edges) - 1, np.nan)}
        for b in range(len(edges) - 1):
            sel = k == b
            out["count"][b] = sel.sum()
            if sel.any():
                out["exact"][b] = self.exact[sel].mean()
                out["character"][b] = self.per_position[sel][real[sel]].mean()
        return out


def evaluate(model: nn.Module, pairs: list[tuple[str, str]], batch_size: int = 500, *,
             task: ModuleType = dates) -> Evaluation:
    """Translate ``pairs`` greedily (``task`` encodes them: dates unless told otherwise) and
    compare with their targets, character by character at each position."""
    if not pairs:
        raise ValueError("no pairs to evaluate")
    T = max(len(tgt) for _, tgt in pairs)                                    # the longest target
    lengths, exact, per_pos, outputs = [], [], np.zeros((len(pairs), T), bool), []
    real = np.arange(T)[None] < np.array([len(tgt) for _, tgt in pairs])[:, None]  # (n, T)
    for start in range(0, len(pairs), batch_size):
        chunk = pairs[start:start + batch_size]
        batch = task.batch_of(chunk)
        ids, _ = greedy_batch(model, batch, max_length=T + 1)
        for n, (row, (src, tgt)) in enumerate(zip(ids, chunk), start):
            out = task.decode_target(row)
            outputs.append(out)
            lengths.append(len(src))
            exact.append(out == tgt)
            per_pos[n, :len(tgt)] = [i < len(out) and out[i] == ch for i, ch in enumerate(tgt)]
    return Evaluation(lengths=np.array(lengths), exact=np.array(exact), per_position=per_pos, outputs=outputs,
                      real=None if real.all() else real)


def parameter_count(model: nn.Module) -> int:
    """The number of trainable numbers in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


#: how notebook 05 trains every model on dates: Adam at 1e-2, the gradient clipped at norm 1,
#: 64 fresh dates a step, at most 400 steps (``fit(model, **DATES_TRAINING, seed=...)``)
DATES_TRAINING = {"steps": 400, "batch_size": 64, "lr": 1e-2, "clip": 1.0}
#: ... and on digits (``task=digits``): 200 steps of 256 fresh strings, Adam at 1.5e-2 decayed to 0
#: along a cosine, clipped at norm 5. Without the decay, a late spike of Adam's steps decides how good
#: the final model is, and that differs from one seed (or one CPU) to the next.
DIGITS_TRAINING = {"steps": 200, "batch_size": 256, "lr": 1.5e-2, "clip": 5.0, "decay": "cosine"}


def fit(model: nn.Module, *, steps: int, batch_size: int = 64, lr: float = 1e-2, clip: float | None = 1.0,
        seed: int = 0, target_accuracy: float | None = None, window: int = 25, threads: int | None = 1,
        task: ModuleType = dates, **kwargs) -> train.History:
    """Train ``model`` on fresh batches of dates (or of ``task``, e.g. :mod:`lecturekit.digits`) with
    :func:`lecturekit.train.train` (Adam, teacher forcing).

    Each step draws ``batch_size`` new training examples with ``task.make_batch`` (held-out
    examples never appear). With
    ``target_accuracy``, training stops once the fraction of target characters predicted right,
    averaged over the last ``window`` steps, reaches it; ``steps`` is then the most it trains.
    ``threads`` sets torch's intra-op threads for the duration of the call (1 is as fast as 2
    for these small matrices and does not fight other programs for the second core; None leaves
    it alone). Other keyword arguments (``progress``, ``desc``, ``callback``, ``every``) go to ``train``.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1; got {batch_size}")
    if target_accuracy is not None and not 0 < target_accuracy <= 1:
        raise ValueError(f"target_accuracy must be in (0, 1] or None; got {target_accuracy}")
    stop_when = None
    if target_accuracy is not None:
        def stop_when(h: train.History) -> bool:
            acc = h.metrics["accuracy"]
            return len(acc) >= window and float(np.mean(acc[-window:])) >= target_accuracy
    with torch_threads(threads):
        return train.train(model, loss, lambda g: task.make_batch(batch_size, g), steps=steps, lr=lr, clip=clip,
                           seed=seed, stop_when=stop_when, **kwargs)
