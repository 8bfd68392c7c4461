"""Dashboards for the notebook on RNN tricks and Neural ODEs: the clipping threshold on a cliff,
leaky integration, three initialisations, and the step size of Euler's method."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from .. import clipping, odes, tricks
from ..plots import tricks as plots
from ..plots.common import ladder_limit, ladder_range, loss_curve
from .controls import ChoiceSpec, IntSliderSpec, LogSliderSpec, SliderSpec
from .dashboard import Dashboard, new_figure, with_defaults

__all__ = ["clipping_dashboard", "leaky_dashboard", "init_dashboard", "euler_dashboard",
           "CLIPPING_SLIDERS", "LEAKY_SLIDERS", "INIT_SLIDERS", "EULER_SLIDERS"]


# ----------------------------------------------------------------------------------------------
# Clipping on a cliff

CLIPPING_SLIDERS = {"threshold": LogSliderSpec(min=-1.5, max=2.0, step=0.1, value=1.0, description="clipping threshold")}
#: the window of the (w, b) plane drawn behind the descent paths
SURFACE_W, SURFACE_B = np.linspace(0.0, 3.5, 240), np.linspace(-1.5, 2.0, 240)
LOSS_LIMITS = (1e-8, 20.0)


def clipping_dashboard(setting: clipping.CliffSetting = clipping.CLIFF, **defaults) -> Dashboard:
    """Gradient descent on the one-unit RNN's cliff, without clipping and with the chosen threshold.

    Every threshold the slider offers is trained once, side by side, when the dashboard is built
    (about 40 ms); moving the slider then only redraws.
    """
    specs = with_defaults(CLIPPING_SLIDERS, defaults)
    sweep = clipping.cliff_descent([np.inf, *specs["threshold"].values()], setting)

    def compute(threshold: float) -> clipping.Descent:
        return sweep.pick(np.inf, threshold)

    fig = new_figure(13, 3.5)
    ax_surf, ax_free, ax_clip, ax_grad = fig.subplots(1, 4)
    surface = plots.loss_surface(ax_surf, SURFACE_W, SURFACE_B, clipping.cliff_surface(SURFACE_W, SURFACE_B, setting))
    fig.colorbar(surface, ax=ax_surf, fraction=0.05, pad=0.02).set_label("log10 loss", fontsize=8)
    free = sweep.pick(np.inf)
    wall = int(np.argmax(free.grad_norm[:, 0]))       # the unclipped run's largest gradient: it stands on the wall
    ax_surf.annotate("wall", (free.w[wall, 0], free.b[wall, 0]), xytext=(2.6, -1.2), color="white", fontsize=9,
                     ha="center", arrowprops=dict(arrowstyle="->", color="white", lw=1), zorder=1.5)  # under the paths
    # wide, so that the clipped path stays visible inside it where the two coincide
    plots.descent_path(ax_surf, free.w[:, 0], free.b[:, 0], color=plots.NO_CLIP, label="no clipping", lw=4, ms=7)
    clip_path = plots.descent_path(ax_surf, free.w[:, 0], free.b[:, 0], color=plots.CLIP, label="clipped")
    ax_surf.set_xlim(SURFACE_W[0], SURFACE_W[-1])
    ax_surf.set_ylim(SURFACE_B[0], SURFACE_B[-1])
    ax_surf.legend(loc="upper left", fontsize=8)
    ax_surf.set_title("log10 loss over (w, b)")
    off_chart = plots.corner_note(ax_surf, loc="lower right")

    iterations = np.arange(len(free.loss))  # 0 (the start) to the last step
    loss_curve(ax_free, iterations, free.loss[:, 0], floor=LOSS_LIMITS[0], xlabel="gradient-descent step",
               ylabel="loss (z_T - target)²", color=plots.NO_CLIP)
    ax_free.set_title(f"no clipping: final loss {free.loss[-1, 0]:.2g}", color=plots.NO_CLIP)
    clip_loss = loss_curve(ax_clip, iterations, free.loss[:, 0], floor=LOSS_LIMITS[0], xlabel="gradient-descent step",
                           ylabel=None, color=plots.CLIP)
    for ax in (ax_free, ax_clip):
        ax.set_ylim(*LOSS_LIMITS)

    steps = np.arange(setting.iterations)
    ax_grad.plot(steps, free.grad_norm[:, 0], color=plots.NO_CLIP, lw=1)
    (grad_clip,) = ax_grad.plot(steps, free.grad_norm[:, 0], color=plots.CLIP, lw=1)
    threshold_line = ax_grad.axhline(1.0, color="k", ls="--", lw=1)
    ax_grad.set_yscale("log")
    ax_grad.set_ylim(1e-6, 1e3)
    ax_grad.set_xlabel("gradient-descent step")
    ax_grad.set_title("gradient norm\n(dashed: the threshold)", fontsize=10)
    plots.sparse_ticks(ax_surf, ax_free, ax_clip, ax_grad)

    def draw(r: clipping.Descent) -> None:
        thr = float(r.thresholds[1])
        w, b = r.w[:, 1], r.b[:, 1]
        clip_path[0].set_data(w, b)
        clip_path[1].set_data(w[-1:], b[-1:])
        inside = (SURFACE_W[0] <= w[-1] <= SURFACE_W[-1]) and (SURFACE_B[0] <= b[-1] <= SURFACE_B[-1])
        off_chart.set_text("" if inside else f"clipped run leaves the chart:\nends at (w, b) = ({w[-1]:.3g}, {b[-1]:.3g})")
        off_chart.set_visible(not inside)
        clip_loss.set_ydata(np.maximum(r.loss[:, 1], LOSS_LIMITS[0]))
        ax_clip.set_title(f"clipped at {thr:.3g}: {int(r.clipped[:, 1].sum())} of {setting.iterations} steps "
                          f"clipped,\nfinal loss {r.loss[-1, 1]:.2g}", color=plots.CLIP, fontsize=10)
        grad_clip.set_ydata(r.grad_norm[:, 1])
        threshold_line.set_ydata([thr, thr])

    # every limit above is fixed: a move redraws only these over a picture of the rest; the legend
    # too, so that it stays on top of the paths, as in a full redraw
    dynamic = [*clip_path, ax_surf.get_legend(), off_chart, clip_loss, ax_clip.title, grad_clip, threshold_line]
    return Dashboard(specs, compute=compute, draw=draw, figure=fig, columns=1, dynamic=dynamic)


# ----------------------------------------------------------------------------------------------
# Leaky integration

LEAKY_SLIDERS = {
    "alpha": SliderSpec(min=0.02, max=1.0, step=0.02, value=0.1, description="leak α"),
    "scale": SliderSpec(min=0.0, max=1.5, step=0.05, value=0.6, description="modulus |λ| of W"),
    "angle": SliderSpec(min=0.0, max=180.0, step=5.0, value=30.0, description="angle θ (degrees)", readout_format=".0f"),
    "steps": IntSliderSpec(min=10, max=500, step=10, value=200, description="steps T"),
    "nonlinearity": ChoiceSpec(options=("linear", "tanh"), value="tanh", description="g"),
}


#: the leaky dashboard's log10 axes stop at 10**GRAD_FLOOR (below, nothing arrives anyway)
GRAD_FLOOR = -16.0
#: and reach at least LEAKY_DECADES decades above and below 0 (then 5, 10, 20, ...: a ladder)
LEAKY_DECADES = 2.0


def _pair(name: str, values) -> str:
    """Two eigenvalues in words: 'μ = 0.952 ± 0.030i' for a conjugate pair, 'μ = 1.05, 0.95' for two real ones."""
    a, b = complex(values[0]), complex(values[1])
    if abs(a.imag) > 5e-4:
        return f"{name} = {a.real:.3f} ± {abs(a.imag):.3f}i"
    return f"{name} = {a.real:.3f}" if abs(a - b) < 5e-4 else f"{name} = {a.real:.3f}, {b.real:.3f}"


def leaky_dashboard(**defaults) -> Dashboard:
    """Leaky integration z_t = (1 - α) z_(t-1) + α g(W z_(t-1)), W = scale * R(angle), against α = 1."""
    specs = with_defaults(LEAKY_SLIDERS, defaults)
    fig = new_figure(13, 3.5)
    ax_eig, ax_grad, ax_state = fig.subplots(1, 3)
    _, mu = plots.eigenvalue_plane(ax_eig, np.zeros(2), limit=1.6)
    mu.set_color(plots.LEAKY)
    mu.set_label("1 − α + αλ")
    lam = ax_eig.scatter([0, 0], [0, 0], s=60, facecolors="none", edgecolors=plots.PLAIN, lw=1.5, zorder=3,
                         label="λ (eigenvalues of W)")
    paths = plots.segments(ax_eig, np.zeros(2, complex), np.ones(2, complex), color=plots.LEAKY, ls=":", lw=1)
    (one,) = ax_eig.plot([1], [0], "k+", ms=10)  # drawn over the paths that end there: listed as dynamic
    # legends outside the axes, where no moving curve or point can cross them (they stay in the background)
    ax_eig.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7, frameon=False)
    ax_eig.set_title("eigenvalues move towards 1\n", fontsize=10)

    (g_plain,) = ax_grad.plot([0], [0], color=plots.PLAIN, ls="--", lw=1.5, label="α = 1 (plain RNN)")
    (g_leaky,) = ax_grad.plot([0], [0], color=plots.LEAKY, lw=2, label="leaky")
    ax_grad.axhline(np.log10(tricks.REACH_LEVEL), color="0.6", lw=0.8, ls=":", zorder=1)  # behind the curves
    ax_grad.text(0.01, np.log10(tricks.REACH_LEVEL), f"{tricks.REACH_LEVEL:g}", color="0.45", fontsize=7, va="top",
                 transform=ax_grad.get_yaxis_transform(), zorder=1)
    ax_grad.set_xlabel("t")
    ax_grad.set_ylabel("log10 ||dz_T / dz_t||")
    ax_grad.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8, frameon=False)

    (z_plain,) = ax_state.plot([0], [0], color=plots.PLAIN, ls="--", lw=1.2, label="α = 1")
    (z_leaky,) = ax_state.plot([0], [0], color=plots.LEAKY, lw=1.5, label="leaky")
    ax_state.set_xlabel("t")
    ax_state.set_ylabel("log10 ||z_t||")
    ax_state.set_title("the state remembers z_0 longer")
    plots.sparse_ticks(ax_eig, ax_grad, ax_state)

    def draw(r: tricks.LeakyExploration) -> None:
        lam.set_offsets(np.column_stack([r.eigenvalues.real, r.eigenvalues.imag]))
        mu.set_offsets(np.column_stack([r.effective.real, r.effective.imag]))
        ax_eig.set_title(f"eigenvalues move towards 1\n{_pair('μ', r.effective)}", fontsize=10)  # the two μ often overlap
        for line, ev in zip(paths, r.eigenvalues):
            line.set_data([ev.real, 1.0], [ev.imag, 0.0])
        t = np.arange(len(r.log10_grad_leaky))
        g_plain.set_data(t, r.log10_grad_plain)
        g_leaky.set_data(t, r.log10_grad_leaky)
        ax_grad.set_xlim(0, t[-1])
        # a vanishing plain RNN leaves through the bottom
        ax_grad.set_ylim(*ladder_range(np.r_[r.log10_grad_leaky, r.log10_grad_plain],
                                             minimum=LEAKY_DECADES, floor=GRAD_FLOOR))
        ax_grad.set_title(f"|1 − α + αλ| = {abs(r.effective[0]):.3f}: gradient above 1e-3\n"
                          f"for {r.reach_plain} steps back at α = 1, {r.reach_leaky} at α = {r.alpha:.2f}",
                          fontsize=10)
        z_plain.set_data(t, r.log10_state_plain)
        z_leaky.set_data(t, r.log10_state_leaky)
        ax_state.set_xlim(0, t[-1])
        ax_state.set_ylim(*ladder_range(np.r_[r.log10_state_plain, r.log10_state_leaky], minimum=LEAKY_DECADES,
                                        floor=GRAD_FLOOR))

    dynamic = [lam, mu, *paths, one, ax_eig.title, g_plain, g_leaky, ax_grad.title, z_plain, z_leaky]
    return Dashboard(specs, compute=tricks.explore_leaky, draw=draw, figure=fig, columns=3, dynamic=dynamic)


# ----------------------------------------------------------------------------------------------
# Initialisation

INIT_SLIDERS = {
    "gain": SliderSpec(min=0.5, max=1.5, step=0.05, value=1.0, description="gain"),
    "steps": IntSliderSpec(min=10, max=300, step=10, value=100, description="steps T"),
    "nonlinearity": ChoiceSpec(options=("linear", "tanh"), value="linear", description="g"),
}


#: the gradient panel reaches at least INIT_DECADES decades above and below 0 (then 10, 20, 50, ...):
#: fixed while the gain moves a little, so the curves visibly tilt
INIT_DECADES = 5.0


def init_dashboard(n: int = 100, seed: int = 0, **defaults) -> Dashboard:
    """Gaussian, orthogonal and identity-scaled W (n x n) at one gain: eigenvalues and gradients."""
    specs = with_defaults(INIT_SLIDERS, defaults)
    fig = new_figure(13, 3.4)
    axes = fig.subplots(1, 4)
    points, radii = {}, {}
    for ax, kind in zip(axes[:3], tricks.INIT_KINDS):
        plots.circle(ax, 1.0, color="0.5", ls="--", lw=1)
        radii[kind] = plots.circle(ax, 1.0, color=plots.INIT_COLOURS[kind], lw=1, alpha=0.6)
        points[kind] = ax.scatter(np.zeros(n), np.zeros(n), s=8, color=plots.INIT_COLOURS[kind], zorder=3)
        ax.set_xlim(-1.7, 1.7)
        ax.set_ylim(-1.7, 1.7)
        ax.set_aspect("equal")
        ax.set_xlabel("Re λ")
        ax.set_title(kind, color=plots.INIT_COLOURS[kind])
    axes[0].set_ylabel("Im λ")
    identity_note = axes[2].text(0.5, 0.08, "", transform=axes[2].transAxes, ha="center", fontsize=8)
    ax_grad = axes[3]
    # the orthogonal curve wide and underneath: in the linear case the identity's equals it, and runs inside it
    widths = {"orthogonal": 4.0}
    lines = {kind: ax_grad.plot([0], [0], color=plots.INIT_COLOURS[kind], lw=widths.get(kind, 1.5), label=kind,
                                zorder=2 if kind in widths else 2.5)[0]
             for kind in tricks.INIT_KINDS}
    ax_grad.axhline(0, color="0.6", lw=0.8, zorder=1)  # behind the curves (drawn over it on every move)
    ax_grad.set_xlabel("t")
    ax_grad.set_ylabel("log10 ||dC/dz_t||")
    ax_grad.set_title("gradient through time")
    ax_grad.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=8, frameon=False,
                   handlelength=1.2, columnspacing=0.8)  # below the axes: no curve crosses it
    plots.sparse_ticks(*axes)

    def compute(gain: float, steps: int, nonlinearity: str) -> tricks.InitComparison:
        return tricks.compare_inits(gain, steps, nonlinearity, n=n, seed=seed)

    def draw(r: tricks.InitComparison) -> None:
        for kind, ev, g in zip(r.kinds, r.eigenvalues, r.log10_grad):
            points[kind].set_offsets(np.column_stack([ev.real, ev.imag]))
            radii[kind].set_data(r.gain * np.cos(np.linspace(0, 2 * np.pi, 200)),
                                 r.gain * np.sin(np.linspace(0, 2 * np.pi, 200)))
            lines[kind].set_data(np.arange(len(g)), g)
        identity_note.set_text(f"all {n} eigenvalues at {r.gain:.2f}")
        ax_grad.set_xlim(0, len(r.log10_grad[0]) - 1)
        ax_grad.set_ylim(*ladder_range(np.concatenate(r.log10_grad), minimum=INIT_DECADES))

    dynamic = [*radii.values(), *points.values(), identity_note, *lines.values()]  # in z-order: points over circles
    return Dashboard(specs, compute=compute, draw=draw, figure=fig, columns=3, dynamic=dynamic)


# ----------------------------------------------------------------------------------------------
# Euler's method and its stability region

EULER_SLIDERS = {
    "h": SliderSpec(min=0.05, max=2.5, step=0.05, value=0.2, description="step h"),
    "decay": SliderSpec(min=-3.0, max=0.5, step=0.05, value=-0.5, description="Re λ (decay)"),
    "frequency": SliderSpec(min=0.0, max=4.0, step=0.1, value=2.0, description="Im λ (frequency)", readout_format=".1f"),
    "method": ChoiceSpec(options=odes.METHODS, value="euler", description="solver"),
}
#: the hλ plane's smallest window; when hλ lies outside, it is zoomed out by the next factor of
#: HL_ZOOMS (the same shape, so the square-pixel box does not move)
HL_WINDOW = (-4.5, 1.5, -3.5, 3.5)
HL_ZOOMS = (1.0, 1.5, 2.0, 3.0, 4.0)
#: the phase plane's half-width: the exact solution's reach x 1.05, from the ladder 1.25, 2.5, 5, 7.5, 12.5, ...
PHASE_STEPS = (1.25, 2.5, 5.0, 7.5)
#: the time axis holds the last step of any h: t_K = h * ceil(HORIZON / h) < HORIZON + h
T_AXIS = 5.0 * np.ceil((odes.HORIZON + EULER_SLIDERS["h"].max) / 5.0)
#: the norm panel shows at most NORM_DECADES beyond the exact solution: a diverging run leaves through the top
NORM_DECADES = 4.0


def euler_dashboard(**defaults) -> Dashboard:
    """dz/dt = A z, A with eigenvalues decay ± i frequency: exact solution against Euler / RK4 with step h."""
    specs = with_defaults(EULER_SLIDERS, defaults)
    fig = new_figure(13, 3.6)
    ax_hl, ax_phase, ax_norm = fig.subplots(1, 3)
    grids = {m: odes.stability_grid(m, re=(-12.0, 3.0), im=(-12.0, 12.0), resolution=301) for m in odes.METHODS}
    plots.stability_region(ax_hl, *grids["euler"], color=plots.STABLE, label="Euler: |1 + hλ| < 1")
    plots.stability_region(ax_hl, *grids["rk4"], color="#2e86c1", filled=False, label="RK4: |R(hλ)| < 1")
    hl_points = ax_hl.scatter([0, 0], [0, 0], s=60, color="k", zorder=4)
    ax_hl.set_aspect("equal", adjustable="box")
    # the points take the verdict's colour: the legend shows both (a static entry cannot follow the points)
    handles, _ = ax_hl.get_legend_handles_labels()
    handles += [Line2D([], [], ls="", marker="o", color=c, label=f"hλ, {v}")
                for c, v in ((plots.STABLE, "stable"), (plots.DIVERGING, "diverging"))]
    ax_hl.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7, frameon=False)

    (exact_line,) = ax_phase.plot([0], [0], color="k", lw=1.2, label="exact, exp(tA) z_0")
    (step_line,) = ax_phase.plot([0], [0], marker="o", ms=3, lw=0.8, color=plots.LEAKY, label="steps")
    ax_phase.set_xlabel("z[0]")
    ax_phase.set_ylabel("z[1]")
    ax_phase.set_aspect("equal", adjustable="box")
    # the legend below the axes, where no step crosses it (it stays in the background)
    ax_phase.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7, frameon=False)
    phase_note = plots.corner_note(ax_phase, loc="upper right")

    (exact_norm,) = ax_norm.plot([0], [0], color="k", lw=1.2, label="exact")
    (step_norm,) = ax_norm.plot([0], [0], marker="o", ms=3, lw=0.8, color=plots.LEAKY, label="steps")
    ax_norm.set_xlabel("t")
    ax_norm.set_ylabel("log10 ||z(t)||")
    plots.sparse_ticks(ax_hl, ax_phase, ax_norm)
    norm_note = plots.corner_note(ax_norm, loc="upper left")

    def draw(r: odes.StepExploration) -> None:
        colour = plots.DIVERGING if r.diverges else plots.STABLE
        hl = r.h * r.eigenvalues
        hl_points.set_offsets(np.column_stack([hl.real, hl.imag]))
        hl_points.set_color(colour)
        x0, x1, y0, y1 = HL_WINDOW
        left, right = float(hl.real.min()) * 1.15 - 0.5, float(hl.real.max()) + 0.5
        reach = float(np.max(np.abs(hl.imag))) * 1.15
        zoom = next((k for k in HL_ZOOMS if k * x0 <= left and k * x1 >= right and k * y1 >= reach), HL_ZOOMS[-1])
        ax_hl.set_xlim(zoom * x0, zoom * x1)
        ax_hl.set_ylim(zoom * y0, zoom * y1)
        verdict, _, factor = r.verdict.partition("|")  # "diverges, |1 + hλ| = 1.008 > 1": two lines fit the panel
        ax_hl.set_title(f"{r.method}: {verdict.rstrip(' ,:')}\n|{factor}", color=colour, fontsize=10)

        exact_line.set_data(r.z_exact[:, 0], r.z_exact[:, 1])
        zs = np.clip(r.z_steps, -1e6, 1e6)  # keep the drawing finite; the axes stay on the exact solution
        step_line.set_data(zs[:, 0], zs[:, 1])
        span = ladder_limit(r.z_exact, minimum=PHASE_STEPS[0], steps=PHASE_STEPS)  # 1.25 while ||z(t)|| <= 1
        ax_phase.set_xlim(-span, span)
        ax_phase.set_ylim(-span, span)
        leaves = bool(np.any(np.abs(r.z_steps) > span)) or not np.all(np.isfinite(r.z_steps))
        peak = float(np.max(r.log10_norm_steps))
        word = "diverges" if r.diverges else "grows"  # else the exact solution grows too, only slower
        phase_note.set_text(f"{word}: ||z_k|| reaches 10^{peak:.1f}\n(off the chart)" if leaves else "")
        phase_note.set_visible(leaves)
        ax_phase.set_title(f"h = {r.h:.2f}: {len(r.times) - 1} steps to t = {r.times[-1]:.1f}", fontsize=10)

        exact_norm.set_data(r.t_exact, r.log10_norm_exact)
        step_norm.set_data(r.times, np.clip(r.log10_norm_steps, -300, 300))
        ax_norm.set_xlim(0, T_AXIS)
        lowest, highest = float(r.log10_norm_exact.min()), float(r.log10_norm_exact.max())
        shown = np.clip(r.log10_norm_steps, lowest - NORM_DECADES, highest + NORM_DECADES)
        lo, hi = ladder_range(np.r_[r.log10_norm_exact, shown], minimum=1.0)
        lo, hi = max(lo, np.floor(lowest - NORM_DECADES)), min(hi, np.ceil(highest + NORM_DECADES))
        ax_norm.set_ylim(lo, hi)
        above = peak > hi
        norm_note.set_text(f"{word}: 10^{peak:.1f} at t = {r.times[-1]:.1f} ↑" if above else "")
        norm_note.set_visible(above)
        ax_norm.set_title("size of the state (black: exact)", fontsize=10)

    dynamic = [hl_points, ax_hl.title, exact_line, step_line, phase_note, ax_phase.title, exact_norm, step_norm,
               norm_note]
    return Dashboard(specs, compute=odes.explore_steps, draw=draw, figure=fig, columns=4, dynamic=dynamic)
