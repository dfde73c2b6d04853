"""How heavy each page is on its first load, against the book's budget.

Every page of the book is opened in a fresh browser context (nothing cached)
at desktop size, and every response that arrives until the page has loaded
and typeset is counted: bytes as served (uncompressed), bytes gzipped (each
body compressed here, as a server with gzip would send it) and requests.
The budget is quoted in the appendix "How this book was built", and a test
checks that the page quotes the same numbers as :data:`BUDGET`.

It also times how long the heaviest page takes from navigation until its
maths and diagrams are final, against the same page made the way the site
first served it (:func:`typeset_in_the_browser`: every formula as TeX for
MathJax and every diagram as mermaid code, both run in the browser from the
pinned ``node_modules``). The two are opened in turn, five times each, so that
a busy machine slows both; the best of each must differ by at least half.
"""

from __future__ import annotations

import gzip
import html
import re

import pytest

from browsing import ROOT, new_visit, serve

pytestmark = pytest.mark.browser

#: Per page, first load: bytes as served, bytes gzipped, requests: the budget
#: the book promises. Unused style rules are removed at build time
#: (dlbook.sphinx.stylesheets) and the hover tips load on first use
#: (dlbook.sphinx.tips); the heaviest page of 2 December 2026 (gradient
#: descent) loads about 824 KB, 181 KB gzipped, in 23 requests.
BUDGET = {"bytes": 1_000_000, "gzip_bytes": 400_000, "requests": 30}

APPENDIX = ROOT / "book" / "how-this-book-was-built.md"

#: Resolves when the page's maths is typeset, its diagrams drawn and its fonts
#: in, with the time since navigation started (ms). Maths and diagrams made at
#: build time are final when they arrive; on an older site, maths typeset in the
#: browser (MathJax) and diagrams drawn there (mermaid) count once they hold an
#: svg or MathJax's output.
FINAL_JS = """
async () => {
  const pending = () =>
    [...document.querySelectorAll('.math')].some(el => !el.querySelector('mjx-container')) ||
    [...document.querySelectorAll('pre.mermaid')].some(el => el.offsetParent && !el.querySelector('svg'));
  while (pending() && performance.now() < 60000) await new Promise(r => setTimeout(r, 20));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
  return performance.now();
}
"""


def weigh(browser, site_url: str, path: str) -> dict:
    """Load ``path`` once with an empty cache; what came over the wire."""
    finished = []
    bodies: list[tuple[str, bytes]] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        page = context.new_page()
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(site_url + path, wait_until="load")
        page.evaluate(FINAL_JS)
        page.wait_for_load_state("networkidle")
        for request in finished:
            response = request.response()
            try:
                bodies.append((request.url, response.body() if response else b""))
            except Exception:  # noqa: BLE001 - no body kept (a redirect): the request still counts
                bodies.append((request.url, b""))
    finally:
        context.close()
    return {
        "bytes": sum(len(body) for _, body in bodies),
        "gzip_bytes": sum(len(gzip.compress(body, 6)) for _, body in bodies),
        "requests": len(bodies),
        "largest": sorted(((len(body), url) for url, body in bodies), reverse=True)[:5],
    }


def time_to_final(browser, site_url: str, path: str) -> float:
    visit = new_visit(browser, site_url, path, wait=False)
    try:
        return visit.page.evaluate(FINAL_JS)
    finally:
        visit.close()


def time_to_final_page(browser, site_url: str, path: str) -> str:
    """The text of the page's article once its maths and diagrams are final."""
    visit = new_visit(browser, site_url, path, wait=False)
    try:
        visit.page.evaluate(FINAL_JS)
        return visit.page.inner_text("article")
    finally:
        visit.close()


def test_every_page_is_within_the_budget_on_first_load(browser, site_url, toc_pages):
    failures, rows = [], []
    for path in toc_pages:
        weight = weigh(browser, site_url, path)
        rows.append((path, weight))
        over = [f"{key} {weight[key]:,} > {limit:,}" for key, limit in BUDGET.items() if weight[key] > limit]
        if over:
            failures.append(f"{path}: {', '.join(over)}; largest: {weight['largest']}")
    print("\npage weight on first load (bytes, gzipped bytes, requests):")
    for path, weight in rows:
        print(f"  {path:45} {weight['bytes']:>10,} {weight['gzip_bytes']:>9,} {weight['requests']:>4}")
    assert not failures, "\n".join(failures)


#: Formulas typeset at build time, with their TeX in ``aria-label``.
MATHS = re.compile(
    r'<mjx-container jax="SVG"(?P<display> display="true")?>.*?aria-label="(?P<tex>[^"]*)".*?</mjx-container>', re.S
)
GLYPHS = re.compile(r'<svg class="dlbook-glyphs".*?</svg>', re.S)
DIAGRAM = re.compile(r'<figure class="dlbook-diagram">.*?</figure>', re.S)
MERMAID_SOURCE = re.compile(r"^```\{mermaid\}[^\n]*\n(?P<code>.*?)^```", re.S | re.M)
#: MathJax configured as Sphinx and myst-nb configured it (notebook pages mark
#: their body ``mathjax_ignore``; the formulas, ``math``, are typeset).
IN_THE_BROWSER = """
<script>window.MathJax = {tex: {inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]]},
  svg: {fontCache: "global"},
  options: {processHtmlClass: "tex2jax_process|mathjax_process|math|output_area",
            ignoreHtmlClass: "tex2jax_ignore|mathjax_ignore|document"}};</script>
<script defer src="/_in-browser/mathjax/tex-svg.js"></script>
<script defer src="/_in-browser/mermaid/mermaid.min.js"></script>
</head>"""


def typeset_in_the_browser(page: str, chapter_source: str) -> str:
    """``page`` as the site first served it: MathJax and mermaid draw its formulas and diagrams in the browser."""

    def as_tex(match: re.Match) -> str:
        tex = match["tex"]  # still escaped for HTML, as it must be inside the page
        return f"\\[{tex}\\]" if match["display"] else f"\\({tex}\\)"

    codes = [
        "\n".join(line for line in m["code"].splitlines() if not line.startswith(":"))
        for m in MERMAID_SOURCE.finditer(chapter_source)
    ]
    figures = DIAGRAM.findall(page)
    assert len(figures) == len(codes), f"{len(figures)} diagrams in the page, {len(codes)} in its source"
    for figure, code in zip(figures, codes):
        page = page.replace(figure, f'<pre class="mermaid">{html.escape(code)}</pre>', 1)
    page = GLYPHS.sub("", MATHS.sub(as_tex, page))
    return page.replace("</head>", IN_THE_BROWSER, 1)


def test_maths_and_diagrams_are_final_in_at_most_half_the_time_of_drawing_them_in_the_browser(
    browser, site_url, html_dir, toc_pages, tmp_path
):
    heaviest = max(toc_pages, key=lambda p: weigh(browser, site_url, p)["bytes"])
    source = (ROOT / heaviest).with_suffix(".md").read_text(encoding="utf-8")
    old = typeset_in_the_browser((html_dir / heaviest).read_text(encoding="utf-8"), source)
    # The variant beside links to the built site's files, and the two libraries from node_modules.
    for name in ("_static", "_images"):
        (tmp_path / name).symlink_to(html_dir / name)
    (tmp_path / "_in-browser").mkdir()
    (tmp_path / "_in-browser" / "mathjax").symlink_to(ROOT / "node_modules" / "mathjax-full" / "es5")
    (tmp_path / "_in-browser" / "mermaid").symlink_to(ROOT / "node_modules" / "mermaid" / "dist")
    (tmp_path / heaviest).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / heaviest).write_text(old, encoding="utf-8")

    now, then = [], []
    with serve(tmp_path) as old_url:
        assert "\\(" not in time_to_final_page(browser, old_url, heaviest), "MathJax did not typeset the old page"
        for _ in range(5):
            now.append(time_to_final(browser, site_url, heaviest))
            then.append(time_to_final(browser, old_url, heaviest))
    print(
        f"\n{heaviest}: maths and diagrams final after {min(now):.0f} ms (best of 5); "
        f"drawn in the browser: {min(then):.0f} ms (ratio {min(now) / min(then):.2f})"
    )
    assert min(now) <= 0.5 * min(then), f"final after {min(now):.0f} ms, drawn in the browser {min(then):.0f} ms"


def test_the_appendix_quotes_the_budget_the_tests_enforce():
    text = re.sub(r"\s+", " ", APPENDIX.read_text(encoding="utf-8"))
    quoted = re.search(
        r"at most (?P<mb>[\d.]+) MB as served, (?P<kb>\d+) KB gzipped and (?P<requests>\d+) requests", text
    )
    assert quoted, f"{APPENDIX.name} does not quote the page budget"
    assert float(quoted["mb"]) * 1_000_000 == BUDGET["bytes"]
    assert int(quoted["kb"]) * 1_000 == BUDGET["gzip_bytes"]
    assert int(quoted["requests"]) == BUDGET["requests"]
