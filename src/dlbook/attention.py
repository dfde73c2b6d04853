"""Attention from scratch in NumPy: scaled dot-product attention, heads, positions.

Introduced in the chapter "Attention and transformers". Every function here is plain
NumPy and is tested against PyTorch in float64:
:func:`scaled_dot_product_attention` against
``torch.nn.functional.scaled_dot_product_attention`` and
:func:`multi_head_attention` against ``torch.nn.MultiheadAttention``.

Shapes follow PyTorch: a query array ``q`` has shape ``(..., L, d)`` (``L``
queries of dimension ``d``), keys ``k`` ``(..., S, d)`` and values ``v``
``(..., S, d_v)`` (``S`` keys, one value per key). A boolean ``mask`` is
True where a query *may* attend to a key, as for PyTorch's boolean
``attn_mask``.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import as_float_array, positive_int, positive_ints

__all__ = ["softmax", "scaled_dot_product_attention", "multi_head_attention", "positional_encoding"]


def softmax(scores, axis: int = -1) -> np.ndarray:
    """Softmax along one axis: exponentiate, then divide by the sum.

    Introduced in the chapter "Attention and transformers". The largest score is subtracted
    first, which changes nothing mathematically but keeps ``exp`` from
    overflowing. A score of ``-inf`` gets weight exactly 0.

    Parameters
    ----------
    scores : array_like
        Real numbers; ``-inf`` is allowed (a masked entry), NaN is not.
    axis : int
        The axis along which the result sums to 1.

    Returns
    -------
    numpy.ndarray
        Same shape as ``scores``, non-negative, summing to 1 along ``axis``.

    Examples
    --------
    >>> from dlbook.attention import softmax
    >>> softmax([0.0, 0.0, float("-inf")]).tolist()
    [0.5, 0.5, 0.0]
    """
    scores = as_float_array(scores, "scores")
    shifted = scores - scores.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def _check_attention_inputs(q, k, v, mask):
    """Convert and check the arguments of :func:`scaled_dot_product_attention`."""
    q, k, v = (as_float_array(a, name, ndim=tuple(range(2, 8))) for a, name in ((q, "q"), (k, "k"), (v, "v")))
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must have the same last dimension d; got q {q.shape} and k {k.shape}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must hold the same number of keys S (axis -2); got k {k.shape} and v {v.shape}")
    if mask is None:
        return q, k, v, None
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        raise TypeError(f"mask must be a boolean array (True = may attend); got dtype {mask.dtype}")
    scores_shape = np.broadcast_shapes(q.shape[:-2], k.shape[:-2]) + (q.shape[-2], k.shape[-2])
    try:
        mask = np.broadcast_to(mask, np.broadcast_shapes(mask.shape, scores_shape))
    except ValueError:
        raise ValueError(f"mask must broadcast to the score shape {scores_shape}; got {mask.shape}") from None
    if not mask.any(axis=-1).all():
        raise ValueError(
            "mask must let every query attend to at least one key; "
            "some row of mask is all False (its softmax would be 0/0)"
        )
    return q, k, v, mask


def scaled_dot_product_attention(q, k, v, mask=None) -> tuple[np.ndarray, np.ndarray]:
    """Scaled dot-product attention: ``softmax(q k^T / sqrt(d)) v``.

    Introduced in the chapter "Attention and transformers". Each query is compared with
    every key by a dot product, divided by ``sqrt(d)``; a softmax over the
    keys turns the scores into weights, and the output is the weighted mean
    of the values. Equal to ``torch.nn.functional.scaled_dot_product_attention``
    with the same boolean ``attn_mask``.

    Parameters
    ----------
    q : array_like, shape (..., L, d)
        Queries.
    k : array_like, shape (..., S, d)
        Keys.
    v : array_like, shape (..., S, d_v)
        Values, one per key.
    mask : array_like of bool, broadcastable to (..., L, S), optional
        True where a query may attend to a key. Every query must be allowed
        at least one key (a row of False raises ``ValueError``).

    Returns
    -------
    output : numpy.ndarray, shape (..., L, d_v)
    weights : numpy.ndarray, shape (..., L, S)
        The attention weights; each row sums to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.attention import scaled_dot_product_attention
    >>> q = np.array([[1.0, 0.0]])
    >>> k = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> v = np.array([[10.0], [20.0]])
    >>> output, weights = scaled_dot_product_attention(q, k, v)
    >>> weights.round(3).tolist(), output.round(2).tolist()
    ([[0.67, 0.33]], [[13.3]])
    >>> output, weights = scaled_dot_product_attention(q, k, v, mask=np.array([[False, True]]))
    >>> output.tolist()
    [[20.0]]
    """
    q, k, v, mask = _check_attention_inputs(q, k, v, mask)
    d = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d)  # (..., L, S)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)  # a masked key gets weight 0
    weights = softmax(scores, axis=-1)
    return weights @ v, weights


def _check_heads(x, weights, num_heads):
    x = as_float_array(x, "x", ndim=(2, 3))
    d_model = x.shape[-1]
    num_heads = positive_int(num_heads, "num_heads")
    if d_model % num_heads:
        raise ValueError(f"num_heads must divide d_model = {d_model}; got {num_heads}")
    checked = []
    for name, W in weights:
        W = as_float_array(W, name, ndim=2)
        if W.shape != (d_model, d_model):
            raise ValueError(f"{name} must have shape ({d_model}, {d_model}); got {W.shape}")
        checked.append(W)
    return x, checked, num_heads


def multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads: int, mask=None) -> tuple[np.ndarray, np.ndarray]:
    """Multi-head self-attention of a sequence ``x`` with itself (no biases).

    Introduced in the chapter "Attention and transformers". The projections ``x @ W_q``,
    ``x @ W_k`` and ``x @ W_v`` are cut into ``num_heads`` slices of width
    ``d_model / num_heads``; each head runs
    :func:`scaled_dot_product_attention` on its slice, the heads' outputs are
    laid side by side again and mixed by ``W_o``. Weights are stored as
    ``(n_in, n_out)``, as in :mod:`dlbook.scratch`.

    Parameters
    ----------
    x : array_like, shape (L, d_model) or (N, L, d_model)
        The sequence (or a batch of sequences).
    W_q, W_k, W_v, W_o : array_like, shape (d_model, d_model)
        Projections of queries, keys, values and of the joined heads.
    num_heads : int
        Number of heads; must divide ``d_model``.
    mask : array_like of bool, broadcastable to (..., L, L), optional
        True where a position may attend to another.

    Returns
    -------
    output : numpy.ndarray, same shape as ``x``
    weights : numpy.ndarray, shape (..., num_heads, L, L)
        Each head's attention weights.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.attention import multi_head_attention
    >>> x = np.random.default_rng(0).normal(size=(5, 4))
    >>> W = np.eye(4)
    >>> output, weights = multi_head_attention(x, W, W, W, W, num_heads=2)
    >>> output.shape, weights.shape
    ((5, 4), (2, 5, 5))
    """
    x, (W_q, W_k, W_v, W_o), num_heads = _check_heads(
        x, [("W_q", W_q), ("W_k", W_k), ("W_v", W_v), ("W_o", W_o)], num_heads
    )
    *batch, L, d_model = x.shape
    d_head = d_model // num_heads

    def split(a):  # (..., L, d_model) -> (..., num_heads, L, d_head)
        return np.swapaxes(a.reshape(*batch, L, num_heads, d_head), -2, -3)

    q, k, v = split(x @ W_q), split(x @ W_k), split(x @ W_v)
    if mask is not None:
        mask = np.expand_dims(np.asarray(mask), -3)  # the same mask for every head
    heads, weights = scaled_dot_product_attention(q, k, v, mask)
    joined = np.swapaxes(heads, -2, -3).reshape(*batch, L, d_model)
    return joined @ W_o, weights


def positional_encoding(length: int, d_model: int) -> np.ndarray:
    """The sinusoidal positional encoding of Vaswani et al. (2017).

    Introduced in the chapter "Attention and transformers". Position ``p`` and column pair
    ``i`` get ``sin(p / 10000**(2i / d_model))`` in column ``2i`` and
    ``cos(p / 10000**(2i / d_model))`` in column ``2i + 1``: slow waves in
    the last columns, fast ones in the first.

    Parameters
    ----------
    length : int
        Number of positions (>= 1).
    d_model : int
        Width of the encoding (>= 1); an odd width drops the last cosine.

    Returns
    -------
    numpy.ndarray, shape (length, d_model)

    Examples
    --------
    >>> from dlbook.attention import positional_encoding
    >>> pe = positional_encoding(3, 4)
    >>> pe.shape
    (3, 4)
    >>> pe[0].tolist()
    [0.0, 1.0, 0.0, 1.0]
    """
    length, d_model = positive_ints(length=length, d_model=d_model)
    position = np.arange(length)[:, None]  # (length, 1)
    frequency = 10000.0 ** (-np.arange(0, d_model, 2) / d_model)
    angle = position * frequency  # (length, ceil(d_model / 2))
    pe = np.zeros((length, d_model))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d_model // 2])
    return pe
