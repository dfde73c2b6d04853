"""Convolution and max pooling in plain NumPy: forward and backward.

Introduced in the chapter "Convolutional networks".

Conventions, the same as PyTorch's so that results can be compared number
for number:

* images are batches of shape ``(N, C, H, W)``: samples, channels, rows,
  columns;
* a convolution's weights have shape ``(C_out, C_in, kH, kW)`` and its bias
  shape ``(C_out,)``;
* "convolution" means cross-correlation, as in every deep-learning library:
  the kernel slides over the input *without* being flipped.

This module uses NumPy only: no PyTorch, no plotting.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlbook._checks import as_float_array, non_negative_int, positive_int

__all__ = [
    "conv1d",
    "conv2d",
    "conv2d_backward",
    "max_pool2d",
    "conv_output_size",
    "receptive_field",
]


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """Length of a convolution's output along one axis.

    Introduced in the chapter "Convolutional networks":
    ``floor((size + 2 * padding - kernel_size) / stride) + 1``.

    Parameters
    ----------
    size : int
        Input length (rows or columns).
    kernel_size : int
        Kernel length along the same axis.
    stride : int
        Step between neighbouring windows (>= 1).
    padding : int
        Zeros added at each end (>= 0).

    Returns
    -------
    int

    Examples
    --------
    >>> from dlbook.convolution import conv_output_size
    >>> conv_output_size(16, 3), conv_output_size(16, 3, padding=1), conv_output_size(16, 3, 2, 1)
    (14, 16, 8)
    """
    size, kernel_size = positive_int(size, "size"), positive_int(kernel_size, "kernel_size")
    stride, padding = positive_int(stride, "stride"), non_negative_int(padding, "padding")
    if kernel_size > size + 2 * padding:
        raise ValueError(f"kernel_size must be at most size + 2 * padding = {size + 2 * padding}; got {kernel_size}")
    return (size + 2 * padding - kernel_size) // stride + 1


def _check_layers(kernel_sizes, strides) -> tuple[list[int], list[int]]:
    """Kernel sizes and strides of :func:`receptive_field` as lists of ints (strides default to 1)."""
    if isinstance(kernel_sizes, (str, bytes)) or not hasattr(kernel_sizes, "__len__"):
        raise TypeError(f"kernel_sizes must be a list of integers; got {type(kernel_sizes).__name__}")
    kernels = [positive_int(k, f"kernel_sizes[{i}]") for i, k in enumerate(kernel_sizes)]
    if strides is None:
        strides = [1] * len(kernels)
    if isinstance(strides, (str, bytes)) or not hasattr(strides, "__len__") or len(strides) != len(kernels):
        raise ValueError(f"strides must be a list with one integer per layer ({len(kernels)})")
    return kernels, [positive_int(s, f"strides[{i}]") for i, s in enumerate(strides)]


def receptive_field(kernel_sizes, strides=None) -> int:
    """Width of the input patch that one output value of a stack of layers sees.

    Introduced in the chapter "Convolutional networks". Each layer (a convolution or a
    pooling) with kernel ``k`` widens the field by ``(k - 1)`` times the
    product of the strides of the layers below it.

    Parameters
    ----------
    kernel_sizes : sequence of int
        Kernel size of each layer, first layer first.
    strides : sequence of int, optional
        Stride of each layer (default: all 1).

    Returns
    -------
    int

    Examples
    --------
    >>> from dlbook.convolution import receptive_field
    >>> receptive_field([3, 3])               # two 3 x 3 convolutions
    5
    >>> receptive_field([3, 2, 3, 2], [1, 2, 1, 2])   # conv, pool, conv, pool
    10
    """
    kernels, steps = _check_layers(kernel_sizes, strides)
    field, jump = 1, 1  # field width so far; input pixels per step of the current map
    for k, s in zip(kernels, steps):
        field += (k - 1) * jump
        jump *= s
    return field


def conv1d(x, w, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Slide a kernel along a 1-D signal and take a dot product at every position.

    Introduced in the chapter "Convolutional networks". Output ``i`` is
    ``sum_j w[j] * x_padded[i * stride + j]`` (cross-correlation: the kernel
    is not flipped).

    Parameters
    ----------
    x : array_like, shape (L,)
        The signal.
    w : array_like, shape (k,)
        The kernel.
    stride : int
        Step between windows (>= 1).
    padding : int
        Zeros added at each end (>= 0).

    Returns
    -------
    numpy.ndarray, shape (conv_output_size(L, k, stride, padding),)

    Examples
    --------
    >>> from dlbook.convolution import conv1d
    >>> conv1d([1, 2, 3, 4, 5], [1, 0, -1])
    array([-2., -2., -2.])
    >>> conv1d([1, 2, 3], [1, 1, 1], padding=1)
    array([3., 6., 5.])
    """
    x, w = as_float_array(x, "x", ndim=1), as_float_array(w, "w", ndim=1)
    n_out = conv_output_size(len(x), len(w), stride, padding)
    x = np.pad(x, padding)
    return np.array([x[i * stride : i * stride + len(w)] @ w for i in range(n_out)])


def _check_conv(x, w, b, stride, padding):
    """Convert and check the arguments of :func:`conv2d`; return them ready to use."""
    x, w = as_float_array(x, "x", ndim=4), as_float_array(w, "w", ndim=4)
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"w must have x's {x.shape[1]} input channels in its second axis; got x {x.shape} and w {w.shape}"
        )
    if b is not None:
        b = as_float_array(b, "b", ndim=1)
        if b.shape != (w.shape[0],):
            raise ValueError(f"b must have one entry per output channel ({w.shape[0]}); got shape {b.shape}")
    for axis in (2, 3):  # raises if the kernel does not fit the padded input
        conv_output_size(x.shape[axis], w.shape[axis], stride, padding)
    return x, w, b, int(stride), int(padding)


def _windows(x_padded: np.ndarray, kh: int, kw: int, stride: int) -> np.ndarray:
    """Every (kh, kw) window of a padded batch: shape (N, C, H_out, W_out, kh, kw), no copy."""
    return sliding_window_view(x_padded, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def _pad(x: np.ndarray, padding: int) -> np.ndarray:
    """Zeros around the two image axes of an (N, C, H, W) batch."""
    return np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))


def conv2d(x, w, b=None, stride: int = 1, padding: int = 0) -> np.ndarray:
    """A 2-D convolution layer's forward pass, as ``torch.nn.functional.conv2d``.

    Introduced in the chapter "Convolutional networks". Output channel ``o`` at row ``r``
    and column ``c`` is the dot product of kernel ``w[o]`` with the input
    window whose top-left corner is ``(r * stride, c * stride)`` in the
    zero-padded input, summed over all input channels, plus ``b[o]``.

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W)
    w : array_like, shape (C_out, C_in, kH, kW)
    b : array_like, shape (C_out,), optional
    stride : int
        The same step along rows and columns (>= 1).
    padding : int
        Zeros added on every side (>= 0).

    Returns
    -------
    numpy.ndarray, shape (N, C_out, H_out, W_out)
        ``H_out = conv_output_size(H, kH, stride, padding)``, likewise ``W_out``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.convolution import conv2d
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> w = np.ones((1, 1, 2, 2))              # sums each 2 x 2 window
    >>> conv2d(x, w)[0, 0]
    array([[10., 14., 18.],
           [26., 30., 34.],
           [42., 46., 50.]])
    >>> conv2d(x, w, b=[1.0], stride=2, padding=1).shape
    (1, 1, 3, 3)
    """
    x, w, b, stride, padding = _check_conv(x, w, b, stride, padding)
    kh, kw = w.shape[2:]
    windows = _windows(_pad(x, padding), kh, kw, stride)  # (N, C_in, H_out, W_out, kh, kw)
    out = np.einsum("ncrqij,ocij->norq", windows, w)  # dot product of each window with each kernel
    if b is not None:
        out += b[None, :, None, None]
    return out


def conv2d_backward(x, w, grad_out, stride: int = 1, padding: int = 0):
    """Gradients of a 2-D convolution with respect to its input, weights and bias.

    Introduced in the chapter "Convolutional networks". Given ``grad_out``, the gradient of
    the loss with respect to the output of :func:`conv2d` (the bias does not
    affect any gradient, so it is not needed), it returns what autograd
    returns:

    * ``dw[o, c, i, j]``: the sum over samples and output positions of
      ``grad_out`` times the input value that met ``w[o, c, i, j]``;
    * ``db[o]``: the sum of ``grad_out`` over samples and positions;
    * ``dx``: every output position sends ``grad_out`` times the kernel
      back to the window it came from; overlapping windows add up.

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W)
    w : array_like, shape (C_out, C_in, kH, kW)
    grad_out : array_like, shape (N, C_out, H_out, W_out)
    stride, padding : int
        As in the forward pass.

    Returns
    -------
    dx : numpy.ndarray, shape (N, C_in, H, W)
    dw : numpy.ndarray, shape (C_out, C_in, kH, kW)
    db : numpy.ndarray, shape (C_out,)

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.convolution import conv2d_backward
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> w = np.ones((1, 1, 2, 2))
    >>> dx, dw, db = conv2d_backward(x, w, np.ones((1, 1, 2, 2)))
    >>> dx[0, 0]                   # how many windows cover each pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> dw[0, 0], db
    (array([[ 8., 12.],
           [20., 24.]]), array([4.]))
    """
    x, w, _, stride, padding = _check_conv(x, w, None, stride, padding)
    x_padded = _pad(x, padding)
    kh, kw = w.shape[2:]
    windows = _windows(x_padded, kh, kw, stride)
    grad_out = _check_grad_out(grad_out, (x.shape[0], w.shape[0]) + windows.shape[2:4])
    h_out, w_out = grad_out.shape[2:]

    dw = np.einsum("norq,ncrqij->ocij", grad_out, windows)
    db = grad_out.sum(axis=(0, 2, 3))
    dx_padded = np.zeros_like(x_padded)
    for i in range(kh):  # kernel row i met input rows i, i + stride, ...
        for j in range(kw):
            rows = slice(i, i + stride * h_out, stride)
            cols = slice(j, j + stride * w_out, stride)
            dx_padded[:, :, rows, cols] += np.einsum("norq,oc->ncrq", grad_out, w[:, :, i, j])
    dx = dx_padded[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]]
    return dx, dw, db


def _check_grad_out(grad_out, expected: tuple) -> np.ndarray:
    grad_out = as_float_array(grad_out, "grad_out", ndim=4)
    if grad_out.shape != expected:
        raise ValueError(f"grad_out must have the shape of conv2d's output {expected}; got {grad_out.shape}")
    return grad_out


def max_pool2d(x, kernel_size: int) -> np.ndarray:
    """Max pooling over non-overlapping square windows, as ``torch.nn.functional.max_pool2d``.

    Introduced in the chapter "Convolutional networks". The stride equals the window size;
    rows and columns left over at the bottom and right edge are dropped.

    Parameters
    ----------
    x : array_like, shape (N, C, H, W)
    kernel_size : int
        Side of each window, at most ``min(H, W)``.

    Returns
    -------
    numpy.ndarray, shape (N, C, H // kernel_size, W // kernel_size)

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.convolution import max_pool2d
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> max_pool2d(x, 2)[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    x = as_float_array(x, "x", ndim=4)
    k = positive_int(kernel_size, "kernel_size")
    if k > min(x.shape[2:]):
        raise ValueError(f"kernel_size must be at most the image size {x.shape[2:]}; got {k}")
    n, c, h, w = x.shape
    rows, cols = h // k, w // k
    blocks = x[:, :, : rows * k, : cols * k].reshape(n, c, rows, k, cols, k)
    return blocks.max(axis=(3, 5))
