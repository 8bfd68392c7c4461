"""Write the README's pictures (deterministic): python tools/readme_pictures.py"""

from pathlib import Path

from lecturekit.widgets.rnn import eigenvalue_explorer

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    (DOCS / "eigenvalue_explorer.png").write_bytes(eigenvalue_explorer(scale=1.05, angle=20.0, steps=200).png)


if __name__ == "__main__":
    main()
