"""dlbook.graphs: the NumPy graph convolution against PyTorch (float64), forward and backward."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlbook import graphs
from dlbook.graphs import graph_conv, graph_conv_backward, normalized_adjacency, permute_graph, readout

TOL = dict(rtol=1e-12, atol=1e-12)


# -- oracle: the same layer with plain PyTorch tensor operations ---------------


def torch_normalized_adjacency(A: torch.Tensor) -> torch.Tensor:
    A_tilde = A + torch.eye(A.shape[0], dtype=A.dtype)
    d_inv_sqrt = torch.diag(A_tilde.sum(dim=1) ** -0.5)
    return d_inv_sqrt @ A_tilde @ d_inv_sqrt


def torch_graph_conv(A, X, W):
    return torch_normalized_adjacency(A) @ X @ W


@st.composite
def graph_problems(draw, max_nodes: int = 8):
    """A random simple graph (any density, possibly disconnected), features, weights, dL/dH."""
    n = draw(st.integers(1, max_nodes))
    n_in, n_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    density = draw(st.sampled_from([0.0, 0.3, 0.7, 1.0]))
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((n, n)) < density, k=1)
    A = (upper | upper.T).astype(float)
    X = rng.normal(size=(n, n_in))
    W = rng.normal(size=(n_in, n_out))
    G = rng.normal(size=(n, n_out))
    perm = rng.permutation(n)
    return A, X, W, G, perm


@given(graph_problems())
def test_normalized_adjacency_matches_torch(problem):
    A = problem[0]
    expected = torch_normalized_adjacency(torch.tensor(A)).numpy()
    np.testing.assert_allclose(normalized_adjacency(A), expected, **TOL)


@given(graph_problems())
def test_graph_conv_matches_torch(problem):
    A, X, W, _, _ = problem
    expected = torch_graph_conv(torch.tensor(A), torch.tensor(X), torch.tensor(W)).numpy()
    out = graph_conv(A, X, W)
    assert out.shape == (X.shape[0], W.shape[1])
    np.testing.assert_allclose(out, expected, **TOL)


@given(graph_problems())
def test_graph_conv_backward_matches_autograd(problem):
    A, X, W, G, _ = problem
    X_t = torch.tensor(X, requires_grad=True)
    W_t = torch.tensor(W, requires_grad=True)
    (torch_graph_conv(torch.tensor(A), X_t, W_t) * torch.tensor(G)).sum().backward()
    dX, dW = graph_conv_backward(A, X, W, G)
    assert dX.shape == X.shape and dW.shape == W.shape
    np.testing.assert_allclose(dX, X_t.grad.numpy(), **TOL)
    np.testing.assert_allclose(dW, W_t.grad.numpy(), **TOL)


def test_graph_conv_backward_matches_central_differences():
    rng = np.random.default_rng(3)
    A = np.array([[0, 1, 1, 0], [1, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]], dtype=float)
    X, W, G = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(4, 2))
    dX, dW = graph_conv_backward(A, X, W, G)
    eps = 1e-6

    def loss(X_, W_):
        return float(np.sum(graph_conv(A, X_, W_) * G))

    for array, grad, which in ((X, dX, "X"), (W, dW, "W")):
        numeric = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            plus, minus = array.copy(), array.copy()
            plus[index] += eps
            minus[index] -= eps
            args_plus = (plus, W) if which == "X" else (X, plus)
            args_minus = (minus, W) if which == "X" else (X, minus)
            numeric[index] = (loss(*args_plus) - loss(*args_minus)) / (2 * eps)
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8, err_msg=which)


@given(graph_problems())
def test_normalized_adjacency_is_symmetric_with_known_entries(problem):
    A = problem[0]
    A_hat = normalized_adjacency(A)
    degree = A.sum(axis=1)
    np.testing.assert_allclose(A_hat, A_hat.T, **TOL)
    np.testing.assert_allclose(np.diag(A_hat), 1.0 / (degree + 1), **TOL)
    assert np.all(A_hat[(A + np.eye(len(A))) == 0] == 0)
    # The largest eigenvalue of D^-1/2 (A + I) D^-1/2 is 1 (eigenvector sqrt(d + 1)).
    assert np.linalg.eigvalsh(A_hat).max() == pytest.approx(1.0, abs=1e-10)


def test_worked_example_path_of_three():
    A = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    expected = np.array(
        [[1 / 2, 1 / np.sqrt(6), 0], [1 / np.sqrt(6), 1 / 3, 1 / np.sqrt(6)], [0, 1 / np.sqrt(6), 1 / 2]]
    )
    np.testing.assert_allclose(normalized_adjacency(A), expected, **TOL)


def test_isolated_node_keeps_its_own_features():
    A = np.zeros((3, 3))
    X = np.arange(6.0).reshape(3, 2)
    np.testing.assert_allclose(graph_conv(A, X, np.eye(2)), X, **TOL)


# -- permutations -----------------------------------------------------------


@given(graph_problems())
def test_graph_conv_is_permutation_equivariant(problem):
    A, X, W, _, perm = problem
    A_p, X_p = permute_graph(A, X, perm)
    np.testing.assert_allclose(graph_conv(A_p, X_p, W), graph_conv(A, X, W)[perm], **TOL)


@given(graph_problems(), st.sampled_from(["sum", "mean"]))
def test_readout_after_graph_conv_is_permutation_invariant(problem, how):
    A, X, W, _, perm = problem
    A_p, X_p = permute_graph(A, X, perm)
    np.testing.assert_allclose(
        readout(graph_conv(A_p, X_p, W), how), readout(graph_conv(A, X, W), how), rtol=1e-12, atol=1e-12
    )


@given(graph_problems())
def test_permute_graph_is_P_A_Pt(problem):
    A, X, _, _, perm = problem
    P = np.eye(len(A))[perm]
    A_p, X_p = permute_graph(A, X, perm)
    np.testing.assert_array_equal(A_p, P @ A @ P.T)
    np.testing.assert_array_equal(X_p, P @ X)


def test_readout_values():
    H = np.array([[1.0, -2.0], [3.0, 4.0], [5.0, 0.0]])
    np.testing.assert_allclose(readout(H, "sum"), [9.0, 2.0])
    np.testing.assert_allclose(readout(H, "mean"), [3.0, 2.0 / 3.0])


# -- bad input ---------------------------------------------------------------

GOOD_A = np.array([[0, 1], [1, 0]])
GOOD_X = np.ones((2, 3))
GOOD_W = np.ones((3, 2))


@pytest.mark.parametrize(
    "A, match",
    [
        (np.zeros((2, 3)), "square"),
        (np.zeros(3), "dimension"),
        (np.array([[0, 1], [0, 0]]), "symmetric"),
        (np.array([[0, 2], [2, 0]]), "only 0 and 1"),
        (np.array([[0, 0.5], [0.5, 0]]), "only 0 and 1"),
        (np.array([[1, 1], [1, 0]]), "zero diagonal"),
        (np.array([[0, np.nan], [np.nan, 0]]), "NaN"),
    ],
)
def test_bad_adjacency_is_a_value_error(A, match):
    with pytest.raises(ValueError, match=match):
        normalized_adjacency(A)
    with pytest.raises(ValueError, match=match):
        graph_conv(A, GOOD_X, GOOD_W)


@pytest.mark.parametrize("A", ["adjacency", None, [[0, "a"], ["a", 0]]])
def test_adjacency_that_is_not_numbers_is_a_type_error(A):
    with pytest.raises(TypeError, match="A must be numbers"):
        normalized_adjacency(A)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: graph_conv(GOOD_A, np.ones((3, 3)), GOOD_W), "X must have one row per node"),
        (lambda: graph_conv(GOOD_A, np.ones(2), GOOD_W), "X must have 2"),
        (lambda: graph_conv(GOOD_A, GOOD_X, np.ones((2, 2))), "W must have one row per feature"),
        (lambda: graph_conv_backward(GOOD_A, GOOD_X, GOOD_W, np.ones((2, 3))), "grad_out must have"),
        (lambda: readout(GOOD_X, "max"), "how must be"),
        (lambda: permute_graph(GOOD_A, GOOD_X, [0, 0]), "perm must be a permutation"),
        (lambda: permute_graph(GOOD_A, GOOD_X, [0.0, 1.0]), "perm must be a permutation"),
        (lambda: permute_graph(GOOD_A, GOOD_X, [0, 1, 2]), "perm must be a permutation"),
    ],
)
def test_bad_arguments_name_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_module_imports_no_torch():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(graphs))
    names = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    } | {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "torch" not in names and "matplotlib" not in names


def test_docstrings_have_examples_that_run_in_a_fresh_shell(check_module_docs):
    assert check_module_docs(graphs) > 0
