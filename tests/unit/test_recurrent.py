"""dlbook.recurrent against PyTorch in float64: the forward pass and backpropagation through time.

Two oracles: the same recurrence written with torch operations and
differentiated by autograd, and ``torch.nn.RNN`` with the weights copied in
(torch stores ``weight_ih`` as (H, D), the transpose of ``W_x``). Central
differences are a third check of the backward pass.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import recurrent
from dlbook.recurrent import rnn_backward, rnn_forward
from dlbook.scratch import numerical_gradient

TOL = dict(rtol=1e-10, atol=1e-12)


@st.composite
def rnn_case(draw):
    """A random recurrent problem: T, N, D, H and the arrays, drawn from a seed."""
    T, N = draw(st.integers(1, 7)), draw(st.integers(1, 4))
    D, H = draw(st.integers(1, 4)), draw(st.integers(1, 5))
    scale = draw(st.sampled_from([0.3, 1.0, 2.0]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return (
        rng.normal(size=(T, N, D)),
        rng.normal(size=(N, H)),
        rng.normal(size=(D, H)),
        scale * rng.normal(size=(H, H)) / np.sqrt(H),
        rng.normal(size=H),
    )


def torch_recurrence(x, h0, W_x, W_h, b):
    """The same recurrence in torch operations: returns the stacked states (T, N, H)."""
    h, states = h0, []
    for t in range(x.shape[0]):
        h = torch.tanh(x[t] @ W_x + h @ W_h + b)
        states.append(h)
    return torch.stack(states)


def torch_rnn_with(W_x, W_h, b):
    """``torch.nn.RNN`` (float64, tanh, time first) holding the given weights."""
    D, H = W_x.shape
    layer = torch.nn.RNN(D, H, dtype=torch.float64)
    with torch.no_grad():
        layer.weight_ih_l0.copy_(torch.tensor(W_x.T))
        layer.weight_hh_l0.copy_(torch.tensor(W_h.T))
        layer.bias_ih_l0.copy_(torch.tensor(b))
        layer.bias_hh_l0.zero_()
    return layer


@settings(max_examples=40)
@given(rnn_case())
def test_forward_equals_torch_recurrence_and_nn_rnn(case):
    x, h0, W_x, W_h, b = case
    hs = rnn_forward(*case)
    assert hs.shape == (x.shape[0], x.shape[1], W_h.shape[0])
    expected = torch_recurrence(*(torch.tensor(a) for a in case))
    np.testing.assert_allclose(hs, expected.numpy(), **TOL)
    out, h_last = torch_rnn_with(W_x, W_h, b)(torch.tensor(x), torch.tensor(h0).unsqueeze(0))
    np.testing.assert_allclose(hs, out.detach().numpy(), **TOL)
    np.testing.assert_allclose(hs[-1], h_last[0].detach().numpy(), **TOL)


@settings(max_examples=40)
@given(rnn_case(), st.integers(0, 2**32 - 1))
def test_backward_equals_autograd(case, seed):
    tensors = [torch.tensor(a, requires_grad=True) for a in case]
    states = torch_recurrence(*tensors)
    grad_hs = np.random.default_rng(seed).normal(size=tuple(states.shape))
    states.backward(torch.tensor(grad_hs))
    grads = rnn_backward(*case, grad_hs)
    assert len(grads) == 5
    for mine, tensor, name in zip(grads, tensors, ("dx", "dh0", "dW_x", "dW_h", "db")):
        assert mine.shape == tensor.shape, name
        np.testing.assert_allclose(mine, tensor.grad.numpy(), err_msg=name, **TOL)


@settings(max_examples=20)
@given(rnn_case())
def test_backward_equals_autograd_of_nn_rnn_with_loss_on_last_state(case):
    x, h0, W_x, W_h, b = case
    layer = torch_rnn_with(W_x, W_h, b)
    x_t = torch.tensor(x, requires_grad=True)
    h0_t = torch.tensor(h0).unsqueeze(0).requires_grad_()
    out, _ = layer(x_t, h0_t)
    (out[-1] ** 2).sum().backward()
    grad_hs = np.zeros(out.shape)
    grad_hs[-1] = 2 * out[-1].detach().numpy()
    dx, dh0, dW_x, dW_h, db = rnn_backward(*case, grad_hs)
    np.testing.assert_allclose(dx, x_t.grad.numpy(), **TOL)
    np.testing.assert_allclose(dh0, h0_t.grad[0].numpy(), **TOL)
    np.testing.assert_allclose(dW_x, layer.weight_ih_l0.grad.T.numpy(), **TOL)
    np.testing.assert_allclose(dW_h, layer.weight_hh_l0.grad.T.numpy(), **TOL)
    np.testing.assert_allclose(db, layer.bias_ih_l0.grad.numpy(), **TOL)
    np.testing.assert_allclose(db, layer.bias_hh_l0.grad.numpy(), **TOL)


def test_backward_equals_central_differences():
    rng = np.random.default_rng(3)
    x, h0 = rng.normal(size=(4, 2, 3)), rng.normal(size=(2, 3))
    W_x, W_h, b = rng.normal(size=(3, 3)), 0.5 * rng.normal(size=(3, 3)), rng.normal(size=3)
    c = rng.normal(size=(4, 2, 3))
    _, _, _, dW_h, _ = rnn_backward(x, h0, W_x, W_h, b, c)
    numeric = numerical_gradient(lambda V: float(np.sum(c * rnn_forward(x, h0, W_x, V, b))), W_h)
    np.testing.assert_allclose(dW_h, numeric, rtol=1e-6, atol=1e-8)


def test_zero_recurrent_weights_make_the_steps_independent():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 2, 3))
    W_x, b = rng.normal(size=(3, 4)), rng.normal(size=4)
    hs = rnn_forward(x, rng.normal(size=(2, 4)), W_x, np.zeros((4, 4)), b)
    np.testing.assert_allclose(hs, np.tanh(x @ W_x + b), **TOL)
    grad_hs = np.zeros((5, 2, 4))
    grad_hs[-1] = 1.0
    dx = rnn_backward(x, np.zeros((2, 4)), W_x, np.zeros((4, 4)), b, grad_hs)[0]
    assert np.all(dx[:-1] == 0) and np.any(dx[-1] != 0)


def test_gradient_through_time_vanishes_for_small_and_grows_for_large_recurrent_weights():
    rng = np.random.default_rng(1)
    H, T = 32, 40
    x = rng.normal(size=(T, 1, 2))
    W_x, M = rng.normal(size=(2, H)) / np.sqrt(2), rng.normal(size=(H, H)) / np.sqrt(H)
    grad_hs = np.zeros((T, 1, H))
    grad_hs[-1] = 1.0
    small = np.linalg.norm(rnn_backward(x, np.zeros((1, H)), W_x, 0.5 * M, np.zeros(H), grad_hs)[1])
    large = np.linalg.norm(rnn_backward(x, np.zeros((1, H)), W_x, 3.0 * M, np.zeros(H), grad_hs)[1])
    assert small < 1e-10 < 1e3 < large


def _args():
    rng = np.random.default_rng(0)
    return dict(
        x=rng.normal(size=(3, 2, 4)),
        h0=np.zeros((2, 5)),
        W_x=rng.normal(size=(4, 5)),
        W_h=rng.normal(size=(5, 5)),
        b=np.zeros(5),
    )


@pytest.mark.parametrize(
    "name, value, error, match",
    [
        ("x", np.zeros((3, 4)), ValueError, "x must have 3 dimension"),
        ("x", "sequence", TypeError, "x must be numbers"),
        ("h0", np.zeros((3, 5)), ValueError, r"h0 must have shape \(2, 5\)"),
        ("W_x", np.zeros((3, 5)), ValueError, r"W_x must have shape \(4, 5\)"),
        ("W_h", np.zeros((5, 4)), ValueError, r"h0 must have shape \(2, 4\)"),
        ("W_h", np.zeros((4, 5)), ValueError, r"W_h must have shape \(5, 5\)"),
        ("b", np.zeros(4), ValueError, r"b must have shape \(5,\)"),
        ("b", None, TypeError, "b must be numbers"),
        ("x", np.full((3, 2, 4), np.nan), ValueError, "x must not contain NaN"),
    ],
)
def test_bad_arguments_name_the_argument(name, value, error, match):
    args = _args()
    args[name] = value
    with pytest.raises(error, match=match):
        rnn_forward(**args)
    with pytest.raises(error, match=match):
        rnn_backward(**args, grad_hs=np.zeros((3, 2, 5)))


def test_grad_hs_must_match_the_hidden_states():
    with pytest.raises(ValueError, match=r"grad_hs must have the shape of the hidden states \(3, 2, 5\)"):
        rnn_backward(**_args(), grad_hs=np.zeros((3, 2, 4)))


def test_module_docs(check_module_docs):
    assert check_module_docs(recurrent) > 0


def test_core_module_does_not_import_torch():
    source = open(recurrent.__file__).read()
    assert "import torch" not in source and "matplotlib" not in source
