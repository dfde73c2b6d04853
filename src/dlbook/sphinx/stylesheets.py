"""One style sheet per page where Sphinx links a dozen small ones.

Sphinx and the extensions the book uses each link their own style sheet
(pygments, sphinx-book-theme, togglebutton, copybutton, myst-nb, thebe,
sphinx-exercise, sphinx-design, the book's own): thirteen requests on a
chapter, most of them a few kilobytes. When a page is written, every run of
consecutive plain local style sheets in its ``css_files`` is replaced by one
file, ``_static/bundles/<key>.css``: the sheets in the same order, each
relative ``url(...)`` rewritten to point where it pointed from the sheet's
own folder. The key is a hash of the list of sheets, so pages that link the
same sheets share one file.

sphinx-design (which Jupyter Book always loads) adds its style sheet
(55 KB) and its tabs script to every page; a page whose body uses none of
its ``sd-`` classes links neither (:data:`ONLY_WHERE_USED`).

When the build finishes every bundle in use is written again from the
sheets as they are then (some extensions copy their sheet only at the end),
and bundles no page links any more are deleted. A sheet with ``@import``,
a ``media`` or other attribute, or one missing when the page is written, is
left as its own link (and ends the run).

Then the rules no page can use are removed (:func:`purge_unused_rules`):
most of the theme's 311 KB style sheet is Bootstrap's, for components the
book never shows. PurgeCSS (``purgecss`` in ``package.json``, run by
``node/purge-css.cjs``) keeps a rule only if its class names, ids and tags
occur in a page of the site or in one of the site's scripts (which add
classes such as ``show`` when a menu opens), and keeps the custom properties
the kept rules read. What is built in the reader's browser from elsewhere
is kept by name (:data:`KEEP`): the live-code cells that thebe draws. The
theme's sheets are copied whole again on every build, and the bundles
written again, so every build purges from the originals.

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` as
``dlbook.sphinx.stylesheets``.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _CascadingStyleSheet
from sphinx.util import logging

from dlbook.sphinx import assets

logger = logging.getLogger(__name__)

FOLDER = "_static/bundles"
STATE_FILE = "dlbook-stylesheets.json"

_URL = re.compile(r"""url\(\s*(?P<quote>["']?)(?P<url>[^)"']+)(?P=quote)\s*\)""")
_CHARSET = re.compile(r"""@charset\s+["'][^"']*["']\s*;""")


def rebase_urls(css: str, from_folder: str, to_folder: str) -> str:
    """``css`` from ``from_folder`` with its relative ``url(...)``\\ s made relative to ``to_folder``."""

    def rebased(match: re.Match) -> str:
        url = match["url"].strip()
        if re.match(r"^([a-z][a-z0-9+.-]*:|/|#)", url, flags=re.I):  # data:, https:, /root, #fragment
            return match[0]
        target = posixpath.normpath(posixpath.join(from_folder, url))
        return f'url("{posixpath.relpath(target, to_folder)}")'

    return _URL.sub(rebased, css)


def bundle_text(outdir: Path, filenames: list[str]) -> str:
    """The sheets ``filenames`` (relative to ``outdir``) as one sheet in :data:`FOLDER`."""
    parts = []
    for name in filenames:
        css = _CHARSET.sub("", (outdir / name).read_text(encoding="utf-8"))
        parts.append(f"/* {name} */\n{rebase_urls(css, posixpath.dirname(name), FOLDER)}\n")
    return "".join(parts)


def bundle_key(filenames: list[str]) -> str:
    return hashlib.sha256("\n".join(filenames).encode()).hexdigest()[:16]


#: Files an extension adds to every page, and what a page's body holds when it needs them.
ONLY_WHERE_USED = {
    "sphinx-design.min.css": re.compile(r'class="[^"]*\bsd-'),
    "design-tabs.js": re.compile(r'class="[^"]*\bsd-tab'),
}


def drop_unused(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``: the files of :data:`ONLY_WHERE_USED` only on pages that use them."""
    body = context.get("body", "")
    if not isinstance(body, str):
        return
    for key in ("css_files", "script_files"):
        files = context.get(key)
        if isinstance(files, list):
            context[key] = [
                item
                for item in files
                if not (
                    (pattern := ONLY_WHERE_USED.get(posixpath.basename(os.fspath(getattr(item, "filename", "") or ""))))
                    and not pattern.search(body)
                )
            ]


def _bundleable(outdir: Path, sheet) -> bool:
    name = os.fspath(sheet.filename)
    extra = {key: value for key, value in sheet.attributes.items() if key not in ("rel", "type")}
    if "://" in name or sheet.attributes.get("rel") != "stylesheet" or extra or not (outdir / name).is_file():
        return False
    return "@import" not in (outdir / name).read_text(encoding="utf-8")


def _write(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _state(app: Sphinx) -> dict:
    if not hasattr(app, "_dlbook_stylesheets"):
        path = Path(app.doctreedir) / STATE_FILE
        app._dlbook_stylesheets = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        app._dlbook_stylesheets_written = set()
    return app._dlbook_stylesheets


def bundle_page_sheets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``, after every handler that adds a sheet: each run of sheets becomes one."""
    sheets = context.get("css_files")
    if getattr(app.builder, "format", None) != "html" or not isinstance(sheets, list):
        return
    outdir = Path(app.outdir)
    state = _state(app)
    bundles: dict[str, list[str]] = {}
    result, run = [], []

    def close_run() -> None:
        if len(run) < 2:
            result.extend(run)
        else:
            names = [os.fspath(sheet.filename) for sheet in run]
            key = bundle_key(names)
            bundles[key] = names
            _write(outdir / FOLDER / f"{key}.css", bundle_text(outdir, names))
            result.append(_CascadingStyleSheet(f"{FOLDER}/{key}.css", priority=run[0].priority))
        run.clear()

    for sheet in sheets:
        if isinstance(sheet, _CascadingStyleSheet) and _bundleable(outdir, sheet):
            run.append(sheet)
        else:
            close_run()
            result.append(sheet)
    close_run()
    context["css_files"] = result  # a new list: the builder's own is left as it is
    state[pagename] = bundles
    app._dlbook_stylesheets_written.add(pagename)


def refresh_bundles(app: Sphinx, exception) -> None:
    """``build-finished``: every bundle in use written from the sheets as they are now; the others deleted."""
    if exception is not None or getattr(app.builder, "format", None) != "html":
        return
    state = _state(app)
    for pagename in list(state):
        if pagename not in app.env.all_docs and pagename not in app._dlbook_stylesheets_written:
            del state[pagename]
    outdir = Path(app.outdir)
    in_use = {key: names for bundles in state.values() for key, names in bundles.items()}
    for key, names in in_use.items():
        if all((outdir / name).is_file() for name in names):
            _write(outdir / FOLDER / f"{key}.css", bundle_text(outdir, names))
    for path in (outdir / FOLDER).glob("*.css") if (outdir / FOLDER).is_dir() else []:
        if path.stem not in in_use:
            path.unlink()
    Path(app.doctreedir, STATE_FILE).write_text(json.dumps(state, sort_keys=True), encoding="utf-8")


#: Selectors kept whatever the pages say (regular expressions): what scripts
#: loaded from elsewhere draw (thebe's live cells, with JupyterLab's and
#: CodeMirror's classes), and the attributes the theme's switch sets from
#: the reader's choice (``data-theme``, ``data-mode``).
KEEP = (r"thebe", r"\bjp-", r"CodeMirror", r"\bcm-", r"data-theme", r"data-mode")

PURGE_SCRIPT = Path(__file__).parent / "node" / "purge-css.cjs"
_VARIABLE_USE = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")


def purged_sheets(outdir: Path) -> list[Path]:
    """The sheets pages link: the theme's, the bundles and Sphinx's ``basic.css``."""
    static = outdir / "_static"
    return sorted([*static.glob("styles/*.css"), *static.glob("bundles/*.css"), *static.glob("basic.css")])


def purge_unused_rules(app: Sphinx, exception) -> None:
    """``build-finished``, after the bundles: every rule that no page or script can use removed."""
    if exception is not None or getattr(app.builder, "format", None) != "html":
        return
    outdir = Path(app.outdir)
    sheets = purged_sheets(outdir)
    if not sheets:
        return
    content = sorted([*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")])
    variables = sorted(
        {name for path in content for name in _VARIABLE_USE.findall(path.read_text(encoding="utf-8", errors="ignore"))}
    )
    modules = assets.find_node_modules(Path(app.srcdir), app.config.dlbook_node_modules, ("purgecss",))
    assets.check_versions(modules, ("purgecss",))
    request = {
        "content": [str(path) for path in content],
        "css": [str(path) for path in sheets],
        "safelist": list(KEEP),
        "variables": variables,
    }
    sizes = assets.run_node_script(PURGE_SCRIPT, request, modules, "dlbook.sphinx.stylesheets")
    before = sum(size[0] for size in sizes.values())
    after = sum(size[1] for size in sizes.values())
    logger.info(
        "dlbook.sphinx.stylesheets: unused rules removed from %d style sheets: %s -> %s bytes",
        len(sizes),
        f"{before:,}",
        f"{after:,}",
    )


def setup(app: Sphinx) -> dict:
    if "dlbook_node_modules" not in app.config:  # another dlbook extension may have added it
        app.add_config_value("dlbook_node_modules", "", "env")
    app.connect("html-page-context", drop_unused, priority=940)
    # After every handler that adds a sheet to a page (dlbook.sphinx.fixes runs at 900).
    app.connect("html-page-context", bundle_page_sheets, priority=950)
    # After the extensions that copy their sheet when the build finishes.
    app.connect("build-finished", refresh_bundles, priority=900)
    # After the bundles are written, before the icon fonts are cut to the icons the kept rules draw.
    app.connect("build-finished", purge_unused_rules, priority=905)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": False}
