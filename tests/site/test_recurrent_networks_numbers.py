"""Headline numbers of "Sequences and recurrent networks", read from the build.

book/recurrent-networks.md glues its results (see tests/bookdata.py). The
prose draws conclusions from them ("the NumPy layer is the same computation
as nn.RNN", "the gradient vanishes at scale 0.5 and explodes at scale 3",
"both networks beat repeating the last value", "this run's GRU beats the
MLP", "every forecast drifts"); these tests hold them to the thresholds
below, so a change to the data, the models or ``dlbook`` that makes a
conclusion false fails here, not silently on the page.
"""

from __future__ import annotations

import pytest

from bookdata import glued
from dlbook import models

#: From-scratch code against PyTorch in float64: rounding error only.
MAX_TORCH_DIFFERENCE = 1e-12
#: ||dL/dh0|| after 60 steps relative to after 1 step: below this at scale 0.5 ...
MAX_VANISHED_RATIO = 1e-20
#: ... and above this at scale 3.
MIN_EXPLODED_RATIO = 1e3
#: The GRU with its update gate pushed to "keep" passes at least this much gradient
#: over 50 steps; the plain RNN at most MAX_PLAIN_RNN_GRADIENT.
MIN_GATED_GRADIENT = 0.1
MAX_PLAIN_RNN_GRADIENT = 1e-8
#: One-step held-out RMSE (population units; today naive 2.6, MLP 0.55, GRU 0.37, physics 0.24).
MIN_GAIN_OVER_NAIVE = 4.0
MAX_GRU_RMSE = 0.5
MAX_MLP_RMSE = 0.7
#: The GRU's one-step error is at least this fraction below the MLP's (the chapter says "more than 10 %").
MIN_GRU_GAIN_OVER_MLP = 0.10
#: Autoregressive forecasts: after 100 steps every error has grown at least this much ...
MIN_DRIFT_FACTOR = 3.0
#: ... yet stays below this fraction of the series' spread.
MAX_SHARE_OF_SPREAD = 1 / 1.5


@pytest.fixture(scope="module")
def values():
    return glued("recurrent-networks")


def test_from_scratch_layer_agrees_with_pytorch(values):
    assert values["rn_forward_gap"] < MAX_TORCH_DIFFERENCE
    assert values["rn_backward_gap"] < MAX_TORCH_DIFFERENCE


def test_gradients_vanish_and_explode_through_time(values):
    assert values["rn_norm_05_60"] < MAX_VANISHED_RATIO * values["rn_norm_05_1"]
    assert values["rn_norm_10_60"] < values["rn_norm_10_1"]
    assert values["rn_norm_30_60"] > MIN_EXPLODED_RATIO * values["rn_norm_30_1"]


def test_an_open_update_gate_keeps_the_gradient(values):
    assert values["rn_gate_gru4_50"] > MIN_GATED_GRADIENT
    assert values["rn_gate_rnn_50"] < MAX_PLAIN_RNN_GRADIENT
    assert values["rn_gate_gru0_50"] < values["rn_gate_gru4_50"]


def test_parameter_counts(values):
    assert values["rn_params_gru"] == models.count_parameters(models.SequenceRegressor(2, 16, 2, cell="gru"))
    assert values["rn_params_gru"] == 3 * 16 * (2 + 16 + 2) + 16 * 2 + 2
    assert values["rn_params_mlp"] == (24 * 32 + 32) + (32 * 2 + 2)
    assert values["rn_params_rnn"] == 16 * (2 + 16 + 2) + 16 * 2 + 2
    assert values["rn_params_mlp_48"] > 3 * values["rn_params_mlp_12"]


def test_one_step_forecasts(values):
    naive, mlp, gru, physics = (values[f"rn_rmse_{name}"] for name in ("naive", "mlp", "gru", "physics"))
    assert max(mlp, gru) * MIN_GAIN_OVER_NAIVE < naive
    assert gru < MAX_GRU_RMSE and mlp < MAX_MLP_RMSE
    assert gru < (1 - MIN_GRU_GAIN_OVER_MLP) * mlp
    assert physics < min(mlp, gru)


def test_autoregressive_forecasts_drift_but_stay_inside_the_spread(values):
    for name in ("physics", "mlp", "gru"):
        first, last = values[f"rn_roll_{name}_1"], values[f"rn_roll_{name}_100"]
        assert last > MIN_DRIFT_FACTOR * first, name
        assert last < MAX_SHARE_OF_SPREAD * values["rn_spread"], name
    assert values["rn_roll_gru_100"] < values["rn_roll_physics_100"] < values["rn_roll_mlp_100"]
