"""Did-you-mean for the two names authors mistype most: glue keys and glossary terms.

* A ``{glue:text}`` (or any glue role or directive) naming a key the page
  never glued fails the build as before, and the message now lists the
  page's nearest glue keys.
* A ``{term}`` that the glossary does not define fails the build with the
  nearest defined terms and where the glossary lives, instead of Sphinx's
  bare "term not in glossary".

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` as
``dlbook.sphinx.didyoumean`` (after ``myst_nb``).
"""

from __future__ import annotations

import difflib
import functools

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def suggestion(name: str, known, what: str) -> str:
    """`` Did you mean 'a' or 'b'?`` for the closest names in ``known`` ('' if none is close).

    >>> suggestion("lf_bce_bda", ["lf_bce_bad", "lf_bce_good", "lf_mse"], "glue key")
    " Did you mean the glue key 'lf_bce_bad' or 'lf_bce_good'?"
    >>> suggestion("zzz", ["loss"], "term")
    ''
    """
    close = difflib.get_close_matches(name, sorted(set(known)), n=3, cutoff=0.6)
    if not close:
        return ""
    listed = " or ".join(repr(c) for c in close)
    return f" Did you mean the {what} {listed}?"


def _with_glue_suggestion(retrieve):
    """Wrap myst-nb's ``retrieve_glue_data`` so that its error names the nearest keys."""
    from myst_nb.ext.glue.utils import RetrievalError

    @functools.wraps(retrieve)
    def retrieve_glue_data(document, key):
        try:
            return retrieve(document, key)
        except RetrievalError as error:
            known = []
            if "nb_renderer" in document:
                known = list(document["nb_renderer"].renderer.nb_client.glue_data)
            hint = suggestion(key, known, "glue key")
            raise RetrievalError(f"{error}{hint}" if hint else str(error)) from None

    retrieve_glue_data.dlbook_wrapped = True
    return retrieve_glue_data


def patch_glue_lookup() -> None:
    """Give myst-nb 1.4's glue roles and directives the suggesting look-up."""
    from myst_nb.ext.glue import directives, roles

    for module in (directives, roles):
        current = getattr(module, "retrieve_glue_data", None)
        if current is not None and not getattr(current, "dlbook_wrapped", False):
            module.retrieve_glue_data = _with_glue_suggestion(current)


def unknown_term(app: Sphinx, domain, node) -> bool | None:
    """``warn-missing-reference``: a better message for a {term} the glossary lacks."""
    if node.get("refdomain") != "std" or node.get("reftype") != "term":
        return None
    target = node.get("reftarget", "")
    terms = [name for (kind, name) in domain.objects if kind == "term"]
    by_lower = {name.lower(): name for name in terms}
    hint = suggestion(target.lower(), by_lower, "term")
    glossaries = sorted(
        {app.env.doc2path(docname, False) for (kind, _), (docname, _) in domain.objects.items() if kind == "term"}
    )
    where = f" Terms are defined in {', '.join(glossaries)}." if glossaries else ""
    logger.warning(f"term not in glossary: {target!r}.{hint}{where}", location=node, type="ref", subtype="term")
    return True


def setup(app: Sphinx) -> dict:
    patch_glue_lookup()
    app.connect("warn-missing-reference", unknown_term)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
