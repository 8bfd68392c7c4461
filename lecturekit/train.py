"""One small training loop, for every model of the notebooks: seeded, with a progress bar and a history.

    history = train(model, loss_fn, data, steps=500, lr=1e-2, clip=1.0, seed=0)

- ``loss_fn(model, batch)`` returns the loss (a scalar tensor), or ``(loss, metrics)`` with
  ``metrics`` a dict of numbers to record as well (an accuracy, ...).
- ``data`` is either a function ``data(generator) -> batch`` called once per step with the
  loop's own seeded ``torch.Generator`` (fresh synthetic data at every step), or an iterable
  of batches (a list, a ``DataLoader``), started again when it runs out.
- ``optimizer`` is a ready optimiser, or None for Adam with learning rate ``lr``.
- ``decay="cosine"`` lowers the learning rate along a cosine, from ``lr`` at the first step to 0
  after ``steps`` steps (Loshchilov & Hutter's schedule without restarts); None keeps it constant.
  A decayed run ends on small steps, so its final weights do not depend on where a late spike of
  Adam's steps happened to stop it.
- ``clip`` clips the gradient's global norm (Pascanu et al. 2013); the norm before clipping
  is recorded either way.
- ``seed`` seeds the data generator and torch's global generator for the duration of the call
  only (dropout, ...): the caller's random state is restored afterwards.
- ``callback(history)`` runs every ``every`` steps and after the last (a live loss curve).
- ``stop_when(history)``, checked after every step, ends training early when it returns True
  (``lambda h: h.final() < 0.005``); ``steps`` is then the most it trains.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

__all__ = ["History", "train", "one_thread", "seeded", "count_parameters"]


@dataclass
class History:
    """What happened during training, one entry per step: ``step``, ``loss``, ``grad_norm``
    (before clipping), ``seconds`` since the start, and ``metrics`` (name -> list)."""

    step: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.step)

    def smoothed(self, window: int = 25) -> np.ndarray:
        """The loss averaged over the last ``window`` steps at each step (shorter at the start)."""
        loss = np.asarray(self.loss, dtype=float)
        if window < 1:
            raise ValueError(f"window must be >= 1; got {window}")
        csum = np.concatenate([[0.0], np.cumsum(loss)])
        idx = np.arange(1, len(loss) + 1)
        start = np.maximum(idx - window, 0)
        return (csum[idx] - csum[start]) / (idx - start)

    def final(self, window: int = 25) -> float:
        """The mean loss over the last ``window`` steps."""
        if not self.loss:
            raise ValueError("the history is empty: no step was trained")
        return float(np.mean(self.loss[-window:]))

    def first_below(self, threshold: float, window: int = 25) -> int | None:
        """The first step at which the ``window``-step mean loss is below ``threshold``, or None."""
        below = np.nonzero(self.smoothed(window) < threshold)[0]
        return int(self.step[below[0]]) if len(below) else None

    def seconds_to(self, threshold: float, window: int = 25) -> float | None:
        """Seconds until :meth:`first_below` ``threshold``, or None."""
        step = self.first_below(threshold, window)
        return None if step is None else self.seconds[self.step.index(step)]


def _batches(data) -> Callable[[torch.Generator], Any]:
    if callable(data):
        return data
    if not isinstance(data, Iterable):
        raise ValueError(f"data must be a function data(generator) -> batch or an iterable of batches; "
                         f"got {type(data).__name__}")
    state = {"it": iter(data)}

    def next_batch(_gen):
        try:
            return next(state["it"])
        except StopIteration:
            state["it"] = iter(data)
            try:
                return next(state["it"])
            except StopIteration:
                raise ValueError("data is an empty iterable: no batch to train on") from None
    return next_batch


def train(model: nn.Module, loss_fn: Callable[[nn.Module, Any], Any], data, *, steps: int,
          optimizer: torch.optim.Optimizer | None = None, lr: float = 1e-3, decay: str | None = None,
          clip: float | None = None,
          seed: int = 0, progress: bool = True, desc: str | None = None,
          callback: Callable[[History], None] | None = None, every: int = 25,
          stop_when: Callable[[History], bool] | None = None) -> History:
    """Train ``model`` for ``steps`` steps of ``optimizer`` on ``loss_fn``; returns the :class:`History`.

    See the module docstring for each argument. A loss that becomes NaN or infinite stops
    training with a ``FloatingPointError`` naming the step (clipping, or a smaller ``lr``, helps).
    """
    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a whole number >= 1; got {steps!r}")
    if clip is not None and not clip > 0:
        raise ValueError(f"clip must be a positive number (a gradient norm) or None; got {clip!r}")
    if decay not in (None, "cosine"):
        raise ValueError(f"decay must be None or 'cosine'; got {decay!r}")
    if every < 1:
        raise ValueError(f"every must be >= 1; got {every}")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("the model has no trainable parameters")
    if optimizer is None:
        optimizer = torch.optim.Adam(params, lr=lr)
    schedule = None if decay is None else torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=int(steps))
    next_batch = _batches(data)
    history = History()
    gen = torch.Generator().manual_seed(seed)
    model.train()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        bar = tqdm(range(1, int(steps) + 1), desc=desc, disable=not progress, leave=True, mininterval=0.5)
        start = time.perf_counter()
        for step in bar:
            out = loss_fn(model, next_batch(gen))
            loss, metrics = out if isinstance(out, tuple) else (out, {})
            value = float(loss.detach())
            if not math.isfinite(value):
                bar.close()
                raise FloatingPointError(f"the loss is {value} at step {step}: try clip=1.0 or a smaller lr")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            norm = nn.utils.clip_grad_norm_(params, clip if clip is not None else math.inf)
            optimizer.step()
            if schedule is not None:
                schedule.step()
            history.step.append(step)
            history.loss.append(value)
            history.grad_norm.append(float(norm))
            history.seconds.append(time.perf_counter() - start)
            for name, v in metrics.items():
                history.metrics.setdefault(name, []).append(float(v))
            stop = stop_when is not None and bool(stop_when(history))
            if step % 10 == 0 or step == steps or stop:
                bar.set_postfix(loss=f"{value:.4f}", refresh=False)
            if callback is not None and (step % every == 0 or step == steps or stop):
                callback(history)
            if stop:
                break
        bar.close()
    return history


@contextmanager
def one_thread(n: int | None = 1) -> Iterator[None]:
    """Run torch on ``n`` threads inside the block (None: leave it alone), then restore the caller's setting.

    The networks of these notebooks are tiny: every operation is shorter than the cost of waking a
    second thread, and on a busy machine two threads wait for each other. Measured on the 2-core
    machine with other jobs running: 300 hypernetwork steps took 3.3 s on one thread, 4.0 s on two;
    greedy translation of one date 7 ms on one, 90-120 ms on two under a load of 3.5.
    """
    before = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Inside the block torch's global generator starts from ``seed``; afterwards it is back where it was.

    For modules that draw their initial weights from the global generator (``nn.Linear``,
    ``nn.LSTM``, ...): ``with seeded(0): layer = nn.LSTM(3, 8)`` gives the same weights every time
    and leaves the caller's random state alone.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        yield


def count_parameters(module: nn.Module) -> int:
    """The number of trainable numbers in a torch module."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
