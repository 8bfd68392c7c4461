"""The eigenvalue explorer: the recurrence matrix's eigenvalues decide whether gradients explode,
vanish or propagate through time."""

from __future__ import annotations

import numpy as np

from .. import recurrence
from ..plots import rnn as plots
from ..plots.common import ladder_limit
from .controls import ChoiceSpec, IntSliderSpec, SliderSpec
from .dashboard import Dashboard, new_figure, with_defaults

#: the explorer's controls: ranges and defaults, in one place
EXPLORER_SLIDERS = {
    "scale": SliderSpec(min=0.0, max=2.5, step=0.05, value=0.95, description="modulus |λ| (scale)"),
    "angle": SliderSpec(min=0.0, max=180.0, step=10.0, value=30.0, description="angle θ (degrees)", readout_format=".0f"),
    "steps": IntSliderSpec(min=20, max=1000, step=20, value=100, description="steps T"),
    "nonlinearity": ChoiceSpec(options=("linear", "tanh"), value="linear", description="g"),
}

#: the trajectory panel shows the first steps only: enough to see a circle or a spiral
TRAJECTORY_STEPS = 60


def eigenvalue_explorer(**defaults) -> Dashboard:
    """Sliders for W = scale * R(angle): eigenvalues, trajectory, ||z_t|| and ||dz_T/dz_t||.

    Keyword arguments override the sliders' starting values, e.g. ``eigenvalue_explorer(scale=1.05)``.
    """
    specs = with_defaults(EXPLORER_SLIDERS, defaults)

    fig = new_figure(13, 3.4)
    ax_eig, ax_traj, ax_state, ax_grad = fig.subplots(1, 4)
    _, points = plots.eigenvalue_plane(ax_eig, np.zeros(2), limit=2.7)
    ax_eig.set_title("eigenvalues of W")
    line, start = plots.trajectory(ax_traj, np.zeros((2, 2)), color="k")
    ax_traj.set_title(f"trajectory z_t, first {TRAJECTORY_STEPS} steps")
    ax_traj.set_xlim(-1.1, 1.1)
    ax_traj.set_ylim(-1.1, 1.1)
    ax_traj.set_aspect("equal")
    ax_traj.set_xlabel("z[0] / max ||z_t||")
    ax_traj.set_ylabel("z[1] / max ||z_t||")
    state_line = plots.log10_curve(ax_state, [0.0], color="k")
    ax_state.set_ylabel("log10 ||z_t||")
    ax_state.set_title("size of the state ||z_t||")
    plots.float64_limit(ax_state, recurrence.LOG10_FLOAT_MAX)
    overflow_note = ax_state.text(0.03, 0.03, "", transform=ax_state.transAxes, ha="left", va="bottom",
                                  color="#c0392b", fontsize=9)
    grad_line = plots.log10_curve(ax_grad, [0.0], lw=2)
    ax_grad.axhline(0, color="0.6", lw=0.8, zorder=1)  # behind the curve, in every drawing
    ax_grad.set_ylabel("log10 ||dz_T / dz_t||")
    verdict = ax_grad.text(0.97, 0.97, "", transform=ax_grad.transAxes, ha="right", va="top", fontsize=9,
                           bbox=dict(facecolor="white", edgecolor="none", alpha=0.8))
    plots.float64_limit(ax_grad, recurrence.LOG10_FLOAT_MAX)

    def draw(r: recurrence.Exploration) -> None:
        points.set_offsets(np.column_stack([r.eigenvalues.real, r.eigenvalues.imag]))
        colour = plots.REGIME_COLOURS[r.regime]
        points.set_color(colour)

        z = r.path(TRAJECTORY_STEPS)  # the shape of the path; its size is the next panel's job
        line.set_data(z[:, 0], z[:, 1])
        start.set_data(z[:1, 0], z[:1, 1])
        if r.first_overflow is not None:
            overflow_note.set_text(f"||z_t|| overflows float64 from t = {r.first_overflow}:\nplain floats read inf there")
        elif r.first_zero is not None:
            overflow_note.set_text(f"z_t = 0 exactly from t = {r.first_zero}")
        else:
            overflow_note.set_text("")

        t = np.arange(len(r.log10_state_norms))
        state_line.set_data(t, r.log10_state_norms)
        grad_line.set_data(t, r.log10_gradient_norms)
        grad_line.set_color(colour)
        for ax, values in ((ax_state, r.log10_state_norms), (ax_grad, r.log10_gradient_norms)):
            ax.set_xlim(0, t[-1])
            half = ladder_limit(values, steps=(5.0,))  # 5, 50, 500: symmetric about 0, up is growing
            ax.set_ylim(-half, half)
        first = r.log10_gradient_norms[0]
        shown = "0 exactly" if first == -np.inf else f"10^{first:.1f}"
        ax_grad.set_title(r.regime, color=colour, fontweight="bold")
        verdict.set_text(f"||dz_T/dz_0|| = {shown}")
        verdict.set_color(colour)

    return Dashboard(specs, compute=recurrence.explore, draw=draw, figure=fig, columns=4,
                     dynamic=[points, line, start, state_line, grad_line, overflow_note, verdict, ax_grad.title])
