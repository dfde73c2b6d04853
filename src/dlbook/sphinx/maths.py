"""Maths typeset while the book is built, not in the reader's browser.

Every ``$...$``, ``$$...$$`` and ``{math}`` block becomes an inline ``<svg>``
drawn by MathJax 3 (the ``mathjax-full`` package that ``package-lock.json``
pins, run by Node). No page loads a maths engine (MathJax's TeX-to-HTML
component alone is 1.16 MB, plus up to seven web fonts), and the maths is
final before any script runs: nothing moves when it is typeset.

How a build typesets:

1. Reading (``doctree-read``): every math node's TeX is recorded with the
   page and line it came from.
2. ``env-updated``: every recorded formula that is not in the disk cache
   (``<doctreedir>/maths/<key>.json``, the key a hash of the TeX, inline or
   display, the mathjax-full release and :data:`RENDERER_VERSION`) is
   typeset in ONE Node process (``node/typeset-maths.cjs``: a JSON list on stdin, a JSON object on
   stdout). A build with nothing new starts no Node. A TeX error stops the
   build with the page, the line and MathJax's message.
3. Writing: the HTML visitors (registered as the math renderer ``dlbook``)
   write the cached SVG inside ``<mjx-container>`` where
   ``sphinx.ext.mathjax`` wrote ``\\(...\\)``. Sphinx still writes equation
   numbers and their anchors around it, so ``{eq}`` references are unchanged.
   A formula that appears only after reading (written by a post-transform)
   is typeset when its page is resolved, in one Node process per page.

Why SVG and not CommonHTML: CommonHTML needs MathJax's style sheet generated
for the characters in use plus its web fonts (seven files, about 104 KB, for
the heaviest page); SVG needs nothing but a fixed style sheet of a few
lines (``static/dlbook-maths.css``) and draws every glyph as a path, so it
looks the same in every browser and prints as vector graphics. The glyphs
take ``currentColor``, so dark mode needs nothing.

Why a shared cache of glyphs (MathJax's ``fontCache: 'global'``: each glyph's
path is defined once per page, in a hidden ``<svg>`` at the top of the
article, and every formula draws it with ``<use href="#MJX-...">``) and not
``fontCache: 'none'`` (each formula carries its own paths): on the heaviest
page, gradient descent (215 formulas), the page was 949,510 bytes (122,444
gzipped) with ``'none'`` and 474,874 (81,872) with the shared cache. A hover
tip can quote a formula from another page, whose glyphs this page may not
define: :func:`glyphs_into_tips` writes those glyphs into the tip as paths.
The attributes MathJax writes for its own scripts (``data-c``,
``data-mml-node`` except where the style sheet needs it) are dropped too.

Accessible name: each ``<svg>`` has ``role="img"`` and ``aria-label`` with
the formula's TeX as the author wrote it. (MathJax's English speech text
would need its speech rule engine and locale files in Node; not used.)

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` as
``dlbook.sphinx.maths``; it makes itself the math renderer
(``html_math_renderer = "dlbook"``) unless another one is set.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from xml.etree import ElementTree

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError, SphinxError
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

from dlbook.sphinx import assets, perpage

logger = logging.getLogger(__name__)

PACKAGE = "mathjax-full"
SCRIPT = Path(__file__).parent / "node" / "typeset-maths.cjs"
STATIC_DIR = Path(__file__).parent / "static"
CSS_FILE = "dlbook-maths.css"

#: Part of the cache key: bump it when :func:`clean_svg` or the script changes its output.
RENDERER_VERSION = 4

#: ``data-mml-node`` values that MathJax's SVG style sheet selects (table lines, errors).
STYLED_NODES = ("mtable", "merror")


class MathsError(SphinxError):
    category = "Maths error"


# ---------------------------------------------------------------------------
# TeX of a node, as sphinx.ext.mathjax would hand it to MathJax


def node_tex(node: nodes.Element) -> tuple[str, bool]:
    """``(tex, display)`` of a math node: what ``sphinx.ext.mathjax`` would put between its delimiters."""
    if isinstance(node, nodes.math):
        return node.astext(), False
    if node.get("nowrap"):
        return node.astext(), True
    parts = [part for part in node.astext().split("\n\n") if part.strip()]
    wrapped = [r"\begin{split}" + part + r"\end{split}" if r"\\" in part else part for part in parts]
    if len(wrapped) > 1:
        return r"\begin{align}\begin{aligned}" + r"\\".join(wrapped) + r"\end{aligned}\end{align}", True
    return "".join(wrapped), True


def maths_key(tex: str, display: bool, version: str) -> str:
    """The cache key: the TeX, inline or display, the mathjax-full release and :data:`RENDERER_VERSION`."""
    text = json.dumps([tex, display, version, RENDERER_VERSION])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


# ---------------------------------------------------------------------------
# Typesetting in Node


def node_modules(app: Sphinx) -> Path:
    """The pinned ``node_modules`` that holds mathjax-full (checked against the lock file)."""
    if not hasattr(app, "_dlbook_maths_modules"):
        found = assets.find_node_modules(Path(app.srcdir), app.config.dlbook_node_modules, (PACKAGE,))
        assets.check_versions(found, (PACKAGE,))
        app._dlbook_maths_modules = found
    return app._dlbook_maths_modules


def mathjax_version(app: Sphinx) -> str:
    manifest = node_modules(app) / PACKAGE / "package.json"
    return json.loads(manifest.read_text(encoding="utf-8"))["version"]


def typeset(modules: Path, formulas: dict[str, tuple[str, bool]]) -> dict[str, dict]:
    """Typeset ``{key: (tex, display)}`` in one Node process; ``{key: {svg} or {error}}``."""
    request = [{"key": key, "tex": tex, "display": display} for key, (tex, display) in formulas.items()]
    try:
        return assets.run_node_script(SCRIPT, request, modules, "dlbook.sphinx.maths")["results"]
    except ExtensionError as error:
        raise MathsError(str(error)) from None


MML_NODE = re.compile(r' data-mml-node="(?!(?:' + "|".join(STYLED_NODES) + r')")[^"]*"')

#: Every glyph path read from the cache in this process, by id (``MJX-TEX-I-1D465``: font, code point).
GLYPHS: dict[str, str] = {}

#: A glyph drawn by reference, as :func:`clean_svg` writes it: ``<use href="#id">``.
GLYPH_USE = re.compile(r'href="#(MJX-[^"]+)"')


def clean_svg(svg: str) -> str:
    """Drop what only MathJax's own scripts read (glyph code points, MathML node names), the namespaces,
    ``focusable`` (for Internet Explorer), and groups without attributes (their children take their place)."""
    svg = re.sub(r' data-c="[^"]*"', "", svg)
    svg = MML_NODE.sub("", svg)
    svg = re.sub(r' (xmlns(:xlink)?|focusable)="[^"]*"', "", svg)
    svg = svg.replace("xlink:href=", "href=")
    root = ElementTree.fromstring(svg)
    _unwrap_groups(root)
    return ElementTree.tostring(root, encoding="unicode", short_empty_elements=False)


def _unwrap_groups(element: ElementTree.Element) -> None:
    children = []
    for child in element:
        _unwrap_groups(child)
        children.extend(list(child) if child.tag == "g" and not child.attrib else [child])
    element[:] = children


def glyph_definitions(ids) -> str:
    """A hidden ``<svg>`` that defines the glyphs ``ids`` for every formula of a page to use."""
    paths = "".join(f'<path id="{name}" d="{GLYPHS[name]}"></path>' for name in sorted(ids))
    return (
        '<svg class="dlbook-glyphs" aria-hidden="true" focusable="false" width="0" height="0" '
        f'style="position: absolute; overflow: hidden"><defs>{paths}</defs></svg>'
    )


def cache_dir(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "maths"


def typeset_into_cache(app: Sphinx, wanted: dict[tuple[str, bool], str]) -> set[tuple[str, bool]]:
    """Typeset each ``(tex, display)`` of ``wanted`` that the cache lacks; ``wanted`` maps it to its place.

    Returns the formulas it typeset.
    """
    version = mathjax_version(app)
    folder = cache_dir(app)
    missing = {maths_key(tex, display, version): (tex, display) for tex, display in wanted}
    missing = {key: formula for key, formula in missing.items() if not (folder / f"{key}.json").is_file()}
    if not missing:
        return set()
    logger.info("dlbook.sphinx.maths: typesetting %d formula(s) with MathJax %s in Node", len(missing), version)
    results = typeset(node_modules(app), missing)
    folder.mkdir(parents=True, exist_ok=True)
    failures = []
    for key, (tex, display) in missing.items():
        result = results.get(key, {"error": "no result"})
        if "error" in result:
            failures.append(f"{wanted[(tex, display)]}: MathJax cannot typeset ${tex}$: {result['error']}")
            continue
        temporary = folder / f"{key}.json.tmp"
        drawn = {"svg": clean_svg(result["svg"]), "glyphs": result["glyphs"]}
        temporary.write_text(json.dumps(drawn), encoding="utf-8")
        os.replace(temporary, folder / f"{key}.json")
    if failures:
        raise MathsError("\n".join(failures))
    return set(missing.values())


def cached_svg(app: Sphinx, tex: str, display: bool) -> str:
    path = cache_dir(app) / f"{maths_key(tex, display, mathjax_version(app))}.json"
    if not path.is_file():
        raise MathsError(f"dlbook.sphinx.maths: {tex!r} was not typeset")
    drawn = json.loads(path.read_text(encoding="utf-8"))
    GLYPHS.update(drawn["glyphs"])
    return drawn["svg"]


def load_all_glyphs(app: Sphinx) -> None:
    """Every glyph of every cached formula into :data:`GLYPHS` (for tips that quote other pages)."""
    for path in sorted(cache_dir(app).glob("*.json")) if cache_dir(app).is_dir() else []:
        GLYPHS.update(json.loads(path.read_text(encoding="utf-8")).get("glyphs", {}))


# ---------------------------------------------------------------------------
# Build events


def _place(env, node: nodes.Node, docname: str) -> str:
    source = node.source or env.doc2path(docname)
    try:
        source = Path(source).relative_to(env.srcdir)
    except ValueError:
        pass
    return f"{source}, line {node.line or '?'}"


def _math_nodes(doctree: nodes.Node):
    yield from doctree.findall(lambda node: isinstance(node, (nodes.math, nodes.math_block)))


def record_maths(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: the TeX of every formula of the page, with where it is."""
    env = app.env
    found = env.dlbook_maths.setdefault(env.docname, {})
    for node in _math_nodes(doctree):
        found.setdefault(node_tex(node), _place(env, node, env.docname))


def typeset_missing(app: Sphinx, env) -> list[str]:
    """``env-updated``: typeset every formula of the book that the cache lacks, in one Node process.

    Returns the pages that show a newly typeset formula, so that they are
    written again even if their source did not change (a new MathJax release).
    """
    if not _renders(app):
        return []
    wanted: dict[tuple[str, bool], str] = {}
    for docname in sorted(env.dlbook_maths):
        for formula, place in env.dlbook_maths[docname].items():
            wanted.setdefault(formula, place)
    new = typeset_into_cache(app, wanted)
    return sorted(docname for docname, formulas in env.dlbook_maths.items() if new & formulas.keys())


def typeset_late_maths(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: formulas that a post-transform added after reading."""
    if not _renders(app):
        return
    wanted = {}
    for node in _math_nodes(doctree):
        wanted.setdefault(node_tex(node), _place(app.env, node, docname))
    typeset_into_cache(app, wanted)


def prune_cache(app: Sphinx, exception) -> None:
    """After a successful build: delete typeset formulas that no page has any more."""
    if exception is not None or not _renders(app) or not cache_dir(app).is_dir():
        return
    version = mathjax_version(app)
    in_use = {maths_key(tex, display, version) for page in app.env.dlbook_maths.values() for tex, display in page}
    for path in cache_dir(app).glob("*.json"):
        if path.stem not in in_use:
            path.unlink()


def _renders(app: Sphinx) -> bool:
    """Whether this build typesets: HTML with this renderer, or the quick check (which reports TeX errors)."""
    if app.builder.name == "dlbook-check":
        return app.config.html_math_renderer == "dlbook"
    return getattr(app.builder, "format", None) == "html" and getattr(app.builder, "math_renderer_name", "") == "dlbook"


# ---------------------------------------------------------------------------
# HTML


def _container(self, node: nodes.Element) -> str:
    tex, display = node_tex(node)
    svg = cached_svg(self.builder.app, tex, display)
    label = self.attval(tex.strip())
    svg = svg.replace('role="img"', f'role="img" aria-label="{label}"', 1)
    shown = ' display="true"' if display else ""
    return f'<mjx-container jax="SVG"{shown}>{svg}</mjx-container>'


def visit_math_html(self, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_container(self, node) + "</span>")
    raise nodes.SkipNode


def visit_displaymath_html(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node["number"] and not node.get("nowrap"):
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(_container(self, node) + "</div>\n")
    raise nodes.SkipNode


def use_as_renderer(app: Sphinx, config) -> None:
    if not config.html_math_renderer:
        config.html_math_renderer = "dlbook"


def add_static_path(app: Sphinx) -> None:
    if app.builder.format == "html" and str(STATIC_DIR) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC_DIR))


def add_glyphs_and_style(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """On a page with maths: the glyphs its formulas use, defined once, and the maths style sheet."""
    body = context.get("body")
    if not _renders(app) or not isinstance(body, str) or "<mjx-container" not in body:
        return
    used = set(GLYPH_USE.findall(body))
    if used - GLYPHS.keys():
        load_all_glyphs(app)
    context["body"] = glyph_definitions(used) + body
    app.add_css_file(CSS_FILE)


# ---------------------------------------------------------------------------
# Hover tips
#
# sphinx-tippy copies the HTML of the section, figure or term a link points to
# into ``_static/tippy/<page>.<id>.js`` when the build finishes. A tip quoting
# another page may use glyphs this page does not define: those are written
# into the tip as paths.

TIP_USE = re.compile(r'<use (?P<before>[^>]*?)href=\\"#(?P<id>MJX-[^"\\]+)\\"(?P<after>[^>]*)></use>')
DEFINED = re.compile(r'<path id="(MJX-[^"]+)"')


def draw_undefined_glyphs(tips: str, defined: set[str]) -> str:
    """``tips`` (sphinx-tippy's data) with every glyph outside ``defined`` drawn as a path instead of used."""

    def drawn(match: re.Match) -> str:
        name = match["id"]
        if name in defined:
            return match[0]
        return f'<path {match["before"]}d=\\"{GLYPHS[name]}\\"{match["after"]}></path>'

    return TIP_USE.sub(drawn, tips)


def glyphs_into_tips(app: Sphinx, exception) -> None:
    """``build-finished``: each page's tips draw the glyphs that page does not define."""
    folder = Path(app.outdir, "_static", "tippy")
    if exception is not None or not _renders(app) or not folder.is_dir():
        return
    for tips in folder.rglob("*.js"):
        text = tips.read_text(encoding="utf-8")
        if "<use " not in text:
            continue
        page = Path(app.outdir, tips.parent.relative_to(folder), tips.name.split(".")[0] + ".html")
        defined = set(DEFINED.findall(page.read_text(encoding="utf-8"))) if page.is_file() else set()
        if set(re.findall(r'href=\\"#(MJX-[^"\\]+)\\"', text)) - defined - GLYPHS.keys():
            load_all_glyphs(app)
        changed = draw_undefined_glyphs(text, defined)
        if changed != text:
            tips.write_text(changed, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    if "dlbook_node_modules" not in app.config:
        app.add_config_value("dlbook_node_modules", "", "env")
    app.add_html_math_renderer("dlbook", (visit_math_html, None), (visit_displaymath_html, None))
    app.connect("config-inited", use_as_renderer)
    perpage.keep_per_page(app, "dlbook_maths")
    app.connect("doctree-read", record_maths)
    app.connect("env-updated", typeset_missing)
    app.connect("doctree-resolved", typeset_late_maths)
    app.connect("builder-inited", add_static_path)
    app.connect("html-page-context", add_glyphs_and_style)
    # After sphinx-tippy writes its files (500) and dlbook.sphinx.fixes keeps them (800).
    app.connect("build-finished", glyphs_into_tips, priority=850)
    app.connect("build-finished", prune_cache)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
