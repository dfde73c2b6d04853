"""The bibliography's author-year labels match how the chapters cite."""

from pybtex.database import Entry, Person
from pybtex.plugin import find_plugin

from dlbook.sphinx import bibstyle


def entry(key, year, *authors, kind="author"):
    return Entry(
        "article",
        fields={"year": year, "title": f"Title of {key}"},
        persons={kind: [Person(a) for a in authors]} if authors else {},
    )


def test_labels_follow_author_year_citations():
    entries = [
        entry("a", "2015", "Kingma, D.", "Ba, J."),
        entry("b", "1989", "Cybenko, G."),
        entry("c", "2014", "Srivastava, N.", "Hinton, G.", "Krizhevsky, A."),
        entry("d", "2016", "Goodfellow, I.", kind="editor"),
        entry("e", "2023"),
    ]
    labels = list(bibstyle.AuthorYearLabelStyle().format_labels(entries))
    assert labels == [
        "Kingma and Ba 2015",
        "Cybenko 1989",
        "Srivastava et al. 2014",
        "Goodfellow 2016",
        "Title of e 2023",
    ]


def test_same_label_twice_gets_letters():
    entries = [entry("a", "2015", "LeCun, Y."), entry("b", "2015", "LeCun, Y.")]
    assert list(bibstyle.AuthorYearLabelStyle().format_labels(entries)) == ["LeCun 2015a", "LeCun 2015b"]


def test_latex_braces_do_not_show():
    assert bibstyle.author_year_label(entry("x", "2011", '{Varoquaux}, Ga{\\"e}l')) == "Varoquaux 2011"


def test_style_is_registered_with_pybtex_when_sphinx_loads_the_extension():
    assert bibstyle.setup(None)["parallel_read_safe"] is True
    assert find_plugin("pybtex.style.formatting", "authoryear") is bibstyle.AuthorYearStyle
    assert bibstyle.setup(None)["parallel_read_safe"] is True, "loading it twice is harmless"
