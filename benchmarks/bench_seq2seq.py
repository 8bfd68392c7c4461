"""Figures for notebook 05 (sequence to sequence, with and without attention), over several seeds.

Run from the repository's root:

    python benchmarks/bench_seq2seq.py                 # seeds 0-3, then a keystroke and the notebook
    python benchmarks/bench_seq2seq.py --seeds 0,1     # other seeds
    python benchmarks/bench_seq2seq.py --no-notebook   # skip the headless run of the notebook

For every seed, the notebook's five models trained the notebook's way (``translation.DATES_TRAINING``,
``translation.DIGITS_TRAINING``): on dates, with attention (stopping early at 99.8% of the characters
right), without attention reading forwards, and reading reversed (Sutskever's trick); on digits
reversed, with and without attention. Each prints its held-out accuracies, and a last table gives
every quantity's range over the seeds: the spread the notebook's text quotes. Then one keystroke in
the translator (translate + redraw + PNG, median), and the notebook headless, top to bottom (wall
time, CPU time and peak memory of the kernel). Wall and CPU time are printed side by side: on a busy
machine the first is what a student waits, the second what the code costs.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict

import nbformat
import numpy as np
from common import ROOT, median_ms
from nbclient import NotebookClient

from lecturekit import dates, digits, translation
from lecturekit.widgets.seq2seq import translator

EDGES = [8, 11, 14, 17, 20, 24, 28, 32, 38]   # the notebook's source-length bins
K = np.arange(digits.SHORTEST, digits.LONGEST + 1)


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def one_seed(seed: int, spread: dict) -> None:
    for name, (model, task) in translation.notebook_models(seed).items():
        (h, ev), wall, cpu = timed(lambda: translation.train_and_evaluate(model, task, seed))
        if task is dates:
            b = ev.by_length(EDGES)
            print(f"  {name:>22}: {len(h):3d} steps ({wall:4.1f} s wall, {cpu:4.1f} s CPU, with evaluation), exact match "
                  f"{ev.exact_match:.3f} (bins {b['exact'].min():.3f} to {b['exact'].max():.3f}), characters "
                  f"{ev.character_accuracy:.3f}")
            print(f"  {'':>22}  exact by bin  " + " ".join(f"{v:.2f}" for v in b["exact"]))
            print(f"  {'':>22}  by character  " + " ".join(f"{v:.2f}" for v in ev.per_position.mean(0)) + "  (YYYY-MM-DD)")
            spread[f"{name}: exact match"].append(ev.exact_match)
            spread[f"{name}: lowest bin"].append(b["exact"].min())
            spread[f"{name}: highest bin"].append(b["exact"].max())
            for label, cols in (("20 and dashes", [0, 1, 4, 7]), ("year's last two", [2, 3]), ("month's second", [6]),
                                ("day's first", [8]), ("day's second", [9])):
                spread[f"{name}: {label}"].append(ev.per_position.mean(0)[cols].min() if label == "20 and dashes"
                                                  else ev.per_position.mean(0)[cols].mean())
            spread[f"{name}: steps"].append(len(h))
            continue
        b = ev.by_length(np.append(K, K[-1] + 1))
        print(f"  {name:>22}: {len(h):3d} steps ({wall:4.1f} s wall, {cpu:4.1f} s CPU, with evaluation), exact match "
              f"{ev.exact_match:.3f}, characters {ev.character_accuracy:.3f}")
        print(f"  {'':>22}  k             " + " ".join(f"{k:>4}" for k in K))
        print(f"  {'':>22}  exact by k    " + " ".join(f"{v:4.2f}" for v in b["exact"]))
        print(f"  {'':>22}  chars by k    " + " ".join(f"{v:4.2f}" for v in b["character"]))
        spread[f"{name}: exact match"].append(ev.exact_match)
        spread[f"{name}: characters, worst k"].append(b["character"].min())
        spread[f"{name}: exact, k = 2 and 3 (lower)"].append(b["exact"][:2].min())
        spread[f"{name}: exact, k >= 12 (highest)"].append(b["exact"][K >= 12].max())


def keystroke(model) -> None:
    d = translator(model)
    texts = iter(["26 november 2026", "26 november 2027"] * 100)
    ms = median_ms(lambda: setattr(d.controls["text"], "value", next(texts)), repeats=20)
    compute = median_ms(lambda: translation.translate(model, "thursday, the 26th of november 2026"), repeats=20)
    print(f"\none keystroke in the translator (translate + redraw + PNG), median of 20: {ms:.1f} ms "
          f"(translate alone: {compute:.1f} ms)")


_START = "import resource as _r, time as _t\n_c0 = _r.getrusage(_r.RUSAGE_SELF); _w0 = _t.perf_counter()"
_END = ("_c1 = _r.getrusage(_r.RUSAGE_SELF)\n"
        "print('CPU', _c1.ru_utime + _c1.ru_stime - _c0.ru_utime - _c0.ru_stime, 'PEAK_KB', _c1.ru_maxrss)")


def notebook(name: str = "05_seq2seq_attention.ipynb") -> None:
    path = ROOT / "notebooks" / name
    nb = nbformat.read(path, as_version=4)
    cells = [nbformat.v4.new_code_cell(_START), *nb.cells, nbformat.v4.new_code_cell(_END)]
    nb.cells = cells
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        client.execute_cell(cells[0], 0)
        start = time.perf_counter()
        for index, cell in enumerate(cells[1:-1], 1):
            client.execute_cell(cell, index)
        wall = time.perf_counter() - start
        client.execute_cell(cells[-1], len(cells) - 1)
    words = "".join(o.get("text", "") for o in cells[-1].outputs).split()
    cpu, peak_mb = float(words[1]), int(words[3]) / 1024
    print(f"\nnotebook headless, top to bottom: {wall:.1f} s wall, {cpu:.1f} s CPU in the kernel; "
          f"peak kernel memory {peak_mb:.0f} MB; load average before: {open('/proc/loadavg').read().split()[0]}")


def main(argv: list[str]) -> None:
    seeds = [0, 1, 2, 3]
    if "--seeds" in argv:
        seeds = [int(s) for s in argv[argv.index("--seeds") + 1].split(",")]
    print(f"torch threads for training: 1 (translation.fit); load average now {open('/proc/loadavg').read().split()[0]}")
    spread: dict[str, list[float]] = defaultdict(list)
    for seed in seeds:
        print(f"\nseed {seed}")
        one_seed(seed, spread)
    print(f"\nrange over seeds {', '.join(map(str, seeds))}:")
    for name, values in spread.items():
        print(f"  {name:<58} {min(values):7.3f} to {max(values):7.3f}")
    model, task = translation.notebook_models(0)["with attention"]
    translation.fit(model, **translation.DATES_TRAINING, seed=0, target_accuracy=0.998, progress=False)
    keystroke(model)
    if "--no-notebook" not in argv:
        notebook()


if __name__ == "__main__":
    main(sys.argv[1:])
