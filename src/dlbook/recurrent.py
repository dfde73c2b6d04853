"""A recurrent layer by hand: the forward pass and backpropagation through time.

Introduced in the chapter "Sequences and recurrent networks". Plain NumPy, float64, no framework: the
chapter checks both functions against PyTorch's autograd and ``torch.nn.RNN``.

Shapes follow PyTorch's default (time first): a batch of ``N`` sequences of
length ``T`` with ``D`` numbers per step is an array ``x`` of shape
``(T, N, D)``. Weights are stored as ``(n_in, n_out)``, as in
:mod:`dlbook.scratch`, so that a step is ``x_t @ W_x + h_{t-1} @ W_h + b``.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import as_float_array

__all__ = ["rnn_forward", "rnn_backward"]


def _check_rnn_args(x, h0, W_x, W_h, b):
    """Convert the arguments of a recurrent layer to float64 and check their shapes."""
    x = as_float_array(x, "x", ndim=3)
    h0 = as_float_array(h0, "h0", ndim=2)
    W_x = as_float_array(W_x, "W_x", ndim=2)
    W_h = as_float_array(W_h, "W_h", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    T, N, D = x.shape
    H = W_h.shape[1]
    expected = {"h0": (h0, (N, H)), "W_x": (W_x, (D, H)), "W_h": (W_h, (H, H)), "b": (b, (H,))}
    for name, (array, shape) in expected.items():
        if array.shape != shape:
            raise ValueError(
                f"{name} must have shape {shape} for x of shape {x.shape} and {H} hidden units; got {array.shape}"
            )
    return x, h0, W_x, W_h, b


def _check_rnn_backward_args(x, h0, W_x, W_h, b, grad_hs):
    """:func:`_check_rnn_args`, and ``grad_hs`` shaped like the hidden states (T, N, H)."""
    x, h0, W_x, W_h, b = _check_rnn_args(x, h0, W_x, W_h, b)
    grad_hs = as_float_array(grad_hs, "grad_hs", ndim=3)
    states = (x.shape[0], x.shape[1], W_h.shape[1])
    if grad_hs.shape != states:
        raise ValueError(f"grad_hs must have the shape of the hidden states {states}; got {grad_hs.shape}")
    return x, h0, W_x, W_h, b, grad_hs


def rnn_forward(x, h0, W_x, W_h, b) -> np.ndarray:
    """Run a tanh recurrent layer over a batch of sequences.

    Introduced in the chapter "Sequences and recurrent networks". At every step ``t`` the layer mixes the
    new input with its previous state,
    ``h_t = tanh(x_t @ W_x + h_{t-1} @ W_h + b)``, with the same weights at
    every step.

    Parameters
    ----------
    x : array_like, shape (T, N, D)
        ``T`` time steps of a batch of ``N`` sequences, ``D`` numbers per step.
    h0 : array_like, shape (N, H)
        The state before the first step (often zeros).
    W_x : array_like, shape (D, H)
        Input-to-hidden weights.
    W_h : array_like, shape (H, H)
        Hidden-to-hidden (recurrent) weights.
    b : array_like, shape (H,)
        Bias.

    Returns
    -------
    numpy.ndarray, shape (T, N, H)
        The hidden states ``h_1, ..., h_T``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.recurrent import rnn_forward
    >>> x = np.ones((3, 1, 1))                      # T=3 steps, N=1, D=1
    >>> hs = rnn_forward(x, np.zeros((1, 1)), [[1.0]], [[0.5]], [0.0])
    >>> hs.shape, bool(hs[0, 0, 0] == np.tanh(1.0))
    ((3, 1, 1), True)
    """
    x, h0, W_x, W_h, b = _check_rnn_args(x, h0, W_x, W_h, b)
    hs = np.empty((x.shape[0], h0.shape[0], W_h.shape[1]))
    h = h0
    for t in range(x.shape[0]):
        h = np.tanh(x[t] @ W_x + h @ W_h + b)
        hs[t] = h
    return hs


def rnn_backward(x, h0, W_x, W_h, b, grad_hs):
    """Backpropagation through time for :func:`rnn_forward`.

    Introduced in the chapter "Sequences and recurrent networks". Given the gradient of the loss with
    respect to every hidden state, walk the sequence backwards: at step
    ``t`` the state receives its own gradient plus what flows back from step
    ``t + 1``; the weights, shared by all steps, add up their gradients from
    every step. The forward pass is recomputed first, so only the inputs are
    needed.

    Parameters
    ----------
    x, h0, W_x, W_h, b : array_like
        As for :func:`rnn_forward`.
    grad_hs : array_like, shape (T, N, H)
        ``dLoss/dh_t`` for every step, counting only the loss's direct
        dependence on ``h_t`` (zeros where the loss does not read ``h_t``).

    Returns
    -------
    tuple of numpy.ndarray
        ``(dx, dh0, dW_x, dW_h, db)``, each shaped like its argument.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.recurrent import rnn_backward
    >>> x = np.ones((2, 1, 1))
    >>> grad_hs = np.array([[[0.0]], [[1.0]]])      # the loss is h_2
    >>> # W_h = 0: step 2 forgets step 1, so no gradient reaches x_1.
    >>> dx, dh0, dW_x, dW_h, db = rnn_backward(x, np.zeros((1, 1)), [[1.0]], [[0.0]], [0.0], grad_hs)
    >>> round(float(dx[1, 0, 0]), 4), float(dx[0, 0, 0])   # 1 - tanh(1)^2 and 0
    (0.42, 0.0)
    """
    x, h0, W_x, W_h, b, grad_hs = _check_rnn_backward_args(x, h0, W_x, W_h, b, grad_hs)
    hs = rnn_forward(x, h0, W_x, W_h, b)
    dx, dW_x, dW_h, db = np.zeros_like(x), np.zeros_like(W_x), np.zeros_like(W_h), np.zeros_like(b)
    dh_next = np.zeros_like(h0)  # gradient arriving from step t + 1
    for t in reversed(range(x.shape[0])):
        h_prev = hs[t - 1] if t > 0 else h0
        dz = (grad_hs[t] + dh_next) * (1.0 - hs[t] ** 2)  # through tanh
        dx[t] = dz @ W_x.T
        dW_x += x[t].T @ dz
        dW_h += h_prev.T @ dz
        db += dz.sum(axis=0)
        dh_next = dz @ W_h.T  # handed to step t - 1
    return dx, dh_next, dW_x, dW_h, db
