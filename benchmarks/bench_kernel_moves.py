"""How long a move waits in the kernel while the dashboard prefetches, without a browser.

    python benchmarks/bench_kernel_moves.py                  # exponent_explorer, 10 pairs of moves
    python benchmarks/bench_kernel_moves.py shift_explorer --pairs 20 --step 0

Starts an IPython kernel (jupyter_client), builds one dashboard of the registry in it, and sends
pairs of widget updates the way a frontend does (``comm_msg`` on the shell channel, no subshell):
a move to a state never seen, then, 40 ms later while the neighbours of the first are being
prefetched, a second move. Prints how long the second waited from being sent to its handler
starting (the kernel's clock and this process's are the same monotonic clock), per pair and the
median, with the pause between two prefetched pictures set to ``--step`` seconds (default: the
dashboard's ``STEP_SECONDS``). The event loop needs a few turns to take in a message; with no
pause the prefetched pictures take every turn, and the move waits for several of them.

Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from jupyter_client import KernelManager

ROOT = Path(__file__).resolve().parents[1]

SETUP = """
import sys, time
sys.path.insert(0, {root!r})
import lecturekit.widgets.dashboard as _dashboard
from lecturekit.widgets.registry import by_name
if {step!r} is not None:
    _dashboard.STEP_SECONDS = {step!r}
_d = by_name({name!r}).build()
_d.prefetching = True
_started = []
_handler = _d._on_change
_control = _d.controls[{control!r}]
_control.unobserve(_handler, names="value")
_control.observe(lambda change: (_started.append(time.perf_counter()), _handler(change)), names="value")
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
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from lecturekit.widgets.registry import by_name
    control = args.control or next(iter(by_name(args.dashboard).build().controls))

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

        sent = []
        for k in range(args.pairs):  # each pair far from the last: its neighbours are not kept yet
            first = low + (3 * k % int((high - low) / step)) * step
            move(first)
            time.sleep(0.04)
            sent.append(move(min(first + step, high)))
            time.sleep(1.0)
        started = json.loads(run(client, "import json; print(json.dumps(_started))"))
    finally:
        client.stop_channels()
        manager.shutdown_kernel()
    waits = [1000 * (min((s for s in started if s >= t), default=float("nan")) - t) for t in sent]
    print(f"{args.dashboard}, control {control}, {pause} s between prefetched pictures: the second move of each"
          " pair waited (ms from sent to handled)")
    print("  " + " ".join(f"{w:.0f}" for w in waits) + f"   median {statistics.median(waits):.0f}")


if __name__ == "__main__":
    main()
