"""Self-checking exercises.

An exercise holds a reference answer and a judge. In a notebook::

    from lecturekit.exercises import rnn_gradients as ex

    def gradient_norm_after(scale, k):
        ...  # your code here
        raise NotImplementedError

    ex.gradient_norm_after.check(gradient_norm_after)   # prints a verdict, returns True/False
    ex.gradient_norm_after.hint()
    ex.gradient_norm_after.solution()

``check`` never raises: an unfilled stub (``...``, ``None`` or a function that raises
``NotImplementedError``) prints "not attempted yet", and an answer that is wrong or that
raises prints what went wrong. So "Restart and run all" works on a fresh copy.

Each topic lives in a submodule of this package (``rnn_gradients``, ``conv``, ...).
``registry`` maps every exercise's name to its object: reading it imports every topic module
(importing one topic, as a notebook does, imports only that one: some need torch, some do not).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["Exercise", "registry", "register", "NOT_ATTEMPTED"]

NOT_ATTEMPTED = "not attempted yet"

_registered: dict[str, "Exercise"] = {}


@dataclass
class Exercise:
    """One exercise: a question, a reference answer and a judge.

    ``judge(answer)`` returns ``None`` when the answer is right, or a sentence that says
    what is wrong (it may raise: ``check`` turns that into a verdict too).
    ``reference`` is the reference answer (a value or a function); ``check(reference)``
    is True, which the test suite asserts for every registered exercise.
    ``solution_text`` defaults to the source of ``reference`` when it is a function.
    """

    name: str
    question: str
    reference: Any
    judge: Callable[[Any], str | None]
    hints: list[str] = field(default_factory=list)
    solution_text: str | None = None
    _hints_shown: int = field(default=0, repr=False)

    def verdict(self, answer: Any) -> tuple[bool, str]:
        """Judge ``answer`` silently: ``(correct, message)``. Never raises."""
        if answer is None or answer is Ellipsis:
            return False, NOT_ATTEMPTED
        try:
            problem = self.judge(answer)
        except NotImplementedError:
            return False, NOT_ATTEMPTED
        except Exception as err:  # a student's answer may fail in any way: report it
            return False, f"your answer raised {type(err).__name__}: {err}"
        if problem is None:
            return True, "correct"
        return False, problem

    def check(self, answer: Any) -> bool:
        """Print a verdict on ``answer`` and return whether it is right. Never raises."""
        ok, message = self.verdict(answer)
        if message == NOT_ATTEMPTED:
            print(f"[{self.name}] {NOT_ATTEMPTED}: fill in the cell above, then run it again.")
        elif ok:
            print(f"[{self.name}] Correct!")
        else:
            print(f"[{self.name}] Not yet: {message}")
        return ok

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
        """Print a reference solution."""
        print(self.solution_source())

    def solution_source(self) -> str:
        if self.solution_text is not None:
            return textwrap.dedent(self.solution_text).strip()
        if callable(self.reference):
            return textwrap.dedent(inspect.getsource(self.reference)).strip()
        return repr(self.reference)


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to ``registry``; a name may be registered once."""
    if exercise.name in _registered:
        raise ValueError(f"an exercise named {exercise.name!r} is registered already")
    _registered[exercise.name] = exercise
    return exercise


def __getattr__(name: str):
    if name == "registry":  # every exercise of every notebook, by name ("topic.name")
        for module in pkgutil.iter_modules(__path__):
            if not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
        return _registered
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
