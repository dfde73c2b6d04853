# Answer boxes in pages read by myst-parser (no notebooks).
# ``source_suffix`` is set explicitly: Sphinx 7.4 merges the suffixes that
# extensions register into its *default* dict, which is shared by every app in
# the process, so a myst-parser build would otherwise leave ``.md -> markdown``
# behind for the myst-nb builds of other tests (and the other way round).
extensions = ["myst_parser", "sphinx_exercise", "dlbook.sphinx.answer"]
myst_enable_extensions = ["colon_fence", "dollarmath"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
