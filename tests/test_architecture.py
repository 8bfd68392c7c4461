"""The house itself (DESIGN.md): arrows one way, no private crossings, small modules, thin notebooks.

The import arrows are import-linter contracts in pyproject.toml ([tool.importlinter]): the math
modules import no drawing, plots import no math, exercises draw nothing, tricks -> recurrence and
never back, and no loops. The rest import-linter cannot see, so it is read here with ``ast``.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lecturekit"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_LINES = 400
#: seeding the global generators from a notebook (a generator of one's own, torch.Generator().manual_seed(0), is fine)
GLOBAL_SEEDS = {"torch.manual_seed", "torch.random.manual_seed", "torch.seed", "torch.cuda.manual_seed",
                "torch.cuda.manual_seed_all", "np.random.seed", "numpy.random.seed", "random.seed"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_names(tree: ast.AST, module: str) -> list[tuple[str, str, int]]:
    """(module imported from, name, line) for every ``from X import name`` inside lecturekit."""
    found = []
    package = module if module.endswith("__init__") else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                is_package = (PACKAGE.parent / Path(*base) / "__init__.py").exists()
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] == "lecturekit":
                found += [(source, alias.name, node.lineno) for alias in node.names]
    return found


def test_the_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in result.stdout


def _contracts() -> list[dict]:
    import tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_every_math_module_is_in_the_contracts():
    """A new module must be placed in the house: listed among the math modules (or be a package of its own)."""
    contracts = {c["id"]: c for c in _contracts()}
    math_modules = set(contracts["math-draws-nothing"]["source_modules"])
    top = {f"lecturekit.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert top == math_modules, f"not in the contracts: {sorted(top - math_modules)}; gone: {sorted(math_modules - top)}"
    assert math_modules <= set(contracts["plots-compute-nothing"]["forbidden_modules"])


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_is_taken_from_another_module(path):
    module = _module_name(path)
    tree = ast.parse(path.read_text(), filename=str(path))
    crossings = [f"line {line}: {name} from {source}" for source, name, line in _imported_names(tree, module)
                 if name.startswith("_") and not name.startswith("__") and source != module]
    assert not crossings, f"{module} takes private names from other modules: {crossings}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines; split it by idea (DESIGN.md: under about {MAX_LINES})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_import_nothing_private_and_seed_nothing_globally(path):
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    problems = []
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        tree = ast.parse("\n".join(lines))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(a.name for a in node.names)]
                problems += [f"code cell {i}: from {node.module} import {n}" for n in names
                             if any(part.startswith("_") and not part.startswith("__") for part in n.split("."))]
            elif isinstance(node, ast.Import):
                problems += [f"code cell {i}: import {a.name}" for a in node.names
                             if any(part.startswith("_") for part in a.name.split("."))]
            elif isinstance(node, ast.Attribute) and ast.unparse(node) in GLOBAL_SEEDS:
                problems.append(f"code cell {i}: {ast.unparse(node)} (pass seed= or use lecturekit.train.seeded)")
    assert not problems, problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_has_a_browser_test(path):
    number = path.name[:2]
    assert list((ROOT / "tests" / "browser").glob(f"test_{number}_*.py")), f"no tests/browser/test_{number}_*.py"


def test_the_private_name_check_sees_a_crossing():
    tree = ast.parse("from .recurrence import _helper\nfrom ..plots.common import loss_curve\n")
    names = _imported_names(tree, "lecturekit.widgets.tricks")
    assert ("lecturekit.widgets.recurrence", "_helper", 1) in names
    assert ("lecturekit.plots.common", "loss_curve", 2) in names


def test_the_contracts_catch_a_planted_loop_and_a_drawing_import(tmp_path):
    import os
    import shutil
    shutil.copytree(PACKAGE, tmp_path / "lecturekit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "lecturekit" / "recurrence.py", "a") as f:
        f.write("\nfrom . import tricks  # planted: a loop\n")
    with open(tmp_path / "lecturekit" / "conv.py", "a") as f:
        f.write("\nimport matplotlib  # planted: a math module that draws\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True, env=env).stdout
    assert "lecturekit.conv -> matplotlib" in out
    assert "No import loops between the modules of a package BROKEN" in out
    assert "lecturekit.recurrence -> lecturekit.tricks" in out
    assert f"Contracts: {len(_contracts()) - 4} kept, 4 broken." in out


def test_contributing_recipes_run():
    """CONTRIBUTING.md's dashboard and exercise recipes are code that works today."""
    import re
    import matplotlib
    matplotlib.use("Agg")
    text = (ROOT / "CONTRIBUTING.md").read_text()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, flags=re.S) if not b.startswith(" ")]
    assert len(blocks) == 2
    scope: dict = {}
    exec(blocks[0], scope)
    d = scope["explorer"]()
    d.controls["scale"].value = 1.1
    assert d.error is None and d.updates == 2
    registry_line = [b for b in re.findall(r"```python\n(.*?)```", text, flags=re.S) if b.startswith(" ")][0]
    assert "Entry(name=" in registry_line and "build=" in registry_line
    from lecturekit.exercises import registry
    source = blocks[1].replace('name="rnn_gradients.gradient_norm_after"', 'name="contributing.example"')
    source = source.replace("register(Exercise(", "(Exercise(")       # do not add it to the registry
    exec(source, scope)
    example = scope["gradient_norm_after"]
    assert example.check(lambda s, k: s ** k) and not example.check(lambda s, k: s * k)
    assert "multiplied scale by k" in example.check(lambda s, k: s * k).message
    assert "contributing.example" not in registry
