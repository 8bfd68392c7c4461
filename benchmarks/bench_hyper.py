"""Figures for notebook 01 (issue: shared weights and hypernetworks).

Run from the repository's root: python benchmarks/bench_hyper.py [--no-browser]
"""

import statistics
import sys
import time

import numpy as np
from common import browser_latency_ms, median_ms, move_ms, run_notebook

from lecturekit import hyper, motifs, sharing
from lecturekit.widgets import render_png
from lecturekit.widgets.hyper import hyper_explorer


def main() -> None:
    model = hyper.HyperModel()
    start = time.perf_counter()
    history = hyper.train_hypernetwork(model)
    print(f"hypernetwork training, 800 steps of 32 tasks x 64 points: {time.perf_counter() - start:.2f} s, "
          f"final loss (mean of the last 50 steps) {history[-50:].mean():.4f}")
    errors = [hyper.hyper_view(model, f, p).mse for f in np.linspace(0.5, 2.0, 7) for p in np.linspace(0, 6.2, 7)]
    print(f"  mean squared error over a 7 x 7 grid of the training range of u: "
          f"mean {np.mean(errors):.4f}, worst {np.max(errors):.4f}")

    signals, targets = motifs.motif_signals(64, 60, rng=np.random.default_rng(0))
    start = time.perf_counter()
    sharing.train_motif_detector(sharing.MotifDetector(), signals, targets)
    print(f"motif detector training, 150 steps on 64 signals: {time.perf_counter() - start:.2f} s")

    print(f"one u -> H(u) -> G(x, w) forward (hyper_view), median of 50: "
          f"{median_ms(lambda: hyper.hyper_view(model, 1.3, 2.0), repeats=50):.2f} ms")
    d = hyper_explorer(model)
    move = move_ms(d, "frequency", [0.9, 1.1])
    result = d.result
    print(f"one slider move in the kernel, blitted (compute + the dynamic artists drawn over the background "
          f"+ PNG), median of 20: {move:.1f} ms")
    full = median_ms(lambda: (d.draw(result), render_png(d.figure)), repeats=20)
    print(f"  the same state drawn whole, every artist (draw + render_png: a move without blitting): {full:.1f} ms")

    seconds, peak_mb = run_notebook("01_shared_weights_hypernetworks.ipynb")
    print(f"notebook headless, top to bottom: {seconds:.1f} s; peak kernel memory {peak_mb:.0f} MB")

    if "--no-browser" not in sys.argv:
        ms = browser_latency_ms("01_shared_weights_hypernetworks.ipynb", "frequency", ["ArrowRight", "ArrowLeft"] * 3)
        print(f"keypress to changed pixels in JupyterLab + Chromium, median of {len(ms)}: "
              f"{statistics.median(ms):.0f} ms (all: {', '.join(f'{m:.0f}' for m in ms)})")


if __name__ == "__main__":
    main()
