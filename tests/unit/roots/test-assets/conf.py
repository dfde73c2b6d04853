# Scripts served from npm copies (dlbook.sphinx.assets); the tests
# append ``dlbook_node_modules`` (a fake node_modules, or none).
extensions = ["myst_nb", "sphinxcontrib.mermaid", "dlbook.sphinx.assets"]
myst_enable_extensions = ["dollarmath"]
nb_execution_mode = "off"
mermaid_use_local = "npm/mermaid/mermaid.esm.min.mjs"
