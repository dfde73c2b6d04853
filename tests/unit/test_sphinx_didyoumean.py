"""dlbook.sphinx.didyoumean in a build: a mistyped glossary term or glue key names the nearest ones."""

from __future__ import annotations

CONF = 'extensions.append("dlbook.sphinx.didyoumean")\nmyst_enable_extensions = ["colon_fence"]\n'
GLOSSARY = "# Glossary\n\n```{glossary}\nloss\n  How wrong a prediction is.\n\nlogit\n  A raw score.\n```\n"


def test_a_mistyped_term_names_the_nearest_terms_and_the_glossary(sphinx_project):
    pages = {
        "index.md": "# Index\n\n```{toctree}\nchapter\nglossary\n```\n",
        "chapter.md": "# Chapter\n\nThe {term}`los` shrinks; the {term}`Loss` is defined.\n",
        "glossary.md": GLOSSARY,
    }
    result = sphinx_project("check", pages, conf=CONF).build()
    assert "term not in glossary: 'los'. Did you mean the term 'loss'?" in result.warnings
    assert "Terms are defined in glossary.md" in result.warnings
    assert "'Loss'" not in result.warnings, "terms match whatever their case"


def test_a_glue_key_the_page_never_glued_fails_with_the_message_of_myst_nb(sphinx_project):
    pages = {"index.md": "# Index\n\n```{toctree}\nchapter\n```\n", "chapter.md": "# Chapter\n\n{glue:text}`no_key`\n"}
    result = sphinx_project("check", pages, conf=CONF).build()
    assert "no_key" in result.warnings and "Did you mean" not in result.warnings
