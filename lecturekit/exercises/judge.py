"""Building blocks for judges: compare a student's answer with the reference, and say how it differs."""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np


def _as_array(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=float)


def compare_values(got: Any, expected: Any, *, what: str = "your answer",
                   rtol: float = 1e-6, atol: float = 1e-9) -> str | None:
    """None if ``got`` matches ``expected`` (shape and values), else a sentence saying how it differs."""
    try:
        g = _as_array(got)
    except (TypeError, ValueError):
        return f"{what} should be a number or an array of numbers, got {type(got).__name__}"
    e = _as_array(expected)
    if g.shape != e.shape:
        return f"{what} has shape {g.shape}, expected {e.shape}"
    if np.isnan(g).any() and not np.isnan(e).any():
        return f"{what} contains NaN"
    if np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True):
        return None
    if g.ndim == 0:
        return f"{what} is {g.item():.6g}, expected {e.item():.6g}"
    bad = np.unravel_index(np.argmax(np.abs(g - e) - rtol * np.abs(e)), g.shape)
    return (f"{what} differs from the reference at index {tuple(int(i) for i in bad)}: "
            f"{g[bad]:.6g} instead of {e[bad]:.6g}")


def compare_function(fn: Callable, reference: Callable, cases: Iterable[tuple], *,
                     what: str = "your function", rtol: float = 1e-6, atol: float = 1e-9) -> str | None:
    """Call ``fn`` and ``reference`` on each tuple of arguments in ``cases``; report the first mismatch."""
    if not callable(fn):
        return f"expected a function, got {type(fn).__name__}"
    for args in cases:
        expected = reference(*args)
        got = fn(*args)
        problem = compare_values(got, expected, what=f"{what}{_show_args(args)}", rtol=rtol, atol=atol)
        if problem:
            return problem
    return None


def _show_args(args: tuple) -> str:
    shown = []
    for a in args:
        if isinstance(a, (int, float, str, bool)) or a is None:
            shown.append(repr(a))
        else:
            shape = getattr(a, "shape", None)
            shown.append(f"<array {tuple(shape)}>" if shape is not None else f"<{type(a).__name__}>")
    return "(" + ", ".join(shown) + ")"
