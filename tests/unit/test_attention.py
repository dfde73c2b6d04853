"""dlbook.attention: scaled dot-product attention, heads and positions against PyTorch (float64)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from dlbook import attention
from dlbook.attention import multi_head_attention, positional_encoding, scaled_dot_product_attention, softmax

TOL = dict(rtol=1e-10, atol=1e-12)


def torch_sdpa(q, k, v, mask=None):
    """The oracle: PyTorch's attention in float64 with the same boolean mask (True = may attend)."""
    attn_mask = None if mask is None else torch.tensor(mask)
    return F.scaled_dot_product_attention(
        torch.tensor(q), torch.tensor(k), torch.tensor(v), attn_mask=attn_mask
    ).numpy()


@st.composite
def attention_inputs(draw):
    """Random q, k, v with 0-2 batch dimensions, and a boolean mask (or None) of a broadcastable shape."""
    batch = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    L, S = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    d, d_v = draw(st.integers(1, 8)), draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**31 - 1))
    scale = draw(st.sampled_from([0.1, 1.0, 5.0]))
    rng = np.random.default_rng(seed)
    q = scale * rng.normal(size=batch + (L, d))
    k = scale * rng.normal(size=batch + (S, d))
    v = rng.normal(size=batch + (S, d_v))
    kind = draw(st.sampled_from(["none", "shared", "full"]))
    if kind == "none":
        return q, k, v, None
    mask_shape = (L, S) if kind == "shared" else batch + (L, S)
    mask = rng.random(mask_shape) < draw(st.floats(0.1, 0.9))
    rows = mask.reshape(-1, S)
    rows[np.arange(len(rows)), rng.integers(0, S, len(rows))] = True  # one allowed key per row
    return q, k, v, rows.reshape(mask_shape)


# -- scaled dot-product attention --------------------------------------------


@given(attention_inputs())
def test_output_equals_pytorch_for_any_shape_and_mask(inputs):
    q, k, v, mask = inputs
    output, weights = scaled_dot_product_attention(q, k, v, mask)
    np.testing.assert_allclose(output, torch_sdpa(q, k, v, mask), **TOL)
    assert output.shape == q.shape[:-1] + (v.shape[-1],)
    assert weights.shape == q.shape[:-1] + (k.shape[-2],)


@given(attention_inputs())
def test_weights_are_a_distribution_and_masked_keys_get_zero(inputs):
    q, k, v, mask = inputs
    _, weights = scaled_dot_product_attention(q, k, v, mask)
    assert (weights >= 0).all()
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    if mask is not None:
        assert (weights[~np.broadcast_to(mask, weights.shape)] == 0).all()
    np.testing.assert_allclose(weights @ v, scaled_dot_product_attention(q, k, v, mask)[0], **TOL)


def test_weights_equal_the_softmax_of_scaled_scores():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    _, weights = scaled_dot_product_attention(q, k, v)
    expected = torch.softmax(torch.tensor(q @ k.T / 2.0), dim=-1).numpy()  # sqrt(4) = 2
    np.testing.assert_allclose(weights, expected, **TOL)


def test_a_query_far_from_all_keys_but_one_returns_that_value():
    k = np.array([[10.0, 0.0], [0.0, 10.0]])
    v = np.array([[1.0, 2.0], [3.0, 4.0]])
    output, weights = scaled_dot_product_attention(np.array([[10.0, 0.0]]), k, v)
    np.testing.assert_allclose(output, [[1.0, 2.0]], atol=1e-20)
    assert weights[0, 1] < 1e-30


def test_large_scores_do_not_overflow():
    q = np.array([[1000.0, 0.0]])
    k = np.array([[1000.0, 0.0], [-1000.0, 0.0]])
    output, weights = scaled_dot_product_attention(q, k, np.array([[1.0], [2.0]]))
    assert np.isfinite(output).all() and weights.tolist() == [[1.0, 0.0]]


def test_list_inputs_work():
    output, _ = scaled_dot_product_attention([[1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]], [[1.0], [2.0]])
    assert output.shape == (1, 1)


def test_a_mask_row_of_false_raises_instead_of_returning_nan_or_zeros():
    """PyTorch answers such a row with NaN or zeros depending on the layer and version; we refuse it."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 4))
    mask = np.array([[True, False, False], [False, False, False], [True, True, True]])
    with pytest.raises(ValueError, match="mask must let every query attend"):
        scaled_dot_product_attention(x, x, x, mask)
    torch_row = torch_sdpa(x, x, x, mask)[1]
    assert np.isnan(torch_row).all() or (torch_row == 0).all()  # never a weighted mean of the values


def test_a_row_of_false_is_found_after_broadcasting():
    x = np.zeros((2, 3, 4))
    mask = np.ones((2, 3, 3), dtype=bool)
    mask[1, 2] = False
    with pytest.raises(ValueError, match="all False"):
        scaled_dot_product_attention(x, x, x, mask)


@pytest.mark.parametrize(
    "q, k, v, mask, error, match",
    [
        (np.zeros((2, 3)), np.zeros((4, 5)), np.zeros((4, 1)), None, ValueError, "same last dimension"),
        (np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((5, 1)), None, ValueError, "same number of keys"),
        (np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((4, 1)), np.ones((2, 4)), TypeError, "boolean"),
        (np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((4, 1)), np.ones((3, 4), dtype=bool), ValueError, "broadcast"),
        (np.zeros(3), np.zeros((4, 3)), np.zeros((4, 1)), None, ValueError, "q must have"),
        ("abc", np.zeros((4, 3)), np.zeros((4, 1)), None, TypeError, "q must be numbers"),
        (np.full((2, 3), np.nan), np.zeros((4, 3)), np.zeros((4, 1)), None, ValueError, "q must not contain NaN"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(q, k, v, mask, error, match):
    with pytest.raises(error, match=match):
        scaled_dot_product_attention(q, k, v, mask)


# -- softmax --------------------------------------------------------------------


@given(st.lists(st.floats(-500, 500), min_size=1, max_size=12))
def test_softmax_equals_pytorch_and_sums_to_one(scores):
    mine = softmax(scores)
    np.testing.assert_allclose(
        mine, torch.softmax(torch.tensor(scores, dtype=torch.float64), dim=0).numpy(), rtol=1e-10, atol=1e-300
    )
    assert math.isclose(mine.sum(), 1.0, rel_tol=1e-12)


def test_softmax_gives_minus_infinity_weight_zero_along_the_chosen_axis():
    scores = np.array([[0.0, -np.inf], [0.0, 0.0]])
    np.testing.assert_array_equal(softmax(scores, axis=0), [[0.5, 0.0], [0.5, 1.0]])


# -- multi-head attention ---------------------------------------------------------


@given(
    st.integers(1, 3),
    st.sampled_from([(4, 1), (4, 2), (6, 3), (8, 4)]),
    st.integers(1, 6),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**31 - 1),
)
def test_multi_head_attention_equals_nn_multiheadattention(n, dims, L, batched, masked, seed):
    d_model, num_heads = dims
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, L, d_model) if batched else (L, d_model))
    W_q, W_k, W_v, W_o = (rng.normal(size=(d_model, d_model)) / math.sqrt(d_model) for _ in range(4))
    mask = np.tril(np.ones((L, L), dtype=bool)) if masked else None
    output, weights = multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads, mask)

    layer = torch.nn.MultiheadAttention(d_model, num_heads, bias=False, batch_first=True).double()
    with torch.no_grad():
        layer.in_proj_weight.copy_(torch.tensor(np.concatenate([W_q.T, W_k.T, W_v.T])))
        layer.out_proj.weight.copy_(torch.tensor(W_o.T))
    x_t = torch.tensor(x)
    torch_mask = None if mask is None else torch.tensor(~mask)  # nn.MultiheadAttention: True = blocked
    out_t, weights_t = layer(x_t, x_t, x_t, attn_mask=torch_mask, average_attn_weights=False)
    np.testing.assert_allclose(output, out_t.detach().numpy(), **TOL)
    np.testing.assert_allclose(weights, weights_t.detach().numpy(), **TOL)
    assert output.shape == x.shape
    assert weights.shape == x.shape[:-2] + (num_heads, L, L)


def test_one_head_with_identity_projections_is_plain_attention():
    x = np.random.default_rng(3).normal(size=(5, 4))
    eye = np.eye(4)
    output, weights = multi_head_attention(x, eye, eye, eye, eye, num_heads=1)
    expected, expected_weights = scaled_dot_product_attention(x, x, x)
    np.testing.assert_allclose(output, expected, **TOL)
    np.testing.assert_allclose(weights[0], expected_weights, **TOL)


def test_self_attention_is_permutation_equivariant():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(7, 6))
    Ws = [rng.normal(size=(6, 6)) for _ in range(4)]
    order = rng.permutation(7)
    plain, _ = multi_head_attention(x, *Ws, num_heads=2)
    shuffled, _ = multi_head_attention(x[order], *Ws, num_heads=2)
    np.testing.assert_allclose(shuffled, plain[order], **TOL)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"num_heads": 3}, ValueError, "num_heads must divide"),
        ({"num_heads": 0}, ValueError, "num_heads must be an integer >= 1"),
        ({"num_heads": 2.0}, TypeError, "num_heads must be an integer"),
        ({"num_heads": 2, "W_o": np.zeros((4, 5))}, ValueError, "W_o must have shape"),
        ({"num_heads": 2, "x": np.zeros(4)}, ValueError, "x must have"),
    ],
)
def test_multi_head_bad_inputs(kwargs, error, match):
    args = {"x": np.zeros((3, 4)), "W_q": np.eye(4), "W_k": np.eye(4), "W_v": np.eye(4), "W_o": np.eye(4)}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        multi_head_attention(**args)


# -- positional encoding ------------------------------------------------------------


@given(st.integers(1, 60), st.integers(1, 40))
def test_positional_encoding_follows_the_formula(length, d_model):
    pe = positional_encoding(length, d_model)
    assert pe.shape == (length, d_model)
    for p in range(0, length, max(1, length // 5)):
        for i in range(d_model):
            angle = p / 10000 ** ((i - i % 2) / d_model)
            expected = math.sin(angle) if i % 2 == 0 else math.cos(angle)
            assert pe[p, i] == pytest.approx(expected, abs=1e-12)


def test_positional_encoding_dot_products_depend_only_on_the_offset():
    pe = positional_encoding(50, 16)
    gram = pe @ pe.T
    for offset in range(1, 40):
        diagonal = np.diagonal(gram, offset=offset)
        assert np.ptp(diagonal) < 1e-10
    assert np.allclose(np.diagonal(gram), 8.0)  # d_model / 2 pairs of sin^2 + cos^2


def test_positions_get_distinct_encodings():
    pe = positional_encoding(100, 16)
    distances = np.linalg.norm(pe[:, None] - pe[None, :], axis=-1)
    assert distances[~np.eye(100, dtype=bool)].min() > 0.1


@pytest.mark.parametrize(
    "length, d_model, error",
    [
        (0, 4, ValueError),
        (4, 0, ValueError),
        (2.5, 4, TypeError),
        (4, "8", TypeError),
        (True, 4, TypeError),
    ],
)
def test_positional_encoding_bad_inputs(length, d_model, error):
    with pytest.raises(error):
        positional_encoding(length, d_model)


def test_docstrings_have_examples_that_run_in_a_fresh_shell(check_module_docs):
    assert check_module_docs(attention) > 0


def test_module_does_not_import_torch():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(attention))
    names = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    modules = {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "torch" not in names | modules
