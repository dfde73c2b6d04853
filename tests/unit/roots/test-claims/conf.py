# The claims table, with the chapters in the order of an external toc.
extensions = ["myst_nb", "sphinx_external_toc", "dlbook.sphinx.claims"]
external_toc_path = "_toc.yml"
nb_execution_mode = "off"
exclude_patterns = ["_build"]
