"""Diagrams drawn at build time (dlbook.sphinx.diagrams), as a reader's browser shows them.

Every page is opened at phone width: no page asks for mermaid's JavaScript;
every diagram is an inline ``<svg role="img">`` with an accessible name;
no label is drawn smaller than 11 px (font size times the svg's scale); the
labels keep 4.5:1 contrast against their box in the light and the dark
theme; and nothing goes wrong in the console.
"""

from __future__ import annotations

import re

import pytest

from browsing import AXE_JS, PHONE, script

pytestmark = pytest.mark.browser

#: Smallest label a reader may have to read on a 390 px phone, in CSS px.
MIN_LABEL_PX = 11.0
MIN_CONTRAST = 4.5


def pages_with_diagrams(html_dir, toc_pages) -> list[str]:
    return [p for p in toc_pages if 'class="dlbook-diagram"' in (html_dir / p).read_text(encoding="utf-8")]


def test_the_book_has_diagrams_and_every_page_is_free_of_mermaid_scripts(html_dir, toc_pages):
    assert len(pages_with_diagrams(html_dir, toc_pages)) >= 10
    for path in toc_pages:
        page = (html_dir / path).read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*mermaid|import mermaid", page, flags=re.I), path
    assert not (html_dir / "_static" / "npm" / "mermaid").exists(), "the site still ships mermaid"


def test_every_page_at_phone_width_loads_no_mermaid_and_its_diagrams_are_readable(html_dir, toc_pages, open_page):
    failures = []
    for path in toc_pages:
        visit = open_page(path, width=PHONE)
        loaded = visit.page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
        mermaid = [u for u in loaded if "mermaid" in u.lower()]
        if mermaid:
            failures.append(f"{visit.url}: requests mermaid: {mermaid[:3]}")
        for d in visit.page.evaluate(script("diagrams", uses=("colour",))):
            where = f"{visit.url} diagram #{d['index']}"
            if not d["svg"]:
                failures.append(f"{where}: no inline svg")
                continue
            if d["role"] != "img" or not d["name"] or d["title"] != d["name"]:
                failures.append(f"{where}: role {d['role']!r}, accessible name {d['name']!r}, title {d['title']!r}")
            if not d["labels"]:
                failures.append(f"{where}: no text labels")
            small = [f"{label['text']!r} {label['px']:.1f} px" for label in d["labels"] if label["px"] < MIN_LABEL_PX]
            if small:
                failures.append(f"{where} ({d['width']} px wide): labels below {MIN_LABEL_PX} px: {small[:3]}")
        if visit.problems():
            failures.append(f"{visit.url}: {visit.problems()}")
        visit.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_diagram_labels_keep_their_contrast_in_both_themes(html_dir, toc_pages, open_page, dark):
    failures = []
    for path in pages_with_diagrams(html_dir, toc_pages):
        visit = open_page(path, dark=dark)
        page = visit.page
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        if theme != ("dark" if dark else "light"):
            failures.append(f"{visit.url}: theme is {theme!r}")
        for d in page.evaluate(script("diagrams", uses=("colour",))):
            poor = [f"{label['text']!r} {label['contrast']:.1f}:1" for label in d["labels"]]
            poor = [p for p, label in zip(poor, d["labels"]) if label["contrast"] < MIN_CONTRAST]
            if poor:
                failures.append(f"{visit.url} diagram #{d['index']}: {poor[:3]}")
        page.add_script_tag(path=str(AXE_JS))
        violations = page.evaluate(
            "async () => (await axe.run('figure.dlbook-diagram', {runOnly: ['color-contrast', 'svg-img-alt',"
            " 'role-img-alt', 'duplicate-id-aria'], resultTypes: ['violations']})).violations"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        if violations:
            failures.append(f"{visit.url}: axe: {violations[:3]}")
        visit.close()
    assert not failures, "\n".join(failures)
