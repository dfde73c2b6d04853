"""Chapters as notebooks: downloads with outputs, and a front-matter check.

What this extension does, for every chapter (a MyST Markdown file with
```` ```{code-cell} ```` cells):

* **The front matter is checked** when the page is read. A chapter with code
  cells but no ``kernelspec`` (with a ``name``), or without the jupytext
  header (``format_name: myst``), is a build error naming the file: without
  the kernelspec the page gets no launch or live-code buttons, and without
  the jupytext header Binder would open the chapter as plain text.
* **The ``.ipynb`` download** (the theme's download menu links to
  ``_sources/<chapter>.ipynb``) is rebuilt when the build finishes: the cells
  come from jupytext reading the chapter, exactly what Binder opens, and the
  outputs from the execution myst-nb did for the page (its jupyter-cache, or
  ``_build/jupyter_execute/<chapter>.ipynb`` when not caching). The download
  therefore opens with the same figures and numbers as the page.

Thebe (live code) needs nothing here: sphinx-book-theme adds the "Live Code"
launch button when ``launch_buttons: thebe: true``, and thebe itself is
fetched only when the reader presses it. (The duplicate thebe configuration
script that Sphinx 7.4 writes is removed by :mod:`dlbook.sphinx.assets`.)

Register it with ``extra_extensions: [dlbook.sphinx.notebooks]``.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml
from sphinx.application import Sphinx
from sphinx.util import logging

from dlbook.sphinx.project import has_code_cells

logger = logging.getLogger(__name__)

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(\n|\Z)", re.DOTALL)


#: The front matter every chapter starts with: the jupytext header (Binder opens
#: the file as a notebook) and the kernelspec (launch and live-code buttons).
FRONT_MATTER_LINES = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
    jupytext_version: 1.19.6
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def front_matter(text: str) -> dict[str, Any]:
    """The YAML front matter of a MyST Markdown text ({} if there is none)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def front_matter_problems(text: str) -> list[str]:
    """What a chapter with code cells lacks to open as a notebook (empty if nothing).

    >>> front_matter_problems("# No code here")
    []
    >>> front_matter_problems("# Title\\n```{code-cell} ipython3\\n1\\n```")[0]
    'no kernelspec in the front matter (kernelspec: name: python3)'
    """
    if not has_code_cells(text):
        return []
    meta = front_matter(text)
    problems = []
    kernelspec = meta.get("kernelspec")
    if not isinstance(kernelspec, dict) or not kernelspec.get("name"):
        problems.append("no kernelspec in the front matter (kernelspec: name: python3)")
    header = meta.get("jupytext")
    representation = header.get("text_representation") if isinstance(header, dict) else None
    if not isinstance(representation, dict) or representation.get("format_name") != "myst":
        problems.append("no jupytext header in the front matter (jupytext: text_representation: format_name: myst)")
    return problems


# --------------------------------------------------------------------------
# Events


def check_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    problems = front_matter_problems(source[0])
    if problems:
        path = app.env.doc2path(docname, False)
        logger.error(
            f"{path} has code cells but {' and '.join(problems)}: the chapter would get "
            f"no Binder or live-code launch and Binder could not open it as a notebook. "
            f"Start the file with these lines (as book/_template.md does):\n" + FRONT_MATTER_LINES,
            location=(docname, 1),
            type="dlbook",
            subtype="notebooks",
        )


def executed_notebook(app: Sphinx, docname: str, notebook):
    """The executed version of ``notebook`` (a NotebookNode), or None if there is none.

    In ``cache`` mode the outputs come from the jupyter-cache: on a cache hit
    myst-nb 1.4 writes ``jupyter_execute/<chapter>.ipynb`` *without* outputs
    (it saves the notebook it read, not the one merged from the cache), so
    that file is used only in the other modes, where it holds the outputs.
    """
    import nbformat

    config = getattr(app.env, "mystnb_config", None)
    if config is not None and config.execution_mode == "cache" and config.execution_cache_path:
        from jupyter_cache import get_cache

        from dlbook.sphinx.cache import KEY, add_key

        if "dlbook.sphinx.cache" in app.extensions:
            # The cache knows the notebook by its code and its library source key.
            notebook = add_key(copy.deepcopy(notebook))
        try:
            merged = get_cache(config.execution_cache_path).merge_match_into_notebook(notebook)[1]
        except KeyError:  # not in the cache (e.g. excluded from execution)
            pass
        else:
            merged.metadata.get("kernelspec", {}).pop(KEY, None)
            return merged
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"
    if executed.is_file():
        return nbformat.read(executed, as_version=4)
    return None


def merge_outputs(notebook, ran) -> None:
    """Copy the outputs of the executed notebook ``ran`` into ``notebook``, cell by cell.

    Raises ValueError when the two disagree on the code cells.
    """
    ours = [c for c in notebook.cells if c.cell_type == "code"]
    theirs = [c for c in ran.cells if c.cell_type == "code"]
    if len(ours) != len(theirs):
        raise ValueError(f"jupytext reads {len(ours)} code cells but the executed notebook has {len(theirs)}")
    for number, (cell, done) in enumerate(zip(ours, theirs), start=1):
        if cell.source.strip() != done.source.strip():
            raise ValueError(f"code cell {number} differs between jupytext and the executed notebook")
        cell.outputs = done.get("outputs", [])
        cell.execution_count = done.get("execution_count")
    if "language_info" in ran.metadata:
        notebook.metadata["language_info"] = ran.metadata["language_info"]


def write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    """Write ``_sources/<chapter>.ipynb`` (cells by jupytext, outputs from the execution)."""
    if exception is not None or getattr(app.builder, "format", None) != "html":
        return
    import jupytext

    outdir = Path(app.outdir)
    for docname in sorted(app.env.found_docs):
        source = Path(app.env.doc2path(docname))
        if source.suffix != ".md" or not source.is_file():
            continue
        text = source.read_text(encoding="utf-8")
        target = outdir / "_sources" / f"{docname}.ipynb"
        # A page without code still gets a download if the theme offered one
        # (it copies myst-nb's notebook, whose cell ids are random).
        if front_matter_problems(text) or not (has_code_cells(text) or target.is_file()):
            continue
        where = app.env.doc2path(docname, False)
        notebook = jupytext.reads(text, fmt="md:myst")
        for number, cell in enumerate(notebook.cells):
            cell.id = f"cell-{number}"  # jupytext draws random ids: keep downloads reproducible
        ran = executed_notebook(app, docname, notebook)
        if ran is None and has_code_cells(text):
            logger.warning(
                f"{where}: no executed notebook found; the .ipynb download has no outputs",
                type="dlbook",
                subtype="notebooks",
            )
        elif ran is not None:
            try:
                merge_outputs(notebook, ran)
            except ValueError as err:
                logger.error(f"{where}: cannot build the .ipynb download: {err}", type="dlbook", subtype="notebooks")
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        jupytext.write(notebook, target, fmt="ipynb")


def setup(app: Sphinx) -> dict:
    app.connect("source-read", check_front_matter)
    app.connect("build-finished", write_notebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
