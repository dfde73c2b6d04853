# The quick check's builder: it resolves only the pages it read.
extensions = ["myst_nb", "dlbook.sphinx.check"]
nb_execution_mode = "off"
exclude_patterns = ["_build"]
