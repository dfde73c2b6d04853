"""dlbook.sphinx.assets: the site serves the hover tips from npm, not a CDN; page fixes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sphinx.builders.html._assets import _JavaScript
from sphinx.errors import ExtensionError

import bookdata
from dlbook.sphinx import assets, fixes

ROOT = bookdata.ROOT


def fake_node_modules(root: Path, versions: dict[str, str]) -> Path:
    modules = root / "node_modules"
    for name, version in versions.items():
        (modules / name).mkdir(parents=True)
        (modules / name / "package.json").write_text(json.dumps({"version": version}))
    return modules


def test_finds_the_repositorys_node_modules():
    found = assets.find_node_modules(ROOT / "book")
    assert found == (ROOT / "node_modules").resolve()


def test_missing_node_modules_says_run_npm_ci(tmp_path, monkeypatch):
    monkeypatch.delenv("DLBOOK_NODE_MODULES", raising=False)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    with pytest.raises(ExtensionError, match="npm ci"):
        assets.find_node_modules(tmp_path)


def test_stale_node_modules_say_which_package(tmp_path):
    modules = fake_node_modules(tmp_path, {"mathjax-full": "3.2.2", "mermaid": "10.0.0"})
    lock = {
        "packages": {"node_modules/mathjax-full": {"version": "3.2.2"}, "node_modules/mermaid": {"version": "11.12.1"}}
    }
    (tmp_path / "package-lock.json").write_text(json.dumps(lock))
    assets.check_versions(modules, ("mathjax-full",))
    with pytest.raises(ExtensionError, match=r"mermaid 10\.0\.0 .* pins 11\.12\.1"):
        assets.check_versions(modules, ("mathjax-full", "mermaid"))


def test_the_lock_file_pins_what_node_modules_holds():
    assets.check_versions(ROOT / "node_modules")  # raises if `npm ci` is due


@pytest.mark.parametrize(
    "bundle, needed",
    [
        ("popper", ["popper.min.js"]),
        ("tippy", ["tippy-bundle.umd.min.js"]),
    ],
)
def test_bundles_hold_the_entry_point_and_what_it_loads(bundle, needed):
    chosen = next(b for b in assets.BUNDLES if b.name == bundle)
    files = {str(p) for p in assets.bundle_files(ROOT / "node_modules", chosen)}
    assert set(needed) <= files
    assert not [f for f in files if f.endswith((".map", ".d.ts"))], "source maps are not served"


def test_copy_is_skipped_when_nothing_changed(tmp_path):
    tippy = next(b for b in assets.BUNDLES if b.name == "tippy")
    first = assets.copy_bundle(ROOT / "node_modules", tippy, tmp_path)
    assert first == 1 and (tmp_path / "npm" / "tippy" / "tippy-bundle.umd.min.js").is_file()
    assert assets.copy_bundle(ROOT / "node_modules", tippy, tmp_path) == 0


def test_folders_of_libraries_no_longer_served_are_removed(tmp_path):
    (tmp_path / "npm" / "mathjax").mkdir(parents=True)
    (tmp_path / "npm" / "mathjax" / "tex-chtml.js").write_text("//")
    (tmp_path / "npm" / "tippy").mkdir()
    assets.remove_stale_bundles(tmp_path)
    assert sorted(p.name for p in (tmp_path / "npm").iterdir()) == ["tippy"]


def test_inline_scripts_are_written_once():
    config = _JavaScript(None, body="const THEBE_JS_URL = 'x'")
    again = _JavaScript("", body="const THEBE_JS_URL = 'x'")
    other = _JavaScript("", body="let a = 1")
    context = {"script_files": [config, other, again]}
    fixes.drop_duplicate_scripts(None, "page", "page.html", context, doctree=object())
    assert context["script_files"] == [config, other]


def test_body_fixes_remove_the_mismatched_label_and_deprecated_role():
    context = {"body": '<summary aria-label="Toggle hidden content">\n<div class="citation" role="doc-biblioentry">'}
    fixes.fix_body(None, "page", "page.html", context, None)
    assert context["body"] == '<summary>\n<div class="citation" role="listitem">'
