"""dlbook.activations against PyTorch (float64) and central differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from dlbook import activations as act
from dlbook.scratch import numerical_gradient

TORCH_FUNCTIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "identity": lambda t: t,
}

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
z_arrays = arrays(np.float64, array_shapes(min_dims=0, max_dims=3, max_side=5), elements=finite)


def t64(x) -> torch.Tensor:
    return torch.tensor(np.asarray(x, dtype=np.float64), dtype=torch.float64)


def test_tables_cover_the_same_names():
    assert set(act.ACTIVATIONS) == set(act.DERIVATIVES) == {"sigmoid", "tanh", "relu", "identity"}


@pytest.mark.parametrize("name", sorted(TORCH_FUNCTIONS))
@given(z=z_arrays)
def test_activation_equals_torch(name, z):
    expected = TORCH_FUNCTIONS[name](t64(z)).numpy()
    result = act.ACTIVATIONS[name](z)
    assert result.shape == np.shape(z)
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(TORCH_FUNCTIONS))
@given(z=z_arrays)
def test_derivative_equals_autograd(name, z):
    zt = t64(z).requires_grad_(True)
    TORCH_FUNCTIONS[name](zt).sum().backward()
    expected = zt.grad.numpy() if zt.grad is not None else np.zeros_like(z)
    np.testing.assert_allclose(act.DERIVATIVES[name](z), expected, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity"])
@given(z=st.floats(-6, 6))
def test_derivative_equals_central_difference(name, z):
    numeric = numerical_gradient(lambda v: float(act.ACTIVATIONS[name](v)), z)
    np.testing.assert_allclose(act.DERIVATIVES[name](z), numeric, atol=1e-8)


def test_relu_derivative_is_zero_at_zero_like_torch():
    zt = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    torch.relu(zt).backward()
    assert float(act.relu_derivative(0.0)) == float(zt.grad) == 0.0


def test_extreme_inputs_are_exact_and_silent():
    # RuntimeWarnings are errors in this suite (pyproject filterwarnings).
    np.testing.assert_array_equal(act.sigmoid([-1000.0, 1000.0]), [0.0, 1.0])
    np.testing.assert_array_equal(act.softmax([1000.0, 0.0]), [1.0, 0.0])
    np.testing.assert_array_equal(act.tanh([-1e4, 1e4]), [-1.0, 1.0])
    assert float(act.sigmoid_derivative(-1000.0)) == 0.0


def test_sigmoid_derivative_peaks_at_a_quarter():
    z = np.linspace(-10, 10, 2001)
    assert act.sigmoid_derivative(z).max() == pytest.approx(0.25)
    assert z[act.sigmoid_derivative(z).argmax()] == pytest.approx(0.0)


@given(z=arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=6), elements=finite), axis=st.integers(-1, 0))
def test_softmax_equals_torch_and_sums_to_one(z, axis):
    result = act.softmax(z, axis=axis)
    np.testing.assert_allclose(result, torch.softmax(t64(z), dim=axis).numpy(), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(result.sum(axis=axis), 1.0, rtol=1e-12)
    assert ((result >= 0) & (result <= 1)).all()


def test_softmax_is_unchanged_by_a_shift():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 5.0]])
    np.testing.assert_allclose(act.softmax(z), act.softmax(z + 100.0), rtol=1e-12)


def test_functions_keep_the_input_unchanged():
    z = np.array([-1.0, 0.0, 2.0])
    out = act.identity(z)
    out[0] = 99.0
    assert z[0] == -1.0


@pytest.mark.parametrize(
    "function",
    [act.sigmoid, act.tanh, act.relu, act.identity, act.softmax, act.sigmoid_derivative, act.relu_derivative],
)
@pytest.mark.parametrize(
    "bad, error, match",
    [
        ("1.0", TypeError, "z must be numbers"),
        (None, TypeError, "z must be numbers"),
        ([1.0, float("nan")], ValueError, "z must not contain NaN"),
        ([[1.0, 2.0], [3.0]], TypeError, "z must be numbers"),
    ],
)
def test_bad_input_is_refused(function, bad, error, match):
    with pytest.raises(error, match=match):
        function(bad)


def test_softmax_needs_an_axis():
    with pytest.raises(ValueError, match="at least 1 dimension"):
        act.softmax(3.0)
    with pytest.raises(ValueError, match="must not be empty"):
        act.softmax([])


def test_docstrings_have_examples_that_run_in_a_fresh_shell(check_module_docs):
    from dlbook import activations as module

    assert check_module_docs(module) > 0
