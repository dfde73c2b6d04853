"""Small books built with the real build script, for the tests in tests/build.

:func:`make_book` copies the real ``tools/``, ``_config.yml``, ``pyproject.toml``, ``src/`` and
site assets into a temporary folder with pages of the test's own;
:func:`build` runs ``tools/build.py`` there. ``GOOD`` is a chapter that
prints a marker the tests can change through the library.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import bookdata

ROOT = bookdata.ROOT
FRONT_MATTER = bookdata.FRONT_MATTER


def chapter(body: str) -> str:
    return FRONT_MATTER + textwrap.dedent(body)


def make_book(tmp_path: Path, pages: dict[str, str]) -> Path:
    """A minimal book: the real config and build script, our own pages."""
    root = tmp_path / "book-copy"
    shutil.copytree(ROOT / "tools", root / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")  # dlbook.sphinx.release reads the version
    shutil.copytree(ROOT / "src", root / "src", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "book").mkdir()
    for folder in ("_static", "_templates"):  # site assets the config refers to
        if (ROOT / "book" / folder).is_dir():
            shutil.copytree(ROOT / "book" / folder, root / "book" / folder)
    (root / "book" / "references.bib").write_text("@misc{key2026, title={A title}, author={Someone}, year={2026}}\n")
    (root / "book" / "index.md").write_text("# A test book\n\nThe front page.\n")
    chapters = "\n".join(f"      - file: book/{name}" for name in pages)
    (root / "_toc.yml").write_text(
        f"format: jb-book\nroot: book/index\nparts:\n  - caption: Only part\n    chapters:\n{chapters}\n"
    )
    for name, text in pages.items():
        (root / "book" / f"{name}.md").write_text(text)
    return root


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(root / "src"))
    return subprocess.run(
        [sys.executable, str(root / "tools" / "build.py"), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


GOOD = chapter("""\
    # A good chapter

    ```{code-cell} ipython3
    import dlbook
    print("marker:", getattr(dlbook, "TEST_MARKER", "original"))
    ```
    """)
