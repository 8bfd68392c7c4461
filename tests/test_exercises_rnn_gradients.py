"""Notebook 02's exercises: typical wrong answers get their own message; references against independent ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lecturekit.exercises import rnn_gradients as ex


@pytest.mark.parametrize("answer, expected", [
    (lambda a, b, k: a ** k, "only the first eigenvalue"),
    (lambda a, b, k: (a * b) ** k, "the determinant"),
    (lambda a, b, k: max(a, b) ** k, "a negative eigenvalue stretches as much"),
    (lambda a, b, k: (a ** (2 * k) + b ** (2 * k)) ** 0.5, "Frobenius norm"),
    (lambda a, b, k: min(abs(a), abs(b)) ** k, "the smaller factor"),
    (lambda a, b, k: max(abs(a), abs(b)) * k, "diagonal_gradient_norm(2.0, 0.5, 3) is 6, expected 8"),
])
def test_diagonal_gradient_norm_names_the_mistake(answer, expected):
    v = ex.diagonal_gradient_norm.check(answer)
    assert not v and expected in v.message, v


def test_diagonal_gradient_norm_reference_is_the_spectral_norm_of_w_to_the_k():
    for a, b, k in ex._DIAGONAL_CASES + [(1.3, -1.7, 6)]:
        W_k = np.linalg.matrix_power(np.diag([a, b]), k)
        assert ex.diagonal_gradient_norm.reference(a, b, k) == pytest.approx(np.linalg.norm(W_k, 2), rel=1e-12)
    # computed numerically, in torch and in float32, it passes too
    assert ex.diagonal_gradient_norm.check(lambda a, b, k: torch.linalg.matrix_norm(
        torch.linalg.matrix_power(torch.diag(torch.tensor([a, b], dtype=torch.float32)), k), 2))
