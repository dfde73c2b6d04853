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
    footer = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["extra_footer"]
    assert "CC BY 4.0" in footer and "MIT" in footer
