"""The footprint explorer: pick an output and see which inputs feed it (forward); pick an input and
see which outputs send gradient back to it (backward), for any kernel, stride, dilation and padding."""

from __future__ import annotations

import ipywidgets as widgets

from .. import conv, wiring
from ..plots import conv as plots
from .controls import IntSliderSpec
from .dashboard import Dashboard, new_figure, with_defaults

#: the explorer's controls: ranges and defaults, in one place
FOOTPRINT_SLIDERS = {
    "n": IntSliderSpec(min=3, max=12, value=9, description="input length n"),
    "kernel": IntSliderSpec(min=1, max=5, value=3, description="kernel k"),
    "stride": IntSliderSpec(min=1, max=3, value=1, description="stride s"),
    "dilation": IntSliderSpec(min=1, max=3, value=1, description="dilation d"),
    "padding": IntSliderSpec(min=0, max=2, value=0, description="padding p"),
    "output": IntSliderSpec(min=0, max=15, value=2, description="output i"),
    "input": IntSliderSpec(min=0, max=11, value=4, description="input m"),
}


def play_button(interval_ms: int = 700) -> widgets.Play:
    """A play button that steps an index slider (see :func:`follow_sizes`)."""
    return widgets.Play(min=0, max=1, step=1, interval=interval_ms, description="step through the outputs",
                        layout=widgets.Layout(width="auto"))


def follow_sizes(d: Dashboard, limits, indices: tuple[str, ...], play: widgets.Play | None = None) -> None:
    """Keep the index sliders ``indices`` at the ranges the current setting has: ``limits(state)``
    returns ``{index control: largest legal value}`` or raises ``ValueError`` (then the figure says
    why and the sliders stay). Every other control triggers it. A ``play`` button is linked to the
    ``output`` slider and follows its range."""
    def resize(_change=None) -> None:
        try:
            top = limits(d.state)
        except ValueError:
            return
        for name, value in top.items():
            d.controls[name].max = value               # a value above the new max is clamped (and redrawn)
        if play is not None:
            play.max = top["output"]

    for name in d.controls:
        if name not in indices:
            d.controls[name].observe(resize, names="value")
    resize()
    if play is not None:                               # the slider's value first, then both move together
        play.value = min(d.controls["output"].value, play.max)
        widgets.link((d.controls["output"], "value"), (play, "value"))


def _footprint_limits(state) -> dict:
    size = conv.output_size(state["n"], state["kernel"], state["stride"], state["padding"], state["dilation"])
    return {"output": size - 1, "input": state["n"] - 1}


def footprint_explorer(*, play: bool = False, **defaults) -> Dashboard:
    """Sliders for a 1-D cross-correlation's setting and two chosen indices; three panels:
    forward (output i and the inputs it reads), backward (input m and the outputs that send gradient
    back to it), and how many gradient contributions every input receives. ``play=True`` adds a
    button that steps the chosen output through every output position.

    Keyword arguments override the sliders' starting values, e.g. ``footprint_explorer(stride=2)``.
    """
    specs = with_defaults(FOOTPRINT_SLIDERS, defaults)
    fig = new_figure(11, 5.6)
    ax_fwd, ax_bwd, ax_cnt = fig.subplots(3, 1, height_ratios=[2, 2, 1.1])
    start = wiring.wiring(n=5, kernel=3)                 # any legal setting: the first refresh draws the real one
    forward = plots.wiring_diagram(ax_fwd, start, "forward", max_labels=specs["kernel"].max)
    backward = plots.wiring_diagram(ax_bwd, start, "backward", max_labels=specs["kernel"].max)
    counts = plots.gradient_counts(ax_cnt, start)
    size_text = ax_cnt.text(1.0, -0.55, "", transform=ax_cnt.transAxes, ha="right", va="top", fontsize=9)

    def draw(w: wiring.Wiring) -> None:
        forward.update(w)
        backward.update(w)
        counts.update(w)
        size_text.set_text(f"o = (n + 2p - d(k-1) - 1) // s + 1 = ({w.n} + {2 * w.padding} - "
                           f"{w.dilation * (w.kernel - 1)} - 1) // {w.stride} + 1 = {w.size}")

    button = play_button() if play else None
    d = Dashboard(specs, compute=wiring.wiring, draw=draw, figure=fig, columns=4,
                  extra=[button] if button else None,
                  dynamic=[*forward.artists(), *backward.artists(), *counts.artists(), size_text])
    follow_sizes(d, _footprint_limits, ("output", "input"), button)
    return d

