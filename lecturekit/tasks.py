"""Synthetic sequence tasks, generated offline and seeded: same seed, same data.

The adding problem (Hochreiter & Schmidhuber 1997; the version of Arjovsky, Shah & Bengio 2016):
a sequence of T steps, each with two channels,

    x[:, t, 0] = values, uniform on [0, 1]
    x[:, t, 1] = markers, 1 at exactly two steps (one in each half of the sequence), else 0
    y          = the sum of the two marked values.

A network must carry the first marked value across at least T/2 steps. Predicting the
constant 1 (the mean of y) gives MSE Var(y) = 2 * (1/12) = 1/6: the baseline to beat.
"""

from __future__ import annotations

import torch

__all__ = ["adding_problem", "ADDING_BASELINE_MSE"]

#: MSE of always predicting 1 on the adding problem: Var(u1 + u2) for u1, u2 uniform on [0, 1]
ADDING_BASELINE_MSE = 1.0 / 6.0


def adding_problem(n: int, T: int, seed: int | torch.Generator = 0, *,
                   dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` sequences of the adding problem of length ``T``: x (n, T, 2), y (n,).

    Channel 0 of x holds the values (uniform on [0, 1]), channel 1 the markers: one marker at a
    step in [0, T // 2), the other in [T // 2, T). y is the sum of the two marked values.
    ``seed`` is an int (same seed, same data) or a ``torch.Generator`` (a training loop
    passes its own, to draw a new batch at each step).

    >>> x, y = adding_problem(3, 10, seed=0)
    >>> x.shape, y.shape
    (torch.Size([3, 10, 2]), torch.Size([3]))
    >>> bool(torch.allclose((x[..., 0] * x[..., 1]).sum(1), y))
    True
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n (the number of sequences) must be a whole number >= 1; got {n!r}")
    if int(T) != T or T < 2:
        raise ValueError(f"T (the sequence length) must be a whole number >= 2, for one marker in each half; got {T!r}")
    n, T = int(n), int(T)
    gen = seed if isinstance(seed, torch.Generator) else torch.Generator().manual_seed(int(seed))
    half = T // 2
    values = torch.rand(n, T, generator=gen, dtype=dtype)                   # (n, T)
    first = torch.randint(0, half, (n,), generator=gen)                     # a step in the first half
    second = torch.randint(half, T, (n,), generator=gen)                    # a step in the second half
    markers = torch.zeros(n, T, dtype=dtype)
    rows = torch.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = torch.stack([values, markers], dim=2)                               # (n, T, 2)
    y = values[rows, first] + values[rows, second]                          # (n,)
    return x, y
