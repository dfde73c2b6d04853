"""dlbook.sphinx.maths on a tiny Sphinx project: TeX typeset into the page at build time.

These build a two-page MyST project with the real mathjax-full from
node_modules, run by Node (about 2 s for a build that typesets).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docutils import nodes

from dlbook.sphinx import maths
from sphinxroots import Project

ROOT = Path(__file__).resolve().parents[2]
CONF = f"""\
extensions = ["myst_nb", "dlbook.sphinx.maths"]
myst_enable_extensions = ["dollarmath", "amsmath"]
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

The loss is $L = (y - \\hat{y})^2$ for one sample.

$$
\\frac{\\partial L}{\\partial \\hat{y}} = 2 (\\hat{y} - y)
$$ (eq-slope)

Equation {eq}`eq-slope` gives the slope.
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


def test_formulas_are_svg_in_the_page_and_no_page_loads_mathjax(tmp_path):
    html, status = build(project(tmp_path))
    page = (html / "chapter.html").read_text(encoding="utf-8")
    assert "typesetting 2 formula(s)" in status
    assert "\\(" not in page and "\\[" not in page
    assert not re.search(r"<script[^>]*mathjax", page, flags=re.I)
    inline = re.search(r'<span class="math notranslate nohighlight"><mjx-container jax="SVG">(<svg.*?</svg>)', page)
    assert inline, "the inline formula is an svg"
    assert 'role="img"' in inline[1] and 'aria-label="L = (y - \\hat{y})^2"' in inline[1]
    assert 'style="vertical-align: ' in inline[1] and 'width="' in inline[1] and "ex" in inline[1]
    display = re.search(r'<div class="math notranslate nohighlight" id="equation-eq-slope">(.*?)</div>', page, re.S)
    assert display and '<span class="eqno">(1)' in display[1]
    assert '<mjx-container jax="SVG" display="true">' in display[1]
    assert 'aria-label="\\frac{\\partial L}{\\partial \\hat{y}} = 2 (\\hat{y} - y)"' in display[1]
    assert 'href="#equation-eq-slope"' in page  # the {eq} reference


def test_every_glyph_a_page_uses_is_defined_once_on_that_page(tmp_path):
    html, _ = build(project(tmp_path))
    page = (html / "chapter.html").read_text(encoding="utf-8")
    used = set(re.findall(r'<use href="#([^"]+)"', page))
    defined = re.findall(r'<path id="([^"]+)" d="M', page)
    assert used and set(defined) == used and len(defined) == len(set(defined))
    assert page.count('<svg class="dlbook-glyphs" aria-hidden="true"') == 1
    assert "data-c=" not in page and "xlink" not in page and "xmlns" not in page
    assert re.search(r'<link[^>]* href="_static/dlbook-maths\.css', page)
    index = (html / "index.html").read_text(encoding="utf-8")
    assert "dlbook-glyphs" not in index and "dlbook-maths.css" not in index  # no maths, nothing added


def test_a_second_build_typesets_nothing_and_an_edit_typesets_only_the_new_formula(tmp_path):
    src = project(tmp_path)
    build(src)
    _, status = build(src)
    assert "typesetting" not in status
    (src / "chapter.md").write_text(CHAPTER.replace("for one sample", "and $n$ samples"))
    html, status = build(src)
    assert "typesetting 1 formula(s)" in status
    assert 'aria-label="n"' in (html / "chapter.html").read_text(encoding="utf-8")
    cached = list((tmp_path / "build" / "doctrees" / "maths").glob("*.json"))
    assert len(cached) == 3  # the two formulas and the new one; none left over


def test_a_tex_error_stops_the_build_with_page_line_and_mathjax_message(tmp_path):
    chapter = CHAPTER + "\nA typo: $\\sigmaa(z)$.\n"
    message = r"chapter\.md, line 11: MathJax cannot typeset \$\\sigmaa\(z\)\$: Undefined control sequence"
    with pytest.raises(maths.MathsError, match=message):
        build(project(tmp_path, chapter))


def test_tex_handed_to_mathjax_is_what_sphinx_mathjax_would_write():
    assert maths.node_tex(nodes.math(text="x^2")) == ("x^2", False)
    assert maths.node_tex(nodes.math_block(text="a = b", nowrap=False)) == ("a = b", True)
    assert maths.node_tex(nodes.math_block(text="a \\\\ b", nowrap=False)) == (
        "\\begin{split}a \\\\ b\\end{split}",
        True,
    )
    two = maths.node_tex(nodes.math_block(text="a = 1\n\nb = 2", nowrap=False))
    assert two == ("\\begin{align}\\begin{aligned}a = 1\\\\b = 2\\end{aligned}\\end{align}", True)
    environment = "\\begin{align}a &= 1\\end{align}"
    assert maths.node_tex(nodes.math_block(text=environment, nowrap=True)) == (environment, True)


def test_the_cache_key_changes_with_the_tex_the_mode_and_the_release():
    key = maths.maths_key("x", False, "3.2.2")
    assert key != maths.maths_key("x", True, "3.2.2")
    assert key != maths.maths_key("y", False, "3.2.2")
    assert key != maths.maths_key("x", False, "3.2.3")


def test_a_tip_keeps_the_glyphs_its_page_defines_and_draws_the_others(tmp_path, monkeypatch):
    out = tmp_path / "html"
    (out / "book").mkdir(parents=True)
    (out / "book" / "page.html").write_text('<path id="MJX-TEX-I-1D465" d="M1 1Z"></path>')
    tips = out / "_static" / "tippy" / "book"
    tips.mkdir(parents=True)
    text = 'x = {"a": "<svg><g transform=\\"scale(2)\\"><use href=\\"#MJX-TEX-I-1D465\\"></use>'
    text += '<use href=\\"#MJX-TEX-N-32\\" transform=\\"translate(1,0)\\"></use></g></svg>"}'
    (tips / "page.0a1b.js").write_text(text)
    monkeypatch.setitem(maths.GLYPHS, "MJX-TEX-N-32", "M2 2Z")

    class App:
        outdir = str(out)
        builder = type("Builder", (), {"format": "html", "math_renderer_name": "dlbook", "name": "html"})()

    maths.glyphs_into_tips(App(), None)
    written = (tips / "page.0a1b.js").read_text()
    assert '<use href=\\"#MJX-TEX-I-1D465\\"></use>' in written  # defined on the page
    assert '<path d=\\"M2 2Z\\" transform=\\"translate(1,0)\\"></path>' in written
    json.loads(written[len("x = ") :])  # still valid data


def test_the_style_sheet_keeps_mathjax_rules_for_what_the_build_keeps():
    css = (maths.STATIC_DIR / maths.CSS_FILE).read_text(encoding="utf-8")
    for node in maths.STYLED_NODES:
        assert f'data-mml-node="{node}"' in css
    assert 'mjx-container[jax="SVG"][display="true"]' in css
