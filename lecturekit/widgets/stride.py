"""Dashboards of notebook 07: the 2-D convolution arithmetic on a small grid, and the stack builder
(receptive fields of stacks of strided or dilated layers). The 1-D arithmetic diagram is the
footprint explorer of :mod:`lecturekit.widgets.conv` with its play button."""

from __future__ import annotations

from .. import conv, wiring
from ..plots import stride as plots
from .controls import ChoiceSpec, IntSliderSpec
from .dashboard import Dashboard, new_figure, with_defaults
from .conv import follow_sizes, play_button

#: the 2-D diagram's controls: the same setting along both axes
GRID_SLIDERS = {
    "size": IntSliderSpec(min=3, max=7, value=5, description="input size n×n"),
    "kernel": IntSliderSpec(min=1, max=3, value=3, description="kernel k×k"),
    "stride": IntSliderSpec(min=1, max=3, value=1, description="stride s"),
    "dilation": IntSliderSpec(min=1, max=3, value=1, description="dilation d"),
    "padding": IntSliderSpec(min=0, max=2, value=0, description="padding p"),
    "output": IntSliderSpec(min=0, max=120, value=0, description="output (row by row)"),
}

#: the stack builder's controls
STACK_SLIDERS = {
    "layers": IntSliderSpec(min=1, max=5, value=3, description="layers"),
    "kernel": IntSliderSpec(min=2, max=3, value=3, description="kernel k"),
    "pattern": ChoiceSpec(options=tuple(wiring.STACK_PATTERNS), value="dilations 1, 2, 4, ...", description="stack"),
}


def _grid_limits(state) -> dict:
    o = conv.output_size(state["size"], state["kernel"], state["stride"], state["padding"], state["dilation"])
    return {"output": o * o - 1}


def grid_diagram(*, play: bool = True, **defaults) -> Dashboard:
    """The 2-D convolution arithmetic: sliders for a square input, kernel, stride, dilation and
    padding; the padded input with the chosen output's footprint (holes and all) and the gradient
    each pixel receives, beside the output grid. A play button steps through the outputs."""
    specs = with_defaults(GRID_SLIDERS, defaults)
    fig = new_figure(9, 4.4)
    ax_in, ax_out = fig.subplots(1, 2)
    diagram = plots.grid_diagram(ax_in, ax_out, wiring.grid_wiring(5, 3))
    formula = fig.supxlabel("", fontsize=9)

    def draw(g: wiring.GridWiring) -> None:
        diagram.update(g)
        formula.set_text(f"per side: o = (n + 2p - d(k-1) - 1) // s + 1 = ({g.size} + {2 * g.padding} - "
                         f"{g.dilation * (g.kernel - 1)} - 1) // {g.stride} + 1 = {g.out}")

    button = play_button(500) if play else None
    d = Dashboard(specs, compute=wiring.grid_wiring, draw=draw, figure=fig, columns=3,
                  extra=[button] if button else None, dynamic=[*diagram.artists(), formula])
    follow_sizes(d, _grid_limits, ("output",), button)
    return d


def _widest(layers: int) -> int:
    """The widest receptive field the builder can make with ``layers`` layers: one x range for every
    pattern and kernel at that depth, so that switching them compares like with like."""
    kernel = STACK_SLIDERS["kernel"].max
    return max(wiring.receptive_field([(kernel, *wiring.STACK_PATTERNS[p](l)) for l in range(layers)])
               for p in wiring.STACK_PATTERNS)


def stack_builder(**defaults) -> Dashboard:
    """Build a stack layer by layer: dense, strided, exponentially dilated or equally dilated layers.
    Draws the units on a path to one top output, the receptive field with its formula, and how many
    paths reach each input sample (holes: the gridding of repeated equal dilations)."""
    specs = with_defaults(STACK_SLIDERS, defaults)
    fig = new_figure(12, 5.4)
    ax_tree, ax_paths = fig.subplots(2, 1, height_ratios=[3, 1.2])
    fig.get_layout_engine().set(rect=(0.05, 0, 0.95, 1))  # room on the left for longer level names
    diagram = plots.stack_diagram(ax_tree, ax_paths, wiring.stack(1, 3, "dense (s=1, d=1)"))
    return Dashboard(specs, compute=wiring.stack, draw=lambda st: diagram.update(st, max_field=_widest(len(st.layers))),
                     figure=fig, columns=3, dynamic=diagram.artists())
