"""The built chapter pages: Binder launch links, downloads and live code.

* every launch link in the built site names this repository, the configured
  branch and a file that exists (the page's own chapter);
* every chapter page with code offers the ``.ipynb`` (with outputs) and the
  ``.md`` in its download menu;
* live code (thebe) starts only when the reader asks.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

import bookdata

ROOT = bookdata.ROOT


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


CHAPTERS = bookdata.chapters_with_code()


def soup_of(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def binder_links(soup: BeautifulSoup) -> list[str]:
    return [a["href"] for a in soup.find_all("a", href=True) if a["href"].startswith("https://mybinder.org/v2/")]


def test_every_launch_link_points_at_this_repository_branch_and_file(html_dir):
    repository = config()["repository"]
    owner, name = urllib.parse.urlparse(repository["url"]).path.strip("/").split("/")[:2]
    branch = repository.get("branch", "main")
    interface = config()["launch_buttons"]["notebook_interface"]
    prefix = {"jupyterlab": "lab/tree", "classic": "tree"}[interface]
    links = 0
    for page in sorted(html_dir.rglob("*.html")):
        for href in binder_links(soup_of(page)):
            links += 1
            url = urllib.parse.urlparse(href)
            match = re.fullmatch(r"/v2/gh/([^/]+)/([^/]+)/(.+)", url.path)
            assert match, f"{page.name}: unexpected Binder URL {href}"
            assert match.group(1, 2) == (owner, name), f"{page.name}: {href} is not {owner}/{name}"
            assert match.group(3) == branch, f"{page.name}: {href} is not on branch {branch}"
            urlpath = urllib.parse.parse_qs(url.query)["urlpath"][0]
            assert urlpath.startswith(prefix + "/"), f"{page.name}: {href} does not open {interface}"
            target = urlpath[len(prefix) + 1 :]
            assert (ROOT / target).is_file(), f"{page.name}: {href} opens {target}, which does not exist"
            assert target == page.relative_to(html_dir).with_suffix(".md").as_posix(), (
                f"{page.name} launches {target}, not its own chapter"
            )
    assert links > 0, "no Binder launch links in the built site"
    for chapter in CHAPTERS:
        page = html_dir / Path(chapter).with_suffix(".html")
        assert binder_links(soup_of(page)), f"{page} has no Binder link"


@pytest.mark.parametrize("chapter", CHAPTERS or ["none"])
def test_each_chapter_page_offers_its_notebook_with_outputs_and_its_source(html_dir, chapter):
    import jupytext
    import nbformat

    if chapter == "none":
        pytest.fail("no chapters with code cells in _toc.yml")
    page = html_dir / Path(chapter).with_suffix(".html")
    soup = soup_of(page)

    def download(label: str) -> Path:
        link = soup.select_one(f"a.btn.btn-sm.btn-{label}.dropdown-item[href]")
        assert link is not None, f"{page.name}: no {label} in the download menu"
        return (page.parent / link["href"]).resolve()

    notebook_file = download("download-notebook-button")
    assert notebook_file.name == Path(chapter).with_suffix(".ipynb").name and notebook_file.is_file()
    notebook = nbformat.read(notebook_file, as_version=4)
    nbformat.validate(notebook)
    assert [c.source for c in notebook.cells] == [c.source for c in jupytext.read(ROOT / chapter).cells]
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    outputs = sum(len(c.get("outputs", [])) for c in notebook.cells if c.cell_type == "code")
    if soup.select_one(".cell_output") is not None:
        assert outputs > 0, f"{notebook_file.name} has no outputs although the page shows some"

    source_file = download("download-source-button")
    assert source_file.read_text(encoding="utf-8") == (ROOT / chapter).read_text(encoding="utf-8")


def test_live_code_starts_only_when_the_reader_asks(html_dir):
    repository = config()["repository"]
    owner_repo = "/".join(urllib.parse.urlparse(repository["url"]).path.strip("/").split("/")[:2])
    for chapter in CHAPTERS:
        page = html_dir / Path(chapter).with_suffix(".html")
        soup = soup_of(page)
        assert soup.select_one(".btn-launch-thebe") is not None, f"{page.name}: no Live Code button"
        # thebe itself (from unpkg) is fetched by the button, never by the page
        loads = [s["src"] for s in soup.find_all("script", src=True) if "thebe@" in s["src"]]
        assert not loads, f"{page.name} loads thebe: {loads}"
        config_block = soup.find("script", type="text/x-thebe-config").string
        assert f'repo: "{owner_repo}"' in config_block
        assert f'ref: "{repository.get("branch", "main")}"' in config_block
