"""dlbook.models: the MLP and the parameter counter."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from dlbook import scratch
from dlbook.models import MLP, count_parameters


def test_count_parameters_of_the_books_networks():
    assert count_parameters(MLP([29, 16, 1])) == 497
    assert count_parameters(MLP([784, 16, 16, 10])) == 13_002


@given(st.lists(st.integers(1, 40), min_size=2, max_size=5), st.floats(0.0, 0.9))
def test_count_parameters_agrees_with_the_formula(sizes, dropout):
    assert count_parameters(MLP(sizes, dropout=dropout)) == scratch.count_parameters(sizes)


def test_count_parameters_skips_frozen_parameters():
    model = MLP([4, 3, 2])
    model.layers[0].weight.requires_grad_(False)
    assert count_parameters(model) == scratch.count_parameters([4, 3, 2]) - 12


def test_layers_in_order():
    model = MLP([4, 8, 8, 3], activation="tanh", output_activation="softmax", dropout=0.2)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Linear", "Tanh", "Dropout", "Linear", "Tanh", "Dropout", "Linear", "Softmax"]
    assert [layer.out_features for layer in model.layers if isinstance(layer, nn.Linear)] == [8, 8, 3]


@pytest.mark.parametrize(
    "output_activation, check",
    [
        (None, lambda out: True),
        ("sigmoid", lambda out: bool(((out > 0) & (out < 1)).all())),
        ("softmax", lambda out: torch.allclose(out.sum(dim=1), torch.ones(len(out)))),
        ("relu", lambda out: bool((out >= 0).all())),
    ],
)
def test_output_activation(output_activation, check):
    model = MLP([3, 5, 4], output_activation=output_activation, seed=0)
    out = model(torch.randn(10, 3, generator=torch.Generator().manual_seed(0)))
    assert out.shape == (10, 4)
    assert check(out)


def test_forward_builds_nothing():
    """Layers are created once in __init__: forward adds or replaces no parameter."""
    model = MLP([3, 4, 1], seed=0)
    before = [(name, id(p)) for name, p in model.named_parameters()]
    model(torch.zeros(2, 3))
    model(torch.zeros(5, 3))
    assert [(name, id(p)) for name, p in model.named_parameters()] == before


def test_dropout_only_in_training_mode():
    model = MLP([5, 50, 1], dropout=0.5, seed=0)
    X = torch.ones(4, 5)
    model.eval()
    assert torch.equal(model(X), model(X))
    model.train()
    torch.manual_seed(0)
    assert not torch.equal(model(X), model(X))


def test_same_seed_same_weights_and_global_state_untouched():
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    a = MLP([3, 4, 2], seed=5)
    b = MLP([3, 4, 2], seed=5)
    assert torch.rand(1) == expected_next  # seeding a model did not consume global random numbers
    c = MLP([3, 4, 2], seed=6)
    for pa, pb, pc in zip(a.parameters(), b.parameters(), c.parameters()):
        assert torch.equal(pa, pb)
        assert not torch.equal(pa, pc)


def test_mlp_agrees_with_the_scratch_network():
    """The same weights give the same outputs in dlbook.scratch and in the MLP."""
    network, X, _ = scratch.worked_example_network("relu")
    model = MLP([3, 2, 1], activation="relu", output_activation="relu").double()
    with torch.no_grad():
        linear_layers = [layer for layer in model.layers if isinstance(layer, nn.Linear)]
        for layer, W, b in zip(linear_layers, network.weights, network.biases):
            layer.weight.copy_(torch.tensor(W.T))  # torch stores (n_out, n_in)
            layer.bias.copy_(torch.tensor(b))
        out = model(torch.tensor(X))
    np.testing.assert_allclose(out.numpy(), scratch.forward(network, X).output, rtol=1e-15)
    assert out.item() == pytest.approx(0.08)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(sizes=[3]), ValueError, "at least 2 entries"),
        (dict(sizes=[3, 0]), ValueError, r"sizes\[1\] must be an integer >= 1; got 0"),
        (dict(sizes=[3, 2.0]), TypeError, r"sizes\[1\] must be an integer; got float"),
        (dict(sizes="3,1"), TypeError, "sizes must be a list"),
        (
            dict(sizes=[3, 1], activation="softplus"),
            ValueError,
            r"activation must be one of \['identity', 'relu', 'sigmoid', 'tanh'\]; got 'softplus'",
        ),
        (
            dict(sizes=[3, 1], output_activation="logsoftmax"),
            ValueError,
            r"output_activation must be one of \['identity', 'relu', 'sigmoid', 'softmax', 'tanh'\]",
        ),
        (dict(sizes=[3, 1], dropout=1.0), ValueError, r"dropout must be a fraction in \[0, 1\); got 1.0"),
        (dict(sizes=[3, 1], dropout=-0.1), ValueError, "dropout must be a fraction"),
        (dict(sizes=[3, 1], seed="x"), TypeError, "seed must be an integer or None"),
    ],
)
def test_mlp_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        MLP(**kwargs)


def test_forward_checks_the_number_of_features():
    model = MLP([4, 2])
    with pytest.raises(ValueError, match=r"X must have 4 features in its last dimension; got shape \(3, 5\)"):
        model(torch.zeros(3, 5))


def test_count_parameters_needs_a_module():
    with pytest.raises(TypeError, match="model must be a torch.nn.Module; got list"):
        count_parameters([29, 16, 1])


def test_seed_gives_the_weights_of_manual_seed():
    torch.manual_seed(11)
    expected = MLP([3, 4, 2])
    seeded = MLP([3, 4, 2], seed=11)
    for pa, pb in zip(expected.parameters(), seeded.parameters()):
        assert torch.equal(pa, pb)


def test_docstrings_have_examples_that_run_in_a_fresh_shell(check_module_docs):
    from dlbook import models as module

    assert check_module_docs(module) > 0
