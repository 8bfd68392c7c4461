"""The translator of notebook 05: type a date, see its translation and where each output character looked.

    d = translator(model)      # a trained seq2seq.AttentionSeq2Seq (or seq2seq.Seq2Seq: no map)
    d.snapshot()               # static picture of the default text
    d                          # the live text box and figure

A text box (``ipywidgets.Text``, updated at every keystroke) drives the usual
:class:`~lecturekit.widgets.Dashboard`: ``compute`` is :func:`lecturekit.seq2seq.translate`,
``draw`` puts the new weights into the heatmap in place. A character outside the vocabulary
(or an empty box) raises ``ValueError`` in ``translate``, which the dashboard shows as a
message in the figure; nothing reaches the student as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import ipywidgets as widgets
import numpy as np

from .. import seq2seq
from ..plots import seq2seq as plots
from ._dashboard import Dashboard, new_figure

__all__ = ["TextBox", "TEXT", "EXAMPLES", "translator"]

#: inputs a test types, one per written format, and some the model never saw in training
EXAMPLES = ("26 november 2026", "nov 26, 2026", "thursday 26/11/26", "26.11.2026", "3 july 1999",
            "monday, the 1st of may 2000", "christmas 2026", "2026-11-26", "26 novembre 2026", "")


@dataclass(frozen=True)
class TextBox:
    """A one-line text box, updated at each keystroke (a control spec for :class:`Dashboard`)."""

    value: str
    description: str = ""
    placeholder: str = ""

    def build(self, name: str) -> widgets.Text:
        return widgets.Text(value=self.value, description=self.description or name, placeholder=self.placeholder,
                            continuous_update=True, style={"description_width": "initial"},
                            layout=widgets.Layout(width="460px"))

    def values(self) -> list[str]:
        return list(EXAMPLES)


TEXT = {"text": TextBox("thursday, the 26th of november 2026", "type a date:",
                        placeholder="e.g. 26 november 2026")}


def translator(model) -> Dashboard:
    """A text box and the attention map of ``model``'s greedy translation of what is typed."""
    fig = new_figure(11, 3.6)
    ax = fig.subplots()
    image = plots.attention_heatmap(ax, np.full((1, 1), 0.0), ["?"], ["?"], colorbar=True)
    no_map = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=12, visible=False)

    def draw(t: seq2seq.Translation) -> None:
        title = f'"{t.text}"  ->  {t.output or "(nothing)"}'
        if t.weights is None:  # a model without attention: nothing to map
            plots.update_heatmap(ax, image, np.zeros((1, 1)), [" "], [" "], title=title)
            no_map.set_text("this model has no attention: its decoder sees only the encoder's final state")
            no_map.set_visible(True)
        else:
            plots.update_heatmap(ax, image, t.weights, t.source_tokens, t.output_tokens, title=title)
            no_map.set_visible(False)

    return Dashboard(TEXT, compute=partial(_translate, model), draw=draw, figure=fig, columns=1)


def _translate(model, text: str) -> seq2seq.Translation:
    return seq2seq.translate(model, text)
