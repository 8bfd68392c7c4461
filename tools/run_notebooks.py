"""Run notebooks top to bottom and store their outputs in place, deterministically.

    python tools/run_notebooks.py                      # every notebook in notebooks/
    python tools/run_notebooks.py notebooks/02_*.ipynb # some of them

Widget outputs are replaced by a short text (their live state cannot be stored usefully:
model ids are random and the picture is shown statically just above each dashboard), and
execution metadata (timestamps) is dropped, so a re-run changes nothing that did not change.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_TEXT = "Interactive widget: run the notebook to use it (a static picture of it is stored beside this cell)."
PROGRESS_TEXT = "(a progress bar: it moves while the cell runs)"
DASHBOARDS = ("VBox(", "HBox(", "Box(", "GridBox(", "Image(")  # a dashboard's text/plain starts like this


def clean(nb: nbformat.NotebookNode) -> None:
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME in data:
                plain = data.get("text/plain", "")
                # its text/plain is the widget's state when it was shown (a bar at 0%): say what it is instead
                out["data"] = {"text/plain": WIDGET_TEXT if not plain or plain.startswith(DASHBOARDS) else PROGRESS_TEXT}
            previous = outputs[-1] if outputs else None
            if (out.get("output_type") == "stream" and previous is not None
                    and previous.get("output_type") == "stream" and previous.get("name") == out.get("name")):
                previous["text"] += out["text"]  # a print loop may arrive in pieces split differently each run
            else:
                outputs.append(out)
        if cell.cell_type == "code":
            cell.outputs = outputs
    nb.metadata.pop("widgets", None)


def run(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    elapsed = time.perf_counter() - start
    clean(nb)
    nbformat.write(nb, path)
    return elapsed


def main(args: list[str]) -> None:
    paths = [Path(a) for a in args] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"{path.name}: {run(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
