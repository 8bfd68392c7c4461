"""Decoding, evaluating and training the models of :mod:`lecturekit.seq2seq` on a toy translation task.

- :func:`loss`: cross-entropy of the next character under teacher forcing (the true y_(i-1) as input).
- :func:`greedy_batch`, :func:`translate`: greedy decoding, the model's own most likely y_(i-1) as input.
- :func:`evaluate` and :class:`Evaluation`: exact match and character accuracy, by source length.
- :func:`fit`: :func:`lecturekit.train.train` on fresh batches of a task, with the notebook's recipes
  :data:`DATES_TRAINING` and :data:`DIGITS_TRAINING`.
- :func:`notebook_models`, :func:`train_and_evaluate`: notebook 05's five models, trained its way for any
  seed and evaluated on its held-out examples (what ``benchmarks/bench_seq2seq.py`` and the claim tests
  measure the spread over seeds with).

A task is a module with the interface of :mod:`lecturekit.dates` and :mod:`lecturekit.digits`
(:class:`Task`): dates unless told otherwise. Every task numbers padding, start and end 0, 1, 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch
from torch import Tensor, nn

from . import dates, digits, seq2seq, train
from .dates import Batch, Vocab

__all__ = ["Task", "loss", "greedy_batch", "Translation", "translate", "Evaluation", "evaluate", "DATES_TRAINING",
           "DIGITS_TRAINING", "fit",
           "notebook_models", "held_out", "train_and_evaluate"]


class Task(Protocol):
    """What a toy translation task provides (:mod:`lecturekit.dates`, :mod:`lecturekit.digits`)."""

    TARGET: Vocab                # the target vocabulary: ids 0, 1, 2 are padding, start and end
    TARGET_LENGTH: int           # the most characters a target has

    def make_batch(self, n: int, generator: torch.Generator, split: str = "train") -> Batch: ...

    def batch_of(self, pairs: list[tuple[str, str]]) -> Batch: ...

    def decode_target(self, ids) -> str: ...


def loss(model: nn.Module, batch: dates.Batch) -> tuple[Tensor, dict[str, float]]:
    """Cross-entropy of the next character under teacher forcing, averaged over the target
    characters, and the fraction of characters predicted right (a ``loss_fn`` for ``train``)."""
    logits, _ = model(batch.source, batch.lengths, batch.target_in, batch.mask)  # (B, T, V)
    real = batch.target_out != Vocab.pad
    ce = nn.functional.cross_entropy(logits[real], batch.target_out[real])
    with torch.no_grad():
        accuracy = (logits[real].argmax(-1) == batch.target_out[real]).float().mean().item()
    return ce, {"accuracy": accuracy}

@torch.no_grad()
def greedy_batch(model: nn.Module, batch: dates.Batch, max_length: int = dates.TARGET_LENGTH + 1):
    """Greedy decoding of a batch: ids (B, <= max_length) and, with attention, weights (B, T, S).
    Runs on one torch thread (see :func:`lecturekit.train.one_thread`)."""
    was_training = model.training
    model.eval()
    try:
        with train.one_thread(1):
            memory = model.start(batch.source, batch.lengths, batch.mask)
            y = torch.full((batch.source.shape[0],), Vocab.bos, dtype=torch.long)
            ids, weights = [], []
            done = torch.zeros_like(y, dtype=torch.bool)
            for _ in range(max_length):
                logits, memory, w = model.step(y, memory)
                y = logits.argmax(-1)                                        # the most likely character
                ids.append(y)
                if w is not None:
                    weights.append(w)
                done |= y == Vocab.eos
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

def translate(model: nn.Module, text: str, *, task: Task = dates) -> Translation:
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
             task: Task = dates) -> Evaluation:
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

#: how notebook 05 trains every model on dates: Adam at 1e-2, the gradient clipped at norm 1,
#: 64 fresh dates a step, at most 400 steps (``fit(model, **DATES_TRAINING, seed=...)``)
DATES_TRAINING = {"steps": 400, "batch_size": 64, "lr": 1e-2, "clip": 1.0}

#: ... and on digits (``task=digits``): 200 steps of 256 fresh strings, Adam at 1.5e-2 decayed to 0
#: along a cosine, clipped at norm 5. Without the decay, a late spike of Adam's steps decides how good
#: the final model is, and that differs from one seed (or one CPU) to the next.
DIGITS_TRAINING = {"steps": 200, "batch_size": 256, "lr": 1.5e-2, "clip": 5.0, "decay": "cosine"}

def fit(model: nn.Module, *, steps: int, batch_size: int = 64, lr: float = 1e-2, clip: float | None = 1.0,
        seed: int = 0, target_accuracy: float | None = None, window: int = 25, threads: int | None = 1,
        task: Task = dates, **kwargs) -> train.History:
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
    with train.one_thread(threads):
        return train.train(model, loss, lambda g: task.make_batch(batch_size, g), steps=steps, lr=lr, clip=clip,
                           seed=seed, stop_when=stop_when, **kwargs)


def notebook_models(seed: int) -> dict[str, tuple[nn.Module, Task]]:
    """Notebook 05's five models, untrained, each with its task and the notebook's sizes: on dates,
    with attention and without it reading forwards or reversed; on digits reversed, with and without."""
    V = len(digits.DIGITS)
    return {
        "with attention": (seq2seq.AttentionSeq2Seq(embed_size=16, hidden_size=32, attention_size=32, seed=seed), dates),
        "without, forwards": (seq2seq.Seq2Seq(embed_size=16, hidden_size=32, reverse=False, seed=seed), dates),
        "without, reversed": (seq2seq.Seq2Seq(embed_size=16, hidden_size=32, reverse=True, seed=seed), dates),
        "digits, with attention": (seq2seq.AttentionSeq2Seq(embed_size=16, hidden_size=32, attention_size=32,
                                                            source_vocab=V, target_vocab=V, seed=seed), digits),
        "digits, without": (seq2seq.Seq2Seq(embed_size=16, hidden_size=32, reverse=False, source_vocab=V,
                                            target_vocab=V, seed=seed), digits),
    }


def held_out(task: Task) -> list[tuple[str, str]]:
    """The held-out examples notebook 05 evaluates on: 2,000 dates or 1,500 digit strings (seed 1)."""
    return task.examples(2000 if task is dates else 1500, seed=1, split="test")


def train_and_evaluate(model: nn.Module, task: Task, seed: int) -> tuple[train.History, Evaluation]:
    """Train ``model`` as notebook 05 does (:data:`DATES_TRAINING`, stopping at 99.8% of the characters
    for attention on dates; :data:`DIGITS_TRAINING` on digits) and evaluate it on :func:`held_out`."""
    if task is dates:
        history = fit(model, **DATES_TRAINING, seed=seed, target_accuracy=0.998 if model.attends else None,
                      progress=False)
    else:
        history = fit(model, task=task, **DIGITS_TRAINING, seed=seed, progress=False)
    return history, evaluate(model, held_out(task), task=task)
