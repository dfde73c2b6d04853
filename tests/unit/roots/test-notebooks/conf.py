# Notebook pages with the front-matter check and the .ipynb download.
# The jupyter-cache sits next to the copied source folder (``<copy>/cache``).
import os

extensions = ["myst_nb", "dlbook.sphinx.notebooks"]
nb_execution_mode = "off"
nb_execution_cache_path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cache")
exclude_patterns = ["_build"]
