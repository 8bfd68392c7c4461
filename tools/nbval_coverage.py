"""How much of each notebook nbval really compares: one line per notebook, and the total.

    python tools/nbval_coverage.py

A code cell is counted as
- ignored: it carries ``# NBVAL_IGNORE_OUTPUT`` (widgets, progress bars, timings);
- silent: no output at all;
- image: only images (nbval never compares them);
- verdict: only an exercise's stored verdict on the unfilled stub ("not attempted yet");
- compared: any other text that nbval compares with what the cell prints when it runs again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("ignored", "silent", "image", "verdict", "compared")


def kind(cell: dict) -> str:
    source = "".join(cell["source"])
    if "NBVAL_IGNORE_OUTPUT" in source:
        return "ignored"
    texts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            texts.append("".join(out["text"]))
        elif "data" in out and "image/png" not in out["data"]:
            texts.append("".join(out["data"].get("text/plain", "")))
    if not cell.get("outputs"):
        return "silent"
    if not texts:
        return "image"
    if all("not attempted yet" in t or t.strip() in ("True", "False") for t in texts):
        return "verdict"
    return "compared"


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    total = dict.fromkeys(KINDS, 0)
    print(f"{'notebook':40s} code " + " ".join(f"{k:>9s}" for k in KINDS))
    for path in files:
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        counts = dict.fromkeys(KINDS, 0)
        for cell in cells:
            counts[kind(cell)] += 1
        for k in KINDS:
            total[k] += counts[k]
        print(f"{path.name:40s} {len(cells):4d} " + " ".join(f"{counts[k]:9d}" for k in KINDS))
    n = sum(total.values())
    print(f"{'all':40s} {n:4d} " + " ".join(f"{total[k]:9d}" for k in KINDS))
    print(f"text compared in {total['compared']} of {n} code cells ({100 * total['compared'] / n:.0f}%); "
          f"ignored {total['ignored']}")


if __name__ == "__main__":
    main(sys.argv[1:])
