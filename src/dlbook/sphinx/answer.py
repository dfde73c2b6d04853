"""The ``{answer}`` directive: check a numerical answer in the page.

Used inside an exercise (sphinx-exercise, gated or not)::

    :::{answer}
    :expect: dlbook.losses.binary_cross_entropy([1.0], [0.1])
    :tolerance: 0.01
    :unit: nats
    :prompt: Your answer
    2.40: The second term's coefficient is (1 - y), not (1 - y_hat).
    :::

* ``:expect:`` (required) is a Python expression evaluated at build time with
  ``dlbook`` (any submodule it names is imported), ``np`` and ``math`` in
  scope. It must give a finite number or a short 1-D vector of numbers; the
  reader then types comma-separated numbers.
* ``:tolerance:`` is absolute; it is required unless every expected value is
  an integer (then the default is an exact match).
* ``:unit:`` and ``:prompt:`` (default "Your answer") are shown next to the
  box.
* Each body line ``wrong value: hint`` declares a common wrong answer and the
  hint the reader gets for it (MyST inline markup and maths are allowed). A
  line that starts with whitespace continues the previous hint. The wrong
  value may be computed too, like ``:expect:``: a line
  ``= 4 * dlbook.losses.mse([1.0], [0.5]): That is the sum, not the mean.``
  evaluates the expression before the first colon that ends it.

The page gets a labelled input, a Check button and a polite live region; the
checking is done by ``static/dlbook-answer.js`` with no network. Mistakes in
a directive are build errors that name the chapter file and line: an
expression that raises, a value that is not a number or vector of numbers, a
missing tolerance for a non-integer value, a malformed hint, and an answer
box placed outside an exercise.

Register the extension with ``extra_extensions: [dlbook.sphinx.answer]``.
"""

from __future__ import annotations

import ast
import html
import importlib
import importlib.util
import math
import numbers
import re
from pathlib import Path
from typing import Any

import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from dlbook.sphinx import perpage
from dlbook.sphinx.cache import modules_key

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
JS_FILE = "dlbook-answer.js"
CSS_FILE = "dlbook-answer.css"
#: Longest vector an answer box accepts (a reader types every element).
MAX_LENGTH = 12
DEFAULT_PROMPT = "Your answer"


class AnswerError(ValueError):
    """A mistake in an ``{answer}`` directive, reported as a build error."""


# --------------------------------------------------------------------------
# Nodes


class answer_node(nodes.General, nodes.Element):
    """The answer box; its children are :class:`answer_hint` nodes."""


class answer_hint(nodes.Inline, nodes.TextElement):
    """One declared wrong answer (``value`` attribute) and its hint text."""


# --------------------------------------------------------------------------
# Values


def format_number(value: float) -> str:
    """Shortest text that reads back as ``value``: ``497`` or ``2.302585092994046``."""
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def as_answer_values(value: Any) -> np.ndarray:
    """Turn what ``:expect:`` gave into a 1-D float array of length 1 to MAX_LENGTH.

    Raises :class:`AnswerError` saying what was expected and what came.
    """
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if isinstance(value, (bool, np.bool_)):
        raise AnswerError(f"expected a number or a vector of numbers; got the boolean {value!r}")
    if isinstance(value, numbers.Real):
        array = np.array([float(value)])
    elif isinstance(value, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(value)
        except ValueError as err:  # ragged lists
            raise AnswerError(f"expected a number or a vector of numbers; got {value!r} ({err})") from None
        if array.dtype.kind not in "iuf":
            raise AnswerError(
                f"expected a number or a vector of numbers; got {type(value).__name__} "
                f"with dtype {array.dtype} ({_short_repr(value)})"
            )
        if array.ndim > 1:
            raise AnswerError(f"expected a number or a 1-D vector; got an array of shape {array.shape}")
        array = array.astype(float).reshape(-1)
    else:
        raise AnswerError(
            f"expected a number or a vector of numbers; got {type(value).__name__} ({_short_repr(value)})"
        )
    if array.size == 0:
        raise AnswerError("expected a number or a vector of numbers; got an empty vector")
    if array.size > MAX_LENGTH:
        raise AnswerError(f"a vector answer may have at most {MAX_LENGTH} numbers; got {array.size}")
    if not np.all(np.isfinite(array)):
        raise AnswerError(f"expected finite numbers; got {_short_repr(value)}")
    return array


def _short_repr(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def parse_numbers(text: str) -> list[float]:
    """Numbers in ``text`` separated by commas and/or spaces, optionally in brackets.

    >>> parse_numbers("[0.1, 0.2 ,0.7]")
    [0.1, 0.2, 0.7]
    >>> parse_numbers("\u22122.5")
    [-2.5]
    """
    text = text.strip().replace("\u2212", "-")
    if text[:1] in "[(" and text[-1:] in "])":
        text = text[1:-1]
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if not parts or not all(_NUMBER.match(p) for p in parts):
        raise AnswerError(f"{text!r} is not a number or a list of numbers")
    return [float(p) for p in parts]


def parse_tolerance(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        (tolerance,) = parse_numbers(text)
    except (AnswerError, ValueError):
        raise AnswerError(f":tolerance: must be one non-negative number; got {text!r}") from None
    if tolerance < 0:
        raise AnswerError(f":tolerance: must be non-negative; got {text!r}")
    return tolerance


def evaluate_expect(expression: str, what: str = ":expect:", used: set[str] | None = None) -> Any:
    """Evaluate ``expression`` with ``dlbook`` (and the submodules it names), ``np`` and ``math``.

    The names of the ``dlbook`` modules it refers to are added to ``used``.
    """
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as err:
        raise AnswerError(f"{what} {expression!r} is not a Python expression ({err.msg})") from None
    namespace = {"np": np, "numpy": np, "math": math, "dlbook": importlib.import_module("dlbook")}
    try:
        for module in _dlbook_modules(tree):
            importlib.import_module(module)
            if used is not None:
                used.add(module)
        return eval(compile(tree, "<:expect:>", "eval"), namespace)  # noqa: S307 (author's own code)
    except Exception as err:  # report any failure as a build error that names the directive
        raise AnswerError(f"{what} {expression!r} raised {type(err).__name__}: {err}") from err


def split_expression_hint(body: str) -> tuple[str, str]:
    """Split ``expression: hint`` at the first colon that ends a whole Python expression.

    >>> split_expression_hint("np.arange(5)[1:3].sum(): That is a slice: fine.")
    ('np.arange(5)[1:3].sum()', 'That is a slice: fine.')
    """
    for match in re.finditer(":", body):
        left = body[: match.start()].strip()
        try:
            ast.parse(left, mode="eval")
        except SyntaxError:
            continue
        return left, body[match.end() :].strip()
    raise AnswerError(f"hint line '={body}' must look like '= python expression: hint text'")


def _dlbook_modules(tree: ast.AST) -> list[str]:
    """The ``dlbook.a.b`` module names an expression refers to (longest importable prefixes)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain = []
        current: ast.AST = node
        while isinstance(current, ast.Attribute):
            chain.append(current.attr)
            current = current.value
        if isinstance(current, ast.Name) and current.id == "dlbook":
            names = ["dlbook", *reversed(chain)]
            for stop in range(2, len(names) + 1):
                candidate = ".".join(names[:stop])
                if _is_module(candidate):
                    if candidate not in found:
                        found.append(candidate)
                else:
                    break
    return found


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, AttributeError, ValueError):
        return False


def all_integers(values: np.ndarray) -> bool:
    return bool(np.all(values == np.round(values)))


# --------------------------------------------------------------------------
# The directive


class AnswerDirective(SphinxDirective):
    """``{answer}``: see the module docstring."""

    has_content = True
    required_arguments = 0
    optional_arguments = 0
    option_spec = {
        "expect": directives.unchanged_required,
        "tolerance": directives.unchanged,
        "unit": directives.unchanged,
        "prompt": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        try:
            node = self.build_node()
        except AnswerError as err:
            report(self.env, f"{err}", (self.env.docname, self.lineno))
            return []
        # perpage created this mapping before any page was read. A page is
        # keyed by the dlbook modules all its boxes' expressions name.
        docs = self.env.dlbook_answer_docs
        modules = frozenset(docs.get(self.env.docname, (frozenset(), ""))[0] | self.used_modules)
        docs[self.env.docname] = (modules, modules_key(modules))
        return [node]

    def build_node(self) -> answer_node:
        self.used_modules: set[str] = set()
        expression = self.options.get("expect", "").strip()
        if not expression:
            raise AnswerError("the :expect: option is required (a Python expression using dlbook or np)")
        values = as_answer_values(evaluate_expect(expression, used=self.used_modules))
        tolerance = parse_tolerance(self.options.get("tolerance"))
        if tolerance is None:
            if not all_integers(values):
                shown = ", ".join(format_number(v) for v in values)
                raise AnswerError(
                    f":expect: {expression!r} gives {shown}, not an integer, so a "
                    f":tolerance: is required (an absolute tolerance such as 0.01)"
                )
            tolerance = 0.0

        serial = self.env.new_serialno("dlbook-answer")
        node = answer_node()
        node["ids"] = [f"answer-{serial}"]
        node["expect"] = [float(v) for v in values]
        node["vector"] = values.size > 1
        node["tolerance"] = tolerance
        node["unit"] = self.options.get("unit", "").strip()
        node["prompt"] = self.options.get("prompt", "").strip() or DEFAULT_PROMPT
        node["expression"] = expression
        self.set_source_info(node)
        for hint in self.parse_hints(values, tolerance):
            node += hint
        return node

    def parse_hints(self, values: np.ndarray, tolerance: float) -> list[answer_hint]:
        entries: list[list] = []  # [value list, hint text, line number]
        for offset, line in enumerate(self.content):
            if not line.strip():
                continue
            lineno = self.content_offset + offset + 1
            head, colon, text = line.partition(":")
            parsed = None
            if line.strip().startswith("="):  # the wrong value computed, not typed
                head, text = split_expression_hint(line.strip()[1:])
                parsed = [
                    float(v) for v in as_answer_values(evaluate_expect(head, "hint expression", used=self.used_modules))
                ]
            elif colon:
                try:
                    parsed = parse_numbers(head)
                except AnswerError:
                    parsed = None
            if parsed is None:
                if line[:1].isspace() and entries:
                    entries[-1][1] += " " + line.strip()
                    continue
                raise AnswerError(
                    f"hint line {line.strip()!r} must look like 'wrong value: hint text', "
                    f"e.g. '2.40: check the (1 - y) term'"
                )
            if len(parsed) != values.size:
                raise AnswerError(
                    f"hint value {head.strip()!r} has {len(parsed)} number(s) but the expected answer has {values.size}"
                )
            if not text.strip():
                raise AnswerError(f"hint line {line.strip()!r} has no hint text after the colon")
            if np.all(np.abs(np.array(parsed) - values) <= tolerance + _slack(values)):
                shown = ", ".join(format_number(v) for v in values)
                raise AnswerError(
                    f"hint value {head.strip()!r} is within the tolerance of the expected "
                    f"answer {shown}, so the reader could never see that hint"
                )
            entries.append([parsed, text.strip(), lineno])

        hints = []
        for parsed, text, lineno in entries:
            hint = answer_hint()
            hint["value"] = parsed
            inline, messages = self.state.inline_text(text, lineno)
            hint.extend(inline)
            if messages:
                raise AnswerError(f"hint {text!r} has a markup error: {messages[0].astext()}")
            hints.append(hint)
        return hints


def _slack(values: np.ndarray) -> np.ndarray:
    """Room for rounding when comparing at the edge of the tolerance (matches the JS)."""
    return 1e-9 * np.maximum(1.0, np.abs(values))


def report(env, message: str, location) -> None:
    """Log a build error naming the chapter file, the line and the directive."""
    path = env.doc2path(env.docname, False) if isinstance(location, tuple) else None
    where = f" in {path}" if path else ""
    logger.error(f"{{answer}} directive{where}: {message}", location=location, type="dlbook", subtype="answer")


# --------------------------------------------------------------------------
# An answer box must sit inside an exercise


class CheckAnswersInExercises(SphinxTransform):
    """After sphinx-exercise merged its gated exercises, every answer box must be inside one."""

    default_priority = 50  # sphinx-exercise merges gated exercises at priority 10

    def apply(self, **kwargs: Any) -> None:
        try:
            from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node

            exercise_types: tuple = (exercise_node, exercise_enumerable_node)
        except ImportError:  # pragma: no cover - the book always has sphinx-exercise
            exercise_types = ()
        for node in list(self.document.findall(answer_node)):
            parent = node.parent
            while parent is not None and not isinstance(parent, exercise_types):
                parent = parent.parent
            if parent is None:
                path = self.env.doc2path(self.env.docname, False)
                logger.error(
                    f"{{answer}} directive in {path}: an answer box must be inside an "
                    f"exercise (between exercise-start and exercise-end)",
                    location=node,
                    type="dlbook",
                    subtype="answer",
                )
                node.parent.remove(node)


# --------------------------------------------------------------------------
# HTML


def visit_answer_html(self, node: answer_node) -> None:
    base = node["ids"][0]
    input_id, note_id, feedback_id = f"{base}-input", f"{base}-note", f"{base}-feedback"
    expect = node["expect"]
    size = len(expect)
    note = []
    if node["vector"]:
        note.append(f"{size} numbers separated by commas")
    if node["unit"]:
        note.append(node["unit"])
    data = {
        "data-expect": ",".join(format_number(v) for v in expect),
        "data-tolerance": format_number(node["tolerance"]),
        "data-kind": "vector" if node["vector"] else "number",
        "data-size": str(size),
        "data-unit": node["unit"],
    }
    described = f"{note_id} {feedback_id}" if note else feedback_id
    placeholder = "e.g. 0.1, 0.2, 0.7" if node["vector"] else "e.g. 0.25"
    self.body.append(
        self.starttag(node, "div", suffix="", CLASS="dlbook-answer", **data)
        + f'<form class="dlbook-answer-form" novalidate>'
        f'<label class="dlbook-answer-label" for="{input_id}">{html.escape(node["prompt"])}</label>'
        f'<span class="dlbook-answer-row">'
        f'<input class="dlbook-answer-input" id="{input_id}" type="text" autocomplete="off" '
        f'autocapitalize="off" spellcheck="false" placeholder="{placeholder}" '
        f'aria-describedby="{described}">'
        + (f'<span class="dlbook-answer-note" id="{note_id}">{html.escape(", ".join(note))}</span>' if note else "")
        + '<button class="dlbook-answer-check" type="submit">Check</button>'
        "</span></form>"
        f'<p class="dlbook-answer-feedback" id="{feedback_id}" role="status" aria-live="polite"></p>'
        '<div class="dlbook-answer-hints" hidden>'
    )


def depart_answer_html(self, node: answer_node) -> None:
    self.body.append("</div></div>\n")


def visit_hint_html(self, node: answer_hint) -> None:
    value = ",".join(format_number(v) for v in node["value"])
    self.body.append(f'<span class="dlbook-answer-hint" data-value="{html.escape(value)}">')


def depart_hint_html(self, node: answer_hint) -> None:
    self.body.append("</span>")


def skip_node(self, node: nodes.Node) -> None:
    """Other formats (PDF, text) get no answer box: it needs the page's script."""
    raise nodes.SkipNode


# --------------------------------------------------------------------------
# Events


def outdated_docs(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Re-read pages with answer boxes when a dlbook module their expressions name changed."""
    docs = getattr(env, "dlbook_answer_docs", {})
    return [
        docname
        for docname, entry in docs.items()
        if docname in env.found_docs and docname not in removed and _stale(entry)
    ]


def _stale(entry) -> bool:
    """Whether a page's recorded (modules, key) no longer matches the library's files."""
    if not isinstance(entry, tuple) or len(entry) != 2:
        return True  # recorded by an older version of this extension
    modules, key = entry
    return modules_key(modules) != key


def add_static_path(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC_DIR))


def add_page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Load the script and style only on pages that have an answer box."""
    if pagename in getattr(app.env, "dlbook_answer_docs", {}):
        app.add_js_file(JS_FILE, loading_method="defer")
        app.add_css_file(CSS_FILE)


def setup(app: Sphinx) -> dict:
    app.add_node(
        answer_node,
        html=(visit_answer_html, depart_answer_html),
        latex=(skip_node, None),
        text=(skip_node, None),
        man=(skip_node, None),
        texinfo=(skip_node, None),
    )
    app.add_node(
        answer_hint,
        html=(visit_hint_html, depart_hint_html),
        latex=(skip_node, None),
        text=(skip_node, None),
        man=(skip_node, None),
        texinfo=(skip_node, None),
    )
    app.add_directive("answer", AnswerDirective)
    app.add_transform(CheckAnswersInExercises)
    perpage.keep_per_page(app, "dlbook_answer_docs")
    app.connect("env-get-outdated", outdated_docs)
    app.connect("builder-inited", add_static_path)
    app.connect("html-page-context", add_page_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
