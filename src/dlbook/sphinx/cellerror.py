"""One short, clear block for a chapter cell that raised during the build.

The executor records a failing notebook's traceback as nbclient prints it:
the failing cell's source, then IPython's coloured traceback. An author needs
four things from it, and no more: which file, which cell and line of that
file, the exception, and the code around the failing line. ::

    book/sigmoid.md, cell 3 (line 52): NameError: name 'sigmoid_derivatve' is not defined
           49 | z = np.linspace(-6, 6, 7)
      -->  52 | slope = sigmoid_derivatve(z)

:func:`describe_failure` builds that block from the chapter's text and the
recorded traceback. The build script prints it once, at the end of its
output, and writes the full traceback to a log file that the block names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
FENCE = re.compile(r"^(`{3,}|~{3,})\s*\{code-cell\}")
CELL_SOURCE = re.compile(r"An error occurred while executing the following cell:\n-{18}\n(.*?)\n-{18}\n(.*)", re.S)
CELL_FRAME = re.compile(r"^Cell In\[\d+\], line (\d+)", re.M)
FRAME = re.compile(r"^(Cell In\[\d+\], line \d+|File [^\n]+:\d+)", re.M)


@dataclass
class CodeCell:
    number: int  # 1-based, counting code cells only
    first_line: int  # 1-based line of the chapter file where the cell's code starts
    source: str


def code_cells(text: str) -> list[CodeCell]:
    """The code cells of a MyST Markdown chapter, with the line where each one's code starts.

    >>> cells = code_cells("# T\\n\\n```{code-cell} ipython3\\n:tags: [x]\\n\\na = 1\\n```\\n")
    >>> cells[0].number, cells[0].first_line, cells[0].source
    (1, 6, 'a = 1')
    """
    lines = text.splitlines()
    cells: list[CodeCell] = []
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        fence = match.group(1)
        start = index + 1
        if start < len(lines) and lines[start].strip() == "---":  # a YAML options block
            start += 1
            while start < len(lines) and lines[start].strip() != "---":
                start += 1
            start += 1
        else:
            while start < len(lines) and lines[start].startswith(":") and re.match(r"^:\w[\w-]*:", lines[start]):
                start += 1
        while start < len(lines) and not lines[start].strip():
            start += 1
        end = start
        while end < len(lines) and not lines[end].startswith(fence[0] * len(fence)):
            end += 1
        cells.append(CodeCell(len(cells) + 1, start + 1, "\n".join(lines[start:end]).strip("\n")))
        index = end + 1
    return cells


def describe_failure(path: str, text: str, traceback: str, context: int = 3) -> str:
    """A short block: file, cell, line, exception, the code around the failing line.

    Parameters
    ----------
    path : str
        The chapter file as the author knows it (``book/x.md``).
    text : str
        The chapter's MyST Markdown text.
    traceback : str
        The executor's record of the failure (nbclient's ``CellExecutionError``).
    context : int
        Lines of code shown before the failing line.
    """
    plain = ANSI.sub("", traceback)
    found = CELL_SOURCE.search(plain)
    error = _last_line(plain)
    if not found:
        return f"{path}: {error}\n" + "\n".join(plain.strip().splitlines()[-12:])
    source, rest = found.group(1).strip("\n"), found.group(2)
    error = _last_line(rest)
    cell = next((c for c in code_cells(text) if c.source.strip() == source.strip()), None)
    frame = CELL_FRAME.search(rest)
    line_in_cell = int(frame.group(1)) if frame else None
    if cell is None:
        return f"{path}: {error}\n" + _listing(source.splitlines(), 1, line_in_cell, context)
    where = f"cell {cell.number}"
    if line_in_cell is not None:
        where += f" (line {cell.first_line + line_in_cell - 1})"
    block = [f"{path}, {where}: {error}", _listing(source.splitlines(), cell.first_line, line_in_cell, context)]
    frames = FRAME.findall(rest)
    if len(frames) > 1:  # raised further down: show where
        deeper = rest[rest.index(frames[1]) :].strip().splitlines()
        block.append("  raised in:")
        block.extend("    " + line for line in _frame_headers_and_marks(deeper)[-8:])
    return "\n".join(block)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "the cell raised an exception"


def _listing(lines: list[str], first: int, failing: int | None, context: int) -> str:
    if failing is None:
        chosen = range(1, min(len(lines), 2 * context + 1) + 1)
    else:
        chosen = range(max(1, failing - context), min(len(lines), failing + 1) + 1)
    out = []
    for number in chosen:
        mark = "-->" if number == failing else "   "
        out.append(f"  {mark} {first + number - 1:4d} | {lines[number - 1]}")
    return "\n".join(out)


def _frame_headers_and_marks(lines: list[str]) -> list[str]:
    """Frame headers and the marked line of each frame ("---->"), nothing else."""
    kept = []
    for line in lines:
        if FRAME.match(line) or line.lstrip().startswith("---->"):
            kept.append(line.strip())
    return kept
