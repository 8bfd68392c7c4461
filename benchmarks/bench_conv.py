"""corr2d forward + backward against torch, slider moves of the convolution dashboards, and the
run times of notebooks 06 and 07.

    python benchmarks/bench_conv.py                # all of it; 1 thread each (fair on a shared machine)
    python benchmarks/bench_conv.py --threads 2    # torch and numpy's BLAS on 2 threads
    python benchmarks/bench_conv.py --no-notebooks # skip the headless notebook runs

Prints figures; asserts nothing. Shapes from issue 6: x (8, 3, 64, 64), w (16, 3, 3, 3).
The thread count applies to torch and to numpy's BLAS alike (and to the notebooks' kernels);
the calls of the two libraries are interleaved, so a busy machine slows both the same way.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from common import interleaved_median_ms  # noqa: E402  (no numpy: the thread settings still apply)


def bench_corr2d(dtype, stride=1, padding=1, dilation=1) -> tuple[float, float]:
    import numpy as np
    import torch
    import torch.nn.functional as F

    from lecturekit import conv

    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3, 64, 64)).astype(dtype)            # (N, C_in, H, W)
    w = rng.normal(size=(16, 3, 3, 3)).astype(dtype)             # (C_out, C_in, KH, KW)
    settings = dict(stride=stride, padding=padding, dilation=dilation)
    g = rng.normal(size=conv.corr2d(x, w, **settings).shape).astype(dtype)

    def ours():
        conv.corr2d(x, w, **settings)
        conv.corr2d_backward(g, x, w, **settings)

    xt, wt, gt = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(g)

    def theirs():
        xr, wr = xt.clone().requires_grad_(), wt.clone().requires_grad_()
        F.conv2d(xr, wr, **settings).backward(gt)

    ours_s, theirs_s = (ms / 1e3 for ms in interleaved_median_ms([ours, theirs]))
    return ours_s, theirs_s


def bench_slider_moves(repeats: int = 20) -> None:
    """One slider move in the kernel: compute + redraw + PNG, the dashboard's whole refresh. Wall time,
    and the process's CPU time (what the move costs on an idle machine when this one is shared)."""
    from lecturekit.widgets.conv import footprint_explorer
    from lecturekit.widgets.stride import grid_diagram, stack_builder

    cases = [
        ("06 footprint explorer, stride 1 <-> 2", footprint_explorer(), "stride", [1, 2]),
        ("06 footprint explorer, input 4 <-> 5", footprint_explorer(), "input", [4, 5]),
        ("07 arithmetic diagram, dilation 1 <-> 2", footprint_explorer(play=True, stride=2), "dilation", [1, 2]),
        ("07 arithmetic diagram, play step 0 <-> 1", footprint_explorer(play=True, stride=2), "output", [0, 1]),
        ("07 2-D grid, output 0 <-> 4", grid_diagram(stride=2, padding=1), "output", [0, 4]),
        ("07 2-D grid, dilation 1 <-> 2", grid_diagram(stride=1, padding=2), "dilation", [1, 2]),
        ("07 stack builder, pattern", stack_builder(), "pattern", ["stride 2", "dilations 1, 2, 4, ..."]),
        ("07 stack builder, 4 <-> 5 layers (new x range)", stack_builder(), "layers", [4, 5]),
    ]
    print(f"one slider move in the kernel (compute + draw + PNG), median of {repeats}:")
    for label, d, name, values in cases:
        wall, cpu = [], []
        for i in range(repeats + 2):
            w, c = time.perf_counter(), time.process_time()
            d.controls[name].value = values[i % 2]
            if i >= 2:                                   # two warm-up moves
                wall.append(time.perf_counter() - w)
                cpu.append(time.process_time() - c)
        print(f"  {label:48s} wall {1e3 * statistics.median(wall):6.1f} ms   cpu {1e3 * statistics.median(cpu):6.1f} ms")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1, help="threads for torch and numpy's BLAS")
    parser.add_argument("--no-notebooks", action="store_true", help="skip the headless notebook runs")
    args = parser.parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)      # read when numpy and torch load, below
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, numpy {np.__version__}, {args.threads} thread(s) each")
    print("corr2d forward + backward, x (8, 3, 64, 64), w (16, 3, 3, 3), median of 30:")
    for dtype in (np.float32, np.float64):
        for settings in (dict(stride=1, padding=1, dilation=1), dict(stride=2, padding=1, dilation=2)):
            ours, theirs = bench_corr2d(dtype, **settings)
            label = ", ".join(f"{k} {v}" for k, v in settings.items())
            print(f"  {np.dtype(dtype).name:8s} {label:30s} lecturekit {ours * 1e3:7.2f} ms   "
                  f"torch {theirs * 1e3:7.2f} ms   ratio {ours / theirs:5.2f}x")
    bench_slider_moves()
    if not args.no_notebooks:
        from common import run_notebook

        for name in ("06_convolution.ipynb", "07_stride_dilation.ipynb"):
            seconds, peak_mb = run_notebook(name)
            print(f"{name} headless, top to bottom: {seconds:.1f} s; peak kernel memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
