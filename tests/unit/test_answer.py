"""The ``{answer}`` directive (dlbook.sphinx.answer): markup, values and build errors.

Each test builds a tiny Sphinx project (``roots/test-answer``) with the same
parsers the book uses (myst-nb, sphinx-exercise) and the extension, then
reads the HTML or the warnings. The last group covers what chapters leave
out: blank lines and colons in hints, the directive in a reStructuredText
page (whose inline parser reports markup errors), builders without answer
boxes, and a parallel read, whose per-process records of the pages with
boxes must be merged for those pages to load the script. The checking in
the browser is tested in tests/browser/test_answers.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup, Tag

from dlbook import activations, losses
from dlbook.sphinx import answer, perpage


def exercise(body: str, label: str = "ex-a") -> str:
    """``body`` wrapped in a gated exercise, the way chapters write it."""
    return (
        f"````{{exercise-start}}\n:label: {label}\n````\nQuestion text.\n\n"
        f"{textwrap.dedent(body).strip()}\n````{{exercise-end}}\n````\n"
    )


def answer_block(*option_lines: str, hints: tuple[str, ...] = ()) -> str:
    return "\n".join([":::{answer}", *option_lines, *hints, ":::"])


def build(sphinx_project, chapter: str, extra_pages: dict[str, str] | None = None):
    """Build roots/test-answer with ``chapter.md`` (and more pages); return (chapter.html, warnings, result)."""
    pages = {"chapter": chapter, **(extra_pages or {})}
    files = {f"{name}.md": f"# {name.title()}\n\n{text}" for name, text in pages.items()}
    files["index.md"] = "# Index\n\n```{toctree}\n" + "\n".join(pages) + "\n```\n"
    result = sphinx_project("answer", files).build()
    return result.page("chapter"), result.warnings, result


def boxes(page: str) -> list[Tag]:
    """The answer boxes (``<div class="dlbook-answer" ...>``) of a page, in order."""
    return BeautifulSoup(page, "html.parser").select("div.dlbook-answer")


def hints_of(page: str | Tag) -> list[tuple[str, str]]:
    """(data-value, inner HTML) of every hint, in order."""
    soup = BeautifulSoup(page, "html.parser") if isinstance(page, str) else page
    return [(span["data-value"], span.decode_contents()) for span in soup.select("span.dlbook-answer-hint")]


def scripts(page: str) -> list[str]:
    return [tag["src"] for tag in BeautifulSoup(page, "html.parser").find_all("script", src=True)]


# ---------------------------------------------------------------------------
# Rendered HTML


def test_number_box_markup_is_accessible_and_carries_the_library_value(sphinx_project):
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
    page, warnings, _ = build(sphinx_project, chapter)
    assert warnings.strip() == ""
    [box] = boxes(page)

    expected = losses.binary_cross_entropy([1.0], [0.1])
    assert float(box["data-expect"]) == expected
    assert box["data-tolerance"] == "0.01"
    assert box["data-kind"] == "number"
    assert box["data-unit"] == "nats"

    # a label tied to the input, a submit button (Enter submits the form),
    # and a polite live region the input points at
    form = box.find("form")
    field = form.find("input")
    label = box.find("label", class_="dlbook-answer-label")
    assert label["for"] == field["id"] and label.get_text() == "Your answer"
    button = form.find("button", type="submit")
    assert button is not None and button.get_text() == "Check"
    assert button in field.find_all_next("button")  # the button follows the input
    feedback = box.find("p", class_="dlbook-answer-feedback")
    assert feedback["aria-live"] == "polite" and feedback["role"] == "status"
    assert feedback["id"] in field["aria-describedby"].split()
    assert any(span.get_text() == "nats" for span in box.find_all("span"))

    hints = hints_of(box)
    assert [value for value, _ in hints] == ["2.4", "0.11"]
    assert "<em>(1 - y)</em>" in hints[0][1] and 'class="math' in hints[0][1]
    container = box.find("div", class_="dlbook-answer-hints")
    assert container.has_attr("hidden")


def test_script_and_style_only_on_pages_with_answer_boxes(sphinx_project):
    chapter = exercise(answer_block(":expect: 2 + 2"))
    page, warnings, app = build(sphinx_project, chapter, {"plain": "No boxes here.\n"})
    assert warnings.strip() == ""
    soup = BeautifulSoup(page, "html.parser")
    [script] = [tag for tag in soup.find_all("script", src=True) if "dlbook-answer.js" in tag["src"]]
    assert script["src"].startswith("_static/dlbook-answer.js") and script.has_attr("defer")
    assert [tag for tag in soup.find_all("link", href=True) if tag["href"].startswith("_static/dlbook-answer.css")]
    assert "dlbook-answer" not in app.page("plain")
    static = app.outdir / "_static"
    assert (static / "dlbook-answer.js").read_text() == (answer.STATIC_DIR / "dlbook-answer.js").read_text()
    assert (static / "dlbook-answer.css").is_file()


def test_vector_box_integer_default_prompt_and_plain_exercise(sphinx_project):
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
    page, warnings, _ = build(sphinx_project, chapter)
    assert warnings.strip() == ""
    vector, integer = boxes(page)

    expected = activations.softmax(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal([float(v) for v in vector["data-expect"].split(",")], expected)
    assert vector["data-kind"] == "vector" and vector["data-size"] == "3"
    assert vector.find("label").get_text() == "Probabilities of the three classes"
    assert "3 numbers separated by commas" in vector.get_text()
    assert [value for value, _ in hints_of(vector)] == ["0.33,0.33,0.33"]

    # an integer needs no tolerance: exact match; the prompt has its default
    assert integer["data-expect"] == "13" and integer["data-tolerance"] == "0"
    assert integer.find("label").get_text() == "Your answer"
    # every box on a page has its own ids
    ids = [tag["id"] for tag in BeautifulSoup(page, "html.parser").find_all(id=True) if tag["id"].startswith("answer-")]
    assert ids and len(ids) == len(set(ids))


def test_hint_may_continue_on_an_indented_line(sphinx_project):
    chapter = exercise(answer_block(":expect: 7", hints=("6: Off by one: count", "   the bias too.")))
    page, warnings, _ = build(sphinx_project, chapter)
    assert warnings.strip() == ""
    assert hints_of(page) == [("6", "Off by one: count the bias too.")]


def test_a_wrong_value_can_be_computed_like_expect(sphinx_project):
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
    page, warnings, _ = build(sphinx_project, chapter)
    assert warnings.strip() == ""
    [box] = boxes(page)
    hints = hints_of(box)
    total = 2 * losses.binary_cross_entropy([1, 0], [0.8, 0.3])
    assert [float(value) for value, _ in hints] == [total, -np.log10([0.8, 0.7]).mean()]
    assert hints[0][1] == "That is the sum: divide by the number of samples."


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
def test_bad_directive_is_a_build_error_naming_chapter_and_directive(sphinx_project, case):
    block, message = BAD[case]
    page, warnings, _ = build(sphinx_project, exercise(block))
    errors = [line for line in warnings.splitlines() if "ERROR" in line]
    assert len(errors) == 1, warnings
    assert "chapter.md:" in errors[0]  # file and line
    assert "{answer} directive in chapter.md" in errors[0]
    assert message in errors[0]
    assert "dlbook-answer-form" not in page  # no half-made box


@pytest.mark.parametrize("where", ["top level", "in a solution", "in a note"])
def test_answer_outside_an_exercise_is_a_build_error(sphinx_project, where):
    block = answer_block(":expect: 42")
    chapter = {
        "top level": f"Some text.\n\n{block}\n\n" + exercise("Fine here."),
        "in a solution": exercise("Question.")
        + (f"\n````{{solution-start}} ex-a\n:class: dropdown\n````\n{block}\n````{{solution-end}}\n````\n"),
        "in a note": f"```{{note}}\nA note.\n\n{block}\n```\n",
    }[where]
    page, warnings, _ = build(sphinx_project, chapter)
    errors = [line for line in warnings.splitlines() if "ERROR" in line]
    assert len(errors) == 1, warnings
    assert re.search(
        r"chapter\.md:\d+: ERROR: \{answer\} directive in chapter\.md: an answer box "
        r"must be inside an exercise",
        errors[0],
    )
    assert "dlbook-answer-form" not in page


def test_sphinx_build_with_W_fails_and_names_the_chapter(tmp_path, sphinx_project):
    src = sphinx_project("answer", {"chapter.md": "# Chapter\n\n" + exercise(answer_block(":expect: 0.1 + 0.2"))}).src
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "chapter.md:" in result.stderr and "{answer} directive" in result.stderr
    assert ":tolerance: is required" in result.stderr


def test_answers_are_recomputed_when_a_module_they_use_changes(sphinx_project, monkeypatch):
    """A page with a box is re-read when a dlbook module its expressions name changes (no stale answers)."""
    pages = {
        "index.md": "# Index\n\n```{toctree}\nchapter\narithmetic\nplain\n```\n",
        "chapter.md": "# Chapter\n\n" + exercise(answer_block(":expect: dlbook.losses.mse([1.0, 3.0], [0.0, 0.0])")),
        "arithmetic.md": "# Arithmetic\n\n" + exercise(answer_block(":expect: 6 * 7"), label="ex-b"),
        "plain.md": "# Plain\n",
    }
    project = sphinx_project("answer", pages)

    def run() -> list[str]:
        """Build; return the names of the pages Sphinx re-read."""
        return re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", project.build(fresh=False).status)

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


# ---------------------------------------------------------------------------
# Beyond chapters: hint layout, reST pages, other builders, parallel reads.
# Each builds ``pages`` (name with suffix -> text) under a reST index, from
# roots/test-answer-myst (myst-parser) or roots/test-answer-rst.


def build_pages(
    sphinx_project, pages: dict[str, str], root: str = "answer-myst", builder: str = "html", parallel: int = 0
) -> tuple[Path, str]:
    """Build ``pages`` under an index; return (outdir, warnings)."""
    names = "\n   ".join(Path(name).stem for name in pages)
    files = {"index.rst": f"Index\n=====\n\n.. toctree::\n\n   {names}\n", **pages}
    result = sphinx_project(root, files).build(builder, parallel=parallel)
    return result.outdir, result.warnings


def myst_exercise(*lines: str, label: str = "ex-a") -> str:
    """A MyST page with one exercise holding an answer box of ``lines``."""
    box = "\n".join([":::{answer}", *lines, ":::"])
    return f"# Chapter\n\n```{{exercise}}\n:label: {label}\nQuestion text.\n\n{box}\n```\n"


# ---------------------------------------------------------------------------
# Hint layout


def test_blank_lines_between_hints_and_colons_in_continued_hints(sphinx_project):
    out, warnings = build_pages(
        sphinx_project,
        {
            "chapter.md": myst_exercise(
                ":expect: 12",
                "11: Off by one.",
                "",
                "13: Count again; note: the bias",
                "   counts too: one per neuron.",
            )
        },
    )
    assert warnings.strip() == ""
    page = (out / "chapter.html").read_text(encoding="utf-8")
    assert hints_of(page) == [("11", "Off by one."), ("13", "Count again; note: the bias counts too: one per neuron.")]


def test_a_hint_line_whose_value_is_not_a_number_is_an_error(sphinx_project):
    out, warnings = build_pages(sphinx_project, {"chapter.md": myst_exercise(":expect: 12", "eleven: Off by one.")})
    errors = [line for line in warnings.splitlines() if "ERROR" in line]
    assert len(errors) == 1, warnings
    assert re.search(
        r"chapter\.md:\d+: ERROR: \{answer\} directive in chapter\.md: hint line "
        r"'eleven: Off by one\.' must look like 'wrong value: hint text'",
        errors[0],
    )
    assert "dlbook-answer" not in (out / "chapter.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# A reStructuredText page


RST_PAGE = textwrap.dedent("""\
    Chapter
    =======

    .. exercise::
       :label: ex-rst

       How many parameters has a 3-2-1 network?

       .. answer::
          :expect: 3 * 2 + 2 + 2 * 1 + 1
          :unit: parameters

          {hint}
    """)


def test_the_directive_works_in_a_restructuredtext_page(sphinx_project):
    out, warnings = build_pages(
        sphinx_project, {"chapter.rst": RST_PAGE.format(hint="9: You forgot the *biases*.")}, root="answer-rst"
    )
    assert warnings.strip() == ""
    page = (out / "chapter.html").read_text(encoding="utf-8")
    assert 'data-expect="11"' in page and 'data-tolerance="0"' in page
    assert hints_of(page) == [("9", "You forgot the <em>biases</em>.")]


def test_a_markup_error_in_a_hint_is_a_build_error(sphinx_project):
    """reST's inline parser reports an unclosed emphasis; MyST's never reports one."""
    out, warnings = build_pages(
        sphinx_project, {"chapter.rst": RST_PAGE.format(hint="9: You forgot the *biases.")}, root="answer-rst"
    )
    errors = [line for line in warnings.splitlines() if "ERROR" in line]
    assert len(errors) == 1, warnings
    assert re.search(
        r"chapter\.rst:\d+: ERROR: \{answer\} directive in chapter\.rst: hint "
        r"'You forgot the \*biases\.' has a markup error: .*emphasis",
        errors[0],
    )
    assert "dlbook-answer" not in (out / "chapter.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# Other builders


def test_the_pdf_keeps_the_question_and_drops_the_box(sphinx_project):
    """A box needs the page's script: LaTeX (the PDF) gets the exercise without it.

    (sphinx-exercise renders exercises only to HTML and LaTeX, so the answer
    box's text, man and texinfo skips are never reached from a chapter.)
    """
    out, warnings = build_pages(
        sphinx_project,
        {"chapter.md": myst_exercise(":expect: 12", ":prompt: Number of parameters", "11: Count the biases too.")},
        builder="latex",
    )
    assert warnings.strip() == ""
    written = "\n".join(p.read_text(encoding="utf-8") for p in out.glob("*.tex"))
    assert "Question text." in written
    assert "Number of parameters" not in written and "Count the biases too" not in written


# ---------------------------------------------------------------------------
# Parallel reads


def test_a_parallel_read_still_loads_the_script_on_every_page_with_a_box(sphinx_project):
    """Sphinx reads in parallel (``-j``) only with more than 5 pages; the workers' records
    of which pages have boxes reach the main process through ``env-merge-info``."""
    pages = {f"ch{i}.md": myst_exercise(f":expect: {i} + 1", label=f"ex-{i}") for i in range(6)}
    pages["plain.md"] = "# Plain\n\nNo boxes.\n"
    out, warnings = build_pages(sphinx_project, pages, parallel=2)
    assert warnings.strip() == ""
    for i in range(6):
        page = (out / f"ch{i}.html").read_text(encoding="utf-8")
        assert f'data-expect="{i + 1}"' in page
        assert [src for src in scripts(page) if src.startswith("_static/dlbook-answer.js")], f"ch{i}"
    assert "dlbook-answer" not in (out / "plain.html").read_text(encoding="utf-8")


def test_a_merge_takes_only_the_given_pages_from_the_other_environment():
    class Env:
        pass

    main, other = Env(), Env()
    other.dlbook_answer_docs = {"ch1": "hash-1", "ch2": "hash-2", "ch3": "hash-3"}
    perpage.merge_pages(main, other, ["ch1", "ch3", "ch9"], "dlbook_answer_docs")
    assert main.dlbook_answer_docs == {"ch1": "hash-1", "ch3": "hash-3"}
    perpage.merge_pages(main, Env(), ["ch2"], "dlbook_answer_docs")  # a worker that read no page with a box
    assert main.dlbook_answer_docs == {"ch1": "hash-1", "ch3": "hash-3"}
