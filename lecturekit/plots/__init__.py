"""Matplotlib drawing. Each function takes data and an ``Axes`` and returns what it drew;
it computes nothing and sets no global style. One submodule per topic
(``lecturekit.plots.rnn``, ``lecturekit.plots.conv``, ...)."""
