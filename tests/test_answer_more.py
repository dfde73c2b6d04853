"""More of dlbook.sphinx.answer: hint layout, reST pages, other builders, parallel reads.

tests/test_answer.py covers the directive as chapters use it (MyST pages,
HTML). These tests cover what it leaves out, each with a small in-process
build in ``tmp_path``: blank lines and colons in hints, the directive in a
reStructuredText page (whose inline parser reports markup errors), builders
without answer boxes, and a parallel read, whose per-process records of the
pages with boxes must be merged for those pages to load the script.
"""

from __future__ import annotations

import re
import textwrap
from io import StringIO
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from dlbook.sphinx import answer

# ``source_suffix`` is set explicitly: Sphinx 7.4 merges the suffixes that
# extensions register into its *default* dict, which is shared by every app in
# the process, so a myst-parser build would otherwise leave ``.md -> markdown``
# behind for the myst-nb builds of other test files (and the other way round).
MYST_CONF = textwrap.dedent("""\
    extensions = ["myst_parser", "sphinx_exercise", "dlbook.sphinx.answer"]
    myst_enable_extensions = ["colon_fence", "dollarmath"]
    source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
    """)
RST_CONF = textwrap.dedent("""\
    extensions = ["sphinx_exercise", "dlbook.sphinx.answer"]
    source_suffix = {".rst": "restructuredtext"}
    """)


def build(
    tmp_path: Path, pages: dict[str, str], conf: str = MYST_CONF, builder: str = "html", parallel: int = 0
) -> tuple[Path, str]:
    """Build ``pages`` (name with suffix -> text) under an index; return (outdir, warnings)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(conf)
    names = "\n   ".join(Path(name).stem for name in pages)
    (src / "index.rst").write_text(f"Index\n=====\n\n.. toctree::\n\n   {names}\n")
    for name, text in pages.items():
        (src / name).write_text(text)
    warning = StringIO()
    app = SphinxTestApp(
        builder,
        srcdir=src,
        builddir=tmp_path / "build",
        freshenv=True,
        status=StringIO(),
        warning=warning,
        parallel=parallel,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return Path(app.outdir), re.sub(r"\x1b\[[0-9;]*m", "", warning.getvalue())


def myst_exercise(*lines: str, label: str = "ex-a") -> str:
    """A MyST page with one exercise holding an answer box of ``lines``."""
    box = "\n".join([":::{answer}", *lines, ":::"])
    return f"# Chapter\n\n```{{exercise}}\n:label: {label}\nQuestion text.\n\n{box}\n```\n"


def hints_of(page: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<span class="dlbook-answer-hint" data-value="([^"]*)">(.*?)</span>'
        r'(?=<span class="dlbook|</div>)',
        page,
        flags=re.S,
    )


# ---------------------------------------------------------------------------
# Hint layout


def test_blank_lines_between_hints_and_colons_in_continued_hints(tmp_path):
    out, warnings = build(
        tmp_path,
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


def test_a_hint_line_whose_value_is_not_a_number_is_an_error(tmp_path):
    out, warnings = build(tmp_path, {"chapter.md": myst_exercise(":expect: 12", "eleven: Off by one.")})
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


def test_the_directive_works_in_a_restructuredtext_page(tmp_path):
    out, warnings = build(tmp_path, {"chapter.rst": RST_PAGE.format(hint="9: You forgot the *biases*.")}, conf=RST_CONF)
    assert warnings.strip() == ""
    page = (out / "chapter.html").read_text(encoding="utf-8")
    assert 'data-expect="11"' in page and 'data-tolerance="0"' in page
    assert hints_of(page) == [("9", "You forgot the <em>biases</em>.")]


def test_a_markup_error_in_a_hint_is_a_build_error(tmp_path):
    """reST's inline parser reports an unclosed emphasis; MyST's never reports one."""
    out, warnings = build(tmp_path, {"chapter.rst": RST_PAGE.format(hint="9: You forgot the *biases.")}, conf=RST_CONF)
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


def test_the_pdf_keeps_the_question_and_drops_the_box(tmp_path):
    """A box needs the page's script: LaTeX (the PDF) gets the exercise without it.

    (sphinx-exercise renders exercises only to HTML and LaTeX, so the answer
    box's text, man and texinfo skips are never reached from a chapter.)
    """
    out, warnings = build(
        tmp_path,
        {"chapter.md": myst_exercise(":expect: 12", ":prompt: Number of parameters", "11: Count the biases too.")},
        builder="latex",
    )
    assert warnings.strip() == ""
    written = "\n".join(p.read_text(encoding="utf-8") for p in out.glob("*.tex"))
    assert "Question text." in written
    assert "Number of parameters" not in written and "Count the biases too" not in written


# ---------------------------------------------------------------------------
# Parallel reads


def test_a_parallel_read_still_loads_the_script_on_every_page_with_a_box(tmp_path):
    """Sphinx reads in parallel (``-j``) only with more than 5 pages; the workers' records
    of which pages have boxes reach the main process through ``env-merge-info``."""
    pages = {f"ch{i}.md": myst_exercise(f":expect: {i} + 1", label=f"ex-{i}") for i in range(6)}
    pages["plain.md"] = "# Plain\n\nNo boxes.\n"
    out, warnings = build(tmp_path, pages, parallel=2)
    assert warnings.strip() == ""
    for i in range(6):
        page = (out / f"ch{i}.html").read_text(encoding="utf-8")
        assert f'data-expect="{i + 1}"' in page
        assert re.search(r'<script defer="defer" src="_static/dlbook-answer\.js', page), f"ch{i}"
    assert "dlbook-answer" not in (out / "plain.html").read_text(encoding="utf-8")


def test_merge_info_takes_only_the_given_pages_from_the_other_environment():
    class Env:
        pass

    main, other = Env(), Env()
    other.dlbook_answer_docs = {"ch1": "hash-1", "ch2": "hash-2", "ch3": "hash-3"}
    answer.merge_info(None, main, ["ch1", "ch3", "ch9"], other)
    assert main.dlbook_answer_docs == {"ch1": "hash-1", "ch3": "hash-3"}
    answer.merge_info(None, main, ["ch2"], Env())  # a worker that read no page with a box
    assert main.dlbook_answer_docs == {"ch1": "hash-1", "ch3": "hash-3"}
