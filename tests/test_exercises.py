"""Every registered exercise: the reference passes, unfilled stubs say "not attempted", nothing raises."""

import math

import numpy as np
import pytest

from lecturekit import exercises
from lecturekit.exercises import rnn_gradients

ALL = sorted(exercises.registry)


def test_every_notebook_registers_exercises():
    assert any(name.startswith("rnn_gradients.") for name in ALL)


@pytest.mark.parametrize("name", ALL)
def test_reference_passes(name, capsys):
    ex = exercises.registry[name]
    assert ex.check(ex.reference) is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("name", ALL)
def test_unfilled_stub_is_not_attempted_and_never_raises(name, capsys):
    ex = exercises.registry[name]

    def stub(*args, **kwargs):
        raise NotImplementedError

    for answer in (stub, None, ...):
        assert ex.check(answer) is False
        assert "not attempted yet" in capsys.readouterr().out


@pytest.mark.parametrize("name", ALL)
def test_answers_that_crash_are_reported_not_raised(name, capsys):
    ex = exercises.registry[name]

    def broken(*args, **kwargs):
        return 1 / 0

    assert ex.check(broken) is False
    assert "ZeroDivisionError" in capsys.readouterr().out


@pytest.mark.parametrize("name", ALL)
def test_hint_and_solution_print_something(name, capsys):
    ex = exercises.registry[name]
    ex.hint()
    ex.solution()
    out = capsys.readouterr().out
    assert "Hint 1" in out and len(out) > 40


@pytest.mark.parametrize("answer, expected", [
    (lambda s, k: s ** (k - 1), "three times, not twice"),
    (lambda s, k: s * k, "expected 0.125"),
])
def test_gradient_norm_after_wrong_answers(answer, expected, capsys):
    assert rnn_gradients.gradient_norm_after.check(answer) is False
    assert expected in capsys.readouterr().out


@pytest.mark.parametrize("answer, expected", [
    (lambda s, t: math.ceil(math.log(t) / math.log(s)), "not yet below it"),
    (lambda s, t: math.log(t) / math.log(s), "whole number"),
    (lambda s, t: 10, "the first k with"),
])
def test_steps_to_vanish_wrong_answers(answer, expected, capsys):
    assert rnn_gradients.steps_to_vanish.check(answer) is False
    assert expected in capsys.readouterr().out


@pytest.mark.parametrize("answer, expected", [
    (lambda W, z: (1 - np.tanh(W @ z) ** 2) * W, "ROWS"),
    (lambda W, z: W, "linear recurrence"),
    (lambda W, z: np.diag(1 - np.tanh(W @ z) ** 2), "differs"),
    (lambda W, z: np.zeros(3), "shape"),
])
def test_tanh_step_jacobian_wrong_answers(answer, expected, capsys):
    assert rnn_gradients.tanh_step_jacobian.check(answer) is False
    assert expected in capsys.readouterr().out
