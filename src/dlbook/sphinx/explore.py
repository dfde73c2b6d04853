"""The ``{explorable}`` directive: a figure the reader can turn a knob on, with no kernel.

In a chapter::

    ```{explorable} learning-rate
    ```{glue:figure} gd_fig_rates
    :alt: ...

    The same figure, drawn once, for print and for readers without JavaScript.
    ```
    ```

The argument names a figure of :data:`dlbook.explore.FIGURES`. At build time
the directive calls that function and writes its data into the page as a
``<script type="application/json">``; ``static/dlbook-explore.js`` draws the
live figure (SVG, native labelled controls, a polite read-out) from it, with
no request to any server. The directive's content, parsed as MyST, is the
static fallback: it is what print, a PDF and a browser without JavaScript
show (``static/dlbook-explore.css`` decides with the ``scripting`` media
feature, so the page does not jump when the script runs).

A page is keyed by the ``dlbook`` modules its data come from, as answer boxes
are: editing ``dlbook.explore`` or a module it imports re-reads the pages with
explorable figures, and only those. An unknown figure name is a build error
that names the chapter file, the line and the known names. The script and
style are loaded only on pages that have an explorable figure.

Register the extension with ``extra_extensions: [dlbook.sphinx.explore]``.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from dlbook import explore
from dlbook.sphinx import perpage
from dlbook.sphinx.cache import modules_key

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
JS_FILE = "dlbook-explore.js"
CSS_FILE = "dlbook-explore.css"
#: The library modules whose code computes every explorable figure's data.
MODULES = frozenset({explore.__name__})


class explorable_node(nodes.General, nodes.Element):
    """An explorable figure: ``figure`` and ``data`` attributes; its children are the fallback."""


class ExplorableDirective(SphinxDirective):
    """``{explorable} name``: see the module docstring."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        path = self.env.doc2path(self.env.docname, False)
        if name not in explore.FIGURES:
            known = ", ".join(sorted(explore.FIGURES))
            logger.error(
                f"{{explorable}} directive in {path}: unknown figure {name!r}; known figures: {known}",
                location=(self.env.docname, self.lineno),
                type="dlbook",
                subtype="explore",
            )
            return []
        node = explorable_node()
        node["figure"] = name
        node["data"] = json.dumps(explore.figure_data(name), separators=(",", ":"), allow_nan=False)
        node["ids"] = [f"explorable-{self.env.new_serialno('dlbook-explorable')}"]
        self.set_source_info(node)
        self.state.nested_parse(self.content, self.content_offset, node)
        self.env.dlbook_explore_docs[self.env.docname] = modules_key(MODULES)
        return [node]


# --------------------------------------------------------------------------
# HTML; other formats show the fallback only


def visit_explorable_html(self, node: explorable_node) -> None:
    data = node["data"].replace("</", "<\\/")  # never ends the script element early
    self.body.append(
        self.starttag(node, "div", suffix="", CLASS="dlbook-explorable", **{"data-figure": node["figure"]})
        + f'<script type="application/json" class="dlbook-explorable-data">{data}</script>'
        + '<div class="dlbook-explorable-live"></div>'
        + '<div class="dlbook-explorable-fallback">\n'
    )


def depart_explorable_html(self, node: explorable_node) -> None:
    self.body.append("</div></div>\n")


def visit_fallback_only(self, node: explorable_node) -> None:
    """Print and text formats get the fallback content as it is."""


def depart_fallback_only(self, node: explorable_node) -> None:
    pass


# --------------------------------------------------------------------------
# Events


def outdated_docs(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Re-read the pages with explorable figures when the code behind their data changed."""
    current = modules_key(MODULES)
    return [
        docname
        for docname, key in getattr(env, "dlbook_explore_docs", {}).items()
        if docname in env.found_docs and docname not in removed and key != current
    ]


def add_static_path(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC_DIR))


def add_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Load the script and style only on pages that have an explorable figure."""
    if pagename in getattr(app.env, "dlbook_explore_docs", {}):
        app.add_js_file(JS_FILE, loading_method="defer")
        app.add_css_file(CSS_FILE)


def setup(app: Sphinx) -> dict:
    fallback = (visit_fallback_only, depart_fallback_only)
    app.add_node(
        explorable_node,
        html=(visit_explorable_html, depart_explorable_html),
        latex=fallback,
        text=fallback,
        man=fallback,
        texinfo=fallback,
    )
    app.add_directive("explorable", ExplorableDirective)
    perpage.keep_per_page(app, "dlbook_explore_docs")
    app.connect("env-get-outdated", outdated_docs)
    app.connect("builder-inited", add_static_path)
    app.connect("html-page-context", add_page_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
