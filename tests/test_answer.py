"""The ``{answer}`` directive (dlbook.sphinx.answer): markup, values and build errors.

Each test builds a tiny Sphinx project in ``tmp_path`` with the same parsers
the book uses (myst-nb, sphinx-exercise) and the extension, then reads the
HTML or the warnings. The checking in the browser is tested in
tests/browser/test_answers.py.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import textwrap
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from sphinx.testing.util import SphinxTestApp

from dlbook import activations, losses
from dlbook.sphinx import answer

CONF = textwrap.dedent("""\
    extensions = ["myst_nb", "sphinx_exercise", "dlbook.sphinx.answer"]
    myst_enable_extensions = ["colon_fence", "dollarmath"]
    nb_execution_mode = "off"
    exclude_patterns = ["_build"]
    """)


def exercise(body: str, label: str = "ex-a") -> str:
    """``body`` wrapped in a gated exercise, the way chapters write it."""
    return (
        f"````{{exercise-start}}\n:label: {label}\n````\nQuestion text.\n\n"
        f"{textwrap.dedent(body).strip()}\n````{{exercise-end}}\n````\n"
    )


def answer_block(*option_lines: str, hints: tuple[str, ...] = ()) -> str:
    return "\n".join([":::{answer}", *option_lines, *hints, ":::"])


def build(tmp_path: Path, chapter: str, extra_pages: dict[str, str] | None = None):
    """Build index + chapter.md; return (html of chapter.html, warnings text, app)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    pages = {"chapter": chapter, **(extra_pages or {})}
    toctree = "\n".join(pages)
    (src / "index.md").write_text(f"# Index\n\n```{{toctree}}\n{toctree}\n```\n")
    for name, text in pages.items():
        (src / f"{name}.md").write_text(f"# {name.title()}\n\n{text}")
    status, warning = StringIO(), StringIO()
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "build", freshenv=True, status=status, warning=warning)
    try:
        app.build()
    finally:
        app.cleanup()
    out = Path(app.outdir) / "chapter.html"
    page = out.read_text(encoding="utf-8") if out.exists() else ""
    return page, warning.getvalue(), app


def boxes(page: str) -> list[str]:
    """The outer ``<div class="dlbook-answer" ...>`` tags and their content."""
    return re.findall(r'<div class="dlbook-answer" .*?</div></div>', page, flags=re.S)


def attr(fragment: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', fragment)
    assert match, f"no {name} in {fragment[:200]}"
    return html.unescape(match.group(1))


# ---------------------------------------------------------------------------
# Rendered HTML


def test_number_box_markup_is_accessible_and_carries_the_library_value(tmp_path):
    chapter = exercise(
        answer_block(
            ":expect: dlbook.losses.binary_cross_entropy([1.0], [0.1])",
            ":tolerance: 0.01",
            ":unit: nats",
            hints=(
                "2.40: Check the *(1 - y)* coefficient of the $\\log(1 - \\hat y)$ term.",
                "0.11: That is the loss for y_hat = 0.9.",
            ),
        )
    )
    page, warnings, _ = build(tmp_path, chapter)
    assert warnings.strip() == ""
    [box] = boxes(page)

    expected = losses.binary_cross_entropy([1.0], [0.1])
    assert float(attr(box, "data-expect")) == expected
    assert attr(box, "data-tolerance") == "0.01"
    assert attr(box, "data-kind") == "number"
    assert attr(box, "data-unit") == "nats"

    # a label tied to the input, a submit button (Enter submits the form),
    # and a polite live region the input points at
    input_id = attr(re.search(r"<input[^>]*>", box).group(0), "id")
    assert f'<label class="dlbook-answer-label" for="{input_id}">Your answer</label>' in box
    assert re.search(
        r"<form[^>]*>.*<input[^>]*>.*<button[^>]*type=\"submit\"[^>]*>Check</button>.*</form>", box, flags=re.S
    )
    feedback = re.search(r'<p class="dlbook-answer-feedback"[^>]*>', box).group(0)
    assert 'aria-live="polite"' in feedback and 'role="status"' in feedback
    assert attr(feedback, "id") in attr(re.search(r"<input[^>]*>", box).group(0), "aria-describedby")
    assert ">nats</span>" in box

    hints = re.findall(
        r'<span class="dlbook-answer-hint" data-value="([^"]*)">(.*?)</span>(?=<span class="dlbook|</div>)',
        box,
        flags=re.S,
    )
    assert [value for value, _ in hints] == ["2.4", "0.11"]
    assert "<em>(1 - y)</em>" in hints[0][1] and 'class="math' in hints[0][1]
    assert '<div class="dlbook-answer-hints" hidden>' in box


def test_script_and_style_only_on_pages_with_answer_boxes(tmp_path):
    chapter = exercise(answer_block(":expect: 2 + 2"))
    page, warnings, app = build(tmp_path, chapter, {"plain": "No boxes here.\n"})
    assert warnings.strip() == ""
    assert re.search(r'<script defer="defer" src="_static/dlbook-answer\.js', page)
    assert re.search(r'href="_static/dlbook-answer\.css', page)
    plain = (Path(app.outdir) / "plain.html").read_text(encoding="utf-8")
    assert "dlbook-answer" not in plain
    static = Path(app.outdir) / "_static"
    assert (static / "dlbook-answer.js").read_text() == (answer.STATIC_DIR / "dlbook-answer.js").read_text()
    assert (static / "dlbook-answer.css").is_file()


def test_vector_box_integer_default_prompt_and_plain_exercise(tmp_path):
    chapter = (
        exercise(
            answer_block(
                ":expect: dlbook.activations.softmax(np.array([1.0, 2.0, 3.0]))",
                ":tolerance: 0.005",
                ":prompt: Probabilities of the three classes",
                hints=("0.33, 0.33, 0.33: Equal probabilities would need equal logits.",),
            )
        )
        + "\n```{exercise}\n:label: ex-plain\nCount.\n\n"
        + answer_block(":expect: 3 * 4 + 1")
        + "\n```\n"
    )
    page, warnings, _ = build(tmp_path, chapter)
    assert warnings.strip() == ""
    vector, integer = boxes(page)

    expected = activations.softmax(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal([float(v) for v in attr(vector, "data-expect").split(",")], expected)
    assert attr(vector, "data-kind") == "vector" and attr(vector, "data-size") == "3"
    assert "Probabilities of the three classes</label>" in vector
    assert "3 numbers separated by commas" in vector
    assert 'data-value="0.33,0.33,0.33"' in vector

    # an integer needs no tolerance: exact match; the prompt has its default
    assert attr(integer, "data-expect") == "13" and attr(integer, "data-tolerance") == "0"
    assert ">Your answer</label>" in integer
    # every box on a page has its own ids
    ids = re.findall(r'id="([^"]+)"', page)
    assert len([i for i in ids if i.startswith("answer-")]) == len({i for i in ids if i.startswith("answer-")})


def test_hint_may_continue_on_an_indented_line(tmp_path):
    chapter = exercise(answer_block(":expect: 7", hints=("6: Off by one: count", "   the bias too.")))
    page, warnings, _ = build(tmp_path, chapter)
    assert warnings.strip() == ""
    assert ">Off by one: count the bias too.</span>" in page


def test_a_wrong_value_can_be_computed_like_expect(tmp_path):
    chapter = exercise(
        answer_block(
            ":expect: dlbook.losses.binary_cross_entropy([1, 0], [0.8, 0.3])",
            ":tolerance: 0.005",
            hints=(
                "= 2 * dlbook.losses.binary_cross_entropy([1, 0], [0.8, 0.3]): That is the sum: "
                "divide by the number of samples.",
                "= -np.log10(np.array([0.8, 0.7])).mean(): Use the natural log.",
            ),
        )
    )
    page, warnings, _ = build(tmp_path, chapter)
    assert warnings.strip() == ""
    [box] = boxes(page)
    values = [float(v) for v in re.findall(r'class="dlbook-answer-hint" data-value="([^"]+)"', box)]
    total = 2 * losses.binary_cross_entropy([1, 0], [0.8, 0.3])
    assert values == [total, -np.log10([0.8, 0.7]).mean()]
    assert ">That is the sum: divide by the number of samples.</span>" in box


# ---------------------------------------------------------------------------
# Build errors: each names the chapter file, the line and the directive

BAD = {
    "expect raises": (answer_block(":expect: 1 / 0", ":tolerance: 0.1"), "raised ZeroDivisionError"),
    "expect names a missing helper": (
        answer_block(":expect: dlbook.losses.no_such_loss([1], [0.5])", ":tolerance: 0.1"),
        "raised AttributeError",
    ),
    "expect is not python": (answer_block(":expect: 2 +", ":tolerance: 0.1"), "is not a Python expression"),
    "expect is text": (
        answer_block(":expect: str(2.5)", ":tolerance: 0.1"),
        "expected a number or a vector of numbers; got str",
    ),
    "expect is a dict": (answer_block(":expect: {1: 2}"), "got dict"),
    "expect is a matrix": (answer_block(":expect: np.eye(2)", ":tolerance: 0.1"), "got an array of shape (2, 2)"),
    "expect is not finite": (answer_block(":expect: float('nan')", ":tolerance: 0.1"), "expected finite numbers"),
    "expect is a boolean": (answer_block(":expect: 1 > 0"), "got the boolean"),
    "expect is empty": (answer_block(":expect: []"), "empty vector"),
    "expect is too long": (answer_block(":expect: np.arange(50)"), "at most 12 numbers"),
    "expect is missing": (answer_block(":tolerance: 0.1"), ":expect: option is required"),
    "tolerance is missing": (
        answer_block(":expect: dlbook.losses.mse([1.0], [0.5])"),
        "not an integer, so a :tolerance: is required",
    ),
    "tolerance missing for a vector": (
        answer_block(":expect: [1, 2.5]"),
        "1, 2.5, not an integer, so a :tolerance: is required",
    ),
    "tolerance is negative": (answer_block(":expect: 0.5", ":tolerance: -0.1"), ":tolerance: must be non-negative"),
    "tolerance is text": (
        answer_block(":expect: 0.5", ":tolerance: small"),
        ":tolerance: must be one non-negative number",
    ),
    "hint line without colon": (
        answer_block(":expect: 3", hints=("try again",)),
        "must look like 'wrong value: hint text'",
    ),
    "hint value of wrong length": (
        answer_block(":expect: [1, 2]", hints=("1: one number",)),
        "has 1 number(s) but the expected answer has 2",
    ),
    "hint equals the answer": (
        answer_block(":expect: 0.25", ":tolerance: 0.01", hints=("0.251: same",)),
        "within the tolerance of the expected answer",
    ),
    "hint without text": (answer_block(":expect: 3", hints=("4:",)), "has no hint text"),
    "hint expression raises": (
        answer_block(":expect: 3", hints=("= dlbook.nope(): hint",)),
        "hint expression 'dlbook.nope()' raised AttributeError",
    ),
    "hint expression without hint": (
        answer_block(":expect: 3", hints=("= 2 + ",)),
        "must look like '= python expression: hint text'",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_directive_is_a_build_error_naming_chapter_and_directive(tmp_path, case):
    block, message = BAD[case]
    page, warnings, _ = build(tmp_path, exercise(block))
    errors = [line for line in warnings.splitlines() if "ERROR" in line]
    assert len(errors) == 1, warnings
    assert "chapter.md:" in errors[0]  # file and line
    assert "{answer} directive in chapter.md" in errors[0]
    assert message in errors[0]
    assert "dlbook-answer-form" not in page  # no half-made box


@pytest.mark.parametrize("where", ["top level", "in a solution", "in a note"])
def test_answer_outside_an_exercise_is_a_build_error(tmp_path, where):
    block = answer_block(":expect: 42")
    chapter = {
        "top level": f"Some text.\n\n{block}\n\n" + exercise("Fine here."),
        "in a solution": exercise("Question.")
        + (f"\n````{{solution-start}} ex-a\n:class: dropdown\n````\n{block}\n````{{solution-end}}\n````\n"),
        "in a note": f"```{{note}}\nA note.\n\n{block}\n```\n",
    }[where]
    page, warnings, _ = build(tmp_path, chapter)
    errors = [line for line in warnings.splitlines() if "ERROR" in line]
    assert len(errors) == 1, warnings
    assert re.search(
        r"chapter\.md:\d+: ERROR: \{answer\} directive in chapter\.md: an answer box "
        r"must be inside an exercise",
        errors[0],
    )
    assert "dlbook-answer-form" not in page


def test_sphinx_build_with_W_fails_and_names_the_chapter(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text("# Index\n\n```{toctree}\nchapter\n```\n")
    (src / "chapter.md").write_text("# Chapter\n\n" + exercise(answer_block(":expect: 0.1 + 0.2")))
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "chapter.md:" in result.stderr and "{answer} directive" in result.stderr
    assert ":tolerance: is required" in result.stderr


def test_answers_are_recomputed_when_a_module_they_use_changes(tmp_path, monkeypatch):
    """A page with a box is re-read when a dlbook module its expressions name changes (no stale answers)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text("# Index\n\n```{toctree}\nchapter\narithmetic\nplain\n```\n")
    (src / "chapter.md").write_text(
        "# Chapter\n\n" + exercise(answer_block(":expect: dlbook.losses.mse([1.0, 3.0], [0.0, 0.0])"))
    )
    (src / "arithmetic.md").write_text("# Arithmetic\n\n" + exercise(answer_block(":expect: 6 * 7"), label="ex-b"))
    (src / "plain.md").write_text("# Plain\n")

    def run() -> str:
        """Build; return the names of the pages Sphinx re-read."""
        status = StringIO()
        app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "build", status=status, warning=StringIO())
        try:
            app.build()
        finally:
            app.cleanup()
        plain = re.sub(r"\x1b\[[0-9;]*m", "", status.getvalue())
        return re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", plain)

    assert sorted(run()) == ["arithmetic", "chapter", "index", "plain"]
    assert run() == []  # nothing changed: nothing re-read
    real_key = answer.modules_key
    monkeypatch.setattr(
        answer, "modules_key", lambda modules: "edited" if "dlbook.losses" in modules else real_key(modules)
    )
    assert run() == ["chapter"]  # the page whose box uses losses, and only it
    assert run() == []  # read again under the new key: stable


# ---------------------------------------------------------------------------
# The value helpers


@pytest.mark.parametrize(
    "value, expected",
    [
        (3, [3.0]),
        (np.float32(0.5), [0.5]),
        ([0.1, 0.9], [0.1, 0.9]),
        (np.array(2.5), [2.5]),
        (np.array([7]), [7.0]),
        ((1, 2, 3), [1.0, 2.0, 3.0]),
    ],
)
def test_as_answer_values_accepts_numbers_and_vectors(value, expected):
    np.testing.assert_array_equal(answer.as_answer_values(value), expected)


def test_as_answer_values_accepts_a_torch_tensor():
    torch = pytest.importorskip("torch")
    np.testing.assert_allclose(answer.as_answer_values(torch.tensor([0.25, 0.75])), [0.25, 0.75])


@pytest.mark.parametrize(
    "value, match",
    [
        ("2.5", "got str"),
        (None, "got NoneType"),
        (True, "boolean"),
        ([[1, 2], [3, 4]], "shape"),
        ([1, [2, 3]], "vector of numbers"),
        ([np.inf], "finite"),
        (["a"], "dtype"),
        (1 + 2j, "complex"),
    ],
)
def test_as_answer_values_rejects_other_things(value, match):
    with pytest.raises(answer.AnswerError, match=match):
        answer.as_answer_values(value)


@pytest.mark.parametrize(
    "text, numbers",
    [
        ("2.30", [2.3]),
        (" -1e-3 ", [-0.001]),
        ("\u22120.5", [-0.5]),
        ("[0.1, 0.2, 0.7]", [0.1, 0.2, 0.7]),
        ("(1 2 3)", [1.0, 2.0, 3.0]),
        (".5", [0.5]),
    ],
)
def test_parse_numbers(text, numbers):
    assert answer.parse_numbers(text) == numbers


@pytest.mark.parametrize("text", ["", "abc", "1..2", "1, x", "--1"])
def test_parse_numbers_rejects_text(text):
    with pytest.raises(answer.AnswerError, match="not a number"):
        answer.parse_numbers(text)


@pytest.mark.parametrize(
    "value, text", [(497, "497"), (2.0, "2"), (0.1, "0.1"), (2.302585092994046, "2.302585092994046")]
)
def test_format_number_reads_back_exactly(value, text):
    assert answer.format_number(value) == text
    assert float(text) == value


def test_evaluate_expect_imports_the_submodules_it_names():
    assert answer.evaluate_expect("dlbook.activations.relu(-2.0) + np.pi * 0") == 0.0
    assert answer._dlbook_modules(__import__("ast").parse("dlbook.losses.mse(a, b)", mode="eval")) == ["dlbook.losses"]
