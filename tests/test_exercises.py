"""Every registered exercise: fair to right answers in every form, never raising, never silent.

For each exercise: the reference passes, also as float32 numpy and as a float32 tensor that
requires grad; an unfilled stub is "not attempted yet"; an answer that crashes is reported; the
verdict shows as one line and is truthy exactly when right; hints and solutions print, and
solutions can be hidden for graded work. A prediction's every wrong choice fails with its own
reason. Each topic's wrong answers are tested in tests/test_exercises_<topic>.py.
"""

from pathlib import Path

import numpy as np
import pytest
import torch

from lecturekit import exercises
from lecturekit.exercises import Verdict, progress

ALL = sorted(exercises.registry)
FUNCTIONS = [n for n in ALL if exercises.registry[n].kind == "function"]
PREDICTIONS = [n for n in ALL if exercises.registry[n].kind == "prediction"]
TOPICS = sorted({n.split(".")[0] for n in ALL})
NOTEBOOK_TOPICS = ["shared_weights", "rnn_gradients", "rnn_tricks", "gru_lstm", "seq2seq", "conv", "stride_dilation",
                   "pooling"]


def test_every_notebook_has_three_exercises_and_a_prediction():
    assert TOPICS == sorted(NOTEBOOK_TOPICS)
    for topic in NOTEBOOK_TOPICS:
        names = [n for n in ALL if n.startswith(topic + ".")]
        assert len(names) >= 3, (topic, names)
        assert any(exercises.registry[n].kind == "prediction" for n in names), f"{topic} has no predict-first exercise"
        # its typical wrong answers, and one that fits only the notebook's case, in a file of its own
        tests = Path(__file__).with_name(f"test_exercises_{topic}.py")
        assert tests.exists() and "assert_every_exercise_covered" in tests.read_text(), f"{tests.name} is missing"


@pytest.mark.parametrize("name", ALL)
def test_reference_passes(name):
    ex = exercises.registry[name]
    v = ex.check(ex.reference)
    assert isinstance(v, Verdict) and v.ok and bool(v) is True
    assert repr(v) == f"[{name}] Correct!"


def _cast(value, to):
    """A reference's result in another form: float32 numpy, or a float32 tensor that requires grad."""
    if isinstance(value, (bool, int, np.integer, str)) or value is None:
        return value  # whole numbers and choices have no float32 form
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(v, to) for v in value)
    array = np.asarray(value.detach().numpy() if hasattr(value, "detach") else value)
    if not np.issubdtype(array.dtype, np.floating):
        return value
    if to == "numpy":
        return array.astype(np.float32)
    return torch.tensor(array.copy(), dtype=torch.float32, requires_grad=True)


@pytest.mark.parametrize("to", ["numpy", "torch"])
@pytest.mark.parametrize("name", FUNCTIONS)
def test_reference_in_float32_passes(name, to):
    ex = exercises.registry[name]
    v = ex.check(lambda *args, **kwargs: _cast(ex.reference(*args, **kwargs), to))
    assert v.ok, f"{name} rejects the float32 {to} form of its own reference: {v.message}"


@pytest.mark.parametrize("name", ALL)
def test_unfilled_stub_is_not_attempted_and_never_raises(name):
    ex = exercises.registry[name]

    def stub(*args, **kwargs):
        raise NotImplementedError

    for answer in (stub, None, ...) if ex.kind == "function" else (None, ...):
        v = ex.check(answer)
        assert not v and v.status == "not attempted"
        assert "not attempted yet" in repr(v)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_answers_that_crash_are_reported_not_raised(name):
    ex = exercises.registry[name]

    def broken(*args, **kwargs):
        return 1 / 0

    v = ex.check(broken)
    assert not v and "ZeroDivisionError" in repr(v)


@pytest.mark.parametrize("name", PREDICTIONS)
def test_every_wrong_choice_of_a_prediction_fails_with_its_reason(name):
    ex = exercises.registry[name]
    if not ex.options:
        pytest.skip(f"{name} asks for a number: its wrong answers are tested with its topic")
    reasons = set()
    for option in ex.options:
        v = ex.check(option)
        if option == ex.reference:
            assert v.ok
        else:
            assert not v and v.message, (name, option)
            reasons.add(v.message)
    assert len(reasons) == len(ex.options) - 1, f"{name}: two wrong choices share one explanation"
    assert not ex.check("none of these") and "one of" in ex.check("none of these").message


@pytest.mark.parametrize("name", ALL)
def test_hint_and_solution_print_something(name, capsys):
    ex = exercises.registry[name]
    ex.hint()
    ex.solution()
    out = capsys.readouterr().out
    assert "Hint 1" in out and len(out) > 40


def test_solutions_hidden_for_graded_work(monkeypatch, capsys):
    ex = exercises.registry[ALL[0]]
    monkeypatch.setenv("LECTUREKIT_SOLUTIONS", "hidden")
    ex.solution()
    ex.hint()
    out = capsys.readouterr().out
    assert "hidden the solutions" in out and "Hint 1" in out
    assert ex.solution_source() not in out
    monkeypatch.setenv("LECTUREKIT_SOLUTIONS", "shown")
    ex.solution()
    assert ex.solution_source() in capsys.readouterr().out


def test_progress_shows_this_kernels_last_verdicts(monkeypatch):
    monkeypatch.setattr(exercises, "_last", {})   # a fresh kernel: nothing checked yet
    topic = "rnn_gradients"
    names = [n for n in exercises.registry if n.startswith(topic + ".")]   # in the order they were registered
    first, second = exercises.registry[names[0]], exercises.registry[names[1]]
    first.check(lambda *a: 1 / 0)
    first.check(first.reference)            # the last verdict counts
    second.check(lambda *a: 1 / 0)
    p = progress(topic)
    assert [row[0] for row in p.rows] == names
    status = {name: s for name, s, _ in p.rows}
    assert status[first.name] == "correct" and status[second.name] == "wrong"
    text = repr(p)
    assert text.startswith(f"{topic}: 1 of {len(names)} exercises done")
    assert "ZeroDivisionError" in text and "not tried" in text
    assert progress(exercises.rnn_gradients).rows == p.rows
    with pytest.raises(ValueError, match="the topics are"):
        progress("no_such_topic")


def test_a_verdict_is_one_line_and_a_bool():
    v = Verdict("t.x", "wrong", "the sign is flipped")
    assert not v and repr(v) == "[t.x] Not yet: the sign is flipped" and str(v) == repr(v)
    assert Verdict("t.x", "correct") and not Verdict("t.x", "not attempted")


def test_a_choice_prediction_must_explain_every_wrong_option():
    kwargs = dict(name="t.x", question="?", options=("a", "b", "c"), hints=[], solution_text="a")
    with pytest.raises(ValueError, match="explain every other option"):
        exercises.choice(**kwargs, correct="a", why={"b": "no"})
    with pytest.raises(ValueError, match="one of the options"):
        exercises.choice(**kwargs, correct="d", why={"a": "", "b": "", "c": ""})
    ex = exercises.choice(**kwargs, correct="a", why={"b": "because b", "c": "because c"})
    assert ex.kind == "prediction" and ex.check(" A ") and ex.check("c").message == "because c"
