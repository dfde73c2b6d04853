"""dlbook.sphinx.assets in a build: the npm copies, the checks, and the page fixes.

tests/test_assets.py checks the helpers against the repository's real
``node_modules``. These tests use a small fake ``node_modules`` (a few bytes
per file, so a build copies in milliseconds) and build tiny projects
in-process in ``tmp_path`` with the extensions the book registers next to
this one (myst-nb, dlbook.sphinx.fixes). Each build is checked against
what a browser would load: script URLs that resolve to copied files, every
script once.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

from dlbook.sphinx import assets, fixes
from sphinxroots import Project

HEADER = textwrap.dedent("""\
    ---
    jupytext:
      text_representation:
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---
    """)
CHAPTER = HEADER + textwrap.dedent("""\
    # Chapter

    The loss is the squared error.

    ```{code-cell} ipython3
    :tags: [hide-input]
    print("a figure-only cell")
    ```
    """)


def concrete(pattern: str) -> str:
    """A file name that a bundle's glob pattern matches: ``output/**/*.js`` -> ``output/sub/x.js``."""
    return pattern.replace("**", "sub").replace("*", "x")


def served(bundle: assets.Bundle) -> list[str]:
    """What the fake package of ``bundle`` holds that must be served (one file per pattern)."""
    return sorted({concrete(pattern) for pattern in bundle.include})


def fake_node_modules(
    root: Path, version: str = "1.0.0", bundles=assets.BUNDLES, versions: dict[str, str] | None = None
) -> Path:
    """node_modules with the packages of ``bundles``, each file holding its own path.

    Besides one file per include pattern, each package holds files that must
    NOT be served: its README and a source map next to the bundle's files.
    """
    modules = root / "node_modules"
    for bundle in bundles:
        package = modules / bundle.package
        package.mkdir(parents=True, exist_ok=True)
        have = (versions or {}).get(bundle.package, version)
        (package / "package.json").write_text(json.dumps({"version": have}))
        (package / "README.md").write_text("not served\n")
        for name in [*served(bundle), "unrelated.js.map"]:
            path = package / bundle.source / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"// {bundle.package}/{bundle.source}/{name}\n")
    return modules


def project(tmp_path: Path, node_modules: Path | None, conf: str = "", chapter: str = CHAPTER) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        textwrap.dedent(f"""\
        extensions = ["myst_nb", "dlbook.sphinx.assets", "sphinx_tippy", "dlbook.sphinx.fixes"]
        nb_execution_mode = "off"
        tippy_js = ["npm/popper/popper.min.js", "npm/tippy/tippy-bundle.umd.min.js"]
        tippy_enable_wikitips = False
        tippy_enable_doitips = False
        dlbook_node_modules = {str(node_modules or "")!r}
        """)
        + conf
    )
    (src / "index.md").write_text("# Index\n\n```{toctree}\nchapter\n```\n")
    (src / "chapter.md").write_text(chapter)
    return src


def build(src: Path, builder: str = "html", fresh: bool = True) -> tuple[Path, str, str]:
    """Build in-process; return the output folder, the status log and the warnings."""
    result = Project(src.parent).build(builder, fresh=fresh)
    return result.outdir, result.status, result.warnings


@pytest.fixture
def no_node_modules(tmp_path, monkeypatch):
    """Nothing to find: no variable, and the running Python's checkout has none."""
    monkeypatch.delenv("DLBOOK_NODE_MODULES", raising=False)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "elsewhere" / ".venv"))


# ---------------------------------------------------------------------------
# Finding node_modules and checking it


def test_the_configured_folder_wins_then_the_variable_then_the_source_tree(tmp_path, monkeypatch, no_node_modules):
    configured = fake_node_modules(tmp_path / "configured")
    variable = fake_node_modules(tmp_path / "variable")
    tree = fake_node_modules(tmp_path / "checkout")
    srcdir = tmp_path / "checkout" / "book"
    srcdir.mkdir()
    monkeypatch.setenv("DLBOOK_NODE_MODULES", str(variable))

    assert assets.find_node_modules(srcdir, str(configured)) == configured.resolve()
    assert assets.find_node_modules(srcdir) == variable.resolve()
    # a configured folder without the packages is passed over, not trusted
    assert assets.find_node_modules(srcdir, str(tmp_path / "empty")) == variable.resolve()
    monkeypatch.delenv("DLBOOK_NODE_MODULES")
    assert assets.find_node_modules(srcdir) == tree.resolve()  # found among the parents


def test_a_node_modules_without_every_package_is_passed_over(tmp_path, no_node_modules):
    fake_node_modules(tmp_path / "checkout" / "book", bundles=assets.BUNDLES[:-1])
    complete = fake_node_modules(tmp_path / "checkout")
    assert assets.find_node_modules(tmp_path / "checkout" / "book") == complete.resolve()


def test_the_running_checkout_is_the_last_resort(tmp_path, monkeypatch):
    monkeypatch.delenv("DLBOOK_NODE_MODULES", raising=False)
    checkout = fake_node_modules(tmp_path / "checkout")
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "checkout" / ".venv"))
    (tmp_path / "book-elsewhere").mkdir()
    assert assets.find_node_modules(tmp_path / "book-elsewhere") == checkout.resolve()


def test_the_error_lists_every_place_it_looked(tmp_path, monkeypatch, no_node_modules):
    monkeypatch.setenv("DLBOOK_NODE_MODULES", str(tmp_path / "from-variable"))
    packages = ", ".join(b.package for b in assets.BUNDLES)
    with pytest.raises(ExtensionError, match=rf"no node_modules with {re.escape(packages)} found") as info:
        assets.find_node_modules(tmp_path / "book", str(tmp_path / "from-config"))
    message = str(info.value)
    assert "Run `npm ci` in the repository root" in message
    for place in (
        tmp_path / "from-config",
        tmp_path / "from-variable",
        tmp_path / "book" / "node_modules",
        tmp_path / "node_modules",
        tmp_path / "elsewhere" / "node_modules",
    ):
        assert str(place) in message
    assert message.index("from-config") < message.index("from-variable") < message.index("book/node_modules")


def lock_pinning(versions: dict[str, str]) -> dict:
    return {"lockfileVersion": 3, "packages": {f"node_modules/{name}": {"version": v} for name, v in versions.items()}}


@pytest.mark.parametrize(
    "lock",
    [
        None,  # no lock file: nothing to compare
        "all",  # every package pinned as installed
        "first",  # only one package pinned
        {"lockfileVersion": 3},  # no packages section
    ],
    ids=["no-lock", "matching", "one-pinned", "no-packages"],
)
def test_check_versions_accepts_what_the_lock_allows(tmp_path, lock):
    modules = fake_node_modules(tmp_path, version="2.0.0")
    packages = [b.package for b in assets.BUNDLES]
    if lock == "all":
        lock = lock_pinning(dict.fromkeys(packages, "2.0.0"))
    elif lock == "first":
        lock = lock_pinning({packages[0]: "2.0.0", "some-other-package": "0.1.0"})
    if lock is not None:
        (tmp_path / "package-lock.json").write_text(json.dumps(lock))
    assets.check_versions(modules)  # raises ExtensionError on a mismatch


@pytest.mark.parametrize("stale", [b.package for b in assets.BUNDLES])
def test_check_versions_names_the_stale_package_and_where_to_run_npm_ci(tmp_path, stale):
    modules = fake_node_modules(tmp_path, version="2.0.0", versions={stale: "1.9.0"})
    (tmp_path / "package-lock.json").write_text(json.dumps(lock_pinning({b.package: "2.0.0" for b in assets.BUNDLES})))
    with pytest.raises(
        ExtensionError,
        match=rf"node_modules has {re.escape(stale)} 1\.9\.0 but "
        rf"package-lock\.json pins 2\.0\.0\. "
        rf"Run `npm ci` in {re.escape(str(tmp_path))}",
    ):
        assets.check_versions(modules)


# ---------------------------------------------------------------------------
# Copying


def bundle(name: str) -> assets.Bundle:
    return next(b for b in assets.BUNDLES if b.name == name)


@pytest.mark.parametrize("chosen", assets.BUNDLES, ids=[b.name for b in assets.BUNDLES])
def test_bundle_files_are_what_the_patterns_match_and_nothing_else(tmp_path, chosen):
    modules = fake_node_modules(tmp_path)
    assert [str(p) for p in assets.bundle_files(modules, chosen)] == served(chosen)


def test_a_package_with_none_of_the_files_is_an_error(tmp_path):
    """A package whose layout changed (e.g. no es5/ folder) must not give an empty copy."""
    chosen = assets.BUNDLES[0]
    package = tmp_path / "node_modules" / chosen.package
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"version": "1.0.0"}')
    with pytest.raises(ExtensionError, match=rf"nothing matched in .*{re.escape(chosen.package)}"):
        assets.bundle_files(tmp_path / "node_modules", chosen)


def test_a_changed_file_is_copied_again(tmp_path):
    modules = fake_node_modules(tmp_path)
    tippy = bundle("tippy")
    static = tmp_path / "static"
    assert assets.copy_bundle(modules, tippy, static) == len(served(tippy))
    assert assets.copy_bundle(modules, tippy, static) == 0
    (modules / "tippy.js" / "dist" / "tippy-bundle.umd.min.js").write_text("// tippy, a newer build\n")
    assert assets.copy_bundle(modules, tippy, static) == 1
    copied = static / "npm" / "tippy" / "tippy-bundle.umd.min.js"
    assert copied.read_text() == "// tippy, a newer build\n"


# ---------------------------------------------------------------------------
# In a build


def test_a_build_serves_the_tips_from_its_own_static_folder(tmp_path):
    modules = fake_node_modules(tmp_path)
    out, status, warnings = build(project(tmp_path, modules))
    assert warnings.strip() == ""
    npm = out / "_static" / "npm"
    copied = sorted(str(p.relative_to(npm)) for p in npm.rglob("*") if p.is_file())
    expected = sorted(f"{b.name}/{name}" for b in assets.BUNDLES for name in served(b))
    assert copied == expected  # every bundle, under its own name; no README, no source map
    assert (npm / "tippy" / "tippy-bundle.umd.min.js").read_text() == "// tippy.js/dist/tippy-bundle.umd.min.js\n"
    assert f"{len(expected)} files copied from {modules.resolve()}" in status

    page = (out / "chapter.html").read_text(encoding="utf-8")
    # the copy exists before pages are written, so Sphinx stamps the script with its checksum
    assert re.search(r'<script[^>]* src="_static/npm/tippy/tippy-bundle\.umd\.min\.js\?v=[0-9a-f]+"', page)
    assert not re.search(r'src="https?://[^"]*(mathjax|popper|tippy)', page, flags=re.I)


def test_pages_load_each_script_once(tmp_path):
    """Sphinx 7.4 writes an inline script added after the builder started twice."""
    conf = textwrap.dedent("""\
        def setup(app):
            app.connect("builder-inited",
                        lambda app: app.add_js_file(None, body="const LATE_CONFIG = 1;"))
        """)
    out, _, warnings = build(project(tmp_path, fake_node_modules(tmp_path), conf))
    assert warnings.strip() == ""
    for name in ("index", "chapter", "search", "genindex"):
        page = (out / f"{name}.html").read_text(encoding="utf-8")
        assert page.count("const LATE_CONFIG = 1;") == 1, name
        sources = re.findall(r'<script[^>]* src="([^"]+)"', page)
        assert len(sources) == len(set(sources)), f"{name}: {sources}"


def test_a_hidden_cell_summary_is_named_by_what_it_shows(tmp_path):
    out, _, warnings = build(project(tmp_path, fake_node_modules(tmp_path)))
    assert warnings.strip() == ""
    page = (out / "chapter.html").read_text(encoding="utf-8")
    assert "Toggle hidden content" not in page
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", page, flags=re.S)
    assert summary and summary.group(0).startswith("<summary>")
    assert "Show code cell source" in summary.group(1)


def test_a_tippy_script_that_names_no_copied_file_stops_the_build(tmp_path):
    src = project(tmp_path, fake_node_modules(tmp_path), conf='tippy_js = ["npm/tippy/tippy.esm.js"]\n')
    with pytest.raises(ExtensionError, match=r"tippy_js names 'npm/tippy/tippy\.esm\.js', no file under .*_static"):
        build(src)


def test_without_node_modules_the_build_stops_before_reading_any_page(tmp_path, no_node_modules):
    src = project(tmp_path, None)
    with pytest.raises(ExtensionError, match="npm ci"):
        build(src)
    assert not (tmp_path / "build" / "html" / "chapter.html").exists()
    assert not list((tmp_path / "build").rglob("*.doctree"))


def test_other_builders_need_no_node_modules(tmp_path, no_node_modules):
    out, _, warnings = build(project(tmp_path, None), builder="text")
    assert warnings.strip() == ""
    assert "The loss is" in (out / "chapter.txt").read_text(encoding="utf-8")
    assert not (out / "_static").exists()


@pytest.mark.parametrize("context", [{}, {"script_files": None}, {"script_files": ("a.js", "a.js")}])
def test_pages_without_a_script_list_are_left_alone(context):
    before = dict(context)
    fixes.drop_duplicate_scripts(None, "page", "page.html", context, doctree=None)
    assert context == before


# ---------------------------------------------------------------------------
# Icon fonts cut to the icons the site shows

ICON_CSS = (
    ':root{--pst-icon-download:"\uf019"}'
    '.fa-rocket:before{content:"\\f135"}'
    '.fa-github:before,.fa-octocat:before{content:"\\f09b"}'
    '.fa-unused:before{content:"\\f2b4"}'
    '@media (min-width:1px){.admonition>.admonition-title:after{content:"\\f0eb"}}'
    ".plain{content:'x'}"
)


def test_icon_glyphs_are_those_of_classes_in_use_and_those_css_draws_without_a_class():
    points = assets.icon_code_points([ICON_CSS], {"fa-rocket", "fa-octocat", "fa-lg"})
    assert points == {0xF019, 0xF135, 0xF09B, 0xF0EB}


def test_an_icon_font_is_cut_to_the_glyphs_asked_for(tmp_path):
    from fontTools.ttLib import TTFont

    source = assets.theme_icon_fonts() / "fa-solid-900.woff2"
    target = tmp_path / "fa-solid-900.woff2"
    assets.cut_font(source, target, {0xF135, 0xF019})
    cut = TTFont(str(target))
    assert cut.flavor == "woff2"
    assert set(cut.getBestCmap()) == {0xF135, 0xF019}
    assert target.stat().st_size < source.stat().st_size / 20


def test_a_build_cuts_the_icon_fonts_once_and_again_when_a_page_uses_a_new_icon(tmp_path):
    from fontTools.ttLib import TTFont

    conf = 'html_theme = "pydata_sphinx_theme"\n'
    src = project(tmp_path, fake_node_modules(tmp_path), conf)
    out, status, _ = build(src)
    font = out / "_static" / assets.ICON_FONTS / "fa-solid-900.woff2"
    assert "icon fonts cut to" in status
    before = set(TTFont(str(font)).getBestCmap())
    assert 0xF135 not in before  # the rocket: no page shows it
    assert font.stat().st_size < (assets.theme_icon_fonts() / font.name).stat().st_size / 10
    _, status, _ = build(src, fresh=False)
    assert "icon fonts cut to" not in status  # nothing new: the fonts are kept
    (src / "chapter.md").write_text(CHAPTER + '\n<i class="fa-solid fa-rocket"></i>\n')
    _, status, _ = build(src, fresh=False)
    assert 0xF135 in set(TTFont(str(font)).getBestCmap())
