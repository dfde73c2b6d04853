"""The build fails loudly and names the culprit; its cache is never stale.

These tests build small books in a temporary folder with the real build
script (tools/build.py) and the real _config.yml, so they exercise exactly what
`make book` runs. Each build takes a few seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import bookdata
from bookcopy import GOOD, build, chapter, make_book

ROOT = bookdata.ROOT


def test_a_raising_cell_fails_the_build_and_names_the_chapter(tmp_path):
    bad = chapter("""\
        # A broken chapter

        ```{code-cell} ipython3
        ratio = 1 / 0
        ```
        """)
    root = make_book(tmp_path, {"good": GOOD, "broken": bad})
    result = build(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    tail = "\n".join(output.splitlines()[-40:])
    # One block, at the end: file, cell, line of the file, exception, the failing line marked.
    assert "book/broken.md, cell 1 (line 16): ZeroDivisionError: division by zero" in tail, output
    assert "-->   16 | ratio = 1 / 0" in tail
    assert output.count("ZeroDivisionError") == 1, "the error should be printed once"
    assert "report this" not in output.lower(), "no Sphinx crash text"
    log = root / "_build" / "logs" / "broken.log"
    assert "ZeroDivisionError" in log.read_text() and str(log.relative_to(root)) in tail


def test_a_cell_tagged_raises_exception_does_not_fail_the_build(tmp_path):
    teaching = chapter("""\
        # Teaching an error

        ```{code-cell} ipython3
        :tags: [raises-exception]
        int("seven")
        ```
        """)
    result = build(make_book(tmp_path, {"teaching": teaching}))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "body, expected",
    [
        ("# Broken link\n\nSee {doc}`no-such-chapter`.\n", ["refs.md", "no-such-chapter"]),
        ("# Broken ref\n\nSee {ref}`no-such-label`.\n", ["refs.md", "no-such-label"]),
        # sphinx-exercise reports this one against the root page, so the label names it.
        (
            "# Bad solution\n\n````{solution} no-such-exercise\n:class: dropdown\n\nText.\n````\n",
            ["undefined label: no-such-exercise"],
        ),
    ],
    ids=["doc", "ref", "exercise-label"],
)
def test_a_broken_reference_fails_the_build_named(tmp_path, body, expected):
    result = build(make_book(tmp_path, {"refs": body}))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for text in expected:
        assert text in output


def test_a_missing_toc_file_fails_the_build_named(tmp_path):
    root = make_book(tmp_path, {"good": GOOD})
    (root / "book" / "good.md").unlink()
    result = build(root)
    assert result.returncode != 0
    assert "book/good.md" in result.stdout + result.stderr


def test_cache_reexecutes_only_what_changed(tmp_path):
    other = chapter("""\
        # Another chapter

        ```{code-cell} ipython3
        print(6 * 7)
        ```
        """)
    root = make_book(tmp_path, {"good": GOOD, "other": other})

    first = build(root)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "2 executed, 0 from cache" in first.stdout

    unchanged = build(root)
    assert unchanged.returncode == 0
    assert "0 executed, 2 from cache" in unchanged.stdout

    page = root / "book" / "other.md"
    page.write_text(page.read_text().replace("6 * 7", "6 * 9"))
    one_edit = build(root)
    assert "1 executed, 1 from cache" in one_edit.stdout
    assert "54" in (root / "_build/html/book/other.html").read_text()

    init = root / "src" / "dlbook" / "__init__.py"
    init.write_text(init.read_text() + '\nTEST_MARKER = "edited"\n')
    src_edit = build(root)
    assert src_edit.returncode == 0, src_edit.stdout + src_edit.stderr
    # Only "good" imports dlbook; "other" runs no library code.
    assert "1 executed, 1 from cache" in src_edit.stdout
    assert "marker: edited" in (root / "_build/html/book/good.html").read_text()


def uses(module: str) -> str:
    return chapter(f"""\
        # Uses {module}

        ```{{code-cell}} ipython3
        from dlbook import {module}
        print("marker:", getattr({module}, "TEST_MARKER", "original"))
        ```
        """)


def cache_uris(root: Path) -> dict[str, float]:
    from jupyter_cache import get_cache

    return {Path(r.uri).stem: r.created for r in get_cache(str(root / "_build/.jupyter_cache")).list_cache_records()}


@pytest.mark.parametrize("command", ["make book", "jupyter-book build ."])
def test_a_library_edit_reexecutes_exactly_the_chapters_that_import_it(tmp_path, command):
    """scratch imports losses; descent imports neither: an edit to losses.py reaches
    the chapters that import losses directly or through scratch, and no other,
    whether the author builds with the build script or with plain jupyter-book."""
    root = make_book(tmp_path, {"direct": uses("losses"), "indirect": uses("scratch"), "unrelated": uses("descent")})
    first = build(root)
    assert first.returncode == 0, first.stdout + first.stderr
    before = cache_uris(root)
    assert sorted(before) == ["direct", "indirect", "unrelated"]

    losses = root / "src" / "dlbook" / "losses.py"
    losses.write_text(losses.read_text() + '\nTEST_MARKER = "edited"\n')
    if command == "make book":
        again = build(root)
    else:
        env = dict(os.environ, PYTHONPATH=str(root / "src"))
        again = subprocess.run(
            [str(Path(sys.executable).parent / "jupyter-book"), "build", "."],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert again.returncode == 0, again.stdout + again.stderr
    after = cache_uris(root)
    rerun = sorted(name for name in after if after[name] != before[name])
    assert rerun == ["direct", "indirect"]
    assert "marker: edited" in (root / "_build/html/book/direct.html").read_text()
    # The old records of the re-executed chapters were pruned: one record per chapter.
    from jupyter_cache import get_cache

    assert len(get_cache(str(root / "_build/.jupyter_cache")).list_cache_records()) == 3

    # Whoever executed last (Sphinx itself, for a plain jupyter-book build), the
    # build script's parallel pre-execution runs the next edit, and Sphinx only
    # reads its result back: no chapter runs twice.
    page = root / "book" / "direct.md"
    page.write_text(page.read_text().replace('"original"', '"again"'))
    third = build(root)
    assert third.returncode == 0, third.stdout + third.stderr
    assert "pre-executing 1 chapter(s)" in third.stdout
    assert "Executing notebook" not in third.stdout + third.stderr


def test_checking_one_chapter_reuses_the_cache_and_reports_only_its_own_problems(tmp_path):
    broken_ref = chapter("""\
        # Another chapter

        See {ref}`no-such-label`.

        ```{code-cell} ipython3
        print(6 * 7)
        ```
        """)
    root = make_book(tmp_path, {"good": GOOD, "other": broken_ref})
    assert build(root).returncode != 0  # "other" has a broken reference
    page = root / "book" / "good.md"
    page.write_text(page.read_text().replace('"original"', '"changed"'))
    check = build(root, "--only", "book/good.md")
    output = check.stdout + check.stderr
    assert check.returncode == 0, output
    assert "no-such-label" not in output, "another chapter's warning was printed"
    assert "1 executed" in check.stdout
    # The result went into the main cache: the full build finds it there.
    good_records = [uri for uri in cache_uris(root) if uri == "good"]
    assert good_records == ["good"]

    page.write_text(page.read_text() + "\nSee {ref}`a-missing-label`.\n")
    check = build(root, "--only", "book/good.md")
    assert check.returncode != 0
    assert "good.md" in check.stderr and "a-missing-label" in check.stderr


def test_a_chapter_without_front_matter_names_the_file_and_the_lines_to_copy(tmp_path):
    bare = "# No front matter\n\n```{code-cell} ipython3\nprint(1)\n```\n"
    result = build(make_book(tmp_path, {"bare": bare}))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "bare.md" in output
    assert "jupytext:" in output and "kernelspec:" in output, "the lines to copy are shown"


def test_a_false_claim_fails_the_build_and_names_chapter_and_claim(tmp_path):
    claimed = chapter("""\
        # A chapter that overstates

        ```{code-cell} ipython3
        from dlbook import claims
        accuracy = 0.61
        ```

        The network is right on nine cases out of ten.

        ```{code-cell} ipython3
        :tags: [remove-cell]
        claims.check(accuracy >= 0.9, "the network is right on nine cases out of ten", accuracy=accuracy)
        ```
        """)
    result = build(make_book(tmp_path, {"claimed": claimed}))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "claimed.md" in output
    assert "ClaimError" in output
    assert "the page claims: the network is right on nine cases out of ten; but this is false" in output
    assert "accuracy=0.61" in output


def test_the_chapter_template_builds_as_a_chapter(tmp_path):
    """book/_template.md is what CONTRIBUTING.md tells authors to copy: it must build cleanly."""
    glossary = (
        "# Glossary\n\n```{glossary}\nneuron\n  A unit that computes.\n\n"
        "activation\n  The function a neuron applies.\n```\n"
    )
    template = (ROOT / "book" / "_template.md").read_text()
    root = make_book(tmp_path, {"sigmoid-saturation": template, "glossary": glossary})
    result = build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (root / "_build/html/book/sigmoid-saturation.html").read_text()
    assert "more than a hundred times smaller" in page
    assert "% The chapter template" not in page, "comments must not reach the page"


def test_a_misspelled_glue_key_and_term_get_a_did_you_mean(tmp_path):
    glossary = "# Glossary\n\n```{glossary}\nlogit\n  A score before the softmax.\n```\n"
    typos = chapter("""\
        # Typos

        ```{code-cell} ipython3
        from myst_nb import glue
        glue("ty_bce_bad", 2.3026, display=False)
        ```

        The loss is {glue:text}`ty_bce_bda:.2f` for a {term}`logits`.
        """)
    result = build(make_book(tmp_path, {"typos": typos, "glossary": glossary}))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Did you mean the glue key 'ty_bce_bad'?" in output, output
    assert "term not in glossary: 'logits'. Did you mean the term 'logit'?" in output, output
    assert "Terms are defined in book/glossary.md" in output
