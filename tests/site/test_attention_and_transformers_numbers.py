"""The headline numbers of the chapter "Attention and transformers", read from the executed chapter.

The chapter's conclusions rest on these values: the NumPy attention agrees
with PyTorch, dividing by sqrt(d) keeps the softmax from saturating, the
tiny transformer solves the motif-order task while the 3-mer model and the
small CNN do not (and fall to chance where the sequence ends give nothing
away), and the parameter counts of the table. If a change to the data, the
models or ``dlbook`` breaks one of them, these tests say so. Values come from
``bookdata.glued("attention-and-transformers")`` (run ``make book`` first).
"""

from __future__ import annotations

import pytest

from bookdata import close, glued
from dlbook import attention, models

#: NumPy against PyTorch in float64 (today about 3e-16; nn.MultiheadAttention 2e-16).
MAX_TORCH_DIFFERENCE = 1e-12
#: Without scaling the largest of 16 weights at d = 256 averages about 0.92; with it about 0.25.
MIN_RAW_LARGEST_WEIGHT = 0.8
MAX_SCALED_LARGEST_WEIGHT = 0.35
#: Test accuracy of the transformer (today 0.994 on 500 sequences; one sequence is 0.2 points).
MIN_TRANSFORMER_ACCURACY = 0.95
#: ... and on the sequences whose motifs lie away from the ends (today 0.99 on 248).
MIN_TRANSFORMER_INNER_ACCURACY = 0.90
#: The baselines stay well below (today CNN 0.80, 3-mer model 0.59) ...
MAX_CNN_ACCURACY = 0.90
MAX_KMER_ACCURACY = 0.65
#: ... and near chance away from the ends (today CNN 0.53, 3-mer model 0.50, on 248 sequences):
#: within two standard errors of a coin toss (the page glues that band as at_chance_spread).
MAX_BASELINE_INNER_ACCURACY = 0.65
#: The gap the chapter's "the transformer beats the CNN" rests on.
MIN_GAP_TO_CNN = 0.10


@pytest.fixture(scope="module")
def values():
    return glued("attention-and-transformers")


def test_numpy_attention_agrees_with_pytorch(values):
    assert values["at_sdpa_diff"] < MAX_TORCH_DIFFERENCE
    assert values["at_mha_diff_inverted"] < MAX_TORCH_DIFFERENCE
    assert values["at_block_diff"] < MAX_TORCH_DIFFERENCE
    assert values["at_mha_diff_same"] > 1.0


def test_scaling_keeps_the_softmax_from_saturating(values):
    assert values["at_maxw_raw_256"] > MIN_RAW_LARGEST_WEIGHT
    assert values["at_maxw_scaled_256"] < MAX_SCALED_LARGEST_WEIGHT
    assert values["at_slope_ratio_256"] > 2.0
    assert abs(values["at_var_256"] / 256 - 1) < 0.1


def test_transformer_beats_both_baselines(values):
    assert values["at_tf_acc"] >= MIN_TRANSFORMER_ACCURACY
    assert values["at_tf_inner"] >= MIN_TRANSFORMER_INNER_ACCURACY
    assert values["at_cnn_acc"] <= MAX_CNN_ACCURACY
    assert values["at_kmer_acc"] <= MAX_KMER_ACCURACY
    assert values["at_tf_acc"] - values["at_cnn_acc"] >= MIN_GAP_TO_CNN


def test_baselines_are_near_chance_away_from_the_ends(values):
    assert values["at_cnn_inner"] <= MAX_BASELINE_INNER_ACCURACY
    assert values["at_kmer_inner"] <= MAX_BASELINE_INNER_ACCURACY
    assert values["at_n_inner"] >= 50
    for key in ("at_cnn_inner", "at_kmer_inner"):
        assert abs(values[key] - 0.5) < values["at_chance_spread"]
    close(values["at_chance_spread"], 2 * (0.25 / values["at_n_inner"]) ** 0.5)


def test_parameter_counts_in_the_table(values):
    assert values["at_tf_params"] == models.count_parameters(models.MotifTransformer(length=40))
    assert values["at_cnn_params"] == models.count_parameters(models.SequenceCNN(channels=16))
    assert values["at_kmer_params"] == 4**3 + 1
    assert values["at_cnn_rf"] == 9


def test_worked_look_up(values):
    weights = attention.softmax([2.0, 0.5, -2.0])
    close(values["at_lookup_w0"], weights[0])
    close(values["at_lookup_out"], weights @ [10.0, 20.0, 30.0])


def test_each_head_finds_one_motif(values):
    assert {values["at_head_a"], values["at_head_b"]} == {1, 2}
    assert values["at_share_a"] > 0.5  # today 0.88; uniform attention gives 0.125
    assert values["at_share_b"] > 0.25  # today 0.45
    assert values["at_share_b"] > values["at_share_b_on_a"]


def test_chapter_runs_within_budget(values):
    """Under 20 s on a quiet 2-core machine; 40 s leaves room for a busy one."""
    assert values["at_chapter_seconds"] < 40
