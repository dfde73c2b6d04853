"""The PyTorch side of the chapter "Graph neural networks": generated molecules, packing, GCN, figures."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from torch import nn

from dlbook import data, graphs, models, plots, training


@pytest.fixture(scope="module")
def molecules():
    return data.molecule_graphs(n_graphs=60, seed=0)


# -- data.molecule_graphs, group_contribution, pack_graphs --------------------


def test_molecule_graphs_shapes_types_and_determinism(molecules):
    A, X, y = molecules
    assert A.shape == (60, 12, 12) and X.shape == (60, 12, 3) and y.shape == (60, 1)
    assert A.dtype == X.dtype == y.dtype == np.float32
    A2, X2, y2 = data.molecule_graphs(n_graphs=60, seed=0)
    np.testing.assert_array_equal(A, A2)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    A3, _, _ = data.molecule_graphs(n_graphs=60, seed=1)
    assert not np.array_equal(A, A3)


def test_molecule_graphs_are_valid_molecule_like_graphs(molecules):
    A, X, _ = molecules
    for a, x in zip(A, X):
        n = int(x.sum())
        assert 4 <= n <= 12
        assert np.all(x[:n].sum(axis=1) == 1) and np.all(x[n:] == 0)  # one-hot, padding at the end
        assert np.all(a[n:] == 0) and np.all(a[:, n:] == 0)
        assert np.array_equal(a, a.T) and np.all(np.diag(a) == 0)
        assert np.all(a.sum(axis=1)[:n] <= x[:n] @ data.ATOM_VALENCE)
        reach = np.linalg.matrix_power(a[:n, :n] + np.eye(n), n) > 0  # connected
        assert reach.all()
        rings = a.sum() / 2 - n + 1
        assert rings in (0, 1, 2)


def test_target_is_the_group_contribution_and_needs_the_bonds(molecules):
    A, X, y = molecules
    np.testing.assert_allclose(y, data.group_contribution(A, X), atol=1e-5)
    # What makes the task need a graph model: graphs with the same atom counts
    # can have different targets, so counts alone cannot predict y exactly.
    A, X, y = data.molecule_graphs(n_graphs=300, seed=0)
    counts = X.sum(axis=1)
    keys = [tuple(c) for c in counts]
    spread = {key: [] for key in keys}
    for key, value in zip(keys, y[:, 0]):
        spread[key].append(value)
    assert max(np.ptp(values) for values in spread.values()) > 2.0


def test_group_contribution_by_hand():
    A = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])  # C - C - O
    X = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 1]])
    assert data.group_contribution(A, X).item() == 1 + 1 + 3 + 0 - 2
    assert data.group_contribution(A, X, bond_weight=0.0).item() == 5
    batch = data.group_contribution(np.stack([A, A]), np.stack([X, X]))
    assert batch.shape == (2, 1)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: data.molecule_graphs(n_graphs=0), ValueError, "n_graphs"),
        (lambda: data.molecule_graphs(n_min=1), ValueError, "n_min"),
        (lambda: data.molecule_graphs(n_min=6, n_max=5), ValueError, "n_max"),
        (lambda: data.molecule_graphs(seed=1.5), TypeError, "seed"),
        (lambda: data.group_contribution(np.zeros((2, 2)), np.zeros((2, 4))), ValueError, "X"),
        (
            lambda: data.group_contribution(np.zeros((2, 2)), np.zeros((2, 3)), bond_weight="1"),
            TypeError,
            "bond_weight",
        ),
        (lambda: data.pack_graphs(np.zeros((2, 3, 3)), np.zeros((2, 4, 1))), ValueError, "A must be"),
    ],
)
def test_bad_data_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_pack_graphs_layout(molecules):
    A, X, _ = molecules
    packed = data.pack_graphs(A, X)
    assert packed.shape == (60, 12, 16) and packed.dtype == np.float32
    np.testing.assert_array_equal(packed[..., :12], A)
    np.testing.assert_array_equal(packed[..., 12], X.any(axis=2))
    np.testing.assert_array_equal(packed[..., 13:], X)


# -- models.GCN ----------------------------------------------------------------


def test_gcn_first_layer_is_graph_conv(molecules):
    A, X, _ = molecules
    model = models.GCN(n_features=3, hidden=8, seed=0)
    packed = torch.tensor(data.pack_graphs(A, X), dtype=torch.float64)
    model = model.double()
    with torch.no_grad():
        A_b, mask, H = model.unpack(packed)
        first = model.normalize(A_b, mask) @ model.weights[0](H)
    W = model.weights[0].weight.detach().numpy().T
    for g in range(len(A)):
        n = int(mask[g].sum())
        np.testing.assert_allclose(
            first[g, :n].numpy(), graphs.graph_conv(A[g, :n, :n], X[g, :n], W), rtol=1e-12, atol=1e-12
        )
        assert torch.all(first[g, n:] == 0)


@settings(max_examples=30)
@given(st.integers(0, 59), st.integers(0, 2**32 - 1), st.sampled_from(["sum", "mean"]))
def test_gcn_is_permutation_invariant(molecules, g, seed, how):
    A, X, _ = molecules
    n = int(X[g].sum())
    order = np.concatenate([np.random.default_rng(seed).permutation(n), np.arange(n, 12)])
    model = models.GCN(n_features=3, hidden=8, readout=how, seed=0).double()
    original = torch.tensor(data.pack_graphs(A[g : g + 1], X[g : g + 1]), dtype=torch.float64)
    relabelled = torch.tensor(
        data.pack_graphs(A[g : g + 1][:, order][:, :, order], X[g : g + 1][:, order]), dtype=torch.float64
    )
    with torch.no_grad():
        torch.testing.assert_close(model(relabelled), model(original), rtol=1e-12, atol=1e-12)


def test_gcn_output_does_not_depend_on_padding(molecules):
    A, X, _ = molecules
    wide_A = np.zeros((60, 15, 15), dtype=np.float32)
    wide_X = np.zeros((60, 15, 3), dtype=np.float32)
    wide_A[:, :12, :12], wide_X[:, :12] = A, X
    model = models.GCN(n_features=3, hidden=8, seed=0)
    with torch.no_grad():
        narrow = model(torch.tensor(data.pack_graphs(A, X)))
        wide = model(torch.tensor(data.pack_graphs(wide_A, wide_X)))
    torch.testing.assert_close(wide, narrow, rtol=1e-5, atol=1e-5)


def test_gcn_seed_and_parameter_count():
    a, b = models.GCN(3, hidden=8, seed=1), models.GCN(3, hidden=8, seed=1)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    # two graph layers (3*8 + 8, 8*8 + 8) and the head (8*8 + 8, 8*1 + 1)
    assert models.count_parameters(a) == 32 + 72 + 72 + 9


def test_gcn_trains_with_fit_and_to_loader():
    A, X, y = data.molecule_graphs(n_graphs=200, seed=2)
    packed = data.pack_graphs(A, X)
    y = (y - y.mean()) / y.std()
    training.seed_everything(0)
    model = models.GCN(n_features=3, hidden=16, seed=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loader = training.to_loader(packed, y, batch_size=50, shuffle=True, seed=0)
    history = training.fit(model, nn.MSELoss(), optimizer, loader, num_epochs=8, progress=False)
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: models.GCN(3, readout="max"), ValueError, "readout"),
        (lambda: models.GCN(0), ValueError, "n_features"),
        (lambda: models.GCN(3, n_layers=0), ValueError, "n_layers"),
        (lambda: models.GCN(3, seed="0"), TypeError, "seed"),
        (lambda: models.GCN(3)(torch.zeros(2, 12, 15)), ValueError, "packed graphs"),
        (lambda: models.GCN(3)(torch.zeros(2, 16)), ValueError, "packed graphs"),
    ],
)
def test_bad_gcn_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- plots -----------------------------------------------------------------------


def test_plot_molecule_graphs(molecules):
    A, X, y = molecules
    fig = plots.plot_molecule_graphs(A[:5], X[:5], titles=[f"{v:.1f}" for v in y[:5, 0]], ncols=3)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 5
    assert [ax.get_title() for ax in fig.axes] == [f"{v:.1f}" for v in y[:5, 0]]
    # one line per bond and one letter per atom in the first panel
    n_bonds = int(A[0].sum() / 2)
    assert len(fig.axes[0].lines) == n_bonds
    assert len(fig.axes[0].texts) == int(X[0].sum())


def test_plot_parity():
    fig = plots.plot_parity(np.array([1.0, 2.0, 3.0]), {"a": [1.0, 2.0, 3.0], "b": [2.0, 2.0, 2.0]}, quantity="energy")
    assert [ax.get_title() for ax in fig.axes] == ["a: MAE 0", "b: MAE 0.67"]
    assert fig.axes[0].get_xlabel() == "true energy"


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: plots.plot_molecule_graphs(np.zeros((1, 2, 2)), np.zeros((1, 3, 3))), ValueError, "A must be"),
        (
            lambda: plots.plot_molecule_graphs(np.zeros((1, 2, 2)), np.zeros((1, 2, 3)), titles=["a", "b"]),
            ValueError,
            "titles",
        ),
        (lambda: plots.plot_parity([1.0, 2.0], {"a": [1.0]}), ValueError, "one value per sample"),
        (lambda: plots.plot_parity([1.0, 2.0], {}), TypeError, "predictions"),
    ],
)
def test_bad_plot_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
