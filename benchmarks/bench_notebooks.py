"""Every notebook headless, top to bottom, in a fresh kernel: run time and peak kernel memory.

    python benchmarks/bench_notebooks.py
"""

from common import ROOT, run_notebook


def main() -> None:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        seconds, peak_mb = run_notebook(path.name)
        print(f"{path.name:40s} {seconds:5.1f} s   peak kernel memory {peak_mb:4.0f} MB", flush=True)


if __name__ == "__main__":
    main()
