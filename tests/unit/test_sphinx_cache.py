"""dlbook.sphinx.cache: each chapter's cache key follows the library code it imports."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

import bookdata
from dlbook.sphinx import cache
from dlbook.sphinx.project import toc_files

ROOT = bookdata.ROOT


def chapter_file(tmp_path: Path, name: str, code: str) -> Path:
    path = tmp_path / f"{name}.md"
    path.write_text(bookdata.FRONT_MATTER + f"\n# {name}\n\n```{{code-cell}} ipython3\n{code}\n```\n")
    return path


@pytest.mark.parametrize(
    "code, expected",
    [
        ("import dlbook.losses", {"dlbook.losses"}),
        ("from dlbook.losses import mse, binary_cross_entropy", {"dlbook.losses"}),
        ("from dlbook import data as d, plots", {"dlbook", "dlbook.data", "dlbook.plots"}),
        ("import numpy\nimport dlbookish", set()),
        ("x = 1", set()),
        # Not Python (a cell magic in the middle): the line-by-line reading still finds it.
        ("%%time\nfrom dlbook import losses\nprint(1 +)", {"dlbook", "dlbook.losses"}),
        ("!pip list\nfrom dlbook.scratch import (\n    forward,\n)", {"dlbook.scratch"}),
    ],
)
def test_imported_modules(code, expected):
    assert cache.imported_modules(code) == expected


def test_the_closure_follows_imports_inside_the_library():
    closure = cache.module_closure(["dlbook.scratch"])
    assert {"dlbook", "dlbook.scratch", "dlbook.losses", "dlbook.activations", "dlbook._checks"} <= closure
    assert "dlbook.plots" not in closure and "dlbook.training" not in closure
    assert "dlbook.plots" in cache.module_closure(["dlbook.plots"])


def test_a_module_edit_changes_the_keys_of_its_importers_only(tmp_path, monkeypatch):
    package = tmp_path / "dlbook"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text("ONE = 1\n")
    (package / "middle.py").write_text("from dlbook.base import ONE\n")
    (package / "leaf.py").write_text("from . import middle\n")
    (package / "other.py").write_text("TWO = 2\n")
    monkeypatch.setattr(cache, "package_dir", lambda: package)
    cache._module_imports.cache_clear()

    keys = lambda: {name: cache.source_key([f"from dlbook import {name}"]) for name in ("leaf", "other")}  # noqa: E731
    before = keys()
    (package / "base.py").write_text("ONE = 1.0\n")
    after = keys()
    assert after["leaf"] != before["leaf"], "leaf imports base through middle (a relative import)"
    assert after["other"] == before["other"]
    assert cache.source_key(["print(1)"]) == cache.source_key([]), "no library code, one constant key"
    cache._module_imports.cache_clear()


def test_the_reader_adds_the_key_that_sphinx_adds(tmp_path):
    path = chapter_file(tmp_path, "uses-losses", "from dlbook import losses")
    notebook = cache.read_chapter(str(path))
    assert notebook.metadata.kernelspec[cache.KEY] == cache.source_key(["from dlbook import losses"])
    assert notebook.metadata.kernelspec["name"] == "python3"
    assert cache.chapter_key(path) == notebook.metadata.kernelspec[cache.KEY]
    prose = tmp_path / "prose.md"
    prose.write_text("# Only prose\n")
    assert cache.chapter_key(prose) is None


def test_the_wrapped_myst_nb_reader_adds_the_key():
    from myst_nb.core.read import NbReader

    def create(path, md_config, nb_config, content):
        if content is None:
            return None
        return NbReader(lambda text: nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text)]), md_config)

    wrapped = cache._wrap_reader(create)
    assert wrapped("x.md", None, None, None) is None
    notebook = wrapped("x.md", None, None, "from dlbook import plots").read("from dlbook import plots")
    assert notebook.metadata.kernelspec[cache.KEY] == cache.source_key(["from dlbook import plots"])


def test_pages_whose_key_changed_are_outdated(tmp_path):
    path = chapter_file(tmp_path, "a", "from dlbook import losses")
    env = SimpleNamespace(
        dlbook_source_keys={"a": "an-old-key", "b": None, "gone": "k"},
        found_docs={"a", "b"},
        doc2path=lambda name: str(tmp_path / f"{name}.md"),
    )
    assert cache.outdated_docs(None, env, set(), set(), set()) == ["a"]
    env.dlbook_source_keys["a"] = cache.chapter_key(path)
    assert cache.outdated_docs(None, env, set(), set(), set()) == []


def test_prune_keeps_one_matching_record_per_chapter(tmp_path):
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    store = get_cache(str(tmp_path / "cache"))
    path = chapter_file(tmp_path, "a", "print(1)")
    old = chapter_file(tmp_path, "old", "print(2)")

    def cache_text(target: Path, code: str) -> int:
        target.write_text(bookdata.FRONT_MATTER + f"\n# t\n\n```{{code-cell}} ipython3\n{code}\n```\n")
        return store.cache_notebook_bundle(
            CacheBundleIn(cache.read_chapter(str(target)), str(target)), check_validity=False, overwrite=True
        ).pk

    first = cache_text(path, "print(1)")
    current = cache_text(path, "print(3)")
    cache_text(old, "print(2)")
    assert cache.prune(tmp_path / "cache", [path]) == 2
    assert [r.pk for r in store.list_cache_records()] == [current]

    # Back to the first text (no record matches): the newest record stays as the last good one.
    path.write_text(path.read_text().replace("print(3)", "print(4)"))
    assert cache.prune(tmp_path / "cache", [path]) == 0
    assert first != current
    assert cache.prune(tmp_path / "nothing", [path]) == 0


def test_modules_key_is_the_source_key_of_importing_those_modules():
    assert cache.modules_key(["dlbook.losses"]) == cache.source_key(["from dlbook import losses"])
    assert cache.modules_key(["numpy", "math"]) == cache.source_key([])
    assert cache.modules_key(["dlbook.losses", "numpy"]) == cache.modules_key(["dlbook.losses"])


def test_the_toc_is_read_in_reading_order():
    files = toc_files(ROOT / "_toc.yml")
    assert files[0] == "book/index"
    assert files.index("book/loss-functions") < files.index("book/backpropagation") < files.index("book/glossary")


def test_an_older_cache_link_becomes_a_folder_and_keeps_its_records(tmp_path):
    caches = tmp_path / ".jupyter_caches"
    (caches / "current").mkdir(parents=True)
    (caches / "current" / "global.db").write_text("records")
    (caches / "older").mkdir()
    link = tmp_path / ".jupyter_cache"
    link.symlink_to(caches / "current")
    cache.migrate_cache_folder(link)
    assert link.is_dir() and not link.is_symlink()
    assert (link / "global.db").read_text() == "records"
    assert not caches.exists()
    cache.migrate_cache_folder(link)  # a folder already: nothing to do
    assert (link / "global.db").read_text() == "records"
