"""tools/bundle.py: the offline copy is named with the version and holds the chapters as notebooks."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("bundle", ROOT / "tools" / "bundle.py")
bundle = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bundle)


def fake_build(tmp_path: Path) -> Path:
    html = tmp_path / "_build" / "html"
    for name, text in {
        "index.html": "<html>",
        "book/chapter.html": "<html>",
        "_sources/book/chapter.ipynb": '{"cells": []}',
        "_sources/book/chapter.md": "# Chapter",
        ".doctrees/environment.pickle": "x",
        ".buildinfo": "x",
    }.items():
        (html / name).parent.mkdir(parents=True, exist_ok=True)
        (html / name).write_text(text)
    return tmp_path / "_build"


def test_the_zip_is_named_with_the_version_and_holds_site_and_notebooks(tmp_path):
    target = bundle.bundle(fake_build(tmp_path), "1.2.3")
    assert target.name == "deep-learning-step-by-step-1.2.3.zip"
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        notes = zipfile.ZipFile(io.BytesIO(archive.read("deep-learning-step-by-step-1.2.3-notebooks.zip")))
    assert "deep-learning-step-by-step-1.2.3/index.html" in names
    assert "deep-learning-step-by-step-1.2.3/book/chapter.html" in names
    assert not [n for n in names if ".doctrees" in n or n.endswith(".buildinfo")]
    assert notes.namelist() == ["deep-learning-step-by-step-1.2.3-notebooks/chapter.ipynb"]
    assert not (tmp_path / "_build" / "deep-learning-step-by-step-1.2.3-notebooks.zip").exists()


def test_without_a_built_site_it_says_to_build(tmp_path):
    with pytest.raises(SystemExit, match="make book"):
        bundle.bundle(tmp_path / "_build", "1.2.3")
