"""The translator of notebook 05: type a date, see its translation and where each output character looked.

    d = translator(model)      # a trained seq2seq.AttentionSeq2Seq (or seq2seq.Seq2Seq: no map)
    d.snapshot()               # static picture of the default text
    d                          # the live text box and figure

A text box (a :class:`~lecturekit.widgets.TextSpec`: ``ipywidgets.Text``, updated at every keystroke) drives the usual
:class:`~lecturekit.widgets.Dashboard`: ``compute`` is :func:`lecturekit.translation.translate`,
``draw`` puts the new weights into the heatmap in place. A character outside the vocabulary
(or an empty box) raises ``ValueError`` in ``translate``, which the dashboard shows as a
message in the figure; nothing reaches the student as a traceback.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from .. import dates, translation
from ..plots import seq2seq as plots
from .controls import TextSpec
from .dashboard import Dashboard, new_figure

__all__ = ["TEXT", "translator"]

#: the translator's one control. The examples (what a test types) are one per written format,
#: some the model never saw in training, and an empty box (answered with a message); while the
#: student looks, the dashboard translates the text with each source character typed next
TEXT = {"text": TextSpec(value="thursday, the 26th of november 2026", description="type a date:",
                         placeholder="e.g. 26 november 2026",
                         examples=("26 november 2026", "nov 26, 2026", "thursday 26/11/26", "26.11.2026", "3 july 1999",
                                   "monday, the 1st of may 2000", "christmas 2026", "2026-11-26", "26 novembre 2026",
                                   ""),
                         next_characters=dates.characters_by_frequency())}


def translator(model) -> Dashboard:
    """A text box and the attention map of ``model``'s greedy translation of what is typed."""
    fig = new_figure(11, 3.6)
    ax = fig.subplots()
    image = plots.attention_heatmap(ax, np.full((1, 1), 0.0), ["?"], ["?"], colorbar=True)
    no_map = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=12, visible=False)

    def draw(t: translation.Translation) -> None:
        title = f'"{t.text}"  ->  {t.output or "(nothing)"}'
        if t.weights is None:  # a model without attention: nothing to map
            plots.update_heatmap(ax, image, np.zeros((1, 1)), [" "], [" "], title=title)
            no_map.set_text("this model has no attention: its decoder sees only the encoder's final state")
            no_map.set_visible(True)
        else:
            plots.update_heatmap(ax, image, t.weights, t.source_tokens, t.output_tokens, title=title)
            no_map.set_visible(False)

    return Dashboard(TEXT, compute=partial(_translate, model), draw=draw, figure=fig, columns=1)


def _translate(model, text: str) -> translation.Translation:
    return translation.translate(model, text)
