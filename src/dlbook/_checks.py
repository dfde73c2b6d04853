"""Argument checks shared by the NumPy core.

Every public function of the core converts its inputs with these helpers, so
a bad argument always gets the same kind of message: which argument, what was
expected, and what came.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(
    value, name: str, *, ndim: int | tuple[int, ...] | None = None, allow_empty: bool = False
) -> np.ndarray:
    """Return ``value`` as a float64 array, or raise a clear error.

    Parameters
    ----------
    value : array_like
        Numbers (a scalar, list or array).
    name : str
        The argument's name, used in error messages.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    allow_empty : bool
        Whether an array with no elements is acceptable.

    Returns
    -------
    numpy.ndarray
        A float64 array.

    Examples
    --------
    >>> as_float_array([1, 2], "y")
    array([1., 2.])
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be numbers (array_like); got {type(value).__name__}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be numbers (array_like); got {type(value).__name__}: {error}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            raise ValueError(f"{name} must have {' or '.join(map(str, allowed))} dimension(s); got shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}")
    if np.isnan(array).any():
        raise ValueError(f"{name} must not contain NaN; got {int(np.isnan(array).sum())} NaN value(s)")
    return array


def same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` unless two arrays have exactly the same shape.

    No broadcasting: ``(n,)`` against ``(n, 1)`` is an error, because it
    silently turns n numbers into an n-by-n table.

    Examples
    --------
    >>> same_shape(np.zeros(3), np.zeros(3), "y", "y_hat")
    """
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape; got {name_a} {a.shape} and {name_b} {b.shape}"
        )


def in_unit_interval(array: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` unless every value lies in [0, 1].

    Examples
    --------
    >>> in_unit_interval(np.array([0.0, 0.5, 1.0]), "y_hat")
    """
    if array.min() < 0.0 or array.max() > 1.0:
        raise ValueError(f"{name} must lie in [0, 1]; got min {array.min():g} and max {array.max():g}")


def binary_labels(array: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` unless every value is exactly 0 or 1.

    Examples
    --------
    >>> binary_labels(np.array([0.0, 1.0]), "y")
    """
    bad = array[(array != 0.0) & (array != 1.0)]
    if bad.size:
        raise ValueError(f"{name} must contain only 0 and 1; got {bad.flat[0]:g}")


def positive_number(value, name: str) -> float:
    """Return ``value`` as a float if it is a finite number > 0.

    Examples
    --------
    >>> positive_number(0.1, "lr")
    0.1
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value}")
    return float(value)


def positive_int(value, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` if it is an integer >= ``minimum``.

    Examples
    --------
    >>> positive_int(3, "num_steps")
    3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return int(value)
