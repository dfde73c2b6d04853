"""dlbook.convolution against PyTorch in float64: forward, backward and pooling."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import convolution
from dlbook.convolution import conv1d, conv2d, conv2d_backward, conv_output_size, max_pool2d, receptive_field

TOL = dict(rtol=1e-10, atol=1e-10)


@st.composite
def conv_case(draw):
    """A random conv2d problem: shapes, stride, padding, and arrays from a seed."""
    n = draw(st.integers(1, 3))
    c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    padding = draw(st.integers(0, 2))
    stride = draw(st.integers(1, 3))
    h = draw(st.integers(max(1, kh - 2 * padding), 9))
    w_size = draw(st.integers(max(1, kw - 2 * padding), 9))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=(n, c_in, h, w_size))
    w = rng.normal(size=(c_out, c_in, kh, kw))
    b = rng.normal(size=c_out)
    return x, w, b, stride, padding


@settings(max_examples=40)
@given(conv_case())
def test_conv2d_equals_torch(case):
    x, w, b, stride, padding = case
    expected = F.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), stride=stride, padding=padding)
    np.testing.assert_allclose(conv2d(x, w, b, stride, padding), expected.numpy(), **TOL)
    no_bias = F.conv2d(torch.tensor(x), torch.tensor(w), stride=stride, padding=padding)
    np.testing.assert_allclose(conv2d(x, w, stride=stride, padding=padding), no_bias.numpy(), **TOL)


@settings(max_examples=40)
@given(conv_case())
def test_conv2d_backward_equals_autograd(case):
    x, w, b, stride, padding = case
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = F.conv2d(xt, wt, bt, stride=stride, padding=padding)
    grad_out = np.random.default_rng(1).normal(size=tuple(out.shape))
    out.backward(torch.tensor(grad_out))
    dx, dw, db = conv2d_backward(x, w, grad_out, stride, padding)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    np.testing.assert_allclose(dx, xt.grad.numpy(), **TOL)
    np.testing.assert_allclose(dw, wt.grad.numpy(), **TOL)
    np.testing.assert_allclose(db, bt.grad.numpy(), **TOL)


def test_conv2d_backward_matches_central_differences():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(2, 2, 5, 6)), rng.normal(size=(3, 2, 3, 2))
    grad_out = rng.normal(size=conv2d(x, w, stride=2, padding=1).shape)

    def loss(x_, w_):
        return float(np.sum(conv2d(x_, w_, stride=2, padding=1) * grad_out))

    dx, dw, _ = conv2d_backward(x, w, grad_out, stride=2, padding=1)
    eps = 1e-6
    for array, grad, which in ((x, dx, 0), (w, dw, 1)):
        for index in [(0, 0, 0, 0), (1, 1, 2, 1), tuple(s - 1 for s in array.shape)]:
            plus, minus = array.copy(), array.copy()
            plus[index] += eps
            minus[index] -= eps
            args_plus = (plus, w) if which == 0 else (x, plus)
            args_minus = (minus, w) if which == 0 else (x, minus)
            numeric = (loss(*args_plus) - loss(*args_minus)) / (2 * eps)
            assert abs(numeric - grad[index]) < 1e-6


@settings(max_examples=40)
@given(
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 10),
    st.integers(1, 10),
    st.integers(1, 4),
    st.integers(0, 2**32 - 1),
)
def test_max_pool2d_equals_torch(n, c, h, w, k, seed):
    k = min(k, h, w)
    x = np.random.default_rng(seed).normal(size=(n, c, h, w))
    expected = F.max_pool2d(torch.tensor(x), k)
    np.testing.assert_array_equal(max_pool2d(x, k), expected.numpy())


@settings(max_examples=40)
@given(st.integers(1, 12), st.integers(1, 5), st.integers(1, 3), st.integers(0, 2), st.integers(0, 2**32 - 1))
def test_conv1d_equals_torch_conv1d(length, k, stride, padding, seed):
    if k > length + 2 * padding:
        k = length + 2 * padding
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=length), rng.normal(size=k)
    expected = F.conv1d(
        torch.tensor(x).view(1, 1, -1), torch.tensor(w).view(1, 1, -1), stride=stride, padding=padding
    ).view(-1)
    result = conv1d(x, w, stride, padding)
    assert len(result) == conv_output_size(length, k, stride, padding)
    np.testing.assert_allclose(result, expected.numpy(), **TOL)


def test_conv1d_is_numpy_convolve_with_the_kernel_flipped():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=20), np.array([1.0, 2.0, -0.5])
    np.testing.assert_allclose(conv1d(x, w), np.convolve(x, w[::-1], mode="valid"), **TOL)
    assert not np.allclose(conv1d(x, w), np.convolve(x, w, mode="valid"))


def test_conv2d_is_translation_equivariant():
    rng = np.random.default_rng(4)
    x = np.zeros((1, 1, 12, 12))
    x[0, 0, 2:6, 3:6] = rng.normal(size=(4, 3))
    w = rng.normal(size=(2, 1, 3, 3))
    shifted = np.roll(x, (3, 2), axis=(2, 3))
    np.testing.assert_allclose(
        np.roll(conv2d(x, w, padding=1), (3, 2), axis=(2, 3)), conv2d(shifted, w, padding=1), **TOL
    )


@settings(max_examples=30)
@given(st.integers(1, 30), st.integers(1, 7), st.integers(1, 4), st.integers(0, 3))
def test_conv_output_size_equals_torch(size, k, stride, padding):
    if k > size + 2 * padding:
        with pytest.raises(ValueError, match="kernel_size"):
            conv_output_size(size, k, stride, padding)
        return
    out = F.conv1d(torch.zeros(1, 1, size), torch.zeros(1, 1, k), stride=stride, padding=padding)
    assert conv_output_size(size, k, stride, padding) == out.shape[-1]


def test_receptive_field_equals_the_support_of_the_gradient():
    # One output of conv(3) -> conv(3, stride 2) -> conv(3) depends on receptive_field pixels per axis.
    rng = np.random.default_rng(5)
    x = torch.tensor(rng.normal(size=(1, 1, 30, 30)), requires_grad=True)
    kernels = [torch.tensor(rng.normal(size=(1, 1, 3, 3))) for _ in range(3)]
    h = F.conv2d(x, kernels[0])
    h = F.conv2d(h, kernels[1], stride=2)
    h = F.conv2d(h, kernels[2])
    h[0, 0, 4, 4].backward()
    rows = np.flatnonzero(np.abs(x.grad[0, 0].numpy()).sum(axis=1) > 0)
    assert len(rows) == receptive_field([3, 3, 3], [1, 2, 1]) == 1 + 2 + 2 + 2 * 2


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: conv2d(np.zeros((1, 1, 4)), np.zeros((1, 1, 2, 2))), ValueError, "x must have 4"),
        (lambda: conv2d(np.zeros((1, 2, 4, 4)), np.zeros((1, 1, 2, 2))), ValueError, "input channels"),
        (lambda: conv2d(np.zeros((1, 1, 4, 4)), np.zeros((2, 1, 2, 2)), b=[0.0]), ValueError, "b must have"),
        (lambda: conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 5, 5))), ValueError, "kernel_size"),
        (lambda: conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2)), stride=0), ValueError, "stride"),
        (lambda: conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2)), padding=-1), ValueError, "padding"),
        (lambda: conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2)), stride=1.5), TypeError, "stride"),
        (lambda: conv2d("image", np.zeros((1, 1, 2, 2))), TypeError, "x must be numbers"),
        (
            lambda: conv2d_backward(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 2, 2))),
            ValueError,
            "grad_out must have the shape",
        ),
        (lambda: max_pool2d(np.zeros((1, 1, 3, 3)), 4), ValueError, "kernel_size"),
        (lambda: max_pool2d(np.zeros((1, 1, 3, 3)), 0), ValueError, "kernel_size"),
        (lambda: max_pool2d(np.zeros((3, 3)), 2), ValueError, "x must have 4"),
        (lambda: conv1d(np.zeros(3), np.zeros((2, 2))), ValueError, "w must have 1"),
        (lambda: receptive_field([3, 3], [1]), ValueError, "strides"),
        (lambda: receptive_field(3), TypeError, "kernel_sizes"),
    ],
)
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_module_docs(check_module_docs):
    assert check_module_docs(convolution) > 0
