"""Every answer box in the built book works in Chromium, offline.

For each ``{answer}`` box found in ``_build/html`` (by parsing the pages),
in headless Chromium with every request that is not to 127.0.0.1 aborted:

* the expected value is accepted, typed exactly and within the tolerance;
* a wrong value is rejected;
* each declared wrong answer shows its hint;
* text gets the friendly "Enter a number such as 0.25" message;
* it all works from the keyboard (Enter in the box, Tab to the button).

A second group builds a small page of its own in a temporary folder and
checks the reader-facing parsing (units, brackets, the minus sign, a
comma-decimal, a wrong vector length), so these tests fail on a broken
script even before the chapters have boxes.

The browser, the site's address and DLBOOK_SITE (test another build, e.g. one
made in another clone) come from tests/browser/conftest.py; this module adds only a
context that aborts every request not to 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import os
import textwrap
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest

from browsing import settle

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("DLBOOK_SITE", ROOT / "_build" / "html"))

pytestmark = pytest.mark.browser


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


class _BoxParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__()
        self.page, self.boxes = page, []
        self._hint: list | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if "dlbook-answer" in classes:
            self.boxes.append(
                Box(
                    page=self.page,
                    box_id=attrs["id"],
                    expect=[float(v) for v in attrs["data-expect"].split(",")],
                    tolerance=float(attrs["data-tolerance"]),
                    vector=attrs["data-kind"] == "vector",
                    unit=attrs.get("data-unit") or "",
                )
            )
        elif "dlbook-answer-hint" in classes:
            self._hint = [[float(v) for v in attrs["data-value"].split(",")], ""]
            self._depth = 0
        elif self._hint is not None and tag == "span":
            self._depth += 1

    def handle_endtag(self, tag):
        if self._hint is not None and tag == "span":
            if self._depth == 0:
                self.boxes[-1].hints.append((self._hint[0], " ".join(self._hint[1].split())))
                self._hint = None
            else:
                self._depth -= 1

    def handle_data(self, data):
        if self._hint is not None:
            self._hint[1] += data


def find_boxes(site: Path) -> list[Box]:
    boxes = []
    for path in sorted(site.rglob("*.html")):
        if "_static" in path.parts or "_sources" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if 'class="dlbook-answer"' in text:
            parser = _BoxParser(path.relative_to(site).as_posix())
            parser.feed(text)
            boxes.extend(parser.boxes)
    return boxes


BOOK_BOXES = find_boxes(SITE) if SITE.is_dir() else []


# ---------------------------------------------------------------------------
# Fixtures: ``browser``, ``site_url`` and ``html_dir`` come from conftest.py


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
    settle(page)  # MathJax has typeset the hints before we compare their text
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
    # whose maths MathJax has typeset still matches its copy in the live region)
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


@pytest.mark.site
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


@pytest.mark.site
def test_the_book_has_at_least_ten_answer_boxes(html_dir):
    pages = sorted({b.page for b in BOOK_BOXES})
    assert len(BOOK_BOXES) >= 10, (
        f"the book promises answer boxes in at least 10 exercises; found {len(BOOK_BOXES)} on {pages}"
    )


# ---------------------------------------------------------------------------
# A page of our own: the reader-facing parsing in detail

SYNTHETIC = textwrap.dedent("""\
    # Boxes

    ````{exercise-start}
    :label: ex-number
    ````
    A loss.

    :::{answer}
    :expect: dlbook.losses.binary_cross_entropy([1.0], [0.1])
    :tolerance: 0.01
    :unit: nats
    2.40: Check the *coefficient* of the second term: (1 - y), not (1 - y_hat).
    -2.30: A loss is never negative.
    = 10 * dlbook.losses.binary_cross_entropy([1.0], [0.1]): That is ten times too big.
    :::
    ````{exercise-end}
    ````

    ````{exercise-start}
    :label: ex-vector
    ````
    A softmax.

    :::{answer}
    :expect: dlbook.activations.softmax(np.array([1.0, 2.0, 3.0]))
    :tolerance: 0.005
    :prompt: Three probabilities
    0.333, 0.333, 0.333: Equal probabilities need equal logits.
    :::
    ````{exercise-end}
    ````

    ````{exercise-start}
    :label: ex-count
    ````
    A count.

    :::{answer}
    :expect: 3 * 2 + 2 + 2 * 1 + 1
    :unit: parameters
    9: You left out the output bias.
    :::
    ````{exercise-end}
    ````
    """)


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path_factory.mktemp("answers") / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_nb", "sphinx_exercise", "dlbook.sphinx.answer"]\n'
        'myst_enable_extensions = ["colon_fence", "dollarmath"]\n'
        'nb_execution_mode = "off"\nexclude_patterns = ["_build"]\n'
    )
    (src / "index.md").write_text(SYNTHETIC)
    warnings = StringIO()
    app = SphinxTestApp("html", srcdir=src, freshenv=True, status=StringIO(), warning=warnings)
    try:
        app.build()
    finally:
        app.cleanup()
    assert "ERROR" not in warnings.getvalue(), warnings.getvalue()
    site = Path(app.outdir)
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
