"""The hypernetwork explorer: move u, and watch the weights H(u) and the function G(x, H(u)) change together."""

from __future__ import annotations

import functools
import math

from .. import hyper
from ..plots import hyper as plots
from .controls import SliderSpec
from .dashboard import Dashboard, new_figure

#: the explorer's controls. The frequency goes past the range H was trained on (0.5 to 2.0),
#: so that a student can see a hypernetwork extrapolate badly.
EXPLORER_SLIDERS = {
    "frequency": SliderSpec(min=0.1, max=3.0, step=0.1, value=1.0, description="u₁: frequency ω"),
    "phase": SliderSpec(min=0.0, max=6.2, step=0.1, value=0.5, description="u₂: phase φ"),
}


def hyper_explorer(model: hyper.HyperModel) -> Dashboard:
    """Sliders for u = (frequency, phase) of a trained :class:`~lecturekit.hyper.HyperModel`.

    Three panels: the target and G(x, H(u)) with its hidden units' parts; the weights H(u) makes;
    the u-plane with the range H was trained on. One move costs one forward pass of H and G.
    """
    fig = new_figure(13, 3.4)
    ax_fit, ax_weights, ax_u = fig.subplots(1, 3, width_ratios=[1.3, 1.2, 0.8])
    first = hyper.hyper_view(model, EXPLORER_SLIDERS["frequency"].value, EXPLORER_SLIDERS["phase"].value)
    target_line, output_line, unit_lines = plots.function_fit(ax_fit, first.x, first.target, first.output,
                                                              first.units)
    fit_title = ax_fit.set_title("")
    image, weight_title = plots.weight_image(ax_weights, first.weights)
    _, point = plots.parameter_space(ax_u, hyper.FREQUENCY_RANGE, hyper.PHASE_RANGE,
                                     frequency_limits=(EXPLORER_SLIDERS["frequency"].min - 0.1,
                                                       EXPLORER_SLIDERS["frequency"].max + 0.1),
                                     phase_limits=(-0.3, 2 * math.pi + 0.3))
    ax_u.set_title("u, the hypernetwork's input")

    def draw(view: hyper.HyperView) -> None:
        target_line.set_ydata(view.target)
        output_line.set_ydata(view.output)
        for line, unit in zip(unit_lines, view.units.T):
            line.set_ydata(unit)
        note = "u inside the training range" if view.in_training_range else "u OUTSIDE the training range"
        fit_title.set_text(f"G(x, H(u)): mean squared error {view.mse:.4f}\n{note}")
        fit_title.set_color("k" if view.in_training_range else plots.GRADIENT_COLOUR)
        image.set_data(plots.weight_matrix(view.weights))
        weight_title.set_text(f"the weights w = H(u) of G\n(and the output bias b_2 = {float(view.weights['b_2']):+.2f})")
        point.set_data([view.frequency], [view.phase])

    return Dashboard(EXPLORER_SLIDERS, compute=functools.partial(hyper.hyper_view, model), draw=draw,
                     figure=fig, columns=2,
                     # the legend and the heatmap's frame are listed too: they must stay on top of what moves
                     dynamic=[*unit_lines, target_line, output_line, ax_fit.get_legend(), fit_title, image,
                              *ax_weights.spines.values(), weight_title, point])
