"""Shared test settings: a headless plotting backend, figure clean-up, hypothesis profile.

Kept generic on purpose: site and browser tests add their own fixtures in
their own files.
"""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")  # before anything imports pyplot

import sys

import pytest
from hypothesis import HealthCheck, settings

# The first call into torch can take a while; no per-example deadline.
settings.register_profile("dlbook", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", deadline=None, max_examples=500, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dlbook"))

# ``--doctest-modules`` would also import this file as a module named
# ``conftest``, which clashes with tests/browser/conftest.py. It has no
# doctests, so leave it out of collection (it still loads as a conftest).
collect_ignore = ["conftest.py"]


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
