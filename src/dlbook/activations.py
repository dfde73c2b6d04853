"""Activation functions and their derivatives, in plain NumPy.

Introduced in the chapter "Neurons, layers and networks"; softmax returns in "Loss functions".

All functions take array_like input and return float64 arrays of the same
shape (``softmax`` normalises along one axis). They are numerically stable:
no overflow warnings for large inputs.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import as_float_array

__all__ = [
    "sigmoid",
    "tanh",
    "relu",
    "softmax",
    "identity",
    "sigmoid_derivative",
    "tanh_derivative",
    "relu_derivative",
    "identity_derivative",
    "ACTIVATIONS",
    "DERIVATIVES",
]


def sigmoid(z) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-z))``, squashing any number into (0, 1).

    Defined in the chapter "Neurons, layers and networks". Computed as
    ``exp(z) / (1 + exp(z))`` for negative ``z`` so that ``exp`` never
    overflows.

    Parameters
    ----------
    z : array_like
        Pre-activations, any shape.

    Returns
    -------
    numpy.ndarray
        Values in [0, 1], same shape as ``z``.

    Examples
    --------
    >>> from dlbook.activations import sigmoid
    >>> float(sigmoid(0.0))
    0.5
    >>> sigmoid([-1000.0, 1000.0])
    array([0., 1.])
    """
    z = as_float_array(z, "z", allow_empty=True)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z) -> np.ndarray:
    """Derivative of :func:`sigmoid` with respect to ``z``: ``s (1 - s)``.

    Its largest value is 0.25, at ``z = 0``: the root of vanishing gradients
    (chapter "Backpropagation").

    Examples
    --------
    >>> from dlbook.activations import sigmoid_derivative
    >>> float(sigmoid_derivative(0.0))
    0.25
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z) -> np.ndarray:
    """Hyperbolic tangent, squashing any number into (-1, 1).

    Defined in the chapter "Neurons, layers and networks".

    Examples
    --------
    >>> from dlbook.activations import tanh
    >>> float(tanh(0.0))
    0.0
    >>> tanh([-1000.0, 1000.0])
    array([-1.,  1.])
    """
    return np.tanh(as_float_array(z, "z", allow_empty=True))


def tanh_derivative(z) -> np.ndarray:
    """Derivative of :func:`tanh` with respect to ``z``: ``1 - tanh(z)**2``.

    Used in the chapter "Backpropagation".

    Examples
    --------
    >>> from dlbook.activations import tanh_derivative
    >>> float(tanh_derivative(0.0))
    1.0
    """
    t = tanh(z)
    return 1.0 - t * t


def relu(z) -> np.ndarray:
    """Rectified linear unit ``max(0, z)``.

    Defined in the chapter "Neurons, layers and networks".

    Examples
    --------
    >>> from dlbook.activations import relu
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    z = as_float_array(z, "z", allow_empty=True)
    return np.maximum(z, 0.0)


def relu_derivative(z) -> np.ndarray:
    """Derivative of :func:`relu`: 1 where ``z > 0``, else 0.

    Used in the chapter "Backpropagation".

    At ``z = 0`` the derivative is undefined; like PyTorch we use 0.

    Examples
    --------
    >>> from dlbook.activations import relu_derivative
    >>> relu_derivative([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """
    z = as_float_array(z, "z", allow_empty=True)
    return (z > 0).astype(np.float64)


def identity(z) -> np.ndarray:
    """The identity activation (a linear output layer).

    Introduced in the chapter "Neurons, layers and networks".

    Examples
    --------
    >>> from dlbook.activations import identity
    >>> identity([1.5, -2.0])
    array([ 1.5, -2. ])
    """
    return as_float_array(z, "z", allow_empty=True).copy()


def identity_derivative(z) -> np.ndarray:
    """Derivative of :func:`identity`: ones.

    Used in the chapter "Backpropagation".

    Examples
    --------
    >>> from dlbook.activations import identity_derivative
    >>> identity_derivative([1.5, -2.0])
    array([1., 1.])
    """
    return np.ones_like(as_float_array(z, "z", allow_empty=True))


def softmax(z, axis: int = -1) -> np.ndarray:
    """Turn raw scores (logits) into probabilities that sum to 1 along ``axis``.

    ``softmax(z)_k = exp(z_k) / sum_j exp(z_j)``. The maximum is subtracted
    first, which changes nothing mathematically and keeps ``exp`` finite.
    Introduced in "Neurons, layers and networks";
    used in "Loss functions".

    Parameters
    ----------
    z : array_like
        Logits, at least one dimension.
    axis : int
        The axis holding the classes (default: the last).

    Returns
    -------
    numpy.ndarray
        Probabilities, same shape as ``z``.

    Examples
    --------
    >>> from dlbook.activations import softmax
    >>> softmax([1000.0, 0.0])
    array([1., 0.])
    >>> softmax([0.0, 0.0, 0.0]).round(4)
    array([0.3333, 0.3333, 0.3333])
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError(f"z must have at least 1 dimension for softmax; got a scalar {float(z)}")
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


#: Activation functions by name, as :class:`dlbook.scratch.Network` uses them.
ACTIVATIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "identity": identity}
#: Their derivatives with respect to z, by the same names.
DERIVATIVES = {
    "sigmoid": sigmoid_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
    "identity": identity_derivative,
}
