"""Key press to changed picture, in JupyterLab and headless Chromium, for every dashboard of the registry.

    python benchmarks/bench_browser.py                       # every notebook with a dashboard
    python benchmarks/bench_browser.py 02_rnn_gradients.ipynb --moves 7

For each notebook: open a fresh copy in JupyterLab, run it, and append one cell with the floor:
a bare ``IntSlider`` whose observer sets an ``HTML`` label (the fastest any widget can answer).
Then, for every control of every dashboard in the notebook (the registry says which), press its
keys (a slider or a drop-down: arrow keys, there and back; a text box: one character typed, then
deleted) and time, in the page, from just before the key press to the ``load`` event of the
dashboard's new picture, plus one animation frame (the picture is on screen). The floor is timed
the same way in the same page and kernel, from the key press to the label's change, interleaved
with the dashboard's moves so that a change of load hits both alike.

Prints one line per dashboard: the median over all its moves, the floor's median, their ratio.
Figures only; nothing is asserted. The absolute times include Playwright's own round trip for a
key press (the same for both); the ratio is what counts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lecturekit.widgets.registry import DASHBOARDS  # noqa: E402
from tests.browser.lab import LabServer, Notebook, chromium_missing, launch_browser  # noqa: E402

FLOOR_CELL = """import ipywidgets as _w
_floor_slider = _w.IntSlider(value=50, min=0, max=100, description="bench floor")
_floor_label = _w.HTML("50")
_floor_slider.observe(lambda change: setattr(_floor_label, "value", str(change.new)), names="value")
_w.VBox([_floor_slider, _floor_label])"""

#: in the page: every dashboard on it (a VBox holding an Image) and its controls, in page order
FIND_DASHBOARDS = """() => {
    const boxes = [...document.querySelectorAll('.widget-vbox')].filter(
        b => [...b.children].some(c => c.classList.contains('widget-image')));
    window.__dash = boxes;
    boxes.forEach((b, i) => b.setAttribute('data-bench', String(i)));
    return boxes.map(b => ({
        sliders: [...b.querySelectorAll('.widget-slider .widget-label')].map(l => l.textContent),
        texts: b.querySelectorAll('.widget-text input').length,
        choices: b.querySelectorAll('.widget-dropdown select').length,
    }));
}"""

#: arm a timer: resolves when dashboard ``i``'s picture has loaded and been painted
ARM_IMAGE = """(i) => {
    window.__done = null;
    const img = window.__dash[i].querySelector(':scope > .widget-image');
    const src = img.src;
    const finish = () => requestAnimationFrame(() => { window.__done = performance.now(); });
    img.addEventListener('load', function onload() {
        if (img.src !== src) { img.removeEventListener('load', onload); finish(); }
    });
    window.__t0 = performance.now();
}"""

ARM_FLOOR = """() => {
    window.__done = null;
    const label = [...document.querySelectorAll('.widget-html-content')].find(
        e => e.closest('.widget-vbox') && e.closest('.widget-vbox').textContent.includes('bench floor'));
    const obs = new MutationObserver(() => { obs.disconnect();
        requestAnimationFrame(() => { window.__done = performance.now(); }); });
    obs.observe(label, {childList: true, subtree: true, characterData: true});
    window.__t0 = performance.now();
}"""


def _timed(page, arm, arg, act) -> float | None:
    page.evaluate(arm, arg) if arg is not None else page.evaluate(arm)
    act()
    try:
        page.wait_for_function("() => window.__done !== null", timeout=10_000, polling="raf")
    except Exception:
        return None  # no new picture within 10 s (the move changed nothing): not counted
    return page.evaluate("() => window.__done - window.__t0")


def _floor_move(nb: Notebook, key: str) -> float | None:
    nb.slider("bench floor").focus()  # focused before the clock starts, as the dashboards' controls are
    return _timed(nb.page, ARM_FLOOR, None, lambda: nb.page.keyboard.press(key))


def measure(page_nb: Notebook, index: int, info: dict, moves: int) -> tuple[list[float], list[float]]:
    """(the dashboard's move times, the floor's move times) for dashboard ``index`` of the page."""
    page = page_nb.page
    box = page.locator(f'[data-bench="{index}"]')
    own, floor = [], []
    actions = []
    for s in range(len(info["sliders"])):
        handle = box.locator(".widget-slider").nth(s).locator(".noUi-handle")
        actions += [(handle, "ArrowRight")] * moves + [(handle, "ArrowLeft")] * moves
    for s in range(info["choices"]):
        select = box.locator(".widget-dropdown select").nth(s)
        actions += [(select, "ArrowDown"), (select, "ArrowUp")]
    for s in range(info["texts"]):
        field = box.locator(".widget-text input").nth(s)
        actions += [(field, "End")]  # put the caret at the end first (not timed)
        actions += [(field, "x"), (field, "Backspace")] * ((moves + 1) // 2)
    for n, (element, key) in enumerate(actions):
        element.scroll_into_view_if_needed()
        element.focus()
        if key == "End":
            page.keyboard.press(key)
            continue
        t = _timed(page, ARM_IMAGE, index, lambda: page.keyboard.press(key))
        if t is not None:
            own.append(t)
        f = _floor_move(page_nb, "ArrowRight" if n % 2 == 0 else "ArrowLeft")
        if f is not None:
            floor.append(f)
    return own, floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook file names (default: every notebook with a dashboard)")
    parser.add_argument("--moves", type=int, default=5, help="key presses each way per slider (default 5)")
    args = parser.parse_args()
    why = chromium_missing()
    if why:
        sys.exit(f"cannot run: {why}")
    by_notebook: dict[str, list[str]] = {}
    for entry in DASHBOARDS:
        by_notebook.setdefault(entry.notebook, []).append(entry.name)
    names = args.notebooks or sorted(by_notebook)
    print(f"load average when starting: {', '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    print(f"median ms from key press to the new picture on screen; floor: a bare slider -> HTML label, same page")
    print(f"{'notebook':38s} {'dashboard':26s} {'moves':>5s} {'median':>8s} {'floor':>7s} {'ratio':>6s}")
    from playwright.sync_api import sync_playwright

    server = LabServer()
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            for name in names:
                path = server.notebooks / name
                nb_json = nbformat.read(path, as_version=4)
                nb_json.cells.append(nbformat.v4.new_code_cell(FLOOR_CELL))
                nbformat.write(nb_json, path)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                nb = Notebook(page, server, name)
                nb.run_all(timeout=600)
                if nb.errors():
                    print(f"{name}: errors while running: {nb.errors()}")
                    continue
                found = page.evaluate(FIND_DASHBOARDS)
                found = [(i, f) for i, f in enumerate(found)   # dashboards, not the floor or a loss monitor
                         if "bench floor" not in " ".join(f["sliders"]) and (f["sliders"] or f["texts"] or f["choices"])]
                labels = by_notebook.get(name, [])
                for k, (i, info) in enumerate(found):
                    own, floor = measure(nb, i, info, args.moves)
                    label = labels[k] if len(found) == len(labels) else f"dashboard {k + 1}"
                    if not own or not floor:
                        print(f"{name:38s} {label:26s} no move changed the picture")
                        continue
                    m, f = statistics.median(own), statistics.median(floor)
                    print(f"{name:38s} {label:26s} {len(own):5d} {m:8.0f} {f:7.0f} {m / f:6.2f}", flush=True)
                page.close()
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
