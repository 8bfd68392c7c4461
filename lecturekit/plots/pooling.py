"""Drawing for the pooling notebook: pooled values against the exponent, gradient bars, feature maps,
and change-under-shift curves.

Each function takes an ``Axes`` and data, draws, and returns the artists it made, so that a dashboard
can update them in place. Nothing here computes pooling: the numbers come from ``lecturekit.pooling``.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

#: one colour per quantity, shared by every pooling figure
COLOURS = {"lecture": "#1f4e79", "normalised": "#d35400", "sum": "0.45", "mean": "#27ae60", "max": "#c0392b",
           "gradient": "#1f4e79", "asymptote": "0.55"}


def reference_lines(ax: Axes, values: dict[str, float]):
    """Horizontal dotted lines at named values (the sum, the mean, the max), labelled at the right edge.

    Returns a list of ``(line, text)``.
    """
    drawn = []
    for name, value in values.items():
        colour = COLOURS.get(name, "0.4")
        line = ax.axhline(value, color=colour, ls=":", lw=1.2)
        text = ax.text(1.0, value, f" {name} = {value:.2f}", color=colour, fontsize=8, va="center", ha="left",
                       transform=ax.get_yaxis_transform(), clip_on=False)
        drawn.append((line, text))
    return drawn


def pooled_value_curves(ax: Axes, exponents, curve, normalised_curve, *, xlabel: str,
                        labels: tuple[str, str] = ("lecture's form", "mean-normalised")):
    """The pooled value against the exponent (log x axis), both forms, each with a marker at the
    slider's value. Returns ``(line, normalised_line, marker, normalised_marker)``; move a marker
    with ``marker.set_data([x], [y])``."""
    (line,) = ax.plot(exponents, curve, color=COLOURS["lecture"], lw=2, label=labels[0])
    (normalised_line,) = ax.plot(exponents, normalised_curve, color=COLOURS["normalised"], lw=2, label=labels[1])
    (marker,) = ax.plot([exponents[0]], [curve[0]], "o", color=COLOURS["lecture"], ms=8, zorder=4)
    (normalised_marker,) = ax.plot([exponents[0]], [normalised_curve[0]], "o", color=COLOURS["normalised"],
                                   ms=8, zorder=4)
    ax.set_xscale("log")
    log_ticks(ax.xaxis, exponents[0], exponents[-1])
    ax.set_xlim(exponents[0], exponents[-1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("pooled value y")
    return line, normalised_line, marker, normalised_marker


def log_ticks(axis, lo: float, hi: float) -> None:
    """Plain-number ticks at 1, 2, 5 times powers of ten between lo and hi on a log ``axis``
    (``ax.xaxis`` or ``ax.yaxis``), and no minor ticks: easier to read, and faster to draw."""
    ticks = [m * 10.0**e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
             for m in (1, 2, 5) if lo <= m * 10.0**e <= hi]
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_locator(NullLocator())


def gradient_bars(ax: Axes, gradient, inputs, *, ylim: tuple[float, float] = (0.0, 1.05)):
    """Bars of dy/dz_n, one per input, each labelled with its input value z_n. Returns the bars;
    update them with ``bar.set_height``."""
    gradient = np.asarray(gradient, dtype=float)
    n = np.arange(len(gradient))
    bars = ax.bar(n, gradient, color=COLOURS["gradient"], width=0.7)
    ax.set_xticks(n, [f"{v:g}" for v in np.asarray(inputs, dtype=float)], fontsize=8)
    ax.set_xlabel("input z_n")
    ax.set_ylabel("dy / dz_n")
    ax.set_ylim(*ylim)
    ax.axhline(0, color="0.3", lw=0.8)
    return bars


def feature_map(ax: Axes, values, *, title: str = "", cmap: str = "viridis",
                vmin: float | None = None, vmax: float | None = None, norm=None):
    """An image (H, W) with square pixels, no ticks; returns the ``AxesImage`` (``set_data`` to update).

    Colours span ``vmin`` to ``vmax`` (default: the data's range), or follow a matplotlib ``norm``."""
    image = ax.imshow(np.asarray(values, dtype=float), cmap=cmap, vmin=vmin, vmax=vmax, norm=norm,
                      interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return image


def shift_curves(ax: Axes, shifts, curves: dict[str, np.ndarray], *, styles: dict[str, dict] | None = None):
    """Relative change of a feature map against the shift, one line per named curve; returns the lines."""
    styles = styles or {}
    lines = []
    for name, values in curves.items():
        (line,) = ax.plot(shifts, values, marker="o", ms=4, label=name, **styles.get(name, {}))
        lines.append(line)
    ax.set_xlabel("shift τ (pixels)")
    ax.set_ylabel("relative change")
    ax.set_xticks(np.asarray(shifts))
    ax.set_ylim(bottom=-0.05)
    ax.grid(alpha=0.3)
    return lines


def detection_row(axes, detection, *, image_name: str = "x"):
    """The stages of conv -> ReLU -> pool side by side on four axes: the image (bright motifs on dark, as in
    notebook 06), the correlation with the template (the threshold drawn as a red contour), the activation
    relu(corr - threshold) and the pooled map. ``image_name`` names the image in the titles ("x", "τ(x)").

    ``detection`` has attributes ``image``, ``correlation``, ``threshold``, ``activation``,
    ``pooled``, ``pool`` and ``window`` (as returned by ``lecturekit.pooling.detect``). Returns the
    four images.
    """
    c, t = detection.correlation, detection.threshold
    peak = float(detection.activation.max()) or 1.0
    images = [
        feature_map(axes[0], detection.image, title=f"image {image_name}", cmap="gray"),
        feature_map(axes[1], c, title=f"corr2d({image_name}, w); red line: {t:g}", cmap="viridis"),
        feature_map(axes[2], detection.activation, title=f"relu(corr2d({image_name}, w) − {t:g})", vmin=0, vmax=peak),
        feature_map(axes[3], detection.pooled, vmin=0, vmax=peak,
                    title=f"{detection.pool} pool, {detection.window}×{detection.window} windows"),
    ]
    if c.min() < t < c.max():
        axes[1].contour(c, levels=[t], colors="red", linewidths=1.2)   # where the correlation passes the threshold
    return images


def window_borders(ax: Axes, shape: tuple[int, int], window: int, *, lines=None):
    """Thin white lines between the pooling windows of a map of ``shape`` (H, W) drawn with imshow.

    Pass the returned ``LineCollection`` back as ``lines`` to move them for another window.
    """
    h, w = shape
    rows = (h // window) * window  # windows that do not fit are dropped
    cols = (w // window) * window
    segments = [[(c - 0.5, -0.5), (c - 0.5, rows - 0.5)] for c in range(0, cols + 1, window)]
    segments += [[(-0.5, r - 0.5), (cols - 0.5, r - 0.5)] for r in range(0, rows + 1, window)]
    if lines is None:
        lines = LineCollection(segments, colors="white", linewidths=0.6, alpha=0.7)
        ax.add_collection(lines, autolim=False)
    else:
        lines.set_segments(segments)
    return lines


def highlight_cells(ax: Axes, mask, *, lines=None, colour: str = "#e74c3c"):
    """Outline the cells where ``mask`` (H, W) is True on an imshow map; returns a ``LineCollection``.

    Pass it back as ``lines`` to outline the cells of another mask.
    """
    segments = []
    for r, c in np.argwhere(np.asarray(mask, dtype=bool)):
        x0, x1, y0, y1 = c - 0.45, c + 0.45, r - 0.45, r + 0.45
        segments += [[(x0, y0), (x1, y0)], [(x1, y0), (x1, y1)], [(x1, y1), (x0, y1)], [(x0, y1), (x0, y0)]]
    if lines is None:
        lines = LineCollection(segments, colors=colour, linewidths=2.0, zorder=3)
        ax.add_collection(lines, autolim=False)
    else:
        lines.set_segments(segments)
    return lines
