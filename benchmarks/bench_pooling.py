"""Figures for notebook 08 (issue: pooling, invariance and equivariance).

    python benchmarks/bench_pooling.py               # kernel-side figures and the notebook's run time
    python benchmarks/bench_pooling.py --browser     # also keypress-to-pixels in JupyterLab + Chromium

Prints figures; asserts nothing. Targets from the issue: one slider move under 50 ms median in the
kernel, the notebook headless in under 15 s. On a shared machine, the CPU time of a move (what it
would take on an idle core) is printed beside its wall time.
"""

import statistics
import sys
import time

import numpy as np
from common import browser_latency_ms, median_ms, run_notebook

from lecturekit import invariance, motifs, pooling
from lecturekit.widgets.pooling import exponent_explorer, shift_explorer


def slider_moves(d, name: str, values: list[float]) -> tuple[float, float]:
    """Median wall and CPU milliseconds of setting ``d.controls[name].value`` (compute + draw + PNG)."""
    control = d.controls[name]
    control.value = values[-1]  # warm up
    wall, cpu = [], []
    for value in values:
        w0, c0 = time.perf_counter(), time.process_time()
        control.value = value
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return 1e3 * statistics.median(wall), 1e3 * statistics.median(cpu)


def main() -> None:
    z = pooling.EXAMPLE_ACTIVATIONS
    print("compute, pooling.exponent_view (curves cached), median of 200: "
          f"{median_ms(lambda: pooling.exponent_view(3.0, 2.0, z), repeats=200):.2f} ms")

    d = exponent_explorer()
    for name, values in [("p", [2.0 + 0.5 * i for i in range(30)]), ("beta", [0.5 + 0.1 * i for i in range(30)])]:
        wall, cpu = slider_moves(d, name, values)
        print(f"one move of the {name} slider in the kernel (compute + redraw + PNG), median of {len(values)}: "
              f"{wall:.1f} ms wall, {cpu:.1f} ms CPU")
    s = shift_explorer()
    wall, cpu = slider_moves(s, "tau", [0, 1, 2, 3, 4, 5, 6, 7, 8] * 3)
    print(f"one move of the shift explorer's tau slider, median of 27: {wall:.1f} ms wall, {cpu:.1f} ms CPU")

    images = motifs.random_motif_images(64, 36, motifs.PLUS, margin=12, rng=np.random.default_rng(8))
    print("shift_errors, 64 images 36x36, 9 shifts, 4 windows, median of 5: "
          f"{median_ms(lambda: invariance.shift_errors(images, motifs.PLUS, range(9), [2, 4, 8, 16]), repeats=5):.0f} ms")

    runs = [run_notebook("08_pooling.ipynb") for _ in range(3)]
    seconds = [s for s, _ in runs]
    print(f"notebook headless, top to bottom, 3 runs: median {statistics.median(seconds):.1f} s "
          f"(all: {', '.join(f'{s:.1f}' for s in seconds)}); peak kernel memory {max(m for _, m in runs):.0f} MB")

    if "--browser" in sys.argv:
        ms = browser_latency_ms("08_pooling.ipynb", "exponent p", ["ArrowRight", "ArrowLeft"] * 3)
        print(f"keypress to changed pixels in JupyterLab + Chromium, median of {len(ms)}: "
              f"{statistics.median(ms):.0f} ms (all: {', '.join(f'{m:.0f}' for m in ms)})")


if __name__ == "__main__":
    main()
