"""Exercises of notebook 04: GRU and LSTM from the lecture's equations."""

from __future__ import annotations

import numpy as np

from . import Exercise, choice, register
from .judge import as_array, compare_function, compare_values

GRU_NAMES = ("W_z", "U_z", "b_z", "W_r", "U_r", "b_r", "W_h", "U_h", "b_h")


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def gru_case(seed: int, input_size: int = 3, hidden_size: int = 4):
    """A test case for ``torch_gru_step``: x (input,), h (hidden,) and a dict of the parameters of torch's GRU
    (the lecture's nine, W_z ... b_h, and b_hn), numpy, with biases large enough to matter."""
    rng = np.random.default_rng(seed)
    p = {}
    for name in GRU_NAMES + ("b_hn",):
        shape = {"W": (hidden_size, input_size), "U": (hidden_size, hidden_size), "b": (hidden_size,)}[name[0]]
        p[name] = rng.normal(0.0, 0.7, size=shape)
    return rng.normal(size=input_size), rng.uniform(-1, 1, size=hidden_size), p


# --- 1. one step of torch's GRU, from its equation -------------------------------------------------


def _torch_gru_step(x, h, p):
    z = _sigmoid(p["W_z"] @ x + p["U_z"] @ h + p["b_z"])                          # update gate
    r = _sigmoid(p["W_r"] @ x + p["U_r"] @ h + p["b_r"])                          # reset gate
    n = np.tanh(p["W_h"] @ x + p["b_h"] + r * (p["U_h"] @ h + p["b_hn"]))          # candidate: reset AFTER U_h
    return z * h + (1 - z) * n


def _lecture_gru_step(x, h, p):
    # a typical mistake here: the lecture's convention, reset before U_h and no b_hn
    z = _sigmoid(p["W_z"] @ x + p["U_z"] @ h + p["b_z"])
    r = _sigmoid(p["W_r"] @ x + p["U_r"] @ h + p["b_r"])
    return z * h + (1 - z) * np.tanh(p["W_h"] @ x + p["U_h"] @ (r * h) + p["b_h"])


def _variant(x, h, p, *, b_hn_inside=True, use_b_hn=True, swapped=False):
    z = _sigmoid(p["W_z"] @ x + p["U_z"] @ h + p["b_z"])
    r = _sigmoid(p["W_r"] @ x + p["U_r"] @ h + p["b_r"])
    b_hn = p["b_hn"] if use_b_hn else 0.0
    inner = r * (p["U_h"] @ h + b_hn) if b_hn_inside else r * (p["U_h"] @ h) + b_hn
    n = np.tanh(p["W_h"] @ x + p["b_h"] + inner)
    return (1 - z) * h + z * n if swapped else z * h + (1 - z) * n


def _judge_torch_gru_step(fn) -> str | None:
    cases = [gru_case(seed) for seed in range(4)] + [gru_case(9, input_size=5, hidden_size=2)]
    x, h, p = cases[0]
    got = fn(x, h, {k: v.copy() for k, v in p.items()})
    if compare_values(got, _lecture_gru_step(x, h, p)) is None:
        return ("that is the lecture's convention, U_h (r_t * h_(t-1)) with no b_hn; torch resets after the matrix: "
                "r_t * (U_h h_(t-1) + b_hn)")
    if compare_values(got, _variant(x, h, p, use_b_hn=False)) is None:
        return "right except for b_hn: torch adds the extra bias b_hn to U_h h_(t-1), inside the reset gate's product"
    if compare_values(got, _variant(x, h, p, b_hn_inside=False)) is None:
        return "b_hn sits inside the product with r_t: r_t * (U_h h_(t-1) + b_hn), so a closed reset gate drops it too"
    if compare_values(got, _variant(x, h, p, swapped=True)) is None:
        return ("z_t and 1 - z_t are swapped. Some sources (Chung et al. 2014) write the update gate that way round, "
                "but torch and the lecture both write h_t = z_t * h_(t-1) + (1 - z_t) * n_t: use that here")
    return compare_function(fn, _torch_gru_step, cases, what="torch_gru_step")


torch_gru_step = register(Exercise(
    name="gru_lstm.torch_gru_step",
    question=("Write torch_gru_step(x, h, p) -> h_t: one step of torch's GRU convention in numpy, from its equation "
              "(the reset gate after U_h, with the extra bias b_hn). x is (input,), h is h_(t-1) (hidden,), p a dict of "
              "numpy arrays W_z U_z b_z W_r U_r b_r W_h U_h b_h b_hn."),
    reference=_torch_gru_step,
    judge=_judge_torch_gru_step,
    hints=["The gates z_t and r_t are the same as in the lecture's GRU; only the candidate changes.",
           "Read the torch candidate term by term: which terms does r_t multiply?",
           "n_t = tanh(W_h x + b_h + r * (U_h h + b_hn)), then h_t = z * h + (1 - z) * n_t."],
))


# --- 2. the adding problem's baseline ---------------------------------------------------------------


def _remembered_mse(k: int) -> float:
    # remembering u2 only, the best guess is u2 + E[u1] = u2 + 1/2: the error is u1 - 1/2, of variance 1/12.
    # Each forgotten value leaves its variance 1/12 (a uniform value on [0, 1]); remembered ones leave nothing.
    return (2 - k) / 12


def _judge_remembered_mse(fn) -> str | None:
    got = {k: fn(k) for k in (0, 1, 2)}
    if compare_values(got[0], 1 / 3) is None:
        return ("your remembered_mse(0) returns 1/3: the variance of one uniform value on [0, 1] is 1/12, so two forgotten values "
                "leave 1/12 + 1/12 = 1/6 (the constant's MSE above)")
    if compare_values(got[1], 1 / 6) is None:
        return ("your remembered_mse(1) returns 1/6, as if remembering u2 did not help: the best guess is then u2 + 1/2, and only "
                "the forgotten u1 is left to err, with variance 1/12")
    if (compare_values(got[0], 1 / 6) is None and compare_values(got[1], 1 / 12) is None
            and compare_values(got[2], 0.0) is not None):
        return (f"remembered_mse(2) is {float(as_array(got[2])):.4g}: a model that remembers both values can add them, "
                "and has nothing left to guess")
    return compare_function(fn, _remembered_mse, [(0,), (1,), (2,)], what="remembered_mse")


remembered_mse = register(Exercise(
    name="gru_lstm.remembered_mse",
    question=("On the adding problem y = u1 + u2 (u1, u2 independent, uniform on [0, 1]) a model that remembers k of the "
              "two marked values (k = 0, 1 or 2) predicts best the remembered ones plus the mean of the forgotten ones. "
              "Write remembered_mse(k): the MSE it gets."),
    reference=_remembered_mse,
    judge=_judge_remembered_mse,
    hints=["With k = 0 the model predicts the constant 1: the cell above measures its MSE, 1/6. Where does 1/6 come from?",
           "Remembering u2 only, the best guess is u2 + 1/2: the error is u1 - 1/2. What is its mean square?",
           "Each forgotten value contributes the variance of a uniform value on [0, 1], 1/12."],
))


# --- 3. why a forget-gate bias of 1 helps ---------------------------------------------------------


def _cell_gradient_after(b_f: float, k: int) -> float:
    # with f_t = sigma(b_f) at every step, c_t = f_t c_(t-1) + ...: dc_T/dc_(T-k) = sigma(b_f)**k
    return float(_sigmoid(b_f) ** k)


def _judge_cell_gradient_after(fn) -> str | None:
    got = fn(1.0, 3)
    if compare_values(got, 1.0) is None:
        return "the forget gate is sigma(b_f), not b_f itself: with b_f = 1 it is 0.731, and 0.731**3 = 0.39."
    if compare_values(got, _sigmoid(1.0) * 3) is None:
        return "each step multiplies the gradient by f_t: k steps multiply it k times (a power), not k times added."
    if compare_values(got, (1 - _sigmoid(1.0)) ** 3) is None:
        return "the self-loop is c_t = f_t * c_(t-1) + ...: the factor is f_t = sigma(b_f), not 1 - f_t."
    return compare_function(fn, _cell_gradient_after, [(1.0, 3), (0.0, 10), (1.0, 10), (3.0, 50), (-1.0, 1), (2.0, 0)],
                            what="cell_gradient_after")


cell_gradient_after = register(Exercise(
    name="gru_lstm.cell_gradient_after",
    question=("Take an LSTM whose forget gate is f_t = sigma(b_f) at every step (its W_f, U_f contribute "
              "nothing). Write cell_gradient_after(b_f, k) = dc_T / dc_(T-k) along the cell's self-loop, "
              "then compare b_f = 0 (torch's default) with b_f = 1 over k = 20 steps."),
    reference=_cell_gradient_after,
    judge=_judge_cell_gradient_after,
    hints=["c_t = f_t * c_(t-1) + i_t * c~_t: one step back along the self-loop multiplies by f_t.",
           "k steps: sigma(b_f)**k. sigma(0) = 0.5 halves the gradient at every step; sigma(1) = 0.73."],
))


# --- predict first: where the two GRU conventions differ ------------------------------------------

where_conventions_differ = register(choice(
    name="gru_lstm.where_conventions_differ",
    question=("Predict before the next cell: give both GRU variants the same parameters (b_hn = 0) and set the "
              "reset gate's bias b_r. At which bias do their states differ the most? "
              'Answer "b_r = -12", "b_r = 0" or "b_r = +12".'),
    options=("b_r = -12", "b_r = 0", "b_r = +12"),
    correct="b_r = 0",
    why={
        "b_r = -12": ("with b_r = -12 every reset gate is about sigma(-12) = 6e-6: r_t is (nearly) 0 in every unit, "
                      "so both candidates drop U_h h_(t-1) and agree"),
        "b_r = +12": ("with b_r = +12 every reset gate is about 1 in every unit: U_h (1 * h) = 1 * (U_h h), so the "
                      "two agree"),
    },
    hints=["The two candidates differ by U_h (r * h) against r * (U_h h): when are these the same?",
           "A matrix commutes with diag(r) when all entries of r are equal. At which bias are they all (nearly) equal?"],
    solution_text=("b_r = 0: the reset gates sit around 0.5 and differ from unit to unit, so diag(r) and U_h do not "
                   "commute. At b_r = -12 (r = 0) and +12 (r = 1) the two agree."),
))
