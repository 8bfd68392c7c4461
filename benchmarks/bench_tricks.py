"""Figures for notebook 03 (issue: RNN tricks and Neural ODEs). Run: python benchmarks/bench_tricks.py [--no-browser]"""

import os
import statistics
import sys

from common import browser_latency_ms, median_ms, run_notebook

from lecturekit import odes, tricks
from lecturekit.widgets import render_png
from lecturekit.widgets.tricks import clipping_dashboard, euler_dashboard, init_dashboard, leaky_dashboard

#: per dashboard: the control a student moves, and two values to alternate between
MOVES = {
    "clipping (threshold)": (clipping_dashboard, "threshold", [0.5, 2.0]),
    "leaky (alpha)": (leaky_dashboard, "alpha", [0.1, 0.12]),
    "init (gain)": (init_dashboard, "gain", [1.0, 1.05]),
    "euler (step h)": (euler_dashboard, "h", [0.2, 0.25]),
}


def main() -> None:
    print(f"load average when starting: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    print("one slider move in the kernel, default settings, median of 20:")
    for label, (build, control, values) in MOVES.items():
        d = build()
        state = dict(d.state)
        cycle = iter(values * 100)
        compute = median_ms(lambda: d.compute(**{**state, control: next(cycle)}), repeats=20)
        move = median_ms(lambda: setattr(d.controls[control], "value", next(cycle)), repeats=20)
        result = d.result
        draw = median_ms(lambda: (d.draw(result), render_png(d.figure)), repeats=20)
        print(f"  {label:22s} compute {compute:6.2f} ms   compute + redraw + PNG {move:6.1f} ms   (draw + PNG {draw:5.1f} ms)")
    print(f"leaky compute at T = 500 (tanh), median of 20: "
          f"{median_ms(lambda: tricks.explore_leaky(0.1, 0.6, 30.0, 500, 'tanh'), repeats=20):.2f} ms")
    print(f"clipping sweep, 36 thresholds + none, trained once when the dashboard is built: "
          f"{median_ms(lambda: tricks.cliff_descent([float('inf')] + [10 ** (k / 10 - 1.5) for k in range(36)]), repeats=5):.0f} ms")
    times, z = odes.spiral_data()
    fit = odes.fit_neural_ode(times, z)
    print(f"neural ODE fit ({len(fit.losses)} Adam steps, RK4): {fit.seconds:.2f} s, final loss {fit.losses[-1]:.1e}")

    seconds, peak_mb = run_notebook("03_rnn_tricks_neural_odes.ipynb")
    print(f"notebook headless, top to bottom: {seconds:.1f} s; peak kernel memory {peak_mb:.0f} MB")

    if "--no-browser" not in sys.argv:
        ms = browser_latency_ms("03_rnn_tricks_neural_odes.ipynb", "step h", ["ArrowRight", "ArrowLeft"] * 3, image_index=3)
        print(f"keypress to changed pixels in JupyterLab + Chromium (step h), median of {len(ms)}: "
              f"{statistics.median(ms):.0f} ms (all: {', '.join(f'{m:.0f}' for m in ms)})")


if __name__ == "__main__":
    main()
