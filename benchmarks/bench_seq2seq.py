"""Figures for notebook 05 (issue: sequence to sequence, with and without attention).

Run from the repository's root: python benchmarks/bench_seq2seq.py [--no-notebook] [--no-digits]

Prints, wall time and CPU time side by side (the machine is shared: CPU time is what the code
costs, wall time what a student waits on a busy machine):
- training of the notebook's two models (same settings as the notebook), and greedy evaluation;
- exact match and character accuracy against source length for both, on 2,000 held-out dates;
- Sutskever's reversed source against reading forwards, without attention, same budget;
- section 6, digits reversed (lecturekit.digits): exact match and character accuracy against the
  number of digits k for both models, for the notebook's seed 0 and seeds 1-3; and, for seed 0,
  clipping at 1 instead of 5 (attention), the source read reversed and 5 times the training
  steps (without attention);
- one keystroke in the translator (translate + redraw + PNG), median;
- the notebook headless, top to bottom, and the kernel's CPU time and peak memory.
"""

import sys
import time

import nbformat
import numpy as np
import torch
from common import ROOT, median_ms
from nbclient import NotebookClient

from lecturekit import dates, digits, seq2seq
from lecturekit.widgets.seq2seq import translator

EDGES = [8, 11, 14, 17, 20, 24, 28, 32, 38]


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def train_both():
    torch.manual_seed(0)
    plain = seq2seq.Seq2Seq(embed_size=16, hidden_size=32, reverse=True)
    torch.manual_seed(0)
    attentive = seq2seq.AttentionSeq2Seq(embed_size=16, hidden_size=32, attention_size=32)
    models = {"with attention": attentive, "without attention": plain}
    for name, model in models.items():
        h, wall, cpu = timed(lambda: seq2seq.fit(model, steps=400, batch_size=64, lr=1e-2, seed=0,
                                                 target_accuracy=0.998, progress=False))
        print(f"{name:>17}: {len(h)} steps in {wall:.1f} s wall, {cpu:.1f} s CPU "
              f"({1e3 * cpu / len(h):.0f} ms CPU per step), teacher-forced character accuracy "
              f"{np.mean(h.metrics['accuracy'][-25:]):.4f}")
    return models


def by_length(models):
    held_out = dates.examples(2000, seed=1, split="test")
    for name, model in models.items():
        ev, wall, cpu = timed(lambda: seq2seq.evaluate(model, held_out))
        b = ev.by_length(EDGES)
        print(f"\n{name}: exact match {ev.exact_match:.3f}, characters {ev.character_accuracy:.3f} on 2,000 held-out "
              f"dates (greedy evaluation {wall:.2f} s wall, {cpu:.2f} s CPU)")
        print("  source length " + " ".join(f"{lo:>2}-{hi:<2}" for lo, hi in zip(b["low"], b["high"])))
        print("  examples      " + " ".join(f"{n:>5}" for n in b["count"]))
        print("  exact match   " + " ".join(f"{v:5.3f}" for v in b["exact"]))
        print("  characters    " + " ".join(f"{v:5.3f}" for v in b["character"]))
        print("  per output character (YYYY-MM-DD) " + " ".join(f"{v:.3f}" for v in ev.per_position.mean(0)))


def reversal():
    held_out = dates.examples(2000, seed=1, split="test")
    print()
    for reverse in (True, False):
        torch.manual_seed(0)
        model = seq2seq.Seq2Seq(embed_size=16, hidden_size=32, reverse=reverse)
        h, wall, cpu = timed(lambda: seq2seq.fit(model, steps=400, batch_size=64, lr=1e-2, seed=0, progress=False))
        ev = seq2seq.evaluate(model, held_out)
        print(f"without attention, source read {'reversed' if reverse else 'forwards'}: 400 steps ({cpu:.1f} s CPU), "
              f"exact match {ev.exact_match:.3f}, characters {ev.character_accuracy:.3f}")


DIGIT_SETTINGS = dict(steps=200, batch_size=256, lr=1.5e-2, clip=5.0)   # as in the notebook's section 6


def digit_model(attends: bool, seed: int, reverse: bool = False):
    V = len(digits.DIGITS)
    torch.manual_seed(seed)
    if attends:
        return seq2seq.AttentionSeq2Seq(embed_size=16, hidden_size=32, attention_size=32,
                                        source_vocab=V, target_vocab=V)
    return seq2seq.Seq2Seq(embed_size=16, hidden_size=32, reverse=reverse, source_vocab=V, target_vocab=V)


def digit_curves(name, model, seed, held_out, **settings):
    settings = {**DIGIT_SETTINGS, **settings}
    h, wall, cpu = timed(lambda: seq2seq.fit(model, task=digits, seed=seed, progress=False, **settings))
    ev = seq2seq.evaluate(model, held_out, task=digits)
    k = np.arange(digits.SHORTEST, digits.LONGEST + 2)
    b = ev.by_length(k)
    print(f"{name}, seed {seed}: {len(h)} steps of {settings['batch_size']}, clip {settings['clip']} "
          f"({wall:.1f} s wall, {cpu:.1f} s CPU): exact match {ev.exact_match:.3f}, "
          f"characters {ev.character_accuracy:.3f}")
    print("  k             " + " ".join(f"{v:>4}" for v in k[:-1]))
    print("  exact match   " + " ".join(f"{v:4.2f}" for v in b["exact"]))
    print("  characters    " + " ".join(f"{v:4.2f}" for v in b["character"]))


def digit_reversal(seeds=(0, 1, 2, 3)):
    held_out = digits.examples(1500, seed=1, split="test")
    print(f"\ndigits reversed, k = {digits.SHORTEST}..{digits.LONGEST}, 1,500 held-out strings "
          f"({np.bincount([len(s) for s, _ in held_out]).max()} at most per k)")
    for seed in seeds:
        for attends in (True, False):
            digit_curves("with attention" if attends else "without attention, read forwards",
                         digit_model(attends, seed), seed, held_out)
    print("\nvariations, seed 0:")
    digit_curves("with attention, clip 1", digit_model(True, 0), 0, held_out, clip=1.0)
    digit_curves("without attention, read reversed", digit_model(False, 0, reverse=True), 0, held_out)
    digit_curves("without attention, 5x the steps", digit_model(False, 0), 0, held_out, steps=1000)


def keystroke(model):
    d = translator(model)
    texts = iter(["26 november 2026", "26 november 2027"] * 100)
    ms = median_ms(lambda: setattr(d.controls["text"], "value", next(texts)), repeats=20)
    compute = median_ms(lambda: seq2seq.translate(model, "thursday, the 26th of november 2026"), repeats=20)
    print(f"\none keystroke in the translator (translate + redraw + PNG), median of 20: {ms:.1f} ms "
          f"(translate alone: {compute:.1f} ms)")


_START = "import resource as _r, time as _t\n_c0 = _r.getrusage(_r.RUSAGE_SELF); _w0 = _t.perf_counter()"
_END = ("_c1 = _r.getrusage(_r.RUSAGE_SELF)\n"
        "print('CPU', _c1.ru_utime + _c1.ru_stime - _c0.ru_utime - _c0.ru_stime, 'PEAK_KB', _c1.ru_maxrss)")


def notebook(name: str = "05_seq2seq_attention.ipynb"):
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


def main() -> None:
    print(f"torch threads for training: 1 (seq2seq.fit); load average now {open('/proc/loadavg').read().split()[0]}")
    models = train_both()
    by_length(models)
    reversal()
    if "--no-digits" not in sys.argv:
        digit_reversal()
    keystroke(models["with attention"])
    if "--no-notebook" not in sys.argv:
        notebook()


if __name__ == "__main__":
    main()
