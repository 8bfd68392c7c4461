"""Matplotlib drawing. Each function takes data and an ``Axes`` and returns what it drew;
it computes nothing and sets no global style. One submodule per topic
(``lecturekit.plots.rnn``, ``lecturekit.plots.conv``, ...); what every topic uses is in
:mod:`lecturekit.plots.common` and importable from here."""

from .common import ladder_limit, ladder_range, loss_curve

__all__ = ["ladder_limit", "ladder_range", "loss_curve"]
