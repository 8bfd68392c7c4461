"""Who talks to whom in a convolution (notebook 07): the wiring behind the diagrams, the gradient counts,
stacks of layers and their receptive fields.

Forward, output i of a 1-D cross-correlation reads padded input i*s + j*d through tap j; backward,
the same wires carry dC/dy_i * w_j back to that input. The receptive field of a stack,

    r = 1 + sum_l (k_l - 1) d_l prod_(i<l) s_i,

is checked by sending a gradient back through the stack with :func:`lecturekit.conv.corr1d_backward`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .conv import as_index, corr1d_backward, output_size

__all__ = ["receptive_field", "connectivity", "gradient_counts", "stack_paths", "Wiring", "wiring", "GridWiring",
           "grid_wiring", "STACK_PATTERNS", "Stack", "stack"]


def receptive_field(layers: Sequence[Sequence[int]]) -> int:
    """Receptive field, in input samples, of one output of the last layer of a stack.

    ``layers`` is a sequence of ``(kernel, stride)`` or ``(kernel, stride, dilation)``, first layer
    first. Each layer widens the field by ``(k_l - 1) d_l`` of its own input samples, and one of its
    input samples is ``prod_(i<l) s_i`` samples of the stack's input (the "jump"):

        r = 1 + sum_l (k_l - 1) d_l prod_(i<l) s_i

    Padding does not change it. An empty stack gives 1. Example: three layers of kernel 3 give 7;
    dilations 1, 2, 4, 8 with kernel 2 give 16.
    """
    field, jump = 1, 1
    for layer in layers:
        if len(layer) not in (2, 3):
            raise ValueError(f"each layer is (kernel, stride) or (kernel, stride, dilation), got {layer!r}")
        k, s = as_index(layer[0], "kernel"), as_index(layer[1], "stride")
        d = as_index(layer[2], "dilation") if len(layer) == 3 else 1
        if k < 1 or s < 1 or d < 1:
            raise ValueError(f"kernel, stride and dilation must be >= 1, got {tuple(layer)!r}")
        field += (k - 1) * d * jump
        jump *= s
    return field

def connectivity(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """Which tap of output i reads input m, along one axis: an int array (o, n + 2p), -1 where none.

    Column m is padded input m (input ``m - padding``). Row i is output i's footprint (forward,
    ``i*s + j*d`` for j = 0..k-1); column m lists the outputs that send gradient back to it.
    Raises ``ValueError`` like :func:`output_size`.
    """
    o = output_size(n, kernel, stride, padding, dilation)
    taps = np.full((o, n + 2 * padding), -1, dtype=int)
    i = np.arange(o)[:, None]                                        # (o, 1)
    j = np.arange(kernel)[None, :]                                   # (1, k)
    taps[np.broadcast_to(i, (o, kernel)), i * stride + j * dilation] = np.broadcast_to(j, (o, kernel))
    return taps

def gradient_counts(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> np.ndarray:
    """How many (output, tap) pairs read each input, shape (n,): dC/dx for dC/dy = 1 and w = 1.

    With stride 1 and no border effects every input gets k; a stride larger than the dilated kernel
    spacing leaves some inputs with fewer, and some with none.
    """
    o = output_size(n, kernel, stride, padding, dilation)
    grad_x, _ = corr1d_backward(np.ones(o), np.zeros(n), np.ones(kernel), stride, padding, dilation)
    return np.rint(grad_x).astype(int)

def stack_paths(layers: Sequence[Sequence[int]], n: int | None = None) -> np.ndarray:
    """Number of paths from each input sample to one output of the last layer of a stack.

    ``layers`` as in :func:`receptive_field` (no padding). The chosen output is the middle one of
    the last layer; its gradient (1) is sent back through every layer with all weights 1, so entry
    m counts the paths from input m. The nonzero entries span :func:`receptive_field` samples; zeros
    inside that span are the "gridding" holes of repeated equal dilations. With ``n=None`` the input
    is just long enough for one output, otherwise ``n`` samples. Returns an int array (n,).
    """
    layers = [tuple(layer) + (1,) * (3 - len(layer)) for layer in layers]
    if n is None:
        n = receptive_field(layers)
    sizes = [n]
    for k, s, d in layers:
        sizes.append(output_size(sizes[-1], k, s, 0, d))
    g = np.zeros(sizes[-1])
    g[(sizes[-1] - 1) // 2] = 1.0
    for (k, s, d), size in zip(reversed(layers), reversed(sizes[:-1])):
        g, _ = corr1d_backward(g, np.zeros(size), np.ones(k), s, 0, d)
    return np.rint(g).astype(int)

@dataclass
class Wiring:
    """One setting of a 1-D convolution and who talks to whom in it (what the wiring diagrams draw)."""

    n: int                 # input length (without padding)
    kernel: int
    stride: int
    padding: int
    dilation: int
    size: int              # number of outputs o
    taps: np.ndarray       # (o, n + 2p) tap index j of output i at padded input m, -1 where none
    counts: np.ndarray     # (n,) how many (output, tap) pairs send gradient back to each input
    output: int            # the chosen output i, clamped to 0..o-1
    input: int             # the chosen input m, clamped to 0..n-1 (unpadded index)
    reads: np.ndarray      # padded indices that output i reads, tap 0 first: i*s + j*d
    senders: np.ndarray    # outputs that read input m and so send gradient back to it, ascending
    clamped: str           # "" or a note saying that a chosen index was out of range and was clamped

def wiring(n: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1,
           output: int = 0, input: int = 0) -> Wiring:
    """The wiring of ``corr1d`` on ``n`` inputs, seen from output ``output`` (forward: which inputs feed
    it) and from input ``input`` (backward: which outputs send gradient back to it).

    Indices beyond the last output or input are clamped to it (and ``clamped`` says so), so that any
    position of a slider is a legal picture. Raises ``ValueError`` like :func:`output_size` when the
    setting has no output at all.
    """
    o = output_size(n, kernel, stride, padding, dilation)
    taps = connectivity(n, kernel, stride, padding, dilation)        # (o, n + 2p)
    notes = []
    i, m = as_index(output, "output"), as_index(input, "input")
    if not 0 <= i < o:
        notes.append(f"output {i} does not exist (outputs 0..{o - 1}): showing output {min(max(i, 0), o - 1)}")
        i = min(max(i, 0), o - 1)
    if not 0 <= m < n:
        notes.append(f"input {m} does not exist (inputs 0..{n - 1}): showing input {min(max(m, 0), n - 1)}")
        m = min(max(m, 0), n - 1)
    return Wiring(
        n=n, kernel=kernel, stride=stride, padding=padding, dilation=dilation, size=o, taps=taps,
        counts=(taps >= 0).sum(axis=0)[padding:padding + n],        # = gradient_counts(...), cheaper
        output=i, input=m,
        reads=i * stride + np.arange(kernel) * dilation,
        senders=np.flatnonzero(taps[:, m + padding] >= 0),
        clamped="; ".join(notes),
    )

@dataclass
class GridWiring:
    """A square 2-D convolution on a small grid, seen from one output (what the 2-D diagram draws)."""

    size: int              # input height = width (without padding)
    kernel: int            # square kernel
    stride: int
    padding: int
    dilation: int
    out: int               # outputs per side, o
    output: int            # the chosen output, flattened row-major and clamped to 0..o*o-1
    row: int               # its row and column in the output grid
    col: int
    footprint: np.ndarray  # (size + 2p, size + 2p) bool: the padded inputs the chosen output reads
    counts: np.ndarray     # (size, size) gradient contributions each input receives (outer product of 1-D)
    clamped: str           # "" or a note that the chosen output was out of range

def grid_wiring(size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1,
                output: int = 0) -> GridWiring:
    """The wiring of ``corr2d`` with the same setting along both axes on a ``size`` x ``size`` input,
    seen from output ``output`` (counted row by row; clamped to the last one, with a note).

    Along each axis output a reads padded rows a*s + j*d: the 2-D footprint is the product of two
    1-D footprints, and so are the gradient counts. ``ValueError`` like :func:`output_size`.
    """
    o = output_size(size, kernel, stride, padding, dilation)
    k = as_index(output, "output")
    note = ""
    if not 0 <= k < o * o:
        note = f"output {k} does not exist (outputs 0..{o * o - 1}): showing output {min(max(k, 0), o * o - 1)}"
        k = min(max(k, 0), o * o - 1)
    row, col = divmod(k, o)
    taps = connectivity(size, kernel, stride, padding, dilation) >= 0        # (o, size + 2p)
    counts = gradient_counts(size, kernel, stride, padding, dilation)        # (size,)
    return GridWiring(size=size, kernel=kernel, stride=stride, padding=padding, dilation=dilation, out=o,
                      output=k, row=row, col=col, footprint=np.outer(taps[row], taps[col]),
                      counts=np.outer(counts, counts), clamped=note)

#: the stacks the stack builder offers: name -> (stride, dilation) of layer l = 0, 1, 2, ...
STACK_PATTERNS = {
    "dense (s=1, d=1)": lambda l: (1, 1),
    "stride 2": lambda l: (2, 1),
    "dilations 1, 2, 4, ...": lambda l: (1, 2 ** l),
    "dilations 2, 2, 2, ...": lambda l: (1, 2),
    "dilations 3, 3, 3, ...": lambda l: (1, 3),
}

@dataclass
class Stack:
    """A stack of 1-D convolutions and the paths from its input to one output of its last layer."""

    layers: list[tuple[int, int, int]]   # (kernel, stride, dilation), first layer first
    field: int                           # receptive field r, in input samples
    jumps: list[int]                     # input samples between neighbouring units of level l (level 0: input)
    sizes: list[int]                     # units per level, input (level 0) first
    paths: list[np.ndarray]              # per level, how many paths lead from each unit to the top output
    edges: list[np.ndarray]              # per layer l, (count, 2) (unit at level l, unit at level l+1) on a path
    holes: int                           # input samples inside the field that no path reaches (gridding)

def stack(layers: int, kernel: int, pattern: str) -> Stack:
    """A stack of ``layers`` layers of kernel ``kernel`` following ``pattern`` (a key of
    :data:`STACK_PATTERNS`), on an input just long enough for one output of the last layer.

    ``paths[0]`` is :func:`stack_paths`; its nonzero entries span :func:`receptive_field` samples,
    and its zeros inside that span are the holes that repeated equal dilations leave.
    """
    if pattern not in STACK_PATTERNS:
        raise ValueError(f"unknown pattern {pattern!r}; the patterns are {list(STACK_PATTERNS)}")
    layers, kernel = as_index(layers, "layers"), as_index(kernel, "kernel")
    if layers < 1:
        raise ValueError(f"a stack needs at least 1 layer, got {layers}")
    spec = [(kernel, *STACK_PATTERNS[pattern](l)) for l in range(layers)]
    field = receptive_field(spec)
    sizes, jumps = [field], [1]
    for k, s, d in spec:
        sizes.append(output_size(sizes[-1], k, s, 0, d))
        jumps.append(jumps[-1] * s)
    top = np.zeros(sizes[-1])
    top[(sizes[-1] - 1) // 2] = 1.0
    paths, edges = [top], []
    for (k, s, d), size in zip(reversed(spec), reversed(sizes[:-1])):   # from the top level down
        above = paths[0]
        below, _ = corr1d_backward(above, np.zeros(size), np.ones(k), s, 0, d)
        unit = np.flatnonzero(above)[:, None]                            # (count, 1) units on a path
        edges.insert(0, np.column_stack([(unit * s + np.arange(k) * d).ravel(), np.repeat(unit[:, 0], k)]))
        paths.insert(0, below)
    paths = [np.rint(p).astype(int) for p in paths]
    reached = np.flatnonzero(paths[0])
    holes = int(reached[-1] - reached[0] + 1 - reached.size)
    return Stack(layers=spec, field=field, jumps=jumps, sizes=sizes, paths=paths, edges=edges, holes=holes)
