"""Graph convolution in plain NumPy: one message-passing layer, by hand.

Introduced in the chapter "Graph neural networks".
A graph with ``n`` nodes is an adjacency matrix ``A`` (``n`` by ``n``, 1 where
two nodes are joined, 0 elsewhere, symmetric, zero diagonal) and a table of
node features ``X`` (``n`` by ``n_features``). The layer of Kipf and Welling
(2017) mixes every node's features with its neighbours' through the
normalized adjacency matrix and then applies one shared weight matrix.

This module never imports torch: every line can be followed without a
framework. ``tests/test_graphs.py`` checks it against PyTorch in float64.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import as_float_array

__all__ = ["normalized_adjacency", "graph_conv", "graph_conv_backward", "readout", "permute_graph"]


def _adjacency(A) -> np.ndarray:
    """Return ``A`` as float64 after checking it is a simple undirected graph's adjacency matrix."""
    A = as_float_array(A, "A", ndim=2)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be square (n_nodes, n_nodes); got shape {A.shape}")
    bad = A[(A != 0.0) & (A != 1.0)]
    if bad.size:
        raise ValueError(f"A must contain only 0 and 1; got {bad.flat[0]:g}")
    if not np.array_equal(A, A.T):
        raise ValueError("A must be symmetric (an undirected graph): A[i, j] must equal A[j, i]")
    if np.any(np.diag(A) != 0.0):
        raise ValueError("A must have a zero diagonal (no self-loops; normalized_adjacency adds them)")
    return A


def _features(A: np.ndarray, X) -> np.ndarray:
    X = as_float_array(X, "X", ndim=2)
    if X.shape[0] != A.shape[0]:
        raise ValueError(f"X must have one row per node ({A.shape[0]}); got shape {X.shape}")
    return X


def _weights(X: np.ndarray, W) -> np.ndarray:
    W = as_float_array(W, "W", ndim=2)
    if W.shape[0] != X.shape[1]:
        raise ValueError(f"W must have one row per feature of X ({X.shape[1]}); got shape {W.shape}")
    return W


def normalized_adjacency(A) -> np.ndarray:
    """The symmetrically normalized adjacency matrix with self-loops, D^-1/2 (A + I) D^-1/2.

    Introduced in the chapter "Graph neural networks".
    ``D`` is the diagonal matrix of the row sums of ``A + I`` (each node's
    degree plus one), so entry ``(i, j)`` is ``1 / sqrt((d_i + 1)(d_j + 1))``
    when ``i == j`` or ``i`` and ``j`` are neighbours, and 0 otherwise.

    Parameters
    ----------
    A : array_like, shape (n_nodes, n_nodes)
        Adjacency matrix: symmetric, only 0 and 1, zero diagonal.

    Returns
    -------
    numpy.ndarray, shape (n_nodes, n_nodes)
        Symmetric, float64.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.graphs import normalized_adjacency
    >>> A = np.array([[0, 1], [1, 0]])          # two joined nodes
    >>> normalized_adjacency(A)
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    A = _adjacency(A)
    A_tilde = A + np.eye(len(A))
    d_inv_sqrt = 1.0 / np.sqrt(A_tilde.sum(axis=1))
    return d_inv_sqrt[:, None] * A_tilde * d_inv_sqrt[None, :]


def graph_conv(A, X, W) -> np.ndarray:
    """One graph-convolution layer (Kipf and Welling, 2017), without activation: A_hat @ X @ W.

    Introduced in the chapter "Graph neural networks".
    ``A_hat = normalized_adjacency(A)``. Row ``i`` of the result is a
    weighted sum of the features of node ``i`` and its neighbours,
    multiplied by the same weight matrix ``W`` for every node.

    Parameters
    ----------
    A : array_like, shape (n_nodes, n_nodes)
        Adjacency matrix: symmetric, only 0 and 1, zero diagonal.
    X : array_like, shape (n_nodes, n_features)
        Node features, one row per node.
    W : array_like, shape (n_features, n_out)
        Weights, shared by all nodes.

    Returns
    -------
    numpy.ndarray, shape (n_nodes, n_out)

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.graphs import graph_conv
    >>> A = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])   # a path 0 - 1 - 2
    >>> X = np.array([[1.0], [0.0], [0.0]])                # only node 0 is "on"
    >>> graph_conv(A, X, np.eye(1)).round(3)               # node 2 does not hear it yet
    array([[0.5  ],
           [0.408],
           [0.   ]])
    """
    A = _adjacency(A)
    X = _features(A, X)
    W = _weights(X, W)
    A_hat = normalized_adjacency(A)
    return A_hat @ X @ W


def graph_conv_backward(A, X, W, grad_out) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of a loss through :func:`graph_conv`, given dLoss/d(output).

    Introduced in the chapter "Graph neural networks".
    With ``H = A_hat X W`` and ``G = dLoss/dH``: ``dW = (A_hat X)^T G`` and
    ``dX = A_hat^T G W^T``, where ``A_hat^T = A_hat`` because it is symmetric.

    Parameters
    ----------
    A : array_like, shape (n_nodes, n_nodes)
    X : array_like, shape (n_nodes, n_features)
    W : array_like, shape (n_features, n_out)
    grad_out : array_like, shape (n_nodes, n_out)
        dLoss/dH for the output ``H`` of :func:`graph_conv`.

    Returns
    -------
    dX : numpy.ndarray, shape (n_nodes, n_features)
    dW : numpy.ndarray, shape (n_features, n_out)

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.graphs import graph_conv_backward
    >>> A = np.array([[0, 1], [1, 0]])
    >>> dX, dW = graph_conv_backward(A, np.eye(2), np.ones((2, 1)), np.ones((2, 1)))
    >>> dX.round(6).tolist(), dW.round(6).tolist()
    ([[1.0, 1.0], [1.0, 1.0]], [[1.0], [1.0]])
    """
    A = _adjacency(A)
    X = _features(A, X)
    W = _weights(X, W)
    G = as_float_array(grad_out, "grad_out", ndim=2)
    if G.shape != (X.shape[0], W.shape[1]):
        raise ValueError(f"grad_out must have the output's shape {(X.shape[0], W.shape[1])}; got {G.shape}")
    A_hat = normalized_adjacency(A)
    dW = (A_hat @ X).T @ G
    dX = A_hat.T @ G @ W.T
    return dX, dW


def readout(H, how: str = "sum") -> np.ndarray:
    """One vector for the whole graph: the sum or the mean of the node rows of ``H``.

    Introduced in the chapter "Graph neural networks".
    Both ignore the order of the rows, so relabelling the nodes leaves the
    result unchanged.

    Parameters
    ----------
    H : array_like, shape (n_nodes, n_features)
        Node features (for example the output of :func:`graph_conv`).
    how : {"sum", "mean"}

    Returns
    -------
    numpy.ndarray, shape (n_features,)

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.graphs import readout
    >>> H = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> readout(H).tolist(), readout(H, "mean").tolist()
    ([4.0, 6.0], [2.0, 3.0])
    """
    H = as_float_array(H, "H", ndim=2)
    if how == "sum":
        return H.sum(axis=0)
    if how == "mean":
        return H.mean(axis=0)
    raise ValueError(f"how must be 'sum' or 'mean'; got {how!r}")


def permute_graph(A, X, perm) -> tuple[np.ndarray, np.ndarray]:
    """Relabel the nodes of a graph: new node ``k`` is old node ``perm[k]``.

    Introduced in the chapter "Graph neural networks".
    With the permutation matrix ``P`` (``P[k, perm[k]] = 1``) this returns
    ``P A P^T`` and ``P X``: the same graph, written down in another order.

    Parameters
    ----------
    A : array_like, shape (n_nodes, n_nodes)
    X : array_like, shape (n_nodes, n_features)
    perm : array_like of int, shape (n_nodes,)
        A permutation of ``0, ..., n_nodes - 1``.

    Returns
    -------
    A_perm : numpy.ndarray, shape (n_nodes, n_nodes)
    X_perm : numpy.ndarray, shape (n_nodes, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.graphs import permute_graph
    >>> A = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])   # path 0 - 1 - 2
    >>> X = np.array([[10.0], [11.0], [12.0]])
    >>> A_perm, X_perm = permute_graph(A, X, [1, 0, 2])     # the middle node becomes node 0
    >>> A_perm.astype(int).tolist(), X_perm.ravel().tolist()
    ([[0, 1, 1], [1, 0, 0], [1, 0, 0]], [11.0, 10.0, 12.0])
    """
    A = _adjacency(A)
    X = _features(A, X)
    perm = np.asarray(perm)
    if perm.dtype.kind not in "iu" or perm.shape != (len(A),) or not np.array_equal(np.sort(perm), np.arange(len(A))):
        raise ValueError(f"perm must be a permutation of 0..{len(A) - 1} (integers); got {perm.tolist()}")
    return A[perm][:, perm], X[perm]
