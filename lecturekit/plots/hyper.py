"""Drawing for the shared-weights and hypernetwork notebook.

Each function takes ``Axes`` and data, draws, and returns the artists it made, so that a
dashboard can update them in place (``set_data``, ``set_array``, ``set_text``). Nothing here
computes a gradient or trains anything: the numbers come from ``lecturekit.hyper``.
"""

from __future__ import annotations

from typing import Literal, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

#: forward quantities in black, gradients (the backward pass) in this red
GRADIENT_COLOUR = "#c0392b"
TARGET_COLOUR = "0.35"
OUTPUT_COLOUR = "#1f77b4"


def _node(ax: Axes, xy, text: str, *, colour: str = "white"):
    return ax.text(*xy, text, ha="center", va="center", fontsize=12, zorder=3,
                   bbox=dict(boxstyle="circle,pad=0.35", facecolor=colour, edgecolor="k"))


def _arrow(ax: Axes, start, end):
    return ax.annotate("", xy=end, xytext=start, zorder=1,
                       arrowprops=dict(arrowstyle="-|>", color="k", lw=1.2, shrinkA=16, shrinkB=16))


def fan_diagram(ax: Axes, one: str, many: Sequence[str], *, direction: Literal["out", "in"] = "out",
                one_note: str = "", many_notes: Sequence[str] = (), cost: str = "C"):
    """A small graph: ``one`` fans out to ``many`` (a copy), or ``many`` fan into ``one`` (a sum), then C.

    Forward arrows are black; the notes (typically gradients) are written in red beside the nodes.
    Returns ``(nodes, notes)``, lists of the text artists.
    """
    k = len(many)
    ys = np.linspace(0.85, 0.15, k) if k > 1 else np.array([0.5])
    x_one, x_many = (0.12, 0.5) if direction == "out" else (0.5, 0.12)
    nodes = [_node(ax, (x_one, 0.5), one)]
    nodes += [_node(ax, (x_many, y), name) for name, y in zip(many, ys)]
    nodes.append(_node(ax, (0.86, 0.5), cost, colour="#f4d03f"))
    for y in ys:
        if direction == "out":
            _arrow(ax, (x_one, 0.5), (x_many, y))
            _arrow(ax, (x_many, y), (0.86, 0.5))
        else:
            _arrow(ax, (x_many, y), (x_one, 0.5))
    if direction == "in":
        _arrow(ax, (x_one, 0.5), (0.86, 0.5))
    notes = [ax.text(x_one, 0.5 - 0.13, one_note, ha="center", va="top", color=GRADIENT_COLOUR, fontsize=10)]
    for i, (note, y) in enumerate(zip(many_notes, ys)):
        below = k > 1 and i == k - 1  # above each node, where no arrow passes; below the lowest one
        notes.append(ax.text(x_many, y - 0.08 if below else y + 0.08, note, ha="center",
                             va="top" if below else "bottom", color=GRADIENT_COLOUR, fontsize=10))
    ax.set_xlim(-0.1, 1)  # room for a centred note under a node near the left edge
    ax.set_ylim(-0.08, 1.08)
    ax.set_axis_off()
    return nodes, notes


def motif_scan(ax_signal: Axes, ax_scores: Axes, signal, probabilities, targets, *, window: int):
    """A signal with its true motifs shaded, and the detector's P(motif starts at p) below it.

    signal (L,), probabilities and targets (P,) with P = L - window + 1. Returns
    ``(signal_line, score_line, shades)``.
    """
    signal, probabilities, targets = (np.asarray(a, dtype=float) for a in (signal, probabilities, targets))
    (signal_line,) = ax_signal.plot(np.arange(len(signal)), signal, color="k", lw=1)
    shades = [ax_signal.axvspan(p, p + window - 1, color="#f4d03f", alpha=0.4, lw=0)
              for p in np.flatnonzero(targets)]
    ax_signal.set_ylabel("x")
    ax_signal.set_title("the signal; true motifs shaded")
    (score_line,) = ax_scores.plot(np.arange(len(probabilities)), probabilities, color=OUTPUT_COLOUR,
                                   marker=".", lw=1, label="detector on window p")
    ax_scores.vlines(np.flatnonzero(targets), 0, 1, color="#d4ac0d", lw=3, alpha=0.6, label="a motif starts at p")
    ax_scores.set_ylim(-0.05, 1.05)
    ax_scores.set_xlim(ax_signal.get_xlim())
    ax_scores.set_xlabel("position p (window x[p : p + K])")
    ax_scores.set_ylabel("P(motif at p)")
    ax_scores.legend(loc="upper right", fontsize=8)
    return signal_line, score_line, shades


def recall_by_position(ax: Axes, seen, found: dict, motif_at):
    """For each position p, the share of the test motifs starting at p that each detector found.

    seen (P,) bool: positions where a training signal had a motif (the others are shaded); found maps a
    label to (N, P) bool detections; motif_at (N, P) bool, where the test motifs start."""
    seen, motif_at = np.asarray(seen, dtype=bool), np.asarray(motif_at, dtype=bool)
    positions = np.arange(len(seen))
    for p in positions[~seen]:
        ax.axvspan(p - 0.5, p + 0.5, color="0.88", lw=0, zorder=0)
    counts = motif_at.sum(0)
    for (label, hits), colour, marker in zip(found.items(), (GRADIENT_COLOUR, "0.2"), ("o", "x")):
        share = np.where(counts > 0, (np.asarray(hits) & motif_at).sum(0) / np.maximum(counts, 1), np.nan)
        ax.plot(positions, share, marker, color=colour, ms=5, label=label)
    ax.set_ylim(-0.08, 1.08)
    ax.set_xlim(-0.5, len(seen) - 0.5)
    ax.set_xlabel("position p where a test motif starts (grey: no training motif started there)")
    ax.set_ylabel("share found")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)


def gradient_contributions(ax_positions: Axes, ax_sum: Axes, per_position, shared, *, groups=None, motif_starts=()):
    """Each position's share of the gradient (an image, weights x positions) and their sum vs autograd.

    per_position (P, n): the gradient of position p's copy of every weight; shared (n,): autograd's
    gradient of the shared weights; groups: optional ``(name, size)`` pairs that label consecutive
    weights. Returns ``(image, sum_bars, shared_points)``.
    """
    per_position, shared = np.asarray(per_position, dtype=float), np.asarray(shared, dtype=float)
    limit = float(np.abs(per_position).max()) or 1.0
    image = ax_positions.imshow(per_position.T, aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit,
                                interpolation="nearest")
    ax_positions.set_xlabel("position p (a triangle above: a motif starts at p in one of the signals)")
    ax_positions.set_title("dC/d(the copy of the weights used at window p)", pad=12)
    ax_positions.figure.colorbar(image, ax=ax_positions, fraction=0.04, pad=0.01)
    for p in motif_starts:   # just above the image, on the position axis
        ax_positions.plot([p], [1.015], marker="v", color="k", ms=6, clip_on=False, zorder=5,
                          transform=ax_positions.get_xaxis_transform())
    index = np.arange(len(shared))
    sum_bars = ax_sum.barh(index, per_position.sum(0), height=1.0, color="0.75", label="sum over positions p")
    (shared_points,) = ax_sum.plot(shared, index, "o", color=GRADIENT_COLOUR, ms=3, label="autograd, shared weights")
    ax_sum.set_ylim(len(shared) - 0.5, -0.5)
    ax_sum.set_title("sum over p (grey bars)\n= autograd's shared gradient (red dots)", fontsize=10)
    ax_sum.ticklabel_format(axis="x", style="sci", scilimits=(-2, 2))
    if groups is not None:
        edges = np.cumsum([0] + [size for _, size in groups])
        centres = (edges[:-1] + edges[1:] - 1) / 2
        for ax in (ax_positions, ax_sum):
            ax.set_yticks(centres, [name for name, _ in groups])
            for edge in edges[1:-1]:
                ax.axhline(edge - 0.5, color="k", lw=0.6)
    ax_positions.set_ylabel("weight")
    return image, sum_bars, shared_points


def function_fit(ax: Axes, x, target, output, units=None):
    """The target (dashed), the main network's output (solid) and, faint, its hidden units' parts.

    x, target, output (N,); units (N, H) or None. Returns ``(target_line, output_line, unit_lines)``.
    """
    unit_lines = [] if units is None else ax.plot(x, units, color=OUTPUT_COLOUR, lw=0.6, alpha=0.25)
    (target_line,) = ax.plot(x, target, color=TARGET_COLOUR, ls="--", lw=2, label="target sin(ωx + φ)")
    (output_line,) = ax.plot(x, output, color=OUTPUT_COLOUR, lw=2, label="G(x, H(u))")
    ax.set_xlabel("x")
    ax.set_ylim(-1.6, 1.6)
    ax.legend(loc="lower left", fontsize=8)
    return target_line, output_line, unit_lines


#: the rows of the generated-weights image, in the order MainNet.split names them
WEIGHT_ROWS = ("w_1", "b_1", "w_2")


def weight_matrix(weights: dict) -> np.ndarray:
    """Stack the named (H,) weight vectors into the rows WEIGHT_ROWS of one (3, H) array."""
    return np.stack([np.asarray(weights[name], dtype=float) for name in WEIGHT_ROWS])


def weight_image(ax: Axes, weights: dict, *, limit: float = 4.5):
    """The main network's weights as an image: rows w_1, b_1, w_2, one column per hidden unit.

    ``weights`` maps the names in WEIGHT_ROWS to (H,) arrays (and ``b_2`` to a number, shown in the
    title). Colours are fixed to [-limit, limit] so a change of colour is a change of weight (4.5: the
    largest generated weight over the explorer's whole range of u is about 4.2).
    Returns ``(image, title)``.
    """
    image = ax.imshow(weight_matrix(weights), aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
    ax.set_yticks(range(len(WEIGHT_ROWS)), WEIGHT_ROWS)
    ax.set_xlabel("hidden unit of G")
    title = ax.set_title("")
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return image, title


def parameter_space(ax: Axes, frequency_range, phase_range, *, frequency_limits, phase_limits):
    """The plane of u = (frequency, phase), the range H was trained on shaded; returns ``(region, point)``."""
    (f0, f1), (p0, p1) = frequency_range, phase_range
    region = ax.add_patch(Rectangle((f0, p0), f1 - f0, p1 - p0, color="#d5f5e3", label="trained on"))
    (point,) = ax.plot([f0], [p0], "o", color=OUTPUT_COLOUR, ms=9, label="u")
    ax.set_xlim(*frequency_limits)
    ax.set_ylim(*phase_limits)
    ax.set_xlabel("u₁ = frequency ω")
    ax.set_ylabel("u₂ = phase φ")
    ax.legend(loc="upper right", fontsize=8)
    return region, point


def parameter_counts(ax: Axes, layers, counts: dict[str, Sequence[float]]):
    """Parameter counts against the number of kernel blocks D, one line per name; log-log. Returns the lines."""
    lines = [ax.loglog(layers, values, marker=".", label=name)[0] for name, values in counts.items()]
    ax.set_xlabel("number of kernel blocks D")
    ax.set_ylabel("learnable parameters")
    ax.legend(fontsize=8)
    return lines
