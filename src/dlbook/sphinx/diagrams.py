"""Mermaid diagrams drawn into SVG while the book is built, not in the reader's browser.

A ```` ```{mermaid} ```` block becomes an inline ``<svg>`` in the page: no
page loads mermaid's JavaScript (about 3 MB), the diagram is there before
any script runs, and its colours follow the site's light and dark themes
through CSS variables (``static/dlbook-diagrams.css``) instead of being
baked in.

How a build draws them:

1. Reading: the ``mermaid`` directive records each diagram's code, with the
   page and line it came from.
2. ``env-updated``: every recorded diagram that is not in the disk cache
   (``<doctreedir>/diagrams/<key>.json``, the key a hash of the code, the
   mermaid release, :data:`CONFIG` and the post-processing below) is drawn in ONE headless Chromium
   session, by the mermaid that ``package-lock.json`` pins (``node_modules``,
   the classic ``mermaid.min.js``). A build with nothing new starts no browser.
   A diagram mermaid cannot parse stops the build with the page, the line of
   the directive and mermaid's message.
3. Writing: the HTML visitor inlines the cached SVG, with an id unique on its
   page, ``role="img"``, an ``aria-label`` and a ``<title>``.

Why not mermaid's own command-line tool (``@mermaid-js/mermaid-cli``, which
sphinxcontrib-mermaid calls for its SVG output)? It starts a new browser for
every diagram (about 5 s each on a 2-core machine: two minutes for this book,
against one launch here), and its puppeteer wants to download its own Chrome
when installed. This module uses the Chromium that the browser tests use,
found by :mod:`dlbook.sphinx.browser` (``CHROMIUM``, the system's,
Playwright's, or installed), through Playwright for Python.

The drawn SVG is post-processed in the same browser (:data:`RENDER_JS`): the
colour declarations of mermaid's style sheet and attributes are removed (the
site's CSS gives them), and so are element ids nothing refers to and the
``data-points`` of edges; coordinates are rounded to 0.1 px (a rounded
stadium shape is thousands of digits long otherwise).

Text alternative: the ``:alt:`` option of the directive if given, else one
generated from the flowchart itself, every edge as "A leads to B (label)"
from the node labels. Diagrams that are not flowcharts must have ``:alt:``.

Labels are SVG text (``htmlLabels: false``) in DejaVu Sans, with Verdana
(whose letters have the same widths) as the fallback readers without DejaVu
get, so a label fits its box whatever browser shows it.

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` as
``dlbook.sphinx.diagrams``.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from dlbook.sphinx import assets, browser, perpage

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
CSS_FILE = "dlbook-diagrams.css"

#: Font of the labels: the width mermaid measures a label with is the width
#: the reader sees, so the first font must exist on the build machine (Debian's
#: fonts-dejavu) and the fallback must have the same letter widths.
FONT = "'DejaVu Sans', Verdana, Geneva, sans-serif"

#: mermaid's configuration for every diagram (part of the cache key).
CONFIG = {
    "startOnLoad": False,
    "theme": "base",
    "securityLevel": "strict",
    "deterministicIds": True,
    "fontFamily": FONT,
    "themeVariables": {"fontFamily": FONT, "fontSize": "16px"},
    # SVG text, not HTML in a foreignObject: sized by the font above, and
    # styled by the site's CSS like the rest of the drawing.
    "htmlLabels": False,
    # Narrow enough for a phone: the svg shrinks to the column (useMaxWidth),
    # so every pixel of width saved keeps the labels larger. Labels wrap at
    # 110 px; boxes and ranks sit closer than mermaid's defaults.
    "flowchart": {
        "useMaxWidth": True,
        "htmlLabels": False,
        "wrappingWidth": 110,
        "nodeSpacing": 20,
        "rankSpacing": 40,
        "padding": 10,
        "diagramPadding": 4,
    },
}

#: Placeholder id every diagram is drawn with; each page gets its own ids.
ID_TOKEN = "dlbookdiagramid"

#: Style properties whose colours the site's CSS gives instead (others, and the
#: values ``none`` and ``transparent``, are kept).
COLOUR_PROPERTIES = ("fill", "stroke", "color", "background-color", "background", "border-color", "opacity")

#: Runs in the browser: draws each diagram, cleans its SVG and describes it.
RENDER_JS = """
async ({diagrams, config, id, colours}) => {
  mermaid.initialize(config);
  const keep = v => v === 'none' || v === 'transparent';
  const clean = (svgText) => {
    const holder = document.createElement('div');
    holder.innerHTML = svgText;
    document.body.appendChild(holder);
    const svg = holder.querySelector('svg');
    // Colours: out of the style sheet (the site's CSS sets them) ...
    const style = svg.querySelector('style');
    const rules = [...style.sheet.cssRules].map(rule => {
      if (!rule.style) return rule.cssText;
      for (const p of colours) if (!keep(rule.style.getPropertyValue(p))) rule.style.removeProperty(p);
      return rule.style.length ? rule.cssText : '';
    });
    style.textContent = rules.join('');
    // ... and out of attributes.
    svg.querySelectorAll('*').forEach(el => {
      for (const p of ['fill', 'stroke']) if (el.hasAttribute(p) && !keep(el.getAttribute(p))) el.removeAttribute(p);
      if (el.style) for (const p of colours) if (!keep(el.style.getPropertyValue(p))) el.style.removeProperty(p);
      if (el.getAttribute('style') === '' || el.getAttribute('style') === ';') el.removeAttribute('style');
      el.removeAttribute('data-points');
    });
    // Ids that nothing refers to go; the referenced ones already start with the svg's id.
    const text = svg.outerHTML;
    svg.querySelectorAll('[id]').forEach(el => {
      if (!text.includes('#' + el.id + ')') && !text.includes('"#' + el.id + '"')) el.removeAttribute('id');
    });
    svg.removeAttribute('role');
    svg.removeAttribute('aria-roledescription');
    // Coordinates to 0.1 px (only in geometry: a label's own digits stay as written).
    const geometry = ['d', 'transform', 'points', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry',
                      'width', 'height', 'viewBox', 'style', 'refX', 'refY', 'dy'];
    [svg, ...svg.querySelectorAll('*')].forEach(el => geometry.forEach(name => {
      const value = el.getAttribute(name);
      if (value) el.setAttribute(name, value.replace(/(\\d+\\.\\d)\\d+/g, '$1'));
    }));
    const out = new XMLSerializer().serializeToString(svg);
    holder.remove();
    return out;
  };
  const describe = async (code) => {
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(code);
    const db = diagram.db;
    if (!db.getVertices || !db.getEdges) return {type: diagram.type, description: null};
    const vertices = db.getVertices();
    const label = key => {
      const v = vertices.get ? vertices.get(key) : vertices[key];
      return (v && v.text ? v.text : key).trim();
    };
    // Invisible links (~~~) only place boxes; a drawing without arrows is described by its boxes.
    const steps = db.getEdges().filter(e => e.stroke !== 'invisible').map(e =>
      `${label(e.start)} leads to ${label(e.end)}` + (e.text ? ` (${e.text.trim()})` : ''));
    const boxes = [...(vertices.keys ? vertices.keys() : Object.keys(vertices))].map(label);
    const description = steps.length ? steps.join('; ') : (boxes.length ? 'boxes ' + boxes.join(', ') : null);
    return {type: diagram.type, description};
  };
  const results = {};
  for (const {key, code} of diagrams) {
    try {
      await mermaid.parse(code);
      const {svg} = await mermaid.render(id, code);
      results[key] = {svg: clean(svg), ...(await describe(code))};
    } catch (error) {
      results[key] = {error: String((error && error.message) || error)};
    }
    document.querySelectorAll('#' + id + ', #d' + id).forEach(el => el.remove());
  }
  return results;
}
"""

#: Changes whenever :data:`RENDER_JS` or the markup written around it changes meaning.
RENDERER_VERSION = hashlib.sha256((RENDER_JS + ID_TOKEN + repr(COLOUR_PROPERTIES)).encode()).hexdigest()[:12]


class DiagramError(SphinxError):
    category = "Diagram error"


class diagram_node(nodes.General, nodes.Element):
    """A mermaid diagram: its ``code``, and ``alt``, the author's text if any."""


class MermaidDirective(SphinxDirective):
    """```` ```{mermaid} ```` with the diagram's code; ``:alt:`` describes it in words."""

    has_content = True
    option_spec = {"alt": directives.unchanged, "class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        code = "\n".join(self.content).strip()
        if not code:
            raise self.error("a mermaid diagram needs its code inside the block")
        source, line = self.get_source_info()
        node = diagram_node(
            code=code,
            alt=self.options.get("alt", "").strip(),
            serial=self.env.new_serialno("dlbook-diagram"),
            classes=self.options.get("class", []),
        )
        self.set_source_info(node)
        where = f"{Path(source).relative_to(self.env.srcdir) if source else self.env.docname}, line {line}"
        self.env.dlbook_diagrams.setdefault(self.env.docname, {})[code] = where
        return [node]


def diagram_key(code: str, version: str) -> str:
    """The cache key: the code, the mermaid release, its configuration and the post-processing."""
    text = json.dumps([code, version, CONFIG, RENDERER_VERSION], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def mermaid_script(app: Sphinx) -> Path:
    """mermaid's classic build in the pinned ``node_modules`` (checked against the lock file)."""
    node_modules = assets.find_node_modules(Path(app.srcdir), app.config.dlbook_node_modules, ("mermaid",))
    assets.check_versions(node_modules, ("mermaid",))
    return node_modules / "mermaid" / "dist" / "mermaid.min.js"


def mermaid_version(app: Sphinx) -> str:
    if not hasattr(app, "_dlbook_mermaid_version"):
        manifest = mermaid_script(app).parents[1] / "package.json"
        app._dlbook_mermaid_version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return app._dlbook_mermaid_version


def cache_dir(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "diagrams"


def render(script: Path, diagrams: dict[str, str]) -> dict[str, dict]:
    """Draw ``{key: code}`` in one headless Chromium; ``{key: {svg, type, description} or {error}}``.

    Playwright's synchronous API refuses to start in a thread that already
    runs an asyncio loop (a build started from Jupyter, or next to another
    Playwright session), so the drawing runs in a thread of its own.
    """
    path = browser.find(install=True)
    if path is None:
        raise DiagramError(browser.MISSING)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_render_in_chromium, path, script, diagrams).result()


def _render_in_chromium(path: str, script: Path, diagrams: dict[str, str]) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=list(browser.ARGS))
        try:
            page = chromium.new_page()
            page.set_content("<!doctype html><html><head></head><body></body></html>")
            page.add_script_tag(path=str(script))
            arguments = {
                "diagrams": [{"key": k, "code": c} for k, c in diagrams.items()],
                "config": CONFIG,
                "id": ID_TOKEN,
                "colours": list(COLOUR_PROPERTIES),
            }
            return page.evaluate(RENDER_JS, arguments)
        finally:
            chromium.close()


def draw_missing(app: Sphinx, env) -> list[str]:
    """``env-updated``: draw every diagram of the book that the cache lacks, in one browser.

    Returns the pages that show a newly drawn diagram, so that they are written
    again even if their source did not change (a new mermaid release, a new
    :data:`CONFIG`).
    """
    recorded = getattr(env, "dlbook_diagrams", {})
    version = mermaid_version(app)
    folder = cache_dir(app)
    missing: dict[str, str] = {}
    where: dict[str, str] = {}
    pages: set[str] = set()
    for docname in sorted(recorded):
        for code, place in recorded[docname].items():
            key = diagram_key(code, version)
            if not (folder / f"{key}.json").is_file():
                missing[key] = code
                where.setdefault(key, place)
                pages.add(docname)
    if not missing:
        return []
    logger.info("dlbook.sphinx.diagrams: drawing %d diagram(s) in Chromium", len(missing))
    results = render(mermaid_script(app), missing)
    failures = []
    folder.mkdir(parents=True, exist_ok=True)
    for key, result in results.items():
        if "error" in result:
            message = result["error"].replace("\n", "\n    ")
            failures.append(f"{where[key]}: mermaid could not draw this diagram:\n    {message}")
            continue
        temporary = folder / f"{key}.json.tmp"
        temporary.write_text(json.dumps(result), encoding="utf-8")
        os.replace(temporary, folder / f"{key}.json")
    if failures:
        raise DiagramError("\n".join(failures))
    return sorted(pages)


def check_text_alternatives(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: a diagram with neither ``:alt:`` nor a generated description fails."""
    for node in doctree.findall(diagram_node):
        if not node["alt"] and not cached(app, node["code"]).get("description"):
            raise DiagramError(
                f"{app.env.dlbook_diagrams[docname][node['code']]}: this diagram needs an :alt: "
                "option (a description in words): only flowcharts get one generated"
            )


def cached(app: Sphinx, code: str) -> dict:
    """What was drawn for ``code`` ({} if nothing)."""
    path = cache_dir(app) / f"{diagram_key(code, mermaid_version(app))}.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def prune_cache(app: Sphinx, exception) -> None:
    """After a successful build: delete drawn diagrams that no page has any more."""
    if exception is not None:
        return
    version = mermaid_version(app)
    in_use = {diagram_key(code, version) for doc in getattr(app.env, "dlbook_diagrams", {}).values() for code in doc}
    folder = cache_dir(app)
    for path in folder.glob("*.json") if folder.is_dir() else []:
        if path.stem not in in_use:
            path.unlink()


def visit_diagram_html(self, node: diagram_node) -> None:
    drawn = cached(self.builder.app, node["code"])
    if "svg" not in drawn:
        raise DiagramError(f"{node.source}, line {node.line}: this diagram was not drawn")
    text = node["alt"] or f"Diagram: {drawn['description']}."
    unique = f"diagram-{node['serial']}"
    label = _escape_attribute(text)
    svg = drawn["svg"].replace(ID_TOKEN, unique)
    opening_end = svg.index(">")
    svg = (
        svg[:opening_end]
        + f' role="img" aria-label="{label}"'
        + svg[opening_end : opening_end + 1]
        + f"<title>{_escape_text(text)}</title>"
        + svg[opening_end + 1 :]
    )
    self.body.append(self.starttag(node, "figure", CLASS="dlbook-diagram"))
    self.body.append(svg)
    self.body.append("</figure>\n")
    raise nodes.SkipNode


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    return _escape_text(text).replace('"', "&quot;")


def skip_node(self, node) -> None:
    raise nodes.SkipNode


def add_static_path(app: Sphinx) -> None:
    if app.builder.format == "html" and str(STATIC_DIR) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC_DIR))


def add_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The diagrams' style sheet, only on pages that have a diagram."""
    if getattr(app.env, "dlbook_diagrams", {}).get(pagename):
        app.add_css_file(CSS_FILE)


def setup(app: Sphinx) -> dict:
    if "dlbook_node_modules" not in app.config:
        app.add_config_value("dlbook_node_modules", "", "env")
    app.add_node(
        diagram_node,
        html=(visit_diagram_html, None),
        latex=(skip_node, None),
        text=(skip_node, None),
        man=(skip_node, None),
        texinfo=(skip_node, None),
    )
    app.add_directive("mermaid", MermaidDirective, override=True)
    perpage.keep_per_page(app, "dlbook_diagrams")
    app.connect("env-updated", draw_missing)
    app.connect("doctree-resolved", check_text_alternatives)
    app.connect("builder-inited", add_static_path)
    app.connect("html-page-context", add_page_assets)
    app.connect("build-finished", prune_cache)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
