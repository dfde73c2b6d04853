"""Data that an extension keeps per page in the Sphinx environment.

Several extensions remember something about each page they read (the
formulas, the diagrams, the answer boxes, the explorable figures, the
chapter's source key) in a ``{docname: value}`` mapping on the build
environment. Sphinx keeps the environment from one build to the next and
reads pages in parallel, so the mapping needs the same three handlers each
time: create it before reading, forget a page that is read again or removed,
and take each page's value from the worker that read it.
:func:`keep_per_page` connects them; an extension calls it in ``setup``.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def pages(env, attribute: str) -> dict:
    """``env.<attribute>``, created empty if it is missing."""
    return env.__dict__.setdefault(attribute, {})


def merge_pages(env, other, docnames, attribute: str) -> None:
    """Take into ``env`` the values ``other`` (a parallel reader) holds for ``docnames``."""
    theirs = getattr(other, attribute, {})
    pages(env, attribute).update({docname: theirs[docname] for docname in docnames if docname in theirs})


def keep_per_page(app: Sphinx, attribute: str) -> None:
    """Keep ``env.<attribute>`` (``{docname: value}``) right across incremental and parallel builds."""
    app.connect("env-before-read-docs", lambda app, env, docnames: pages(env, attribute))
    app.connect("env-purge-doc", lambda app, env, docname: pages(env, attribute).pop(docname, None))
    app.connect("env-merge-info", lambda app, env, docnames, other: merge_pages(env, other, docnames, attribute))
