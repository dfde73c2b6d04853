"""Print the whole book as one PDF (``make pdf``).

Usage (from the repository root, inside .venv, after ``make book``)::

    python tools/pdf.py              # _build/pdf/deep-learning-step-by-step.pdf, and a copy in _build/html

The PDF is printed by Chromium from the site the build already made, so it
shows exactly what the pages show (executed code and outputs, equations
typeset at build time, diagrams, exercises, glossary, bibliography) with no TeX:

1. **Assemble.** The main article of every page in ``_toc.yml`` order goes
   into one print document, ``_build/pdf/book.html``: a title page, the
   contents, the front page, then each part and its chapters. Links between
   pages become links inside the document (every id gets its page's name as
   a prefix, so ids stay unique); links to pages outside the book lose their
   link. Each chapter's exercise solutions move to an "Answers and
   solutions" section at its end, and the exercise links to its solution.
   Answer boxes, hidden plumbing cells and the code of figure cells
   (``hide-input``) are left out; their outputs stay.
2. **Print.** Chromium opens the document from a local server (nothing is
   fetched from another host: such a request fails the run), waits until
   the fonts are in and every diagram is drawn, and prints it on A4 with
   page numbers, a PDF outline (parts, chapters, sections: Chromium's,
   renamed with the headings' own text) and tags.
3. **Page numbers in the contents.** The first printing tells on which page
   each chapter starts (the PDF's named destinations); they are written into
   the contents and the document is printed again, until the numbers agree.

The styles for paper are ``book/_static/print.css``. Chromium is
``CHROMIUM`` or ``/usr/bin/chromium``.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import logging
import os
import posixpath
import re
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from pypdf import PdfReader
from sphinx_external_toc.parsing import parse_toc_yaml

from dlbook.sphinx import browser
from dlbook.sphinx.pdf import PDF_NAME

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
OUT = BUILD / "pdf"
#: The styles for paper, copied beside the print document.
PRINT_CSS = ROOT / "book" / "_static" / "print.css"
CHROMIUM_ARGS = list(browser.ARGS)
#: A4 with these margins; the footer (page number) sits in the bottom one.
MARGIN = {"top": "18mm", "bottom": "20mm", "left": "18mm", "right": "18mm"}
FOOTER = '<div style="width:100%;font-size:8pt;text-align:center;color:#555"><span class="pageNumber"></span></div>'
#: Content width of an A4 page with MARGIN, in CSS pixels (diagrams are laid out at the printed width).
PAGE_WIDTH_PX = round((210 - 36) / 25.4 * 96)
#: How long the document may take to typeset and draw (a full book: about a minute on a slow machine).
READY_TIMEOUT_S = 600


# --------------------------------------------------------------------------
# The book's structure


@dataclass
class Part:
    caption: str  # "" for the front page
    docnames: list[str]


def book_parts(toc: Path) -> tuple[str, list[Part]]:
    """The root page and the parts of a jb-book ``_toc.yml``, in reading order."""
    site_map = parse_toc_yaml(str(toc))
    root = site_map.root.docname
    parts = [
        Part(tree.caption or "", [d for d in tree.items if isinstance(d, str)]) for tree in site_map[root].subtrees
    ]
    return root, parts


def slug(docname: str) -> str:
    """``book/loss-functions`` -> ``loss-functions``: the prefix of the page's ids in the print document."""
    return docname.rsplit("/", 1)[-1]


def anchor(docname: str, fragment: str = "") -> str:
    return f"{slug(docname)}--{fragment}" if fragment else slug(docname)


# --------------------------------------------------------------------------
# 1. Assemble


def read_article(docname: str, html_dir: Path) -> tuple[BeautifulSoup, Tag]:
    path = html_dir / f"{docname}.html"
    if not path.is_file():
        raise SystemExit(f"error: {path.relative_to(ROOT)} is missing: build the site first (make book)")
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article")
    if article is None:
        raise SystemExit(f"error: {path.relative_to(ROOT)} has no article.bd-article (theme changed?)")
    return soup, article


def site_path(docname: str, url: str) -> str:
    """A relative URL of page ``docname`` as a path from the site's root (``../_images/a.png`` -> ``_images/a.png``)."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(docname), url))


def from_print_document(path: str, html_dir: Path) -> str:
    """A site path as seen from the print document in ``_build/pdf``."""
    return posixpath.join(os.path.relpath(html_dir, OUT).replace(os.sep, "/"), path)


def strip_for_print(article: Tag) -> None:
    """Leave out what only makes sense on screen."""
    selectors = [
        ".headerlink",
        ".dlbook-answer",  # answer boxes: the exercise's text is the question
        "div.cell.tag_hide-cell",  # hidden plumbing cells (glue, checks)
        "div.cell.tag_hide-input > details.hide",  # the code that draws a figure; its output stays
        "script",
        "button",
        ".toctree-wrapper",
    ]
    for selector in selectors:
        for element in article.select(selector):
            element.decompose()
    for details in article.find_all("details"):
        details["open"] = ""


def move_solutions(article: Tag, soup: BeautifulSoup, docname: str) -> int:
    """Move each solution to "Answers and solutions" at the end of the chapter; the exercise links to it."""
    solutions = article.select("div.solution")
    if not solutions:
        return 0
    answers = soup.new_tag("section", attrs={"class": "print-answers", "id": anchor(docname, "answers-and-solutions")})
    heading = soup.new_tag("h2")
    heading.string = "Answers and solutions"
    answers.append(heading)
    for solution in solutions:
        answers.append(solution.extract())
        link = solution.select_one(".admonition-title a[href^='#']")
        exercise = article.find(id=link["href"][1:]) if link else None
        if exercise is None:
            raise SystemExit(f"error: {docname}: a solution does not link to its exercise: {solution.get('id')}")
        note = soup.new_tag("p", attrs={"class": "print-solution-link"})
        to_solution = soup.new_tag("a", attrs={"href": f"#{solution['id']}"})
        to_solution.string = "Solution: in Answers and solutions, at the end of this chapter"
        note.append(to_solution)
        exercise.append(note)
    chapter = article.find("section") or article
    chapter.append(answers)
    return len(solutions)


def relink(article: Tag, docname: str, docnames: set[str], html_dir: Path) -> None:
    """Make every id unique in the print document and every link point inside it (or to the site's files)."""
    for element in article.find_all(id=True):
        element["id"] = anchor(docname, element["id"])
    for glyph in article.find_all("use", href=True):  # typeset maths draws the glyphs its page defines once
        glyph["href"] = f"#{anchor(docname, glyph['href'][1:])}"
    for link in article.find_all("a", href=True):
        href = link["href"]
        if re.match(r"^[a-z][a-z0-9+.-]*:", href):  # http:, https:, mailto: stay as they are
            continue
        path, _, fragment = href.partition("#")
        target = posixpath.splitext(site_path(docname, path))[0] if path else docname
        if target in docnames:
            link["href"] = f"#{anchor(target, fragment)}"
        else:
            link.unwrap()  # another file of the site (a download, the index): no page of the book
    for element in article.find_all(src=True):
        if not re.match(r"^[a-z][a-z0-9+.-]*:", element["src"]):
            element["src"] = from_print_document(site_path(docname, element["src"]), html_dir)


def shift_headings(article: Tag) -> None:
    """h1 -> h2 and so on: inside a part, the part's title is the h1 (it nests chapters in the PDF outline)."""
    for heading in article.find_all(["h1", "h2", "h3", "h4", "h5"]):
        heading.name = f"h{int(heading.name[1]) + 1}"


def head_of(soup: BeautifulSoup, docname: str, html_dir: Path) -> tuple[list[str], str | None]:
    """The stylesheets of a built page, and the site's mermaid module (if it draws in the page)."""
    head = []
    for element in soup.head.find_all(["link", "script"]):
        if element.name == "link" and "stylesheet" in element.get("rel", []):
            element["href"] = from_print_document(site_path(docname, element["href"].split("?")[0]), html_dir)
            head.append(str(element))
    mermaid = None
    for script in soup.find_all("script", type="module"):
        found = re.search(r'import mermaid from "([^"]+)"', script.string or "")
        if found:
            mermaid = from_print_document(site_path(docname, found.group(1)), html_dir)
    return head, mermaid


#: Runs in the print document: draw any diagram the site draws in the browser, then wait for
#: the fonts, and say so in ``window.dlbookPrintReady`` (the maths is typeset at build time).
READY_SCRIPT = """
const MERMAID = %s;
try {
  const diagrams = [...document.querySelectorAll("pre.mermaid")];
  if (diagrams.length) {
    if (!MERMAID) throw new Error("the pages have mermaid diagrams but no mermaid script");
    const { default: mermaid } = await import(MERMAID);
    mermaid.initialize({ startOnLoad: false, theme: "default" });
    await mermaid.run({ nodes: diagrams });
  }
  await document.fonts.ready;
  window.dlbookPrintReady = {
    diagrams: document.querySelectorAll("pre.mermaid svg, .mermaid svg").length,
    undrawn: [...document.querySelectorAll("pre.mermaid")].filter((el) => !el.querySelector("svg")).length,
    mathErrors: document.querySelectorAll('g[data-mml-node="merror"]').length,
  };
} catch (error) {
  window.dlbookPrintReady = { error: String(error) };
}
"""


def chapter_title(article: Tag) -> str:
    heading = article.find("h1")
    return " ".join(heading.get_text(" ", strip=True).split()) if heading else ""


def assemble(toc: Path, html_dir: Path) -> tuple[str, dict[str, str], int]:
    """The print document, the chapters' titles by anchor, and the number of solutions moved."""
    root, parts = book_parts(toc)
    docnames = {root} | {d for part in parts for d in part.docnames}
    soup, front = read_article(root, html_dir)
    head, mermaid = head_of(read_article(parts[0].docnames[0], html_dir)[0], parts[0].docnames[0], html_dir)
    title = soup.title.get_text().split(" — ")[-1].strip() if soup.title else "Deep Learning, Step by Step"

    body: list[str] = []
    titles: dict[str, str] = {}
    toc_entries: list[str] = []
    solutions = 0

    def toc_entry(target: str, text: str, kind: str) -> str:
        text = html.escape(text)
        return (
            f'<li class="print-toc-{kind}"><a href="#{target}"><span class="print-toc-title">{text}</span>'
            f'<span class="print-toc-page" data-target="{target}"></span></a></li>'
        )

    strip_for_print(front)
    relink(front, root, docnames, html_dir)
    heading = front.find("h1")
    if heading is not None:
        heading.string = "About this book"
    titles[slug(root)] = "About this book"
    toc_entries.append(toc_entry(slug(root), "About this book", "front"))
    body.append(f'<section class="print-front" id="{slug(root)}">{front.decode_contents()}</section>')

    for number, part in enumerate(parts, start=1):
        part_id = f"print-part-{number}"
        titles[part_id] = part.caption
        toc_entries.append(toc_entry(part_id, part.caption, "part"))
        body.append(f'<section class="print-part" id="{part_id}"><h1>{html.escape(part.caption)}</h1></section>')
        for docname in part.docnames:
            page, article = read_article(docname, html_dir)
            strip_for_print(article)
            solutions += move_solutions(article, page, docname)
            relink(article, docname, docnames, html_dir)
            name = chapter_title(article)
            shift_headings(article)
            titles[slug(docname)] = name
            toc_entries.append(toc_entry(slug(docname), name, "chapter"))
            body.append(
                f'<section class="print-chapter" id="{slug(docname)}">'
                f'<article class="bd-article">{article.decode_contents()}</article></section>'
            )

    document = f"""<!DOCTYPE html>
<html lang="en" data-theme="light" data-mode="light">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
{chr(10).join(head)}
<link rel="stylesheet" href="{PRINT_CSS.name}">
<script type="module">{READY_SCRIPT % (f'"{mermaid}"' if mermaid else "null")}</script>
</head>
<body>
<section class="print-title-page">
  <p class="print-title">{html.escape(title)}</p>
  <p class="print-subtitle">How neural networks compute, learn and are trained: a textbook for scientists</p>
  <p class="print-authors">The Deep Learning, Step by Step authors</p>
  <p class="print-date">Printed from the built book on {time.strftime("%d %B %Y")}.
  Every number and figure was computed by the code shown.</p>
  <p class="print-license">Text and figures: CC BY 4.0. Code: MIT License.</p>
</section>
<nav class="print-toc" id="print-contents"><h1>Contents</h1><ol>{"".join(toc_entries)}</ol></nav>
<main class="bd-main"><div class="bd-content">
{chr(10).join(body)}
</div></main>
</body>
</html>
"""
    return document, titles, solutions


# --------------------------------------------------------------------------
# 2. Print


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on 127.0.0.1 (module scripts and fonts do not load from file:// URLs)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def start_pages(reader: PdfReader, anchors: list[str]) -> dict[str, int]:
    """The page (from 1) on which each anchor lands, from the PDF's named destinations."""
    destinations = {name.lstrip("/"): dest for name, dest in reader.named_destinations.items()}
    return {
        name: reader.get_destination_page_number(destinations[name]) + 1 for name in anchors if name in destinations
    }


#: The text of every heading the document shows, in order: the entries of the PDF's outline.
HEADINGS_JS = """() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
  .filter((heading) => heading.getClientRects().length > 0)
  .map((heading) => {
    const copy = heading.cloneNode(true);  // typeset maths: its TeX (the svg's name), not its drawing
    copy.querySelectorAll("mjx-container").forEach((math) => {
      const svg = math.querySelector("svg");
      math.replaceWith(svg ? svg.getAttribute("aria-label") || "" : "");
    });
    return copy.textContent.replace(/\\s+/g, " ").trim();
  })"""


def retitle_outline(pdf: Path, headings: list[str]) -> None:
    """Give the outline's entries their headings' text.

    Chromium builds the outline from the headings, but takes their text from
    the laid-out lines: a heading that wraps loses the space at the break, and
    one laid out twice (moved to the next page) is named twice.
    """
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=str(pdf))
    entries = []

    def walk(node) -> None:
        while node is not None:
            node = node.get_object()
            entries.append(node)
            walk(node.get("/First"))
            node = node.get("/Next")

    outlines = writer.root_object.get("/Outlines")
    walk(outlines.get_object().get("/First") if outlines else None)
    if len(entries) != len(headings):
        raise SystemExit(f"error: the PDF's outline has {len(entries)} entries for {len(headings)} headings")
    for entry, heading in zip(entries, headings, strict=True):
        entry[NameObject("/Title")] = TextStringObject(heading)
    writer.write(pdf)


def print_document(document: Path, pdf: Path, anchors: list[str], chromium: str) -> dict:
    """Print ``document`` to ``pdf``; fill the contents' page numbers and print again until they hold."""
    from playwright.sync_api import sync_playwright

    server, base = serve(BUILD)
    offhost: list[str] = []
    problems: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": PAGE_WIDTH_PX, "height": 1100}, color_scheme="light")

            def route(request_route):
                url = request_route.request.url
                if url.startswith((base + "/", "data:", "blob:")):
                    request_route.continue_()
                else:
                    offhost.append(url)
                    request_route.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status} {r.url}"))
            started = time.time()
            page.goto(f"{base}/{document.relative_to(BUILD).as_posix()}", wait_until="load", timeout=120_000)
            page.wait_for_function("() => window.dlbookPrintReady !== undefined", timeout=READY_TIMEOUT_S * 1000)
            ready = page.evaluate("() => window.dlbookPrintReady")
            typeset_s = time.time() - started
            if ready.get("error") or ready.get("undrawn") or ready.get("mathErrors"):
                raise SystemExit(f"error: the print document did not render: {ready}")
            if offhost or problems:
                raise SystemExit("error: " + "; ".join(offhost[:5] + problems[:5]))
            page.emulate_media(media="print")
            numbers: dict[str, int] = {}
            printings = 0
            while printings < 4:
                printings += 1
                page.pdf(
                    path=str(pdf),
                    format="A4",
                    margin=MARGIN,
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=FOOTER,
                    outline=True,
                    tagged=True,
                )
                found = start_pages(PdfReader(pdf), anchors)
                if found == numbers:
                    break
                numbers = found
                page.evaluate(
                    """(numbers) => document.querySelectorAll(".print-toc-page").forEach((el) => {
                         el.textContent = numbers[el.dataset.target] || "";
                       })""",
                    numbers,
                )
            else:
                raise SystemExit(f"error: the contents' page numbers did not settle after {printings} printings")
            retitle_outline(pdf, page.evaluate(HEADINGS_JS))
            browser.close()
    finally:
        server.shutdown()
    missing = [a for a in anchors if a not in numbers]
    if missing:
        raise SystemExit(f"error: no page found for {missing} in the PDF")
    return {"typeset_s": typeset_s, "printings": printings, **ready}


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about Chromium's trailer size, harmlessly
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-site-copy", action="store_true", help="do not copy the PDF into _build/html")
    args = parser.parse_args(argv)
    start = time.time()
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists() and not shutil.which(chromium):
        print(f"error: Chromium not found at {chromium}; set CHROMIUM=/path/to/chromium", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    document, titles, solutions = assemble(ROOT / "_toc.yml", HTML)
    book = OUT / "book.html"
    book.write_text(document, encoding="utf-8")
    shutil.copyfile(PRINT_CSS, OUT / PRINT_CSS.name)
    pdf = OUT / PDF_NAME
    result = print_document(book, pdf, list(titles), chromium)
    pages = len(PdfReader(pdf).pages)
    if not args.no_site_copy:
        shutil.copyfile(pdf, HTML / PDF_NAME)
    print(
        f"book pdf ok: {pdf.relative_to(ROOT)}, {pages} pages, {len(titles)} parts and chapters, "
        f"{solutions} solutions in the answers, {result['diagrams']} diagrams drawn in the browser; "
        f"typeset in {result['typeset_s']:.1f} s, printed {result['printings']} times; {time.time() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
