"""Self-checking exercises.

An exercise holds a question, a reference answer and a judge. In a notebook::

    from lecturekit.exercises import progress
    from lecturekit.exercises import rnn_gradients as ex

    def steps_to_vanish(scale, tolerance):
        ...  # your code here
        raise NotImplementedError

    ex.steps_to_vanish.check(steps_to_vanish)   # shows the verdict
    ex.steps_to_vanish.hint()                   # one more hint at each call
    ex.steps_to_vanish.solution()
    progress(ex)                                        # this notebook's exercises: done, not yet, not attempted

``check`` never raises and prints nothing: it returns a :class:`Verdict`, which a notebook shows
as one line ("Correct!", "Not yet: ...", or "not attempted yet") and which is true exactly when the
answer is right (``if ex.x.check(f): ...``). An unfilled stub (``...``, ``None`` or a function that
raises ``NotImplementedError``) is "not attempted yet", so "Restart and run all" works on a fresh
copy. A *prediction* exercise takes a value instead of a function: the student commits to it
(a number, or one of a few choices) before the next cell shows the answer.

Each topic lives in a submodule of this package (``rnn_gradients``, ``conv``, ...). ``registry``
maps every exercise's name to its object: reading it imports every topic module (importing one
topic, as a notebook does, imports only that one: some need torch, some do not).

With the environment variable ``LECTUREKIT_SOLUTIONS=hidden`` (an instructor sets it on a class's
server for graded work) ``solution()`` says that the solutions are hidden; hints and checks work
as before.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import textwrap
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable

__all__ = ["Exercise", "Verdict", "Progress", "registry", "register", "choice", "progress", "verdicts", "NOT_ATTEMPTED",
           "CORRECT", "WRONG", "SOLUTIONS_HIDDEN"]

NOT_ATTEMPTED, CORRECT, WRONG = "not attempted", "correct", "wrong"

#: what solution() says when the instructor has hidden the solutions (LECTUREKIT_SOLUTIONS=hidden)
SOLUTIONS_HIDDEN = ("The instructor has hidden the solutions for this course (graded work). "
                    "hint() still works; ask your instructor if you are stuck.")

_registered: dict[str, "Exercise"] = {}
_last: dict[str, "Verdict"] = {}   # this kernel's last verdict on each exercise, by name


@dataclass(frozen=True)
class Verdict:
    """What ``check`` says about one answer: shown as one line, true exactly when the answer is right.

    ``status`` is "correct", "wrong" or "not attempted"; ``message`` says what is wrong (empty when right).
    """

    name: str
    status: str
    message: str = ""
    answer: Any = field(default=None, repr=False, compare=False)   # what was judged (a grader judges it again)

    @property
    def ok(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        if self.status == CORRECT:
            return f"[{self.name}] Correct!"
        if self.status == NOT_ATTEMPTED:
            return f"[{self.name}] not attempted yet: fill in the cell above, then run it again."
        return f"[{self.name}] Not yet: {self.message}"

    __str__ = __repr__


@dataclass
class Exercise:
    """One exercise: a question, a reference answer and a judge.

    ``judge(answer)`` returns ``None`` when the answer is right, or a sentence that says what is
    wrong (it may raise: ``check`` turns that into a verdict too). ``reference`` is the reference
    answer: a function, or for a prediction (``kind="prediction"``) the right value.
    ``solution_text`` defaults to the source of ``reference`` when it is a function.
    """

    name: str
    question: str
    reference: Any
    judge: Callable[[Any], str | None]
    hints: list[str] = field(default_factory=list)
    solution_text: str | None = None
    kind: str = "function"          # "function": the answer is a function; "prediction": a value
    options: tuple = ()             # a prediction's choices, when it is one of a few (tests try every wrong one)
    _hints_shown: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in ("function", "prediction"):
            raise ValueError(f"kind must be 'function' or 'prediction'; got {self.kind!r}")

    def verdict(self, answer: Any) -> Verdict:
        """Judge ``answer`` without recording it: a :class:`Verdict`. Never raises."""
        if answer is None or answer is Ellipsis:
            return Verdict(self.name, NOT_ATTEMPTED)
        try:
            problem = self.judge(answer)
        except NotImplementedError:
            return Verdict(self.name, NOT_ATTEMPTED)
        except Exception as err:  # a student's answer may fail in any way: report it
            return Verdict(self.name, WRONG, f"your answer raised {type(err).__name__}: {err}")
        if problem is None:
            return Verdict(self.name, CORRECT)
        return Verdict(self.name, WRONG, problem)

    def check(self, answer: Any) -> Verdict:
        """Judge ``answer`` and remember the verdict for :func:`progress`. Never raises; prints nothing."""
        result = self.verdict(answer)
        result = Verdict(result.name, result.status, result.message, answer)
        _last[self.name] = result
        return result

    def hint(self) -> None:
        """Print the next hint (each call shows one more)."""
        if not self.hints:
            print(f"[{self.name}] No hint for this one: look at the equation above the exercise.")
            return
        shown = min(self._hints_shown + 1, len(self.hints))
        self._hints_shown = shown
        for i, text in enumerate(self.hints[:shown], 1):
            print(f"[{self.name}] Hint {i}/{len(self.hints)}: {text}")

    def solution(self) -> None:
        """Print a reference solution (unless the instructor has hidden them: ``LECTUREKIT_SOLUTIONS=hidden``)."""
        if solutions_hidden():
            print(f"[{self.name}] {SOLUTIONS_HIDDEN}")
            return
        print(self.solution_source())

    def solution_source(self) -> str:
        if self.solution_text is not None:
            return textwrap.dedent(self.solution_text).strip()
        if callable(self.reference):
            return textwrap.dedent(inspect.getsource(self.reference)).strip()
        return repr(self.reference)


def choice(*, name: str, question: str, options: tuple[str, ...], correct: str, why: dict[str, str],
           hints: list[str], solution_text: str) -> Exercise:
    """A predict-first exercise whose answer is one of a few ``options``: ``why[option]`` says, for each wrong
    option, what actually happens (judged by :func:`~lecturekit.exercises.judge.judge_choice`)."""
    from .judge import judge_choice
    if correct not in options or set(why) != set(options) - {correct}:
        raise ValueError(f"{name}: correct must be one of the options, and why must explain every other option")
    return Exercise(name=name, question=question, reference=correct, kind="prediction", options=tuple(options),
                    judge=lambda answer: judge_choice(answer, options, correct, why), hints=list(hints),
                    solution_text=solution_text)


def solutions_hidden() -> bool:
    """True when ``LECTUREKIT_SOLUTIONS=hidden`` is set (case and spaces do not matter)."""
    return os.environ.get("LECTUREKIT_SOLUTIONS", "").strip().lower() == "hidden"


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to ``registry``; a name may be registered once."""
    if exercise.name in _registered:
        raise ValueError(f"an exercise named {exercise.name!r} is registered already")
    _registered[exercise.name] = exercise
    return exercise


def verdicts() -> dict[str, Verdict]:
    """This kernel's last verdict on each exercise checked so far, by name (a copy)."""
    return dict(_last)


@dataclass(frozen=True)
class Progress:
    """One notebook's exercises and where the student stands on each, shown as a small table."""

    topic: str
    rows: tuple[tuple[str, str, str], ...]   # (exercise name, status, message)

    @property
    def done(self) -> int:
        return sum(status == CORRECT for _, status, _ in self.rows)

    def __repr__(self) -> str:
        marks = {CORRECT: "done      ", WRONG: "not yet   ", NOT_ATTEMPTED: "not tried "}
        lines = [f"{self.topic}: {self.done} of {len(self.rows)} exercises done"]
        for name, status, message in self.rows:
            short = name.split(".", 1)[1]
            note = f"  ({message})" if status == WRONG and message else ""
            if len(note) > 90:
                note = note[:87] + "...)"
            lines.append(f"  {marks[status]} {short}{note}")
        return "\n".join(lines)

    __str__ = __repr__


def progress(topic: ModuleType | str) -> Progress:
    """The exercises of one topic (a module such as ``lecturekit.exercises.rnn_gradients``, or its
    name "rnn_gradients") in the order they were registered, each with its last verdict in this kernel."""
    name = topic.__name__.rsplit(".", 1)[-1] if isinstance(topic, ModuleType) else str(topic)
    try:
        importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError:
        topics = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_") and m.name != "judge")
        raise ValueError(f"no exercises for topic {name!r}; the topics are {topics}") from None
    rows = []
    for ex_name in _registered:
        if ex_name.split(".", 1)[0] == name:
            v = _last.get(ex_name, Verdict(ex_name, NOT_ATTEMPTED))
            rows.append((ex_name, v.status, v.message))
    return Progress(topic=name, rows=tuple(rows))


def __getattr__(name: str):
    if name == "registry":  # every exercise of every notebook, by name ("topic.name")
        for module in pkgutil.iter_modules(__path__):
            if not module.name.startswith("_") and module.name != "judge":
                importlib.import_module(f"{__name__}.{module.name}")
        return _registered
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
