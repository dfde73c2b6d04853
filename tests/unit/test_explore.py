"""dlbook.explore: the data of the explorable figures equal direct dlbook calls."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlbook import activations, explore, scratch
from dlbook.convolution import conv1d
from dlbook.descent import gradient_descent

#: Rounding to 4 significant digits leaves at most this relative error.
RTOL = 5e-4


@pytest.fixture(scope="module")
def descent_data() -> dict:
    return explore.learning_rate()


@pytest.fixture(scope="module")
def neuron_data() -> dict:
    return explore.neuron()


def lookup(data: dict, name: str, w: float, b: float, x: float) -> float:
    """f(w x + b) from the neuron tables, the way the page reads them."""
    return data["tables"][name][round((w * x + b - data["z_min"]) / data["z_step"])]


@pytest.mark.parametrize("name", sorted(explore.FIGURES))
def test_every_figure_is_small_json(name):
    text = json.dumps(explore.figure_data(name), allow_nan=False)
    assert len(text.encode()) <= 200_000, f"{name}: {len(text)} bytes"


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.5, 0.95, 1.0, 1.05, 1.1])
def test_learning_rate_paths_are_gradient_descent(descent_data, lr):
    data = descent_data
    i = int(np.argmin(np.abs(np.array(data["lrs"]) - lr)))
    assert data["lrs"][i] == pytest.approx(lr)
    expected = gradient_descent(lambda x: 2 * x, data["x0"], lr, data["num_steps"])
    np.testing.assert_allclose(data["paths"][i], expected, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(data["final_loss"][i], expected[-1] ** 2, rtol=RTOL)


def test_learning_rate_steps_to_reach_match_the_long_walk(descent_data):
    data = descent_data
    for lr, steps in zip(data["lrs"], data["steps_to_reach"]):
        long_walk = np.abs(gradient_descent(lambda x: 2 * x, data["x0"], lr, 1000))
        if steps is None:
            assert np.all(long_walk >= data["tolerance"]), lr
        else:
            assert long_walk[steps] < data["tolerance"] <= long_walk[steps - 1], lr
    # On x**2 the walk arrives exactly when lr < 1.
    assert [s is not None for s in data["steps_to_reach"]] == [lr < 1 for lr in data["lrs"]]


@pytest.fixture(scope="module")
def bowl_data() -> dict:
    return explore.bowl()


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.18, 0.19, 0.2, 0.21, 0.25])
def test_bowl_paths_are_gradient_descent(bowl_data, lr):
    data = bowl_data
    i = int(np.argmin(np.abs(np.array(data["lrs"]) - lr)))
    assert data["lrs"][i] == pytest.approx(lr)
    curvature = np.array(data["curvature"])
    expected = gradient_descent(lambda w: curvature * w, data["w0"], lr, 40)
    np.testing.assert_allclose(data["paths"][i], expected, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(data["factors"][i], expected[1] / expected[0], rtol=RTOL, atol=1e-12)
    losses = 0.5 * (expected**2 * curvature).sum(axis=1)
    np.testing.assert_allclose(data["final_loss"][i], losses[-1], rtol=RTOL)
    arrived = np.flatnonzero(losses < data["tolerance"])
    assert data["steps_to_reach"][i] == (int(arrived[0]) if arrived.size else None)


def test_bowl_converges_exactly_below_two_over_the_steepest_curvature(bowl_data):
    data = bowl_data
    assert data["limit"] == 0.2 and data["w0"] == [-8.0, 2.0] and data["curvature"] == [1.0, 10.0]
    start = 0.5 * (8.0**2 + 10 * 2.0**2)
    for lr, path, loss in zip(data["lrs"], data["paths"], data["final_loss"]):
        across = abs(path[-1][1]) / abs(path[0][1])  # the steep direction
        assert (across < 1) == (lr < 0.2) and (across == 1) == (lr == 0.2), lr
        assert (loss > start) == (lr > 0.2), lr


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize(("w", "b"), [(1.0, 0.0), (2.0, -3.0), (-5.0, 5.0), (0.25, -0.75), (5.0, 4.5)])
def test_neuron_tables_give_the_activation(neuron_data, name, w, b):
    data = neuron_data
    xs = np.array(data["x"])
    looked_up = [lookup(data, name, w, b, x) for x in xs]
    np.testing.assert_allclose(looked_up, activations.ACTIVATIONS[name](w * xs + b), rtol=RTOL, atol=1e-12)


def test_neuron_lattice_is_exact_for_every_setting(neuron_data):
    data = neuron_data
    grid = np.arange(-data["limit"], data["limit"] + data["step"] / 2, data["step"])
    z = grid[:, None, None] * np.array(data["x"])[None, None, :] + grid[None, :, None]
    index = (z - data["z_min"]) / data["z_step"]
    assert np.array_equal(index, np.round(index))
    assert index.min() >= 0 and index.max() < len(data["tables"]["sigmoid"])


def test_convolution_outputs_are_conv1d():
    data = explore.convolution()
    assert len(data["kernels"]) == len(explore.KERNELS)
    for entry in data["kernels"]:
        weights = explore.KERNELS[entry["name"]]
        np.testing.assert_allclose(entry["output"], conv1d(explore.SIGNAL, weights), rtol=RTOL)
        assert len(entry["output"]) == len(explore.SIGNAL) - len(weights) + 1


def test_convolution_takes_other_kernels():
    data = explore.convolution([1.0, 2.0, 4.0], {"sum": [1.0, 1.0]})
    assert data["kernels"] == [{"name": "sum", "weights": [1.0, 1.0], "output": [3.0, 6.0]}]


def backprop_by_autograd(activation: str) -> dict[str, float]:
    """Every value and error of the worked network, by PyTorch autograd (float64) as the oracle."""
    torch = pytest.importorskip("torch")
    network, X, y = scratch.worked_example_network(activation)
    W1, W2 = (torch.tensor(W, requires_grad=True) for W in network.weights)
    b1, b2 = (torch.tensor(b, requires_grad=True) for b in network.biases)
    f = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[activation]
    z_h = torch.tensor(X) @ W1 + b1
    h = f(z_h)
    z_out = h @ W2 + b2
    y_hat = f(z_out)
    loss = ((y_hat - torch.tensor(y)) ** 2).mean()
    for tensor in (z_h, h, z_out, y_hat):
        tensor.retain_grad()
    loss.backward()
    slope = activations.DERIVATIVES[activation]
    out = {"L": loss.item(), "dy_hat": y_hat.grad.item(), "dz_out": z_out.grad.item(), "db2": b2.grad.item()}
    out.update({"z_out": z_out.item(), "y_hat": y_hat.item(), f"{activation}'(z_out)": slope(z_out.detach()).item()})
    for j in (1, 2):
        out.update({f"z_h{j}": z_h[0, j - 1].item(), f"h{j}": h[0, j - 1].item(), f"dh{j}": h.grad[0, j - 1].item()})
        out.update({f"dz_h{j}": z_h.grad[0, j - 1].item(), f"db1_{j}": b1.grad[j - 1].item()})
        out.update(
            {f"dW2_{j}": W2.grad[j - 1, 0].item(), f"{activation}'(z_h{j})": slope(z_h.detach()[0, j - 1]).item()}
        )
        out.update({f"dW1_{i}{j}": W1.grad[i - 1, j - 1].item() for i in (1, 2, 3)})
    return out


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_backpropagation_steps_equal_autograd(activation):
    data = explore.backpropagation(activation)
    shown = {name: value for step in data["steps"] for name, value in step["values"]}
    expected = backprop_by_autograd(activation)
    assert shown.keys() == expected.keys()
    for name, value in shown.items():
        np.testing.assert_allclose(value, expected[name], rtol=RTOL, atol=1e-12, err_msg=name)


def test_backpropagation_steps_equal_scratch_and_run_forward_then_backward():
    data = explore.backpropagation()
    network, X, y = scratch.worked_example_network("relu")
    trace = scratch.forward(network, X)
    gradients = scratch.backward(network, trace, y, loss="mse")
    shown = {name: value for step in data["steps"] for name, value in step["values"]}
    assert shown["y_hat"] == explore.rounded(trace.output[0, 0])
    assert shown["L"] == explore.rounded(scratch.loss_value(network, X, y, "mse"))
    assert [[shown[f"dW1_{i}{j}"] for j in (1, 2)] for i in (1, 2, 3)] == explore.rounded(gradients.dW[0])
    assert [shown["db1_1"], shown["db1_2"], shown["dW2_1"], shown["dW2_2"], shown["db2"]] == explore.rounded(
        [*gradients.db[0], *gradients.dW[1][:, 0], *gradients.db[1]]
    )
    phases = [step["phase"] for step in data["steps"]]
    assert phases == sorted(phases, key=["forward", "backward"].index) and phases.count("forward") == 4
    assert data["x"] == [1.0, 0.0, 1.0] and data["weights"][1] == [-0.3, -0.2]
    nodes = {"x1", "x2", "x3", "h1", "h2", "out", "loss"}
    for step in data["steps"]:
        names = {name for name, _ in step["values"]}
        assert set(step["labels"]) <= nodes and set(step["labels"].values()) <= names, step
        assert all(set(edge.split("-")) <= nodes for edge in step["edges"]), step


@pytest.fixture(scope="module")
def xor_data() -> dict:
    return explore.training()


@pytest.fixture(scope="module")
def sine_data() -> dict:
    return explore.overfitting()


def xor_model(num_epochs: int):
    """The chapter's XOR network after ``num_epochs`` epochs of one call of fit: (model, history or None)."""
    torch = pytest.importorskip("torch")
    from dlbook import data, models, training

    X, y = (torch.tensor(a) for a in data.logic_gate("xor"))
    model = models.MLP([2, 4, 1], activation="tanh", seed=0)
    if num_epochs == 0:
        return model, None
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    return model, training.fit(model, torch.nn.BCEWithLogitsLoss(), optimizer, [(X, y)], num_epochs=num_epochs)


@pytest.mark.parametrize("frame", [0, 4, 30])
def test_training_frames_are_one_run_of_fit(xor_data, frame):
    torch = pytest.importorskip("torch")
    from dlbook import data, training

    epochs = xor_data["epochs"][frame]
    assert epochs == 10 * frame
    model, history = xor_model(epochs)
    if history is not None:
        np.testing.assert_allclose(xor_data["train_loss"][:epochs], history.train_loss, rtol=RTOL, atol=1e-12)
    grid = np.linspace(-0.5, 1.5, 32)
    assert xor_data["grid"] == explore.rounded(grid)
    points = np.stack(np.meshgrid(grid, grid), axis=-1).reshape(-1, 2).astype(np.float32)
    p_grid = torch.sigmoid(torch.as_tensor(training.predict(model, points))).numpy().reshape(len(grid), -1)
    shot = xor_data["frames"][frame]
    assert np.abs(np.array(shot["p_grid"]) - 100 * p_grid).max() <= 0.5 + 1e-3
    X, y = data.logic_gate("xor")
    p_points = torch.sigmoid(torch.as_tensor(training.predict(model, X))).numpy()[:, 0]
    np.testing.assert_allclose(shot["p_points"], p_points, rtol=RTOL, atol=1e-12)
    loss = torch.nn.functional.binary_cross_entropy(
        torch.as_tensor(p_points, dtype=torch.float64), torch.tensor(y[:, 0], dtype=torch.float64)
    )
    np.testing.assert_allclose(shot["loss"], loss.item(), rtol=1e-3)


def test_training_learns_xor(xor_data):
    assert len(xor_data["frames"]) == 31 and len(xor_data["train_loss"]) == 300
    assert xor_data["X"] == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] and xor_data["y"] == [0.0, 1.0, 1.0, 0.0]
    last = xor_data["frames"][-1]
    assert [p > 0.5 for p in last["p_points"]] == [False, True, True, False] and last["loss"] < 0.01
    assert all(0 <= p <= 100 for row in last["p_grid"] for p in row)


def test_overfitting_replays_one_run_of_fit(sine_data):
    """The chapter's split and network, trained by one call of fit for 500 epochs, gives the same run."""
    torch = pytest.importorskip("torch")
    from sklearn.model_selection import train_test_split

    from dlbook import data, models, training

    X, y = data.noisy_sine(n=220, seed=0, noise=0.3)
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=20, random_state=0)
    X_val, _, y_val, _ = train_test_split(X_rest, y_rest, test_size=100, random_state=0)
    assert sine_data["train"] == {"x": explore.rounded(X_train[:, 0]), "y": explore.rounded(y_train[:, 0])}
    assert sine_data["val"] == {"x": explore.rounded(X_val[:, 0]), "y": explore.rounded(y_val[:, 0])}
    X_train_std, X_val_std, mean, scale = data.standardize(X_train, X_val)
    model = models.MLP([1, 128, 128, 1], seed=0)
    history = training.fit(
        model,
        torch.nn.MSELoss(),
        torch.optim.Adam(model.parameters(), lr=5e-3),
        training.to_loader(X_train_std, y_train, batch_size=20, shuffle=True, seed=0),
        num_epochs=500,
        val_loader=training.to_loader(X_val_std, y_val, batch_size=100),
    )
    assert sine_data["epochs"] == list(range(0, 501, 20)) and len(sine_data["val_loss"]) == 500
    # Exactly equal: the snapshots between the chunks of epochs leave the run as it would be in one call.
    assert sine_data["train_loss"] == explore.rounded(history.train_loss)
    assert sine_data["val_loss"] == explore.rounded(history.val_loss)
    assert [frame["val"] for frame in sine_data["frames"][1:]] == sine_data["val_loss"][19::20]
    grid = np.linspace(0, 2 * np.pi, 100, dtype=np.float32).reshape(-1, 1)
    grid_x = grid[:, 0]
    assert sine_data["grid"] == explore.rounded(grid_x)
    grid = (grid - mean) / scale
    np.testing.assert_allclose(
        sine_data["frames"][-1]["curve"], training.predict(model, grid)[:, 0], rtol=RTOL, atol=1e-6
    )
    np.testing.assert_allclose(sine_data["sine"], np.sin(grid_x), rtol=RTOL, atol=1e-12)


def test_overfitting_shows_overfitting(sine_data):
    val = [frame["val"] for frame in sine_data["frames"]]
    train = [frame["train"] for frame in sine_data["frames"]]
    best = int(np.argmin(val))
    assert 0 < best < len(val) - 1 and val[-1] > 1.3 * val[best]
    assert train[-1] < train[best] / 2
    assert len(sine_data["train"]["x"]) == 20 and len(sine_data["val"]["x"]) == 100


def test_rounded_keeps_four_significant_digits():
    assert explore.rounded([123456.0, -0.000123456, 1.0]) == [123500.0, -0.0001235, 1.0]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: explore.figure_data("descent"), ValueError, "name must be one of"),
        (lambda: explore.figure_data(3), TypeError, "name must be a name"),
        (lambda: explore.learning_rate(x0=0.0), ValueError, "x0 must not be 0"),
        (lambda: explore.learning_rate(x0="20"), TypeError, "x0 must be numbers"),
        (lambda: explore.learning_rate(num_steps=0), ValueError, "num_steps must be an integer >= 1"),
        (lambda: explore.learning_rate(lr_step=-0.1), ValueError, "lr_step must be"),
        (lambda: explore.learning_rate(lr_max=0.001), ValueError, "lr_max must be >= lr_step"),
        (lambda: explore.learning_rate(lr_step=0.001, lr_max=2.0), ValueError, "at most 400"),
        (lambda: explore.neuron(step=0.3), ValueError, "step must be a power of 2"),
        (lambda: explore.neuron(limit=40.0), ValueError, "at most 5000"),
        (lambda: explore.convolution([1.0, 2.0], {"long": [1.0, 1.0, 1.0]}), ValueError, "not be longer"),
        (lambda: explore.convolution(np.zeros(41)), ValueError, "at most 40"),
        (lambda: explore.convolution(kernels=[1.0, 2.0]), TypeError, "kernels must be a non-empty mapping"),
        (lambda: explore.rounded([1.0, np.inf]), ValueError, "must be finite"),
        (lambda: explore.backpropagation("swish"), ValueError, "activation must be one of"),
        (lambda: explore.bowl(w0=[1.0, 2.0, 3.0]), ValueError, "must each hold 2 values"),
        (lambda: explore.bowl(curvature=[1.0, 0.0]), ValueError, "curvature must be > 0"),
        (lambda: explore.bowl(lr_step=0.001, lr_max=0.5), ValueError, "at most 100"),
        (lambda: explore.bowl(lr_max=0.001), ValueError, "lr_max must be >= lr_step"),
        (lambda: explore.bowl(lr0=0.185), ValueError, "lr0 must be one of the learning rates"),
        (lambda: explore.training(grid_size=1), ValueError, "grid_size must be between 2 and 60"),
        (lambda: explore.training(num_frames=0), ValueError, "num_frames must be an integer >= 1"),
        (lambda: explore.training(num_frames=61), ValueError, "num_frames must be at most 60"),
        (lambda: explore.overfitting(epochs_per_frame=2.5), TypeError, "epochs_per_frame must be an integer"),
        (lambda: explore.overfitting(grid_size=401), ValueError, "grid_size must be between 2 and 400"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()
