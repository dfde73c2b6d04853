"""An author-year label style for the bibliography page.

The chapters cite author-year ("Rumelhart *et al.*, 1986", via
``bibtex_reference_style: author_year``), but pybtex's built-in styles label
the reference list ``[1]``, ``[2]``, ... so a reader cannot match the two.
This registers the pybtex style ``authoryear``: the "plain" formatting
(entries sorted by author), labelled "Rumelhart et al. 1986".

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` as
``dlbook.sphinx.bibstyle`` and select it with ``bibtex_default_style:
authoryear`` (or ``:style: authoryear`` on the bibliography directive).
"""

from __future__ import annotations

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def _surname(person) -> str:
    text = str(person.rich_last_names[-1]) if person.rich_last_names else str(person)
    return text.replace("{", "").replace("}", "")


def author_year_label(entry) -> str:
    """``"Surname YEAR"``, ``"A and B YEAR"`` or ``"A et al. YEAR"`` for one entry.

    Examples
    --------
    >>> from pybtex.database import Entry, Person
    >>> entry = Entry("article", fields={"year": "1986"},
    ...               persons={"author": [Person("Rumelhart, D."), Person("Hinton, G."), Person("Williams, R.")]})
    >>> author_year_label(entry)
    'Rumelhart et al. 1986'
    """
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    year = entry.fields.get("year", "n.d.")
    if not people:
        return f"{entry.fields.get('title', entry.key)} {year}"
    if len(people) == 1:
        names = _surname(people[0])
    elif len(people) == 2:
        names = f"{_surname(people[0])} and {_surname(people[1])}"
    else:
        names = f"{_surname(people[0])} et al."
    return f"{names} {year}"


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels such as "Kingma and Ba 2015"; repeats get a, b, ... appended."""

    def format_labels(self, sorted_entries):
        labels = [author_year_label(entry) for entry in sorted_entries]
        seen: dict[str, int] = {}
        for label in labels:
            if labels.count(label) > 1:
                seen[label] = seen.get(label, 0) + 1
                yield f"{label}{chr(ord('a') + seen[label] - 1)}"
            else:
                yield label


class AuthorYearStyle(PlainStyle):
    """pybtex's "plain" formatting and sorting with author-year labels."""

    default_label_style = AuthorYearLabelStyle


def setup(app) -> dict:
    """Register the style with pybtex when Sphinx loads the extension (not on import)."""
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
