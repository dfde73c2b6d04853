"""Serve the site's scripts from the site itself (no CDN).

A default Jupyter Book page loads its scripts (MathJax, the hover tips' Popper
and tippy.js) from CDNs, so offline it breaks. The maths is typeset at build
time (:mod:`dlbook.sphinx.maths`), so no page loads MathJax; this extension
copies the browser libraries that the npm lock file pins (``package.json`` and
``package-lock.json`` at the repository root, installed by ``npm ci``) from
``node_modules`` into ``_static/npm/`` of the built site (and removes the
folders of libraries it no longer serves). Workarounds for what the pinned
extensions write into pages live in :mod:`dlbook.sphinx.fixes`.

What it copies, and where ``_config.yml`` points at it:

* Popper 2 and tippy.js 6 (``@popperjs/core``, ``tippy.js``): the hover tips
  of sphinx-tippy. ``tippy_js: [npm/popper/popper.min.js,
  npm/tippy/tippy-bundle.umd.min.js]`` (its default is unpkg.com).

The files are copied into the output folder when the build starts, not through
``html_static_path``: once the book has a top-level ``_static`` folder,
Jupyter Book adds every ``.js`` file under every static path to every page.

``node_modules`` is looked for in the ``dlbook_node_modules`` config value,
then the ``DLBOOK_NODE_MODULES`` environment variable, then the source folder
and its parents, then the checkout whose ``.venv`` runs the build. If it is
missing or older than the lock file, the build stops and says to run
``npm ci``.

Icon fonts: pydata-sphinx-theme serves Font Awesome's whole fonts
(``fa-solid-900.woff2`` 156 KB, ``fa-brands-400.woff2`` 118 KB; the pages show
about twenty icons). When the build finishes, :func:`cut_icon_fonts` rewrites
each ``.woff2`` under ``_static/vendor/fontawesome/webfonts`` with only the
glyphs the site can show: those of the ``fa-*`` classes named in its pages and
scripts, and those the style sheets draw without a class (admonition and
download icons, through ``--pst-icon-*``). The rules of the other icons
(``.fa-<name>:before``, 85 KB of the theme's 397 KB style sheet) go with the
other unused rules (:mod:`dlbook.sphinx.stylesheets`). The theme's own files
are the source, so a page that starts using a new icon gets it at the next build. fontTools
and brotli (``requirements.txt``) do the cutting; the cut fonts are kept in
``<doctreedir>/icon-fonts`` (Sphinx copies the theme's whole fonts again on
every build) and cut again only when the glyphs needed change.

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` as
``dlbook.sphinx.assets``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
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
    # Hover tips for glossary terms and cross-references (sphinx-tippy):
    # ``tippy_js`` in _config.yml points at these two instead of unpkg.com.
    Bundle("popper", "@popperjs/core", "dist/umd", ("popper.min.js",)),
    Bundle("tippy", "tippy.js", "dist", ("tippy-bundle.umd.min.js",)),
)


def find_node_modules(srcdir: Path, configured: str = "", packages: tuple[str, ...] = ()) -> Path:
    """The ``node_modules`` folder that holds ``packages`` (default: every bundle's); raise if there is none."""
    packages = packages or tuple(b.package for b in BUNDLES)
    candidates = []
    if configured:
        candidates.append(Path(configured))
    if os.environ.get("DLBOOK_NODE_MODULES"):
        candidates.append(Path(os.environ["DLBOOK_NODE_MODULES"]))
    candidates += [folder / "node_modules" for folder in (srcdir, *srcdir.parents)]
    candidates.append(Path(sys.prefix).parent / "node_modules")
    for candidate in candidates:
        if all((candidate / package / "package.json").is_file() for package in packages):
            return candidate.resolve()
    raise ExtensionError(
        "dlbook.sphinx.assets: no node_modules with "
        f"{', '.join(packages)} found (looked in "
        f"{', '.join(str(c) for c in candidates)}). Run `npm ci` in the "
        "repository root (`make book` does it for you)."
    )


def check_versions(node_modules: Path, packages: tuple[str, ...] = ()) -> None:
    """Raise if node_modules holds other versions of ``packages`` (default: the bundles') than the lock pins."""
    packages = packages or tuple(b.package for b in BUNDLES)
    lock_path = node_modules.parent / "package-lock.json"
    if not lock_path.is_file():
        return
    locked = json.loads(lock_path.read_text(encoding="utf-8")).get("packages", {})
    for package in packages:
        want = locked.get(f"node_modules/{package}", {}).get("version")
        manifest = node_modules / package / "package.json"
        have = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if want and have != want:
            raise ExtensionError(
                f"dlbook.sphinx.assets: node_modules has {package} {have} but "
                f"package-lock.json pins {want}. Run `npm ci` in {node_modules.parent}."
            )


NODE_MISSING = (
    "{who}: no `node` was found on PATH, and the build runs {script} with Node.js. "
    "Install Node.js and npm (Debian: apt-get install -y nodejs npm), then run `npm ci`."
)


def run_node_script(script: Path, request, node_modules: Path, who: str):
    """Run the Node.js ``script`` with ``request`` as JSON on stdin; its JSON stdout, decoded.

    ``who`` (the extension) names the failure: a missing ``node`` or a script
    that exits non-zero raises :class:`~sphinx.errors.ExtensionError` with
    the script's own message.
    """
    node = shutil.which("node")
    if node is None:
        raise ExtensionError(NODE_MISSING.format(who=who, script=script.name))
    environment = {**os.environ, "NODE_PATH": str(node_modules)}
    done = subprocess.run(
        [node, str(script)], input=json.dumps(request), capture_output=True, text=True, env=environment, check=False
    )
    if done.returncode != 0:
        raise ExtensionError(f"{who}: {script.name} failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout)


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


def remove_stale_bundles(static_dir: Path) -> None:
    """Delete folders of ``_static/npm`` that no bundle names any more (a library the site stopped serving)."""
    folder = static_dir / OUTPUT_DIR
    for path in folder.iterdir() if folder.is_dir() else []:
        if path.is_dir() and path.name not in {b.name for b in BUNDLES}:
            shutil.rmtree(path)


def copy_assets(app: Sphinx) -> None:
    """Copy the bundles into the output folder before any page is written.

    Copying first stops a build without ``npm ci`` before any chapter runs,
    and lets Sphinx add a ``?v=<checksum>`` to the script tags.
    """
    if app.builder.format != "html":
        return
    node_modules = find_node_modules(Path(app.srcdir), app.config.dlbook_node_modules)
    check_versions(node_modules)
    static_dir = Path(app.outdir) / "_static"
    copied = sum(copy_bundle(node_modules, b, static_dir) for b in BUNDLES)
    remove_stale_bundles(static_dir)
    logger.info("dlbook.sphinx.assets: %d files copied from %s to %s", copied, node_modules, static_dir / OUTPUT_DIR)
    for value in app.config.tippy_js if "tippy_js" in app.config else ():
        if "://" not in value and not (static_dir / value).is_file():
            raise ExtensionError(f"dlbook.sphinx.assets: tippy_js names {value!r}, no file under {static_dir}")


# ---------------------------------------------------------------------------
# Icon fonts cut to the icons the site shows

#: Where pydata-sphinx-theme keeps Font Awesome, under its static folder and the site's ``_static``.
ICON_FONTS = "vendor/fontawesome/webfonts"

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_ICON_CLASS = re.compile(r"\.(fa-[a-z0-9-]+)(?::{1,2}before|:{1,2}after)?$")
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{4,5})")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_CLASS_IN_PAGE = re.compile(r"\bfa-[a-z0-9-]+")


def icon_code_points(style_sheets: list[str], used_classes: set[str]) -> set[int]:
    """The icon glyphs (private-use code points) that ``style_sheets`` can draw on pages using ``used_classes``.

    A rule whose selectors are all ``.fa-<name>:before`` counts only if a page
    uses one of those classes; any other rule that draws an icon (a
    ``--pst-icon-*`` variable, an admonition's ``:after``) always counts.
    """
    points: set[int] = set()
    for css in style_sheets:
        for selectors, declarations in _RULE.findall(css):
            glyphs = {int(code, 16) for code in _ESCAPE.findall(declarations)}
            glyphs |= {ord(char) for char in _PRIVATE_USE.findall(declarations)}
            glyphs = {point for point in glyphs if 0xE000 <= point <= 0xF8FF}
            if not glyphs:
                continue
            named = [_ICON_CLASS.match(part.strip()) for part in selectors.split(",")]
            if all(named) and not {match[1] for match in named} & used_classes:
                continue
            points |= glyphs
    return points


def used_icon_classes(outdir: Path) -> set[str]:
    """Every ``fa-*`` name in the site's pages and scripts (the theme's scripts add some icons)."""
    names: set[str] = set()
    for path in [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]:
        names |= set(_CLASS_IN_PAGE.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return names


def cut_font(source: Path, target: Path, points: set[int]) -> None:
    """Write ``source`` with only the glyphs of ``points`` to ``target`` (WOFF2)."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(points))
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def theme_icon_fonts() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / ICON_FONTS


def cut_icon_fonts(app: Sphinx, exception) -> None:
    """``build-finished``: every icon font of the site cut to the glyphs its pages can show."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    fonts = outdir / "_static" / ICON_FONTS
    source_dir = theme_icon_fonts()
    if not fonts.is_dir() or not source_dir.is_dir():
        return
    style_sheets = [path.read_text(encoding="utf-8") for path in (outdir / "_static").rglob("*.css")]
    used = used_icon_classes(outdir)
    points = icon_code_points(style_sheets, used)
    # Sphinx copies the theme's whole fonts again on every build: keep the cut ones beside the doctrees.
    kept = Path(app.doctreedir) / "icon-fonts"
    kept.mkdir(parents=True, exist_ok=True)
    stamp_path = kept / "glyphs.json"
    stamps = json.loads(stamp_path.read_text(encoding="utf-8")) if stamp_path.is_file() else {}
    cut = []
    for target in sorted(fonts.glob("*.woff2")):
        source = source_dir / target.name
        if not source.is_file():
            continue
        want = {"points": sorted(points), "source": hashlib.sha256(source.read_bytes()).hexdigest()}
        if stamps.get(target.name) != want or not (kept / target.name).is_file():
            cut_font(source, kept / target.name, points)
            stamps[target.name] = want
            cut.append(f"{target.name} {source.stat().st_size:,} -> {(kept / target.name).stat().st_size:,} bytes")
        shutil.copyfile(kept / target.name, target)
    stamp_path.write_text(json.dumps(stamps), encoding="utf-8")
    if cut:
        logger.info("dlbook.sphinx.assets: icon fonts cut to %d glyphs: %s", len(points), "; ".join(cut))


def setup(app: Sphinx) -> dict:
    if "dlbook_node_modules" not in app.config:  # dlbook.sphinx.diagrams may have added it
        app.add_config_value("dlbook_node_modules", "", "env")
    app.connect("builder-inited", copy_assets)
    # Last: after every extension has written its pages, scripts and style sheets, and
    # dlbook.sphinx.stylesheets has removed the rules no page uses (priority 905).
    app.connect("build-finished", cut_icon_fonts, priority=910)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
