"""Argument checks: one vocabulary for every module of ``dlbook``.

Every public function converts its arguments with these helpers, so a bad
argument always gets the same kind of error, by one rule:

* the wrong **type** (a string where a number belongs, a float where an
  integer belongs, ``True`` where a count belongs) raises ``TypeError``;
* the right type with a wrong **value** (a negative count, a fraction of
  1.5, a NaN, an unknown name, a shape that does not fit) raises ``ValueError``;
* the message starts with the argument's name, says what was expected and
  shows what came: ``"lr must be a finite number > 0; got -0.1"``.

``bool`` is never accepted as a number: ``True`` is an ``int`` to Python,
but ``num_epochs=True`` is a mistake.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np


def integer(value, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer (and >= ``minimum``).

    Examples
    --------
    >>> integer(-2, "shift")
    -2
    >>> integer(0, "num_layers", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: num_layers must be an integer >= 1; got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def positive_int(value, name: str) -> int:
    """Return ``value`` if it is an integer >= 1 (a count, a size, a number of steps).

    Examples
    --------
    >>> positive_int(3, "num_steps")
    3
    """
    return integer(value, name, minimum=1)


def positive_ints(**values) -> list[int]:
    """Check several counts at once: ``positive_ints(n_classes=3, num_layers=2)``.

    Examples
    --------
    >>> positive_ints(d_model=16, num_heads=4)
    [16, 4]
    """
    return [positive_int(value, name) for name, value in values.items()]


def non_negative_int(value, name: str) -> int:
    """Return ``value`` if it is an integer >= 0 (a padding, an index).

    Examples
    --------
    >>> non_negative_int(0, "padding")
    0
    """
    return integer(value, name, minimum=0)


def random_seed(value, name: str = "seed") -> int:
    """Return ``value`` if it is an integer seed for a random number generator.

    Examples
    --------
    >>> random_seed(7)
    7
    """
    return integer(value, name)


def optional_seed(value, name: str = "seed") -> int | None:
    """Like :func:`random_seed`, but ``None`` (fresh randomness) is allowed too.

    Examples
    --------
    >>> optional_seed(None) is None
    True
    """
    if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral)):
        raise TypeError(f"{name} must be an integer or None; got {type(value).__name__}")
    return None if value is None else int(value)


def layer_sizes(value, name: str = "sizes") -> list[int]:
    """Return ``value`` as a list of layer widths: at least two integers >= 1.

    Examples
    --------
    >>> layer_sizes((3, 2, 1))
    [3, 2, 1]
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of layer widths such as [3, 2, 1]; got {type(value).__name__}")
    if len(value) < 2:
        raise ValueError(f"{name} must have at least 2 entries (inputs and outputs); got {list(value)}")
    return [positive_int(size, f"{name}[{i}]") for i, size in enumerate(value)]


def number(value, name: str) -> float:
    """Return ``value`` as a float if it is a finite real number.

    Examples
    --------
    >>> number(-1, "shift")
    -1.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}")
    return float(value)


def positive_number(value, name: str) -> float:
    """Return ``value`` as a float if it is a finite number > 0.

    Examples
    --------
    >>> positive_number(0.1, "lr")
    0.1
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0; got {value}")
    return float(value)


def non_negative_number(value, name: str) -> float:
    """Return ``value`` as a float if it is a finite number >= 0.

    Examples
    --------
    >>> non_negative_number(0, "noise")
    0.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}")
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0; got {value}")
    return float(value)


def fraction(value, name: str, *, allow_zero: bool = True, allow_one: bool = False) -> float:
    """Return ``value`` as a float if it is a fraction: in [0, 1) by default.

    ``allow_zero`` and ``allow_one`` close or open the two ends.

    Examples
    --------
    >>> fraction(0.25, "test_size")
    0.25
    >>> fraction(1.0, "dropout")
    Traceback (most recent call last):
    ...
    ValueError: dropout must be a fraction in [0, 1); got 1.0
    """
    value = number(value, name)
    low_ok = value >= 0 if allow_zero else value > 0
    high_ok = value <= 1 if allow_one else value < 1
    if not (low_ok and high_ok):
        interval = ("[" if allow_zero else "(") + "0, 1" + ("]" if allow_one else ")")
        raise ValueError(f"{name} must be a fraction in {interval}; got {value}")
    return value


def choice(value, name: str, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of the names in ``options``.

    Examples
    --------
    >>> choice("relu", "activation", ["sigmoid", "relu"])
    'relu'
    >>> choice("ReLU", "activation", ["sigmoid", "relu"])
    Traceback (most recent call last):
    ...
    ValueError: activation must be one of ['relu', 'sigmoid']; got 'ReLU'
    """
    options = list(options)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a name (str); got {type(value).__name__}")
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}; got {value!r}")
    return value


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


def as_float_arrays(*, ndim: int | tuple[int, ...] | None = None, **values) -> list[np.ndarray]:
    """Several arguments as float64 arrays at once, each checked as :func:`as_float_array` checks it.

    Examples
    --------
    >>> as_float_arrays(y=[1, 0], y_hat=[0.5, 0.5])
    [array([1., 0.]), array([0.5, 0.5])]
    """
    return [as_float_array(value, name, ndim=ndim) for name, value in values.items()]


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
