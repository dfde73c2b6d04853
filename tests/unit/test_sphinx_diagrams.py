"""dlbook.sphinx.diagrams on a tiny Sphinx project: mermaid drawn into the page at build time.

These build a two-page MyST project with the real mermaid from node_modules
in headless Chromium (about 5 s for the first build of a test).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dlbook.sphinx import diagrams
from sphinxroots import Project

ROOT = Path(__file__).resolve().parents[2]
CONF = f"""\
extensions = ["myst_nb", "dlbook.sphinx.diagrams"]
nb_execution_mode = "off"
dlbook_node_modules = {str(ROOT / "node_modules")!r}
exclude_patterns = ["_build"]
"""
INDEX = """\
# Index

```{toctree}
chapter
```
"""
CHAPTER = """\
# Chapter

Some text.

```{mermaid}
flowchart TD
    Z["input z"] --> S["sigmoid"]
    S -- "local slope" --> D["gradient"]
```

```{mermaid}
:alt: Two boxes, the second one after the first.
flowchart TD
    A --> B
```
"""


def project(tmp_path: Path, chapter: str = CHAPTER) -> Path:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    for name, text in {"conf.py": CONF, "index.md": INDEX, "chapter.md": chapter}.items():
        (src / name).write_text(text)
    return src


def build(src: Path) -> tuple[Path, str]:
    result = Project(src.parent).build(fresh=False)
    return result.outdir, result.status


def svgs(page: str) -> list[str]:
    return re.findall(r'<figure class="dlbook-diagram"[^>]*>\s*(<svg.*?</svg>)</figure>', page, flags=re.S)


def test_each_diagram_is_inlined_as_svg_with_a_text_alternative_and_no_mermaid_script(tmp_path):
    html, status = build(project(tmp_path))
    page = (html / "chapter.html").read_text(encoding="utf-8")
    first, second = svgs(page)
    assert 'role="img"' in first and "<text" in first and "input z" in first
    assert 'aria-label="Diagram: input z leads to sigmoid; sigmoid leads to gradient (local slope)."' in first
    assert "<title>Diagram: input z leads to sigmoid" in first
    assert 'aria-label="Two boxes, the second one after the first."' in second
    # Each diagram has its own ids on the page (arrow heads refer to them).
    assert 'id="diagram-0"' in first and 'id="diagram-1"' in second
    assert "url(#diagram-0_" in first and "url(#diagram-1_" in second
    assert diagrams.ID_TOKEN not in page
    # Colours come from the site's style sheet, not from mermaid's theme.
    assert "dlbook-diagrams.css" in page and (html / "_static" / "dlbook-diagrams.css").is_file()
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b|hsl\(|rgb\(", first.split("</style>")[0].split("<style>")[1])
    assert "mermaid" not in re.sub(r"<svg.*?</svg>", "", page, flags=re.S).lower()
    assert "drawing 2 diagram(s)" in status
    # The page without diagrams does not load their style sheet.
    assert "dlbook-diagrams.css" not in (html / "index.html").read_text(encoding="utf-8")


def test_a_second_build_draws_nothing_and_an_edit_draws_only_the_changed_diagram(tmp_path):
    src = project(tmp_path)
    html, _ = build(src)
    cache = tmp_path / "build" / "doctrees" / "diagrams"
    first = sorted(p.name for p in cache.glob("*.json"))
    assert len(first) == 2
    (src / "chapter.md").write_text(CHAPTER + "\nMore text.\n")
    html, status = build(src)
    assert "drawing" not in status, status
    assert len(svgs((html / "chapter.html").read_text(encoding="utf-8"))) == 2
    (src / "chapter.md").write_text(CHAPTER.replace('"gradient"', '"gradient of a weight"'))
    html, status = build(src)
    assert "drawing 1 diagram(s)" in status
    assert "gradient of a weight" in (html / "chapter.html").read_text(encoding="utf-8")
    # The old drawing is gone from the cache; the unchanged one stayed.
    now = sorted(p.name for p in cache.glob("*.json"))
    assert len(now) == 2 and len(set(now) & set(first)) == 1


def test_a_syntax_error_stops_the_build_with_the_file_the_line_and_mermaids_message(tmp_path):
    broken = CHAPTER + "\nText.\n\n```{mermaid}\nflowchart TD\n    A --> B[[\n```\n"
    src = project(tmp_path, broken)
    with pytest.raises(diagrams.DiagramError) as caught:
        build(src)
    message = str(caught.value)
    assert "chapter.md, line 19: mermaid could not draw this diagram" in message
    assert "Parse error on line" in message and "B[[" in message


def test_a_diagram_that_is_not_a_flowchart_needs_alt(tmp_path):
    pie = CHAPTER + '\n```{mermaid}\npie title Pets\n    "Dogs" : 3\n    "Cats" : 2\n```\n'
    with pytest.raises(diagrams.DiagramError, match=r"chapter.md, line 17: this diagram needs an :alt: option"):
        build(project(tmp_path, pie))


def test_the_cache_key_follows_code_mermaid_release_and_configuration(monkeypatch):
    key = diagrams.diagram_key("flowchart TD\n A --> B", "11.12.1")
    assert key == diagrams.diagram_key("flowchart TD\n A --> B", "11.12.1")
    assert key != diagrams.diagram_key("flowchart TD\n A --> C", "11.12.1")
    assert key != diagrams.diagram_key("flowchart TD\n A --> B", "11.12.2")
    monkeypatch.setitem(diagrams.CONFIG, "flowchart", {"useMaxWidth": False})
    assert key != diagrams.diagram_key("flowchart TD\n A --> B", "11.12.1")
    assert json.dumps(diagrams.CONFIG)  # the configuration is plain data, as the browser receives it
