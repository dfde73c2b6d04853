"""Tiny Sphinx projects for the tests of ``dlbook.sphinx``: one folder each under ``tests/unit/roots``.

A root ``tests/unit/roots/test-<name>/`` holds a ``conf.py`` and the pages that
do not change from test to test. A test copies it into a temporary folder
(through the ``sphinx_project`` fixture of tests/unit/conftest.py, or
:meth:`Project.copy`), writes the pages it varies, and builds in-process with
Sphinx's own test application::

    project = sphinx_project("answer", {"chapter.md": "# Chapter\\n\\n..."})
    result = project.build()          # html, fresh environment
    result.warnings, result.page("chapter")

``conf`` lines are appended to the root's ``conf.py``. A root's ``conf.py`` may
name files next to the copied project through ``__file__`` (for example
the jupyter-cache in ``<copy>/cache``).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

ROOTS = Path(__file__).resolve().parent / "unit" / "roots"
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Result:
    """What one build left: the output folder, the status log and the warnings (without colours)."""

    app: object
    outdir: Path
    status: str
    warnings: str

    def page(self, docname: str) -> str:
        """The built ``<docname>.html``, or ``""`` if the build wrote none."""
        path = self.outdir / f"{docname}.html"
        return path.read_text(encoding="utf-8") if path.is_file() else ""


@dataclass
class Project:
    """A copy of one root: ``src`` (the Sphinx source folder) inside ``folder``."""

    folder: Path

    @property
    def src(self) -> Path:
        return self.folder / "src"

    @classmethod
    def copy(cls, name: str, folder: Path, pages: dict[str, str] | None = None, conf: str = "") -> Project:
        """Copy ``test-<name>`` to ``folder/src``, append ``conf`` to conf.py and write ``pages``."""
        root = ROOTS / f"test-{name}"
        if not (root / "conf.py").is_file():
            raise FileNotFoundError(f"no Sphinx test root {root} (a folder with a conf.py)")
        project = cls(Path(folder))
        shutil.copytree(root, project.src)
        if conf:
            with (project.src / "conf.py").open("a") as handle:
                handle.write("\n" + conf)
        project.write(pages or {})
        return project

    def write(self, pages: dict[str, str]) -> None:
        """Write ``{file name: text}`` into the source folder."""
        for name, text in pages.items():
            (self.src / name).write_text(text, encoding="utf-8")

    def build(self, builder: str = "html", fresh: bool = True, parallel: int = 0) -> Result:
        """Build in-process into ``folder/build`` with ``SphinxTestApp``."""
        from sphinx.testing.util import SphinxTestApp

        status, warning = StringIO(), StringIO()
        app = SphinxTestApp(
            builder,
            srcdir=self.src,
            builddir=self.folder / "build",
            freshenv=fresh,
            status=status,
            warning=warning,
            parallel=parallel,
        )
        try:
            app.build()
        finally:
            app.cleanup()
        return Result(app, Path(app.outdir), _COLOUR.sub("", status.getvalue()), _COLOUR.sub("", warning.getvalue()))
