"""Notebook 05 in JupyterLab and Chromium: run all (both models train), type a date into the
translator's text box, see the attention map change; type a character outside the vocabulary,
see the picture change to the message, with no error output anywhere."""

import pytest

from .lab import changes_after

pytestmark = pytest.mark.browser


def test_typing_a_date_changes_the_attention_map(open_notebook):
    nb = open_notebook("05_seq2seq_attention.ipynb")
    nb.run_all(timeout=400)  # trains two models: about a minute on a busy 2-core machine
    assert nb.errors() == []
    page = nb.page
    translator = page.locator(".widget-vbox", has=page.locator(".widget-text")).last
    field = translator.locator(".widget-text input").first
    img = translator.locator(".widget-image").first
    assert field.input_value() == "thursday, the 26th of november 2026"

    def retype(text):
        field.scroll_into_view_if_needed()
        field.fill("")
        field.type(text, delay=20)

    before, after = changes_after(img, lambda: retype("26 nov 2027"))
    assert after != before, "the attention map did not change after typing a new date"
    before, after = changes_after(img, lambda: field.type("!", delay=20))
    assert after != before, "the picture did not change after typing a character outside the vocabulary"
    assert nb.errors() == [], "typing produced an error output"
    nb.screenshot("05_seq2seq_out_of_vocabulary.png")
    retype("3 july 2031")
    nb.page.wait_for_timeout(1000)
    assert nb.errors() == []
    nb.screenshot("05_seq2seq_translator.png")
