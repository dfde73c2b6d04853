"""Library code shown on the built pages (``{code-of}``): the algorithm, linked to its lines."""

from __future__ import annotations

from bs4 import BeautifulSoup


def test_the_backpropagation_page_shows_the_algorithm_and_links_its_source(html_dir):
    soup = BeautifulSoup((html_dir / "book" / "backpropagation.html").read_text(), "html.parser")
    (block,) = [b for b in soup.select("div.dlbook-code-of") if "dlbook.scratch.backward" in b.get_text()]
    code = block.select_one("pre").get_text()
    assert "for i in reversed(range(len(network.weights))):" in code
    assert "Parameters" not in code and "raise" not in code
    link = block.select_one("a")
    assert link["href"].split("#")[0].endswith("/blob/main/src/dlbook/scratch.py")
    assert link["href"].split("#")[1].startswith("L")
