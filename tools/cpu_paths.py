"""Run the notebooks' nbval comparison under other CPU code paths: one line per setting.

    python tools/cpu_paths.py                 # every setting below
    python tools/cpu_paths.py default mkl     # some of them (by name)
    python tools/cpu_paths.py --list          # the settings and their environment variables
    python tools/cpu_paths.py default notebooks/02_rnn_gradients.ipynb   # only some notebooks

The stored outputs must not depend on which SIMD kernels a CPU has (issue "Same results on
every machine"). Each setting runs ``python -m pytest notebooks/`` (nbval only) in a fresh
process with some environment variables set, and prints

    <name>: <passed> passed, <failed> failed (<seconds> s)  [the failed cells]

The settings: torch's kernels without SIMD (``ATEN_CPU_CAPABILITY=default``) or with AVX2 only
(what a CPU without AVX-512 runs), MKL's conditional numerical reproducibility
(``MKL_CBWR=COMPATIBLE``), numpy without the dispatch groups above its baseline
(``NPY_DISABLE_CPU_FEATURES``, the groups ``numpy.show_runtime()`` lists as found here),
and all of them at once. The exit code is 1 if any setting failed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def numpy_features() -> str:
    """The SIMD dispatch groups numpy found on this CPU above its baseline (space-separated)."""
    from numpy._core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__

    found = [name for name in __cpu_dispatch__ if __cpu_features__.get(name) and name not in __cpu_baseline__]
    return " ".join(found)


def settings() -> dict[str, dict[str, str]]:
    npy = numpy_features()
    table = {
        "plain": {},
        "default": {"ATEN_CPU_CAPABILITY": "default"},
        "avx2": {"ATEN_CPU_CAPABILITY": "avx2"},
        "mkl": {"MKL_CBWR": "COMPATIBLE"},
        "numpy": {"NPY_DISABLE_CPU_FEATURES": npy} if npy else {},
        "all": {"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE",
                **({"NPY_DISABLE_CPU_FEATURES": npy} if npy else {})},
    }
    return table


def run(name: str, env_vars: dict[str, str], paths: list[str]) -> tuple[bool, str]:
    env = dict(os.environ, **env_vars)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", *paths, "-q", "--tb=no", "-rf"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    out = proc.stdout
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", out)) else 0
    failed = int(m.group(1)) if (m := re.search(r"(\d+) failed", out)) else 0
    errors = int(m.group(1)) if (m := re.search(r"(\d+) errors?", out)) else 0
    cells = re.findall(r"^FAILED (\S+::Cell \d+)", out, flags=re.M)
    shown = " ".join(f"{k}={v}" for k, v in env_vars.items()) or "(nothing set)"
    line = f"{name}: {passed} passed, {failed} failed{f', {errors} errors' if errors else ''} ({seconds:.0f} s)  [{shown}]"
    if cells:
        line += "\n    " + "\n    ".join(cells)
    ok = proc.returncode == 0 and failed == 0 and errors == 0 and passed > 0
    if not ok and not cells:
        line += "\n    " + "\n    ".join(out.strip().splitlines()[-5:] + proc.stderr.strip().splitlines()[-5:])
    return ok, line


def main(argv: list[str]) -> int:
    table = settings()
    if "--list" in argv:
        for name, env in table.items():
            print(f"{name}: {' '.join(f'{k}={v}' for k, v in env.items()) or '(nothing set)'}")
        return 0
    paths = [a for a in argv if a.endswith(".ipynb")] or ["notebooks"]
    names = [a for a in argv if not a.startswith("-") and not a.endswith(".ipynb")] or list(table)
    unknown = [n for n in names if n not in table]
    if unknown:
        print(f"unknown setting(s) {unknown}; the settings are {list(table)}", file=sys.stderr)
        return 2
    all_ok = True
    for name in names:
        ok, line = run(name, table[name], paths)
        all_ok &= ok
        print(line, flush=True)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
