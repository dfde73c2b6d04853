"""Serve the site's scripts and fonts from the site itself (no CDN).

A default Jupyter Book page loads MathJax and mermaid from CDNs, so offline
its equations and diagrams do not render. This extension copies the browser
libraries that the npm lock file pins (``package.json`` and
``package-lock.json`` at the repository root, installed by ``npm ci``) from
``node_modules`` into ``_static/npm/`` of the built site. It also fixes what
extensions write into every page and a browser flags: a Sphinx 7.4 bug that
writes some inline scripts twice (a SyntaxError in the console), mermaid's
loader on pages without diagrams, and two accessibility errors
(:data:`BODY_FIXES`).

What it copies, and where ``_config.yml`` points at it:

* MathJax 3 (``mathjax`` package, ``es5/``): ``tex-mml-chtml.js`` plus the
  folders it loads on demand (fonts, TeX extensions, menu, accessibility).
  ``mathjax_path: npm/mathjax/tex-mml-chtml.js``. MathJax finds its fonts
  next to the script, so no ``fontURL`` is needed.
* mermaid 11 (``mermaid`` package, ``dist/``): the ES module and its chunks.
  ``mermaid_use_local: npm/mermaid/mermaid.esm.min.mjs`` (sphinxcontrib-mermaid
  resolves it under ``_static``). Also the classic ``mermaid.min.js``, which
  ``book/_static/site.js`` loads only when the offline copy is opened from
  disk (browsers refuse ES modules on ``file://`` pages).
* Popper 2 and tippy.js 6 (``@popperjs/core``, ``tippy.js``): the hover tips
  of sphinx-tippy. ``tippy_js: [npm/popper/popper.min.js,
  npm/tippy/tippy-bundle.umd.min.js]`` (its default is unpkg.com).

The files are copied into the output folder when the build starts, not through
``html_static_path``: once the book has a top-level ``_static`` folder,
Jupyter Book adds every ``.js`` file under every static path to every page,
which would load all of MathJax's extensions eagerly.

``node_modules`` is looked for in the ``dlbook_node_modules`` config value,
then the ``DLBOOK_NODE_MODULES`` environment variable, then the source folder
and its parents, then the checkout whose ``.venv`` runs the build. If it is
missing or older than the lock file, the build stops and says to run
``npm ci``.

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` as
``dlbook.sphinx.assets``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The output folder under ``_static`` (pydata-sphinx-theme already owns
#: ``_static/vendor``).
OUTPUT_DIR = "npm"


@dataclass(frozen=True)
class Bundle:
    """Files of one npm package that the site serves.

    ``source`` is a folder inside the package; ``include`` are glob patterns
    relative to it; they land in ``_static/npm/<name>/`` keeping their paths.
    """

    name: str
    package: str
    source: str
    include: tuple[str, ...]


BUNDLES = (
    Bundle(
        "mathjax",
        "mathjax",
        "es5",
        (
            "tex-mml-chtml.js",
            "output/chtml/fonts/woff-v2/*.woff",
            "output/**/*.js",  # the menu can switch the renderer to SVG
            "input/**/*.js",  # TeX extensions loaded by \require or autoload
            "a11y/**/*.js",  # explorer and speech, loaded from the menu
            "ui/**/*.js",
            "sre/**/*",  # speech rule engine and its maps
        ),
    ),
    Bundle(
        "mermaid",
        "mermaid",
        "dist",
        (
            "mermaid.esm.min.mjs",
            "chunks/mermaid.esm.min/*.mjs",
            "mermaid.min.js",  # classic build: the offline copy opened from disk
        ),
    ),
    # Hover tips for glossary terms and cross-references (sphinx-tippy):
    # ``tippy_js`` in _config.yml points at these two instead of unpkg.com.
    Bundle("popper", "@popperjs/core", "dist/umd", ("popper.min.js",)),
    Bundle("tippy", "tippy.js", "dist", ("tippy-bundle.umd.min.js",)),
)


def find_node_modules(srcdir: Path, configured: str = "") -> Path:
    """The ``node_modules`` folder to copy from; raise if there is none."""
    candidates = []
    if configured:
        candidates.append(Path(configured))
    if os.environ.get("DLBOOK_NODE_MODULES"):
        candidates.append(Path(os.environ["DLBOOK_NODE_MODULES"]))
    candidates += [folder / "node_modules" for folder in (srcdir, *srcdir.parents)]
    candidates.append(Path(sys.prefix).parent / "node_modules")
    for candidate in candidates:
        if all((candidate / b.package / "package.json").is_file() for b in BUNDLES):
            return candidate.resolve()
    raise ExtensionError(
        "dlbook.sphinx.assets: no node_modules with "
        f"{', '.join(b.package for b in BUNDLES)} found (looked in "
        f"{', '.join(str(c) for c in candidates)}). Run `npm ci` in the "
        "repository root (`make book` does it for you)."
    )


def check_versions(node_modules: Path) -> None:
    """Raise if node_modules holds other versions than package-lock.json pins."""
    lock_path = node_modules.parent / "package-lock.json"
    if not lock_path.is_file():
        return
    locked = json.loads(lock_path.read_text(encoding="utf-8")).get("packages", {})
    for bundle in BUNDLES:
        want = locked.get(f"node_modules/{bundle.package}", {}).get("version")
        manifest = node_modules / bundle.package / "package.json"
        have = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if want and have != want:
            raise ExtensionError(
                f"dlbook.sphinx.assets: node_modules has {bundle.package} {have} but "
                f"package-lock.json pins {want}. Run `npm ci` in {node_modules.parent}."
            )


def bundle_files(node_modules: Path, bundle: Bundle) -> list[Path]:
    """Every file of ``bundle``, relative to its source folder, sorted."""
    base = node_modules / bundle.package / bundle.source
    found = {path.relative_to(base) for pattern in bundle.include for path in base.glob(pattern) if path.is_file()}
    if not found:
        raise ExtensionError(f"dlbook.sphinx.assets: nothing matched in {base}")
    return sorted(found)


def copy_bundle(node_modules: Path, bundle: Bundle, static_dir: Path) -> int:
    """Copy a bundle under ``static_dir/npm/<name>``; return the files copied.

    A file already there with the same size and modification time is kept,
    so a rebuild copies nothing new.
    """
    base = node_modules / bundle.package / bundle.source
    target = static_dir / OUTPUT_DIR / bundle.name
    copied = 0
    for relative in bundle_files(node_modules, bundle):
        source, destination = base / relative, target / relative
        stat = source.stat()
        if destination.is_file():
            old = destination.stat()
            if old.st_size == stat.st_size and int(old.st_mtime) == int(stat.st_mtime):
                continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
        copied += 1
    return copied


def copy_assets(app: Sphinx) -> None:
    """Copy the bundles into the output folder before any page is written.

    Copying first stops a build without ``npm ci`` before any chapter runs,
    and lets Sphinx add a ``?v=<checksum>`` to the MathJax script tag.
    """
    if app.builder.format != "html":
        return
    node_modules = find_node_modules(Path(app.srcdir), app.config.dlbook_node_modules)
    check_versions(node_modules)
    static_dir = Path(app.outdir) / "_static"
    copied = sum(copy_bundle(node_modules, b, static_dir) for b in BUNDLES)
    logger.info("dlbook.sphinx.assets: %d files copied from %s to %s", copied, node_modules, static_dir / OUTPUT_DIR)
    for option in ("mathjax_path", "mermaid_use_local"):
        value = getattr(app.config, option, "")
        if value and "://" not in value and not (static_dir / value).is_file():
            raise ExtensionError(f"dlbook.sphinx.assets: {option} = {value!r} names no file under {static_dir}")


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Write each inline or linked script once, and mermaid only where needed.

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
        if key in seen or (doctree is None and _loads_mermaid(script)):
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique


def _loads_mermaid(script) -> bool:
    """True for sphinxcontrib-mermaid's loader script.

    It adds the loader to every page that has no doctree (search, genindex),
    which then download all of mermaid for nothing.
    """
    return "import mermaid from" in script.attributes.get("body", "")


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


def setup(app: Sphinx) -> dict:
    app.add_config_value("dlbook_node_modules", "", "env")
    app.connect("builder-inited", copy_assets)
    # After every other handler: sphinx.ext.mathjax and sphinxcontrib-mermaid
    # add their scripts in this event too.
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", fix_body)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
