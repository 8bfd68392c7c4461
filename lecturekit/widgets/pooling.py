"""The pooling notebook's dashboards.

- :func:`exponent_explorer`: L_p and log-sum-exp pooling move from the sum (or the mean) to the max
  as their exponent grows, and their gradient moves from every input to a single winner.
- :func:`shift_explorer`: shift an image; the convolution's matches move with it (equivariance),
  the pooled map changes only when a match crosses a window border (local invariance).

Both keep their axes fixed and name the artists a move changes (``Dashboard(dynamic=...)``): the rest
is drawn once into a background, and a move redraws only those artists on top of it.
"""

from __future__ import annotations

import math

import numpy as np

from .. import invariance, motifs, pooling
from ..plots import pooling as plots
from .controls import ChoiceSpec, IntSliderSpec, SliderSpec
from .dashboard import Dashboard, new_figure, with_defaults

#: the explorer's controls: ranges and defaults, in one place (p = 2 is the most popular L_p)
EXPONENT_SLIDERS = {
    "p": SliderSpec(min=1.0, max=32.0, step=0.5, value=2.0, description="L_p exponent p", readout_format=".1f"),
    "beta": SliderSpec(min=0.1, max=20.0, step=0.1, value=1.0, description="log-sum-exp β", readout_format=".1f"),
}

#: the grids the curves are drawn on: a little wider than the sliders, to show where they lead
P_RANGE = (1.0, 64.0)
BETA_RANGE = (0.05, 50.0)


def exponent_explorer(z=pooling.EXAMPLE_ACTIVATIONS, **defaults) -> Dashboard:
    """Sliders for p and beta: the pooled value of ``z`` (N,) on its curve, and the bars of dy/dz_n.

    Top row L_p pooling, bottom row log-sum-exp, each in the lecture's form and mean-normalised.
    Keyword arguments override the sliders' starting values, e.g. ``exponent_explorer(p=10)``.
    """
    specs = with_defaults(EXPONENT_SLIDERS, defaults)
    z = np.asarray(z, dtype=float)
    if z.ndim != 1 or np.any(z < 0):
        raise ValueError("the explorer pools a vector (N,) of non-negative activations")

    def compute(p: float, beta: float) -> pooling.ExponentView:
        return pooling.exponent_view(p, beta, z, p_range=P_RANGE, beta_range=BETA_RANGE)

    first = compute(specs["p"].value, specs["beta"].value)
    fig = new_figure(11, 6.2)
    (ax_lp, ax_lp_grad), (ax_lse, ax_lse_grad) = fig.subplots(2, 2, width_ratios=(1.25, 1))

    lp_artists = plots.pooled_value_curves(ax_lp, first.ps, first.lp_curve, first.lp_mean_curve, xlabel="p")
    plots.reference_lines(ax_lp, {"sum": first.total, "mean": first.average, "max": first.maximum})
    ax_lp.set_ylim(0, 1.1 * first.total)
    ax_lp.legend(loc="center right", fontsize=8)

    lse_artists = plots.pooled_value_curves(ax_lse, first.betas, first.lse_curve, first.lse_mean_curve,
                                            xlabel="β (the lecture's P)")
    n = len(z)
    ax_lse.plot(first.betas, first.average + math.log(n) / first.betas, color=plots.COLOURS["asymptote"],
                ls="--", lw=1, label=f"mean + log(N)/β,  N = {n}")
    plots.reference_lines(ax_lse, {"mean": first.average, "max": first.maximum})
    ax_lse.set_yscale("log")
    low, high = 0.5 * first.average, 1.5 * first.lse_curve[0]
    plots.log_ticks(ax_lse.yaxis, low, high)
    ax_lse.set_ylim(low, high)
    ax_lse.legend(loc="upper right", fontsize=8)

    lp_bars = plots.gradient_bars(ax_lp_grad, first.lp_grad, z)
    lse_bars = plots.gradient_bars(ax_lse_grad, first.lse_grad, z)
    ax_lp.set_title(r"$L_p$ pooling:  $y = (\Sigma_n\, |z_n|^{\,p})^{1/p}$", fontsize=11)
    ax_lse.set_title(r"log-sum-exp pooling:  $y = \beta^{-1} \log\, \Sigma_n\, e^{\beta z_n}$", fontsize=11)
    ax_lp_grad.set_title(r"$\partial y / \partial z_n$ of $L_p$ pooling", fontsize=11)
    ax_lse_grad.set_title(r"$\partial y / \partial z_n$ of log-sum-exp: softmax$(\beta z)_n$", fontsize=11)

    # the few texts that change: each marker's value, and the largest input's share of the gradient
    # (short on purpose: drawing text is most of the cost of a move)
    def value_label(marker, dy):
        return ax_of[marker].annotate("", xy=(0, 0), xytext=(7, dy), textcoords="offset points", fontsize=9,
                                      color=marker.get_color(), va="center", fontweight="bold")

    markers = [*lp_artists[2:], *lse_artists[2:]]
    ax_of = dict(zip(markers, (ax_lp, ax_lp, ax_lse, ax_lse)))
    labels = [value_label(m, dy) for m, dy in zip(markers, (9, -9, 9, -9))]
    shares = {ax: ax.text(0.97, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize=9)
              for ax in (ax_lp_grad, ax_lse_grad)}

    def draw(r: pooling.ExponentView) -> None:
        for marker, label, x, y in zip(markers, labels, (r.p, r.p, r.beta, r.beta),
                                       (r.lp, r.lp_mean, r.lse, r.lse_mean)):
            marker.set_data([x], [y])
            label.xy = (x, y)
            label.set_text(f"{y:.3f}")
        for bars, grad, ax in ((lp_bars, r.lp_grad, ax_lp_grad), (lse_bars, r.lse_grad, ax_lse_grad)):
            for bar, g in zip(bars, grad):
                bar.set_height(g)
            shares[ax].set_text(f"largest input: {100 * grad.max() / grad.sum():.0f}% of the summed gradient")

    dynamic = [*markers, *labels, *lp_bars, *lse_bars, *shares.values()]  # every axis limit above is fixed
    return Dashboard(specs, compute=compute, draw=draw, figure=fig, columns=2, dynamic=dynamic)


#: the shift explorer's controls
SHIFT_CONTROLS = {
    "tau": IntSliderSpec(min=0, max=8, value=0, description="shift τ (pixels)"),
    "window": ChoiceSpec(options=(2, 4, 8), value=4, description="pool window"),
    "pool": ChoiceSpec(options=("max", "avg"), value="max", description="pool"),
}

#: the detector's threshold: between a plus's score on itself (9) and a cross's best on a plus (3)
SHIFT_THRESHOLD = 6.0


def default_scene() -> np.ndarray:
    """The shift explorer's image (32, 32): two plus signs and a diagonal cross in light noise, seeded."""
    return motifs.motif_image(32, [(motifs.PLUS, 5, 13), (motifs.PLUS, 19, 22), (motifs.DIAGONAL_CROSS, 20, 4)],
                               noise=0.1, rng=np.random.default_rng(0))


def shift_explorer(image=None, **defaults) -> Dashboard:
    """Shift an image by tau pixels: the convolution's matches move with it (equivariance), the pooled
    map changes only when a match crosses a window border (local invariance), the global max never.

    ``image`` (H, W) defaults to :func:`default_scene`; keyword arguments override the controls'
    starting values, e.g. ``shift_explorer(window=8)``.
    """
    specs = with_defaults(SHIFT_CONTROLS, defaults)
    x = default_scene() if image is None else np.asarray(image, dtype=float)
    max_shift = SHIFT_CONTROLS["tau"].max

    def compute(tau: int, window: int, pool: str) -> invariance.ShiftView:
        return invariance.shift_view(x, motifs.PLUS, tau, window, pool, threshold=SHIFT_THRESHOLD, max_shift=max_shift)

    first = compute(**{name: spec.value for name, spec in specs.items()})
    fig = new_figure(13, 3.6)
    ax_image, ax_act, ax_pooled, ax_curve = fig.subplots(1, 4, width_ratios=(1, 1, 1, 1.4))
    peak = max(first.original.score, 1e-9)
    image_art = plots.feature_map(ax_image, first.shifted.image, cmap="gray",
                                  vmin=float(x.min()), vmax=float(x.max()))
    ax_image.set_title("τ(x): the image, shifted left by τ", fontsize=10)
    act_art = plots.feature_map(ax_act, first.shifted.activation, vmin=0, vmax=peak)
    ax_act.set_title(f"relu(corr2d(τ(x), plus) − {SHIFT_THRESHOLD:g})", fontsize=10)
    borders = plots.window_borders(ax_act, first.shifted.activation.shape, first.shifted.window)
    pooled_art = plots.feature_map(ax_pooled, first.shifted.pooled, vmin=0, vmax=peak)
    changed_art = plots.highlight_cells(ax_pooled, first.changed)
    pooled_title = ax_pooled.text(0.5, 1.02, "", transform=ax_pooled.transAxes, ha="center", va="bottom",
                                  fontsize=10)
    ax_pooled.text(0.5, -0.02, "red: cells that changed", transform=ax_pooled.transAxes, ha="center", va="top",
                   fontsize=9, color="#e74c3c")
    e = first.errors
    curves = plots.shift_curves(ax_curve, e.shifts, {"no pooling": e.unpooled_change, "pool over windows": e.pooled_change[0],
                                                     "global pool": e.global_change},
                                styles={"no pooling": {"color": "0.5"}, "global pool": {"color": "#8e44ad"}})
    ax_curve.set_ylim(-0.05, 1.85)  # room for the legend above the curves (which end near sqrt(2))
    ax_curve.set_title("‖g(τx) − g(x)‖ / ‖g(x)‖ for this image", fontsize=10)
    ax_curve.legend(fontsize=8, loc="upper center", ncol=3, handlelength=1.2, columnspacing=0.8)
    curves[2].set_zorder(1.9)  # the global pool's flat line under the moving one, in every drawing
    # the current shift, stopping below the legend (a moving line is drawn over the background's legend)
    (now,) = ax_curve.plot([0, 0], [-0.05, 1.6], color="k", lw=1, ls="--")

    def draw(r: invariance.ShiftView) -> None:
        image_art.set_data(r.shifted.image)
        act_art.set_data(r.shifted.activation)
        plots.window_borders(ax_act, r.shifted.activation.shape, r.shifted.window, lines=borders)
        pooled_art.set_data(r.shifted.pooled)
        pooled_art.set_clim(0, max(float(r.original.pooled.max()), 1e-9))  # an average is smaller than a max
        pooled_art.set_extent((-0.5, r.shifted.pooled.shape[1] - 0.5, r.shifted.pooled.shape[0] - 0.5, -0.5))
        ax_pooled.set_xlim(-0.5, r.shifted.pooled.shape[1] - 0.5)
        ax_pooled.set_ylim(r.shifted.pooled.shape[0] - 0.5, -0.5)
        plots.highlight_cells(ax_pooled, r.changed, lines=changed_art)
        pooled_title.set_text(f"{r.shifted.pool} pool {r.shifted.window}×{r.shifted.window}: "
                              f"{int(r.changed.sum())} of {r.changed.size} cells changed")
        curves[1].set_ydata(r.errors.pooled_change[0])
        now.set_xdata([r.tau, r.tau])

    # only the pooled map's limits change (with the window): then the background is drawn again.
    # The frames of the maps are listed too, to be drawn over the maps as a full redraw draws them.
    frames = [spine for ax in (ax_image, ax_act, ax_pooled) for spine in ax.spines.values()]
    dynamic = [image_art, act_art, borders, pooled_art, changed_art, *frames, pooled_title, curves[1], now]
    return Dashboard(specs, compute=compute, draw=draw, figure=fig, columns=3, dynamic=dynamic)
