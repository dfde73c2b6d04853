"""Gradient descent and two of its refinements, momentum and Adam, written out in NumPy.

Introduced in the chapter "Gradient descent".

Each ``*_descent`` function starts at ``x0``, takes ``num_steps`` steps using
a function ``grad(x)`` that returns the gradient at ``x``, and returns the
whole trajectory, one row per point (the starting point included), so that
it can be plotted. The updates are exactly those of ``torch.optim.SGD``
(with and without ``momentum``) and ``torch.optim.Adam`` with their default
options, so the book can put them side by side.

This module uses NumPy only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dlbook._checks import as_float_array, fraction, non_negative_int, positive_int, positive_number

__all__ = ["gradient_descent", "momentum_step", "momentum_descent", "adam_step", "adam_descent"]

GradFn = Callable[[np.ndarray], "np.ndarray | float"]


def _check_grad(grad) -> None:
    if not callable(grad):
        raise TypeError(f"grad must be a function returning the gradient at x; got {type(grad).__name__}")


def _check_descent_args(grad, x0, lr, num_steps) -> tuple[np.ndarray, float, int]:
    """The starting point as a float array, the learning rate (> 0) and the number of steps (>= 0)."""
    _check_grad(grad)
    return as_float_array(x0, "x0"), positive_number(lr, "lr"), non_negative_int(num_steps, "num_steps")


def _gradient_at(grad: GradFn, x: np.ndarray) -> np.ndarray:
    g = as_float_array(grad(x.copy()), "grad(x)", allow_empty=True)
    if g.shape != x.shape:
        raise ValueError(f"grad(x) must return an array shaped like x {x.shape}; got {g.shape}")
    return g


def gradient_descent(grad: GradFn, x0, lr: float, num_steps: int) -> np.ndarray:
    """Plain gradient descent: ``x <- x - lr * grad(x)``, repeated ``num_steps`` times.

    Introduced in the chapter "Gradient descent".

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns the gradient of the loss at ``x`` (same shape).
    x0 : array_like
        Starting point: a number or an array of parameters.
    lr : float
        Learning rate (step size), > 0.
    num_steps : int
        Number of updates, >= 0.

    Returns
    -------
    numpy.ndarray, shape (num_steps + 1, *x0.shape)
        The trajectory; row 0 is ``x0``.

    Examples
    --------
    The loss ``(x - 3)**2`` has gradient ``2 (x - 3)``:

    >>> from dlbook.descent import gradient_descent
    >>> gradient_descent(lambda x: 2 * (x - 3), x0=0.0, lr=0.25, num_steps=3)
    array([0.   , 1.5  , 2.25 , 2.625])
    """
    x, lr, num_steps = _check_descent_args(grad, x0, lr, num_steps)
    path = [x.copy()]
    for _ in range(num_steps):
        x = x - lr * _gradient_at(grad, x)
        path.append(x.copy())
    return np.stack(path)


def _same_shape_arrays(**arrays) -> list[np.ndarray]:
    """The arrays as floats, checked to have the shape of the first (errors name the argument)."""
    checked = [as_float_array(value, name) for name, value in arrays.items()]
    first_name = next(iter(arrays))
    for name, array in zip(arrays, checked):
        if array.shape != checked[0].shape:
            raise ValueError(f"{name} must have the shape of {first_name} {checked[0].shape}; got {array.shape}")
    return checked


def _betas(betas) -> tuple[float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (b1, b2); got {betas!r}")
    return fraction(betas[0], "betas[0]"), fraction(betas[1], "betas[1]")


def momentum_step(x, g, velocity, lr: float, momentum: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """One step of gradient descent with momentum, as ``torch.optim.SGD(momentum=...)``.

    ``velocity <- momentum * velocity + g`` then ``x <- x - lr * velocity``.
    The velocity is a running sum of past gradients that fades by the factor
    ``momentum`` per step. Introduced in the chapter "Gradient descent".

    Parameters
    ----------
    x : array_like
        Current parameters.
    g : array_like
        Gradient at ``x``, same shape.
    velocity : array_like
        Velocity from the previous step (zeros at the start), same shape.
    lr : float
        Learning rate, > 0.
    momentum : float
        In [0, 1); 0 gives plain gradient descent.

    Returns
    -------
    x_new, velocity_new : numpy.ndarray

    Examples
    --------
    >>> from dlbook.descent import momentum_step
    >>> momentum_step(1.0, g=2.0, velocity=1.0, lr=0.1, momentum=0.5)
    (array(0.75), array(2.5))
    """
    x, g, velocity = _same_shape_arrays(x=x, g=g, velocity=velocity)
    lr, momentum = positive_number(lr, "lr"), fraction(momentum, "momentum")
    velocity = np.asarray(momentum * velocity + g)
    return np.asarray(x - lr * velocity), velocity


def momentum_descent(grad: GradFn, x0, lr: float, num_steps: int, momentum: float = 0.9) -> np.ndarray:
    """Gradient descent with momentum; returns the trajectory.

    The same updates as ``torch.optim.SGD(params, lr=lr, momentum=momentum)``
    (see :func:`momentum_step`). Introduced in the chapter "Gradient descent".

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns the gradient at ``x``.
    x0 : array_like
        Starting point.
    lr : float
        Learning rate, > 0.
    num_steps : int
        Number of updates, >= 0.
    momentum : float
        In [0, 1).

    Returns
    -------
    numpy.ndarray, shape (num_steps + 1, *x0.shape)

    Examples
    --------
    >>> from dlbook.descent import momentum_descent
    >>> momentum_descent(lambda x: 2 * (x - 3), x0=0.0, lr=0.25, num_steps=3, momentum=0.5)
    array([0.  , 1.5 , 3.  , 3.75])
    """
    _check_grad(grad)
    x = as_float_array(x0, "x0")
    num_steps = non_negative_int(num_steps, "num_steps")
    velocity = np.zeros_like(x)
    path = [x.copy()]
    for _ in range(num_steps):
        x, velocity = momentum_step(x, _gradient_at(grad, x), velocity, lr, momentum)
        path.append(x.copy())
    return np.stack(path)


def adam_step(
    x, g, m, v, t: int, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step of Adam, as ``torch.optim.Adam``.

    ``m <- b1 m + (1 - b1) g`` (average gradient), ``v <- b2 v + (1 - b2) g**2``
    (average squared gradient), both corrected for starting at zero:
    ``m_hat = m / (1 - b1**t)``, ``v_hat = v / (1 - b2**t)``; then
    ``x <- x - lr * m_hat / (sqrt(v_hat) + eps)``. Introduced in the chapter
    "Gradient descent".

    Parameters
    ----------
    x, g, m, v : array_like
        Parameters, gradient at ``x``, and the two running averages (zeros
        at the start), all the same shape.
    t : int
        The step number, starting at 1.
    lr : float
        Learning rate, > 0.
    betas : (float, float)
        Decay rates ``b1`` and ``b2`` of the two averages, each in [0, 1).
    eps : float
        Small number that keeps the division finite, > 0.

    Returns
    -------
    x_new, m_new, v_new : numpy.ndarray

    Examples
    --------
    The first step moves every parameter by about ``lr``, whatever the size of its gradient:

    >>> from dlbook.descent import adam_step
    >>> x, m, v = adam_step([1.0, 1.0], g=[100.0, 0.01], m=[0.0, 0.0], v=[0.0, 0.0], t=1, lr=0.1)
    >>> x.round(6)
    array([0.9, 0.9])
    """
    x, g, m, v = _same_shape_arrays(x=x, g=g, m=m, v=v)
    lr, t, eps, (b1, b2) = positive_number(lr, "lr"), positive_int(t, "t"), positive_number(eps, "eps"), _betas(betas)
    m = b1 * m + (1.0 - b1) * g
    v = b2 * v + (1.0 - b2) * g * g
    m_hat = m / (1.0 - b1**t)
    v_hat = v / (1.0 - b2**t)
    return np.asarray(x - lr * m_hat / (np.sqrt(v_hat) + eps)), np.asarray(m), np.asarray(v)


def adam_descent(
    grad: GradFn, x0, lr: float, num_steps: int, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
) -> np.ndarray:
    """Adam; returns the trajectory.

    The same updates as ``torch.optim.Adam(params, lr=lr, betas=betas,
    eps=eps)`` (see :func:`adam_step`). Introduced in the chapter
    "Gradient descent".

    Parameters
    ----------
    grad : callable
        ``grad(x)`` returns the gradient at ``x``.
    x0 : array_like
        Starting point.
    lr : float
        Learning rate, > 0.
    num_steps : int
        Number of updates, >= 0.
    betas : (float, float)
        Decay rates of the two running averages.
    eps : float
        Keeps the division finite.

    Returns
    -------
    numpy.ndarray, shape (num_steps + 1, *x0.shape)

    Examples
    --------
    >>> from dlbook.descent import adam_descent
    >>> adam_descent(lambda x: 2 * (x - 3), x0=0.0, lr=0.5, num_steps=2).round(4)
    array([0.    , 0.5   , 0.9956])
    """
    _check_grad(grad)
    x = as_float_array(x0, "x0")
    num_steps = non_negative_int(num_steps, "num_steps")
    m, v = np.zeros_like(x), np.zeros_like(x)
    path = [x.copy()]
    for t in range(1, num_steps + 1):
        x, m, v = adam_step(x, _gradient_at(grad, x), m, v, t, lr, betas, eps)
        path.append(x.copy())
    return np.stack(path)
