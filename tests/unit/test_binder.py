"""Binder's files: the reader's environment, its Python, postBuild and the viewer settings.

Binder cannot run here (no docker, no network), so these tests check the
files repo2docker reads against the author's environment:

* ``binder/requirements.txt`` pins what ``requirements.txt`` pins (torch as
  the ``+cpu`` build from PyTorch's wheel index), and ``runtime.txt`` pins
  the Python that ``make`` uses;
* ``binder/postBuild`` is an executable bash script that stops on errors and
  installs ``overrides.json``, whose default viewer for markdown and myst
  files is the "Jupytext Notebook" that the installed jupytext provides.

tests/build/test_jupyter_server.py runs postBuild and a real JupyterLab;
tests/site/test_launch_links.py checks the launch links and downloads.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import bookdata

ROOT = bookdata.ROOT
BINDER = ROOT / "binder"


def requirement_pins(path: Path) -> tuple[dict[str, str], list[str]]:
    """({canonical name: pinned version}, other lines) of a requirements file."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    pins, other = {}, []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            other.append(line)
            continue
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{path.name}: {line!r} is not an exact pin"
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins, other


# ---------------------------------------------------------------------------
# binder/: the files repo2docker reads


#: What a reader needs to open and run a chapter; nothing else goes to Binder.
READER_PACKAGES = {
    "jupytext",
    "jupyterlab",
    "jupyter-server",
    "ipykernel",
    "myst-nb",
    "numpy",
    "matplotlib",
    "scikit-learn",
    "torch",
    "tqdm",
}


def test_binder_installs_the_readers_packages_with_the_authors_pins():
    ours, our_other = requirement_pins(ROOT / "requirements.txt")
    binder, binder_other = requirement_pins(BINDER / "requirements.txt")
    assert set(binder) == READER_PACKAGES, (
        f"binder/requirements.txt is the reader's environment: missing {sorted(READER_PACKAGES - set(binder))}, "
        f"not for readers {sorted(set(binder) - READER_PACKAGES)}"
    )
    assert binder.pop("torch") == f"{ours['torch'].split('+')[0]}+cpu", "Binder needs the CPU build of torch"
    different = {name: (version, ours.get(name)) for name, version in binder.items() if ours.get(name) != version}
    assert not different, f"binder pins differ from requirements.txt (binder, author): {different}"
    assert {"pytest", "playwright", "sphinx-autobuild", "jupyter-book"} <= set(ours)
    assert "-e ." in binder_other and "-e ." in our_other, "both install dlbook from the repository"
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in binder_other


def test_binder_python_matches_the_one_make_uses():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    makefile = (ROOT / "Makefile").read_text()
    # The Makefile tries Pythons in order of preference; the first is Binder's.
    version = re.search(r"^PYTHON\s*\?=.*?for p in python(\d+\.\d+)", makefile, re.MULTILINE | re.DOTALL).group(1)
    assert runtime == f"python-{version}"
    for workflow in sorted((ROOT / ".github" / "workflows").glob("*.y*ml")):
        for ci_version in re.findall(r"python-version:\s*[\"']?([\d.]+)", workflow.read_text()):
            assert ci_version == version, f"{workflow.name} uses Python {ci_version}, Binder {version}"
    assert sys.version_info[:2] == tuple(int(p) for p in version.split(".")), (
        "the tests run on a different Python than Binder will"
    )


def test_postbuild_is_an_executable_bash_script_that_stops_on_errors():
    script = BINDER / "postBuild"
    assert os.access(script, os.X_OK), "repo2docker runs postBuild only if it is executable"
    text = script.read_text()
    assert text.startswith("#!/bin/bash") and re.search(r"^set -e", text, re.MULTILINE)
    assert "overrides.json" in text


def test_overrides_name_a_viewer_that_the_installed_jupytext_provides():
    overrides = json.loads((BINDER / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    # The name must be the document widget factory that jupytext's JupyterLab
    # extension registers; a typo here would silently fall back to the editor.
    labext = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyterlab-jupytext"
    bundles = [p.read_text(errors="ignore") for p in labext.rglob("*.js")]
    assert any('"Jupytext Notebook"' in b or "'Jupytext Notebook'" in b for b in bundles), (
        f"no 'Jupytext Notebook' factory in {labext}"
    )
