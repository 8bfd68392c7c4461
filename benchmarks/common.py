"""Shared measuring helpers for the benchmark scripts (run them from the repository's root)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]

_PEAK_MEMORY_CELL = """import resource, sys
print("PEAK_RSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"""


def median_ms(fn, repeats: int = 20, warmup: int = 2) -> float:
    """Median wall time of ``fn()`` in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def move_ms(dashboard, control: str, values, repeats: int = 20) -> float:
    """Median milliseconds of one move of ``dashboard.controls[control]``, cycling through ``values``
    (compute + redraw + PNG: the whole refresh a student waits for)."""
    cycle = iter(list(values) * (repeats + 10))
    return median_ms(lambda: setattr(dashboard.controls[control], "value", next(cycle)), repeats=repeats)


def interleaved_median_ms(fns, repeats: int = 30, warmup: int = 3) -> list[float]:
    """Median wall time of each function in milliseconds, the calls interleaved (so a change of
    load on the machine hits every function alike: fair for ratios)."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            start = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - start)
    return [1e3 * statistics.median(ts) for ts in times]


def run_notebook(name: str) -> tuple[float, float]:
    """Run ``notebooks/name`` headless in a fresh kernel: (seconds, peak kernel memory in MB).

    The time covers the notebook's own cells; the peak memory (ru_maxrss of the kernel process)
    is read by one extra cell appended to an in-memory copy. Nothing is written back.
    """
    path = ROOT / "notebooks" / name
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_PEAK_MEMORY_CELL))
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells[:-1]):
            client.execute_cell(cell, index)
        elapsed = time.perf_counter() - start
        client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    peak_kb = int(text.split("PEAK_RSS_KB")[1].split()[0])
    return elapsed, peak_kb / 1024


def browser_latency_ms(notebook: str, slider: str, keys: list[str], image_index: int = 0) -> list[float]:
    """Keypress to changed pixels in JupyterLab + Chromium, one figure per key in ``keys``.

    In the page: focus the slider's handle, note the time, dispatch the key, wait for the
    dashboard image's ``src`` to change, decode the new image and wait for the next frame.
    """
    import sys

    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.browser.lab import LabServer, Notebook, launch_browser

    server = LabServer()
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            nb = Notebook(page, server, notebook)
            nb.run_all()
            handle = nb.slider(slider)
            handle.scroll_into_view_if_needed()
            img = nb.image(image_index)
            img.scroll_into_view_if_needed()
            results = []
            for key in keys:
                ms = page.evaluate(
                    """async ([handle, img, key]) => {
                        handle.focus();
                        const old = img.src;
                        const t0 = performance.now();
                        handle.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
                        while (img.src === old) { await new Promise(r => setTimeout(r, 1)); }
                        await img.decode();
                        await new Promise(r => requestAnimationFrame(() => r()));
                        return performance.now() - t0;
                    }""", [handle.element_handle(), img.element_handle(), key])
                results.append(ms)
                page.wait_for_timeout(300)
            browser.close()
    finally:
        server.stop()
    return results
