"""The hand-written cells against torch's, the adding-problem training claim, and notebook 04's run time.

    python benchmarks/bench_cells.py                  # all of it, torch on 1 thread (fair on a shared machine)
    python benchmarks/bench_cells.py --threads 2      # torch on 2 threads
    python benchmarks/bench_cells.py --no-notebook    # skip the headless notebook run
    python benchmarks/bench_cells.py --seeds 0 1 2    # the training claim for these seeds (default: 0, the notebook's)

Prints figures; asserts nothing. Unroll: T = 100, batch 32, hidden 64, input 32, forward and
backward (the sum of all outputs), float32; the calls of ours and torch's are interleaved, so
a busy machine slows both alike. Training: the notebook's settings (adding problem T = 50,
hidden 32, batch 64, Adam 2e-2, clipping at 1, torch's layers, at most 700 steps).
"""

from __future__ import annotations

import argparse
import time

import torch
from torch import nn

from common import interleaved_median_ms, run_notebook

from lecturekit import cells, gates, tasks, train


def bench_unroll(T: int = 100, batch: int = 32, hidden: int = 64, inputs: int = 32) -> None:
    xs = torch.randn(T, batch, inputs, generator=torch.Generator().manual_seed(0))
    pairs = {
        "LSTM": (cells.LSTMCell(inputs, hidden), nn.LSTM(inputs, hidden)),
        "GRU (lecture)": (cells.GRUCell(inputs, hidden), nn.GRU(inputs, hidden)),
        "GRU (torch variant)": (cells.GRUCell(inputs, hidden, variant="torch"), nn.GRU(inputs, hidden)),
        "tanh RNN": (cells.RNNCell(inputs, hidden), nn.RNN(inputs, hidden)),
    }
    print(f"unroll, forward + backward, T={T} batch={batch} hidden={hidden} input={inputs} (median of 30):")
    for name, (ours, theirs) in pairs.items():
        def run_ours():
            cells.unroll(ours, xs)[0].sum().backward()

        def run_theirs():
            theirs(xs)[0].sum().backward()

        a, b = interleaved_median_ms([run_ours, run_theirs])
        print(f"  {name:<20} ours {a:7.2f} ms   torch.nn {b:7.2f} ms   ratio {a / b:5.2f}")


def bench_training(seeds) -> None:
    T, hidden, batch, max_steps, lr = 50, 32, 64, 700, 2e-2  # as in the notebook

    def mse(model, b):
        return nn.functional.mse_loss(model(b[0]), b[1])

    x_test, y_test = tasks.adding_problem(5_000, T, seed=1)
    print(f"adding problem, T={T}, hidden {hidden}, batch {batch}, Adam {lr}, clip 1, until the 25-step mean < 0.005 "
          f"(at most {max_steps} steps); the test set of the notebook:")
    for seed in seeds:
        for name, layer in (("rnn", nn.RNN), ("gru", nn.GRU), ("lstm", nn.LSTM)):
            torch.manual_seed(seed)
            model = gates.SequenceRegressor(layer(2, hidden), hidden)
            cpu = time.process_time()
            h = train.train(model, mse, lambda g: tasks.adding_problem(batch, T, g), steps=max_steps, lr=lr, clip=1.0,
                            seed=seed, progress=False, stop_when=lambda h: h.final(25) < 0.005)
            cpu = time.process_time() - cpu
            with torch.no_grad():
                test = nn.functional.mse_loss(model(x_test), y_test).item()
            below = h.seconds_to(0.01)
            print(f"  seed {seed} {name:>4}: {len(h):3d} steps, {h.seconds[-1]:5.1f} s wall ({cpu:4.1f} s CPU), "
                  f"test MSE {test:.4f}, 25-step mean below 0.01 after "
                  f"{'never' if below is None else f'{below:.1f} s'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-notebook", action="store_true")
    parser.add_argument("--seeds", type=int, nargs="*", default=[0])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    bench_unroll()
    bench_training(args.seeds)
    if not args.no_notebook:
        seconds, peak_mb = run_notebook("04_gru_lstm.ipynb")
        print(f"notebooks/04_gru_lstm.ipynb headless: {seconds:.1f} s, peak kernel memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
