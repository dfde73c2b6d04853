"""What the build knows about the book's files, in one place.

The Sphinx extensions, the build script (``tools/build.py``), the benchmark
and the tests all ask the same two questions: which pages does the table of
contents list, in reading order, and does a page have code cells (so it is
executed, counted and offered as a notebook)? Each has one answer here.
"""

from __future__ import annotations

import re
from pathlib import Path

CODE_CELL = re.compile(r"^\s*(`{3,}|~{3,})\s*\{code-cell\}", re.MULTILINE)


def has_code_cells(text: str) -> bool:
    """Whether a MyST Markdown text has at least one ``{code-cell}``.

    >>> has_code_cells("```{code-cell} ipython3\\n1 + 1\\n```")
    True
    >>> has_code_cells("```python\\n1 + 1\\n```")
    False
    """
    return bool(CODE_CELL.search(text))


def toc_docnames(site_map) -> list[str]:
    """Every document of a ``sphinx_external_toc`` site map, root first, in reading order."""
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname in order or docname not in site_map:
            return
        order.append(docname)
        for subtree in site_map[docname].subtrees:
            for item in subtree.items:
                if isinstance(item, str):
                    visit(item)

    visit(site_map.root.docname)
    return order


def toc_files(toc_path: Path | str) -> list[str]:
    """Every page a ``_toc.yml`` lists, root first, in reading order, without suffix.

    Read with ``sphinx_external_toc``, the parser Jupyter Book itself uses.
    """
    from sphinx_external_toc.parsing import parse_toc_yaml

    return toc_docnames(parse_toc_yaml(str(toc_path)))
