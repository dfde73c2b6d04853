"""Read what the built book computed: the values each chapter glued.

The build executes every chapter into the jupyter-cache under
``_build/.jupyter_cache``, one record per chapter. Each ``glue(...)`` call leaves an output tagged with its key;
these helpers read those outputs so that tests can compare the numbers the
prose shows with what ``dlbook`` computes.
"""

from __future__ import annotations

import ast
import os
import re
from functools import cache
from pathlib import Path

from dlbook.sphinx import project
from dlbook.sphinx.notebooks import FRONT_MATTER_LINES

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
#: The built site the site and browser tests read: ``DLBOOK_SITE=path`` tests
#: another build (one made in another clone, say). Tests take it through the
#: ``html_dir`` fixture of tests/conftest.py; this constant is for
#: parametrizing at collection time.
HTML = Path(os.environ.get("DLBOOK_SITE", ROOT / "_build" / "html"))
#: The opening fence of a MyST code cell.
CODE_CELL = re.compile(r"^(`{3,}|~{3,})\s*\{code-cell\}", re.MULTILINE)


#: The front matter every chapter starts with (jupytext header and kernelspec),
#: for tests that write small chapters of their own.
FRONT_MATTER = FRONT_MATTER_LINES


#: The build's own reader of _toc.yml: the tests walk the book exactly as the
#: build does. ``toc_files(path)`` lists every page, root first, without suffix.
toc_files = project.toc_files


def close(actual, expected, tol=1e-9) -> None:
    """Assert that a glued value equals the expected one within ``tol`` (absolute and relative)."""
    import numpy as np

    np.testing.assert_allclose(float(actual), float(expected), rtol=tol, atol=tol)


def chapters_with_code() -> list[str]:
    """``book/<name>.md`` of every toc page that has code cells, in reading order."""
    chapters = [f"{f}.md" for f in toc_files(ROOT / "_toc.yml")]
    return [c for c in chapters if (ROOT / c).is_file() and CODE_CELL.search((ROOT / c).read_text(encoding="utf-8"))]


def require_build() -> None:
    if not (CACHE / "global.db").is_file():
        raise AssertionError(f"no executed chapters in {CACHE}: run `make book` first")


@cache
def glued(chapter: str) -> dict[str, object]:
    """{key: value} of every text value glued by ``book/<chapter>.md``.

    Numbers come back as floats (or ints), other values as their text.
    """
    require_build()
    from jupyter_cache import get_cache

    cache = get_cache(str(CACHE))
    uri = str(ROOT / "book" / f"{chapter}.md")
    records = [r for r in cache.list_cache_records() if r.uri == uri]
    if not records:
        raise AssertionError(f"book/{chapter}.md has no executed record in {CACHE}; run `make book`")
    latest = max(records, key=lambda r: r.created)
    values: dict[str, object] = {}
    for cell in cache.get_cache_bundle(latest.pk).nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            text = output["data"].get(meta["mime_prefix"] + "text/plain")
            if text is None:
                continue
            try:
                values[meta["name"]] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[meta["name"]] = text
    return values
