"""The headline figures of the digits and physics case studies, read from the built site.

Each case study computes its headline number on the page and glues it into
a sentence with a fixed phrase:

* book/case-digits.md: "... reaches a test accuracy of 96.67% ..."
* book/case-physics.md: "... in-range test RMSE is 0.184 m ..."

These tests read those sentences from the HTML that `make book` wrote and
hold them to the thresholds the chapters state. If a change to the data,
the model or ``dlbook`` makes a case study worse, the book's own text would
now be wrong, and these tests say so.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html" / "book"

pytestmark = pytest.mark.site

#: The thresholds the chapters promise (and assert in a cell while building).
DIGITS_MIN_ACCURACY = 0.95
PHYSICS_MAX_RMSE_M = 0.5
#: "Extrapolates badly": the error at unseen speeds is at least this many times the in-range error.
PHYSICS_MIN_EXTRAPOLATION_RATIO = 5.0

NUMBER = r"([0-9][0-9,]*(?:\.[0-9]+)?)"


def page_text(name: str) -> str:
    """The visible text of ``book/<name>.html``: tags removed, whitespace collapsed."""
    path = SITE / f"{name}.html"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make book` first to build the site")
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S | re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return re.sub(r"\s+", " ", text)


def number_after(text: str, pattern: str, page: str) -> float:
    """The number captured by ``pattern`` (one group) in ``text``; fail clearly if absent."""
    found = re.findall(pattern, text)
    if not found:
        pytest.fail(f"book/{page}.html has no sentence matching {pattern!r}: was the headline sentence reworded?")
    values = {float(value.replace(",", "")) for value in found}
    assert len(values) == 1, f"book/{page}.html states different values for {pattern!r}: {sorted(values)}"
    return values.pop()


def test_number_parser_reads_glued_text():
    text = "the network reaches a test accuracy of 96.67 % , with a test loss"
    assert number_after(text, r"test accuracy of " + NUMBER + r" ?%", "example") == pytest.approx(96.67)
    assert number_after("has 13,002 parameters", NUMBER + " parameters", "example") == 13002


def test_digits_test_accuracy_meets_threshold():
    text = page_text("case-digits")
    percent = number_after(text, r"test accuracy of " + NUMBER + r" ?%", "case-digits")
    assert 0 <= percent <= 100
    assert percent / 100 >= DIGITS_MIN_ACCURACY, (
        f"digits test accuracy on the page is {percent}%, below {DIGITS_MIN_ACCURACY:.0%}"
    )


def test_digits_mnist_parameter_count_is_right():
    text = page_text("case-digits")
    count = number_after(text, r"The 784-16-16-10 network has " + NUMBER + " parameters", "case-digits")
    assert count == (784 * 16 + 16) + (16 * 16 + 16) + (16 * 10 + 10) == 13_002


def test_physics_in_range_rmse_meets_threshold():
    text = page_text("case-physics")
    rmse = number_after(text, r"in-range test RMSE is " + NUMBER + " m", "case-physics")
    assert 0 < rmse < PHYSICS_MAX_RMSE_M, (
        f"physics in-range test RMSE on the page is {rmse} m, not below {PHYSICS_MAX_RMSE_M} m"
    )


def test_physics_extrapolation_is_much_worse_than_interpolation():
    text = page_text("case-physics")
    match = re.search(r"The error jumps from " + NUMBER + " m to " + NUMBER + " m", text)
    if match is None:
        pytest.fail("book/case-physics.html has no sentence 'The error jumps from X m to Y m'")
    inside, outside = (float(value.replace(",", "")) for value in match.groups())
    assert outside >= PHYSICS_MIN_EXTRAPOLATION_RATIO * inside, (
        f"extrapolation error {outside} m is not {PHYSICS_MIN_EXTRAPOLATION_RATIO}x the "
        f"in-range error {inside} m, so the chapter's 'extrapolates badly' no longer holds"
    )


def test_digits_narrow_network_is_undertrained_not_hopeless():
    """The width exercise: the 64-4-4-10 runs without dead ReLUs pass 0.8 with more epochs."""
    text = page_text("case-digits")
    low = number_after(text, r"epochs both pass " + NUMBER, "case-digits")
    assert 0.8 < low <= 1.0, f"the narrow networks' longer runs reach only {low} on the page"


def test_digits_double_softmax_learns_more_slowly():
    """The double-softmax exercise: it passes 0.9 validation accuracy later than the chapter's network."""
    text = page_text("case-digits")
    match = re.search(r"first passes 0\.9 at epoch " + NUMBER + " instead of " + NUMBER, text)
    if match is None:
        pytest.fail("book/case-digits.html has no sentence 'first passes 0.9 at epoch N instead of M'")
    double, logits = (float(value) for value in match.groups())
    assert double > logits, f"the softmax network passes 0.9 at epoch {double}, not after {logits}"


def test_physics_ensemble_spread_widens_but_misses_the_truth():
    """The ensemble section: the spread widens outside the data, yet the truth lies many spreads away."""
    text = page_text("case-physics")
    inside = number_after(text, r"their spread averages " + NUMBER + " m", "case-physics")
    at_45 = number_after(text, r"and at 45 m/s " + NUMBER + " m", "case-physics")
    miss = number_after(text, r"the mean misses it by " + NUMBER + " m", "case-physics")
    assert at_45 > 4 * inside, f"spread {at_45} m at 45 m/s is not clearly wider than {inside} m inside"
    assert miss > 5 * at_45, f"a miss of {miss} m is within a few spreads ({at_45} m): the band would be calibrated"
