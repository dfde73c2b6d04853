"""dlbook.claims: a false sentence fails loudly; claims are counted from source.

The Sphinx side (``{claims-table}``) is built in-process from a tiny project
with sphinx_external_toc, as the book uses it.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from bs4 import BeautifulSoup

import bookdata
from dlbook import claims
from dlbook.sphinx.claims import chapter_claims, toc_docnames


def test_a_true_claim_passes_silently():
    assert claims.check(np.float64(0.11) < 2.30, "a right answer costs less") is None


def test_a_false_claim_names_itself_and_its_evidence():
    with pytest.raises(
        claims.ClaimError,
        match=r"the page claims: dropout stays lower; but this is false "
        r"\(dropout=0\.4, plain=0\.3\)",
    ):
        claims.check(0.4 < 0.3, "dropout stays lower", dropout=0.4, plain=0.3)


def test_a_claim_error_is_an_assertion_error():
    """So that a reader's ``pytest.raises(AssertionError)`` or ``except AssertionError`` catches it."""
    assert issubclass(claims.ClaimError, AssertionError)


def test_numpy_conditions_are_judged_by_truth():
    claims.check(np.all(np.array([1, 2]) > 0), "all positive")
    with pytest.raises(claims.ClaimError):
        claims.check(np.bool_(False), "never")


@pytest.mark.parametrize("claim", ["", "   ", None, 3])
def test_a_claim_must_say_what_it_claims(claim):
    with pytest.raises(TypeError, match="claim must be a non-empty str"):
        claims.check(True, claim)


@pytest.mark.parametrize(
    "code, expected",
    [
        ("claims.check(a < b, 'x')", 1),
        ("from dlbook.claims import check\ncheck(1, 'x')\ncheck(2, 'y')", 2),
        ("for s in seeds:\n    claims.check(s > 0, 'every seed')", 1),
        ("np.testing.assert_allclose(a, b)\nprint('check')", 0),
        ("%timeit claims.check(1, 'x')", 0),  # not Python: a magic
        ("", 0),
    ],
)
def test_count_claims(code, expected):
    assert claims.count_claims(code) == expected


def chapter(body: str) -> str:
    return bookdata.FRONT_MATTER + textwrap.dedent(body)


COUNTED = chapter("""\
    # Counted

    ```{code-cell} ipython3
    from dlbook import claims
    claims.check(1 < 2, "one is less than two")
    ```

    Prose that mentions claims.check(...) is not code.

    ```{code-cell} ipython3
    :tags: [remove-cell]
    claims.check(2 < 3, "two is less than three")
    claims.check(3 < 4, "three is less than four")
    ```
    """)


def test_chapter_claims_counts_code_cells_only(tmp_path):
    path = tmp_path / "counted.md"
    path.write_text(COUNTED)
    assert chapter_claims(path) == 3


def test_claims_table_lists_chapters_with_code_in_toc_order(sphinx_project):
    pages = {"zeta.md": COUNTED, "alpha.md": chapter("# Alpha\n\n```{code-cell} ipython3\nprint(1)\n```\n")}
    result = sphinx_project("claims", pages).build(fresh=False)
    assert "WARNING" not in result.warnings, result.warnings
    soup = BeautifulSoup(result.page("index"), "html.parser")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in soup.select("table.claims-table tbody tr")
    ]
    assert rows == [["Counted", "3"], ["Alpha", "0"], ["All chapters", "3"]]
    assert soup.select_one("table.claims-table a[href='zeta.html']") is not None


def test_toc_docnames_walks_the_book_in_reading_order():
    from sphinx_external_toc.parsing import parse_toc_yaml

    order = toc_docnames(parse_toc_yaml(str(bookdata.ROOT / "_toc.yml")))
    assert order[0] == "book/index"
    assert order == [name for name in bookdata.toc_files(bookdata.ROOT / "_toc.yml")]
