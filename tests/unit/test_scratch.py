"""dlbook.scratch: the NumPy network against PyTorch autograd and central differences (float64)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from dlbook import losses, scratch
from dlbook.scratch import Gradients, Network, backward, forward, numerical_gradient, sgd_step

TORCH_ACTIVATIONS = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "identity": lambda t: t}
GRAD_TOL = dict(rtol=1e-9, atol=1e-9)


def sig(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


# -- oracle: the same network and loss in PyTorch ---------------------------


def autograd_gradients(network: Network, X, y, loss: str):
    """Loss and gradients of the same network computed by PyTorch autograd in float64."""
    Ws = [torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in network.weights]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in network.biases]
    a = torch.tensor(np.asarray(X, dtype=np.float64))
    for W, b, name in zip(Ws, bs, network.activations):
        a = TORCH_ACTIVATIONS[name](a @ W + b)
    target = torch.tensor(np.asarray(y, dtype=np.float64))
    if loss == "mse":
        value = torch.mean((target - a) ** 2)  # = dlbook.losses.mse
    else:
        value = F.binary_cross_entropy(a, target)  # = dlbook.losses.binary_cross_entropy
    value.backward()
    return value.item(), [W.grad.numpy() for W in Ws], [b.grad.numpy() for b in bs]


def assert_matches_autograd(network, X, y, loss):
    trace = forward(network, X)
    grads = backward(network, trace, y, loss)
    value, dWs, dbs = autograd_gradients(network, X, y, loss)
    assert scratch.loss_value(network, X, y, loss) == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert len(grads.dW) == len(dWs)
    for i, (mine, theirs) in enumerate(zip(grads.dW, dWs)):
        assert mine.shape == network.weights[i].shape
        np.testing.assert_allclose(mine, theirs, **GRAD_TOL, err_msg=f"dW[{i}]")
    for i, (mine, theirs) in enumerate(zip(grads.db, dbs)):
        assert mine.shape == network.biases[i].shape
        np.testing.assert_allclose(mine, theirs, **GRAD_TOL, err_msg=f"db[{i}]")
    return grads


@st.composite
def networks(draw, output_activation=None):
    """A random network, inputs and targets (batch of one included)."""
    n_layers = draw(st.integers(1, 4))
    sizes = [draw(st.integers(1, 5)) for _ in range(n_layers + 1)]
    hidden = st.sampled_from(sorted(TORCH_ACTIVATIONS))
    activations = [draw(hidden) for _ in range(n_layers)]
    if output_activation is not None:
        activations[-1] = output_activation
    seed = draw(st.integers(0, 2**16))
    network = Network.init(sizes, activations, seed=seed)
    rng = np.random.default_rng(seed + 1)
    # Non-zero biases too, so that the bias paths are exercised.
    network = Network(
        weights=network.weights,
        biases=[rng.normal(0, 0.5, b.shape) for b in network.biases],
        activations=network.activations,
    )
    n_samples = draw(st.integers(1, 6))
    X = rng.normal(0, 1, (n_samples, sizes[0]))
    if output_activation == "sigmoid":
        y = rng.integers(0, 2, (n_samples, sizes[-1])).astype(float)
    else:
        y = rng.normal(0, 1, (n_samples, sizes[-1]))
    return network, X, y


# -- the worked 3-2-1 example -------------------------------------------------


def test_worked_example_is_the_books_network():
    network, X, y = scratch.worked_example_network()
    np.testing.assert_array_equal(network.weights[0], [[0.2, -0.3], [0.4, 0.1], [-0.5, 0.2]])
    np.testing.assert_array_equal(network.weights[1], [[-0.3], [-0.2]])
    np.testing.assert_array_equal(network.biases[0], [-0.4, 0.2])
    np.testing.assert_array_equal(network.biases[1], [0.1])
    np.testing.assert_array_equal(X, [[1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(y, [[1.0]])
    assert network.activations == ("relu", "relu")
    assert network.sizes == [3, 2, 1]


def test_worked_example_forward_pass_relu():
    network, X, _ = scratch.worked_example_network("relu")
    trace = forward(network, X)
    np.testing.assert_allclose(trace.z[0], [[-0.7, 0.1]], atol=1e-15)
    np.testing.assert_allclose(trace.a[1], [[0.0, 0.1]], atol=1e-15)
    np.testing.assert_allclose(trace.z[1], [[0.08]], atol=1e-15)
    np.testing.assert_allclose(trace.output, [[0.08]], atol=1e-15)
    assert trace.a[0] is not None and trace.output is trace.a[-1]
    assert scratch.loss_value(network, X, [[1.0]], "mse") == pytest.approx(0.8464)


def test_worked_example_forward_pass_sigmoid():
    network, X, _ = scratch.worked_example_network("sigmoid")
    trace = forward(network, X)
    h1, h2 = sig(-0.7), sig(0.1)
    z_out = -0.3 * h1 - 0.2 * h2 + 0.1
    np.testing.assert_allclose(trace.a[1], [[h1, h2]], rtol=1e-14)
    np.testing.assert_allclose(trace.output, [[sig(z_out)]], rtol=1e-14)
    # Values to four decimals, as the chapter prints them.
    np.testing.assert_allclose(trace.a[1].round(4), [[0.3318, 0.5250]])
    assert round(float(trace.z[1][0, 0]), 4) == -0.1045
    assert round(float(trace.output[0, 0]), 4) == 0.4739


def test_worked_example_mixed_activations():
    network, X, _ = scratch.worked_example_network("relu", output_activation="sigmoid")
    assert network.activations == ("relu", "sigmoid")
    assert forward(network, X).output[0, 0] == pytest.approx(sig(0.08), rel=1e-14)


@pytest.mark.parametrize(
    "activation, output_activation, loss",
    [
        (hidden, output, loss)
        for hidden, output in [
            ("relu", None),
            ("sigmoid", None),
            ("tanh", "sigmoid"),
            ("relu", "sigmoid"),
            ("sigmoid", "identity"),
        ]
        for loss in ["mse", "bce"]
        if not (output == "identity" and loss == "bce")  # that output is -0.10, not a probability
    ],
)
def test_worked_example_backward_equals_autograd(activation, output_activation, loss):
    network, X, y = scratch.worked_example_network(activation, output_activation)
    assert_matches_autograd(network, X, y, loss)


def test_worked_example_bce_output_delta_is_y_hat_minus_y():
    network, X, y = scratch.worked_example_network("sigmoid")
    trace = forward(network, X)
    grads = backward(network, trace, y, "bce")
    delta = trace.output - y
    np.testing.assert_allclose(grads.db[1], delta[0], rtol=1e-14)
    np.testing.assert_allclose(grads.dW[1], trace.a[1].T @ delta, rtol=1e-14)


# -- random networks -----------------------------------------------------------


@given(networks())
def test_backward_mse_equals_autograd_on_random_networks(case):
    assert_matches_autograd(*case, loss="mse")


@given(networks(output_activation="sigmoid"))
def test_backward_bce_equals_autograd_on_random_networks(case):
    assert_matches_autograd(*case, loss="bce")


@pytest.mark.parametrize("loss, output_activation", [("mse", "tanh"), ("bce", "sigmoid")])
def test_backward_equals_central_differences(loss, output_activation):
    """Second oracle: perturb every weight and bias, one at a time."""
    network = Network.init([3, 4, 3, 2], ["tanh", "sigmoid", output_activation], seed=3)
    rng = np.random.default_rng(4)
    X = rng.normal(size=(5, 3))
    y = rng.integers(0, 2, size=(5, 2)).astype(float)
    grads = backward(network, forward(network, X), y, loss)
    for i in range(len(network.weights)):

        def loss_of_W(W, i=i):
            weights = list(network.weights)
            weights[i] = W
            return scratch.loss_value(Network(weights, network.biases, network.activations), X, y, loss)

        def loss_of_b(b, i=i):
            biases = list(network.biases)
            biases[i] = b
            return scratch.loss_value(Network(network.weights, biases, network.activations), X, y, loss)

        np.testing.assert_allclose(grads.dW[i], numerical_gradient(loss_of_W, network.weights[i]), atol=1e-7)
        np.testing.assert_allclose(grads.db[i], numerical_gradient(loss_of_b, network.biases[i]), atol=1e-7)


def test_bce_for_non_sigmoid_output_uses_the_general_chain_rule():
    # Identity output kept inside (0, 1): the general formula, checked by autograd.
    network = Network(weights=[[[0.3], [0.1]]], biases=[[0.2]], activations=["identity"])
    X = np.array([[0.5, 1.0], [1.0, 0.2]])
    y = np.array([[1.0], [0.0]])
    assert_matches_autograd(network, X, y, "bce")


def test_single_sample_as_1d_array_matches_batch_of_one():
    network, X, y = scratch.worked_example_network("sigmoid")
    trace_1d = forward(network, X[0])
    assert trace_1d.output.shape == (1,)
    grads_1d = backward(network, trace_1d, y[0], "bce")
    grads_2d = backward(network, forward(network, X), y, "bce")
    for a, b in zip(grads_1d.dW + grads_1d.db, grads_2d.dW + grads_2d.db):
        np.testing.assert_allclose(a, b, rtol=1e-15)


def test_mse_gradient_averages_over_samples_and_outputs():
    """Doubling the data (same rows twice) leaves the mean loss and its gradient unchanged."""
    network = Network.init([2, 3, 2], "tanh", seed=1)
    X = np.array([[0.5, -1.0], [1.5, 0.3]])
    y = np.array([[0.1, 0.2], [0.3, -0.4]])
    once = backward(network, forward(network, X), y, "mse")
    twice = backward(network, forward(network, np.vstack([X, X])), np.vstack([y, y]), "mse")
    for a, b in zip(once.dW + once.db, twice.dW + twice.db):
        np.testing.assert_allclose(a, b, rtol=1e-12)


# -- sgd_step ------------------------------------------------------------------


def test_sgd_step_is_w_minus_lr_times_gradient():
    network, X, y = scratch.worked_example_network("sigmoid")
    grads = backward(network, forward(network, X), y, "mse")
    new = sgd_step(network, grads, lr=0.9)
    for W_old, W_new, dW in zip(network.weights, new.weights, grads.dW):
        np.testing.assert_allclose(W_new, W_old - 0.9 * dW, rtol=1e-15)
    for b_old, b_new, db in zip(network.biases, new.biases, grads.db):
        np.testing.assert_allclose(b_new, b_old - 0.9 * db, rtol=1e-15)
    assert isinstance(new, Network) and new.activations == network.activations


def test_sgd_step_matches_torch_optim_sgd():
    network, X, y = scratch.worked_example_network("sigmoid")
    params = [torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in network.weights] + [
        torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in network.biases
    ]
    optimizer = torch.optim.SGD(params, lr=0.5)
    W1, W2, b1, b2 = params
    output = torch.sigmoid(torch.sigmoid(torch.tensor(X) @ W1 + b1) @ W2 + b2)
    F.binary_cross_entropy(output, torch.tensor(y)).backward()
    optimizer.step()
    new = sgd_step(network, backward(network, forward(network, X), y, "bce"), lr=0.5)
    for mine, theirs in zip(list(new.weights) + list(new.biases), params):
        np.testing.assert_allclose(mine, theirs.detach().numpy(), rtol=1e-12)


def test_sgd_step_leaves_the_old_network_unchanged():
    network, X, y = scratch.worked_example_network()
    before = [W.copy() for W in network.weights]
    sgd_step(network, backward(network, forward(network, X), y), lr=1.0)
    for W, W0 in zip(network.weights, before):
        np.testing.assert_array_equal(W, W0)


def test_training_by_hand_learns_xor():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    network = Network.init([2, 4, 1], ["tanh", "sigmoid"], seed=1)
    first = scratch.loss_value(network, X, y, "bce")
    for _ in range(2000):
        network = sgd_step(network, backward(network, forward(network, X), y, "bce"), lr=1.0)
    assert scratch.loss_value(network, X, y, "bce") < 0.1 < first
    np.testing.assert_array_equal(forward(network, X).output.round(), y)


# -- Network -------------------------------------------------------------------


def test_network_is_frozen_and_its_arrays_read_only():
    network, _, _ = scratch.worked_example_network()
    with pytest.raises(dataclasses.FrozenInstanceError):
        network.weights = ()
    with pytest.raises(ValueError, match="read-only"):
        network.weights[0][0, 0] = 1.0


def test_network_copies_its_inputs():
    W = np.ones((2, 1))
    network = Network(weights=[W], biases=[np.zeros(1)], activations=["identity"])
    W[0, 0] = 5.0
    assert network.weights[0][0, 0] == 1.0


def test_init_is_deterministic_per_seed():
    a = Network.init([4, 3, 2], "relu", seed=7)
    b = Network.init([4, 3, 2], "relu", seed=7)
    c = Network.init([4, 3, 2], "relu", seed=8)
    for Wa, Wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(Wa, Wb)
    assert not np.array_equal(a.weights[0], c.weights[0])
    assert all((b == 0).all() for b in a.biases)
    assert a.activations == ("relu", "relu")


def test_init_scales_weights_by_fan_in():
    network = Network.init([400, 300], "identity", seed=0)
    assert network.weights[0].std() == pytest.approx(1 / math.sqrt(400), rel=0.02)


@given(st.lists(st.integers(1, 30), min_size=2, max_size=5))
def test_count_parameters_matches_a_network(sizes):
    network = Network.init(sizes, "relu", seed=0)
    assert scratch.count_parameters(sizes) == network.n_parameters
    assert network.sizes == sizes


def test_count_parameters_of_the_books_networks():
    assert scratch.count_parameters([29, 16, 1]) == 497
    assert scratch.count_parameters([784, 16, 16, 10]) == 13_002
    assert scratch.count_parameters([3, 2, 1]) == 11


def test_numerical_gradient_agrees_with_autograd():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    f = lambda v: float(np.sum(np.sin(v) * v**2))  # noqa: E731
    xt = torch.tensor(x, requires_grad=True)
    torch.sum(torch.sin(xt) * xt**2).backward()
    result = numerical_gradient(f, x)
    assert result.shape == x.shape
    np.testing.assert_allclose(result, xt.grad.numpy(), atol=1e-8)
    np.testing.assert_array_equal(x, [[0.3, -1.2], [2.0, 0.5]])  # input untouched


# -- bad input -------------------------------------------------------------------

W_OK = [np.ones((3, 2)), np.ones((2, 1))]
B_OK = [np.zeros(2), np.zeros(1)]


@pytest.mark.parametrize(
    "weights, biases, activations, error, match",
    [
        (
            [np.ones((3, 2)), np.ones((3, 1))],
            B_OK,
            ["relu", "relu"],
            ValueError,
            r"weights\[0\] has 2 outputs but weights\[1\] expects 3 inputs",
        ),
        (W_OK, [np.zeros(3), np.zeros(1)], ["relu", "relu"], ValueError, r"biases\[0\] must have shape \(2,\)"),
        (
            W_OK,
            B_OK,
            ["relu", "softplus"],
            ValueError,
            r"activations\[1\] must be one of \['identity', 'relu', 'sigmoid', 'tanh'\]; got 'softplus'",
        ),
        (W_OK, B_OK, ["relu"], ValueError, "one entry per layer; got 2 weights, 2 biases, 1 activations"),
        ([], [], [], ValueError, "at least one layer"),
        (np.ones((3, 2)), B_OK, ["relu", "relu"], TypeError, "weights must be a list"),
        (W_OK, B_OK, "relu", TypeError, "activations must be a list"),
        ([np.ones(3), np.ones((3, 1))], B_OK, ["relu", "relu"], ValueError, r"weights\[0\] must have 2 dimension"),
        (
            [np.full((3, 2), np.nan), np.ones((2, 1))],
            B_OK,
            ["relu", "relu"],
            ValueError,
            r"weights\[0\] must not contain NaN",
        ),
        (W_OK, [np.zeros((2, 1)), np.zeros(1)], ["relu", "relu"], ValueError, r"biases\[0\] must have 1 dimension"),
    ],
)
def test_network_bad_input(weights, biases, activations, error, match):
    with pytest.raises(error, match=match):
        Network(weights=weights, biases=biases, activations=activations)


@pytest.mark.parametrize(
    "sizes, activations, error, match",
    [
        ([3], "relu", ValueError, "at least 2 entries"),
        ([3, 0], "relu", ValueError, r"sizes\[1\] must be an integer >= 1"),
        ([3, 2.5], "relu", TypeError, r"sizes\[1\] must be an integer"),
        ("32", "relu", TypeError, "sizes must be a list"),
        ([3, 2, 1], ["relu"], ValueError, "one name per layer"),
        ([3, 2, 1], "swish", ValueError, "must be one of"),
    ],
)
def test_init_bad_input(sizes, activations, error, match):
    with pytest.raises(error, match=match):
        Network.init(sizes, activations, seed=0)


def test_forward_bad_input():
    network, X, _ = scratch.worked_example_network()
    with pytest.raises(ValueError, match=r"X must have 3 features \(columns\) for this network; got shape \(1, 2\)"):
        forward(network, [[1.0, 2.0]])
    with pytest.raises(ValueError, match="X must not contain NaN"):
        forward(network, [[1.0, np.nan, 0.0]])
    with pytest.raises(ValueError, match="X must not be empty"):
        forward(network, np.zeros((0, 3)))
    with pytest.raises(ValueError, match="X must have 1 or 2 dimension"):
        forward(network, np.zeros((1, 1, 3)))
    with pytest.raises(TypeError, match="network must be a dlbook.scratch.Network"):
        forward("net", X)


def test_backward_bad_input():
    network, X, y = scratch.worked_example_network("sigmoid")
    trace = forward(network, X)
    with pytest.raises(ValueError, match=r"y must have the shape of the network's output \(1, 1\); got \(1,\)"):
        backward(network, trace, np.array([1.0]))
    with pytest.raises(ValueError, match=r"loss must be one of \['bce', 'mse'\]; got 'mae'"):
        backward(network, trace, y, loss="mae")
    with pytest.raises(ValueError, match="y must contain only 0 and 1"):
        backward(network, trace, [[0.5]], loss="bce")
    with pytest.raises(ValueError, match="y must not contain NaN"):
        backward(network, trace, [[np.nan]])
    with pytest.raises(TypeError, match="trace must be the Trace returned by forward"):
        backward(network, {"output": 1}, y)
    other = Network.init([3, 2, 2, 1], "sigmoid", seed=0)
    with pytest.raises(ValueError, match="trace has 3 layers but network has 2"):
        backward(network, forward(other, X), y)
    linear = Network(weights=[[[2.0]]], biases=[[0.0]], activations=["identity"])
    with pytest.raises(ValueError, match=r"network output \(for loss='bce'\) must lie in \[0, 1\]"):
        backward(linear, forward(linear, [[1.0]]), [[1.0]], loss="bce")


@pytest.mark.parametrize(
    "lr, error, match",
    [
        (0.0, ValueError, "lr must be a finite number > 0; got 0.0"),
        (-0.1, ValueError, "lr must be a finite number > 0"),
        (float("nan"), ValueError, "lr must be a finite number > 0"),
        (float("inf"), ValueError, "lr must be a finite number > 0"),
        ("0.1", TypeError, "lr must be a number; got str"),
        (True, TypeError, "lr must be a number; got bool"),
    ],
)
def test_sgd_step_bad_lr(lr, error, match):
    network, X, y = scratch.worked_example_network()
    grads = backward(network, forward(network, X), y)
    with pytest.raises(error, match=match):
        sgd_step(network, grads, lr)


def test_sgd_step_bad_gradients():
    network, X, y = scratch.worked_example_network()
    grads = backward(network, forward(network, X), y)
    with pytest.raises(TypeError, match="gradients must be the Gradients"):
        sgd_step(network, (grads.dW, grads.db), 0.1)
    with pytest.raises(ValueError, match="one dW and db per layer"):
        sgd_step(network, Gradients(dW=grads.dW[:1], db=grads.db), 0.1)
    with pytest.raises(ValueError, match=r"gradients for layer 0 must have shapes \(3, 2\) and \(2,\)"):
        sgd_step(network, Gradients(dW=[grads.dW[0].T, grads.dW[1]], db=grads.db), 0.1)


def test_numerical_gradient_bad_input():
    with pytest.raises(TypeError, match="f must be a function"):
        numerical_gradient(3.0, [1.0])
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        numerical_gradient(lambda v: 0.0, [1.0], eps=0.0)
    with pytest.raises(ValueError, match="x must not contain NaN"):
        numerical_gradient(lambda v: 0.0, [np.nan])


def test_worked_example_bad_activation():
    with pytest.raises(ValueError, match=r"activation must be one of \['identity', 'relu', 'sigmoid', 'tanh'\]"):
        scratch.worked_example_network("gelu")
    with pytest.raises(ValueError, match="output_activation must be one of"):
        scratch.worked_example_network("relu", output_activation="softmax")


def test_losses_table_uses_dlbook_losses():
    assert scratch.LOSSES == {"mse": losses.mse, "bce": losses.binary_cross_entropy}


def test_docstrings_have_examples_that_run_in_a_fresh_shell(check_module_docs):
    from dlbook import scratch as module

    assert check_module_docs(module) > 0
