"""dlbook.sphinx.showcode: chapters show the algorithm, linked to its source."""

from __future__ import annotations

import pytest

from dlbook.sphinx.showcode import find_definition, shown_source


def test_a_method_is_found_and_dedented():
    path, node = find_definition("dlbook.training.EarlyStopping.step")
    code, first, last = shown_source(path, node)
    assert code.startswith("def step(self")
    lines = path.read_text().splitlines()
    assert lines[first - 1].strip().startswith("def step(") and first < last
    assert '"""' not in code


def test_the_docstring_and_only_the_docstring_is_left_out():
    path, node = find_definition("dlbook.scratch.backward")
    code, first, last = shown_source(path, node)
    full = "\n".join(path.read_text().splitlines()[first - 1 : last])
    docstring_lines = node.body[0].end_lineno - node.body[0].lineno + 1
    assert len(code.splitlines()) == len(full.splitlines()) - docstring_lines
    assert "_checked_backward_inputs(network, trace, y, loss)" in code
    assert "raise" not in code, "argument checks live outside the shown algorithm"


def test_a_function_without_docstring_is_shown_whole(tmp_path, monkeypatch):
    module = tmp_path / "shown_example.py"
    module.write_text("import functools\n\n\n@functools.cache\ndef twice(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    code, first, last = shown_source(*find_definition("shown_example.twice"))
    assert code == "@functools.cache\ndef twice(x):\n    return 2 * x"
    assert (first, last) == (4, 6)


@pytest.mark.parametrize(
    "name, message",
    [
        ("dlbook.scratch.no_such_function", "no function or class 'no_such_function'"),
        ("nosuchpackage.module.function", "no such module"),
    ],
)
def test_a_wrong_name_is_a_clear_error(name, message):
    with pytest.raises(ValueError, match=message):
        find_definition(name)


# ---------------------------------------------------------------------------
# What the chapters show is the algorithm

import ast  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

BOOK = Path(__file__).resolve().parents[2] / "book"
#: A statement that checks or converts arguments rather than computing.
CHECK = re.compile(
    r"^(raise |if .*:\s*raise )|\b(_check\w*|check_\w+|as_float_arrays?|positive_\w+|non_negative_\w+|"
    r"same_shape|binary_labels|in_unit_interval|integer|fraction|random_seed|layer_sizes)\("
)


def shown_functions() -> list[str]:
    names = set()
    for chapter in BOOK.glob("*.md"):
        names |= set(re.findall(r"\{code-of\}\s+(dlbook[\w.]+)", chapter.read_text(encoding="utf-8")))
    return sorted(names)


def leading_checks(node: ast.AST) -> list[str]:
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]  # the docstring
    checks = []
    for statement in body:
        source = " ".join(ast.unparse(statement).split())
        if not CHECK.search(source):
            break
        checks.append(source)
    return checks


def test_the_chapters_show_functions():
    assert len(shown_functions()) > 20


@pytest.mark.parametrize("name", shown_functions())
def test_a_shown_function_checks_its_arguments_in_one_call_at_most(name):
    _, node = find_definition(name)
    if not isinstance(node, ast.FunctionDef):
        return  # a class: its methods are what a chapter reads
    checks = leading_checks(node)
    assert len(checks) <= 1, f"{name} opens with {len(checks)} checks; move them into one helper: {checks}"
