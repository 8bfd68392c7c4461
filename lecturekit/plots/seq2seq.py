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
    ax.legend(loc="lower left", fontsize=9)
    if title is not None:
        ax.set_title(title, fontsize=11)
    return lines
