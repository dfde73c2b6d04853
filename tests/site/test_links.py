"""Every internal link and anchor of the built site resolves.

Reads the HTML files under ``_build/html`` (no browser, no network): each
``href``/``src`` that stays on the site must name a file that exists and, if it
has a ``#fragment``, an ``id`` in that file. Links to other hosts are not
fetched; they are listed in ``_build/external-links.txt`` with the pages that
use them, for a person (or a scheduled job) to check.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

from bs4 import BeautifulSoup

LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src", "iframe": "src"}
SKIPPED_DIRS = {"_static", "_sources", "_images", "reports"}


@dataclass
class Page:
    """The anchors (``id`` and ``name`` values) of a page and the links it makes."""

    ids: set[str]
    links: list[str]


def parse(path: Path) -> Page:
    soup = BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser")
    ids = {tag[key] for key in ("id", "name") for tag in soup.find_all(attrs={key: True}) if tag[key]}
    links = [
        tag[LINK_ATTRIBUTES[tag.name]]
        for tag in soup.find_all(list(LINK_ATTRIBUTES))
        if tag.get(LINK_ATTRIBUTES[tag.name])
    ]
    return Page(ids, links)


def site_pages(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*.html") if not SKIPPED_DIRS.intersection(p.relative_to(html_dir).parts))


def check_links(html_dir: Path) -> tuple[list[str], dict[str, set[str]]]:
    """(broken internal links, {external url: pages using it})."""
    parsed: dict[Path, Page] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path].ids

    broken, external = [], defaultdict(set)
    for page in site_pages(html_dir):
        name = str(page.relative_to(html_dir))
        if page not in parsed:
            parsed[page] = parse(page)
        for link in parsed[page].links:
            scheme = urlparse(link).scheme
            if scheme in ("http", "https", "mailto", "ftp") or link.startswith("//"):
                external[link].add(name)
                continue
            if scheme in ("javascript", "data", "blob"):
                continue
            target_url, fragment = urldefrag(link)
            target_path = unquote(urlparse(target_url).path)
            target = (page.parent / target_path).resolve() if target_path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{name}: {link} -> no file {target_path}")
                continue
            if fragment and target.suffix == ".html" and unquote(fragment) not in ids_of(target):
                broken.append(
                    f"{name}: {link} -> no id #{unquote(fragment)} in {target.relative_to(html_dir.resolve())}"
                )
    return broken, external


def test_every_internal_link_and_anchor_resolves(html_dir: Path):
    broken, external = check_links(html_dir)
    report = html_dir.parent / "external-links.txt"
    report.write_text(
        "".join(f"{url}\t{', '.join(sorted(pages))}\n" for url, pages in sorted(external.items())), encoding="utf-8"
    )
    assert site_pages(html_dir), f"no HTML pages under {html_dir}"
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:50])


def test_the_link_checker_finds_a_broken_anchor(tmp_path: Path):
    (tmp_path / "a.html").write_text(
        '<a href="b.html#here">x</a><a href="b.html#gone">y</a>'
        '<a href="missing.html">z</a><a href="https://x.org">w</a>'
    )
    (tmp_path / "b.html").write_text('<h1 id="here">B</h1>')
    broken, external = check_links(tmp_path)
    assert len(broken) == 2 and "#gone" in broken[0] + broken[1]
    assert any("missing.html" in b for b in broken)
    assert external == {"https://x.org": {"a.html"}}
