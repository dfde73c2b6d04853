"""The PyTorch models, generated data and figures of book/autoencoders.md."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

from dlbook import data, models, plots, training
from dlbook import representation as rep

# -- models ------------------------------------------------------------------


def test_autoencoder_mirrors_the_encoder_and_counts_parameters():
    model = models.Autoencoder([64, 32, 2], seed=0)
    assert model.encoder.sizes == [64, 32, 2] and model.decoder.sizes == [2, 32, 64]
    by_hand = (64 * 32 + 32 + 32 * 2 + 2) + (2 * 32 + 32 + 32 * 64 + 64)
    assert models.count_parameters(model) == by_hand == 4354
    X = torch.rand(5, 64)
    assert torch.equal(model(X), model.decoder(model.encode(X)))


def test_autoencoder_seed_fixes_the_weights():
    a, b = models.Autoencoder([8, 3], seed=4), models.Autoencoder([8, 3], seed=4)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)


def test_linear_autoencoder_reaches_pca_error_with_fit():
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(200, 2)) @ rng.normal(size=(2, 6)) * 2 + rng.normal(0, 0.3, (200, 6))).astype(np.float32)
    training.seed_everything(0)
    model = models.Autoencoder([6, 2], activation="identity", seed=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    training.fit(model, nn.MSELoss(), optimizer, training.to_loader(X, X, 50, shuffle=True), 100)
    error = rep.reconstruction_error(X, training.predict(model, X)).mean()
    mean = X.astype(np.float64).mean(axis=0)
    _, components, _ = rep.pca(X, 2)
    error_pca = rep.reconstruction_error(X, rep.pca_reconstruct(X, components, mean)).mean()
    assert error_pca <= error < 1.1 * error_pca
    W2 = model.decoder.layers[0].weight.detach().double().numpy()
    assert np.degrees(rep.principal_angles(W2, components.T)).max() < 5


def test_embedding_mlp_is_a_lookup_and_an_mlp():
    model = models.EmbeddingMLP(5, 2, [3, 4, 1], seed=0)
    indices = np.array([3, 0, 3])
    dose = np.array([0.5, -1.0, 2.0])
    X = torch.tensor(np.column_stack([rep.one_hot(indices, 5), dose]), dtype=torch.float32)
    table = model.embedding.weight.detach().T  # (5, 2)
    by_hand = model.mlp(torch.cat([table[torch.tensor(indices)], torch.tensor(dose, dtype=torch.float32)[:, None]], 1))
    torch.testing.assert_close(model(X), by_hand)
    assert models.count_parameters(model) == 5 * 2 + (3 * 4 + 4) + (4 * 1 + 1)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: models.EmbeddingMLP(5, 3, [2, 1]), ValueError, "sizes\\[0\\] must be >= embedding_dim"),
        (lambda: models.EmbeddingMLP(5, 2, [3, 1])(torch.zeros(2, 5)), ValueError, "X must have shape"),
        (lambda: models.Autoencoder([64]), ValueError, "at least 2 entries"),
        (lambda: models.Autoencoder([64, 2], activation="swish"), ValueError, "activation must be one of"),
    ],
)
def test_models_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- generated data ----------------------------------------------------------


def test_spectra_shape_share_and_determinism():
    X, y = data.spectra_with_anomalies(400, n_channels=32, anomaly_fraction=0.1, seed=3)
    assert X.shape == (400, 32) and X.dtype == np.float32 and y.dtype == np.int64
    assert int(y.sum()) == 40
    X2, y2 = data.spectra_with_anomalies(400, n_channels=32, anomaly_fraction=0.1, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


def test_spectra_anomalies_are_learnable_from_normal_structure():
    # The normal spectra lie near a low-dimensional family, so a PCA fitted on
    # training spectra rebuilds normal test spectra better than contaminated ones.
    X, y = data.spectra_with_anomalies(800, seed=0)
    mean = X[:500].astype(np.float64).mean(axis=0)
    _, components, _ = rep.pca(X[:500], 6)
    score = rep.reconstruction_error(X[500:], rep.pca_reconstruct(X[500:], components, mean))
    test_y = y[500:]
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(test_y, score) > 0.9


def test_dose_response_follows_the_hidden_rule():
    compound, log_dose, response, properties = data.dose_response(2000, n_compounds=8, seed=1)
    assert compound.shape == (2000,) and response.shape == (2000, 1) and properties.shape == (8, 2)
    assert compound.min() >= 0 and compound.max() < 8
    potency, efficacy = properties[compound, 0], properties[compound, 1]
    expected = efficacy / (1 + np.exp(-3 * (log_dose - potency)))
    residual = response.ravel() - expected
    assert abs(residual.std() - 0.03) < 0.005 and abs(residual.mean()) < 0.005


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: data.spectra_with_anomalies(10, anomaly_fraction=1.0), ValueError, "anomaly_fraction"),
        (lambda: data.spectra_with_anomalies(10, n_channels=4), ValueError, "n_channels must be an integer >= 8"),
        (lambda: data.dose_response(10, n_compounds=1), ValueError, "n_compounds must be an integer >= 2"),
        (lambda: data.dose_response(10, seed=1.5), TypeError, "seed must be an integer"),
    ],
)
def test_generators_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- figures -----------------------------------------------------------------


def test_plot_codes_2d_draws_one_panel_per_method_and_labels_classes():
    codes = np.random.default_rng(0).normal(size=(30, 2))
    labels = np.repeat([0, 1, 2], 10)
    fig = plots.plot_codes_2d({"A": codes, "B": codes * 2}, labels, title="t")
    assert [ax.get_title() for ax in fig.axes] == ["A", "B"]
    assert sorted(text.get_text() for text in fig.axes[0].texts) == ["0", "1", "2"]
    plt.close(fig)
    with pytest.raises(ValueError, match="must have shape"):
        plots.plot_codes_2d({"A": codes[:5]}, labels)


def test_plot_reconstructed_spectra_checks_shapes():
    fig = plots.plot_reconstructed_spectra(np.arange(4), np.ones((2, 4)), np.zeros((2, 4)), ["a", "b"])
    assert len(fig.axes) == 2 and fig.axes[1].get_title() == "b"
    plt.close(fig)
    with pytest.raises(ValueError, match="titles must have one entry"):
        plots.plot_reconstructed_spectra(np.arange(4), np.ones((2, 4)), np.zeros((2, 4)), ["a"])
