"""An incremental build publishes the same site as a clean build of the same tree.

Authors rebuild after every edit and trust that what they see is what a
clean build (CI, the publish workflow) would publish. Each case below builds
a small book, edits it, rebuilds incrementally, builds the same tree again
from scratch in another folder, and compares the two sites page by page
after normalising what is random by design (uuids in file names, build
times). The sites include cross-page glossary hover tips, which an
incremental build of sphinx-tippy 0.4.3 used to drop (dlbook.sphinx.fixes).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bookcopy import build, chapter, make_book

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: Files that differ between any two builds by design, or are build bookkeeping.
IGNORED = {".buildinfo", ".built"}
IGNORED_DIRS = {"reports", ".doctrees", "_sphinx_design_static"}

GLOSSARY = """\
# Glossary

```{glossary}
logit
  The number a classifier outputs before the sigmoid or softmax.

loss
  One number that says how wrong the predictions are.
```
"""

LOSSES = chapter("""\
    # Losses

    A {term}`loss` turns predictions into one number, computed from a {term}`logit`.

    ```{code-cell} ipython3
    print(2 + 3)
    ```
    """)

OTHER = chapter("""\
    # Another chapter

    Every {term}`loss` here is small. See {doc}`losses`.
    """)


def normalised(site: Path) -> dict[str, str]:
    """{relative path with uuids replaced: text with uuids and times replaced} of a built site."""
    files = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site)
        if not path.is_file() or rel.name in IGNORED or IGNORED_DIRS & set(rel.parts):
            continue
        if path.suffix not in {".html", ".js", ".ipynb", ".md", ".txt", ".css"}:
            continue
        text = UUID.sub("UUID", path.read_text(encoding="utf-8", errors="replace"))
        if rel.parts[:2] == ("_static", "tippy"):
            text = sorted_tips(text)
        files[UUID.sub("UUID", str(rel))] = text
    return files


def sorted_tips(text: str) -> str:
    """sphinx-tippy writes its tips in set order, which changes from run to run: sort them."""
    first, _, rest = text.partition("\n")
    name, _, tips = first.partition(" = ")
    return f"{name} = {json.dumps(json.loads(tips), sort_keys=True)}\n{rest}"


def differences(incremental: Path, clean: Path) -> list[str]:
    a, b = normalised(incremental), normalised(clean)
    found = [f"only in the incremental build: {name}" for name in sorted(a.keys() - b.keys())]
    found += [f"only in the clean build: {name}" for name in sorted(b.keys() - a.keys())]
    for name in sorted(a.keys() & b.keys()):
        if a[name] != b[name]:
            found.append(f"{name} differs: {first_difference(a[name], b[name])}")
    return found


def first_difference(a: str, b: str) -> str:
    if a.lstrip().startswith("<"):
        a_lines = BeautifulSoup(a, "html.parser").prettify().splitlines()
        b_lines = BeautifulSoup(b, "html.parser").prettify().splitlines()
    else:
        a_lines, b_lines = a.splitlines(), b.splitlines()
    for number, (x, y) in enumerate(zip(a_lines, b_lines)):
        if x != y:
            return f"element {number}: incremental {x.strip()[:160]!r} vs clean {y.strip()[:160]!r}"
    return f"lengths {len(a_lines)} vs {len(b_lines)}"


def clean_copy(root: Path, where: Path) -> Path:
    shutil.copytree(root, where, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    return where


def tip_data(site: Path, page: str) -> str:
    files = list((site / "_static" / "tippy" / "book").glob(f"{page}.*.js"))
    assert len(files) == 1, f"{page}: one tip data file expected, found {[f.name for f in files]}"
    return files[0].read_text()


@pytest.mark.parametrize("edit", ["prose", "glossary", "dlbook"])
def test_incremental_build_equals_clean_build(tmp_path, edit):
    root = make_book(tmp_path, {"glossary": GLOSSARY, "losses": LOSSES, "other": OTHER})
    first = build(root)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "One number that says how wrong" in tip_data(root / "_build/html", "losses")

    if edit == "prose":
        page = root / "book" / "losses.md"
        page.write_text(page.read_text().replace("turns predictions", "always turns predictions"))
    elif edit == "glossary":
        page = root / "book" / "glossary.md"
        page.write_text(page.read_text().replace("One number that says", "A single number that says"))
    else:
        init = root / "src" / "dlbook" / "__init__.py"
        init.write_text(init.read_text() + "\nEDITED = True\n")
    again = build(root)
    assert again.returncode == 0, again.stdout + again.stderr

    clean_root = clean_copy(root, tmp_path / "clean")
    clean = build(clean_root)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    site = root / "_build" / "html"
    assert differences(site, clean_root / "_build" / "html") == []
    # The edited page, and the page that only links to the glossary, keep their tips.
    for page in ("losses", "other"):
        tips = tip_data(site, page)
        expected = "A single number that says" if edit == "glossary" else "One number that says"
        assert expected in tips, f"{page}: the glossary tip is missing or stale after an incremental build"
