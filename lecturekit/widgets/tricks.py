"""Dashboards for the notebook on RNN tricks and Neural ODEs: the clipping threshold on a cliff,
leaky integration, three initialisations, and the step size of Euler's method."""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .. import odes, tricks
from ..plots import tricks as plots
from ._dashboard import Choice, Dashboard, IntSlider, Slider, new_figure

__all__ = ["LogSlider", "clipping_dashboard", "leaky_dashboard", "init_dashboard", "euler_dashboard",
           "CLIPPING_SLIDERS", "LEAKY_SLIDERS", "INIT_SLIDERS", "EULER_SLIDERS"]


@dataclass(frozen=True)
class LogSlider:
    """A slider over 10**min ... 10**max in steps of ``step`` decades; the readout shows the value itself."""

    min: float  # log10 of the smallest value
    max: float  # log10 of the largest value
    step: float  # in decades
    value: float  # the default (the value, not its log)
    description: str = ""
    readout_format: str = ".3g"

    def build(self, name: str) -> widgets.FloatLogSlider:
        return widgets.FloatLogSlider(base=10, min=self.min, max=self.max, step=self.step, value=self.value,
                                      description=self.description or name, readout_format=self.readout_format,
                                      continuous_update=True, style={"description_width": "initial"},
                                      layout=widgets.Layout(width="360px"))

    def values(self) -> list[float]:
        n = int(round((self.max - self.min) / self.step))
        return [float(10 ** round(self.min + i * self.step, 10)) for i in range(n + 1)]


def _with_defaults(specs: dict, defaults: dict) -> dict:
    specs = dict(specs)
    for name, value in defaults.items():
        if name not in specs:
            raise ValueError(f"unknown control {name!r}; the controls are {sorted(specs)}")
        specs[name] = type(specs[name])(**{**specs[name].__dict__, "value": value})
    return specs


# ----------------------------------------------------------------------------------------------
# Clipping on a cliff

CLIPPING_SLIDERS = {"threshold": LogSlider(-1.5, 2.0, 0.1, 1.0, "clipping threshold")}
#: the window of the (w, b) plane drawn behind the descent paths
SURFACE_W, SURFACE_B = np.linspace(0.0, 3.5, 240), np.linspace(-1.5, 2.0, 240)
LOSS_LIMITS = (1e-8, 20.0)


def clipping_dashboard(setting: tricks.CliffSetting = tricks.CLIFF, **defaults) -> Dashboard:
    """Gradient descent on the one-unit RNN's cliff, without clipping and with the chosen threshold.

    Every threshold the slider offers is trained once, side by side, when the dashboard is built
    (about 40 ms); moving the slider then only redraws.
    """
    specs = _with_defaults(CLIPPING_SLIDERS, defaults)
    sweep = tricks.cliff_descent([np.inf, *specs["threshold"].values()], setting)

    def compute(threshold: float) -> tricks.Descent:
        return sweep.pick(np.inf, threshold)

    fig = new_figure(13, 3.5)
    ax_surf, ax_free, ax_clip, ax_grad = fig.subplots(1, 4)
    plots.loss_surface(ax_surf, SURFACE_W, SURFACE_B, tricks.cliff_surface(SURFACE_W, SURFACE_B, setting))
    free = sweep.pick(np.inf)
    plots.descent_path(ax_surf, free.w[:, 0], free.b[:, 0], color=plots.NO_CLIP, label="no clipping")
    clip_path = plots.descent_path(ax_surf, free.w[:, 0], free.b[:, 0], color=plots.CLIP, label="clipped")
    ax_surf.set_xlim(SURFACE_W[0], SURFACE_W[-1])
    ax_surf.set_ylim(SURFACE_B[0], SURFACE_B[-1])
    ax_surf.legend(loc="upper left", fontsize=8)
    ax_surf.set_title("log10 loss over (w, b)")
    off_chart = plots.corner_note(ax_surf, loc="lower right")

    plots.loss_curve(ax_free, free.loss[:, 0], color=plots.NO_CLIP)
    ax_free.set_title(f"no clipping: final loss {free.loss[-1, 0]:.2g}", color=plots.NO_CLIP)
    clip_loss = plots.loss_curve(ax_clip, free.loss[:, 0], color=plots.CLIP)
    for ax in (ax_free, ax_clip):
        ax.set_ylim(*LOSS_LIMITS)
    ax_free.set_ylabel("loss (z_T - target)²")

    steps = np.arange(setting.iterations)
    ax_grad.plot(steps, free.grad_norm[:, 0], color=plots.NO_CLIP, lw=1)
    (grad_clip,) = ax_grad.plot(steps, free.grad_norm[:, 0], color=plots.CLIP, lw=1)
    threshold_line = ax_grad.axhline(1.0, color="k", ls="--", lw=1)
    ax_grad.set_yscale("log")
    ax_grad.set_ylim(1e-6, 1e3)
    ax_grad.set_xlabel("gradient-descent step")
    ax_grad.set_title("gradient norm (dashed: threshold)")
    plots.sparse_ticks(ax_surf, ax_free, ax_clip, ax_grad)

    def draw(r: tricks.Descent) -> None:
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

    return Dashboard(specs, compute=compute, draw=draw, figure=fig, columns=1)


# ----------------------------------------------------------------------------------------------
# Leaky integration

LEAKY_SLIDERS = {
    "alpha": Slider(0.02, 1.0, 0.02, 0.1, "leak α"),
    "scale": Slider(0.0, 1.5, 0.05, 0.6, "modulus |λ| of W"),
    "angle": Slider(0.0, 180.0, 5.0, 30.0, "angle θ (degrees)", readout_format=".0f"),
    "steps": IntSlider(10, 500, 200, step=10, description="steps T"),
    "nonlinearity": Choice(("linear", "tanh"), "tanh", "g"),
}


#: the leaky dashboard's gradient axis stops at 10**GRAD_FLOOR (below, nothing arrives anyway)
GRAD_FLOOR = -16.0


def leaky_dashboard(**defaults) -> Dashboard:
    """Leaky integration z_t = (1 - α) z_(t-1) + α g(W z_(t-1)), W = scale * R(angle), against α = 1."""
    specs = _with_defaults(LEAKY_SLIDERS, defaults)
    fig = new_figure(13, 3.5)
    ax_eig, ax_grad, ax_state = fig.subplots(1, 3)
    _, mu = plots.eigenvalue_plane(ax_eig, np.zeros(2), limit=1.6)
    mu.set_color(plots.LEAKY)
    mu.set_label("1 − α + αλ")
    lam = ax_eig.scatter([0, 0], [0, 0], s=60, facecolors="none", edgecolors=plots.PLAIN, lw=1.5, zorder=3,
                         label="λ (eigenvalues of W)")
    paths = plots.segments(ax_eig, np.zeros(2, complex), np.ones(2, complex), color=plots.LEAKY, ls=":", lw=1)
    ax_eig.plot([1], [0], "k+", ms=10)
    ax_eig.legend(loc="lower left", fontsize=7)
    ax_eig.set_title("eigenvalues move towards 1")

    (g_plain,) = ax_grad.plot([0], [0], color=plots.PLAIN, ls="--", lw=1.5, label="α = 1 (plain RNN)")
    (g_leaky,) = ax_grad.plot([0], [0], color=plots.LEAKY, lw=2, label="leaky")
    ax_grad.axhline(np.log10(tricks.REACH_LEVEL), color="0.6", lw=0.8, ls=":")
    ax_grad.set_xlabel("t")
    ax_grad.set_ylabel("log10 ||dz_T / dz_t||")
    ax_grad.legend(loc="upper left", fontsize=8)

    (z_plain,) = ax_state.plot([0], [0], color=plots.PLAIN, ls="--", lw=1.2, label="α = 1")
    (z_leaky,) = ax_state.plot([0], [0], color=plots.LEAKY, lw=1.5, label="leaky")
    ax_state.set_xlabel("t")
    ax_state.set_ylabel("log10 ||z_t||")
    ax_state.set_title("the state remembers z_0 longer")
    plots.sparse_ticks(ax_eig, ax_grad, ax_state)

    def draw(r: tricks.LeakyExploration) -> None:
        lam.set_offsets(np.column_stack([r.eigenvalues.real, r.eigenvalues.imag]))
        mu.set_offsets(np.column_stack([r.effective.real, r.effective.imag]))
        for line, ev in zip(paths, r.eigenvalues):
            line.set_data([ev.real, 1.0], [ev.imag, 0.0])
        t = np.arange(len(r.log10_grad_leaky))
        g_plain.set_data(t, r.log10_grad_plain)
        g_leaky.set_data(t, r.log10_grad_leaky)
        ax_grad.set_xlim(0, t[-1])
        lo, hi = plots.padded_limits(np.r_[r.log10_grad_leaky, r.log10_grad_plain])
        ax_grad.set_ylim(max(lo, GRAD_FLOOR), hi)  # a vanishing plain RNN leaves through the bottom
        ax_grad.set_title(f"|1 − α + αλ| = {abs(r.effective[0]):.3f}: gradient above 1e-3\n"
                          f"for {r.reach_plain} steps back at α = 1, {r.reach_leaky} at α = {r.alpha:.2f}",
                          fontsize=10)
        with np.errstate(divide="ignore"):
            sizes = [np.log10(np.linalg.norm(z, axis=1)) for z in (r.z_plain, r.z_leaky)]
        z_plain.set_data(t, sizes[0])
        z_leaky.set_data(t, sizes[1])
        ax_state.set_xlim(0, t[-1])
        lo, hi = plots.padded_limits(np.concatenate(sizes))
        ax_state.set_ylim(max(lo, GRAD_FLOOR), hi)

    return Dashboard(specs, compute=tricks.explore_leaky, draw=draw, figure=fig, columns=3)


# ----------------------------------------------------------------------------------------------
# Initialisation

INIT_SLIDERS = {
    "gain": Slider(0.5, 1.5, 0.05, 1.0, "gain"),
    "steps": IntSlider(10, 300, 100, step=10, description="steps T"),
    "nonlinearity": Choice(("linear", "tanh"), "linear", "g"),
}


def init_dashboard(n: int = 100, seed: int = 0, **defaults) -> Dashboard:
    """Gaussian, orthogonal and identity-scaled W (n x n) at one gain: eigenvalues and gradients."""
    specs = _with_defaults(INIT_SLIDERS, defaults)
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
    lines = {kind: ax_grad.plot([0], [0], color=plots.INIT_COLOURS[kind], lw=1.5, label=kind)[0]
             for kind in tricks.INIT_KINDS}
    ax_grad.axhline(0, color="0.6", lw=0.8)
    ax_grad.set_xlabel("t")
    ax_grad.set_ylabel("log10 ||dC/dz_t||")
    ax_grad.set_title("gradient through time")
    ax_grad.legend(loc="lower right", fontsize=8)
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
        ax_grad.set_ylim(*plots.padded_limits(np.concatenate(r.log10_grad)))

    return Dashboard(specs, compute=compute, draw=draw, figure=fig, columns=3)


# ----------------------------------------------------------------------------------------------
# Euler's method and its stability region

EULER_SLIDERS = {
    "h": Slider(0.05, 2.5, 0.05, 0.2, "step h"),
    "decay": Slider(-3.0, 0.5, 0.05, -0.5, "Re λ (decay)"),
    "frequency": Slider(0.0, 4.0, 0.1, 2.0, "Im λ (frequency)", readout_format=".1f"),
    "method": Choice(odes.METHODS, "euler", "solver"),
}
#: the hλ plane's smallest window; it widens when hλ lies outside
HL_WINDOW = (-4.5, 1.5, -3.5, 3.5)


def euler_dashboard(**defaults) -> Dashboard:
    """dz/dt = A z, A with eigenvalues decay ± i frequency: exact solution against Euler / RK4 with step h."""
    specs = _with_defaults(EULER_SLIDERS, defaults)
    fig = new_figure(13, 3.6)
    ax_hl, ax_phase, ax_norm = fig.subplots(1, 3)
    grids = {m: odes.stability_grid(m, re=(-12.0, 3.0), im=(-12.0, 12.0), resolution=301) for m in odes.METHODS}
    plots.stability_region(ax_hl, *grids["euler"], color=plots.STABLE, label="Euler: |1 + hλ| < 1")
    plots.stability_region(ax_hl, *grids["rk4"], color="#2e86c1", filled=False, label="RK4: |R(hλ)| < 1")
    hl_points = ax_hl.scatter([0, 0], [0, 0], s=60, color="k", zorder=4, label="hλ")
    ax_hl.set_aspect("equal", adjustable="box")
    ax_hl.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=7, frameon=False)

    (exact_line,) = ax_phase.plot([0], [0], color="k", lw=1.2, label="exact, exp(tA) z_0")
    (step_line,) = ax_phase.plot([0], [0], marker="o", ms=3, lw=0.8, color=plots.LEAKY, label="steps")
    ax_phase.set_xlabel("z[0]")
    ax_phase.set_ylabel("z[1]")
    ax_phase.set_aspect("equal", adjustable="box")
    ax_phase.legend(loc="lower left", fontsize=7)
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
        reach = float(np.max(np.abs(hl.imag))) * 1.15
        ax_hl.set_xlim(min(x0, float(hl.real.min()) * 1.15 - 0.5), max(x1, float(hl.real.max()) + 0.5))
        ax_hl.set_ylim(min(y0, -reach), max(y1, reach))
        ax_hl.set_title(f"{r.method}: {r.verdict}", color=colour, fontsize=10)

        exact_line.set_data(r.z_exact[:, 0], r.z_exact[:, 1])
        zs = np.clip(r.z_steps, -1e6, 1e6)  # keep the drawing finite; the axes stay on the exact solution
        step_line.set_data(zs[:, 0], zs[:, 1])
        span = max(float(np.abs(r.z_exact).max()), 1e-3) * 1.25
        ax_phase.set_xlim(-span, span)
        ax_phase.set_ylim(-span, span)
        leaves = bool(np.any(np.abs(r.z_steps) > span)) or not np.all(np.isfinite(r.z_steps))
        peak = float(np.max(r.log10_norm_steps))
        phase_note.set_text(f"diverges: ||z_k|| reaches 10^{peak:.1f}\n(off the chart)" if leaves else "")
        phase_note.set_visible(leaves)
        ax_phase.set_title(f"h = {r.h:.2f}: {len(r.times) - 1} steps to t = {r.times[-1]:.1f}", fontsize=10)

        exact_norm.set_data(r.t_exact, r.log10_norm_exact)
        step_norm.set_data(r.times, np.clip(r.log10_norm_steps, -300, 300))
        ax_norm.set_xlim(0, r.times[-1])
        lo, hi = plots.readable_limits(r.log10_norm_exact, r.log10_norm_steps, max_decades=4)
        ax_norm.set_ylim(lo, hi)
        above = peak > hi
        norm_note.set_text(f"diverges: 10^{peak:.1f} at t = {r.times[-1]:.1f} ↑" if above else "")
        norm_note.set_visible(above)
        ax_norm.set_title("size of the state (black: exact)", fontsize=10)

    return Dashboard(specs, compute=odes.explore_steps, draw=draw, figure=fig, columns=4)
