"""What a reader does on the site: open solutions, search, switch to dark mode,
launch a chapter on Binder, and page through the book."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from urllib.parse import urlparse

import pytest
import yaml
from bs4 import BeautifulSoup
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browsing import AXE_JS, PHONE, ROOT, page_id, script, settle


def pages_containing(html_dir, toc_pages, marker: str) -> list[str]:
    return [p for p in toc_pages if (html_dir / p).is_file() and marker in (html_dir / p).read_text(encoding="utf-8")]


# --- solutions --------------------------------------------------------------
# Every solution on every page is checked in test_pages.py (hidden on load,
# shown after a click); here a real mouse clicks them on the first page.


def test_a_mouse_click_shows_a_hidden_solution(html_dir, toc_pages, open_page):
    pages = pages_containing(html_dir, toc_pages, 'class="solution')
    assert pages, "no page of the book has an exercise solution"
    visit = open_page(pages[0], width=PHONE, wait=False)
    page = visit.page
    before = page.evaluate(script("solutions"))
    assert before and not any(s["visible"] for s in before), f"{visit.url}: {before}"
    for index in range(len(before)):
        page.locator(".solution").nth(index).locator(".toggle-button").click()
    all_shown = f"() => ({script('solutions')})().every(s => s.visible)"
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below names what stayed hidden
        page.wait_for_function(all_shown, timeout=5_000)
    hidden = [s["id"] for s in page.evaluate(script("solutions")) if not s["visible"]]
    assert not hidden, f"{visit.url}: solutions still hidden after a click: {hidden}"


# --- search -----------------------------------------------------------------


def test_search_finds_backpropagation(open_page):
    visit = open_page("search.html?q=backpropagation", wait=False)
    results = visit.page.locator("#search-results ul.search li a")
    try:
        results.first.wait_for(timeout=20_000)
    except Exception:  # noqa: BLE001 - report what the page shows instead
        text = visit.page.locator("#search-results").inner_text()
        pytest.fail(f"{visit.url}: no search results appeared ({text[:200]!r})")
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    chapter = [h for h in hrefs if urlparse(h).path.endswith("/book/backpropagation.html")]
    assert chapter, f"{visit.url}: no result links to book/backpropagation.html; got {hrefs[:10]}"
    assert not visit.problems(), f"{visit.url}: {visit.problems()}"


# --- dark mode --------------------------------------------------------------


def _legible_figure(figure: dict) -> bool:
    """Opaque light corners, or a light background painted behind the image."""

    def light(r, g, b):
        return 0.2126 * r + 0.7152 * g + 0.0722 * b > 200

    if all(c[3] == 255 and light(*c[:3]) for c in figure["corners"]):
        return True
    numbers = [float(v) for v in re.findall(r"[\d.]+", figure["background"])]
    return len(numbers) >= 3 and light(*numbers[:3]) and (len(numbers) == 3 or numbers[3] == 1)


def switch_to_dark(page) -> None:
    for _ in range(3):
        if page.evaluate("document.documentElement.dataset.theme") == "dark":
            return
        page.locator(".theme-switch-button:visible").first.click()
    raise AssertionError("the colour-mode button never switched the page to dark")


def test_dark_mode_switches_theme_and_keeps_diagrams_and_figures_legible(html_dir, toc_pages, open_page):
    with_diagrams = pages_containing(html_dir, toc_pages, 'class="dlbook-diagram"')
    with_figures = pages_containing(html_dir, toc_pages, "<figure")
    assert with_diagrams, "no page of the book has a diagram"
    pages = sorted(set(with_diagrams[:2] + with_figures[:2]), key=toc_pages.index)
    failures = []
    for path in pages:
        visit = open_page(path)
        page = visit.page
        light = page.evaluate(script("contrast", uses=("colour",)))
        switch_to_dark(page)
        settle(page)
        dark = page.evaluate(script("contrast", uses=("colour",)))
        if dark["pageLum"] > 0.2:
            failures.append(f"{visit.url}: dark mode left the page background light")
        for mode, result in (("light", light), ("dark", dark)):
            if result["filtered"]:
                failures.append(
                    f"{visit.url}: a CSS filter changes the diagram colours in {mode} "
                    f"mode, so what the reader sees is not the diagram's colours: "
                    f"{result['filtered'][:3]}"
                )
            poor = [f"{l['label']!r} ({l['ratio']:.1f}:1)" for l in result["labels"] if l["ratio"] < 4.5]
            if poor:
                failures.append(
                    f"{visit.url}: diagram text below 4.5:1 contrast in {mode} mode: " + ", ".join(poor[:5])
                )
        page.add_script_tag(path=str(AXE_JS))
        contrast = page.evaluate(script("axe_contrast"))
        if contrast:
            failures.append(
                f"{visit.url}: text below WCAG AA contrast in dark mode (axe color-contrast): {contrast[:5]}"
            )
        for figure in page.evaluate(script("figures")):
            if not _legible_figure(figure):
                failures.append(
                    f"{visit.url}: figure {figure['src']} has no light background "
                    f"in dark mode (corners {figure['corners']}, "
                    f"background {figure['background']})"
                )
        if visit.problems():
            failures.append(f"{visit.url}: {visit.problems()}")
        visit.close()
    assert not failures, "\n".join(failures)


# --- launch buttons ---------------------------------------------------------


def binder_prefix() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    org_repo = urlparse(repo["url"]).path.strip("/")
    hub = config["launch_buttons"]["binderhub_url"].rstrip("/")
    return f"{hub}/v2/gh/{org_repo}/{repo.get('branch', 'main')}"


def test_launch_menu_offers_binder_for_this_chapter(html_dir, toc_pages, open_page):
    pages = pages_containing(html_dir, toc_pages, "dropdown-launch-buttons")
    assert pages, "no page offers launch buttons (do chapters have a kernelspec?)"
    expected_branch = binder_prefix()
    assert expected_branch.split("/")[-1] == "main", "the book should launch from branch main"
    # Every chapter: the Binder link in its HTML points at its own source.
    wrong = []
    for path in pages:
        soup = BeautifulSoup((html_dir / path).read_text(encoding="utf-8"), "html.parser")
        found = [a["href"] for a in soup.select("a[href*='mybinder']")]
        want = f"{expected_branch}?urlpath=lab/tree/{path.replace('.html', '.md')}"
        if want not in found:
            wrong.append(f"{path}: expected {want}, found {found}")
    assert not wrong, "\n".join(wrong)
    # One chapter in the browser: the menu opens and shows the Binder entry.
    visit = open_page(pages[-1], wait=False)
    page = visit.page
    page.locator(".dropdown-launch-buttons button").first.click()
    binder = page.locator(".dropdown-launch-buttons a[href*='mybinder']").first
    binder.wait_for(state="visible", timeout=5_000)
    assert "Binder" in binder.inner_text(), f"{visit.url}: the Binder entry is unlabelled"


# --- previous / next --------------------------------------------------------


def test_previous_and_next_links_walk_the_book_in_toc_order(site_url, toc_pages, open_page):
    visit = open_page(toc_pages[0], wait=False)
    page = visit.page
    # Only the links matter here: fetch the pages, not their scripts and images.
    page.route("**/*", lambda route: route.continue_() if route.request.resource_type == "document" else route.abort())
    walked = []
    for _ in range(len(toc_pages) + 2):
        here = urlparse(page.url).path.lstrip("/")
        walked.append(here)
        previous = page.locator("a.left-prev")
        expected_previous = toc_pages[len(walked) - 2] if len(walked) > 1 else None
        got_previous = urlparse(previous.first.evaluate("a => a.href")).path.lstrip("/") if previous.count() else None
        assert got_previous == expected_previous, (
            f"{page.url}: 'previous' goes to {got_previous}, expected {expected_previous}"
        )
        following = page.locator("a.right-next")
        if not following.count():
            break
        page.goto(following.first.evaluate("a => a.href"), wait_until="domcontentloaded")
    assert walked == toc_pages, (
        "following 'next' from the first page visits\n  "
        + "\n  ".join(walked)
        + "\nbut _toc.yml lists\n  "
        + "\n  ".join(toc_pages)
    )


# --- bad input --------------------------------------------------------------


def test_missing_chromium_fails_and_says_how_to_install_it(html_dir, toc_pages):
    env = dict(os.environ, CHROMIUM="/nonexistent/chromium")
    test_id = f"tests/browser/test_pages.py::test_no_console_or_page_errors[{page_id(toc_pages[0])}-desktop]"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--no-header", test_id],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "apt-get install -y chromium" in output, output
    assert "skipped" not in output.splitlines()[-1], output


# --- the offline copy -------------------------------------------------------


def test_offline_copy_opened_from_disk_shows_diagrams_and_maths(browser, html_dir, toc_pages):
    """`make bundle` promises a copy that works when index.html is opened
    from disk: diagrams and maths are inline SVG made at build time."""
    pages = pages_containing(html_dir, toc_pages, 'class="dlbook-diagram"')
    assert pages, "no page of the book has a diagram"
    path = pages[0]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        elsewhere = []
        page.on("request", lambda r: r.url.startswith("file:") or elsewhere.append(r.url))
        url = (html_dir / path).resolve().as_uri()
        page.goto(url, wait_until="load")
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('figure.dlbook-diagram > svg')]"
            ".filter(s => s.getBoundingClientRect().width > 0 && s.textContent.trim()).length"
        )
        maths = page.evaluate(
            "() => [document.querySelectorAll('.math').length, document.querySelectorAll('.math mjx-container > svg').length]"
        )
        assert drawn >= 1, f"{url}: no diagram shown from disk"
        assert maths[0] == 0 or maths[1] == maths[0], f"{url}: maths not typeset from disk: {maths}"
        assert not elsewhere, f"{url}: requests leaving the disk: {elsewhere}"
    finally:
        context.close()
