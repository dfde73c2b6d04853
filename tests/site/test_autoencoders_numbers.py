"""Headline numbers of "Representation learning: autoencoders and embeddings", read from the build.

book/autoencoders.md glues its results (see tests/bookdata.py). The prose
draws conclusions from them ("the autoencoder rebuilds the digits better
than PCA", "a linear autoencoder learns PCA's subspace", "the reconstruction
error flags contaminated spectra"); these tests hold them to the thresholds
below, so a change to the data, the models or ``dlbook`` that makes a
conclusion false fails here, not silently on the page.
"""

from __future__ import annotations

import pytest

from bookdata import glued
from dlbook import models

#: From-scratch code against the libraries: rounding error only.
MAX_LIBRARY_DIFFERENCE = 1e-10
#: The 2-number autoencoder rebuilds the test digits with at least this much less error than PCA.
MIN_ERROR_GAIN_OVER_PCA = 0.10
#: k-NN test accuracy in the 2-D codes (today about 0.70 and 0.62), and the least margin between them.
MIN_KNN_AUTOENCODER = 0.65
MIN_KNN_MARGIN = 0.05
#: The linear autoencoder: test error within this fraction of PCA's, and the
#: largest principal angle (degrees) to the span of three PCA components.
MAX_LINEAR_ERROR_GAP = 0.01
MAX_ANGLE_TO_THREE_COMPONENTS = 3.0
#: Denoising: the denoising autoencoder's error to the clean digits, relative to the noise's.
MAX_DENOISED_SHARE = 0.5
#: Anomaly detection: ROC AUC of the autoencoder (today 1.0) and its lead over PCA.
MIN_AUC_AUTOENCODER = 0.95
MIN_AUC_LEAD_OVER_PCA = 0.05
#: Embeddings: R^2 of the hidden compound properties from the learned 2-number vectors
#: (``ae_r2`` is the smaller of the two, potency's and efficacy's).
MIN_EMBEDDING_R2 = 0.9


@pytest.fixture(scope="module")
def values():
    return glued("autoencoders")


def test_from_scratch_code_agrees_with_the_libraries(values):
    assert values["ae_pca_diff"] < MAX_LIBRARY_DIFFERENCE
    assert values["ae_angles_diff"] < MAX_LIBRARY_DIFFERENCE
    assert values["ae_emb_forward_diff"] < MAX_LIBRARY_DIFFERENCE
    assert values["ae_emb_backward_diff"] < MAX_LIBRARY_DIFFERENCE


def test_autoencoder_beats_pca_at_the_same_code_size(values):
    assert values["ae_error_ae"] < (1 - MIN_ERROR_GAIN_OVER_PCA) * values["ae_error_pca"]
    assert values["ae_knn_ae"] >= MIN_KNN_AUTOENCODER
    assert values["ae_knn_ae"] >= values["ae_knn_pca"] + MIN_KNN_MARGIN
    assert values["ae_n_params"] == models.count_parameters(models.Autoencoder([64, 32, 2]))


def test_linear_autoencoder_learns_pcas_subspace(values):
    assert values["ae_error_linear_gap"] < MAX_LINEAR_ERROR_GAP
    assert values["ae_angle3_max"] < MAX_ANGLE_TO_THREE_COMPONENTS


def test_denoising_autoencoder_removes_most_of_the_noise(values):
    assert values["ae_noisy_denoiser"] < MAX_DENOISED_SHARE * values["ae_noisy_input"]
    assert values["ae_noisy_denoiser"] < min(values["ae_noisy_pca"], values["ae_noisy_plain"])


def test_reconstruction_error_flags_contaminated_spectra(values):
    assert values["ae_auc_ae"] >= MIN_AUC_AUTOENCODER
    assert values["ae_auc_ae"] >= values["ae_auc_pca"] + MIN_AUC_LEAD_OVER_PCA


def test_embedding_recovers_the_hidden_properties_with_fewer_parameters(values):
    assert values["ae_r2"] >= MIN_EMBEDDING_R2
    assert values["ae_n_embed"] == models.count_parameters(models.EmbeddingMLP(30, 2, [3, 16, 1]))
    assert values["ae_n_onehot"] == models.count_parameters(models.MLP([31, 16, 1]))
