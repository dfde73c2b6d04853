"""dlbook.sphinx.notebooks: the front-matter check and the ``.ipynb`` download.

The helpers are tested directly; the events through small in-process Sphinx
builds of ``roots/test-notebooks`` (myst-nb and the extension, as the book
registers them). Execution is avoided where it is not the point: in cache mode the
jupyter-cache is seeded with an "executed" notebook whose output no kernel
would print, so a download that carries it must have come from the cache.
One test runs a real kernel (``force`` mode, about a second).
The last tests build through ``python -m sphinx -W`` in a subprocess, as a
reader's or CI's plain build would.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import jupytext
import nbformat
import pytest

import bookdata
from dlbook.sphinx import notebooks

HEADER = bookdata.FRONT_MATTER
CHAPTER = HEADER + "# Chapter\n\nText.\n\n```{code-cell} ipython3\nprint(6 * 7)\n```\n"


# ---------------------------------------------------------------------------
# Helpers


def project(sphinx_project, pages: dict[str, str], mode: str = "off", conf: str = ""):
    """roots/test-notebooks with an index whose toctree lists ``pages``, and the pages.

    A page name with a suffix (``other.rst``) is written as is; others get ``.md``.
    The jupyter-cache is ``tmp_path / "cache"``.
    """
    names = [Path(name).stem for name in pages]
    files = {(name if Path(name).suffix else f"{name}.md"): text for name, text in pages.items()}
    files["index.md"] = "# Index\n\n```{toctree}\n" + "\n".join(names) + "\n```\n"
    return sphinx_project("notebooks", files, conf=f'nb_execution_mode = "{mode}"\n' + conf)


def build(project, builder: str = "html", fresh: bool = True):
    """Build in-process into ``tmp_path / "build"``; return the app and the warnings."""
    result = project.build(builder, fresh=fresh)
    return result.app, result.warnings


def download(app, docname: str = "chapter") -> nbformat.NotebookNode:
    return nbformat.read(Path(app.outdir) / "_sources" / f"{docname}.ipynb", as_version=4)


def code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def stdout_of(cell) -> str:
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")


def executed(source_text: str, printed: str) -> nbformat.NotebookNode:
    """The notebook jupytext reads from ``source_text``, as if each code cell printed ``printed``."""
    notebook = jupytext.reads(source_text, fmt="md:myst")
    for count, cell in enumerate(code_cells(notebook), start=1):
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
        cell.execution_count = count
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11"}
    return notebook


# ---------------------------------------------------------------------------
# The text helpers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("```{code-cell} ipython3\n1\n```", True),
        ("````{code-cell} ipython3\n1\n````", True),
        ("~~~{code-cell} ipython3\n1\n~~~", True),
        ("Text.\n\n  ```{code-cell}\n1\n  ```", True),  # indented (inside a list item)
        ("```python\n1 + 1\n```", False),
        ("Write cells with {code-cell} directives.", False),  # mentioned in prose, not a cell
        ("```{code-block} python\n1\n```", False),
    ],
)
def test_has_code_cells(text, expected):
    assert notebooks.has_code_cells(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("---\ntitle: A\nkernelspec:\n  name: python3\n---\n# A\n", {"title": "A", "kernelspec": {"name": "python3"}}),
        ("---\ntitle: A\n---", {"title": "A"}),  # closing fence at the very end of the file
        ("# No front matter\n---\ntitle: A\n---\n", {}),  # a fence later in the text is not front matter
        ("---\ntitle: [unclosed\n---\n", {}),  # malformed YAML
        ("---\n- a list\n- not a mapping\n---\n", {}),
        ("---\njust text\n---\n", {}),
        ("", {}),
    ],
)
def test_front_matter(text, expected):
    assert notebooks.front_matter(text) == expected


CELL = "# T\n\n```{code-cell} ipython3\n1\n```\n"
NO_KERNELSPEC = "no kernelspec in the front matter (kernelspec: name: python3)"
NO_JUPYTEXT = "no jupytext header in the front matter (jupytext: text_representation: format_name: myst)"


@pytest.mark.parametrize(
    "text, expected",
    [
        (HEADER + CELL, []),
        (HEADER + "# No code\n", []),
        ("# No code and no front matter\n", []),
        (CELL, [NO_KERNELSPEC, NO_JUPYTEXT]),
        (HEADER.replace("  name: python3\n", "") + CELL, [NO_KERNELSPEC]),  # kernelspec without a name
        (
            "---\nkernelspec: python3\n" + HEADER[4 : HEADER.index("kernelspec")] + "---\n" + CELL,
            [NO_KERNELSPEC],
        ),  # kernelspec is a string, not a mapping
        (HEADER.replace("format_name: myst", "format_name: markdown") + CELL, [NO_JUPYTEXT]),
        ("---\njupytext:\n  text_representation: myst\nkernelspec:\n  name: python3\n---\n" + CELL, [NO_JUPYTEXT]),
        # jupytext not a mapping: reported as a problem, not an AttributeError in the source-read handler
        ("---\njupytext: myst\nkernelspec:\n  name: python3\n---\n" + CELL, [NO_JUPYTEXT]),
        ("---\njupytext: [1, 2]\n---\n" + CELL, [NO_KERNELSPEC, NO_JUPYTEXT]),
    ],
)
def test_front_matter_problems(text, expected):
    assert notebooks.front_matter_problems(text) == expected


# ---------------------------------------------------------------------------
# merge_outputs and executed_notebook


def test_merge_outputs_copies_outputs_counts_and_language_info():
    text = HEADER + "# T\n\nProse.\n\n```{code-cell} ipython3\nx = 1\n```\n\n```{code-cell} ipython3\nprint(x)\n```\n"
    notebook = jupytext.reads(text, fmt="md:myst")
    ran = executed(text, "1\n")
    ran.cells[0].source = "# Prose changed after execution: markdown does not matter"
    code_cells(ran)[0].source = "  x = 1\n\n"  # surrounding whitespace does not matter either

    notebooks.merge_outputs(notebook, ran)

    assert [stdout_of(c) for c in code_cells(notebook)] == ["1\n", "1\n"]
    assert [c.execution_count for c in code_cells(notebook)] == [1, 2]
    assert [c.source for c in code_cells(notebook)] == ["x = 1", "print(x)"]  # jupytext's cells kept
    assert notebook.cells[0].source.startswith("# T")
    assert notebook.metadata["language_info"]["name"] == "python"
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    nbformat.validate(notebook)


def test_merge_outputs_without_outputs_or_language_info():
    notebook = jupytext.reads(CHAPTER, fmt="md:myst")
    ran = jupytext.reads(CHAPTER, fmt="md:myst")
    del code_cells(ran)[0]["outputs"]
    notebooks.merge_outputs(notebook, ran)
    assert code_cells(notebook)[0].outputs == []
    assert code_cells(notebook)[0].execution_count is None
    assert "language_info" not in notebook.metadata


def test_merge_outputs_refuses_a_different_number_of_code_cells():
    notebook = jupytext.reads(CHAPTER, fmt="md:myst")
    ran = executed(CHAPTER + "\n```{code-cell} ipython3\n1\n```\n", "x\n")
    with pytest.raises(ValueError, match="jupytext reads 1 code cells but the executed notebook has 2"):
        notebooks.merge_outputs(notebook, ran)


def test_merge_outputs_refuses_a_cell_that_differs():
    text = CHAPTER + "\n```{code-cell} ipython3\n1 + 1\n```\n"
    notebook = jupytext.reads(text, fmt="md:myst")
    ran = executed(text.replace("1 + 1", "1 + 2"), "x\n")
    with pytest.raises(ValueError, match="code cell 2 differs"):
        notebooks.merge_outputs(notebook, ran)


def fake_app(outdir: Path, mystnb_config=None) -> SimpleNamespace:
    return SimpleNamespace(outdir=str(outdir), env=SimpleNamespace(mystnb_config=mystnb_config))


def test_executed_notebook_reads_jupyter_execute_outside_cache_mode(tmp_path):
    notebook = jupytext.reads(CHAPTER, fmt="md:myst")
    app = fake_app(tmp_path / "html", SimpleNamespace(execution_mode="force", execution_cache_path="x"))
    assert notebooks.executed_notebook(app, "part/chapter", notebook) is None
    target = tmp_path / "jupyter_execute" / "part" / "chapter.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(executed(CHAPTER, "42\n"), target)
    ran = notebooks.executed_notebook(app, "part/chapter", notebook)
    assert stdout_of(code_cells(ran)[0]) == "42\n"
    # without myst-nb's configuration (another parser) the file is used too
    assert (
        stdout_of(code_cells(notebooks.executed_notebook(fake_app(tmp_path / "html"), "part/chapter", notebook))[0])
        == "42\n"
    )


# ---------------------------------------------------------------------------
# The front-matter check in a build


def test_build_error_names_a_chapter_with_code_but_no_kernelspec(sphinx_project):
    src = project(
        sphinx_project,
        {
            "chapter": CELL,  # code cells, no front matter
            "glossary": "# Glossary\n\nNo code, so no kernelspec needed.\n",
            "good": HEADER + CELL,
        },
    )
    app, warnings = build(src)
    ours = [line for line in warnings.splitlines() if "has code cells but" in line]
    assert len(ours) == 1, warnings
    assert re.search(
        r"chapter\.md:1: ERROR: chapter\.md has code cells but no kernelspec .* and "
        r"no jupytext header",
        ours[0],
    )
    assert "Start the file with these lines" in ours[0]
    assert "kernelspec:" in warnings and "format_name: myst" in warnings, "the lines to copy are shown"
    assert "glossary.md" not in warnings and "good.md" not in warnings
    # the broken chapter gets no download; the good one does, and pages without code none
    sources = Path(app.outdir) / "_sources"
    assert not (sources / "chapter.ipynb").exists()
    assert not (sources / "glossary.ipynb").exists()
    assert (sources / "good.ipynb").is_file()


# ---------------------------------------------------------------------------
# The download


def seed_cache(tmp_path: Path, text: str, printed: str) -> None:
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    get_cache(str(tmp_path / "cache")).cache_notebook_bundle(
        CacheBundleIn(executed(text, printed), "chapter.md"), check_validity=False
    )


def test_download_takes_outputs_from_the_cache_in_cache_mode(tmp_path, sphinx_project):
    """The book's mode: on a cache hit myst-nb writes jupyter_execute/ without outputs."""
    seed_cache(tmp_path, CHAPTER, "42, from the cache\n")
    src = project(sphinx_project, {"chapter": CHAPTER, "plain": "# Plain\n\nNo code.\n"}, mode="cache")
    app, warnings = build(src)
    assert warnings.strip() == ""
    assert "42, from the cache" in (Path(app.outdir) / "chapter.html").read_text(encoding="utf-8")
    written_by_myst_nb = nbformat.read(Path(app.outdir).parent / "jupyter_execute" / "chapter.ipynb", 4)
    assert code_cells(written_by_myst_nb)[0].outputs == []  # why the cache must be read

    notebook = download(app)
    [cell] = code_cells(notebook)
    assert cell.source == "print(6 * 7)"
    assert stdout_of(cell) == "42, from the cache\n" and cell.execution_count == 1
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    assert notebook.metadata["language_info"]["name"] == "python"
    assert notebook.metadata["jupytext"]  # cells as jupytext reads them (what Binder opens)
    assert [c.cell_type for c in notebook.cells] == ["markdown", "code"]
    nbformat.validate(notebook)
    assert not (Path(app.outdir) / "_sources" / "plain.ipynb").exists()


def test_download_of_a_chapter_excluded_from_execution_in_cache_mode(tmp_path, sphinx_project):
    """Not in the cache (KeyError): the download is still written, without outputs."""
    src = project(
        sphinx_project, {"chapter": CHAPTER}, mode="cache", conf='nb_execution_excludepatterns = ["chapter.md"]\n'
    )
    app, warnings = build(src)
    assert warnings.strip() == ""
    [cell] = code_cells(download(app))
    assert cell.source == "print(6 * 7)" and cell.outputs == []


def test_download_takes_outputs_from_jupyter_execute_in_force_mode(tmp_path, sphinx_project):
    """A real kernel runs the chapter; the download carries what it printed."""
    text = CHAPTER.replace("print(6 * 7)", "import math\nprint(math.factorial(5))")
    src = project(sphinx_project, {"chapter": text}, mode="force")
    app, warnings = build(src)
    assert warnings.strip() == ""
    [cell] = code_cells(download(app))
    assert stdout_of(cell) == "120\n"
    assert cell.execution_count == 1


def test_download_without_an_executed_notebook_warns_and_has_no_outputs(tmp_path, sphinx_project):
    import shutil

    src = project(sphinx_project, {"chapter": CHAPTER})
    app, warnings = build(src)
    assert warnings.strip() == ""
    shutil.rmtree(Path(app.outdir).parent / "jupyter_execute")
    (Path(app.outdir) / "_sources" / "chapter.ipynb").unlink()
    app, warnings = build(src, fresh=False)  # nothing re-read: nothing re-executed
    assert re.search(
        r"WARNING: chapter\.md: no executed notebook found; the \.ipynb download has "
        r"no outputs",
        warnings,
    ), warnings
    [cell] = code_cells(download(app))
    assert cell.source == "print(6 * 7)" and cell.outputs == []


def test_download_that_disagrees_with_the_execution_is_a_build_error(tmp_path, sphinx_project):
    src = project(sphinx_project, {"chapter": CHAPTER})
    app, _ = build(src)
    stale = Path(app.outdir).parent / "jupyter_execute" / "chapter.ipynb"
    nbformat.write(executed(CHAPTER.replace("6 * 7", "6 * 9"), "54\n"), stale)
    (Path(app.outdir) / "_sources" / "chapter.ipynb").unlink()
    app, warnings = build(src, fresh=False)
    assert re.search(
        r"ERROR: chapter\.md: cannot build the \.ipynb download: code cell 1 differs "
        r"between jupytext and the executed notebook",
        warnings,
    ), warnings
    assert not (Path(app.outdir) / "_sources" / "chapter.ipynb").exists()  # no wrong outputs


def test_only_markdown_chapters_get_a_download(tmp_path, sphinx_project):
    """An .rst page is not a notebook: it gets no .ipynb download."""
    rst = "Other\n=====\n\nA page written in reStructuredText.\n"
    src = project(sphinx_project, {"chapter": CHAPTER, "other.rst": rst})
    app, warnings = build(src)
    assert warnings.strip() == ""
    assert (Path(app.outdir) / "_sources" / "chapter.ipynb").is_file()
    assert not (Path(app.outdir) / "_sources" / "other.ipynb").exists()


def test_no_download_for_other_builders_or_a_failed_build(tmp_path, sphinx_project):
    src = project(sphinx_project, {"chapter": CHAPTER})
    app, warnings = build(src, builder="text")
    assert warnings.strip() == ""
    assert (Path(app.outdir) / "chapter.txt").is_file()
    assert not list(Path(app.outdir).rglob("*.ipynb"))
    # a build that raised writes nothing and does not touch the app at all
    assert notebooks.write_notebooks(object(), RuntimeError("the build failed")) is None


# ---------------------------------------------------------------------------
# Through a subprocess build with -W: the kernelspec check and the download

KERNELSPEC = "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n"
# The chapter front matter with a slot where the kernelspec goes.
assert KERNELSPEC in bookdata.FRONT_MATTER
SLOTTED = bookdata.FRONT_MATTER.replace(KERNELSPEC, "{kernelspec}")
CELLS = "# Chapter\n\nText.\n\n```{code-cell} ipython3\nprint(6 * 7)\n```\n"


def sphinx_build(src: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "text, missing",
    [
        (SLOTTED.format(kernelspec="") + CELLS, "no kernelspec"),
        (CELLS, "no kernelspec"),
        ("---\n" + KERNELSPEC + "---\n" + CELLS, "no jupytext header"),
    ],
    ids=["no-kernelspec", "no-front-matter", "no-jupytext-header"],
)
def test_a_chapter_without_kernelspec_fails_the_build_named(tmp_path, sphinx_project, text, missing):
    result = sphinx_build(project(sphinx_project, {"chapter": text}).src, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(rf"chapter\.md:1: ERROR: chapter\.md has code cells but .*{missing}", result.stderr), result.stderr


def test_a_chapter_without_code_needs_no_kernelspec(tmp_path, sphinx_project):
    result = sphinx_build(project(sphinx_project, {"chapter": "# Glossary\n\nNo code here.\n"}).src, tmp_path / "out")
    assert result.returncode == 0, result.stderr


def test_the_download_has_jupytext_cells_and_the_executed_outputs(tmp_path, sphinx_project):
    """In cache mode (the book's), outputs come from the jupyter-cache.

    The second build re-reads the page (-E) and takes its outputs from the
    cache; myst-nb 1.4 then writes jupyter_execute/chapter.ipynb without
    outputs, so this is the case the extension must get right.
    """
    src = project(sphinx_project, {"chapter": SLOTTED.format(kernelspec=KERNELSPEC) + CELLS}, mode="cache").src
    for extra in ([], ["-E"]):
        result = subprocess.run(
            [sys.executable, "-m", "sphinx", "-W", "-q", *extra, "-b", "html", str(src), str(tmp_path / "out")],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        notebook = json.loads((tmp_path / "out" / "_sources" / "chapter.ipynb").read_text())
        [code] = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert "".join(code["source"]) == "print(6 * 7)"
        assert "".join(code["outputs"][0]["text"]) == "42\n"
        assert notebook["metadata"]["kernelspec"]["name"] == "python3"
        assert "jupytext" in notebook["metadata"]  # cells as jupytext reads them
