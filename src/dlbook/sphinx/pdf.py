"""Links from the site to the whole book as one PDF.

``make pdf`` (``tools/pdf.py``) prints the built site into one PDF and puts
it into the site as :data:`PDF_NAME`. This extension links to it, but only
while it is there, so a site built without ``make pdf`` has no broken link:

* every page's download menu gets a "book .pdf" entry;
* the role ``{book-pdf}`text``` is a link to the PDF (plain text without it).

Whether the PDF is in the site is a config value of the ``html`` kind: when
it appears or disappears, Sphinx writes every page again (from its saved
doctrees: nothing is read or executed again).
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.osutil import relative_uri

#: The PDF's file name, in ``_build/pdf`` and at the root of the built site.
PDF_NAME = "deep-learning-step-by-step.pdf"


class book_pdf(nodes.inline):
    """Text that links to the PDF when the site has it."""


def note_pdf(app: Sphinx, config: Config) -> None:
    config.dlbook_book_pdf = (Path(app.outdir) / PDF_NAME).is_file()


def pdf_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [book_pdf(rawtext, text)], []


def visit_html(self, node: book_pdf) -> None:
    if self.builder.config.dlbook_book_pdf:
        href = relative_uri(self.builder.get_target_uri(self.builder.current_docname), PDF_NAME)
        self.body.append(self.starttag(node, "a", "", CLASS="reference external book-pdf", href=href))
    else:
        self.body.append(self.starttag(node, "span", ""))


def depart_html(self, node: book_pdf) -> None:
    self.body.append("</a>" if self.builder.config.dlbook_book_pdf else "</span>")


def add_menu_entry(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The book's PDF in the theme's download menu (after the theme has built it)."""
    if not app.config.dlbook_book_pdf:
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].append(
                {
                    "type": "link",
                    "url": context["pathto"](PDF_NAME, 1),
                    "text": "book .pdf",
                    "tooltip": "Download the whole book as one PDF",
                    "icon": "fas fa-book",
                    "label": "download-book-pdf-button",
                }
            )


def _skip(self, node) -> None:
    pass


def setup(app: Sphinx) -> dict:
    app.add_config_value("dlbook_book_pdf", False, "html", types=[bool])
    app.connect("config-inited", note_pdf)
    app.add_role("book-pdf", pdf_role)
    other = (_skip, _skip)
    app.add_node(book_pdf, html=(visit_html, depart_html), latex=other, text=other, man=other, texinfo=other)
    app.connect("html-page-context", add_menu_entry, priority=600)  # the theme fills the menu at 501
    return {"parallel_read_safe": True, "parallel_write_safe": True}
