"""The numbers behind the book's explorable figures, computed by ``dlbook`` itself.

A reader turns a knob on an explorable figure and the page redraws it with
no kernel: every value the page can show was computed here when the book
was built, by the same tested functions the chapters call. Each function
returns a small dictionary of lists and numbers, ready for ``json.dumps``
(floats rounded to 4 significant digits); the page's script only looks
values up and draws them.

The ``{explorable}`` directive (``dlbook.sphinx.explore``) finds a figure's
function by its name in :data:`FIGURES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from dlbook import activations, descent
from dlbook._checks import as_float_array, choice, positive_int, positive_number
from dlbook.convolution import conv1d

__all__ = ["FIGURES", "learning_rate", "neuron", "convolution", "figure_data", "rounded"]

#: Significant digits kept in every number sent to the page.
DIGITS = 4


def rounded(values) -> float | list:
    """``values`` as plain Python floats (nested lists for arrays), rounded to 4 significant digits.

    Examples
    --------
    >>> rounded(np.array([1 / 3, 12345.678, 0.0]))
    [0.3333, 12350.0, 0.0]
    >>> rounded(2.0 / 3.0)
    0.6667
    """
    array = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"values must be finite to be sent to the page; got {array[~np.isfinite(array)][:3]}")
    as_text = np.vectorize(lambda v: float(f"{v:.{DIGITS}g}"), otypes=[float])
    result = as_text(array) if array.size else array
    return float(result) if result.ndim == 0 else result.tolist()


def _grid(start: float, stop: float, step: float) -> np.ndarray:
    """``start, start + step, ..., stop`` without the drift of repeated addition."""
    count = int(round((stop - start) / step))
    return start + step * np.arange(count + 1)


# --------------------------------------------------------------------------
# Gradient descent on f(x) = x**2


def learning_rate(
    x0: float = 20.0, num_steps: int = 20, lr_step: float = 0.01, lr_max: float = 1.1, tolerance: float = 0.01
) -> dict:
    """Gradient descent on ``f(x) = x**2`` for a grid of learning rates.

    For each rate ``lr_step, 2 * lr_step, ..., lr_max`` the path of
    :func:`dlbook.descent.gradient_descent` from ``x0``, its final loss, and
    how many steps it needs to come within ``tolerance`` of the minimum
    (``None`` if it never does within 1000 steps).

    Parameters
    ----------
    x0 : float
        Starting point, != 0.
    num_steps : int
        Steps drawn per path, >= 1.
    lr_step, lr_max : float
        Spacing and largest value of the learning rates, both > 0.
    tolerance : float
        Distance to the minimum that counts as arrived, > 0.

    Returns
    -------
    dict
        ``lrs`` (n,), ``paths`` (n, num_steps + 1), ``final_loss`` (n,),
        ``steps_to_reach`` (n,), the parabola ``curve`` (``x``, ``y``) and
        the arguments.

    Examples
    --------
    >>> data = learning_rate()
    >>> i = data["lrs"].index(0.1)
    >>> data["paths"][i][:3], data["steps_to_reach"][i]
    ([20.0, 16.0, 12.8], 35)
    >>> data["steps_to_reach"][data["lrs"].index(1.0)] is None
    True
    """
    x0 = float(as_float_array(x0, "x0", ndim=0))
    if x0 == 0:
        raise ValueError("x0 must not be 0, the minimum itself; got 0.0")
    num_steps = positive_int(num_steps, "num_steps")
    lr_step, lr_max = positive_number(lr_step, "lr_step"), positive_number(lr_max, "lr_max")
    tolerance = positive_number(tolerance, "tolerance")
    if lr_max < lr_step:
        raise ValueError(f"lr_max must be >= lr_step ({lr_step}); got {lr_max}")
    lrs = _grid(lr_step, lr_max, lr_step)
    if lrs.size > 400:
        raise ValueError(f"lr_max / lr_step gives {lrs.size} learning rates; at most 400 keep the page small")

    def grad(x):
        return 2 * x

    paths, reach = [], []
    for lr in lrs:
        long_path = np.abs(descent.gradient_descent(grad, x0, lr, 1000))
        arrived = np.flatnonzero(long_path < tolerance)
        reach.append(int(arrived[0]) if arrived.size else None)
        paths.append(descent.gradient_descent(grad, x0, lr, num_steps))
    paths = np.array(paths)
    reach_x = 1.25 * abs(x0)
    curve_x = np.linspace(-reach_x, reach_x, 101)
    return {
        "x0": x0,
        "num_steps": num_steps,
        "tolerance": tolerance,
        "lrs": rounded(lrs),
        "paths": rounded(paths),
        "final_loss": rounded(paths[:, -1] ** 2),
        "steps_to_reach": reach,
        "curve": {"x": rounded(curve_x), "y": rounded(curve_x**2)},
    }


# --------------------------------------------------------------------------
# One neuron, a = f(w x + b)


def neuron(limit: float = 5.0, step: float = 0.25, x_step: float = 0.125) -> dict:
    """Activation tables for one neuron ``f(w x + b)`` with ``w`` and ``b`` on a grid.

    The input ``x`` runs over ``-limit ... limit`` in steps of ``x_step``;
    the weight and bias take the values ``-limit ... limit`` in steps of
    ``step``. Every ``z = w x + b`` then lies on a lattice of spacing
    ``step * x_step``, so each activation is tabulated once on that lattice
    and the page looks up ``f(z)`` exactly instead of interpolating.

    Parameters
    ----------
    limit : float
        Largest ``|x|``, ``|w|`` and ``|b|``, > 0.
    step, x_step : float
        Spacing of the weight and bias grid and of the input grid; both
        must be 1 / (a power of 2) so that the lattice is exact.

    Returns
    -------
    dict
        ``x`` (the inputs), ``limit``, ``step``, ``z_min`` and ``z_step``
        (the lattice) and ``tables``: for each of sigmoid, tanh and ReLU,
        ``f`` at every lattice point.

    Examples
    --------
    >>> data = neuron()
    >>> def output(name, w, b, x):
    ...     z = w * x + b
    ...     return data["tables"][name][round((z - data["z_min"]) / data["z_step"])]
    >>> output("sigmoid", 2.0, -3.0, 1.5), output("relu", -1.0, 0.5, -2.0)
    (0.5, 2.5)
    """
    limit = positive_number(limit, "limit")
    for value, name in ((step, "step"), (x_step, "x_step")):
        value = positive_number(value, name)
        if not float(np.log2(value)).is_integer():
            raise ValueError(f"{name} must be a power of 2 (such as 0.25) so that w x + b is exact; got {value}")
    x = _grid(-limit, limit, x_step)
    z_step = step * x_step
    z_max = limit * limit + limit
    z = _grid(-z_max, z_max, z_step)
    if z.size > 5000:
        raise ValueError(f"limit, step and x_step give {z.size} lattice points; at most 5000 keep the page small")
    names = ("sigmoid", "tanh", "relu")
    return {
        "x": rounded(x),
        "limit": limit,
        "step": step,
        "z_min": float(z[0]),
        "z_step": z_step,
        "tables": {name: rounded(activations.ACTIVATIONS[name](z)) for name in names},
    }


# --------------------------------------------------------------------------
# A kernel slid along a signal

#: The signal of the chapter "Convolutional networks" and three kernels to slide along it.
SIGNAL = (0.0, 1.0, 3.0, 2.0, 0.0, 1.0)
KERNELS = {
    "difference (1, 0, -1)": (1.0, 0.0, -1.0),
    "moving average (1/3, 1/3, 1/3)": (1 / 3, 1 / 3, 1 / 3),
    "edge (-1, 2, -1)": (-1.0, 2.0, -1.0),
}


def convolution(signal: Sequence[float] = SIGNAL, kernels: Mapping[str, Sequence[float]] | None = None) -> dict:
    """Each kernel slid along ``signal`` with :func:`dlbook.convolution.conv1d`.

    Parameters
    ----------
    signal : sequence of float, shape (L,)
        The 1-D signal, at most 40 values.
    kernels : mapping of str to sequence of float, optional
        Named kernels (default :data:`KERNELS`), each no longer than the signal.

    Returns
    -------
    dict
        ``signal`` and ``kernels``: a list of ``{"name", "weights", "output"}``.

    Examples
    --------
    >>> data = convolution()
    >>> data["kernels"][0]["name"], data["kernels"][0]["output"]
    ('difference (1, 0, -1)', [-3.0, -1.0, 3.0, 1.0])
    """
    signal = as_float_array(signal, "signal", ndim=1)
    if signal.size > 40:
        raise ValueError(f"signal must have at most 40 values to fit the figure; got {signal.size}")
    kernels = KERNELS if kernels is None else kernels
    if not isinstance(kernels, Mapping) or not kernels:
        raise TypeError(f"kernels must be a non-empty mapping of names to weights; got {type(kernels).__name__}")
    entries = []
    for name, weights in kernels.items():
        weights = as_float_array(weights, f"kernels[{name!r}]", ndim=1)
        if weights.size > signal.size:
            raise ValueError(
                f"kernels[{name!r}] must not be longer than the signal ({signal.size} values); got {weights.size}"
            )
        entries.append({"name": str(name), "weights": rounded(weights), "output": rounded(conv1d(signal, weights))})
    return {"signal": rounded(signal), "kernels": entries}


# --------------------------------------------------------------------------
# The figures by name

#: Each explorable figure's name and the function that computes its data.
FIGURES: dict[str, Callable[[], dict]] = {
    "learning-rate": learning_rate,
    "neuron": neuron,
    "convolution": convolution,
}


def figure_data(name: str) -> dict:
    """The data of the explorable figure called ``name`` (a key of :data:`FIGURES`).

    Examples
    --------
    >>> figure_data("convolution")["signal"]
    [0.0, 1.0, 3.0, 2.0, 0.0, 1.0]
    """
    return FIGURES[choice(name, "name", FIGURES)]()
