"""Shared test settings, the markers, and the fixtures every folder may use.

The folder a test lives in says what it needs, and sets its marker:

==================  ===========  ====================================================
folder              marker       needs
==================  ===========  ====================================================
``tests/unit``      ``unit``     nothing built: the library, Sphinx extensions on tiny
                                 projects (``tests/unit/roots``), the project's files
``tests/build``     ``slow``     minutes: builds a copy of the book, or starts a Jupyter
                                 server or kernels
``tests/site``      ``site``     the built site in ``_build/html`` (``make book``)
``tests/browser``   ``browser``  the built site, in headless Chromium
==================  ===========  ====================================================

The doctests of ``src/dlbook`` are ``unit`` too. Helper modules that tests
import (``bookdata``, ``browsing``, ``sphinxroots``) sit in ``tests/``, which
pytest puts on the import path (``pythonpath`` in pyproject.toml).

Fixtures here: ``html_dir`` (the built site; ``DLBOOK_SITE=path`` tests
another build), ``browser`` (one headless Chromium for the session), and
``check_module_docs``. Also: a headless plotting backend, figure clean-up and
the hypothesis profile.
"""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")  # before anything imports pyplot

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import bookdata

# The first call into torch can take a while; no per-example deadline.
settings.register_profile("dlbook", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", deadline=None, max_examples=500, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dlbook"))

# ``--doctest-modules`` would also import this file as a module named
# ``conftest``, which clashes with tests/browser/conftest.py. It has no
# doctests, so leave it out of collection (it still loads as a conftest).
collect_ignore = ["conftest.py"]

TESTS = Path(__file__).resolve().parent
#: The marker of each test folder.
FOLDER_MARKERS = {"unit": "unit", "build": "slow", "site": "site", "browser": "browser"}


def pytest_collection_modifyitems(config, items):
    """Mark each test from its folder; the doctests of src/dlbook are unit tests."""
    for item in items:
        path = Path(item.path).resolve()
        if TESTS in path.parents:
            folder = path.relative_to(TESTS).parts[0]
            if folder not in FOLDER_MARKERS:
                raise pytest.UsageError(f"{path}: tests live in one of tests/{{{','.join(FOLDER_MARKERS)}}}/")
            item.add_marker(FOLDER_MARKERS[folder])
        else:
            item.add_marker("unit")


@pytest.fixture(scope="session")
def html_dir() -> Path:
    """The built site (``_build/html``, or ``DLBOOK_SITE``); fails if it was not built."""
    if not (bookdata.HTML / "book" / "index.html").is_file():
        pytest.fail(f"no built site at {bookdata.HTML}: run `make book` first", pytrace=False)
    return bookdata.HTML


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, or ``CHROMIUM``) driven by Playwright."""
    from browsing import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install Debian's browser with "
            "`apt-get install -y chromium` (or set CHROMIUM=/path/to/chromium).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test opened (too many open figures warn)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


@pytest.fixture
def check_module_docs():
    """``check_module_docs(module)`` checks the docstrings of every public function and class.

    Each must have an Examples section, and every example must run with EMPTY
    globals: exactly what a reader types into a fresh ``python`` shell. (Which
    chapter shows a function is said by the chapter, with ``{code-of}``, not
    by the docstring.)
    """
    import doctest
    import inspect
    import re

    def check(module) -> int:
        problems = []
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            doc = inspect.getdoc(obj) or ""
            if "Examples" not in doc:
                problems.append(f"{name}: no Examples section")
            if re.search(r"book/[\w-]+\.md", doc):
                problems.append(f"{name}: names a chapter file; link the code from the chapter with {{code-of}}")
        attempted = 0
        for test in doctest.DocTestFinder(exclude_empty=True).find(module, globs={}):
            test.globs = {}
            output = []
            result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test, out=output.append)
            attempted += result.attempted
            if result.failed:
                problems.append("".join(output))
        assert not problems, "\n".join(problems)
        return attempted

    return check
