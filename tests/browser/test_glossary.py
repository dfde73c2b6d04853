"""Glossary terms: every {term} link resolves, and hovering shows its definition.

The hover tips come from sphinx-tippy with popper and tippy.js served from the
site itself (package-lock.json), so they work offline too.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

TERM_LINK = "article.bd-article a[href*='glossary.html#term-']"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_chapters_link_terms_to_the_glossary(html_dir, toc_pages):
    linked = [p for p in toc_pages if soup(html_dir / p).select_one("a[href*='glossary.html#term-']")]
    chapters = [p for p in toc_pages if re.search(r"book/(?!index|glossary|references|how-)", p)]
    missing = sorted(set(chapters) - set(linked) - {"book/setting-up.html", "book/keras-to-pytorch.html"})
    assert not missing, f"chapters that link no glossary term: {missing}"


def test_hovering_a_term_shows_its_definition(open_page, html_dir):
    visit = open_page("book/loss-functions.html")
    page = visit.page
    link = page.locator(TERM_LINK).first
    term_id = link.get_attribute("href").split("#", 1)[1]
    glossary = soup(html_dir / "book" / "glossary.html")
    assert glossary.find(id=term_id) is not None, f"{term_id} is not defined in the glossary"

    assert page.locator("[data-tippy-root]").count() == 0
    link.hover()
    tip = page.locator("[data-tippy-root]")
    tip.first.wait_for(state="visible", timeout=5000)
    text = tip.first.inner_text()
    assert link.inner_text().strip().lower() in text.lower()
    assert len(text.split()) > 5, f"the tip should hold the definition, got {text!r}"
    assert not visit.problems()
