"""Every dashboard of the notebooks, listed once: ``tests/test_dashboards.py`` sweeps them all.

Each entry names the dashboard, the notebook that shows it and a factory that builds it with no
arguments. A dashboard that needs a trained model gets a small untrained one, seeded: the
mechanics (controls, messages, drawing) are the same, and building it takes no training.

A new dashboard needs one line here, and no test file of its own for the sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .. import hyper, seq2seq
from . import conv, gates, pooling, rnn, stride, tricks
from . import hyper as hyper_widgets
from . import seq2seq as seq2seq_widgets
from .dashboard import Dashboard

__all__ = ["Entry", "DASHBOARDS", "by_name"]


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One dashboard: its name, the notebook (file name) that shows it, a factory ``build() -> Dashboard``."""

    name: str
    notebook: str
    build: Callable[[], Dashboard]


DASHBOARDS: tuple[Entry, ...] = (
    Entry(name="hyper_explorer", notebook="01_shared_weights_hypernetworks.ipynb",
          build=lambda: hyper_widgets.hyper_explorer(hyper.HyperModel(seed=0))),
    Entry(name="eigenvalue_explorer", notebook="02_rnn_gradients.ipynb", build=rnn.eigenvalue_explorer),
    Entry(name="clipping_dashboard", notebook="03_rnn_tricks_neural_odes.ipynb", build=tricks.clipping_dashboard),
    Entry(name="leaky_dashboard", notebook="03_rnn_tricks_neural_odes.ipynb", build=tricks.leaky_dashboard),
    Entry(name="init_dashboard", notebook="03_rnn_tricks_neural_odes.ipynb", build=tricks.init_dashboard),
    Entry(name="euler_dashboard", notebook="03_rnn_tricks_neural_odes.ipynb", build=tricks.euler_dashboard),
    Entry(name="gradient_flow_explorer", notebook="04_gru_lstm.ipynb", build=gates.gradient_flow_explorer),
    Entry(name="translator", notebook="05_seq2seq_attention.ipynb",
          build=lambda: seq2seq_widgets.translator(seq2seq.AttentionSeq2Seq(hidden_size=32, seed=0))),
    Entry(name="footprint_explorer", notebook="06_convolution.ipynb", build=conv.footprint_explorer),
    Entry(name="footprint_explorer_play", notebook="07_stride_dilation.ipynb",
          build=lambda: conv.footprint_explorer(play=True, stride=2)),
    Entry(name="grid_diagram", notebook="07_stride_dilation.ipynb", build=stride.grid_diagram),
    Entry(name="stack_builder", notebook="07_stride_dilation.ipynb", build=stride.stack_builder),
    Entry(name="exponent_explorer", notebook="08_pooling.ipynb", build=pooling.exponent_explorer),
    Entry(name="shift_explorer", notebook="08_pooling.ipynb", build=pooling.shift_explorer),
)


def by_name(name: str) -> Entry:
    """The entry called ``name``; a ``ValueError`` lists the names there are."""
    for entry in DASHBOARDS:
        if entry.name == name:
            return entry
    raise ValueError(f"no dashboard {name!r}; the dashboards are {[e.name for e in DASHBOARDS]}")
