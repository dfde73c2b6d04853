"""dlbook.sphinx.fixes, in process: what an incremental build keeps.

tests/build/test_incremental.py compares whole sites built by the real build
script; these tests build a tiny reStructuredText project (roots/test-fixes)
twice in one process, which is fast and shows each fix on its own.
"""

from __future__ import annotations

import json
from pathlib import Path

from dlbook.sphinx import fixes


def build(project, fresh: bool) -> Path:
    return project.build(fresh=fresh).outdir


def edit(path: Path, old: str | None = None, new: str = "") -> None:
    """Append ``new`` to the file, or replace ``old`` by it."""
    text = path.read_text()
    path.write_text(text + new if old is None else text.replace(old, new))


def tips(site: Path, page: str) -> list[Path]:
    return sorted((site / "_static" / "tippy").glob(f"{page}.*.js"))


def search_entries(site: Path) -> dict:
    text = (site / "searchindex.js").read_text()
    return json.loads(text[len("Search.setIndex(") : -1])["indexentries"]


def test_tips_and_index_entries_survive_an_edit_elsewhere(sphinx_project):
    project = sphinx_project("fixes")
    src = project.src
    site = build(project, fresh=True)
    assert "One number that says how wrong" in tips(site, "chapter")[0].read_text()
    assert "loss" in search_entries(site)

    edit(src / "other.rst", new="\nAn edit.\n")
    site = build(project, fresh=False)
    assert "One number that says how wrong" in tips(site, "chapter")[0].read_text()
    assert "loss" in search_entries(site), "the glossary's term left the search index"

    edit(src / "chapter.rst", new="\nAnother edit.\n")
    site = build(project, fresh=False)
    files = tips(site, "chapter")
    assert len(files) == 1, f"old tip files are left behind: {files}"
    assert "One number that says how wrong" in files[0].read_text()


def test_a_glossary_edit_reaches_pages_that_were_not_rewritten(sphinx_project):
    project = sphinx_project("fixes")
    src = project.src
    build(project, fresh=True)
    edit(src / "glossary.rst", "One number", "A single number")
    site = build(project, fresh=False)
    assert "A single number that says how wrong" in tips(site, "chapter")[0].read_text()
    text = (site / "searchindex.js").read_text()
    terms = json.loads(text[len("Search.setIndex(") : -1])["terms"]
    assert [w for w, d in terms.items() if d == []] == [], "words no page has are still indexed"


def test_a_deleted_page_leaves_no_tip_file(sphinx_project):
    project = sphinx_project("fixes")
    src = project.src
    build(project, fresh=True)
    edit(src / "index.rst", "   other\n", "")
    (src / "other.rst").unlink()
    site = build(project, fresh=False)
    assert tips(site, "other") == []


def test_an_unreadable_state_file_is_ignored(sphinx_project):
    project = sphinx_project("fixes")
    build(project, fresh=True)
    state = project.folder / "build" / "doctrees" / fixes.STATE_FILE
    assert state.is_file()
    state.write_bytes(b"not a pickle")
    site = build(project, fresh=False)
    assert "One number that says how wrong" in tips(site, "chapter")[0].read_text()
    assert "loss" in search_entries(site)


def test_an_edited_static_file_reaches_the_site_when_no_page_changed(sphinx_project):
    project = sphinx_project("fixes", conf='html_static_path = ["static"]\n')
    (project.src / "static").mkdir()
    (project.src / "static" / "site.css").write_text(".a { color: red; }\n")
    site = build(project, fresh=True)
    (project.src / "static" / "site.css").write_text(".a { color: blue; }\n")
    site = build(project, fresh=False)
    assert (site / "_static" / "site.css").read_text() == ".a { color: blue; }\n"
    result = project.build(fresh=False)  # nothing changed: nothing written
    assert "no targets are out of date" in result.status
