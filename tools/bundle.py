"""Zip the built site for offline reading, named with the book's version.

Usage (from the repository root, after ``make book``)::

    python tools/bundle.py      # writes _build/deep-learning-step-by-step-<version>.zip

The zip holds ``deep-learning-step-by-step-<version>/`` (the site: open its
``index.html`` in a browser, no server needed) and
``deep-learning-step-by-step-<version>-notebooks.zip``: every chapter as a
Jupyter notebook with its outputs, the same files the site offers for
download. The version is ``[project] version`` of ``pyproject.toml``.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from dlbook.sphinx.release import project_version

ROOT = Path(__file__).resolve().parent.parent
NAME = "deep-learning-step-by-step"
#: What the build leaves in _build/html that a reader does not need.
LEFT_OUT = {".doctrees", ".buildinfo", ".built", "reports", "tippy_doi_cache.json"}


def site_files(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*") if p.is_file() and not LEFT_OUT & set(p.relative_to(html).parts))


def notebooks(html: Path) -> list[Path]:
    """The executed chapters, as the site serves them for download."""
    return sorted((html / "_sources").rglob("*.ipynb"))


def bundle(build: Path, version: str) -> Path:
    html = build / "html"
    if not (html / "index.html").is_file():
        raise SystemExit(f"error: no built site in {html}: run `make book` first")
    chapters = notebooks(html)
    if not chapters:
        raise SystemExit(f"error: no executed notebooks under {html / '_sources'}")
    name = f"{NAME}-{version}"
    inner = build / f"{name}-notebooks.zip"
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as notes:
        for path in chapters:
            notes.write(path, f"{name}-notebooks/{path.name}")
    target = build / f"{name}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in site_files(html):
            archive.write(path, f"{name}/{path.relative_to(html).as_posix()}")
        archive.write(inner, inner.name)
    inner.unlink()
    return target


def main() -> int:
    target = bundle(ROOT / "_build", project_version(ROOT))
    print(f"wrote {target.relative_to(ROOT)}: unzip it and open {target.stem}/index.html;")
    print(f"  {target.stem}-notebooks.zip inside holds every chapter as a notebook with its outputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
