"""Glossary terms: every {term} link resolves, and hovering shows its definition.

The hover tips come from sphinx-tippy with popper and tippy.js served from the
site itself (package-lock.json), so they work offline too.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from browsing import with_helpers

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


TIP_FILES = ("/_static/tippy/", "tippy-bundle", "popper.min.js")


def test_the_tips_are_fetched_only_once_the_reader_points_at_the_page(open_page):
    visit = open_page("book/loss-functions.html")
    page = visit.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.wait_for_load_state("networkidle")
    before = [url for url in requested if any(part in url for part in TIP_FILES)]
    assert page.evaluate("typeof window.tippy") == "undefined", "tippy.js was loaded before anyone pointed at the page"
    assert not before, before
    link = page.locator(TERM_LINK).first
    link.hover()  # the first pointer movement: the tips load, and this link's shows
    page.locator("[data-tippy-root]").first.wait_for(state="visible", timeout=5000)
    fetched = [url for url in requested if any(part in url for part in TIP_FILES)]
    assert len(fetched) == 3, fetched  # Popper, tippy.js and the page's tips, once each
    assert not visit.problems()


def test_a_reader_on_the_keyboard_gets_the_tip_of_the_focused_link(open_page):
    visit = open_page("book/loss-functions.html")
    page = visit.page
    page.keyboard.press("Tab")  # into the page: the tips load
    page.wait_for_function("typeof window.tippy === 'function'", timeout=5000)
    link = page.locator(TERM_LINK).first
    link.focus()
    tip = page.locator("[data-tippy-root]")
    tip.first.wait_for(state="visible", timeout=5000)
    assert link.inner_text().strip().lower() in tip.first.inner_text().lower()
    assert not visit.problems()


#: The contrast of a tip's text against the tip's box.
TIP_CONTRAST_JS = """
(element) => contrastRatio(parseColour(getComputedStyle(element).color),
                           parseColour(getComputedStyle(element.closest('.tippy-box')).backgroundColor))
"""


def test_a_figure_caption_in_a_tip_is_readable_in_both_themes(open_page):
    for dark in (False, True):
        visit = open_page("book/gradient-descent.html", dark=dark)
        page = visit.page
        link = page.locator("article.bd-article a.reference.internal[href^='#fig-']").first
        link.scroll_into_view_if_needed()
        link.hover()
        caption = page.locator("[data-tippy-root] figcaption p").first
        caption.wait_for(state="visible", timeout=5000)
        ratio = caption.evaluate(with_helpers(TIP_CONTRAST_JS, "colour"))
        assert ratio >= 4.5, f"caption contrast {ratio:.1f}:1 in the {'dark' if dark else 'light'} theme"
