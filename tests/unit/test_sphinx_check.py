"""dlbook.sphinx.check: the quick check's builder resolves (and warns about) only the pages it read."""

from __future__ import annotations

import re

PAGES = {
    "index.md": "# Index\n\n```{toctree}\nedited\nother\n```\n",
    "edited.md": "# Edited\n\nText.\n",
    "other.md": "# Other\n\nSee {ref}`label-of-other`.\n",
}


def read_pages(status: str) -> list[str]:
    return re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", status)


def test_only_the_pages_read_are_resolved(sphinx_project):
    project = sphinx_project("check", PAGES)
    first = project.build("dlbook-check")
    assert sorted(read_pages(first.status)) == ["edited", "index", "other"]
    assert "label-of-other" in first.warnings  # every page was read, so every page is resolved

    (project.src / "edited.md").write_text("# Edited\n\nSee {ref}`a-missing-label`.\n")
    second = project.build("dlbook-check", fresh=False)
    assert read_pages(second.status) == ["edited"]
    assert "a-missing-label" in second.warnings, "the page read is resolved: its warnings are raised"
    assert "label-of-other" not in second.warnings, "a page not read is not resolved again"
    assert not list(project.folder.joinpath("build").rglob("*.html")), "no HTML is written"


def test_outputs_are_chosen_as_for_html(sphinx_project):
    from myst_nb.core.render import base_render_priority

    project = sphinx_project("check", PAGES)
    result = project.build("dlbook-check")
    overrides = [o for o in result.app.config.nb_mime_priority_overrides if o[0] == "dlbook-check"]
    assert {mime: p for _, mime, p in overrides} == base_render_priority()["html"]
