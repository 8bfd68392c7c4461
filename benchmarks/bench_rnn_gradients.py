"""Figures for notebook 02 (issue: RNN gradients). Run: python benchmarks/bench_rnn_gradients.py [--no-browser]"""

import statistics
import sys

from common import browser_latency_ms, median_ms, move_ms, run_notebook

from lecturekit import recurrence
from lecturekit.widgets import render_png
from lecturekit.widgets.rnn import eigenvalue_explorer


def main() -> None:
    print("compute, T = 500 (recurrence.explore), median of 50:")
    for g in ("linear", "tanh"):
        print(f"  {g:6s} {median_ms(lambda: recurrence.explore(1.05, 30.0, 500, g), repeats=50):6.2f} ms")

    d = eigenvalue_explorer(steps=500)
    move = move_ms(d, "scale", [0.9, 1.1])
    print(f"one slider move in the kernel (compute + draw + blitted PNG), scale 0.9 <-> 1.1, T = 500, "
          f"median of 20: {move:.1f} ms")
    move = move_ms(d, "scale", [round(0.5 + 0.05 * i, 2) for i in range(21)], repeats=60)
    print(f"  dragging the scale from 0.5 to 1.5 in steps of 0.05, median of 60: {move:.1f} ms")
    move = move_ms(d, "scale", [0.9, 1.5])
    print(f"  a move that changes the axes, scale 0.9 <-> 1.5 (the background drawn again, then blitted): {move:.1f} ms")
    result = d.result
    full = median_ms(lambda: (d.draw(result), render_png(d.figure)), repeats=20)
    print(f"  the same state drawn whole, every artist (draw + render_png: a move without blitting): {full:.1f} ms")

    seconds, peak_mb = run_notebook("02_rnn_gradients.ipynb")
    print(f"notebook headless, top to bottom: {seconds:.1f} s; peak kernel memory {peak_mb:.0f} MB")

    if "--no-browser" not in sys.argv:
        ms = browser_latency_ms("02_rnn_gradients.ipynb", "modulus", ["ArrowRight", "ArrowLeft"] * 3)
        print(f"keypress to changed pixels in JupyterLab + Chromium, median of {len(ms)}: "
              f"{statistics.median(ms):.0f} ms (all: {', '.join(f'{m:.0f}' for m in ms)})")


if __name__ == "__main__":
    main()
