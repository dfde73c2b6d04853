"""Workarounds for bugs in the pinned Sphinx extensions, one function per bug.

Each fix names the release it was written against (the pin in
``requirements.txt``). When that pin moves, check whether the bug is still
there; delete the fix if it is not.

* :func:`keep_tippy_tips` (sphinx-tippy 0.4.3): an incremental build lost
  the hover tips that point to other pages, and left old tip files behind.
* :func:`keep_index_entries` (Sphinx 7.4.7): an incremental build dropped
  the glossary terms of pages it did not rewrite from the search index, and
  kept words that no page contains any more.
* :func:`remember_bibtex_plugins` (sphinxcontrib-bibtex 2.7.0, pybtex
  0.25): every citation looked its pybtex plugins up again, each time
  scanning every installed package's entry points: about 4 s per build.
* :func:`copy_style_sheets_early` (myst-nb 1.4.0, sphinx-exercise 1.2.1):
  a clean build linked their style sheets without the ``?v=`` checksum that
  an incremental build adds, so the two builds wrote different pages.
* :func:`drop_duplicate_scripts` (Sphinx 7.4.7): some inline scripts were
  written twice into every page (a SyntaxError in the console).
* :data:`BODY_FIXES` (myst-nb 1.4.0, Sphinx 7.4.7): two accessibility errors
  in what they write into every page.
* :func:`size_images` (myst-nb 1.4.0): cell outputs are images without
  ``width`` and ``height``, so the text below them jumped as each one
  arrived (layout shift), and every figure of a long page was fetched first.
* :func:`copy_edited_static_files` (Sphinx 7.4.7): a build in which no page
  changed did not copy the static files, so an edit to ``book/_static/site.css``
  alone never reached the site.
* Templates in ``book/_templates`` (pydata-sphinx-theme 0.17.1): the search
  button and the theme switcher are relabelled (axe:
  label-content-name-mismatch). Each template says why in its header.

``tests/test_incremental.py`` builds a small book incrementally and from
scratch and requires the two sites to be equal; it fails if one of these
bugs comes back (or a new one appears).

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` as
``dlbook.sphinx.fixes``, after ``sphinx_tippy``.
"""

from __future__ import annotations

import pickle
import posixpath
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Where state of the last successful build is kept (inside the doctree
#: folder, so that removing the build folder forgets it too).
STATE_FILE = "dlbook-fixes-state.pickle"


def _load_state(app: Sphinx) -> dict:
    """The saved state ({} if there is none or it cannot be read)."""
    path = Path(app.doctreedir) / STATE_FILE
    if not path.is_file():
        return {}
    try:
        state = pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - a stale or foreign file: start afresh
        logger.info("dlbook.sphinx.fixes: ignoring unreadable %s", path)
        return {}
    return state if isinstance(state, dict) else {}


def _everything_if_missing(env, saved) -> list[str]:
    """``env-updated`` returns pages to rewrite: all of them when nothing was saved."""
    return [] if saved is not None else sorted(env.all_docs)


def _save_state(app: Sphinx, key: str, value) -> None:
    state = _load_state(app)
    state[key] = value
    Path(app.doctreedir).mkdir(parents=True, exist_ok=True)
    (Path(app.doctreedir) / STATE_FILE).write_bytes(pickle.dumps(state))


# ---------------------------------------------------------------------------
# sphinx-tippy 0.4.3: tips survive an incremental build
#
# sphinx-tippy gathers the HTML of every tip target while it writes each page
# (``html-page-context``) and, when the build finishes, writes one
# ``_static/tippy/<page>.<uuid>.js`` per page with the tips of the links on
# that page, looked up in what it gathered. Sphinx rewrites only the pages
# whose source changed, so after an edit to one chapter sphinx-tippy knows
# only that chapter: its links to the glossary get no tip, and pages that
# were not rewritten keep tips with the old text of a changed glossary entry.
# Its clean-up of old data files also globs the wrong name for pages in a
# folder (``book.*.js`` instead of ``loss-functions.*.js``), so every build
# left one more file per page.
#
# The fix: keep the gathered data of every page from one build to the next;
# drop pages that no longer exist; let sphinx-tippy rewrite the data file of
# every page (the ones not rewritten keep the file name their HTML refers to);
# then remove every data file that no page refers to.


def _tippy_pages(app: Sphinx) -> dict | None:
    data = getattr(app.env, "tippy_data", None)
    return None if data is None else data["pages"]


def load_tippy_state(app: Sphinx, env) -> list[str]:
    """Before pages are written: restore the tip data of pages this build will not rewrite.

    Without saved data (a first build, or an unreadable file) every page is rewritten.
    """
    if app.builder.format != "html":
        return []
    saved = _load_state(app).get("tippy_pages")
    if not hasattr(env, "tippy_data"):
        env.tippy_data = {"pages": {}, "wiki_titles": set()}
    # Nothing has been written yet in this build, so what the environment
    # holds is older than the file: the file wins.
    env.tippy_data["pages"].update(
        (pagename, data) for pagename, data in (saved or {}).items() if pagename in env.all_docs
    )
    return _everything_if_missing(env, saved)


def save_tippy_state(app: Sphinx, exception) -> None:
    """After a successful build: keep the tip data, and delete data files no page uses."""
    if exception is not None or app.builder.format != "html":
        return
    pages = _tippy_pages(app)
    if pages is None:
        return
    pages = {name: data for name, data in pages.items() if name in app.env.all_docs}
    _save_state(app, "tippy_pages", pages)
    in_use = {Path(data["js_path"]).resolve() for data in pages.values()}
    folder = Path(app.outdir, "_static", "tippy")
    for path in folder.rglob("*.js") if folder.is_dir() else []:
        if path.resolve() not in in_use:
            path.unlink()


def keep_tippy_tips(app: Sphinx) -> None:
    """Register the sphinx-tippy fix (see the comment above)."""
    # After reading (so all_docs is known), before sphinx-tippy's writing.
    app.connect("env-updated", load_tippy_state)
    # After sphinx-tippy's own build-finished handler (priority 500).
    app.connect("build-finished", save_tippy_state, priority=800)


# ---------------------------------------------------------------------------
# Sphinx 7.4.7: index entries survive an incremental build
#
# The HTML builder reloads the previous search index (searchindex.js) for the
# pages it does not rewrite, but not its "indexentries" (glossary terms and
# index directives): those live only in the environment, which Sphinx saves
# *before* it writes any page, so they are empty when the next build starts.
# After an edit to one chapter the glossary's terms vanished from search.
# The fix keeps them beside the environment and puts them back before writing.


def load_index_entries(app: Sphinx, env) -> list[str]:
    if app.builder.format != "html":
        return []
    saved = _load_state(app).get("index_entries")
    # As for the tips: nothing is written yet, so the file is newer than the environment.
    env._search_index_index_entries.update(
        (docname, entries) for docname, entries in (saved or {}).items() if docname in env.all_docs
    )
    return _everything_if_missing(env, saved)


def save_index_entries(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    entries = getattr(app.env, "_search_index_index_entries", {})
    _save_state(app, "index_entries", {name: value for name, value in entries.items() if name in app.env.all_docs})


def prune_search_words(app: Sphinx) -> list:
    """Drop words that no page contains any more (an edit removed them)."""
    indexer = getattr(app.builder, "indexer", None)
    if indexer is not None:
        for mapping in (indexer._mapping, indexer._title_mapping):
            for word in [word for word, docs in mapping.items() if not docs]:
                del mapping[word]
    return []  # html-collect-pages: no extra pages


def keep_index_entries(app: Sphinx) -> None:
    """Register the Sphinx search-index fix (see the comment above)."""
    app.connect("env-updated", load_index_entries)
    # After every page is written, before the index is saved.
    app.connect("html-collect-pages", prune_search_words)
    app.connect("build-finished", save_index_entries, priority=800)


# ---------------------------------------------------------------------------
# myst-nb 1.4.0 and sphinx-exercise 1.2.1: style sheets in place before pages are written
#
# Both copy their style sheet (``mystnb.<hash>.css``, ``exercise.css``) into
# ``_static`` when the build finishes. Sphinx adds a ``?v=<checksum>`` to a
# style sheet's link only if the file is already there when the page is
# written: so a clean build linked them without the checksum and every later
# build with it. Running their own copy functions when the builder starts
# puts the files there first.


def copy_style_sheets(app: Sphinx) -> None:
    if getattr(app.builder, "format", None) != "html":
        return
    Path(app.outdir, "_static").mkdir(parents=True, exist_ok=True)
    if "myst_nb" in app.extensions:
        from myst_nb.sphinx_ext import add_global_html_resources

        add_global_html_resources(app, None)
    if "sphinx_exercise" in app.extensions:
        from sphinx_exercise import copy_asset_files

        copy_asset_files(app, None)


def copy_style_sheets_early(app: Sphinx) -> None:
    """Register the style-sheet fix (see the comment above)."""
    app.connect("builder-inited", copy_style_sheets)


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Write each inline or linked script once.

    Sphinx 7.4 adds a script registered with ``filename=None`` after the
    builder started twice (once as ``None``, once as ``''``), so pages declared
    ``const THEBE_JS_URL`` twice and the browser reported a SyntaxError
    (sphinx-doc/sphinx#13402, fixed in Sphinx 8.2).
    """
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique


#: Fixes to HTML that extensions write into every page's body, each found by
#: axe-core (``tests/browser``): (what is written, what is written instead).
BODY_FIXES = (
    # myst-nb names the summary of a hidden cell "Toggle hidden content" while
    # it shows "Show code cell source": label-content-name-mismatch (WCAG
    # 2.5.3). Without the label, the summary is named by what it shows.
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    # Sphinx 7.4 marks bibliography entries role="doc-biblioentry" inside a
    # role="list"; that role is deprecated and is not a list item, so the
    # list has no valid children (aria-required-children, critical).
    ('role="doc-biblioentry"', 'role="listitem"'),
)


def fix_body(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Apply :data:`BODY_FIXES` to the page's rendered body."""
    body = context.get("body")
    if isinstance(body, str):
        for written, instead in BODY_FIXES:
            body = body.replace(written, instead)
        context["body"] = body


# ---------------------------------------------------------------------------
# myst-nb 1.4.0: images with their size, fetched when scrolled to
#
# The browser reserves the right space for an image only if the tag says its
# width and height; a figure far down the page need not be fetched before the
# reader gets there. Each <img> of a page image gets its pixel size (read from
# the file) and ``loading="lazy"``; CSS keeps ``max-width: 100%; height: auto``.

IMG_TAG = re.compile(r'<img (?P<attributes>[^>]*?)src="(?P<src>[^"]+)"(?P<rest>[^>]*)>')


def _image_sizes(app: Sphinx) -> dict[str, tuple[int, int]]:
    """``{output file name: (width, height)}`` of the images the builder copies."""
    from PIL import Image

    sizes = {}
    for source, name in getattr(app.builder, "images", {}).items():
        path = Path(app.srcdir, source)
        if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".webp") and path.is_file():
            with Image.open(path) as image:
                sizes[name] = image.size
    return sizes


def size_images(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body")
    if not isinstance(body, str) or "<img " not in body:
        return
    sizes = _image_sizes(app)

    def sized(match: re.Match) -> str:
        tag = match.group(0)
        size = sizes.get(posixpath.basename(match.group("src")))
        if size is None or " width=" in tag or " height=" in tag:
            return tag
        end = -2 if tag.endswith("/>") else -1
        return tag[:end].rstrip() + f' width="{size[0]}" height="{size[1]}" loading="lazy"' + tag[end:]

    context["body"] = IMG_TAG.sub(sized, body)


def fix_pages(app: Sphinx) -> None:
    """Register the page fixes: scripts once, and the body fixes."""
    # After every other handler, which may add scripts in this event too.
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", fix_body)
    app.connect("html-page-context", size_images)


# ---------------------------------------------------------------------------
# Sphinx 7.4.7: an edited static file reaches the site
#
# Sphinx copies ``html_static_path`` into ``_static`` when it finishes writing
# pages; a build with no page to write returns before that ("no targets are
# out of date"), so an author who edits only ``book/_static/site.css`` saw no
# change. The fix: remember the static files' sizes and times; when they
# change, have the root page written again, which takes Sphinx through the
# copy.


def _static_stamp(app: Sphinx) -> list[tuple[str, int, int]]:
    stamp = []
    for entry in app.config.html_static_path:
        folder = Path(app.confdir, entry)
        files = sorted(folder.rglob("*")) if folder.is_dir() else [folder] if folder.is_file() else []
        for path in files:
            if path.is_file():
                info = path.stat()
                stamp.append((str(path), info.st_size, info.st_mtime_ns))
    return stamp


def write_root_if_static_changed(app: Sphinx, env, added, changed, removed) -> list[str]:
    """``env-get-outdated``: the root page, if a static file changed since the last build."""
    if getattr(app.builder, "format", None) != "html":
        return []
    stamp = _static_stamp(app)
    app._dlbook_static_stamp = stamp
    return [app.config.root_doc] if _load_state(app).get("static_files") != stamp else []


def save_static_stamp(app: Sphinx, exception) -> None:
    if exception is None and hasattr(app, "_dlbook_static_stamp"):
        _save_state(app, "static_files", app._dlbook_static_stamp)


def copy_edited_static_files(app: Sphinx) -> None:
    """Register the static-file fix (see the comment above)."""
    app.connect("env-get-outdated", write_root_if_static_changed)
    app.connect("build-finished", save_static_stamp)


def remember_bibtex_plugins(app: Sphinx) -> None:
    """Look each pybtex plugin up once per process (the plugins never change during a build)."""
    import functools

    import pybtex.plugin

    if not hasattr(pybtex.plugin.find_plugin, "cache_info"):
        pybtex.plugin.find_plugin = functools.lru_cache(maxsize=None)(pybtex.plugin.find_plugin)


def setup(app: Sphinx) -> dict:
    remember_bibtex_plugins(app)
    keep_tippy_tips(app)
    keep_index_entries(app)
    copy_style_sheets_early(app)
    copy_edited_static_files(app)
    fix_pages(app)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
