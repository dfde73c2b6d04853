"""The built book speaks to its readers, and every chapter's claims are checked.

Reads the built site (``html_dir``, written by `make book`).
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

import bookdata
from dlbook.sphinx.claims import chapter_claims
from dlbook.sphinx.notebooks import has_code_cells

ROOT = bookdata.ROOT
SOURCES = re.compile(r"lecture notes|course notes", re.IGNORECASE)


def chapters_with_code() -> list[str]:
    return [
        name
        for name in bookdata.toc_files(ROOT / "_toc.yml")
        if has_code_cells((ROOT / name).with_suffix(".md").read_text(encoding="utf-8"))
    ]


def test_no_page_speaks_of_the_notes_the_book_was_planned_from(html_dir):
    found = []
    for path in sorted(html_dir.rglob("*")):
        if path.suffix not in {".html", ".ipynb", ".md", ".js", ".txt"} or not path.is_file():
            continue
        if "_static" in path.relative_to(html_dir).parts[:1] and path.suffix == ".js" and "tippy" not in str(path):
            continue  # vendored libraries
        for match in SOURCES.finditer(path.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{path.relative_to(html_dir)}: ...{match.group(0)}...")
    assert not found, "\n".join(found)


#: The colophon reports versions and timings: it makes no claim about a result.
NO_RESULTS = {"book/how-this-book-was-built"}


@pytest.mark.parametrize("name", [n for n in chapters_with_code() if n not in NO_RESULTS])
def test_every_chapter_with_code_checks_its_claims(name):
    assert chapter_claims((ROOT / name).with_suffix(".md")) >= 3, (
        f"{name}.md: back its comparative and quantitative sentences with dlbook.claims.check"
    )


def test_the_colophon_table_counts_what_the_sources_hold(html_dir):
    page = html_dir / "book" / "how-this-book-was-built.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    # The colophon's own row links to itself ("#").
    shown = {
        row.find("a")["href"].replace("#", page.name): int(row.find_all("td")[1].get_text(strip=True))
        for row in soup.select("table.claims-table tbody tr")
        if row.find("a")
    }
    expected = {
        f"{name.removeprefix('book/')}.html": chapter_claims((ROOT / name).with_suffix(".md"))
        for name in chapters_with_code()
    }
    assert shown == expected
