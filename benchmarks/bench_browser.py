"""Key press to changed picture, in JupyterLab and headless Chromium, for every dashboard of the registry.

    python benchmarks/bench_browser.py                       # every notebook with a dashboard
    python benchmarks/bench_browser.py 02_rnn_gradients.ipynb --moves 7
    python benchmarks/bench_browser.py --no-prefetch          # every move computed (LECTUREKIT_PREFETCH=off)
    python benchmarks/bench_browser.py 08_pooling.ipynb --repeat 3   # each ratio three times: how much it moves

For each notebook: open a fresh copy in JupyterLab, run it, and append one cell with the floor:
a bare ``IntSlider`` whose observer sets an ``HTML`` label (the fastest any widget can answer).
Then, for every control of every dashboard in the notebook (the registry says which), press its
keys (a slider: arrow keys, there and back; toggle buttons: the space bar on each other option,
then back; a text box: one character typed, then deleted) and time, in the page, from just before
the key press to the ``load`` event of the dashboard's new picture, plus one animation frame (the
picture is on screen). After each move the student looks at the picture for ``--look`` seconds,
``--look-text`` after a character typed (the dashboard renders the states one key press away
meanwhile: for a text box, the text with each of its 41 characters typed next). The floor is timed the same way
in the same page and kernel, from the key press to the label's change, after the look, interleaved
with the dashboard's moves so that a change of load hits both alike, and followed by a pause as
long (a browser that has been idle takes longer to draw its next frame: each key press, the
dashboard's and the floor's, comes after the same pause); its widgets are moved right
under the dashboard measured, so that neither waits for the page to scroll.

Prints one line per dashboard: the median over all its moves, the floor's median, their ratio; then
where the dashboard's time goes in the page: from the key press to the new picture's arrival (the
kernel's answer and the transfer) and from its arrival to its painting (the browser's decoding),
and how many moves took more than 1.25 times the floor's median. Figures only; nothing is
asserted. The absolute times include Playwright's own round trip for a key press (the same for
both); the ratio is what counts. ``benchmarks/bench_dashboards.py`` splits the kernel's part.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
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
        toggles: [...b.querySelectorAll('.widget-toggle-buttons')].map(
            t => t.querySelectorAll('button').length),
    }));
}"""

#: put the floor's widgets right under dashboard ``i``: both are then in view together, and no key
#: press waits for the page to scroll (and JupyterLab to render the cells scrolled into view)
FLOOR_BESIDE = """(i) => {
    const floor = [...document.querySelectorAll('.widget-vbox')].find(b => b.textContent.includes('bench floor'));
    const dash = window.__dash[i];
    dash.parentElement.insertBefore(floor, dash.nextSibling);
    dash.scrollIntoView({block: 'start'});
}"""

#: arm a timer: resolves when dashboard ``i``'s picture has loaded and been painted
ARM_IMAGE = """(i) => {
    window.__done = null;
    window.__arrived = null;
    const img = window.__dash[i].querySelector(':scope > .widget-image');
    const src = img.src;
    const finish = () => requestAnimationFrame(() => { window.__done = performance.now(); });
    const obs = new MutationObserver(() => { if (img.src !== src) { obs.disconnect();
        window.__arrived = performance.now(); } });
    obs.observe(img, {attributes: true, attributeFilter: ['src']});
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


def _timed(page, arm, arg, act) -> tuple[float, float | None] | None:
    """(ms from the key press to on screen, ms from the key press to the picture's arrival or None)."""
    page.evaluate(arm, arg) if arg is not None else page.evaluate(arm)
    act()
    try:
        page.wait_for_function("() => window.__done !== null", timeout=2_000, polling="raf")
    except Exception:
        return None  # no new picture within 2 s (the move changed nothing, a slider at its end): not counted
    return tuple(page.evaluate("() => [window.__done - window.__t0, "
                               "window.__arrived === undefined || window.__arrived === null ? null : "
                               "window.__arrived - window.__t0]"))


def _floor_move(nb: Notebook, key: str) -> float | None:
    nb.slider("bench floor").focus()  # focused before the clock starts, as the dashboards' controls are
    timed = _timed(nb.page, ARM_FLOOR, None, lambda: nb.page.keyboard.press(key))
    return None if timed is None else timed[0]


def measure(page_nb: Notebook, index: int, info: dict, moves: int, look: float,
            look_text: float) -> tuple[list, list[float]]:
    """(the dashboard's moves as (on screen, arrival) ms, the floor's move times) for dashboard
    ``index`` of the page."""
    page = page_nb.page
    page.evaluate(FLOOR_BESIDE, index)
    box = page.locator(f'[data-bench="{index}"]')
    own, floor = [], []
    actions = []
    for s in range(len(info["sliders"])):
        handle = box.locator(".widget-slider").nth(s).locator(".noUi-handle")
        actions += [(handle, "ArrowRight")] * moves + [(handle, "ArrowLeft")] * moves
    for s, count in enumerate(info["toggles"]):
        buttons = box.locator(".widget-toggle-buttons").nth(s).locator("button")
        start = next(k for k in range(count) if "mod-active" in (buttons.nth(k).get_attribute("class") or ""))
        for k in [k for k in range(count) if k != start]:
            actions += [(buttons.nth(k), "Space"), (buttons.nth(start), "Space")]
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
        time.sleep(look_text if key in ("x", "Backspace") else look)  # the student looks at the new picture
        f = _floor_move(page_nb, "ArrowRight" if n % 2 == 0 else "ArrowLeft")
        if f is not None:
            floor.append(f)
        time.sleep(look)  # so that the dashboard's next key, like the floor's, comes after a pause
    return own, floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook file names (default: every notebook with a dashboard)")
    parser.add_argument("--moves", type=int, default=5, help="key presses each way per slider (default 5)")
    parser.add_argument("--look", type=float, default=1.0,
                        help="seconds the student looks at each new picture before the next key (default 1)")
    parser.add_argument("--look-text", type=float, default=3.0,
                        help="seconds the student reads each translation after a character typed (default 3)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure every notebook this many times, then print each dashboard's ratios (default 1)")
    parser.add_argument("--no-prefetch", action="store_true",
                        help="dashboards render only the states visited (LECTUREKIT_PREFETCH=off)")
    args = parser.parse_args()
    os.environ["LECTUREKIT_PREFETCH"] = "off" if args.no_prefetch else "on"  # the Lab server's kernels inherit it
    why = chromium_missing()
    if why:
        sys.exit(f"cannot run: {why}")
    by_notebook: dict[str, list[str]] = {}
    for entry in DASHBOARDS:
        by_notebook.setdefault(entry.notebook, []).append(entry.name)
    names = args.notebooks or sorted(by_notebook)
    print(f"load average when starting: {', '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    print(f"median ms from key press to the new picture on screen; floor: a bare slider -> HTML label, same page;"
          f" a look of {args.look:g} s after each move ({args.look_text:g} s after a character typed);"
          f" prefetch {'off' if args.no_prefetch else 'on'}")
    print(f"{'notebook':32s} {'dashboard':24s} {'moves':>5s} {'median':>7s} {'floor':>6s} {'ratio':>6s}"
          f" {'arrive':>7s} {'paint':>6s} {'>1.25':>6s}")
    from playwright.sync_api import sync_playwright

    ratios: dict[tuple[str, str], list[float]] = {}
    server = LabServer()
    try:
        with sync_playwright() as p:
            browser = launch_browser(p)
            for name in [name for _ in range(args.repeat) for name in names]:
                path = server.notebooks / name
                nb_json = nbformat.read(path, as_version=4)
                if not any(c.source == FLOOR_CELL for c in nb_json.cells):  # once, also when repeated
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
                         if "bench floor" not in " ".join(f["sliders"]) and (f["sliders"] or f["texts"] or f["toggles"])]
                labels = by_notebook.get(name, [])
                for k, (i, info) in enumerate(found):
                    own, floor = measure(nb, i, info, args.moves, args.look, args.look_text)
                    label = labels[k] if len(found) == len(labels) else f"dashboard {k + 1}"
                    if not own or not floor:
                        print(f"{name[:32]:32s} {label:24s} no move changed the picture")
                        continue
                    m, f = statistics.median(t for t, _ in own), statistics.median(floor)
                    arrived = [a for _, a in own if a is not None]
                    arrive = statistics.median(arrived) if arrived else float("nan")
                    paint = statistics.median(t - a for t, a in own if a is not None) if arrived else float("nan")
                    slow = sum(t > 1.25 * f for t, _ in own)
                    ratios.setdefault((name, label), []).append(m / f)
                    print(f"{name[:32]:32s} {label:24s} {len(own):5d} {m:7.0f} {f:6.0f} {m / f:6.2f}"
                          f" {arrive:7.0f} {paint:6.0f} {slow:6d}", flush=True)
                page.close()
            browser.close()
    finally:
        server.stop()
    if args.repeat > 1:
        print(f"\nratio in each of {args.repeat} runs, then the median of the runs and the spread (largest - smallest)")
        for (name, label), values in ratios.items():
            print(f"{name[:32]:32s} {label:24s} {' '.join(f'{v:5.2f}' for v in values)}   median"
                  f" {statistics.median(values):5.2f}  spread {max(values) - min(values):4.2f}")


if __name__ == "__main__":
    main()
