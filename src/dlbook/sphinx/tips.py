"""Hover tips that load when a reader first uses the page.

sphinx-tippy gives every page with links three scripts: Popper, tippy.js and
the page's own tip data, which holds the HTML of every section, figure,
equation and glossary entry that a link on the page points to (90 KB on the
heaviest chapter, 136 KB with the two libraries). A reader who never hovers
a link downloads all of it for nothing. This extension takes the three out
of each page and adds ``dlbook-tips.js`` (1 KB) with their names; it fetches
them, in order, the first time the reader points at, touches or tabs into
the page (well before the pointer reaches a link), sets the tips up as
sphinx-tippy's file would at page load, and shows the tip of the link that
woke it if that link is still under the pointer or focused.

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` as
``dlbook.sphinx.tips``, after ``sphinx_tippy``.
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript

STATIC_DIR = Path(__file__).parent / "static"
#: The loader, as the builder names the files of ``_static`` in a page's script list.
LOADER = "_static/dlbook-tips.js"
#: Where sphinx-tippy writes each page's tip data, under ``_static``.
TIP_DATA = "tippy/"


def add_static_path(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC_DIR))


def defer_tips(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``, after sphinx-tippy: its scripts become one small loader's list."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    libraries = set(getattr(app.config, "tippy_js", ()) or ())

    def name(script) -> str:
        """The file's path under ``_static`` (the builder prefixes ``_static/``; the config does not)."""
        filename = os.fspath(getattr(script, "filename", "") or "")
        return filename.removeprefix("_static/")

    tips = [name(s) for s in scripts if name(s) in libraries or name(s).startswith(TIP_DATA)]
    kept = [s for s in scripts if name(s) not in tips]
    if any(file.startswith(TIP_DATA) for file in tips):  # else no tips here: the libraries go too
        kept.append(_JavaScript(LOADER, defer="defer", **{"data-tips": " ".join(tips)}))
    context["script_files"] = kept


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_static_path)
    # After sphinx-tippy (500) and dlbook.sphinx.fixes (900), before the style sheets are bundled.
    app.connect("html-page-context", defer_tips, priority=920)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
