"""The ``{code-of}`` directive: show a ``dlbook`` function as the reader should read it.

A chapter that explains an algorithm shows the library code that runs it, so
the page and the tested code cannot disagree::

    ```{code-of} dlbook.scratch.backward
    ```

The code is read from the source file (nothing is imported) and shown
without its docstring: the docstring is for the library's users, the page
already explains the function in prose. Argument checks live in one
``_checks``-style call at the top of each shown function, so what remains is
the algorithm. The caption names the function and links to its lines in the
repository (``repository_url`` and ``repository_branch`` of the theme
options). Editing the source file rebuilds the page.

Register it with ``extra_extensions: [dlbook.sphinx.showcode]``.
"""

from __future__ import annotations

import ast
import importlib.util
import textwrap
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


def find_definition(dotted: str) -> tuple[Path, ast.AST]:
    """The source file and the ``ast`` node of ``package.module.function`` (or ``.Class.method``).

    >>> path, node = find_definition("dlbook.scratch.backward")
    >>> path.name, node.name
    ('scratch.py', 'backward')
    """
    parts = dotted.split(".")
    for split in range(len(parts) - 1, 0, -1):
        module, names = ".".join(parts[:split]), parts[split:]
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            continue
        path = Path(spec.origin)
        scope: ast.AST = ast.parse(path.read_text(encoding="utf-8"))
        for name in names:
            found = [
                node
                for node in getattr(scope, "body", [])
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name
            ]
            if not found:
                raise ValueError(f"{dotted}: no function or class {name!r} in {module} ({path})")
            scope = found[0]
        return path, scope
    raise ValueError(f"{dotted}: no such module (give the full dotted name, e.g. dlbook.scratch.backward)")


def shown_source(path: Path, node: ast.AST) -> tuple[str, int, int]:
    """The definition's code without its docstring, and its first and last line in the file.

    >>> code, first, last = shown_source(*find_definition("dlbook.activations.relu"))
    >>> code.splitlines()[0]
    'def relu(z) -> np.ndarray:'
    >>> '\"\"\"' in code
    False
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    last = node.end_lineno
    skip: set[int] = set()
    body = getattr(node, "body", [])
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        skip = set(range(body[0].lineno, body[0].end_lineno + 1))
    kept = [lines[number - 1] for number in range(first, last + 1) if number not in skip]
    return textwrap.dedent("\n".join(kept)), first, last


class CodeOf(SphinxDirective):
    """Show a dlbook function or method, without its docstring, linked to its source."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        dotted = self.arguments[0]
        try:
            path, node = find_definition(dotted)
        except ValueError as error:
            raise self.error(str(error)) from None
        code, first, last = shown_source(path, node)
        self.env.note_dependency(str(path))
        literal = nodes.literal_block(code, code, language="python")
        self.set_source_info(literal)

        options = self.config.html_theme_options or {}
        relative = self._repository_path(path)
        caption = nodes.caption("", "")
        caption += nodes.literal(dotted, dotted)
        caption += nodes.Text(" in ")
        shown = f"{relative} (lines {first}-{last})"
        if options.get("repository_url"):
            url = (
                f"{options['repository_url'].rstrip('/')}/blob/{options.get('repository_branch', 'main')}/"
                f"{relative}#L{first}-L{last}"
            )
            caption += nodes.reference(shown, shown, refuri=url)
        else:
            caption += nodes.Text(shown)
        self.set_source_info(caption)
        container = nodes.container("", literal_block=True, classes=["literal-block-wrapper", "dlbook-code-of"])
        container += caption
        container += literal
        return [container]

    def _repository_path(self, path: Path) -> str:
        """``src/dlbook/x.py`` relative to the book's folder (the repository root)."""
        try:
            return path.resolve().relative_to(Path(self.env.srcdir).resolve()).as_posix()
        except ValueError:
            return f"src/{'/'.join(path.parts[path.parts.index('dlbook') :])}"


def setup(app: Sphinx) -> dict:
    app.add_directive("code-of", CodeOf)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
