"""Every page of the book, as a reader's browser shows it, at 1280 and 390 px.

Each page is opened once per width (see ``page_report``); the tests below
then check what that visit recorded, so a failure names the page, the width
and the assertion. The visit also saves a full-page screenshot to
``_build/screenshots/<page>-<width>.png``, and the session writes
``_build/browser-report.json``: per page and width, the bytes transferred
from this uncompressing test server and what a gzip-compressing host would
send, the number of requests, and the axe-core counts by impact.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from browsing import AXE_JS, DESKTOP, PHONE, ROOT, SCREENSHOTS, new_visit, page_id, script, settle, toc_file, toc_paths

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
# Generated pages that are not in the toc but every reader meets.
EXTRA_PAGES = ["search.html", "genindex.html"]


@functools.cache
def _gzipped_file_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def gzipped_size(html_dir: Path, url: str) -> int:
    """What a server that compresses (GitHub Pages does) sends for ``url``."""
    local = html_dir / unquote(urlparse(url).path).lstrip("/")
    if local.is_dir():
        local = local / "index.html"
    return _gzipped_file_size(local) if local.is_file() else 0


def all_pages(toc_pages: list[str]) -> list[str]:
    return toc_pages + EXTRA_PAGES


@pytest.fixture(scope="session")
def report():
    """Per-page numbers written to _build/browser-report.json at the end."""
    data: dict[str, dict] = {}
    yield data
    if data:
        out = ROOT / "_build" / "browser-report.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(dict(sorted(data.items())), indent=2) + "\n")


@pytest.fixture(scope="session")
def page_report(browser, site_url, html_dir, report):
    """``page_report(path, width_name)``: visit once, check later (cached)."""
    cache: dict[tuple[str, str], dict] = {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):  # no stale pictures of removed pages
        old.unlink()

    def _report(path: str, width_name: str) -> dict:
        key = (path, width_name)
        if key in cache:
            return cache[key]
        if not (html_dir / path).is_file():
            pytest.fail(f"{path} is listed in _toc.yml but was not built", pytrace=False)
        visit = new_visit(browser, site_url, path, width=WIDTHS[width_name])
        try:
            page = visit.page
            shot = SCREENSHOTS / f"{page_id(path)}-{width_name}.png"
            page.screenshot(path=str(shot), full_page=True)
            solutions_on_load = page.evaluate(script("solutions"))
            page.evaluate(script("expand"))
            settle(page)
            data = page.evaluate(script("collect"))
            data["solutions"] = {"on_load": solutions_on_load, "after_click": page.evaluate(script("solutions"))}
            data["axe"] = None
            if width_name == "desktop":
                page.add_script_tag(path=str(AXE_JS))
                data["axe"] = page.evaluate(script("axe_run"))
            data["problems"] = visit.problems()
        finally:
            visit.close()
        data["url"] = visit.url
        cache[key] = data
        entry = report.setdefault(path, {})
        entry[f"{width_name}_bytes"] = data["bytes"]
        sizes = [d["fontPx"] for d in data["diagrams"] if d["fontPx"]]
        if sizes:
            entry[f"{width_name}_smallest_diagram_text_px"] = round(min(sizes), 1)
        entry[f"{width_name}_gzip_bytes"] = sum(gzipped_size(html_dir, url) for url in data.pop("resources"))
        entry[f"{width_name}_requests"] = data["requests"]
        if data["axe"] is not None:
            entry["axe"] = {
                impact: sum(v["nodes"] for v in data["axe"] if v["impact"] == impact)
                for impact in ("critical", "serious", "moderate", "minor")
            }
            entry["axe_rules"] = sorted({f"{v['id']} ({v['impact']})" for v in data["axe"]})
        return data

    return _report


def pytest_generate_tests(metafunc):
    if "site_page" not in metafunc.fixturenames:
        return
    pages = all_pages(toc_paths(toc_file()))
    if "width_name" in metafunc.fixturenames:
        pairs = [(p, w) for p in pages for w in WIDTHS]
        metafunc.parametrize("site_page,width_name", pairs, ids=[f"{page_id(p)}-{w}" for p, w in pairs])
    else:
        metafunc.parametrize("site_page", pages, ids=[page_id(p) for p in pages])


def where(data: dict, width_name: str) -> str:
    return f"{data['url']} at {WIDTHS[width_name]} px"


def test_no_console_or_page_errors(page_report, site_page, width_name):
    data = page_report(site_page, width_name)
    errors = [p for p in data["problems"] if p.startswith(("console error", "page error"))]
    assert not errors, f"{where(data, width_name)}: " + "; ".join(errors)


def test_no_failed_or_offhost_requests(page_report, site_page, width_name):
    data = page_report(site_page, width_name)
    bad = [p for p in data["problems"] if p.startswith(("failed request", "request to another"))]
    assert not bad, f"{where(data, width_name)}: " + "; ".join(bad)


def test_every_diagram_is_an_svg_with_text(page_report, site_page, width_name):
    data = page_report(site_page, width_name)
    bad = [d for d in data["diagrams"] if not (d["svg"] and d["text"])]
    assert not bad, (
        f"{where(data, width_name)}: {len(bad)} of {len(data['diagrams'])} "
        f"diagrams are not an svg with text: " + "; ".join(f"#{d['index']} {d['source']!r}" for d in bad)
    )


def test_every_formula_is_typeset(page_report, site_page, width_name):
    data = page_report(site_page, width_name)
    raw = [m["source"] for m in data["maths"] if not m["rendered"]]
    errors = [f"{m['source']!r}: {m['error']}" for m in data["maths"] if m["error"]]
    missing = [f"{m['source']!r}: {m['missingGlyphs']} of {m['glyphs']}" for m in data["maths"] if m["missingGlyphs"]]
    assert not raw, f"{where(data, width_name)}: maths not shown as an svg: {raw[:5]}"
    assert not errors, f"{where(data, width_name)}: MathJax errors: {errors[:5]}"
    assert not missing, f"{where(data, width_name)}: formulas drawing glyphs the page does not define: {missing[:5]}"


def test_every_image_loads_and_has_alt_text(page_report, site_page, width_name):
    data = page_report(site_page, width_name)
    broken = [i["src"] for i in data["imgs"] if i["width"] == 0]
    no_alt = [i["src"] for i in data["imgs"] if not i["alt"]]
    assert not broken, f"{where(data, width_name)}: images that did not load: {broken}"
    assert not no_alt, f"{where(data, width_name)}: images without alt text: {no_alt}"


def test_no_horizontal_overflow_on_a_phone(page_report, site_page):
    data = page_report(site_page, "phone")
    assert data["scrollWidth"] <= data["viewport"] + 1, (
        f"{where(data, 'phone')}: the page is {data['scrollWidth']} px wide in a {data['viewport']} px viewport"
    )
    assert not data["sticking"], (
        f"{where(data, 'phone')}: content sticks out of the screen (cut off, not scrollable): {data['sticking']}"
    )


def test_solutions_are_hidden_on_load_and_shown_by_a_click(page_report, site_page, width_name):
    data = page_report(site_page, width_name)
    shown = [s["id"] for s in data["solutions"]["on_load"] if s["visible"]]
    hidden = [s["id"] for s in data["solutions"]["after_click"] if not s["visible"]]
    assert not shown, f"{where(data, width_name)}: solutions visible before a click: {shown}"
    assert not hidden, f"{where(data, width_name)}: solutions still hidden after a click: {hidden}"


def test_no_serious_accessibility_violations(page_report, site_page):
    data = page_report(site_page, "desktop")
    serious = [v for v in data["axe"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{where(data, 'desktop')}: axe-core found " + "; ".join(
        f"{v['id']} ({v['impact']}, {v['nodes']} nodes, e.g. {v['targets'][:2]}): {v['help']}" for v in serious
    )
