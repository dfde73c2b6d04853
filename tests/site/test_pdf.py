"""The whole book as one PDF (``make pdf``, tools/pdf.py): what a reader of the printed book relies on.

The PDF takes a few minutes to print, so ``make test`` does not make it: these
tests read the one ``make pdf`` wrote, and are skipped, saying why, when there
is none or when a chapter has changed since it was printed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

import bookdata  # tests/bookdata.py: the build's own toc reader
from dlbook import losses, scratch
from dlbook.sphinx.pdf import PDF_NAME

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "pdf" / PDF_NAME
DOCUMENT = ROOT / "_build" / "pdf" / "book.html"  # what Chromium printed
PAGES = bookdata.toc_files(ROOT / "_toc.yml")
CHAPTERS = PAGES[1:]  # the root page is the front matter


def _parts() -> dict[str, list[str]]:
    """{anchor of the part's page in the PDF: its chapters}, in toc order."""
    import yaml

    parts = yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]
    return {f"print-part-{n}": [c["file"] for c in part["chapters"]] for n, part in enumerate(parts, start=1)}


PARTS = _parts()


def _why_skip() -> str | None:
    if not PDF.is_file():
        return f"no {PDF.relative_to(ROOT)}: run `make pdf` first (it takes a few minutes, so make test does not)"
    printed = PDF.stat().st_mtime
    changed = [p for p in PAGES if (ROOT / f"{p}.md").stat().st_mtime > printed]
    if changed:
        return f"{changed[0]}.md changed after the PDF was printed: run `make pdf` again"
    return None


if _why_skip():
    pytest.skip(_why_skip(), allow_module_level=True)


@cache
def reader():
    from pypdf import PdfReader

    return PdfReader(PDF)


@cache
def destinations() -> dict[str, int]:
    """Every named destination (an id of the print document) and its page, from 0."""
    pdf = reader()
    return {name.lstrip("/"): pdf.get_destination_page_number(d) for name, d in pdf.named_destinations.items()}


@cache
def page_text(number: int) -> str:
    """A page's text, ligatures (the "ff" of "effect") as letters, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", reader().pages[number].extract_text()).split())


def chapter_pages(docname: str) -> range:
    """The pages (from 0) of one chapter: from its first to the page before the next chapter or part."""
    starts = sorted({page for name, page in destinations().items() if "--" not in name})
    first = destinations()[docname.rsplit("/", 1)[-1]]
    later = [s for s in starts if s > first]
    return range(first, later[0] if later else len(reader().pages))


def text_of(docname: str) -> str:
    return " ".join(page_text(n) for n in chapter_pages(docname))


@cache
def built_title(docname: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((bookdata.HTML / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")
    heading = soup.select_one("article.bd-article h1")
    for link in heading.select(".headerlink"):
        link.decompose()
    return " ".join(heading.get_text(" ", strip=True).split())


def squeeze(text: str) -> str:
    """Without spaces: text read back from a PDF may lose or add them where lines wrap."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def outline_titles(items, depth=0) -> list[tuple[int, str]]:
    titles = []
    for item in items:
        if isinstance(item, list):
            titles += outline_titles(item, depth + 1)
        else:
            titles.append((depth, item.title))
    return titles


# --------------------------------------------------------------------------


def test_the_outline_lists_every_part_and_chapter_in_toc_order():
    import yaml

    outline = outline_titles(reader().outline)
    captions = [part["caption"] for part in yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]]
    assert [title for depth, title in outline if depth == 0] == ["Contents", "About this book", *captions]
    wanted = [built_title(p) for p in CHAPTERS]
    got = [title for depth, title in outline if depth == 1]
    assert [t for t in got if t in wanted] == wanted, "chapters missing from the outline, or out of order"
    assert "Answers and solutions" in [title for depth, title in outline if depth == 2]


def test_chapters_are_numbered_and_start_on_their_own_page_with_their_title():
    numbered = [p for p in CHAPTERS if re.match(r"\d+\. ", built_title(p))]
    assert len(numbered) >= 17, "the parts' chapters carry their numbers"
    for docname in CHAPTERS:
        first = chapter_pages(docname)[0]
        assert squeeze(built_title(docname)) in squeeze(page_text(first)), docname


def test_the_contents_give_each_chapters_page():
    import yaml

    contents = page_text(1)
    assert contents.startswith("Contents")
    captions = [part["caption"] for part in yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]]
    parts = iter(captions)
    expected = f"About this book {destinations()['index'] + 1}"
    for docname in CHAPTERS:
        part = next((p for p in PARTS if PARTS[p][0] == docname), None)
        if part is not None:
            expected += f" {next(parts)} {destinations()[part] + 1}"
        expected += f" {built_title(docname)} {chapter_pages(docname)[0] + 1}"
    assert squeeze(expected) in squeeze(contents)


def test_the_page_count_is_plausible():
    pages = len(reader().pages)
    assert 8 * len(CHAPTERS) <= pages <= 1500, pages
    assert all(len(chapter_pages(p)) >= 2 for p in CHAPTERS if p not in ("book/references",))


def test_every_internal_link_lands_on_a_page_and_no_reference_is_unresolved():
    """Cross-references (figures, equations, sections, glossary, citations) are links inside the PDF."""
    names = set(destinations())
    links = 0
    for page in reader().pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link" or "/Dest" not in annotation:
                continue
            links += 1
            assert str(annotation["/Dest"]).lstrip("/") in names, annotation["/Dest"]
    assert links > 500
    from bs4 import BeautifulSoup

    document = BeautifulSoup(DOCUMENT.read_text(encoding="utf-8"), "html.parser")
    assert "??" not in document.get_text()
    ids = {element["id"] for element in document.find_all(id=True)}
    dangling = [a["href"] for a in document.select('a[href^="#"]') if a["href"][1:] not in ids]
    assert not dangling
    assert len(document.select("span.eqno")) >= 5, "numbered equations keep their numbers"
    assert not document.select("a.reference.internal[href$='.html']"), "a link still points at a page of the site"


def test_every_font_is_embedded():
    fonts = {}
    for page in reader().pages:
        for name, font in ((page.get("/Resources") or {}).get("/Font") or {}).items():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            embedded = font.get("/Subtype") == "/Type3" or (
                descriptor is not None
                and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            )
            fonts[str(font.get("/BaseFont", name))] = embedded
    assert fonts
    assert all(fonts.values()), [name for name, embedded in fonts.items() if not embedded]


def test_the_worked_numbers_are_printed_as_text():
    bce = f"{losses.binary_cross_entropy([1.0], [0.1]):.2f}"
    assert bce == "2.30"
    assert bce in text_of("book/loss-functions")
    assert f"{scratch.count_parameters([784, 16, 16, 10]):,}" in text_of("book/neurons-and-networks")


def test_every_glossary_term_is_in_the_printed_glossary():
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((bookdata.HTML / "book" / "glossary.html").read_text(encoding="utf-8"), "html.parser")
    terms = [" ".join(dt.get_text(" ", strip=True).rstrip("#").split()) for dt in soup.select("dl.glossary dt")]
    assert len(terms) >= 20
    glossary = squeeze(text_of("book/glossary"))
    missing = [term for term in terms if squeeze(term) not in glossary]
    assert not missing


def test_the_bibliography_is_printed():
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((bookdata.HTML / "book" / "references.html").read_text(encoding="utf-8"), "html.parser")
    labels = [label.get_text(strip=True).strip("[]") for label in soup.select("div.citation > span.label")]
    assert len(labels) >= 20
    printed = squeeze(text_of("book/references"))
    assert [label for label in labels if squeeze(label) not in printed] == []


def test_solutions_are_in_the_answers_at_the_end_of_their_chapter():
    names = destinations()
    solutions = [n for n in names if re.search(r"-solution-\d+$", n)]
    assert len(solutions) >= 50
    for docname in CHAPTERS:
        tag = docname.rsplit("/", 1)[-1]
        pages = chapter_pages(docname)
        mine = [names[n] for n in solutions if n.startswith(f"{tag}--")]
        exercises = [names[n] for n in names if n.startswith(f"{tag}--") and re.search(r"-ex-[\w-]+$", n)]
        if not mine:
            continue
        assert exercises, docname
        assert all(page in pages for page in mine), f"{docname}: a solution is outside its chapter"
        assert min(mine) > max(exercises), f"{docname}: a solution is printed on the page of an exercise"
        assert "Answers and solutions" in page_text(min(mine)), f"{docname}: the first solution opens the answers"
    first = destinations()["loss-functions--lf-ex-bce-hand"]
    answer = next(names[n] for n in solutions if n.startswith("loss-functions--"))
    assert "Exercise 4.1" in page_text(first)
    assert "Solution to Exercise 4.1" in page_text(answer)
    assert not any("Solution to Exercise 4.1" in page_text(n) for n in range(first, answer))
