"""Exercises of notebook 07: stride, dilation ("à trous") and receptive fields."""

from __future__ import annotations

import itertools

import numpy as np

from .. import conv, wiring
from . import Exercise, choice, register
from .judge import as_number

# --- 1. the output size ---------------------------------------------------------------------------


def _output_size(n: int, k: int, s: int, p: int, d: int) -> int:
    # the dilated kernel spans d (k - 1) + 1 samples; it fits at positions 0, s, 2s, ... of the padded input
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


_SIZE_CASES = [case for case in itertools.product([5, 8, 13], [1, 2, 3], [1, 2, 3], [0, 1, 2], [1, 2, 3])
               if case[4] * (case[1] - 1) + 1 <= case[0] + 2 * case[3]]


def _judge_output_size(fn) -> str | None:
    for n, k, s, p, d in _SIZE_CASES:
        got, want = fn(n, k, s, p, d), conv.output_size(n, k, s, p, d)
        try:
            value = as_number(got)   # 7, 7.0 (np.floor(...) + 1) and tensor(7) are the same answer
        except (TypeError, ValueError):
            return f"output_size{(n, k, s, p, d)} should be a whole number of outputs, got {got!r}"
        if not value.is_integer():
            return (f"output_size{(n, k, s, p, d)} returned {value:g}: a number of outputs is whole; a window "
                    "that sticks out of the padded input is not computed, so round down (//)")
        got = int(value)
        if got == want:
            continue
        if d > 1 and got == (n + 2 * p - k) // s + 1:
            return (f"output_size{(n, k, s, p, d)} = {got}: you left out the dilation. A dilated kernel "
                    f"of k = {k} taps spans d (k - 1) + 1 = {d * (k - 1) + 1} samples")
        if p > 0 and got == (n + p - d * (k - 1) - 1) // s + 1:
            return f"output_size{(n, k, s, p, d)} = {got}: the padding p is added on both sides (2p)"
        if s > 1 and got == -(-(n + 2 * p - d * (k - 1) - 1) // s) + 1:
            return (f"output_size{(n, k, s, p, d)} = {got}: round down, not up; a window that sticks out "
                    "of the padded input is not computed")
        return f"output_size{(n, k, s, p, d)} returned {got}, expected {want}"
    return None


output_size = register(Exercise(
    name="stride_dilation.output_size",
    question=("Write output_size(n, k, s, p, d): the number of outputs of a 1-D convolution over n inputs "
              "with kernel k, stride s, padding p on each side and dilation d."),
    reference=_output_size,
    judge=_judge_output_size,
    hints=["With dilation d, the k taps are d apart: the kernel spans d (k - 1) + 1 samples.",
           "It fits at positions 0, s, 2s, ... as long as it ends inside the padded input of n + 2p samples: "
           "count them with floor division."],
))


# --- 2. the receptive field of a stack --------------------------------------------------------------


def _receptive_field(layers: list[tuple[int, int, int]]) -> int:
    # each layer widens the field by (k - 1) d of its own input's units, each prod(strides below) samples apart
    field, jump = 1, 1
    for k, s, d in layers:
        field += (k - 1) * d * jump
        jump *= s
    return field


_STACKS = [
    [(3, 1, 1)] * 3,
    [(3, 2, 1)] * 3,
    [(2, 1, 1), (2, 1, 2), (2, 1, 4), (2, 1, 8)],
    [(5, 2, 1), (3, 1, 2), (3, 3, 1), (2, 1, 1)],
    [(3, 1, 2)] * 2 + [(3, 2, 1)],
]


def _judge_receptive_field(fn) -> str | None:
    for layers in _STACKS:
        got, want = fn([tuple(layer) for layer in layers]), wiring.receptive_field(layers)
        if got == want:
            continue
        no_stride = 1 + sum((k - 1) * d for k, s, d in layers)
        own_stride = 1 + sum((k - 1) * d * int(np.prod([s for _, s, _ in layers[:i + 1]]))
                             for i, (k, _, d) in enumerate(layers))
        if got == no_stride:
            return (f"receptive_field({layers}) = {got}: that ignores the strides. After a layer of stride s, "
                    "neighbouring units are s input samples apart, so the next layer's kernel reaches s times further")
        if got == own_stride:
            return (f"receptive_field({layers}) = {got}: a layer's own stride does not widen its own field, "
                    "only the layers above it: use the product of the strides *below* layer l")
        return f"receptive_field({layers}) returned {got!r}, expected {want}"
    return None


receptive_field = register(Exercise(
    name="stride_dilation.receptive_field",
    question=("Write receptive_field(layers), layers a list of (kernel, stride, dilation), first layer first: "
              "how many input samples one output of the last layer sees."),
    reference=_receptive_field,
    judge=_judge_receptive_field,
    hints=["One layer with kernel k and dilation d sees (k - 1) d + 1 samples of its own input.",
           "Keep a 'jump': how many input samples apart two neighbouring units of the current layer are. "
           "It starts at 1 and is multiplied by each layer's stride; each layer adds (k - 1) d jump."],
))


# --- 3. the fewest dilated layers that cover a field ----------------------------------------------

_KERNEL = 2


def _fewest_dilations(target: int) -> list[int]:
    # kernel 2 adds d samples to the field; d no larger than the field seen so far leaves no holes,
    # and then each layer at most doubles it: 1, 2, 4, 8, ... and a last, smaller step to land on the target
    dilations, field = [], 1
    while field < target:
        d = min(field, target - field)
        dilations.append(d)
        field += d
    return dilations


def _judge_fewest_dilations(fn) -> str | None:
    for target in (64, 2, 5, 100):
        answer = fn(target)
        try:
            dilations = [int(d) for d in answer]
        except (TypeError, ValueError):
            return f"fewest_dilations({target}) should return a list of whole numbers, got {answer!r}"
        if not dilations or min(dilations) < 1:
            return f"fewest_dilations({target}): every layer needs a dilation of at least 1, got {dilations}"
        layers = [(_KERNEL, 1, d) for d in dilations]
        field = wiring.receptive_field(layers)
        if field < target:
            return f"fewest_dilations({target}) = {dilations} sees {field} samples, fewer than {target}"
        missed = np.flatnonzero(wiring.stack_paths(layers) == 0)
        if missed.size:
            return (f"fewest_dilations({target}) = {dilations}: the field spans {field} samples but samples "
                    f"{missed[:6].tolist()}{' ...' if missed.size > 6 else ''} are never seen (gridding). "
                    "A dilation no larger than the field of the layers below it is enough to leave no holes")
        fewest = len(_fewest_dilations(target))
        if len(dilations) > fewest:
            return (f"fewest_dilations({target}) = {dilations} works with {len(dilations)} layers, but {fewest} "
                    "will do: with kernel 2 a layer can double the field")
    return None


fewest_dilations = register(Exercise(
    name="stride_dilation.fewest_dilations",
    question=("Layers of kernel 2 and stride 1 (no resolution lost). Write fewest_dilations(target): the "
              "dilations, first layer first, of a stack with the fewest layers whose receptive field covers at "
              "least `target` samples without holes. (For target = 64 the doubling of WaveNet's blocks, whose dilations "
              "go on to 512.)"),
    reference=_fewest_dilations,
    judge=_judge_fewest_dilations,
    hints=["A layer of kernel 2 and dilation d adds d samples to the field: r = 1 + sum of the dilations.",
           "A dilation no larger than the field seen so far leaves no holes, and with it the best a layer can "
           "do is double the field. Start with 1."],
))


# --- predict first: stride or dilation, which sees further? ----------------------------------------

stride_or_dilation = register(choice(
    name="stride_dilation.stride_or_dilation",
    question=("Predict before the table: four layers of kernel 3, either stride 2 in every layer or stride 1 with "
              "dilations 1, 2, 4, 8. Which has the larger receptive field? "
              'Answer "stride 2", "dilations 1, 2, 4, 8" or "the same".'),
    options=("stride 2", "dilations 1, 2, 4, 8", "the same"),
    correct="the same",
    why={
        "stride 2": ("both widen the field by (k - 1) times the spacing of the units below: 2, 4, 8, 16 ... with "
                     "stride 2 (the product of the strides), the same 2, 4, 8, 16 with dilations 1, 2, 4, 8"),
        "dilations 1, 2, 4, 8": ("both give r = 1 + 2 (1 + 2 + 4 + 8) = 31: the strides multiply up to the same "
                                 "spacing the dilations give directly"),
    },
    hints=["A layer of kernel 3 widens the field by 2 times the spacing of the samples its taps read. What is that "
           "spacing in layer l of each stack?",
           "For stride 2, layer l's taps are 2**(l-1) input samples apart; in the dilated stack they are d_l apart."],
    solution_text=("the same: r = 31 for both. What differs is the resolution: the strided stack keeps about 1 output in 16, "
                   "the dilated one every output."),
))
