"""Fixtures for the browser tests: one JupyterLab server and one Chromium for the whole session.

A browser test looks like ``tests/browser/test_02_rnn_gradients.py``::

    @pytest.mark.browser
    def test_something(open_notebook):
        nb = open_notebook("02_rnn_gradients.ipynb")   # a fresh copy, kernel idle
        nb.run_all()
        assert nb.errors() == []
        before, after = nb.image_changes_after(lambda: nb.press("modulus", "ArrowRight", 3))
        assert before != after
        nb.screenshot("02_explorer.png")                # tests/browser/artifacts/

Without Chromium the tests skip with a message saying how to install it; in CI (the variable
CI is set, as ``.ci/run`` runs) a missing Chromium is a failure instead, so a skip cannot hide.
"""

from __future__ import annotations

import os

import pytest

from .lab import LabServer, Notebook, chromium_missing, launch_browser


def _require_browser() -> None:
    why = chromium_missing()
    if why is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {why}")
    pytest.skip(f"browser test skipped: {why}")


@pytest.fixture(scope="session")
def lab_server():
    _require_browser()
    server = LabServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


@pytest.fixture
def open_notebook(lab_server, browser):
    pages = []

    def open_(name: str) -> Notebook:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        pages.append(page)
        return Notebook(page, lab_server, name)

    yield open_
    for page in pages:
        page.close()
