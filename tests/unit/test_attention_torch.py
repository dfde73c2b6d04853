"""The PyTorch side of the attention chapter: motif_order data, EncoderBlock, MotifTransformer,
SequenceCNN and the two attention figures."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from dlbook import data, models, plots, training
from dlbook.attention import positional_encoding


def as_text(one_hot: np.ndarray) -> str:
    return "".join(data.DNA_BASES[i] for i in one_hot.argmax(axis=1))


# -- data.motif_order ---------------------------------------------------------------


def test_motif_order_shapes_types_and_one_hot():
    X, y = data.motif_order(n_samples=50, length=40, seed=0)
    assert X.shape == (50, 40, 4) and X.dtype == np.float32
    assert y.shape == (50,) and y.dtype == np.int64
    np.testing.assert_array_equal(X.sum(axis=2), 1.0)
    assert set(np.unique(X)) == {0.0, 1.0}


@pytest.mark.parametrize("length, min_gap", [(40, 10), (30, 0), (60, 25)])
def test_the_label_is_the_order_of_two_motifs_each_present_once(length, min_gap):
    """What makes the task learnable: the label is exactly 'motif A comes first'."""
    X, y = data.motif_order(n_samples=200, length=length, min_gap=min_gap, seed=3)
    for x, label in zip(X, y):
        text = as_text(x)
        assert text.count(data.MOTIF_A) == 1 and text.count(data.MOTIF_B) == 1
        a, b = text.find(data.MOTIF_A), text.find(data.MOTIF_B)
        assert label == int(a < b)
        assert abs(a - b) - len(data.MOTIF_A) >= min_gap
    assert 0.35 < y.mean() < 0.65


def test_motif_order_is_deterministic_per_seed():
    X1, y1 = data.motif_order(n_samples=20, seed=5)
    X2, y2 = data.motif_order(n_samples=20, seed=5)
    X3, _ = data.motif_order(n_samples=20, seed=6)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n_samples": 0}, ValueError),
        ({"length": 19, "min_gap": 10}, ValueError),
        ({"min_gap": -1}, ValueError),
        ({"seed": 1.5}, TypeError),
        ({"n_samples": 2.0}, TypeError),
    ],
)
def test_motif_order_bad_inputs(kwargs, error):
    with pytest.raises(error):
        data.motif_order(**kwargs)


# -- EncoderBlock -----------------------------------------------------------------------


@pytest.mark.parametrize("d_model, num_heads, dim_feedforward", [(8, 1, 16), (32, 2, 64), (12, 4, 8)])
def test_encoder_block_equals_transformer_encoder_layer(d_model, num_heads, dim_feedforward):
    torch.manual_seed(0)
    block = models.EncoderBlock(d_model, num_heads, dim_feedforward).double().eval()
    reference = (
        nn.TransformerEncoderLayer(d_model, num_heads, dim_feedforward, dropout=0.0, batch_first=True).double().eval()
    )
    names = {
        "self_attn": block.attention,
        "linear1": block.feedforward[0],
        "linear2": block.feedforward[2],
        "norm1": block.norm1,
        "norm2": block.norm2,
    }
    state = {f"{prefix}.{key}": value for prefix, module in names.items() for key, value in module.state_dict().items()}
    reference.load_state_dict(state)
    x = torch.randn(3, 7, d_model, dtype=torch.float64)
    out, weights = block(x)
    torch.testing.assert_close(out, reference(x), rtol=1e-12, atol=1e-12)
    assert weights.shape == (3, num_heads, 7, 7)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3, num_heads, 7, dtype=torch.float64))


def test_encoder_block_rejects_heads_that_do_not_divide_the_width():
    with pytest.raises(ValueError, match="num_heads must divide"):
        models.EncoderBlock(10, 3, 16)
    with pytest.raises(ValueError, match="d_model"):
        models.EncoderBlock(0, 1, 16)


# -- MotifTransformer -------------------------------------------------------------------


def test_motif_transformer_shapes_buffer_and_seed():
    model = models.MotifTransformer(length=30, d_model=16, num_heads=4, num_layers=2, seed=1)
    X = torch.rand(5, 30, 4)
    assert model(X).shape == (5, 2)
    maps = model.attention_maps(X)
    assert len(maps) == 2 and maps[0].shape == (5, 4, 30, 30)
    torch.testing.assert_close(maps[1].sum(-1), torch.ones(5, 4, 30))
    np.testing.assert_allclose(model.pe.numpy(), positional_encoding(30, 16), atol=1e-7)
    again = models.MotifTransformer(length=30, d_model=16, num_heads=4, num_layers=2, seed=1)
    torch.testing.assert_close(model(X), again(X))
    assert "pe" not in dict(model.named_parameters())


def test_attention_maps_restore_the_training_mode():
    model = models.MotifTransformer(length=20, seed=0)
    model.train()
    model.attention_maps(np.zeros((2, 20, 4), dtype=np.float32))
    assert model.training


def test_motif_transformer_rejects_wrong_shapes_and_arguments():
    model = models.MotifTransformer(length=20, seed=0)
    with pytest.raises(ValueError, match="one-hot DNA"):
        model(torch.zeros(2, 21, 4))
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        models.MotifTransformer(length=20, kernel_size=4)
    with pytest.raises(TypeError, match="seed"):
        models.MotifTransformer(length=20, seed="0")


def test_motif_transformer_learns_the_order_task_quickly():
    torch.set_num_threads(1)
    X, y = data.motif_order(n_samples=700, length=30, min_gap=8, seed=0)
    training.seed_everything(0)
    model = models.MotifTransformer(length=30, d_model=16, num_heads=2, dim_feedforward=32, seed=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    training.fit(
        model,
        nn.CrossEntropyLoss(),
        optimizer,
        training.to_loader(X[:500], y[:500], 32, shuffle=True),
        num_epochs=8,
        progress=False,
    )
    assert training.accuracy(training.predict(model, X[500:]), y[500:]) > 0.85


# -- SequenceCNN -------------------------------------------------------------------------


def test_sequence_cnn_shapes_and_receptive_field():
    model = models.SequenceCNN(channels=8, kernel_size=3, num_layers=3, seed=0)
    assert model(torch.zeros(4, 25, 4)).shape == (4, 2)
    assert model.receptive_field == 7
    # A change at one base moves the feature maps at most (receptive_field - 1) / 2 positions away.
    X = torch.rand(1, 25, 4)
    changed = X.clone()
    changed[0, 12] += 1.0
    with torch.no_grad():
        moved = (model.features(X.transpose(1, 2)) - model.features(changed.transpose(1, 2))).abs().amax(1)[0]
    assert set(torch.nonzero(moved).ravel().tolist()) <= set(range(9, 16))


def test_sequence_cnn_is_blind_to_moving_a_pattern_inside_the_sequence():
    """Global max pooling: shifting content far from the ends leaves the output unchanged."""
    model = models.SequenceCNN(seed=0)
    X = torch.zeros(1, 40, 4)
    X[0, :, 0] = 1.0
    shifted = X.clone()
    X[0, 15, :] = torch.tensor([0.0, 1.0, 0.0, 0.0])
    shifted[0, 22, :] = torch.tensor([0.0, 1.0, 0.0, 0.0])
    torch.testing.assert_close(model(X), model(shifted))


def test_sequence_cnn_bad_inputs():
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        models.SequenceCNN(kernel_size=4)
    with pytest.raises(ValueError, match="one-hot DNA"):
        models.SequenceCNN()(torch.zeros(2, 10, 3))


# -- plots ---------------------------------------------------------------------------------


def test_plot_attention_maps_draws_one_panel_per_map_with_spans():
    maps = np.random.default_rng(0).dirichlet(np.ones(10), size=(2, 10))
    fig = plots.plot_attention_maps(maps, ["a", "b"], spans={"motif A": (2, 5), "motif B": (6, 8)})
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["a", "b"]
    labels = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert labels == ["motif A", "motif B"]
    with pytest.raises(ValueError, match="titles"):
        plots.plot_attention_maps(maps, ["only one"])


def test_plot_positional_encoding_shows_the_array():
    pe = positional_encoding(12, 6)
    fig = plots.plot_positional_encoding(pe)
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), pe)
    with pytest.raises(ValueError):
        plots.plot_positional_encoding(np.zeros(5))
