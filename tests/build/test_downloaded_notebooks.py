"""Every chapter's downloaded notebook runs top to bottom in a fresh kernel, from any folder.

A reader who downloads ``<chapter>.ipynb`` (the file the page offers, with
outputs) and runs it in an empty folder must see no error: no file the
chapter reads may be missing, no cell may depend on the build's state. Each
notebook the built site offers is copied alone into an empty temporary
folder and executed there with nbclient in a new ``python3`` kernel (cells
tagged ``raises-exception`` may raise, ``skip-execution`` ones are skipped),
with a time limit per cell. The chapters (those selected, with ``-k``) run two at a time (together they
take about as much CPU as a clean build); the time each took is printed.
"""

from __future__ import annotations

import concurrent.futures
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

import bookdata

#: The longest a single cell may take.
CELL_TIMEOUT_S = 600
WORKERS = 2
CHAPTERS = bookdata.chapters_with_code()


def offered_notebook(html_dir: Path, chapter: str) -> Path:
    """The ``.ipynb`` that the chapter's page links from its download menu."""
    page = html_dir / Path(chapter).with_suffix(".html")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    link = soup.select_one("a.btn-download-notebook-button[href]")
    assert link is not None, f"{page.name} offers no notebook download"
    return (page.parent / link["href"]).resolve()


def run_alone(notebook_file: Path, folder: Path) -> tuple[str | None, float]:
    """Run a copy of the notebook in the empty ``folder``; return (the error or None, seconds)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    copy = folder / notebook_file.name
    shutil.copy(notebook_file, copy)
    notebook = nbformat.read(copy, as_version=4)
    client = NotebookClient(
        notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    start = time.perf_counter()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as error:
        return str(error)[-3000:], time.perf_counter() - start
    return None, time.perf_counter() - start


@pytest.fixture(scope="module")
def runs(request, html_dir, tmp_path_factory) -> dict[str, tuple[str | None, float]]:
    """{chapter: (error or None, seconds)} for the chapters selected (``-k``), two at a time."""
    selected = [
        item.callspec.params["chapter"]
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_the_downloaded_notebook_runs_in_an_empty_folder"
    ]
    notebooks = {chapter: offered_notebook(html_dir, chapter) for chapter in selected}
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        futures = {
            chapter: pool.submit(run_alone, path, tmp_path_factory.mktemp(Path(chapter).stem))
            for chapter, path in notebooks.items()
        }
        results = {chapter: future.result() for chapter, future in futures.items()}
    print("\n" + "\n".join(f"{seconds:7.1f} s  {chapter}" for chapter, (_, seconds) in results.items()))
    return results


def test_there_are_chapters_with_code():
    assert len(CHAPTERS) >= 10, CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[Path(c).stem for c in CHAPTERS])
def test_the_downloaded_notebook_runs_in_an_empty_folder(runs, chapter):
    error, seconds = runs[chapter]
    assert error is None, f"{chapter} failed in a fresh kernel in an empty folder after {seconds:.0f} s:\n{error}"
