"""The ``{claims-table}`` directive: how many claims of each chapter the build checks.

A chapter backs each sentence about a result with a hidden call of
:func:`dlbook.claims.check`, which fails the build when the sentence stops
being true. This directive writes a table with one row per chapter that has
code (in table-of-contents order) and the number of such calls in it, read
from the chapters' sources with jupytext. The page that holds the table
depends on every chapter file, so it is rebuilt whenever a chapter changes::

    ```{claims-table}
    ```

Register it with ``extra_extensions: [dlbook.sphinx.claims]``.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from dlbook.claims import count_claims
from dlbook.sphinx.project import has_code_cells, toc_docnames


def chapter_claims(path: Path) -> int:
    """The number of :func:`dlbook.claims.check` calls in a chapter's code cells."""
    notebook = jupytext.read(path, fmt="md:myst")
    return sum(count_claims(cell.source) for cell in notebook.cells if cell.cell_type == "code")


class ClaimsTable(SphinxDirective):
    """A table: each chapter with code, and how many of its claims the build checks."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        site_map = getattr(self.env, "external_site_map", None) or getattr(self.config, "external_site_map", None)
        docnames = toc_docnames(site_map) if site_map is not None else sorted(self.env.found_docs)
        rows = []
        for docname in docnames:
            path = Path(self.env.doc2path(docname))
            if not path.is_file() or not has_code_cells(path.read_text(encoding="utf-8")):
                continue
            self.env.note_dependency(str(path))
            rows.append((docname, chapter_claims(path)))
        return [self._table(rows)]

    def _table(self, rows: list[tuple[str, int]]) -> nodes.table:
        table = nodes.table(classes=["claims-table"])
        group = nodes.tgroup(cols=2)
        table += group
        group += nodes.colspec(colwidth=4)
        group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        head += self._row(nodes.Text("Chapter"), nodes.Text("Checked claims"))
        group += head
        body = nodes.tbody()
        for docname, count in rows:
            link = addnodes.pending_xref(
                "", refdomain="std", reftype="doc", reftarget="/" + docname, refexplicit=False, refdoc=self.env.docname
            )
            link += nodes.inline(docname, docname)
            body += self._row(link, nodes.Text(str(count)))
        body += self._row(nodes.strong("", "All chapters"), nodes.strong("", str(sum(count for _, count in rows))))
        group += body
        return table

    @staticmethod
    def _row(*cells: nodes.Node) -> nodes.row:
        row = nodes.row()
        for content in cells:
            entry = nodes.entry()
            entry += nodes.paragraph("", "", content)
            row += entry
        return row


def setup(app: Sphinx) -> dict:
    app.add_directive("claims-table", ClaimsTable)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
