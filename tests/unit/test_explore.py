"""dlbook.explore: the data of the explorable figures equal direct dlbook calls."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlbook import activations, explore
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
    ],
)
def test_bad_input_gets_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()
