"""dlbook.sphinx.fixes, in process: what an incremental build keeps.

tests/test_incremental.py compares whole sites built by the real build
script; these tests build a tiny reStructuredText project twice in one
process, which is fast and shows each fix on its own.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from dlbook.sphinx import fixes

CONF = """\
extensions = ["sphinx_tippy", "dlbook.sphinx.fixes"]
tippy_enable_wikitips = False
tippy_enable_doitips = False
exclude_patterns = ["_build"]
"""
INDEX = "Index\n=====\n\n.. toctree::\n\n   glossary\n   chapter\n   other\n"
GLOSSARY = "Glossary\n========\n\n.. glossary::\n\n   loss\n      One number that says how wrong.\n"
CHAPTER = "Chapter\n=======\n\nA :term:`loss` is small.\n"
OTHER = "Other\n=====\n\nNothing to see.\n"


def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for name, text in {
        "conf.py": CONF,
        "index.rst": INDEX,
        "glossary.rst": GLOSSARY,
        "chapter.rst": CHAPTER,
        "other.rst": OTHER,
    }.items():
        (src / name).write_text(text)
    return src


def build(src: Path, fresh: bool) -> Path:
    app = SphinxTestApp(
        "html", srcdir=src, builddir=src.parent / "build", freshenv=fresh, status=StringIO(), warning=StringIO()
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return src.parent / "build" / "html"


def tips(site: Path, page: str) -> list[Path]:
    return sorted((site / "_static" / "tippy").glob(f"{page}.*.js"))


def search_entries(site: Path) -> dict:
    text = (site / "searchindex.js").read_text()
    return json.loads(text[len("Search.setIndex(") : -1])["indexentries"]


def test_tips_and_index_entries_survive_an_edit_elsewhere(tmp_path):
    src = project(tmp_path)
    site = build(src, fresh=True)
    assert "One number that says how wrong" in tips(site, "chapter")[0].read_text()
    assert "loss" in search_entries(site)

    (src / "other.rst").write_text(OTHER + "\nAn edit.\n")
    site = build(src, fresh=False)
    assert "One number that says how wrong" in tips(site, "chapter")[0].read_text()
    assert "loss" in search_entries(site), "the glossary's term left the search index"

    (src / "chapter.rst").write_text(CHAPTER + "\nAnother edit.\n")
    site = build(src, fresh=False)
    files = tips(site, "chapter")
    assert len(files) == 1, f"old tip files are left behind: {files}"
    assert "One number that says how wrong" in files[0].read_text()


def test_a_glossary_edit_reaches_pages_that_were_not_rewritten(tmp_path):
    src = project(tmp_path)
    build(src, fresh=True)
    (src / "glossary.rst").write_text(GLOSSARY.replace("One number", "A single number"))
    site = build(src, fresh=False)
    assert "A single number that says how wrong" in tips(site, "chapter")[0].read_text()
    text = (site / "searchindex.js").read_text()
    terms = json.loads(text[len("Search.setIndex(") : -1])["terms"]
    assert [w for w, d in terms.items() if d == []] == [], "words no page has are still indexed"


def test_a_deleted_page_leaves_no_tip_file(tmp_path):
    src = project(tmp_path)
    build(src, fresh=True)
    (src / "index.rst").write_text(INDEX.replace("   other\n", ""))
    (src / "other.rst").unlink()
    site = build(src, fresh=False)
    assert tips(site, "other") == []


def test_an_unreadable_state_file_is_ignored(tmp_path):
    src = project(tmp_path)
    build(src, fresh=True)
    state = tmp_path / "build" / "doctrees" / fixes.STATE_FILE
    assert state.is_file()
    state.write_bytes(b"not a pickle")
    site = build(src, fresh=False)
    assert "One number that says how wrong" in tips(site, "chapter")[0].read_text()
    assert "loss" in search_entries(site)
