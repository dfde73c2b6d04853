"""The files a reader cites or reuses the book by: licence and citation."""

from __future__ import annotations

import tomllib

import yaml

import bookdata

ROOT = bookdata.ROOT


def test_citation_file_has_the_required_fields_and_the_package_version():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    for key in ("cff-version", "message", "title", "authors"):
        assert citation.get(key), f"CITATION.cff lacks {key}"
    assert all("name" in a or "family-names" in a for a in citation["authors"])
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert str(citation["version"]) == version, "CITATION.cff and pyproject.toml disagree on the version"
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert citation["repository-code"] == config["repository"]["url"]


def test_licence_covers_code_and_text_and_the_site_says_so():
    licence = (ROOT / "LICENSE").read_text()
    assert "MIT License" in licence and "CC BY 4.0" in licence
    footer = (ROOT / "book" / "_templates" / "release.html").read_text()
    assert "CC BY 4.0" in footer and "MIT" in footer and "{{ release }}" in footer
    items = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["html_theme_options"]
    assert "release.html" in items["footer_content_items"]


def test_make_help_lists_every_target():
    import re
    import subprocess

    makefile = (ROOT / "Makefile").read_text()
    targets = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE).group(1).split()
    shown = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    missing = [t for t in targets if t != "help" and f"make {t}" not in shown]
    assert not missing, f"make help does not list: {missing}"


def test_the_readme_layout_names_every_top_level_entry():
    import re
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    top = {line.split("/")[0] + ("/" if "/" in line else "") for line in tracked.splitlines()}
    top -= {".gitignore", ".github/", "package-lock.json"}  # tooling files the layout mentions with their owner
    readme = (ROOT / "README.md").read_text()
    layout = re.search(r"## Layout\n\n```\n(.*?)```", readme, re.DOTALL).group(1)
    named = {line.split()[0] for line in layout.splitlines() if line and not line.startswith(" ")}
    assert not top - named, f"README's layout does not name: {sorted(top - named)}"
