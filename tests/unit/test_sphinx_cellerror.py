"""dlbook.sphinx.cellerror: the block an author reads when a chapter's cell raises."""

from __future__ import annotations

import bookdata
from dlbook.sphinx.cellerror import code_cells, describe_failure

CHAPTER = (
    bookdata.FRONT_MATTER
    + """
# Sigmoid

```{code-cell} ipython3
import numpy as np
```

```{code-cell} ipython3
---
tags: [hide-input]
---
z = np.linspace(-6, 6, 7)
slope = sigmoid_derivatve(z)
print(slope)
```

```{code-cell} ipython3
:tags: [remove-cell]

claims.check(1 > 2, "one exceeds two")
```
"""
)


def recorded(source: str, tb: str) -> str:
    """What nbclient records, colours included."""
    return (
        'Traceback (most recent call last):\n  File "nbclient/client.py", line 918\n'
        "nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:\n"
        f"------------------\n{source}\n------------------\n\n\n{tb}\n"
    )


def test_code_cells_know_where_their_code_starts():
    cells = code_cells(CHAPTER)
    assert [c.number for c in cells] == [1, 2, 3]
    lines = CHAPTER.splitlines()
    for cell in cells:
        assert lines[cell.first_line - 1] == cell.source.splitlines()[0]


def test_a_name_error_names_file_cell_line_and_marks_the_line():
    source = code_cells(CHAPTER)[1].source
    tb = (
        "\x1b[31mNameError\x1b[39m   Traceback (most recent call last)\n"
        "\x1b[36mCell\x1b[39m In[2], line 2\n      1 z = np.linspace(-6, 6, 7)\n"
        "----> 2 slope = sigmoid_derivatve(z)\n\n"
        "\x1b[31mNameError\x1b[39m: name 'sigmoid_derivatve' is not defined"
    )
    block = describe_failure("book/sigmoid.md", CHAPTER, recorded(source, tb))
    line = CHAPTER.splitlines().index("slope = sigmoid_derivatve(z)") + 1
    first, *rest = block.splitlines()
    assert first == f"book/sigmoid.md, cell 2 (line {line}): NameError: name 'sigmoid_derivatve' is not defined"
    assert f"--> {line:4d} | slope = sigmoid_derivatve(z)" in block
    assert "\x1b" not in block
    assert len(block.splitlines()) <= len(source.splitlines()) + 15


def test_an_error_raised_deeper_shows_where():
    source = code_cells(CHAPTER)[2].source
    tb = (
        "ClaimError   Traceback (most recent call last)\nCell In[3], line 1\n"
        '----> 1 claims.check(1 > 2, "one exceeds two")\n\n'
        "File /src/dlbook/claims.py:58, in check(condition, claim, **evidence)\n"
        "     57     details = 1\n---> 58     raise ClaimError(message)\n\n"
        "ClaimError: the page claims: one exceeds two; but this is false"
    )
    block = describe_failure("book/sigmoid.md", CHAPTER, recorded(source, tb))
    assert block.splitlines()[0].startswith("book/sigmoid.md, cell 3 (line ")
    assert block.splitlines()[0].endswith("ClaimError: the page claims: one exceeds two; but this is false")
    assert "File /src/dlbook/claims.py:58, in check" in block


def test_a_traceback_without_a_cell_still_names_the_file():
    block = describe_failure("book/x.md", CHAPTER, "TimeoutError: the cell timed out after 300 s")
    assert block.splitlines()[0] == "book/x.md: TimeoutError: the cell timed out after 300 s"


def test_a_cell_the_chapter_no_longer_has_is_shown_from_the_record():
    tb = "Cell In[9], line 1\n----> 1 boom()\n\nNameError: name 'boom' is not defined"
    block = describe_failure("book/x.md", CHAPTER, recorded("boom()", tb))
    assert block.splitlines()[0] == "book/x.md: NameError: name 'boom' is not defined"
    assert "--> " in block and "boom()" in block
