"""dlbook.representation: PCA against scikit-learn, everything else against PyTorch or SciPy (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from sklearn.decomposition import PCA

from dlbook import representation as rep

TOL = dict(rtol=1e-9, atol=1e-9)


@st.composite
def data_matrices(draw):
    """A random (n, d) matrix with a requested number of components k <= min(n, d)."""
    n = draw(st.integers(2, 12))
    d = draw(st.integers(1, 8))
    k = draw(st.integers(1, min(n, d)))
    seed = draw(st.integers(0, 2**16))
    X = np.random.default_rng(seed).normal(size=(n, d)) * np.linspace(3.0, 0.5, d)
    return X, k


def _distinct_spectrum(X: np.ndarray, k: int) -> bool:
    """True when the first k singular values are well separated, so the components are unique up to sign."""
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    s = np.append(s, 0.0)
    gaps = np.abs(np.diff(s[: k + 1]))
    return bool(s[0] > 1e-6 and gaps.min() > 1e-3 * s[0])


# -- PCA ---------------------------------------------------------------------


@given(data_matrices())
def test_pca_matches_sklearn_up_to_sign(case):
    X, k = case
    Z, components, ratio = rep.pca(X, k)
    library = PCA(n_components=k, svd_solver="full").fit(X)
    np.testing.assert_allclose(ratio, library.explained_variance_ratio_, **TOL)
    assert Z.shape == (len(X), k) and components.shape == (k, X.shape[1])
    if _distinct_spectrum(X, k):
        signs = np.sign((components * library.components_).sum(axis=1))
        np.testing.assert_allclose(components * signs[:, None], library.components_, rtol=1e-7, atol=1e-7)
        np.testing.assert_allclose(Z * signs, library.transform(X), rtol=1e-7, atol=1e-7)


@given(data_matrices())
def test_pca_components_are_orthonormal_and_codes_project(case):
    X, k = case
    Z, components, _ = rep.pca(X, k)
    np.testing.assert_allclose(components @ components.T, np.eye(k), atol=1e-10)
    np.testing.assert_allclose(Z, (X - X.mean(axis=0)) @ components.T, **TOL)


def test_pca_sign_convention_makes_the_largest_entry_positive():
    X = np.random.default_rng(0).normal(size=(30, 5)) * [5, 3, 2, 1, 0.5]
    _, components, _ = rep.pca(X, 3)
    largest = components[np.arange(3), np.abs(components).argmax(axis=1)]
    assert np.all(largest > 0)


def test_pca_reconstruction_with_all_components_is_exact_and_matches_torch_svd():
    X = np.random.default_rng(1).normal(size=(20, 6))
    mean = X.mean(axis=0)
    _, components, _ = rep.pca(X, 6)
    np.testing.assert_allclose(rep.pca_reconstruct(X, components, mean), X, **TOL)
    # Two components: the same projection as the rank-2 truncated SVD from torch.
    _, components2, _ = rep.pca(X, 2)
    Xc = torch.tensor(X - mean, dtype=torch.float64)
    U, S, Vh = torch.linalg.svd(Xc, full_matrices=False)
    rank2 = (U[:, :2] * S[:2]) @ Vh[:2] + torch.tensor(mean)
    np.testing.assert_allclose(rep.pca_reconstruct(X, components2, mean), rank2.numpy(), **TOL)


def test_pca_reconstruction_error_is_the_discarded_variance():
    X = np.random.default_rng(2).normal(size=(50, 5)) * [4, 2, 1, 0.5, 0.2]
    mean = X.mean(axis=0)
    _, components, _ = rep.pca(X, 2)
    s = np.linalg.svd(X - mean, compute_uv=False)
    error = rep.reconstruction_error(X, rep.pca_reconstruct(X, components, mean)).mean()
    np.testing.assert_allclose(error, (s[2:] ** 2).sum() / X.size, **TOL)


# -- reconstruction error ----------------------------------------------------


@given(st.integers(1, 10), st.integers(1, 10), st.integers(0, 2**16))
def test_reconstruction_error_matches_torch_mse(n, d, seed):
    rng = np.random.default_rng(seed)
    X, X_hat = rng.normal(size=(n, d)), rng.normal(size=(n, d))
    per_sample = F.mse_loss(torch.tensor(X_hat), torch.tensor(X), reduction="none").mean(dim=1)
    np.testing.assert_allclose(rep.reconstruction_error(X, X_hat), per_sample.numpy(), **TOL)
    np.testing.assert_allclose(
        rep.reconstruction_error(X, X_hat).mean(), F.mse_loss(torch.tensor(X_hat), torch.tensor(X)).item(), **TOL
    )


# -- principal angles --------------------------------------------------------


@given(st.integers(2, 10), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**16))
def test_principal_angles_match_scipy(d, k, m, seed):
    k, m = min(k, d), min(m, d)
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(d, k)), rng.normal(size=(d, m))
    ours = rep.principal_angles(A, B)
    assert ours.shape == (min(k, m),)
    np.testing.assert_allclose(np.sort(ours), np.sort(scipy.linalg.subspace_angles(A, B)), rtol=0, atol=1e-7)


def test_principal_angles_ignore_the_basis():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(8, 3))
    mixed = A @ rng.normal(size=(3, 3))  # same column space, other basis
    np.testing.assert_allclose(rep.principal_angles(A, mixed), 0.0, atol=1e-7)
    B = np.eye(8)[:, [0]]
    C = np.eye(8)[:, [1]]
    np.testing.assert_allclose(rep.principal_angles(B, C), [np.pi / 2], atol=1e-12)


# -- one-hot and embeddings --------------------------------------------------


@given(st.integers(1, 12), st.integers(1, 20), st.integers(0, 2**16))
def test_one_hot_matches_torch(n_categories, n, seed):
    indices = np.random.default_rng(seed).integers(0, n_categories, n)
    expected = F.one_hot(torch.tensor(indices), n_categories).double().numpy()
    np.testing.assert_array_equal(rep.one_hot(indices, n_categories), expected)


@given(st.integers(1, 10), st.integers(1, 5), st.integers(1, 20), st.integers(0, 2**16))
def test_embedding_forward_and_backward_match_torch(n_categories, dim, n, seed):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(n_categories, dim))
    indices = rng.integers(0, n_categories, n)
    grad_out = rng.normal(size=(n, dim))
    W_t = torch.tensor(W, requires_grad=True)
    out = F.embedding(torch.tensor(indices), W_t)
    out.backward(torch.tensor(grad_out))
    np.testing.assert_array_equal(rep.embedding_lookup(W, indices), out.detach().numpy())
    np.testing.assert_allclose(rep.embedding_backward(indices, grad_out, n_categories), W_t.grad.numpy(), **TOL)
    # The same as a linear layer on one-hot rows, forward and backward.
    onehot = rep.one_hot(indices, n_categories)
    np.testing.assert_allclose(rep.embedding_lookup(W, indices), onehot @ W, **TOL)
    np.testing.assert_allclose(rep.embedding_backward(indices, grad_out, n_categories), onehot.T @ grad_out, **TOL)


def test_embedding_lookup_keeps_the_index_shape():
    W = np.arange(12.0).reshape(4, 3)
    assert rep.embedding_lookup(W, [[0, 1], [2, 3]]).shape == (2, 2, 3)


# -- bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: rep.pca([[1.0, 2.0], [3.0, 4.0]], 3), ValueError, "n_components must be <="),
        (lambda: rep.pca([[1.0, 2.0], [3.0, 4.0]], 0), ValueError, "n_components must be an integer >= 1"),
        (lambda: rep.pca([[1.0, 2.0]], 1.5), TypeError, "n_components must be an integer"),
        (lambda: rep.pca([1.0, 2.0], 1), ValueError, "X must have 2 dimension"),
        (lambda: rep.pca("abc", 1), TypeError, "X must be numbers"),
        (lambda: rep.pca_reconstruct([[1.0, 2.0]], [[1.0, 0.0, 0.0]], [0.0, 0.0]), ValueError, "share n_features"),
        (lambda: rep.reconstruction_error([[1.0]], [[1.0, 2.0]]), ValueError, "X and X_hat must have the same shape"),
        (lambda: rep.principal_angles(np.ones((3, 1)), np.ones((4, 1))), ValueError, "same number of rows"),
        (lambda: rep.one_hot([0, 3], 3), ValueError, r"indices must lie in \[0, 2\]"),
        (lambda: rep.one_hot([-1], 3), ValueError, "indices must lie in"),
        (lambda: rep.one_hot([0.5], 3), TypeError, "indices must be integers"),
        (lambda: rep.one_hot([[0]], 3), ValueError, "indices must have 1 dimension"),
        (lambda: rep.one_hot([0], 0), ValueError, "n_categories must be an integer >= 1"),
        (lambda: rep.embedding_lookup(np.ones((3, 2)), [3]), ValueError, "indices must lie in"),
        (lambda: rep.embedding_backward([0, 1], np.ones((3, 2)), 2), ValueError, "indices must have shape"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_module_docs(check_module_docs):
    assert check_module_docs(rep) > 0
