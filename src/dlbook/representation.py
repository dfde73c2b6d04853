"""Representations from scratch: PCA, reconstruction error, subspace angles, embeddings.

Introduced in the chapter "Representation learning: autoencoders and
embeddings". PCA is the linear baseline every
autoencoder is measured against; :func:`principal_angles` measures how close
two subspaces are; :func:`one_hot`, :func:`embedding_lookup` and
:func:`embedding_backward` show that an embedding layer is a linear layer
on one-hot inputs, computed without the zeros.

Conventions: samples are rows, ``X`` has shape ``(n_samples, n_features)``;
PCA components are rows, shape ``(n_components, n_features)``, as in
scikit-learn.

This module uses NumPy only: no PyTorch, no plotting.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import as_float_array, as_float_arrays, positive_int, same_shape

__all__ = [
    "pca",
    "pca_reconstruct",
    "reconstruction_error",
    "principal_angles",
    "one_hot",
    "embedding_lookup",
    "embedding_backward",
]


def _check_pca_args(X, n_components) -> tuple[np.ndarray, int]:
    X = as_float_array(X, "X", ndim=2)
    k = positive_int(n_components, "n_components")
    if k > min(X.shape):
        raise ValueError(f"n_components must be <= min(n_samples, n_features) = {min(X.shape)}; got {k}")
    return X, k


def pca(X, n_components: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Principal component analysis through the singular value decomposition.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings". The data are centred, the
    centred matrix is factored as ``U S Vt``, and the first rows of ``Vt``
    are the directions of largest variance. Each component's sign is fixed
    so that its largest entry (in absolute value) is positive, as
    scikit-learn does.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    n_components : int
        Number of components to keep, at most ``min(n_samples, n_features)``.

    Returns
    -------
    Z : numpy.ndarray, shape (n_samples, n_components)
        The centred data projected on the components (the codes).
    components : numpy.ndarray, shape (n_components, n_features)
        Orthonormal rows, largest variance first.
    explained_variance_ratio : numpy.ndarray, shape (n_components,)
        Share of the total variance along each component.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.representation import pca
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    >>> Z, components, ratio = pca(X, 1)
    >>> np.round(components, 4).tolist(), ratio.tolist()
    ([[0.7071, 0.7071]], [1.0])
    """
    X, k = _check_pca_args(X, n_components)
    X_centred = X - X.mean(axis=0)
    U, S, Vt = np.linalg.svd(X_centred, full_matrices=False)
    signs = np.sign(Vt[np.arange(len(Vt)), np.abs(Vt).argmax(axis=1)])
    Vt = Vt * signs[:, None]
    variance = S**2
    components = Vt[:k]
    Z = X_centred @ components.T
    return Z, components, variance[:k] / variance.sum()


def _check_reconstruct_args(X, components, mean) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``X`` (n, d), ``components`` (k, d) and ``mean`` (d,) as float arrays sharing d."""
    X, components = as_float_arrays(X=X, components=components, ndim=2)
    mean = as_float_array(mean, "mean", ndim=1)
    if not (components.shape[1] == mean.shape[0] == X.shape[1]):
        raise ValueError(
            f"X, components and mean must share n_features; got X {X.shape}, "
            f"components {components.shape}, mean {mean.shape}"
        )
    return X, components, mean


def pca_reconstruct(X, components, mean) -> np.ndarray:
    """Project ``X`` on the span of PCA components and map it back to feature space.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings". This is PCA used as a linear
    autoencoder: encode ``z = (x - mean) @ components.T``, decode
    ``x_hat = mean + z @ components``.

    Parameters
    ----------
    X : array_like, shape (n_samples, n_features)
    components : array_like, shape (n_components, n_features)
        Orthonormal rows, e.g. from :func:`pca`.
    mean : array_like, shape (n_features,)
        The mean the components were computed around (of the training data).

    Returns
    -------
    numpy.ndarray, shape (n_samples, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.representation import pca_reconstruct
    >>> pca_reconstruct([[1.0, 3.0]], [[1.0, 0.0]], [0.0, 0.0]).tolist()
    [[1.0, 0.0]]
    """
    X, components, mean = _check_reconstruct_args(X, components, mean)
    Z = (X - mean) @ components.T
    return mean + Z @ components


def reconstruction_error(X, X_hat) -> np.ndarray:
    """Mean squared error of each sample's reconstruction.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings". Its mean over samples is
    PyTorch's ``MSELoss`` between ``X_hat`` and ``X``; per sample it is an
    anomaly score.

    Parameters
    ----------
    X, X_hat : array_like, shape (n_samples, n_features)

    Returns
    -------
    numpy.ndarray, shape (n_samples,)

    Examples
    --------
    >>> from dlbook.representation import reconstruction_error
    >>> reconstruction_error([[0.0, 0.0], [1.0, 1.0]], [[0.0, 2.0], [1.0, 1.0]]).tolist()
    [2.0, 0.0]
    """
    X = as_float_array(X, "X", ndim=2)
    X_hat = as_float_array(X_hat, "X_hat", ndim=2)
    same_shape(X, X_hat, "X", "X_hat")
    return ((X - X_hat) ** 2).mean(axis=1)


def _check_same_rows(A, B) -> tuple[np.ndarray, np.ndarray]:
    """``A`` and ``B`` as 2-D float arrays with the same number of rows."""
    A, B = as_float_arrays(A=A, B=B, ndim=2)
    if A.shape[0] != B.shape[0]:
        raise ValueError(f"A and B must have the same number of rows; got A {A.shape} and B {B.shape}")
    return A, B


def principal_angles(A, B) -> np.ndarray:
    """Angles (radians, ascending) between the column spaces of ``A`` and ``B``.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings". Orthonormal bases ``Qa``, ``Qb``
    come from QR decompositions; the cosines of the angles are the singular
    values of ``Qa.T @ Qb``. All angles 0 means the same subspace; an
    angle of pi/2 means a direction of one space is perpendicular to the
    whole other space.

    Parameters
    ----------
    A : array_like, shape (n_features, k)
    B : array_like, shape (n_features, m)
        Both of full column rank.

    Returns
    -------
    numpy.ndarray, shape (min(k, m),)

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.representation import principal_angles
    >>> A = [[1.0], [0.0]]
    >>> B = [[1.0], [1.0]]
    >>> np.degrees(principal_angles(A, B)).round(6).tolist()
    [45.0]
    """
    A, B = _check_same_rows(A, B)
    Qa, _ = np.linalg.qr(A)
    Qb, _ = np.linalg.qr(B)
    cosines = np.linalg.svd(Qa.T @ Qb, compute_uv=False)
    return np.arccos(np.clip(cosines, -1.0, 1.0))


def _check_indices(indices, n_categories) -> tuple[np.ndarray, int]:
    n_categories = positive_int(n_categories, "n_categories")
    array = np.asarray(indices)
    if array.dtype.kind not in "iu":
        raise TypeError(f"indices must be integers; got dtype {array.dtype}")
    if array.size and (array.min() < 0 or array.max() >= n_categories):
        raise ValueError(f"indices must lie in [0, {n_categories - 1}]; got min {array.min()} and max {array.max()}")
    return array.astype(np.int64), n_categories


def one_hot(indices, n_categories: int) -> np.ndarray:
    """One row per index: all zeros except a 1 in the index's column.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings".

    Parameters
    ----------
    indices : array_like of int, shape (n,)
        Category numbers in ``[0, n_categories)``.
    n_categories : int

    Returns
    -------
    numpy.ndarray, shape (n, n_categories), float64

    Examples
    --------
    >>> from dlbook.representation import one_hot
    >>> one_hot([2, 0], 3).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    indices, n_categories = _check_indices(indices, n_categories)
    if indices.ndim != 1:
        raise ValueError(f"indices must have 1 dimension; got shape {indices.shape}")
    return np.eye(n_categories)[indices]


def _check_lookup_args(W, indices) -> tuple[np.ndarray, np.ndarray]:
    """The table ``W`` (n_categories, d) as floats, and ``indices`` checked against its rows."""
    W = as_float_array(W, "W", ndim=2)
    indices, _ = _check_indices(indices, len(W))
    return W, indices


def _check_embedding_grad_args(indices, grad_out, n_categories) -> tuple[np.ndarray, np.ndarray, int]:
    """``indices`` (n,), ``grad_out`` (n, d) and ``n_categories``, checked against each other."""
    indices, n_categories = _check_indices(indices, n_categories)
    grad_out = as_float_array(grad_out, "grad_out", ndim=2)
    if indices.shape != (len(grad_out),):
        raise ValueError(
            f"indices must have shape ({len(grad_out)},) to match grad_out {grad_out.shape}; got {indices.shape}"
        )
    return indices, grad_out, n_categories


def embedding_lookup(W, indices) -> np.ndarray:
    """Row ``indices[i]`` of the table ``W`` for every ``i``: an embedding layer.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings". The result equals
    ``one_hot(indices, len(W)) @ W`` without building the one-hot matrix.

    Parameters
    ----------
    W : array_like, shape (n_categories, dim)
        The embedding table, one learnable row per category.
    indices : array_like of int, any shape
        Category numbers in ``[0, n_categories)``.

    Returns
    -------
    numpy.ndarray, shape ``indices.shape + (dim,)``

    Examples
    --------
    >>> from dlbook.representation import embedding_lookup
    >>> embedding_lookup([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], [2, 2, 0]).tolist()
    [[4.0, 5.0], [4.0, 5.0], [0.0, 1.0]]
    """
    W, indices = _check_lookup_args(W, indices)
    return W[indices]


def embedding_backward(indices, grad_out, n_categories: int) -> np.ndarray:
    """Gradient of the loss with respect to the embedding table.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings". Row ``c`` of the gradient is the
    sum of ``grad_out`` over the samples of category ``c``; the rows of
    categories absent from the batch are zero. It equals
    ``one_hot(indices, n_categories).T @ grad_out``.

    Parameters
    ----------
    indices : array_like of int, shape (n,)
    grad_out : array_like, shape (n, dim)
        dLoss / d(embedding_lookup(W, indices)).
    n_categories : int

    Returns
    -------
    numpy.ndarray, shape (n_categories, dim)

    Examples
    --------
    >>> from dlbook.representation import embedding_backward
    >>> embedding_backward([1, 1, 0], [[1.0], [2.0], [5.0]], 3).tolist()
    [[5.0], [3.0], [0.0]]
    """
    indices, grad_out, n_categories = _check_embedding_grad_args(indices, grad_out, n_categories)
    dW = np.zeros((n_categories, grad_out.shape[1]))
    np.add.at(dW, indices, grad_out)
    return dW
