"""Sphinx extensions that the book's build uses (the presentation floor).

* :mod:`dlbook.sphinx.answer`: the ``{answer}`` directive, a box under a
  numerical exercise that checks the reader's answer in the page, with no
  kernel and no network. The expected value is computed at build time with
  :mod:`dlbook`, so the page cannot disagree with the tested library.
* :mod:`dlbook.sphinx.notebooks`: every chapter page offers its executed
  notebook (``.ipynb``) for download, and a chapter with code cells but no
  kernelspec in its front matter fails the build.
* :mod:`dlbook.sphinx.assets`: serves the hover tips' scripts from the site
  itself (copied from ``node_modules``), so pages work offline, and cuts the
  icon fonts to the icons the site shows.
* :mod:`dlbook.sphinx.maths`: typesets every formula into an inline SVG while
  the book is built (MathJax 3 in one Node process per build), so no page
  loads a maths engine.
* :mod:`dlbook.sphinx.images`: the site's PNG figures written with a
  256-colour palette (a quarter of the bytes).
* :mod:`dlbook.sphinx.stylesheets`: one style sheet per page instead of a
  dozen small ones, and sphinx-design's files only on pages that use them.
* :mod:`dlbook.sphinx.diagrams`: draws every mermaid diagram into an inline
  SVG while the book is built (one headless Chromium per build, found by
  :mod:`dlbook.sphinx.browser`), with a text alternative.
* :mod:`dlbook.sphinx.release`: the version from ``pyproject.toml`` and the
  ``{cite-this-book}`` directive, from ``CITATION.cff``.
* :mod:`dlbook.sphinx.claims`: the ``{claims-table}`` directive, how many
  sentences of each chapter the build checks with :func:`dlbook.claims.check`.
* :mod:`dlbook.sphinx.didyoumean`: a misspelled glue key or glossary term
  fails the build with the nearest names that exist.
* :mod:`dlbook.sphinx.check`: the builder of the quick one-chapter check,
  which resolves only the pages it read.
* :mod:`dlbook.sphinx.fixes`: workarounds for bugs in the pinned extensions,
  each naming the release it was written for (an incremental build must
  publish the same site as a clean one).

Register them in ``_config.yml`` under ``sphinx: extra_extensions:``.
Nothing in the rest of :mod:`dlbook` imports this package.
"""
