"""How long a move waits in the kernel while the dashboard prefetches, without a browser.

    python benchmarks/bench_kernel_moves.py                  # exponent_explorer, 10 pairs of moves
    python benchmarks/bench_kernel_moves.py shift_explorer --pairs 20 --step 0 --gap 0.08

Starts an IPython kernel (jupyter_client), builds one dashboard of the registry in it, and sends
pairs of widget updates the way a frontend does (``comm_msg`` on the shell channel, no subshell):
after ``refresh()`` (nothing kept), a move of a linear slider, then, ``--gap`` later (50 ms), a second move
one step on; it says how many neighbours of the first were prefetched before the second was
handled. Prints how long the second waited from being sent to its handler
starting (the kernel's clock and this process's are the same monotonic clock), per pair and the
median, with the pause between two prefetched pictures set to ``--step`` seconds (default: the
dashboard's ``STEP_SECONDS``). The event loop needs a few turns to take in a message; with no
pause the prefetched pictures take every turn, and the move waits for several of them.

Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

import ipywidgets as widgets
from jupyter_client import KernelManager

ROOT = Path(__file__).resolve().parents[1]

SETUP = """
import sys, time
sys.path.insert(0, {root!r})
import lecturekit.widgets.dashboard as _dashboard
from lecturekit.widgets.registry import by_name
if {step!r} is not None:
    _dashboard.STEP_SECONDS = {step!r}
_handled, _prefetched = [], []  # (value, time) of each move handled; start time of each prefetched picture
_on_change, _prefetch_one = _dashboard.Dashboard._on_change, _dashboard.Dashboard._prefetch_one
def _logged_move(self, change):
    _handled.append((change["new"], time.perf_counter()))
    return _on_change(self, change)
def _logged_prefetch(self):
    _prefetched.append(time.perf_counter())
    return _prefetch_one(self)
_dashboard.Dashboard._on_change, _dashboard.Dashboard._prefetch_one = _logged_move, _logged_prefetch
_d = by_name({name!r}).build()  # its observers see the logged methods, in their own order
_d.prefetching = True
_control = _d.controls[{control!r}]
print(_control.model_id, _control.min, _control.max, _control.step, _dashboard.STEP_SECONDS)
"""


def run(client, code: str) -> str:
    """Execute ``code`` in the kernel; its printed output (an error's traceback raises)."""
    msg_id = client.execute(code)
    out = []
    while True:
        msg = client.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise RuntimeError("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dashboard", nargs="?", default="exponent_explorer", help="a name from the registry")
    parser.add_argument("--control", default=None, help="the slider moved (default: the dashboard's first)")
    parser.add_argument("--pairs", type=int, default=10, help="pairs of moves (default 10)")
    parser.add_argument("--step", type=float, default=None, help="seconds between two prefetched pictures")
    parser.add_argument("--gap", type=float, default=0.05, help="seconds between the two moves of a pair (default 0.05)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from lecturekit.widgets.registry import by_name
    controls = by_name(args.dashboard).build().controls
    control = args.control or next(iter(controls))
    if type(controls.get(control)) not in (widgets.IntSlider, widgets.FloatSlider):
        sys.exit(f"{args.dashboard}'s {control!r} is a {type(controls.get(control)).__name__}: only a linear slider"
                 f" (IntSlider, FloatSlider) can be moved here; its controls are {list(controls)}")

    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        printed = run(client, SETUP.format(root=str(ROOT), step=args.step, name=args.dashboard, control=control))
        model_id, low, high, step, pause = printed.split()[-5:]  # after any warning the kernel printed
        low, high, step = float(low), float(high), float(step)

        def move(value: float) -> float:
            content = {"comm_id": model_id, "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}}
            client.shell_channel.send(client.session.msg("comm_msg", content))
            return time.perf_counter()

        positions = round((high - low) / step)
        sent = []
        for k in range(args.pairs):
            first = low + (3 * k % positions) * step
            park = first + 2 * step if first + 2 * step <= high else first - step  # off the pair's two values
            run(client, f"_control.value = {park!r}; _d.refresh()")  # nothing kept: the first move is computed
            first_sent = move(first)
            time.sleep(args.gap)
            second = first + step
            sent.append((first, first_sent, second, move(second)))
            time.sleep(1.0)
        handled = json.loads(run(client, "import json; print(json.dumps({'moves': _handled, 'prefetched': _prefetched}))"))
    finally:
        client.stop_channels()
        manager.shutdown_kernel()
    waits, behind = [], []
    def handled_at(value: float, after: float) -> float:
        start = next((h for v, h in handled["moves"] if math.isclose(v, value, abs_tol=1e-9) and h >= after), None)
        if start is None:
            sys.exit(f"the move to {value} was never handled (the slider was there already?)")
        return start

    for first, first_sent, second, t in sent:
        first_handled, start = handled_at(first, first_sent), handled_at(second, t)
        waits.append(1000 * (start - t))
        behind.append(sum(first_handled < p < start for p in handled["prefetched"]))  # pictures it waited for
    print(f"{args.dashboard}, control {control}, {pause} s between prefetched pictures: the second move of each"
          f" pair waited (ms from sent to handled), and how many neighbours of the first were prefetched before it")
    print("  waited:     " + " ".join(f"{w:4.0f}" for w in waits) + f"   median {statistics.median(waits):.0f} ms")
    print("  prefetched: " + " ".join(f"{n:4d}" for n in behind) + f"   median {statistics.median(behind):g}")


if __name__ == "__main__":
    main()
