"""Drawing for notebook 05 (sequence to sequence): attention heatmaps and accuracy against source length.

Each function takes an ``Axes`` and data and returns what it drew; nothing is computed here.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

__all__ = ["attention_heatmap", "update_heatmap", "accuracy_by_length", "show_token"]


def show_token(token: str) -> str:
    """How a character is labelled on an axis: a space as '␣', the end marker as 'end'."""
    return {" ": "␣", "</s>": "end", "<s>": "start"}.get(token, token)


def attention_heatmap(ax: Axes, weights: np.ndarray, source_tokens: list[str], output_tokens: list[str],
                      *, title: str | None = None, colorbar: bool = False):
    """Attention weights as an image: rows are output characters, columns source characters.

    ``weights`` (len(output_tokens), len(source_tokens)), each row sums to 1. Returns the image.
    """
    image = ax.imshow(np.zeros((1, 1)), cmap="Greys", vmin=0.0, vmax=1.0, aspect="auto",
                      interpolation="nearest")
    update_heatmap(ax, image, weights, source_tokens, output_tokens, title=title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="attention weight")
    return image


def update_heatmap(ax: Axes, image, weights: np.ndarray, source_tokens: list[str], output_tokens: list[str],
                   *, title: str | None = None) -> None:
    """Put new weights and labels into a heatmap drawn by :func:`attention_heatmap` (in place)."""
    weights = np.asarray(weights, dtype=float)
    T, S = weights.shape
    if (T, S) != (len(output_tokens), len(source_tokens)):
        raise ValueError(f"weights are {weights.shape} but there are {len(output_tokens)} output and "
                         f"{len(source_tokens)} source tokens")
    image.set_data(weights)
    image.set_extent((-0.5, S - 0.5, T - 0.5, -0.5))
    ax.set_xlim(-0.5, S - 0.5)
    ax.set_ylim(T - 0.5, -0.5)
    ax.set_xticks(range(S), [show_token(t) for t in source_tokens], fontsize=9, fontfamily="monospace")
    ax.set_yticks(range(T), [show_token(t) for t in output_tokens], fontsize=9, fontfamily="monospace")
    ax.tick_params(length=0)
    ax.set_xlabel("source character (what the encoder read)")
    ax.set_ylabel("output character")
    if title is not None:
        ax.set_title(title, fontsize=11)


def accuracy_by_length(ax: Axes, curves: dict[str, tuple[np.ndarray, np.ndarray]], *,
                       ylabel: str = "accuracy", title: str | None = None) -> dict:
    """One line with markers per model: ``curves[name] = (source lengths, accuracy)``. Returns the lines."""
    lines = {}
    for (name, (x, y)), marker in zip(curves.items(), "os^Dv"):
        lines[name], = ax.plot(x, y, marker=marker, label=name)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("source length (characters)")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=9)          # where it covers the fewest points
    if title is not None:
        ax.set_title(title, fontsize=11)
    return lines


def architecture(ax: Axes, *, attention: bool, source: str = "x₁ x₂ x₃ x₄", target: str = "y₁ y₂ y₃"):
    """The encoder-decoder drawn as boxes: the encoder's states h_j over the source, the decoder's s_i writing the
    target. Without attention the decoder starts from the encoder's final state and sees nothing else; with
    attention, each decoder step also reads a context c_i, a weighted mean over every annotation h_j."""
    ax.set_axis_off()
    xs, ys = source.split(), target.split()
    enc_x, dec_x = list(range(len(xs))), [len(xs) + 0.8 + i for i in range(len(ys))]
    ax.set_xlim(-0.7, dec_x[-1] + 0.7)
    ax.set_ylim(-0.6, 2.6)
    box = dict(boxstyle="round,pad=0.3", fc="white", ec="0.3")
    enc = dict(boxstyle="round,pad=0.3", fc="#d6eaf8", ec="#2e86c1")
    dec = dict(boxstyle="round,pad=0.3", fc="#fdebd0", ec="#e67e22")
    arrow = dict(arrowstyle="-|>", color="0.3", lw=1.0, shrinkA=10, shrinkB=10)
    for j, (x, name) in enumerate(zip(enc_x, xs)):
        ax.text(x, 0, name, ha="center", va="center", bbox=box, fontsize=10)
        ax.text(x, 1, f"h{chr(0x2081 + j)}", ha="center", va="center", bbox=enc, fontsize=10)
        ax.annotate("", (x, 1), (x, 0), arrowprops=arrow)
        if j:
            ax.annotate("", (x, 1), (x - 1, 1), arrowprops=arrow)
    for i, (x, name) in enumerate(zip(dec_x, ys)):
        ax.text(x, 1, f"s{chr(0x2081 + i)}", ha="center", va="center", bbox=dec, fontsize=10)
        ax.text(x, 2, name, ha="center", va="center", bbox=box, fontsize=10)
        ax.annotate("", (x, 2), (x, 1), arrowprops=arrow)
        ax.annotate("", (x, 1), (x - (1.8 if i == 0 else 1), 1), arrowprops=arrow)
    ax.text((enc_x[-1] + dec_x[0]) / 2, 1.12, "final state", ha="center", va="bottom", fontsize=8, color="0.35")
    if attention:
        i = len(ys) - 1                                       # one decoder step's context, drawn once
        c = (dec_x[i] - 0.55, -0.05)                          # below the decoder, clear of the other boxes
        ax.text(*c, f"c{chr(0x2081 + i)} = Σ α h", ha="center", va="center", bbox=dict(boxstyle="round,pad=0.3",
                fc="#e8daef", ec="#7d3c98"), fontsize=9)
        for j, x in enumerate(enc_x):
            ax.annotate("", c, (x, 1), arrowprops=dict(arrowstyle="-", color="#7d3c98", lw=0.8, ls="--",
                                                        shrinkA=10, shrinkB=12))
        ax.annotate("", (dec_x[i], 1), c, arrowprops=dict(arrow, color="#7d3c98"))
        ax.set_title("with attention: every decoder step also reads a weighted mean of all the h_j", fontsize=10)
    else:
        ax.set_title("without attention: the final state is all the decoder gets", fontsize=10)
