# The answer boxes as chapters use them: MyST notebooks and gated exercises.
extensions = ["myst_nb", "sphinx_exercise", "dlbook.sphinx.answer"]
myst_enable_extensions = ["colon_fence", "dollarmath"]
nb_execution_mode = "off"
exclude_patterns = ["_build"]
