"""Where a dashboard move's time goes in the kernel, for every dashboard of the registry.

    python benchmarks/bench_dashboards.py

For each dashboard, over the states one key press away from its default (every control, a step
each way; for a text box, a deletion and the first characters it prepares), the median of: a
move that finds no kept picture (what every move cost before prefetching), and its parts:
compute (``compute(**state)``), draw (``draw(result)``: artists updated, nothing rendered),
render (the rest: the pixels, blitted where the dashboard blits, and their PNG) and, of that,
encode (the PNG alone); the PNG's size; and a move to a prefetched state (the kept picture sent
to the ``Image``, then the figure's artists brought to it). The transfer and the browser's decoding are
measured in the page by ``benchmarks/bench_browser.py``. Figures only; nothing is asserted.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

from PIL import Image as PILImage

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lecturekit.widgets.prefetch import neighbours  # noqa: E402
from lecturekit.widgets.registry import DASHBOARDS  # noqa: E402


def _ms(fn):
    start = time.perf_counter()
    out = fn()
    return out, 1e3 * (time.perf_counter() - start)


def _encode(canvas) -> bytes:
    """The canvas's pixels as a PNG, written as the dashboard writes it (zlib level 1)."""
    width, height = canvas.get_width_height(physical=True)
    buf = io.BytesIO()
    PILImage.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
        buf, format="png", compress_level=1)
    return buf.getvalue()


def split(d, repeats: int = 3) -> dict:
    """Median milliseconds of each part of a move, over the states one key press from the default."""
    here = dict(d.state)
    moves = [(name, value) for name in d.specs for value in neighbours(d.controls[name], d.specs[name])[:4]]
    parts = {"move": [], "compute": [], "draw": [], "encode": [], "kB": [], "kept": []}
    for _ in range(repeats):
        for name, value in moves:
            try:
                result, t = _ms(lambda: d.compute(**{**here, name: value}))
            except ValueError:
                continue  # a state answered with a message: nothing to draw
            parts["compute"].append(t)
            parts["draw"].append(_ms(lambda: d.draw(result))[1])
            d.pictures.clear()  # a move that finds nothing kept: compute, draw, render, as before prefetching
            parts["move"].append(_ms(lambda: setattr(d.controls[name], "value", value))[1])
            png, t = _ms(lambda: _encode(d.figure.canvas))
            parts["encode"].append(t)
            parts["kB"].append(len(png) / 1e3)
            d.controls[name].value = here[name]
        for name, value in moves:  # a move to a prefetched state (and back, kept too)
            d.controls[name].value = value
            d.prefetch()
            parts["kept"].append(_ms(lambda: setattr(d.controls[name], "value", here[name]))[1])
    out = {key: statistics.median(v) if v else float("nan") for key, v in parts.items()}
    out["render"] = out["move"] - out["compute"] - out["draw"]  # the pixels and the PNG
    return out


def main() -> None:
    print("median ms per move, over the states one key press from each dashboard's default")
    print(f"{'dashboard':26s} {'move':>6s} {'compute':>8s} {'draw':>6s} {'render':>7s} {'encode':>7s}"
          f" {'PNG kB':>7s} {'kept':>6s}")
    for entry in DASHBOARDS:
        r = split(entry.build())
        print(f"{entry.name:26s} {r['move']:6.1f} {r['compute']:8.1f} {r['draw']:6.1f} {r['render']:7.1f}"
              f" {r['encode']:7.1f} {r['kB']:7.1f} {r['kept']:6.1f}", flush=True)


if __name__ == "__main__":
    main()
