"""dlbook.sphinx.stylesheets: one style sheet per page, sphinx-design's files only where used, no unused rules."""

from __future__ import annotations

import re
from pathlib import Path

from dlbook.sphinx import stylesheets
from sphinxroots import Project

CONF = """\
extensions = ["sphinx_design", "dlbook.sphinx.stylesheets"]
html_static_path = ["static"]
html_css_files = ["one.css", "deep/two.css"]
html_js_files = ["menu.js"]
exclude_patterns = ["_build"]
"""


def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "static" / "deep").mkdir(parents=True)
    (src / "conf.py").write_text(CONF)
    (src / "static" / "one.css").write_text('@charset "UTF-8";\n.one { background: url(images/a.png); }\n')
    (src / "static" / "deep" / "two.css").write_text('.two { background: url("../fonts/b.woff2"); }\n')
    (src / "static" / "menu.js").write_text('document.body.classList.add("menu-open");\n')
    (src / "index.rst").write_text(INDEX)
    (src / "cards.rst").write_text("Cards\n=====\n\n.. card:: A card\n\n   Text.\n")
    return src


INDEX = """\
Index
=====

.. rst-class:: one two

A paragraph with the classes of both sheets.

.. toctree::

   cards
"""


def build(src: Path) -> Path:
    return Project(src.parent).build(fresh=False).outdir


def test_urls_keep_pointing_where_they_pointed_from_the_sheets_folder():
    css = '.a{background:url(img/x.png)} .b{src:url("../f.woff2")} .c{background:url(data:image/png;base64,AA)}'
    rebased = stylesheets.rebase_urls(css, "_static/styles", "_static/bundles")
    assert 'url("../styles/img/x.png")' in rebased and 'url("../f.woff2")' in rebased
    assert "url(data:image/png;base64,AA)" in rebased


def test_a_page_links_one_bundle_of_its_sheets_in_order(tmp_path):
    out = build(project(tmp_path))
    page = (out / "index.html").read_text(encoding="utf-8")
    bundles = re.findall(r'href="(_static/bundles/[0-9a-f]+\.css)', page)
    assert len(bundles) == 1 and "one.css" not in page and "two.css" not in page
    text = (out / bundles[0]).read_text(encoding="utf-8")
    assert text.index("/* _static/one.css */") < text.index("/* _static/deep/two.css */")
    assert 'url("../images/a.png")' in text and 'url("../fonts/b.woff2")' in text and "@charset" not in text


def test_sphinx_design_files_only_on_pages_that_use_it(tmp_path):
    out = build(project(tmp_path))
    index = (out / "index.html").read_text(encoding="utf-8")
    cards = (out / "cards.html").read_text(encoding="utf-8")
    bundle = re.search(r'href="(_static/bundles/[0-9a-f]+\.css)', cards)[1]
    assert "sphinx-design" in (out / bundle).read_text(encoding="utf-8")
    index_bundle = re.search(r'href="(_static/bundles/[0-9a-f]+\.css)', index)[1]
    assert "sphinx-design" not in (out / index_bundle).read_text(encoding="utf-8")
    assert "design-tabs.js" not in index and "design-tabs.js" not in cards  # no tabs on either page


def test_an_edited_sheet_reaches_the_bundle_and_unused_bundles_are_deleted(tmp_path):
    src = project(tmp_path)
    out = build(src)
    (src / "static" / "one.css").write_text(".one { color: red; }\n")
    (src / "cards.rst").write_text("Cards\n=====\n\nNo card now.\n")
    build(src)
    bundles = sorted((out / stylesheets.FOLDER).glob("*.css"))
    assert len(bundles) == 1  # both pages link the same sheets now
    assert ".one { color: red; }" in bundles[0].read_text(encoding="utf-8")


SHEET = """\
:root { --used: red; --unused: blue; --named-in-a-page: green; }
.one { color: var(--used); }
.never-used { color: var(--unused); }
.menu-open .one { color: black; }
.thebe-cell { color: grey; }
html[data-theme=dark] .one { color: white; }
@media print { .one { color: black; } .never-used { display: none; } }
"""


def test_rules_no_page_or_script_can_use_are_removed(tmp_path):
    src = project(tmp_path)
    (src / "static" / "one.css").write_text(SHEET)
    (src / "cards.rst").write_text(
        'Cards\n=====\n\n.. raw:: html\n\n   <p style="color: var(--named-in-a-page)">Styled here.</p>\n'
    )
    out = build(src)
    bundle = re.search(r'href="(_static/bundles/[0-9a-f]+\.css)', (out / "index.html").read_text(encoding="utf-8"))[1]
    css = (out / bundle).read_text(encoding="utf-8")
    assert ".one" in css and "--used" in css  # a page's class and the property its rule reads
    assert ".menu-open .one" in css  # a class a script adds
    assert ".thebe-cell" in css  # drawn by thebe from elsewhere: kept by name (KEEP)
    assert "html[data-theme=dark] .one" in css  # the theme switch's attribute
    assert "--named-in-a-page" in css  # read by name in a page
    assert ".never-used" not in css and "--unused" not in css
    assert "@media print" in css
    assert len((out / "_static" / "basic.css").read_text(encoding="utf-8")) < 15_000  # Sphinx's own sheet too
