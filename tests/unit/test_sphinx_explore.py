"""The ``{explorable}`` directive (dlbook.sphinx.explore) on a tiny Sphinx project.

Each test builds a small project in ``tmp_path`` with myst-nb and the
extension, then reads the HTML, the text output or the warnings. The live
figures are tested in Chromium in tests/browser/test_explorables.py.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from pathlib import Path

import pytest

from dlbook import explore
from dlbook.sphinx import explore as explore_ext
from sphinxroots import Project

CONF = textwrap.dedent("""\
    extensions = ["myst_nb", "dlbook.sphinx.explore"]
    myst_enable_extensions = ["colon_fence", "dollarmath"]
    nb_execution_mode = "off"
    exclude_patterns = ["_build"]
    """)

FIGURE = textwrap.dedent("""\
    Before the figure.

    ````{explorable} convolution
    ```{figure} still.png
    :alt: The kernel on the signal.

    The static figure, for print.
    ```
    ````

    After the figure.
    """)


def write_project(tmp_path: Path, pages: dict[str, str]) -> Path:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(CONF)
    (src / "still.png").write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082"
        )
    )
    toctree = "\n".join(pages)
    (src / "index.md").write_text(f"# Index\n\n```{{toctree}}\n{toctree}\n```\n")
    for name, text in pages.items():
        (src / f"{name}.md").write_text(f"# {name.title()}\n\n{text}")
    return src


def build(tmp_path: Path, pages: dict[str, str], builder: str = "html", fresh: bool = True):
    """Build the pages; return (outdir, warnings text, names of the pages read)."""
    if fresh:
        write_project(tmp_path, pages)
    result = Project(tmp_path).build(builder, fresh=fresh)
    read = re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", result.status)
    return result.outdir, result.warnings, read


def test_page_carries_the_data_the_library_computes_and_the_fallback(tmp_path):
    out, warnings, _ = build(tmp_path, {"chapter": FIGURE})
    assert warnings.strip() == ""
    page = (out / "chapter.html").read_text(encoding="utf-8")
    (box,) = re.findall(r'<div class="dlbook-explorable".*?</div></div>', page, flags=re.S)
    assert 'data-figure="convolution"' in box
    script = re.search(r'<script type="application/json" class="dlbook-explorable-data">(.*?)</script>', box, re.S)
    assert json.loads(html.unescape(script.group(1))) == explore.convolution()
    fallback = box[box.index('<div class="dlbook-explorable-fallback">') :]
    assert '<img alt="The kernel on the signal."' in fallback and "The static figure, for print." in fallback
    assert '<div class="dlbook-explorable-live"></div>' in box
    assert page.index("Before the figure.") < page.index("dlbook-explorable") < page.index("After the figure.")


def test_data_cannot_end_the_script_element_early(tmp_path, monkeypatch):
    monkeypatch.setitem(explore.FIGURES, "tricky", lambda: {"text": "</script><b>bold</b>"})
    out, warnings, _ = build(tmp_path, {"chapter": "```{explorable} tricky\nStill.\n```\n"})
    page = (out / "chapter.html").read_text(encoding="utf-8")
    script = re.search(r'<script type="application/json" class="dlbook-explorable-data">(.*?)</script>', page, re.S)
    assert json.loads(script.group(1)) == {"text": "</script><b>bold</b>"}


def test_script_and_style_only_on_pages_with_an_explorable(tmp_path):
    out, warnings, _ = build(tmp_path, {"chapter": FIGURE, "plain": "No figure here.\n"})
    page = (out / "chapter.html").read_text(encoding="utf-8")
    assert re.search(r'<script defer="defer" src="_static/dlbook-explore\.js', page)
    assert re.search(r'href="_static/dlbook-explore\.css', page)
    assert "dlbook-explore" not in (out / "plain.html").read_text(encoding="utf-8")
    assert "dlbook-explore" not in (out / "index.html").read_text(encoding="utf-8")
    static = out / "_static"
    assert (static / "dlbook-explore.js").read_text() == (explore_ext.STATIC_DIR / "dlbook-explore.js").read_text()
    assert (static / "dlbook-explore.css").is_file()


def test_text_output_shows_the_fallback_only(tmp_path):
    out, warnings, _ = build(tmp_path, {"chapter": FIGURE}, builder="text")
    text = (out / "chapter.txt").read_text(encoding="utf-8")
    assert "[image: The kernel on the signal.]" in text and "The static figure, for" in text
    assert "difference" not in text  # no data in print


@pytest.mark.parametrize("name", ["descent", "Neuron"])
def test_unknown_figure_is_a_build_error_naming_file_line_and_known_names(tmp_path, name):
    chapter = f"Text.\n\n```{{explorable}} {name}\nStill.\n```\n"
    out, warnings, _ = build(tmp_path, {"chapter": chapter})
    errors = [line for line in warnings.splitlines() if "ERROR" in line]
    assert len(errors) == 1, warnings
    assert re.search(
        rf"chapter\.md:5: ERROR: \{{explorable\}} directive in chapter\.md: unknown figure '{name}'", errors[0]
    )
    assert "known figures: " + ", ".join(sorted(explore.FIGURES)) in errors[0]
    assert "dlbook-explorable" not in (out / "chapter.html").read_text(encoding="utf-8")


def test_pages_are_read_again_when_the_code_behind_their_data_changes(tmp_path, monkeypatch):
    pages = {"chapter": FIGURE, "plain": "No figure here.\n"}
    assert sorted(build(tmp_path, pages)[2]) == ["chapter", "index", "plain"]
    assert build(tmp_path, pages, fresh=False)[2] == []  # nothing changed: nothing re-read
    real_key = explore_ext.modules_key
    monkeypatch.setattr(explore_ext, "modules_key", lambda modules: "edited" + real_key(modules))
    assert build(tmp_path, pages, fresh=False)[2] == ["chapter"]  # the page with the figure, and only it
    assert build(tmp_path, pages, fresh=False)[2] == []  # read again under the new key: stable


def test_the_key_covers_the_modules_the_data_come_from():
    from dlbook.sphinx.cache import module_closure

    closure = module_closure(explore_ext.MODULES)
    assert {"dlbook.descent", "dlbook.activations", "dlbook.convolution", "dlbook.scratch"} <= closure
    assert {"dlbook.training", "dlbook.models", "dlbook.data"} <= closure  # imported where the runs are recorded
