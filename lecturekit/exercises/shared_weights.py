"""Exercises of notebook 01: shared weights and hypernetworks."""

from __future__ import annotations

import numpy as np

from .. import sharing
from . import Exercise, register
from .judge import as_array, compare_function, compare_values, judge_number

# --- 1. a copy in the forward pass is a sum in the backward pass ------------------------------


def _copy_backward(dC_dys: np.ndarray) -> np.ndarray:
    # x was copied into y_1..y_k: dC/dx = sum_i dC/dy_i (add up the rows)
    return np.sum(dC_dys, axis=0)


def _judge_copy_backward(fn) -> str | None:
    rng = np.random.default_rng(1)
    dC_dys = rng.normal(size=(3, 4))
    raw = fn(dC_dys)
    got = as_array(raw)
    if got.shape == (4,) and np.allclose(got, dC_dys.mean(0)):
        return ("you averaged the branches' gradients; each copy adds its own change to C "
                "(δC = δx [dC/dy_1 + dC/dy_2 + dC/dy_3]): sum them")
    if got.shape == (4,) and any(np.allclose(got, row) for row in dC_dys):
        return "you kept one branch's gradient; x feeds every branch, so every branch sends gradient back"
    if got.shape == (3,):
        return "you summed over the wrong axis: one row per copy, so add the rows (axis 0) and keep x's shape (n,)"
    # the lecture's example, checked against autograd through three real copies
    ex = sharing.copy_gradients(np.array([0.3, -1.2]))
    return (compare_values(raw, _copy_backward(dC_dys), what="copy_backward(<array (3, 4)>)")
            or compare_values(fn(ex.dC_dy), ex.dC_dx, what="your dC/dx for the lecture's C (compared with autograd)")
            or compare_function(fn, _copy_backward, [(rng.normal(size=(5, 2)),), (rng.normal(size=(1, 3)),)],
                                what="copy_backward"))   # other numbers of copies than the lecture's 3


copy_backward = register(Exercise(
    name="shared_weights.copy_backward",
    question=("x (n,) is copied into k branches y_1..y_k. Given the gradients that reach the copies, "
              "dC_dys of shape (k, n) (row i is dC/dy_i), return dC/dx, shape (n,)."),
    reference=_copy_backward,
    judge=_judge_copy_backward,
    hints=["Write δC for a small change δx: every y_i changes by δx.",
           "δC = δx [dC/dy_1 + ... + dC/dy_k], so dC/dx is the sum of the rows of dC_dys."],
))


# --- 2. the dual: a sum in the forward pass copies the gradient backward -----------------------


def _sum_backward(dC_dy: np.ndarray, k: int) -> np.ndarray:
    # y = x_1 + ... + x_k: dy/dx_i = 1 for every i, so each x_i receives dC/dy unchanged
    return np.tile(dC_dy, (k, 1))


def _judge_sum_backward(fn) -> str | None:
    dC_dy = np.array([0.5, -2.0, 1.5])
    raw = fn(dC_dy, 4)
    got = as_array(raw)
    if got.shape == (4, 3) and np.allclose(got, np.tile(dC_dy / 4, (4, 1))):
        return ("you split dC/dy into k equal parts; a sum does not share the gradient out: "
                "moving any one x_i by δ moves y by δ, so each x_i receives all of dC/dy")
    if got.shape == (3,):
        return "return one gradient per term x_i: an array (k, n), each row equal to dC/dy"
    return compare_function(fn, _sum_backward, [(dC_dy, 4), (np.array([1.0, 0.0]), 1), (np.array([-3.0]), 5)],
                            what="sum_backward")


sum_backward = register(Exercise(
    name="shared_weights.sum_backward",
    question=("y = x_1 + ... + x_k, each of shape (n,). Given dC/dy (shape (n,)) and k, return "
              "dC/dx_i for every i as one array of shape (k, n)."),
    reference=_sum_backward,
    judge=_judge_sum_backward,
    hints=["What is dy/dx_i? y changes one-for-one with each term.",
           "Every row is dC/dy itself: np.tile(dC_dy, (k, 1)) or np.stack([dC_dy] * k)."],
))


# --- 3. a template shared by every window: its gradient sums over positions -------------------


def _template_gradient(x: np.ndarray, dC_ds: np.ndarray) -> np.ndarray:
    # s_p = sum_j w_j x[p + j]  =>  dC/dw_j = sum_p dC/ds_p x[p + j]
    K = len(x) - len(dC_ds) + 1
    return sum(dC_ds[p] * x[p:p + K] for p in range(len(dC_ds)))


def _judge_template_gradient(fn) -> str | None:
    rng = np.random.default_rng(2)
    x, dC_ds = rng.normal(size=10), rng.normal(size=7)  # K = 4, P = 7
    raw = fn(x, dC_ds)
    got = as_array(raw)
    want = _template_gradient(x, dC_ds)
    K = 4
    if got.shape == (K,):
        for p in (0, len(dC_ds) - 1):
            if np.allclose(got, dC_ds[p] * x[p:p + K]):
                return (f"you used the window at position {p} only; the template is the same weights at "
                        "all P positions, so add every position's contribution")
        if np.allclose(got, want / len(dC_ds)):
            return "you averaged over positions; a weight used P times receives the SUM of its P gradients"
        if np.allclose(got, _template_gradient(x, dC_ds[::-1])):
            return ("you paired the gradients with the windows in reverse order (np.convolve flips its second "
                    "argument): dC/ds_p belongs to the window x[p : p + K] that starts at p")
        if np.allclose(got, want[::-1]):
            return "your gradient is reversed: s_p uses x[p + j] with w_j (cross-correlation), no flip"
    return compare_function(fn, _template_gradient, [(x, dC_ds), (np.arange(5.0), np.ones(5)),
                                                     (np.arange(6.0), np.array([1.0, -1.0]))],
                            what="template_gradient")


template_gradient = register(Exercise(
    name="shared_weights.template_gradient",
    question=("A template w of K weights slides over a signal x (L,): s_p = sum_j w_j x[p + j] for "
              "p = 0..P-1, P = L - K + 1. Given x and dC_ds (P,), return dC/dw, shape (K,)."),
    reference=_template_gradient,
    judge=_judge_template_gradient,
    hints=["K is len(x) - len(dC_ds) + 1. Think of a separate copy of w at every position p first.",
           "Copy p's gradient is dC/ds_p * x[p : p + K]; the shared w receives the sum over p."],
))


# --- 4. Ha, Dai & Le's parameter count -------------------------------------------------------


def _break_even_blocks(n_z: int, d: int, n_in: int, n_out: int, f_size: int) -> int | None:
    # hypernetwork: a fixed part (W_i, B_i for every input channel; W_out, B_out) plus N_z per block;
    # ordinary: N_in f N_out f per block. Smaller from the first D with fixed + N_z D < per_block D.
    fixed = n_in * (d * n_z + d) + f_size * n_out * f_size * (d + 1)
    per_block = n_in * f_size * n_out * f_size
    if n_z >= per_block:
        return None                                     # each block costs the hypernetwork at least as much
    return fixed // (per_block - n_z) + 1


_BREAK_EVEN_CASES = [
    (64, 64, 16, 16, 3),      # the residual network's blocks: 34
    (4, 4, 16, 16, 7),        # the MNIST setting: smaller from the first layer on
    (8, 8, 4, 4, 3),          # fixed 612, 144 - 8 per block: from 5 on (4.5 is not a number of blocks)
    (8, 16, 3, 5, 5),
    (200, 8, 2, 2, 3),        # N_z = 200 > 36 per kernel: never smaller
    (36, 8, 2, 2, 3),         # N_z = 36 = the kernel: never strictly smaller
    (3, 3, 1, 1, 3),          # fixed 48, 9 - 3 = 6 per block: equal at 8, smaller from 9 on (a tie is not smaller)
]


def _judge_break_even_blocks(fn) -> str | None:
    for case in _BREAK_EVEN_CASES:
        want, got = _break_even_blocks(*case), fn(*case)
        n_z, d, n_in, n_out, f = case
        if want is None:
            if got is not None:
                return (f"with N_z = {n_z} each block costs the hypernetwork {n_z} parameters and the ordinary layer "
                        f"{n_in * f * n_out * f}: the hypernetwork never catches up on its fixed part, so it is never "
                        f"smaller, so return None; you returned {got!r}")
            continue
        if got is None:
            return f"break_even_blocks{case} is {want}, not None: the hypernetwork does get smaller"
        fixed = n_in * (d * n_z + d) + f * n_out * f * (d + 1)
        per_block = n_in * f * n_out * f
        try:
            value = float(as_array(got))
        except (TypeError, ValueError):
            return f"break_even_blocks{case} should be a whole number of blocks (or None); got {got!r}"
        if value == fixed // per_block + 1 and value != want:
            return (f"break_even_blocks{case} is {got}: you left out the embedding z^j that every block adds "
                    f"({n_z} numbers each); the ordinary layer saves {per_block} - {n_z} per block, not {per_block}")
        no_biases = n_in * d * n_z + f * n_out * f * d
        if value == no_biases // (per_block - n_z) + 1 and value != want:
            return (f"break_even_blocks{case} is {got}: you left out the biases; the hypernetwork's fixed part has "
                    "B_i (d per input channel) and B_out (f N_out f) besides W_i and W_out")
        if value != want and value in (fixed / (per_block - n_z), fixed // (per_block - n_z), -(-fixed // (per_block - n_z))):
            return (f"break_even_blocks{case} is {got}: at that depth the hypernetwork is not yet smaller; the answer is "
                    "the first whole number of blocks at which it is strictly smaller")
        if value != want:
            return f"break_even_blocks{case} is {got}, expected {want}"
    return None


break_even_blocks = register(Exercise(
    name="shared_weights.break_even_blocks",
    question=("Write break_even_blocks(n_z, d, n_in, n_out, f_size) -> int or None: the smallest number of blocks D at "
              "which Ha, Dai & Le's static hypernetwork has fewer learnable parameters than D ordinary kernels "
              "(N_in f N_out f each), or None if it never has."),
    reference=_break_even_blocks,
    judge=_judge_break_even_blocks,
    hints=["Split the hypernetwork's count into what it pays once and what it pays per block.",
           "Per block the hypernetwork pays N_z and the ordinary layer N_in f N_out f: when can the first never catch up?",
           "fixed + N_z D < (N_in f N_out f) D: solve for the first whole D."],
))


# --- predict first: the break-even depth of Ha, Dai & Le's static hypernetwork ---------------------

#: residual-network blocks: the hypernetwork costs 75,920 parameters once and N_z = 64 per block; storing a
#: 16 x 16 x 3 x 3 kernel costs 2,304 per block. 75,920 + 64 D < 2,304 D from D = 34 on.
_BREAK_EVEN = 34


def _judge_break_even_depth(answer) -> str | None:
    try:
        value = float(as_array(answer))
    except (TypeError, ValueError):
        return f"give a whole number of blocks, got {answer!r}"
    if value == 33:
        return ("at D = 33 the hypernetwork still costs 75,920 + 64 x 33 = 78,032 against 2,304 x 33 = 76,032: "
                "75,920 / 2,304 = 32.95 forgets that each block also adds its own embedding of 64")
    if value != int(value):
        return "a number of blocks is a whole number: the first D at which the hypernetwork is smaller"
    return judge_number(answer, _BREAK_EVEN, what="your break-even depth", rtol=0.0, atol=0.0, hints={
        "too small: at that depth the hypernetwork's 75,920 fixed parameters are still more than the kernels": lambda v: v < 33,
        "too large: the hypernetwork is already the smaller one before that depth": lambda v: v > 34,
    })


break_even_depth = register(Exercise(
    name="shared_weights.break_even_depth",
    question=("Predict before the table: residual-network blocks of 16 x 16 channels and 3 x 3 kernels, N_z = d = 64. "
              "The static hypernetwork costs 75,920 parameters once, plus its embedding z^j of N_z = 64 per block; "
              "storing each block's kernel costs 16 x 16 x 3 x 3 = 2,304. From how many blocks D on is the "
              "hypernetwork the smaller of the two?"),
    reference=_BREAK_EVEN,
    judge=_judge_break_even_depth,
    kind="prediction",
    hints=["Write both counts as a function of D and find where they cross.",
           "75,920 + 64 D < 2,304 D: solve for D, then take the first whole number above it."],
    solution_text="34: 75,920 + 64 D < 2,304 D  <=>  D > 75,920 / 2,240 = 33.9, so from D = 34 on.",
))
