"""Figures for notebook 03 (issue: RNN tricks and Neural ODEs). Run: python benchmarks/bench_tricks.py [--no-browser]"""

import os
import statistics
import sys
import time

from common import browser_latency_ms, median_ms, run_notebook

from lecturekit import clipping, odes, tricks
from lecturekit.widgets.tricks import clipping_dashboard, euler_dashboard, init_dashboard, leaky_dashboard

#: per dashboard: the control a student moves, and two values to alternate between
MOVES = {
    "clipping (threshold)": (clipping_dashboard, "threshold", [0.5, 2.0]),
    "leaky (alpha)": (leaky_dashboard, "alpha", [0.1, 0.12]),
    "init (gain)": (init_dashboard, "gain", [1.0, 1.05]),
    "euler (step h)": (euler_dashboard, "h", [0.2, 0.25]),
}


#: moves far enough to change an axis limit: the background is drawn again (the worst case of a move)
AXIS_MOVES = {
    "leaky (|λ| 0.6 <-> 1.5)": (leaky_dashboard, "scale", [0.6, 1.5]),
    "init (gain 1.0 <-> 1.5)": (init_dashboard, "gain", [1.0, 1.5]),
    "euler (h 0.2 <-> 2.5)": (euler_dashboard, "h", [0.2, 2.5]),
}


def wall_and_cpu_ms(fn, repeats: int = 20, warmup: int = 2) -> tuple[float, float]:
    """Median wall and CPU (process) milliseconds of ``fn()``: on a shared machine the CPU time is
    what the call would take on an idle core."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return 1e3 * statistics.median(wall), 1e3 * statistics.median(cpu)


def main() -> None:
    print(f"load average when starting: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    print("one slider move in the kernel (compute + draw + PNG), default settings, median of 20:")
    for label, (build, control, values) in MOVES.items():
        d = build()
        state = dict(d.state)
        cycle = iter(values * 100)
        compute = median_ms(lambda: d.compute(**{**state, control: next(cycle)}), repeats=20)
        wall, cpu = wall_and_cpu_ms(lambda: setattr(d.controls[control], "value", next(cycle)), repeats=20)
        print(f"  {label:22s} compute {compute:6.2f} ms   one move {wall:6.1f} ms wall, {cpu:6.1f} ms CPU")
    print("a move that changes an axis limit (background drawn again), median of 20:")
    for label, (build, control, values) in AXIS_MOVES.items():
        d = build()
        cycle = iter(values * 100)
        wall, cpu = wall_and_cpu_ms(lambda: setattr(d.controls[control], "value", next(cycle)), repeats=20)
        print(f"  {label:26s} one move {wall:6.1f} ms wall, {cpu:6.1f} ms CPU")
    print(f"leaky compute at T = 500 (tanh), median of 20: "
          f"{median_ms(lambda: tricks.explore_leaky(0.1, 0.6, 30.0, 500, 'tanh'), repeats=20):.2f} ms")
    print(f"clipping sweep, 36 thresholds + none, trained once when the dashboard is built: "
          f"{median_ms(lambda: clipping.cliff_descent([float('inf')] + [10 ** (k / 10 - 1.5) for k in range(36)]), repeats=5):.0f} ms")
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
