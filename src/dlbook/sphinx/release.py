"""Which release of the book a page belongs to, and how to cite it.

* The version comes from one place, ``[project] version`` in
  ``pyproject.toml``: it becomes Sphinx's ``version`` and ``release`` when the
  build starts, and the footer of every page (``book/_templates/release.html``)
  shows "Version X, built YYYY-MM-DD" with the licences.
* The ``{cite-this-book}`` directive writes how to cite the book, read from
  ``CITATION.cff`` at build time: a sentence and a BibTeX entry. A build whose
  ``CITATION.cff`` gives another version than ``pyproject.toml`` fails.

Both files are looked for in the source folder and its parents.

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` as
``dlbook.sphinx.release``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util.docutils import SphinxDirective


def find_upwards(start: Path, name: str) -> Path:
    for folder in (start, *start.parents):
        if (folder / name).is_file():
            return folder / name
    raise ConfigError(f"dlbook.sphinx.release: no {name} in {start} or its parents")


def project_version(srcdir: Path) -> str:
    """``[project] version`` of the nearest ``pyproject.toml``."""
    data = tomllib.loads(find_upwards(srcdir, "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["version"]


def citation(srcdir: Path) -> dict:
    """``CITATION.cff``, checked against the version of ``pyproject.toml``."""
    path = find_upwards(srcdir, "CITATION.cff")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    version = project_version(srcdir)
    if str(data.get("version")) != version:
        raise ConfigError(
            f"dlbook.sphinx.release: {path} says version {data.get('version')} but pyproject.toml says {version}"
        )
    return data


def authors(data: dict) -> list[str]:
    """Each author as written: a ``name`` (a group) or ``given-names family-names``."""
    return [
        a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names"))))
        for a in data.get("authors", [])
    ]


def bibtex(data: dict) -> str:
    year = str(data["date-released"])[:4]
    fields = {
        "title": data["title"],
        # A group's name in braces (BibTeX would split it into first and last names).
        "author": " and ".join(
            "{" + a["name"] + "}" if a.get("name") else f"{a.get('family-names')}, {a.get('given-names')}"
            for a in data.get("authors", [])
        ),
        "year": year,
        "version": str(data["version"]),
        "url": data.get("url") or data.get("repository-code", ""),
    }
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields.items() if value)
    return f"@book{{dlbook{year},\n{body}\n}}"


class CiteThisBook(SphinxDirective):
    """How to cite the book, from ``CITATION.cff``."""

    def run(self) -> list[nodes.Node]:
        path = find_upwards(Path(self.env.srcdir), "CITATION.cff")
        self.env.note_dependency(str(path))
        data = citation(Path(self.env.srcdir))
        url = data.get("url") or data.get("repository-code", "")
        sentence = nodes.paragraph()
        sentence += nodes.Text(
            f"{', '.join(authors(data))} ({str(data['date-released'])[:4]}). "
            f"{data['title']}, version {data['version']}. "
        )
        if url:
            sentence += nodes.reference(url, url, refuri=url)
        entry = nodes.literal_block(bibtex(data), bibtex(data), language="bibtex")
        return [sentence, entry]


def set_version(app: Sphinx, config: Config) -> None:
    """``config-inited``: Sphinx's version and release from ``pyproject.toml``."""
    version = project_version(Path(app.srcdir))
    config.version = config.release = version


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", set_version)
    app.add_directive("cite-this-book", CiteThisBook)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
