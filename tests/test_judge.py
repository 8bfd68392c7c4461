"""The judges' building blocks: fair tolerances by precision, messages that say what differs."""

import numpy as np
import pytest
import torch

from lecturekit.exercises.judge import (as_array, compare_function, compare_values, judge_choice, judge_number,
                                        precision)


def test_precision_of_every_form_a_student_writes():
    assert precision(np.float32(1.0)) == precision(np.ones(3, np.float32)) == "float32"
    assert precision(torch.ones(2)) == precision(torch.ones(2, requires_grad=True)) == "float32"
    assert precision(1.0) == precision([1.0, 2.0]) == precision(np.ones(2)) == precision(3) == "float64"
    assert precision(torch.ones(2, dtype=torch.float64)) == "float64"
    assert precision([torch.ones(2), torch.ones(2)]) == "float32"
    assert precision(torch.ones(2, dtype=torch.float16)) == "float16"


def test_as_array_takes_tensors_that_require_grad_and_lists_of_tensors():
    t = torch.tensor([1.0, 2.0], requires_grad=True) * 2
    np.testing.assert_array_equal(as_array(t), [2.0, 4.0])
    np.testing.assert_array_equal(as_array([torch.tensor(1.0), torch.tensor(3.0)]), [1.0, 3.0])
    assert as_array(np.float32(0.5)).dtype == np.float64


def test_float32_rounding_passes_a_float64_tolerance_does_not():
    exact = np.array([2.241310123456789, -0.8406634567])
    rounded = exact.astype(np.float32)
    assert compare_values(rounded, exact, rtol=1e-9) is None            # the float32 floor applies
    assert compare_values(rounded.astype(np.float64), exact, rtol=1e-9) is not None  # a float64 answer must be exact
    assert compare_values(torch.tensor(rounded, requires_grad=True), exact, rtol=1e-9) is None
    assert compare_values(rounded * 1.001, exact) is not None           # a real error still fails in float32


def test_a_mismatch_never_looks_like_a_match():
    got, want = 2.2413100, 2.2413109
    message = compare_values(got, want, rtol=1e-9, atol=0)
    assert message is not None
    shown = message.split(" is ")[1].split(", expected ")
    assert shown[0] != shown[1].split(" ")[0]
    assert "tolerance for a float64 answer" in message and "differ by 9e-07" in message
    message = compare_values(np.array([1.0, 2.2413100]), np.array([1.0, 2.2413109]), rtol=1e-9, atol=0)
    assert "index (1,)" in message
    a, b = message.split(": ", 1)[1].split(" (")[0].split(" instead of ")
    assert a != b and float(a) == 2.24131 and float(b) == 2.241311


def test_shape_nan_and_type_messages():
    assert "shape (2,), expected (3,)" in compare_values(np.ones(2), np.ones(3))
    assert "NaN" in compare_values(np.array([1.0, np.nan]), np.ones(2))
    assert "should be a number" in compare_values("abc", 1.0)


def test_compare_function_names_the_case():
    message = compare_function(lambda x: x + 1, lambda x: x, [(1,), (np.ones(2),)], what="f")
    assert message.startswith("f(1) is 2")
    assert compare_function(3, lambda x: x, [(1,)]) == "expected a function, got int"


def test_judge_choice():
    why = {"exploding": "it would grow", "propagating": "it would stay"}
    options = ("exploding", "vanishing", "propagating")
    assert judge_choice(" Vanishing ", options, "vanishing", why) is None
    assert judge_choice("exploding", options, "vanishing", why) == "it would grow"
    assert "one of 'exploding'" in judge_choice("big", options, "vanishing", why)
    assert "one of" in judge_choice(3, options, "vanishing", why)


def test_judge_number():
    assert judge_number(0.101, 0.1, rtol=0.05) is None
    assert judge_number(torch.tensor(0.1), 0.1) is None
    assert judge_number(2.0, 0.1, hints={"that is the linear case": lambda x: x > 1}) == "that is the linear case"
    assert "measured value is 0.1" in judge_number(0.5, 0.1)
    assert "finite" in judge_number(float("inf"), 0.1)
    assert "should be a number" in judge_number("x", 0.1)


def test_judge_choice_ignores_case_spaces_and_commas():
    from lecturekit.exercises.judge import judge_choice
    why = {"b_r = -12": "closed", "dilations 1, 2, 4, 8": "same field"}
    options = ("b_r = -12", "b_r = 0", "dilations 1, 2, 4, 8")
    assert judge_choice("B_R=0", options, "b_r = 0", why) is None
    assert judge_choice("dilations 1,2,4,8", options, "b_r = 0", why) == "same field"
    assert "answer with one of" in judge_choice("0", options, "b_r = 0", why)


@pytest.mark.parametrize("spelling, option", [("b_r=12", "b_r = +12"), ("nowhere it vanishes", "nowhere: it vanishes"),
                                              ("same", "the same"), ("B_R = -12", "b_r = -12")])
def test_a_choice_ignores_colons_a_plus_sign_and_a_leading_the(spelling, option):
    from lecturekit.exercises.judge import judge_choice
    options = ["b_r = -12", "b_r = +12", "nowhere: it vanishes", "the same"]
    assert judge_choice(spelling, options, option, {o: "no" for o in options if o != option}) is None
