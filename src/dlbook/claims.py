"""Claims the prose makes about a result, checked when the chapter runs.

A number on the page is glued from the cell that computed it; a *sentence*
about a result ("dropout stays lower", "the ordering is stable", "about
half") is checked by a hidden cell right after the output it describes::

    ```{code-cell} ipython3
    :tags: [remove-cell]
    claims.check(dropout_val.max() < plain_val.min(),
                 "dropout's validation loss stays below the plain network's",
                 dropout=dropout_val.max(), plain=plain_val.min())
    ```

If a seed, a library version or an edit makes the sentence false, the cell
raises :class:`ClaimError`, which fails the build exactly like any other
failing cell and names the chapter, the cell and the claim.

Every call of :func:`check` in a chapter counts as one checked claim; the
page "How this book was built" lists the count per chapter
(:func:`count_claims`).
"""

from __future__ import annotations

import ast

__all__ = ["ClaimError", "check", "count_claims"]


class ClaimError(AssertionError):
    """A sentence of the book is no longer true of the output it describes."""


def check(condition: object, claim: str, **evidence: object) -> None:
    """Raise :class:`ClaimError` unless ``condition`` is true.

    Parameters
    ----------
    condition : bool
        The claim, as an expression (``a < b``, ``np.all(...)``, ...).
    claim : str
        What the prose says, in words a reader of the page recognises.
    **evidence
        The values the claim is about, printed when it fails.

    Examples
    --------
    >>> check(0.11 < 2.30, "a confident right answer costs less than a wrong one")
    >>> check(3 > 4, "three exceeds four", left=3, right=4)
    Traceback (most recent call last):
    ...
    dlbook.claims.ClaimError: the page claims: three exceeds four; but this is false (left=3, right=4)
    """
    if not isinstance(claim, str) or not claim.strip():
        raise TypeError(f"claim must be a non-empty str saying what the prose claims; got {claim!r}")
    if not bool(condition):
        details = ", ".join(f"{name}={value!r}" for name, value in evidence.items())
        raise ClaimError(f"the page claims: {claim}; but this is false" + (f" ({details})" if details else ""))


def count_claims(code: str) -> int:
    """How many :func:`check` calls a piece of Python source contains.

    A call inside a loop counts once: it backs one sentence. Source that is
    not valid Python (IPython magics, a cell meant to fail) counts zero.

    Examples
    --------
    >>> count_claims("claims.check(a < b, 'a is smaller')\\nx = 1")
    1
    >>> count_claims("from dlbook.claims import check\\ncheck(True, 'x'); check(True, 'y')")
    2
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return 0
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name == "check":
                count += 1
    return count
