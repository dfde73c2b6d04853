"""What the chapter "Sequences and recurrent networks" adds to data, models and plots.

``data.predator_prey`` (the Lotka-Volterra series), ``models.SequenceRegressor``
(a recurrent layer with a linear read-out) and ``plots.plot_series``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from dlbook import data, models, plots, training


def lotka_volterra_invariant(populations):
    """The quantity the noise-free Lotka-Volterra equations of the generator conserve."""
    prey, predators = populations[..., 0].astype(float), populations[..., 1].astype(float)
    return 0.075 * prey - 1.5 * np.log(prey) + 0.1 * predators - 1.0 * np.log(predators)


def test_predator_prey_shapes_times_and_determinism():
    t, populations = data.predator_prey(n_steps=50, dt=0.25, seed=3)
    assert t.shape == (50,) and populations.shape == (50, 2)
    assert t.dtype == np.float32 and populations.dtype == np.float32
    np.testing.assert_allclose(np.diff(t), 0.25, rtol=1e-6)
    np.testing.assert_array_equal(populations[0], [10.0, 5.0])
    assert (populations > 0).all()
    np.testing.assert_array_equal(populations, data.predator_prey(n_steps=50, dt=0.25, seed=3)[1])
    assert not np.array_equal(populations, data.predator_prey(n_steps=50, dt=0.25, seed=4)[1])


def test_without_noise_the_cycle_is_a_conserved_orbit():
    """Learnable: noise-free, the series stays on one closed orbit of the equations."""
    _, populations = data.predator_prey(n_steps=300, dt=0.2, noise=0.0)
    invariant = lotka_volterra_invariant(populations)
    assert np.ptp(invariant) < 1e-5 * abs(invariant.mean())
    # and it oscillates: the prey crosses its equilibrium (20) many times
    assert np.sum(np.diff(np.sign(populations[:, 0] - 20.0)) != 0) >= 8


def test_noise_moves_the_series_off_the_orbit_but_keeps_it_predictable_one_step_ahead():
    _, noisy = data.predator_prey(n_steps=400, dt=0.2, noise=0.03, seed=0)
    assert np.ptp(lotka_volterra_invariant(noisy)) > 1e-3
    # The noise-free step from each sample predicts the next sample far better than
    # repeating the sample does.
    _, step = data.predator_prey(n_steps=2, dt=0.2, noise=0.0, start=noisy[:-1])
    physics_error = np.abs(step[1] - noisy[1:]).mean()
    naive_error = np.abs(noisy[:-1] - noisy[1:]).mean()
    assert physics_error < naive_error / 5


def test_several_starts_run_side_by_side():
    starts = np.array([[10.0, 5.0], [30.0, 8.0]])
    _, both = data.predator_prey(n_steps=20, noise=0.0, start=starts)
    assert both.shape == (20, 2, 2)
    _, second = data.predator_prey(n_steps=20, noise=0.0, start=starts[1])
    np.testing.assert_allclose(both[:, 1], second, rtol=1e-6)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(n_steps=0), ValueError, "n_steps must be an integer >= 1"),
        (dict(dt=0.0), ValueError, "dt must be a finite number > 0"),
        (dict(noise=-0.1), ValueError, "noise must be a finite number >= 0"),
        (dict(seed=1.5), TypeError, "seed must be an integer"),
        (dict(start=(10.0, -1.0)), ValueError, "start must hold pairs of populations > 0"),
        (dict(start=(1.0, 2.0, 3.0)), ValueError, "start must hold pairs"),
    ],
)
def test_predator_prey_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.predator_prey(**kwargs)


@pytest.mark.parametrize("cell, layer", [("rnn", nn.RNN), ("gru", nn.GRU), ("lstm", nn.LSTM)])
def test_sequence_regressor_reads_the_last_state(cell, layer):
    model = models.SequenceRegressor(3, 5, 2, cell=cell, seed=0)
    assert isinstance(model.recurrent, layer)
    X = torch.randn(4, 7, 3)
    states, _ = model.recurrent(X)
    torch.testing.assert_close(model(X), model.readout(states[:, -1]))
    factor = {"rnn": 1, "gru": 3, "lstm": 4}[cell]
    assert models.count_parameters(model) == factor * 5 * (3 + 5 + 2) + 5 * 2 + 2


def test_sequence_regressor_seed_fixes_weights_and_leaves_global_state():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = models.SequenceRegressor(2, 4, 1, seed=7)
    after = torch.rand(1)
    b = models.SequenceRegressor(2, 4, 1, seed=7)
    assert torch.equal(before, after)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)


def test_sequence_regressor_trains_with_fit_and_to_loader():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 6, 1)).astype(np.float32)
    y = X[:, 0, :] * 1.0  # remember the first value
    training.seed_everything(0)
    model = models.SequenceRegressor(1, 8, 1, cell="gru", seed=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    history = training.fit(model, nn.MSELoss(), optimizer, training.to_loader(X, y, 16, shuffle=True), num_epochs=40)
    assert history.train_loss[-1] < 0.3 * history.train_loss[0]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(cell="transformer"), ValueError, "cell must be one of"),
        (dict(hidden_size=0), ValueError, r"sizes\[1\] must be an integer >= 1"),
        (dict(seed="0"), TypeError, "seed must be an integer or None"),
    ],
)
def test_sequence_regressor_bad_arguments(kwargs, error, match):
    args = dict(n_inputs=2, hidden_size=4, n_outputs=1) | kwargs
    with pytest.raises(error, match=match):
        models.SequenceRegressor(**args)


def test_sequence_regressor_checks_the_input_shape():
    model = models.SequenceRegressor(2, 4, 1)
    with pytest.raises(ValueError, match=r"X must have shape \(n_windows, T, 2\)"):
        model(torch.zeros(5, 2))


def test_plot_series_draws_one_line_per_curve():
    x = np.arange(1, 6)
    fig = plots.plot_series(x, {"a": x**2, "b": 1.0 / x}, xlabel="T", ylabel="norm", logy=True)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "T"
    assert ax.lines[0].get_linestyle() != ax.lines[1].get_linestyle()
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), 1.0 / x)


@pytest.mark.parametrize(
    "curves, kwargs, error, match",
    [
        ({"a": [1.0, 2.0]}, {}, ValueError, r"curves\['a'\] must have one value per x \(3\)"),
        ({}, {}, TypeError, "curves must be a non-empty dict"),
        ({"a": [1.0, 0.0, 2.0]}, dict(logy=True), ValueError, "curves must be > 0"),
    ],
)
def test_plot_series_bad_arguments(curves, kwargs, error, match):
    with pytest.raises(error, match=match):
        plots.plot_series([0.0, 1.0, 2.0], curves, **kwargs)
