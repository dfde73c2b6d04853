"""dlbook.sphinx.release: the version from pyproject.toml, the citation from CITATION.cff."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sphinx.errors import ConfigError

from dlbook.sphinx import release
from sphinxroots import Project

PYPROJECT = '[project]\nname = "x"\nversion = "2.3.4"\n'
CITATION = """\
cff-version: 1.2.0
message: "Cite it."
title: "A Book"
authors:
  - name: "The Authors"
  - given-names: Ada
    family-names: Lovelace
version: {version}
date-released: 2027-03-01
repository-code: "https://example.org/book"
"""


def project(tmp_path: Path, version: str = "2.3.4") -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "CITATION.cff").write_text(CITATION.format(version=version))
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_nb", "dlbook.sphinx.release"]\nnb_execution_mode = "off"\n')
    (src / "index.md").write_text("# Index\n\n```{cite-this-book}\n```\n")
    return src


def build(src: Path) -> str:
    result = Project(src.parent).build(fresh=False)
    assert result.app.config.release == result.app.config.version == "2.3.4"
    return result.page("index")


def test_the_version_and_the_citation_come_from_their_files(tmp_path):
    page = build(project(tmp_path))
    assert "The Authors, Ada Lovelace (2027). A Book, version 2.3.4." in page
    assert 'href="https://example.org/book"' in page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))  # the BibTeX entry is highlighted
    assert (
        "@book{dlbook2027," in text
        and "version = {2.3.4}" in text
        and "author = {{The Authors} and Lovelace, Ada}" in text
    )


def test_a_citation_of_another_version_fails(tmp_path):
    src = project(tmp_path, version="1.0.0")
    with pytest.raises(ConfigError, match=r"says version 1\.0\.0 but pyproject.toml says 2\.3\.4"):
        release.citation(src)


def test_the_repository_files_agree():
    root = Path(__file__).resolve().parents[2]
    assert release.citation(root / "book")["title"] == "Deep Learning, Step by Step"
