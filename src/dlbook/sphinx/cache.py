"""Re-execute a chapter exactly when the library code it runs has changed.

myst-nb keeps every executed chapter in a jupyter-cache, keyed on a hash of
its code cells (and its kernelspec). An edit to ``src/dlbook`` changes what
a chapter prints without changing its cells, so on its own the cache would
serve stale outputs. This extension closes that gap inside the Sphinx
build, so a plain ``jupyter-book build .`` is as safe as ``make book``:

* Each chapter gets a **source key**: a hash of the files of every
  ``dlbook`` module its code imports, directly or through other ``dlbook``
  modules (:func:`source_key`). Editing ``plots.py`` changes the key of the
  chapters that import ``plots`` and of no other.
* When myst-nb reads a chapter, the key is written into the notebook's
  ``kernelspec`` metadata, which jupyter-cache hashes: a changed key is a
  cache miss, so the chapter executes again. The same key is added by
  :func:`read_chapter`, the jupyter-cache reader the parallel pre-execution
  of ``tools/build.py`` uses, so both find the same records.
* On ``env-get-outdated``, pages whose key changed since they were read are
  read again (Sphinx alone re-reads only pages whose text changed).
* After a successful build, cache records that no current chapter can
  match (an older key, an older text) are deleted, so the cache does not
  grow with every edit.

:func:`modules_key` is the same key for a set of module names: pages whose
content is computed from ``dlbook`` at build time rather than by executing
cells (answer boxes) use it with the modules their expressions name.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import re
import shutil
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from dlbook.sphinx import perpage
from dlbook.sphinx.project import has_code_cells

#: The metadata key (inside ``kernelspec``) that carries a chapter's source key.
KEY = "dlbook_sources"
_IMPORT_LINE = re.compile(
    r"^\s*(?:from\s+(dlbook(?:\.\w+)*)\s+import\s+([\w\s,()]+)|import\s+(dlbook(?:\.\w+)*))", re.MULTILINE
)


def package_dir() -> Path:
    """The folder of the installed ``dlbook`` package (``src/dlbook`` here)."""
    return Path(importlib.util.find_spec("dlbook").origin).parent


def module_file(name: str, root: Path | None = None) -> Path | None:
    """The file of module ``name`` (``"dlbook.losses"``), or None if it is not a module.

    >>> module_file("dlbook.losses").name
    'losses.py'
    >>> module_file("dlbook.losses.mse") is None
    True
    """
    root = root or package_dir()
    parts = name.split(".")[1:]
    if not parts:
        return root / "__init__.py"
    base = root.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(code: str, package: str = "dlbook") -> set[str]:
    """The ``dlbook`` modules a piece of Python (or IPython) code imports.

    ``from dlbook import losses, plots`` names two modules; ``from
    dlbook.losses import mse`` names one; an import that names something
    that is not a module counts as its package.

    >>> sorted(imported_modules("import numpy as np\\nfrom dlbook import losses, plots"))
    ['dlbook', 'dlbook.losses', 'dlbook.plots']
    >>> sorted(imported_modules("%matplotlib inline\\nfrom dlbook.data import (\\n    to_loader,\\n)"))
    ['dlbook.data']
    """
    names: set[str] = set()
    try:
        # IPython magics and shell escapes are not Python: blank them out.
        tree = ast.parse("\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines()))
    except SyntaxError:
        for match in _IMPORT_LINE.finditer(code):
            if match.group(3):
                names.add(match.group(3))
            else:
                base = match.group(1)
                names.add(base)
                for item in match.group(2).replace("(", " ").replace(")", " ").split(","):
                    if item.split():
                        names.add(f"{base}.{item.split()[0]}")
    else:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    modules = set()
    for name in names:
        if name != package and not name.startswith(package + "."):
            continue
        # Keep the longest prefix of the name that is a module of the package.
        parts = name.split(".")
        while len(parts) > 1 and module_file(".".join(parts)) is None:
            parts.pop()
        modules.add(".".join(parts))
    return modules


@cache
def _module_imports(path: Path, mtime_ns: int) -> frozenset[str]:
    """The dlbook modules imported by one library file (cached per modification time)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    package = "dlbook." + ".".join(path.relative_to(package_dir()).with_suffix("").parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:  # relative import
            base = package.rsplit(".", node.level if path.name != "__init__.py" else node.level - 1)[0]
            module = f"{base}.{node.module}" if node.module else base
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    code = ast.unparse(tree)
    return frozenset(imported_modules(code) | {m for m in found if m.startswith("dlbook")})


def module_closure(modules: Iterable[str]) -> set[str]:
    """``modules`` plus every ``dlbook`` module they import, directly or not.

    Importing ``dlbook.x`` runs ``dlbook/__init__.py`` first, so the package
    itself is always in the closure.

    >>> sorted(module_closure(["dlbook.losses"]))
    ['dlbook', 'dlbook._checks', 'dlbook.losses']
    """
    todo = list(modules)
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_file(name)
        if path is None:
            continue
        parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
        todo.extend(parents)
        todo.extend(_module_imports(path, path.stat().st_mtime_ns))
    return {name for name in seen if module_file(name) is not None}


def _digest(paths: Iterable[Path]) -> str:
    root = package_dir()
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def source_key(code_cells: Iterable[str]) -> str:
    """The hash of the library files a chapter's code runs (see the module docstring).

    >>> source_key(["1 + 1"]) == source_key(["import numpy as np"])
    True
    >>> source_key(["from dlbook import losses"]) == source_key(["from dlbook import plots"])
    False
    """
    modules = set()
    for code in code_cells:
        modules |= imported_modules(code)
    return modules_key(modules)


def modules_key(modules: Iterable[str]) -> str:
    """The hash of the files of ``modules`` and every ``dlbook`` module they import.

    >>> modules_key([]) == modules_key(["numpy"])
    True
    >>> modules_key(["dlbook.losses"]) == modules_key(["dlbook.plots"])
    False
    """
    modules = {name for name in modules if name == "dlbook" or name.startswith("dlbook.")}
    if not modules:
        return _digest([])
    return _digest(module_file(name) for name in module_closure(modules))


def notebook_key(notebook) -> str:
    """The source key of a notebook read from a chapter."""
    return source_key(cell.source for cell in notebook.cells if cell.cell_type == "code")


def add_key(notebook):
    """Write the notebook's source key into its kernelspec metadata; return the notebook."""
    if any(cell.cell_type == "code" for cell in notebook.cells):
        notebook.metadata.setdefault("kernelspec", {})[KEY] = notebook_key(notebook)
    return notebook


def read_chapter(uri: str):
    """jupyter-cache reader (``dlbook_md``): myst-nb's Markdown reader plus the source key."""
    from myst_nb.core.read import myst_nb_reader_plugin

    return add_key(myst_nb_reader_plugin(uri))


def chapter_key(path: Path) -> str | None:
    """The source key of a chapter file, or None if it has no code cells.

    Read from the file's text without building a notebook (fast enough to
    ask for every chapter on every build): only the imports matter, and a
    code cell's imports are the same however it is read.
    """
    from dlbook.sphinx.cellerror import code_cells

    text = path.read_text(encoding="utf-8")
    if not has_code_cells(text):
        return None
    return source_key(cell.source for cell in code_cells(text))


def prune(cache_dir: Path, chapters: Iterable[Path]) -> int:
    """Delete the cache records none of ``chapters`` can use any more; return how many.

    Each chapter keeps one record: the one its current text and source key
    hash to or, if there is none (its last build failed), its newest, the
    last good result. Older records, and those of files that are no longer
    chapters, are deleted.
    """
    if not (cache_dir / "global.db").is_file():
        return 0
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    records = cache.list_cache_records()
    by_uri: dict[str, list] = {}
    for record in records:
        by_uri.setdefault(record.uri, []).append(record)
    kept = set()
    for path in chapters:
        own = by_uri.get(str(Path(path).resolve()), [])
        if len(own) == 1:  # the usual case: nothing to choose
            kept.add(own[0].pk)
            continue
        try:
            kept.add(cache.match_cache_notebook(read_chapter(str(path))).pk)
        except KeyError:
            if own:
                kept.add(max(own, key=lambda r: r.created).pk)
    removed = 0
    for record in records:
        if record.pk not in kept:
            cache.remove_cache(record.pk)
            removed += 1
    return removed


# --------------------------------------------------------------------------
# The Sphinx extension


def _wrap_reader(create_nb_reader):
    """myst-nb's reader factory, with the source key added to every notebook it reads."""

    def create(path, md_config, nb_config, content):
        reader = create_nb_reader(path, md_config, nb_config, content)
        if reader is None:
            return None
        read = reader.read

        def read_with_key(text):
            return add_key(read(text))

        reader.read = read_with_key
        return reader

    create.dlbook_wrapped = True
    return create


def use_real_cache_folder(app, config) -> None:
    """Sphinx hook for :func:`migrate_cache_folder` (runs before any chapter is read)."""
    migrate_cache_folder(Path(app.srcdir) / (config.nb_execution_cache_path or ".jupyter_cache"))


def migrate_cache_folder(path: Path) -> None:
    """Turn an older build's cache link into a folder, keeping its records.

    Earlier builds made ``_build/.jupyter_cache`` a symlink into one cache per
    library hash (``_build/.jupyter_caches/<hash>``). The source keys make
    that unnecessary: the cache the link points at becomes the folder itself
    (its records stay valid: they are looked up by key), and the other
    caches are deleted.
    """
    if not path.is_symlink():
        return
    target = path.resolve()
    path.unlink()
    if target.is_dir():
        shutil.move(str(target), str(path))
    shutil.rmtree(path.parent / ".jupyter_caches", ignore_errors=True)


def remember_key(app, docname: str, source: list[str]) -> None:
    """Store the key of each chapter as Sphinx reads it."""
    path = Path(app.env.doc2path(docname))
    if path.suffix == ".md":
        perpage.pages(app.env, "dlbook_source_keys")[docname] = chapter_key(path)


def outdated_docs(app, env, added, changed, removed) -> list[str]:
    """Pages whose chapter now imports library code that changed since it was read."""
    keys = getattr(env, "dlbook_source_keys", {})
    stale = []
    for docname, key in keys.items():
        if docname in removed or docname in changed or docname not in env.found_docs or key is None:
            continue
        if chapter_key(Path(env.doc2path(docname))) != key:
            stale.append(docname)
    return stale


def prune_after_build(app, exception) -> None:
    if exception is not None or app.config.nb_execution_mode != "cache":
        return
    keys = getattr(app.env, "dlbook_source_keys", {})
    chapters = [Path(app.env.doc2path(d)) for d, key in keys.items() if key is not None]
    prune(Path(app.srcdir) / (app.config.nb_execution_cache_path or ".jupyter_cache"), chapters)


def setup(app) -> dict:
    import myst_nb.sphinx_

    if not getattr(myst_nb.sphinx_.create_nb_reader, "dlbook_wrapped", False):
        myst_nb.sphinx_.create_nb_reader = _wrap_reader(myst_nb.sphinx_.create_nb_reader)
    app.connect("config-inited", use_real_cache_folder)
    app.connect("source-read", remember_key)
    perpage.keep_per_page(app, "dlbook_source_keys")
    app.connect("env-get-outdated", outdated_docs)
    app.connect("build-finished", prune_after_build)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
