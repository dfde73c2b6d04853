"""A neural network in plain NumPy: forward pass, backward pass, one SGD step.

Introduced in the chapter "The forward pass"; the
backward pass belongs to the chapter "Backpropagation".

Conventions used throughout the book:

* samples are rows: ``X`` has shape ``(n_samples, n_features)``;
* layer ``i`` computes ``Z = A @ W + b`` then ``A_next = f(Z)``, with
  ``W = weights[i]`` of shape ``(n_in, n_out)`` and ``b = biases[i]`` of
  shape ``(n_out,)``;
* every loss is a mean (over samples, and for MSE over outputs too), as in
  PyTorch's default ``reduction="mean"``.

This module uses NumPy only: no PyTorch, no plotting.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from dlbook._checks import (
    as_float_array,
    binary_labels,
    choice,
    in_unit_interval,
    layer_sizes,
    positive_number,
)
from dlbook.activations import ACTIVATIONS, DERIVATIVES, sigmoid
from dlbook.losses import binary_cross_entropy, mse

__all__ = [
    "Network",
    "Trace",
    "Gradients",
    "LOSSES",
    "forward",
    "backward",
    "loss_value",
    "sgd_step",
    "numerical_gradient",
    "count_parameters",
    "worked_example_network",
]

#: The losses :func:`backward` knows, by name.
LOSSES: dict[str, Callable] = {"mse": mse, "bce": binary_cross_entropy}

#: Smallest denominator in the BCE gradient, as in PyTorch's backward pass.
_BCE_EPS = 1e-12


def _frozen(array: np.ndarray) -> np.ndarray:
    array = array.copy()
    array.setflags(write=False)
    return array


@dataclass(frozen=True)
class Network:
    """A fully connected network: one weight matrix, bias vector and activation per layer.

    Introduced in the chapter "The forward pass".
    The network is immutable (a frozen dataclass holding read-only arrays):
    :func:`sgd_step` returns a new network instead of changing this one.

    Parameters
    ----------
    weights : sequence of array_like
        ``weights[i]`` has shape ``(n_in, n_out)``; consecutive layers must
        chain (``weights[i]`` has as many outputs as ``weights[i + 1]`` has
        inputs).
    biases : sequence of array_like
        ``biases[i]`` has shape ``(n_out,)`` of layer ``i``.
    activations : sequence of str
        One name per layer: ``"relu"``, ``"sigmoid"``, ``"tanh"`` or
        ``"identity"``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.scratch import Network
    >>> net = Network(weights=[[[1.0], [2.0]]], biases=[[0.5]], activations=["identity"])
    >>> net.sizes
    [2, 1]
    >>> Network(weights=[np.ones((3, 2)), np.ones((3, 1))], biases=[np.zeros(2), np.zeros(1)],
    ...         activations=["relu", "sigmoid"])
    Traceback (most recent call last):
        ...
    ValueError: weights[0] has 2 outputs but weights[1] expects 3 inputs
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    activations: tuple[str, ...]

    def __post_init__(self) -> None:
        for argument in ("weights", "biases", "activations"):
            value = getattr(self, argument)
            if isinstance(value, (str, bytes, np.ndarray)) or not isinstance(value, Sequence):
                raise TypeError(f"{argument} must be a list with one entry per layer; got {type(value).__name__}")
        n_layers = len(self.weights)
        if n_layers == 0:
            raise ValueError("weights must hold at least one layer; got an empty list")
        if len(self.biases) != n_layers or len(self.activations) != n_layers:
            raise ValueError(
                f"weights, biases and activations need one entry per layer; got "
                f"{n_layers} weights, {len(self.biases)} biases, {len(self.activations)} activations"
            )
        weights = [as_float_array(W, f"weights[{i}]", ndim=2) for i, W in enumerate(self.weights)]
        biases = [as_float_array(b, f"biases[{i}]", ndim=1) for i, b in enumerate(self.biases)]
        for i in range(n_layers):
            if biases[i].shape[0] != weights[i].shape[1]:
                raise ValueError(
                    f"biases[{i}] must have shape ({weights[i].shape[1]},) to match "
                    f"weights[{i}] {weights[i].shape}; got {biases[i].shape}"
                )
            if i + 1 < n_layers and weights[i].shape[1] != weights[i + 1].shape[0]:
                raise ValueError(
                    f"weights[{i}] has {weights[i].shape[1]} outputs but weights[{i + 1}] "
                    f"expects {weights[i + 1].shape[0]} inputs"
                )
        activations = [choice(a, f"activations[{i}]", ACTIVATIONS) for i, a in enumerate(self.activations)]
        object.__setattr__(self, "weights", tuple(_frozen(W) for W in weights))
        object.__setattr__(self, "biases", tuple(_frozen(b) for b in biases))
        object.__setattr__(self, "activations", tuple(activations))

    @property
    def sizes(self) -> list[int]:
        """Layer widths, inputs first: ``[n_inputs, n_hidden..., n_outputs]``."""
        return [self.weights[0].shape[0]] + [W.shape[1] for W in self.weights]

    @property
    def n_parameters(self) -> int:
        """Number of weights plus biases."""
        return int(sum(W.size + b.size for W, b in zip(self.weights, self.biases)))

    @classmethod
    def init(cls, sizes: Sequence[int], activations: str | Sequence[str] = "relu", seed: int = 0) -> Network:
        """Create a network with random weights and zero biases.

        Weights are drawn from a normal distribution with standard deviation
        ``1 / sqrt(n_in)``, so that every pre-activation starts with roughly
        unit variance.

        Parameters
        ----------
        sizes : sequence of int
            Layer widths, e.g. ``[3, 2, 1]``: 3 inputs, 2 hidden neurons,
            1 output.
        activations : str or sequence of str
            One name for every layer, or one name per layer
            (``len(sizes) - 1`` of them).
        seed : int
            Seed of the random number generator (same seed, same network).

        Returns
        -------
        Network

        Examples
        --------
        >>> from dlbook.scratch import Network
        >>> net = Network.init([3, 2, 1], ["relu", "sigmoid"], seed=0)
        >>> [W.shape for W in net.weights]
        [(3, 2), (2, 1)]
        >>> net.n_parameters
        11
        """
        sizes = layer_sizes(sizes)
        n_layers = len(sizes) - 1
        if isinstance(activations, str):
            activations = [activations] * n_layers
        if len(activations) != n_layers:
            raise ValueError(
                f"activations needs one name per layer ({n_layers} for sizes {sizes}); got {len(activations)}"
            )
        rng = np.random.default_rng(seed)
        weights = [
            rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_out)) for n_in, n_out in zip(sizes[:-1], sizes[1:])
        ]
        biases = [np.zeros(n_out) for n_out in sizes[1:]]
        return cls(weights=weights, biases=biases, activations=list(activations))


@dataclass
class Trace:
    """Everything the forward pass computed, kept for the backward pass.

    Returned by :func:`forward`; introduced in the chapter "The forward pass".

    Attributes
    ----------
    z : list of numpy.ndarray
        ``z[i]`` is layer ``i``'s pre-activation ``a[i] @ W + b``.
    a : list of numpy.ndarray
        ``a[0]`` is the input ``X``; ``a[i + 1] = f(z[i])``.
    output : numpy.ndarray
        The network's prediction, ``a[-1]``.

    Examples
    --------
    >>> from dlbook.scratch import forward, worked_example_network
    >>> net, X, y = worked_example_network("relu")
    >>> trace = forward(net, X)
    >>> len(trace.z), len(trace.a), trace.output.shape
    (2, 3, (1, 1))
    """

    z: list = field(default_factory=list)
    a: list = field(default_factory=list)
    output: np.ndarray | None = None


@dataclass
class Gradients:
    """Gradients of the loss: ``dW[i]`` and ``db[i]`` match ``weights[i]`` and ``biases[i]``.

    Returned by :func:`backward`; introduced in the chapter "Backpropagation".

    Examples
    --------
    >>> from dlbook.scratch import backward, forward, worked_example_network
    >>> net, X, y = worked_example_network("relu")
    >>> grads = backward(net, forward(net, X), y, loss="mse")
    >>> [dW.shape for dW in grads.dW], [db.shape for db in grads.db]
    ([(3, 2), (2, 1)], [(2,), (1,)])
    """

    dW: list = field(default_factory=list)
    db: list = field(default_factory=list)


def _checked_forward_input(network: Network, X) -> np.ndarray:
    """``X`` as a float array, after checking that it fits ``network`` (errors name the argument)."""
    if not isinstance(network, Network):
        raise TypeError(f"network must be a dlbook.scratch.Network; got {type(network).__name__}")
    X = as_float_array(X, "X", ndim=(1, 2))
    if X.shape[-1] != network.sizes[0]:
        raise ValueError(f"X must have {network.sizes[0]} features (columns) for this network; got shape {X.shape}")
    return X


def _checked_backward_inputs(network: Network, trace: Trace, y, loss: str) -> tuple[np.ndarray, str]:
    """``(y, loss)`` checked against ``trace`` and ``network`` for :func:`backward`."""
    if not isinstance(trace, Trace) or trace.output is None:
        raise TypeError(f"trace must be the Trace returned by forward(network, X); got {type(trace).__name__}")
    loss = choice(loss, "loss", LOSSES)
    if len(trace.z) != len(network.weights):
        raise ValueError(
            f"trace has {len(trace.z)} layers but network has {len(network.weights)}; "
            "pass the trace of forward(network, X) for this network"
        )
    y = as_float_array(y, "y", ndim=(1, 2))
    if y.shape != trace.output.shape:
        raise ValueError(f"y must have the shape of the network's output {trace.output.shape}; got {y.shape}")
    if loss == "bce":
        binary_labels(y, "y")
        in_unit_interval(trace.output, "network output (for loss='bce')")
    return y, loss


def forward(network: Network, X) -> Trace:
    """Run the forward pass, keeping every layer's ``z`` and ``a``.

    Introduced in the chapter "The forward pass".
    Each layer computes ``z = a @ W + b`` and ``a_next = f(z)``.

    Parameters
    ----------
    network : Network
    X : array_like, shape (n_samples, n_inputs) or (n_inputs,)
        Inputs, one sample per row (a 1-D array is a single sample).

    Returns
    -------
    Trace
        ``trace.z``, ``trace.a`` (with ``a[0] = X``) and ``trace.output``.

    Examples
    --------
    >>> from dlbook.scratch import forward, worked_example_network
    >>> net, X, y = worked_example_network("relu")
    >>> trace = forward(net, X)
    >>> trace.z[0]
    array([[-0.7,  0.1]])
    >>> trace.output.round(4)
    array([[0.08]])
    """
    X = _checked_forward_input(network, X)
    trace = Trace(z=[], a=[X])
    a = X
    for W, b, name in zip(network.weights, network.biases, network.activations):
        z = a @ W + b
        a = ACTIVATIONS[name](z)
        trace.z.append(z)
        trace.a.append(a)
    trace.output = a
    return trace


def loss_value(network: Network, X, y, loss: str = "mse") -> float:
    """The loss of ``network`` on ``(X, y)``: ``mse`` or binary cross-entropy.

    Introduced in the chapter "Backpropagation".
    This is the number whose gradient :func:`backward` computes.

    Parameters
    ----------
    network : Network
    X : array_like, shape (n_samples, n_inputs)
    y : array_like, same shape as the network's output
    loss : {"mse", "bce"}

    Returns
    -------
    float

    Examples
    --------
    >>> from dlbook.scratch import loss_value, worked_example_network
    >>> net, X, y = worked_example_network("relu")
    >>> round(loss_value(net, X, y, "mse"), 4)
    0.8464
    """
    loss = choice(loss, "loss", LOSSES)
    return LOSSES[loss](y, forward(network, X).output)


def _output_delta(output: np.ndarray, z: np.ndarray, y: np.ndarray, loss: str, activation: str) -> np.ndarray:
    """dL/dz of the output layer (the 'error' of the output neurons)."""
    if loss == "mse":
        dL_da = 2.0 * (output - y) / output.size
    else:  # bce
        if activation == "sigmoid":
            # dL/da * da/dz = (a - y) / (a (1 - a)) * a (1 - a): the two factors cancel.
            return (sigmoid(z) - y) / output.size
        dL_da = (output - y) / np.maximum(output * (1.0 - output), _BCE_EPS) / output.size
    return dL_da * DERIVATIVES[activation](z)


def backward(network: Network, trace: Trace, y, loss: str = "mse") -> Gradients:
    """Backpropagation: how the loss changes with each weight and each bias of the network.

    Introduced in the chapter "Backpropagation".
    Starting from the output, the error ``delta = dL/dz`` of each layer gives

    * ``dW = a_prev.T @ delta`` and ``db = delta.sum(axis=0)``,
    * the previous layer's error ``(delta @ W.T) * f'(z_prev)``.

    The losses are those of :mod:`dlbook.losses`: ``"mse"`` is
    ``mse(y, output)``, the mean over all samples and outputs; ``"bce"`` is
    ``binary_cross_entropy(y, output)`` and needs outputs in [0, 1] (use a
    sigmoid output layer; then ``delta = (y_hat - y) / n``).

    Parameters
    ----------
    network : Network
    trace : Trace
        The result of ``forward(network, X)``.
    y : array_like
        Targets, exactly the shape of ``trace.output`` (no broadcasting).
    loss : {"mse", "bce"}

    Returns
    -------
    Gradients
        ``dW[i]`` with the shape of ``weights[i]``, ``db[i]`` with the shape
        of ``biases[i]``.

    Examples
    --------
    >>> from dlbook.scratch import backward, forward, worked_example_network
    >>> net, X, y = worked_example_network("sigmoid")
    >>> grads = backward(net, forward(net, X), y, loss="bce")
    >>> grads.db[1].round(4)
    array([-0.5261])
    >>> grads.dW[1].round(4)
    array([[-0.1746],
           [-0.2762]])
    """
    y, loss = _checked_backward_inputs(network, trace, y, loss)
    # Work with 2-D arrays; a 1-D input is one sample.
    as_2d = (lambda v: v.reshape(1, -1)) if trace.a[0].ndim == 1 else (lambda v: v)
    zs = [as_2d(z) for z in trace.z]
    acts = [as_2d(a) for a in trace.a]
    delta = _output_delta(acts[-1], zs[-1], as_2d(y), loss, network.activations[-1])
    dW: list[np.ndarray] = [np.empty(0)] * len(network.weights)
    db: list[np.ndarray] = [np.empty(0)] * len(network.weights)
    for i in reversed(range(len(network.weights))):
        dW[i] = acts[i].T @ delta
        db[i] = delta.sum(axis=0)
        if i > 0:
            delta = (delta @ network.weights[i].T) * DERIVATIVES[network.activations[i - 1]](zs[i - 1])
    return Gradients(dW=dW, db=db)


def sgd_step(network: Network, gradients: Gradients, lr: float) -> Network:
    """One step of gradient descent: ``W - lr * dW`` and ``b - lr * db`` for every layer.

    Introduced in the chapter "Backpropagation".

    Parameters
    ----------
    network : Network
    gradients : Gradients
        From :func:`backward`, for this network.
    lr : float
        Learning rate, > 0.

    Returns
    -------
    Network
        A new network; ``network`` itself is unchanged.

    Examples
    --------
    >>> from dlbook.scratch import backward, forward, loss_value, sgd_step, worked_example_network
    >>> net, X, y = worked_example_network("sigmoid")
    >>> grads = backward(net, forward(net, X), y, loss="bce")
    >>> new = sgd_step(net, grads, lr=0.5)
    >>> loss_value(new, X, y, "bce") < loss_value(net, X, y, "bce")
    True
    """
    lr = positive_number(lr, "lr")
    if not isinstance(gradients, Gradients):
        raise TypeError(f"gradients must be the Gradients returned by backward(); got {type(gradients).__name__}")
    if len(gradients.dW) != len(network.weights) or len(gradients.db) != len(network.biases):
        raise ValueError(
            f"gradients must have one dW and db per layer ({len(network.weights)}); "
            f"got {len(gradients.dW)} dW and {len(gradients.db)} db"
        )
    weights, biases = [], []
    for i, (W, b, dW, db) in enumerate(zip(network.weights, network.biases, gradients.dW, gradients.db)):
        dW = as_float_array(dW, f"gradients.dW[{i}]")
        db = as_float_array(db, f"gradients.db[{i}]")
        if dW.shape != W.shape or db.shape != b.shape:
            raise ValueError(
                f"gradients for layer {i} must have shapes {W.shape} and {b.shape}; got {dW.shape} and {db.shape}"
            )
        weights.append(W - lr * dW)
        biases.append(b - lr * db)
    return Network(weights=weights, biases=biases, activations=list(network.activations))


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    """Estimate the gradient of ``f`` at ``x`` by central differences.

    ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every entry ``i``:
    slow (two calls of ``f`` per entry) but simple, which makes it the
    standard check of a hand-written backward pass. Introduced in the
    chapter "Backpropagation".

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` and returns a number.
    x : array_like
        Where to take the gradient (any shape).
    eps : float
        Step size, > 0.

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.scratch import numerical_gradient
    >>> numerical_gradient(lambda v: float(np.sum(v ** 2)), [1.0, -2.0]).round(6)
    array([ 2., -4.])
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one array; got {type(f).__name__}")
    eps = positive_number(eps, "eps")
    x = as_float_array(x, "x")
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (float(f(plus)) - float(f(minus))) / (2.0 * eps)
    return grad


def count_parameters(sizes: Sequence[int]) -> int:
    """Number of weights and biases in a fully connected network of these layer widths.

    Each layer has ``n_in * n_out`` weights and ``n_out`` biases.
    Introduced in the chapter "Neurons, layers and networks".

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, inputs first.

    Returns
    -------
    int

    Examples
    --------
    >>> from dlbook.scratch import count_parameters
    >>> count_parameters([29, 16, 1])
    497
    >>> count_parameters([784, 16, 16, 10])
    13002
    """
    sizes = layer_sizes(sizes)
    return int(sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])))


def worked_example_network(
    activation: str = "relu", output_activation: str | None = None
) -> tuple[Network, np.ndarray, np.ndarray]:
    """The book's hand-worked 3-2-1 network, its input and its target.

    Introduced in the chapter "The forward pass"
    and reused in "Backpropagation". Input ``x = (1, 0, 1)``, target 1,

    ``W1 = [[0.2, -0.3], [0.4, 0.1], [-0.5, 0.2]]``, ``b1 = (-0.4, 0.2)``,
    ``W2 = [[-0.3], [-0.2]]``, ``b2 = (0.1,)``.

    Parameters
    ----------
    activation : str
        Activation of the hidden layer, and of the output layer unless
        ``output_activation`` is given.
    output_activation : str, optional
        Activation of the output layer (default: the same as ``activation``).

    Returns
    -------
    network : Network
    X : numpy.ndarray, shape (1, 3)
    y : numpy.ndarray, shape (1, 1)

    Examples
    --------
    >>> from dlbook.scratch import forward, worked_example_network
    >>> net, X, y = worked_example_network("sigmoid")
    >>> forward(net, X).output.round(4)
    array([[0.4739]])
    """
    activation = choice(activation, "activation", ACTIVATIONS)
    output_activation = (
        activation if output_activation is None else choice(output_activation, "output_activation", ACTIVATIONS)
    )
    network = Network(
        weights=[np.array([[0.2, -0.3], [0.4, 0.1], [-0.5, 0.2]]), np.array([[-0.3], [-0.2]])],
        biases=[np.array([-0.4, 0.2]), np.array([0.1])],
        activations=[activation, output_activation],
    )
    return network, np.array([[1.0, 0.0, 1.0]]), np.array([[1.0]])
