"""Worked numbers of "Generalization" and the two appendices, read from the build.

The chapters glue these values (see tests/bookdata.py); each test recomputes
one of them independently, by hand arithmetic or with the tested library, so a
drift between the prose and what the code computes fails here.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from sklearn.model_selection import train_test_split

from bookdata import close, glued
from dlbook import data, models


class TestGeneralization:
    values = property(lambda self: glued("generalization"))

    def test_noise_floor_is_the_true_curves_error_on_each_split(self):
        X, y = data.noisy_sine(n=220, seed=0, noise=0.3)
        X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=20, random_state=0)
        X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, test_size=100, random_state=0)
        for key, (X_part, y_part) in {
            "ge_floor_train": (X_train, y_train),
            "ge_floor_val": (X_val, y_val),
            "ge_floor_test": (X_test, y_test),
        }.items():
            close(self.values[key], np.mean((np.sin(X_part) - y_part) ** 2), tol=1e-6)

    def test_sine_network_parameter_count(self):
        by_hand = (1 * 128 + 128) + (128 * 128 + 128) + (128 * 1 + 1)
        assert self.values["ge_n_params_sine"] == by_hand == models.count_parameters(models.MLP([1, 128, 128, 1]))

    def test_multiply_adds(self):
        assert self.values["ge_macs_small"] == 4 * 10 + 10 * 10 + 10 * 3 == 170
        assert self.values["ge_macs_large"] == 784 * 1024 + 1024 * 1024 + 1024 * 10
        close(self.values["ge_macs_ratio"], self.values["ge_macs_large"] / self.values["ge_macs_small"])

    def test_dropout_share_is_near_p(self):
        assert abs(self.values["ge_share_zero"] - 0.5) < 0.02
        assert 0 <= self.values["ge_mask_zeros"] <= 10

    def test_early_stopping_restores_the_plain_runs_best_epoch(self):
        assert self.values["ge_es_best"] == self.values["ge_plain_best_epoch"] < self.values["ge_es_stopped"] < 500


class TestKerasToPytorch:
    values = property(lambda self: glued("keras-to-pytorch"))

    def test_parameter_counts_of_the_ported_models(self):
        assert self.values["kp_seq_params"] == (4 * 10 + 10) + (10 * 10 + 10) + (10 * 3 + 3)
        assert self.values["kp_two_input_params"] == (20 * 16 + 16) + (5 * 4 + 4) + (20 + 1)
        assert self.values["kp_clinical_params"] == (29 * 16 + 16) + (16 + 1)
        assert self.values["kp_skip_params"] == (3 * 32 + 32) + (32 + 1) + (3 + 1)

    def test_floor_of_the_double_softmax_loss(self):
        close(self.values["kp_wrong_floor"], -math.log(math.e / (math.e + 2)))
        p = torch.softmax(torch.tensor([1.0, 0.0, 0.0]), dim=0)
        close(self.values["kp_wrong_floor"], -math.log(p[0].item()), tol=1e-6)
        assert self.values["kp_wrong_loss"] >= self.values["kp_wrong_floor"]

    def test_one_flower_is_one_over_the_test_set(self):
        close(self.values["kp_one_flower"], 1 / self.values["kp_n_test"])


class TestSettingUp:
    values = property(lambda self: glued("setting-up"))

    def test_versions_are_the_installed_ones(self):
        assert self.values["su_torch"] == torch.__version__
        assert self.values["su_torch_release"] == torch.__version__.split("+")[0]
