"""dlbook.sphinx.pdf, in process: the site links to the book's PDF only while the PDF is in it.

A tiny project with sphinx-book-theme is built, then built again after the
PDF appears (no source changed) and after it is gone again.
"""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from dlbook.sphinx.pdf import PDF_NAME
from sphinxroots import Project

CONF = """\
extensions = ["myst_nb", "dlbook.sphinx.pdf"]  # myst-nb, as the book: mixing it with myst_parser in one process breaks
nb_execution_mode = "off"
html_theme = "sphinx_book_theme"
exclude_patterns = ["_build"]
"""
INDEX = "# Home\n\nThe whole book is one {book-pdf}`PDF file`.\n\n```{toctree}\nsub/chapter\n```\n"
CHAPTER = "# Chapter\n\nText.\n"


def build(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    if not src.exists():
        (src / "sub").mkdir(parents=True)
        (src / "conf.py").write_text(CONF)
        (src / "index.md").write_text(INDEX)
        (src / "sub" / "chapter.md").write_text(CHAPTER)
    result = Project(tmp_path).build(fresh=False)
    assert "WARNING" not in result.warnings, result.warnings
    return result.outdir


def pdf_links(site: Path, page: str) -> list[str]:
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    return sorted(a["href"] for a in soup.find_all("a", href=True) if a["href"].endswith(PDF_NAME))


def test_the_links_appear_with_the_pdf_and_go_with_it(tmp_path):
    site = build(tmp_path)
    assert pdf_links(site, "index.html") == []
    assert pdf_links(site, "sub/chapter.html") == []
    assert "PDF file" in (site / "index.html").read_text(encoding="utf-8"), "without the PDF the text stays"

    (site / PDF_NAME).write_bytes(b"%PDF-1.7\n")
    site = build(tmp_path)
    # the index page: the role's link and the download menu's entry; a page in a folder: the menu's
    assert pdf_links(site, "index.html") == [PDF_NAME, PDF_NAME]
    assert pdf_links(site, "sub/chapter.html") == [f"../{PDF_NAME}"]
    chapter = BeautifulSoup((site / "sub" / "chapter.html").read_text(encoding="utf-8"), "html.parser")
    entry = chapter.find("a", href=f"../{PDF_NAME}")
    assert entry.find_parent(class_="dropdown-download-buttons") is not None
    assert "book .pdf" in entry.get_text()

    (site / PDF_NAME).unlink()
    site = build(tmp_path)
    assert pdf_links(site, "index.html") == [] and pdf_links(site, "sub/chapter.html") == []
