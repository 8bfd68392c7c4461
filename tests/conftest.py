"""What every test must leave as it found it: torch's default dtype (a test module that set float64 at import
once made notebook 05's trained claim tests train another model in the same run)."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _torch_default_dtype_unchanged():
    before = torch.get_default_dtype()
    yield
    after = torch.get_default_dtype()
    torch.set_default_dtype(before)
    assert after == before, f"the test changed torch's default dtype from {before} to {after}"
