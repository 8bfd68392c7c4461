"""Building blocks for judges: compare a student's answer with the reference, and say how it differs.

A right answer passes in every form a student writes it: a numpy array or a torch tensor (also
one that requires grad), a list, a Python number, in float64 or float32 (torch's default). The
tolerance follows the answer's precision: a float32 answer is compared to about 1e-5 of its size,
a float64 one to ``rtol`` (1e-6 unless a judge asks for less). A message never reads "2.24131,
expected 2.24131": it shows as many digits as it takes to tell the numbers apart, and the
tolerance they missed.

    compare_values(got, expected)              None when they match, else a sentence
    compare_function(fn, reference, cases)     the first case where fn and reference differ
    judge_choice(answer, options, correct, why)   for a prediction among a few choices
    judge_number(answer, expected, ...)        for a predicted number
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Mapping

import numpy as np

__all__ = ["as_array", "as_number", "precision", "tolerances", "compare_values", "compare_function", "judge_choice",
           "judge_number", "show_args"]

#: relative and absolute tolerance floors by the answer's precision (machine epsilon about 1e-7 for
#: float32): a float32 computation of a few hundred operations is good to about 1e-5 of its size
FLOOR = {"float16": (5e-3, 5e-3), "float32": (2e-5, 1e-5), "float64": (0.0, 0.0)}


def precision(value: Any) -> str:
    """The precision an answer was computed in: "float16", "float32" or "float64" (ints, Python
    floats and lists of them count as float64)."""
    dtype = getattr(value, "dtype", None)
    if dtype is None and isinstance(value, (list, tuple)) and value:
        return min((precision(v) for v in value), key=lambda p: FLOOR[p][0] == 0.0)
    name = str(dtype).replace("torch.", "") if dtype is not None else "float64"
    if name in ("float16", "bfloat16", "half"):
        return "float16"
    if name in ("float32", "float", "complex64"):
        return "float32"
    return "float64"


def as_array(value: Any) -> np.ndarray:
    """An answer as a float64 numpy array: tensors (on any device, requiring grad or not), numpy
    arrays, numbers, and (nested) lists of them. Anything else is a ``TypeError``/``ValueError``."""
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().double().numpy()
    elif isinstance(value, (list, tuple)) and any(hasattr(v, "detach") for v in value):
        value = [as_array(v) for v in value]
    array = np.asarray(value)
    if np.iscomplexobj(array):   # a real number written as a complex one (imaginary part 0) is that number
        if not np.allclose(array.imag, 0.0, atol=1e-12):
            raise TypeError("a complex number where a real one is expected")
        array = array.real
    return np.asarray(array, dtype=float)


def as_number(value: Any) -> float:
    """A single number from an int, a float, a numpy scalar, or an array or tensor of one element; a bool or
    anything else is a ``TypeError``."""
    if isinstance(value, (bool, np.bool_, str)):
        raise TypeError(f"expected a number, got {value!r}")
    array = as_array(value)
    if array.size != 1:
        raise TypeError(f"expected one number, got an array of shape {array.shape}")
    return float(array.reshape(()))


def tolerances(got: Any, expected: np.ndarray, rtol: float, atol: float) -> tuple[float, float]:
    """``(rtol, atol)`` for an answer of ``got``'s precision: at least the floors of :data:`FLOOR`,
    the absolute one scaled by the size of the expected values."""
    floor_r, floor_a = FLOOR[precision(got)]
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)) if np.isfinite(expected).all() else 1.0)
    return max(rtol, floor_r), max(atol, floor_a * scale)


def _apart(g: float, e: float) -> tuple[str, str]:
    """``g`` and ``e`` with just enough significant digits to look different (at most 17)."""
    for digits in range(6, 18):
        a, b = f"{g:.{digits}g}", f"{e:.{digits}g}"
        if a != b:
            return a, b
    return repr(g), repr(e)


def compare_values(got: Any, expected: Any, *, what: str = "your answer",
                   rtol: float = 1e-6, atol: float = 1e-9) -> str | None:
    """None if ``got`` matches ``expected`` (shape and values), else a sentence saying how it differs.

    ``rtol`` and ``atol`` are the tolerances for a float64 answer; a float32 or float16 answer gets
    at least the looser floors of its precision (:func:`tolerances`).
    """
    try:
        g = as_array(got)
    except (TypeError, ValueError):
        return f"{what} should be a number or an array of numbers, got {type(got).__name__}"
    e = as_array(expected)
    if e.ndim == 0 and g.size == 1:
        g = g.reshape(())            # a number in an array of one element ([2.5], shape (1,) or (1, 1)) is the number
    if g.shape != e.shape:
        return f"{what} has shape {g.shape}, expected {e.shape}"
    if np.isnan(g).any() and not np.isnan(e).any():
        where = tuple(int(i) for i in np.argwhere(np.isnan(g))[0]) if g.ndim else ()
        return f"{what} contains NaN" + (f" (first at index {where})" if where else "")
    r, a = tolerances(got, e, rtol, atol)
    if np.allclose(g, e, rtol=r, atol=a, equal_nan=True):
        return None
    kind = precision(got)
    if g.ndim == 0:
        shown, want = _apart(g.item(), e.item())
        return (f"{what} is {shown}, expected {want} (they differ by {abs(g.item() - e.item()):.2g}; "
                f"the tolerance for a {kind} answer is {a + r * abs(e.item()):.2g})")
    excess = np.abs(g - e) - (a + r * np.abs(e))
    excess = np.where(np.isnan(excess), np.inf, excess)
    bad = np.unravel_index(np.argmax(excess), g.shape)
    shown, want = _apart(float(g[bad]), float(e[bad]))
    return (f"{what} differs from the reference at index {tuple(int(i) for i in bad)}: {shown} instead of {want} "
            f"(tolerance for a {kind} answer: {a + r * abs(float(e[bad])):.2g})")


def compare_function(fn: Callable, reference: Callable, cases: Iterable[tuple], *,
                     what: str = "your function", rtol: float = 1e-6, atol: float = 1e-9) -> str | None:
    """Call ``fn`` and ``reference`` on each tuple of arguments in ``cases``; report the first mismatch."""
    if not callable(fn):
        return f"expected a function, got {type(fn).__name__}"
    for args in cases:
        expected = reference(*args)
        try:
            got = fn(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])
        except NotImplementedError:
            raise
        except Exception as err:   # say which call failed: the case may be one the notebook does not show
            return f"{what}{show_args(args)} raised {type(err).__name__}: {err}"
        problem = compare_values(got, expected, what=f"{what}{show_args(args)}", rtol=rtol, atol=atol)
        if problem:
            return problem
    return None


def judge_choice(answer: Any, options: Iterable[str], correct: str, why: Mapping[str, str]) -> str | None:
    """A prediction among a few ``options``: None if ``answer`` is ``correct``, else why it is not.

    Case, spaces, commas, colons, a plus sign and a leading "the" do not matter. ``why[option]``
    explains each wrong option (what the student would see if it were true, and what actually
    happens); an answer that is not one of the options gets the list of options.
    """
    options = list(options)

    def key(text: str) -> str:   # "b_r=0", "B_R = 0" and "b_r = 0" are one answer; so are "1,2,4,8" and "1, 2, 4, 8",
        # "b_r = +12" and "b_r = 12", "nowhere: it vanishes" and "nowhere it vanishes", "the same" and "same"
        return re.sub(r"^the", "", re.sub(r"[\s,:+]+", "", text).lower())

    if not isinstance(answer, str) or key(answer) not in [key(o) for o in options]:
        return f"answer with one of {', '.join(repr(o) for o in options)}; got {answer!r}"
    picked = next(o for o in options if key(o) == key(answer))
    if picked == correct:
        return None
    return why.get(picked, f"not {picked!r}")


def judge_number(answer: Any, expected: float, *, what: str = "your prediction", rtol: float = 0.05,
                 atol: float = 0.0, hints: Mapping[str, Callable[[float], bool]] | None = None) -> str | None:
    """A predicted number: None if within ``rtol`` (relative) or ``atol`` of ``expected``.

    ``hints`` maps a message to a test of the answer (``{"that is the linear case": lambda x: x > 1e3}``):
    the first message whose test is true is returned instead of the plain difference.
    """
    try:
        value = float(as_array(answer))
    except (TypeError, ValueError):
        return f"{what} should be a number, got {answer!r}"
    if not np.isfinite(value):
        return f"{what} is {value}: give a finite number"
    if abs(value - expected) <= max(atol, rtol * abs(expected)):
        return None
    for message, test in (hints or {}).items():
        if test(value):
            return message
    shown, want = _apart(value, expected)
    return f"{what} is {shown}; the measured value is {want}"


def show_args(args: tuple) -> str:
    """``(0.5, 3)`` or ``(<array (3, 3)>, ...)``: how a judge names the case it tried."""
    shown = []
    for a in args:
        if isinstance(a, (int, float, str, bool, complex)) or a is None:
            shown.append(repr(a))
        else:
            shape = getattr(a, "shape", None)
            shown.append(f"<array {tuple(shape)}>" if shape is not None else f"<{type(a).__name__}>")
    return "(" + ", ".join(shown) + ")"
