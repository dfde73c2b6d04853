# Answer boxes in reStructuredText pages only.
extensions = ["sphinx_exercise", "dlbook.sphinx.answer"]
source_suffix = {".rst": "restructuredtext"}
