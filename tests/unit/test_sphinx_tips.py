"""dlbook.sphinx.tips: sphinx-tippy's scripts leave the page for a loader that fetches them on first use."""

from __future__ import annotations

from types import SimpleNamespace

from sphinx.builders.html._assets import _JavaScript

from dlbook.sphinx import tips

LIBRARIES = ["npm/popper/popper.min.js", "npm/tippy/tippy-bundle.umd.min.js"]


def app() -> SimpleNamespace:
    return SimpleNamespace(config=SimpleNamespace(tippy_js=LIBRARIES))


def names(context: dict) -> list[str]:
    return [str(script.filename) for script in context["script_files"]]


def test_the_tips_and_their_libraries_become_one_loader_that_lists_them_in_order():
    context = {
        "script_files": [
            _JavaScript("_static/doctools.js"),
            *(_JavaScript(f"_static/{name}", defer="defer") for name in LIBRARIES),
            _JavaScript("_static/tippy/book/chapter.1234.js", defer="defer"),
            _JavaScript("_static/site.js"),
        ]
    }
    tips.defer_tips(app(), "book/chapter", "page.html", context, doctree=None)
    assert names(context) == ["_static/doctools.js", "_static/site.js", tips.LOADER]
    loader = context["script_files"][-1]
    assert loader.attributes["defer"] == "defer"
    assert loader.attributes["data-tips"].split() == [*LIBRARIES, "tippy/book/chapter.1234.js"]


def test_a_page_without_tips_loads_neither_the_libraries_nor_the_loader():
    context = {"script_files": [_JavaScript("_static/doctools.js"), *(_JavaScript(f"_static/{n}") for n in LIBRARIES)]}
    tips.defer_tips(app(), "search", "search.html", context, doctree=None)
    assert names(context) == ["_static/doctools.js"]


def test_a_context_without_a_script_list_is_left_alone():
    context = {"body": "text"}
    tips.defer_tips(app(), "page", "page.html", context, doctree=None)
    assert context == {"body": "text"}
