"""Print every claim test (tests/claims) per notebook as the sentence it backs: its name.

Run from the repository root: ``python tools/claims_list.py [01 02 ...]`` (the notebooks' numbers;
every notebook without; ``predictions`` for the predict-first questions).
"""

from __future__ import annotations

import ast
import pathlib
import sys

CLAIMS = pathlib.Path(__file__).resolve().parent.parent / "tests" / "claims"


def main(only: list[str]) -> None:
    files = sorted(CLAIMS.glob("test_0*.py")) + [CLAIMS / "test_predictions.py"]
    for f in files:
        if only and not any(o in f.name for o in only):
            continue
        tree = ast.parse(f.read_text())
        names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]
        print(f"\n### {f.name} ({len(names)} tests)\n")
        for name in names:
            print(f"- `{name}`: " + name[5:].replace("_", " "))


if __name__ == "__main__":
    main(sys.argv[1:])
