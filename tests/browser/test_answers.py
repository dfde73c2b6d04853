"""Every answer box in the built book works in Chromium, offline.

For each ``{answer}`` box found in ``_build/html`` (by parsing the pages),
in headless Chromium with every request that is not to 127.0.0.1 aborted:

* the expected value is accepted, typed exactly and within the tolerance;
* a wrong value is rejected;
* each declared wrong answer shows its hint;
* text gets the friendly "Enter a number such as 0.25" message;
* it all works from the keyboard (Enter in the box, Tab to the button).

A second group builds a small page of its own (tests/unit/roots/test-answer-boxes) and
checks the reader-facing parsing (units, brackets, the minus sign, a
comma-decimal, a wrong vector length), so these tests fail on a broken
script even before the chapters have boxes.

The browser, the built site (``html_dir``) and its address come from
tests/conftest.py and tests/browser/conftest.py; this module adds only a
context that aborts every request not to 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import bookdata
from browsing import settle
from sphinxroots import Project

# ---------------------------------------------------------------------------
# Finding the boxes in the built pages


@dataclass
class Box:
    page: str  # path relative to the site root, e.g. "book/loss-functions.html"
    box_id: str
    expect: list[float]
    tolerance: float
    vector: bool
    unit: str
    hints: list[tuple[list[float], str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.page}#{self.box_id}"


def boxes_on(page: str, html: str) -> list[Box]:
    """The answer boxes of one built page (``page`` is its path relative to the site root)."""
    found = []
    for div in BeautifulSoup(html, "html.parser").select("div.dlbook-answer"):
        hints = [
            ([float(v) for v in span["data-value"].split(",")], " ".join(span.get_text().split()))
            for span in div.select("span.dlbook-answer-hint")
        ]
        found.append(
            Box(
                page=page,
                box_id=div["id"],
                expect=[float(v) for v in div["data-expect"].split(",")],
                tolerance=float(div["data-tolerance"]),
                vector=div["data-kind"] == "vector",
                unit=div.get("data-unit") or "",
                hints=hints,
            )
        )
    return found


def find_boxes(site: Path) -> list[Box]:
    boxes = []
    for path in sorted(site.rglob("*.html")):
        if "_static" in path.parts or "_sources" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "dlbook-answer" in text:
            boxes.extend(boxes_on(path.relative_to(site).as_posix(), text))
    return boxes


BOOK_BOXES = find_boxes(bookdata.HTML) if bookdata.HTML.is_dir() else []


# ---------------------------------------------------------------------------
# Fixtures: ``browser`` and ``html_dir`` come from tests/conftest.py, ``site_url`` from tests/browser/conftest.py


def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 (for the synthetic page)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def offline_page(browser, url: str):
    """A new page at ``url`` that may fetch only from 127.0.0.1; returns (page, blocked urls)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def route(request_route):
        url_ = request_route.request.url
        if url_.startswith(("http://127.0.0.1", "data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(url_)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector(".dlbook-answer[data-ready='true']", state="attached", timeout=10_000)
    settle(page)  # the fonts are in before we compare text
    return page, blocked, errors


# ---------------------------------------------------------------------------
# The checks, shared by the book's boxes and the synthetic page


def text_of(values: list[float]) -> str:
    return ", ".join(repr(v) if not float(v).is_integer() else str(int(v)) for v in values)


def close_to(a: list[float], b: list[float], tolerance: float) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= tolerance + 1e-9 * max(1.0, abs(y)) for x, y in zip(a, b))


def submit(page, box: Box, text: str, how: str = "enter") -> str:
    """Type ``text`` into the box, submit, and return the live region's text."""
    root = page.locator(f"#{box.box_id}")
    field_ = root.locator("input.dlbook-answer-input")
    field_.fill(text)
    if how == "enter":
        field_.press("Enter")
    elif how == "tab":  # keyboard only: Tab from the input reaches the button, Enter presses it
        field_.focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "dlbook-answer-check"
        page.keyboard.press("Enter")
    else:
        root.locator("button").click()
    return " ".join(root.locator(".dlbook-answer-feedback").inner_text().split())


def wrong_value(box: Box) -> list[float]:
    """A value outside the tolerance that no declared hint catches."""
    for step in (3, 7, 13, 31, 101):
        candidate = [v + (step * box.tolerance + step) * (1 if i % 2 == 0 else -1) for i, v in enumerate(box.expect)]
        if not any(close_to(candidate, hint, box.tolerance) for hint, _ in box.hints):
            return candidate
    raise AssertionError(f"could not find a wrong value for {box}")


def check_box(page, box: Box) -> None:
    feedback = page.locator(f"#{box.box_id} .dlbook-answer-feedback")
    assert feedback.get_attribute("aria-live") == "polite"
    label_for = page.locator(f"#{box.box_id} label").get_attribute("for")
    assert page.locator(f"#{label_for}").count() == 1

    # exact value, by Enter
    said = submit(page, box, text_of(box.expect), "enter")
    assert said.startswith("Correct."), f"{box}: exact value {box.expect} -> {said!r}"

    # within the tolerance (or, for an exact integer answer, written as a float), by the button
    if box.tolerance > 0:
        near = [v + 0.9 * box.tolerance * (1 if i % 2 == 0 else -1) for i, v in enumerate(box.expect)]
        near_text = text_of(near)
    else:
        near_text = ", ".join(f"{v:.1f}" for v in box.expect)
    said = submit(page, box, near_text, "click")
    assert said.startswith("Correct."), f"{box}: {near_text} is within tolerance -> {said!r}"

    # a wrong value, by keyboard only
    wrong = wrong_value(box)
    said = submit(page, box, text_of(wrong), "tab")
    assert said.startswith("Not quite."), f"{box}: wrong value {wrong} -> {said!r}"
    assert page.locator(f"#{box.box_id} input").get_attribute("aria-invalid") == "false"

    # each declared wrong answer shows its own hint (compared as DOM text, so a hint
    # with typeset maths still matches its copy in the live region)
    for k, (hint_value, hint_text) in enumerate(box.hints):
        said = submit(page, box, text_of(hint_value))
        assert said.startswith("Not quite."), f"{box}: hint value {hint_value} -> {said!r}"
        shown = page.locator(f"#{box.box_id} .dlbook-answer-feedback .dlbook-answer-hint-text")
        declared = page.locator(f"#{box.box_id} .dlbook-answer-hint").nth(k)
        assert hint_text and shown.text_content() == declared.text_content(), (
            f"{box}: {hint_value} should show the hint {hint_text!r}; the page said {said!r}"
        )

    # text gets the friendly message, never an exception
    for text in ("abc", "", "two point three"):
        said = submit(page, box, text)
        friendly = "Enter a list of numbers" if box.vector else "Enter a number such as 0.25"
        assert said.startswith(friendly), f"{box}: {text!r} -> {said!r}"
        assert page.locator(f"#{box.box_id} input").get_attribute("aria-invalid") == "true"


# ---------------------------------------------------------------------------
# Every box in the book


@pytest.mark.parametrize("box", BOOK_BOXES or [None], ids=[str(b) for b in BOOK_BOXES] or ["no-boxes"])
def test_every_answer_box_in_the_book(browser, html_dir, site_url, box):
    if box is None:
        pytest.fail(f"no answer boxes found under {html_dir}", pytrace=False)
    page, blocked, errors = offline_page(browser, f"{site_url}{box.page}")
    try:
        check_box(page, box)
        assert errors == [], f"JavaScript errors on {box.page}: {errors}"
    finally:
        page.context.close()


def test_the_book_has_at_least_ten_answer_boxes(html_dir):
    pages = sorted({b.page for b in BOOK_BOXES})
    assert len(BOOK_BOXES) >= 10, (
        f"the book promises answer boxes in at least 10 exercises; found {len(BOOK_BOXES)} on {pages}"
    )


# ---------------------------------------------------------------------------
# A page of our own: the reader-facing parsing in detail


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    """tests/unit/roots/test-answer-boxes built: three boxes, a number, a vector and a count."""
    result = Project.copy("answer-boxes", tmp_path_factory.mktemp("answers")).build()
    assert "ERROR" not in result.warnings, result.warnings
    site = result.outdir
    server = serve(site)
    yield site, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def synthetic_page(browser, synthetic_site):
    site, url = synthetic_site
    page, blocked, errors = offline_page(browser, f"{url}/index.html")
    boxes = {b.box_id: b for b in find_boxes(site)}
    yield page, list(boxes.values()), blocked, errors
    page.context.close()


def test_synthetic_boxes_pass_the_same_checks(synthetic_page):
    page, boxes, blocked, errors = synthetic_page
    assert len(boxes) == 3
    assert sum(len(b.hints) for b in boxes) == 5
    for box in boxes:
        check_box(page, box)
    assert errors == []


def test_script_runs_from_the_local_site_with_the_network_blocked(synthetic_page):
    page, boxes, blocked, errors = synthetic_page
    scripts = page.evaluate("[...document.scripts].map(s => s.src).filter(s => s.includes('dlbook-answer'))")
    assert len(scripts) == 1 and scripts[0].startswith("http://127.0.0.1")
    assert all(not url.startswith("http://127.0.0.1") for url in blocked)
    assert page.locator(".dlbook-answer[data-ready='true']").count() == 3


@pytest.mark.parametrize(
    "index, text, starts",
    [
        (0, "2.30 nats", "Correct."),  # the unit may be typed
        (0, "\u22122.30", "Not quite. A loss is never negative."),  # the minus sign U+2212
        (0, "2,30", "Enter a number such as 0.25 (one number, with a dot as the decimal point)."),
        (0, "1e400", "Enter a number such as 0.25"),
        (0, "23/10", "Correct."),  # a fraction
        (1, "[0.09, 0.245, 0.665]", "Correct."),
        (1, "0.09 0.245 0.665", "Correct."),
        (1, "0.09, 0.245", "Enter 3 numbers separated by commas; you entered 2."),
        (1, "0.1, 0.2, 0.7", "Not quite. Check your working"),
        (2, "11", "Correct. The value is 11 parameters."),
        (2, "11.2", "Not quite."),
        (2, "9", "Not quite. You left out the output bias."),
    ],
)
def test_reader_entries(synthetic_page, index, text, starts):
    page, boxes, blocked, errors = synthetic_page
    said = submit(page, boxes[index], text)
    assert said.startswith(starts), f"{text!r} -> {said!r}"
    assert errors == []


def test_feedback_is_announced_in_a_live_region_that_is_always_present(synthetic_page):
    page, boxes, blocked, errors = synthetic_page
    box = boxes[0]
    region = page.locator(f"#{box.box_id} [role='status']")
    assert region.count() == 1 and region.get_attribute("aria-live") == "polite"
    # an empty region stays in the accessibility tree, so the first message is heard
    assert page.evaluate(f"getComputedStyle(document.querySelector('#{box.box_id} [role=status]')).display") != "none"
    described = page.locator(f"#{box.box_id} input").get_attribute("aria-describedby").split()
    assert region.get_attribute("id") in described
    submit(page, box, "2.303")
    assert region.inner_text().startswith("Correct.")
    assert page.evaluate("document.activeElement.classList.contains('dlbook-answer-input')")
