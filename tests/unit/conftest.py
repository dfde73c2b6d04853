"""Fixtures for the unit tests: tiny Sphinx projects copied from ``roots/``.

``sphinx_project(name, pages=None, conf="")`` copies ``roots/test-<name>`` into
the test's ``tmp_path``, appends ``conf`` to its conf.py, writes ``pages``
(``{file name: text}``) and returns a :class:`sphinxroots.Project`; its
``build(builder="html", fresh=True, parallel=0)`` runs Sphinx in-process and
returns the output folder, the status log and the warnings.
"""

from __future__ import annotations

import pytest

from sphinxroots import Project

# The roots are Sphinx projects, not tests (their conf.py must not be imported).
collect_ignore = ["roots"]


@pytest.fixture
def sphinx_project(tmp_path):
    def copy(name: str, pages: dict[str, str] | None = None, conf: str = "") -> Project:
        return Project.copy(name, tmp_path, pages, conf)

    return copy
