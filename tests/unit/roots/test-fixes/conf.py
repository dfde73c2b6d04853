# Glossary tips and the search index, in reStructuredText (no notebooks).
extensions = ["sphinx_tippy", "dlbook.sphinx.fixes"]
tippy_enable_wikitips = False
tippy_enable_doitips = False
exclude_patterns = ["_build"]
