"""The ``dlbook-check`` builder: read and resolve only the pages that changed.

Sphinx's ``dummy`` builder writes no files, but it still resolves the
references of every page of the book after reading, which costs about as
much as writing them. ``tools/build.py --only`` starts from the full build's
environment and needs only the pages it has just read (the chapter being
checked, and any page edited since the last build): this builder resolves
those and nothing else, so every warning of those pages is still raised
(missing references and glue keys included) without the cost of the rest.

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` and run
``jupyter-book build . --builder custom --custom-builder dlbook-check``.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.builders.dummy import DummyBuilder


class CheckBuilder(DummyBuilder):
    """A dummy builder that resolves only the pages read in this run."""

    name = "dlbook-check"
    epilog = "Checked the pages that were read; no files written."

    def get_outdated_docs(self) -> list[str]:
        # Sphinx then resolves the pages it read in this run, and only those.
        return []


def render_outputs_as_for_html(app: Sphinx, config) -> None:
    """myst-nb picks an output's MIME type per builder name: use the html choices.

    Every build adds the same entries, so the configuration (and hence
    the environment the check copies from the full build) stays the same.
    """
    from myst_nb.core.render import base_render_priority

    html = base_render_priority()["html"]
    extra = [(CheckBuilder.name, mime, priority) for mime, priority in html.items()]
    config.nb_mime_priority_overrides = [*config.nb_mime_priority_overrides, *extra]


def setup(app: Sphinx) -> dict:
    app.add_builder(CheckBuilder)
    app.connect("config-inited", render_outputs_as_for_html)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
