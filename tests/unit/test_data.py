"""dlbook.data: generated sets, scikit-learn loaders (no leakage) and DataLoaders."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from sklearn import datasets
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from dlbook import data, training

LOADERS = {
    "iris": (data.load_iris, datasets.load_iris),
    "breast_cancer": (data.load_breast_cancer, datasets.load_breast_cancer),
    "digits": (data.load_digits, datasets.load_digits),
}


# -- generated sets -------------------------------------------------------------------


def test_six_cells():
    X, y = data.six_cells()
    assert X.shape == (6, 2) and y.shape == (6, 1)
    assert X.dtype == y.dtype == np.float32
    assert sorted(y.ravel().tolist()) == [0, 0, 0, 1, 1, 1]
    assert (X > 0).all()  # expression levels
    classifier = LogisticRegression(C=1e6).fit(X, y.ravel())
    assert classifier.score(X, y.ravel()) == 1.0  # linearly separable


def test_crop_yields_is_deterministic_and_follows_its_rule():
    X, Y = data.crop_yields(seed=0)
    X2, Y2 = data.crop_yields(seed=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    assert not np.array_equal(data.crop_yields(seed=1)[1], Y)
    assert X.shape == (15, 3) and Y.shape == (15, 2) and X.dtype == Y.dtype == np.float32
    assert X[:, 0].min() >= 15 and X[:, 0].max() <= 35  # temperature, deg C
    assert X[:, 1].min() >= 40 and X[:, 1].max() <= 160  # rainfall, mm
    assert X[:, 2].min() >= 30 and X[:, 2].max() <= 80  # humidity, %
    residual = Y - (X @ data.CROP_WEIGHTS + data.CROP_BIAS)
    assert np.abs(residual).max() < 4.0  # noise sd 1 t/ha
    assert (Y > 0).all()
    assert data.crop_yields(seed=3, n_samples=40)[0].shape == (40, 3)


def test_crop_rule_is_recoverable_by_least_squares():
    X, Y = data.crop_yields(seed=0, n_samples=2000)
    design = np.column_stack([X, np.ones(len(X))])
    coefficients, *_ = np.linalg.lstsq(design, Y.astype(np.float64), rcond=None)
    np.testing.assert_allclose(coefficients[:3], data.CROP_WEIGHTS, atol=0.02)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("and", [0, 0, 0, 1]),
        ("or", [0, 1, 1, 1]),
        ("xor", [0, 1, 1, 0]),
        ("XOR", [0, 1, 1, 0]),
    ],
)
def test_logic_gates(name, expected):
    X, y = data.logic_gate(name)
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y.ravel(), expected)
    assert X.dtype == y.dtype == np.float32 and y.shape == (4, 1)


def test_logic_gate_unknown_name():
    with pytest.raises(ValueError, match=r"name must be one of \['and', 'or', 'xor'\]; got 'nand'"):
        data.logic_gate("nand")
    with pytest.raises(ValueError, match="name must be one of"):
        data.logic_gate(3)


@given(st.integers(1, 200), st.integers(0, 2**31))
def test_noisy_sine_is_deterministic_and_sorted(n, seed):
    X, y = data.noisy_sine(n, seed)
    assert X.shape == y.shape == (n, 1)
    assert (np.diff(X.ravel()) >= 0).all()
    assert X.min() >= 0 and X.max() <= 2 * np.pi
    X2, y2 = data.noisy_sine(n, seed)
    np.testing.assert_array_equal(y, y2)


def test_noisy_sine_noise_level():
    X, y = data.noisy_sine(5000, seed=0, noise=0.1)
    assert np.std(y - np.sin(X)) == pytest.approx(0.1, rel=0.05)
    X, y = data.noisy_sine(50, seed=0, noise=0.0)
    np.testing.assert_allclose(y, np.sin(X), atol=1e-6)


def test_projectile_height_closed_form():
    speed, angle, g = 20.0, np.deg2rad(45.0), 9.81
    t_peak = speed * np.sin(angle) / g
    assert float(data.projectile_height(speed, angle, t_peak, g)) == pytest.approx(
        speed**2 * np.sin(angle) ** 2 / (2 * g)
    )
    assert float(data.projectile_height(speed, angle, 2 * t_peak, g)) == pytest.approx(0.0, abs=1e-12)
    assert float(data.projectile_height(speed, angle, 0.0)) == 0.0


def test_projectile_samples():
    X, y = data.projectile(300, seed=2)
    assert X.shape == (300, 3) and y.shape == (300, 1)
    speed, angle, t = X.T.astype(np.float64)
    assert speed.min() >= 10 and speed.max() <= 30
    assert angle.min() >= np.deg2rad(20) - 1e-6 and angle.max() <= np.deg2rad(70) + 1e-6
    assert (y >= -1e-4).all()
    np.testing.assert_allclose(y.ravel(), data.projectile_height(speed, angle, t), rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(data.projectile(300, seed=2)[1], y)
    assert not np.array_equal(data.projectile(300, seed=3)[1], y)
    noisy = data.projectile(300, seed=2, noise=0.5)[1]
    assert 0.3 < np.std(noisy - y) < 0.7


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: data.noisy_sine(0), ValueError, "n must be an integer >= 1; got 0"),
        (lambda: data.noisy_sine(10, seed=1.5), TypeError, "seed must be an integer; got float"),
        (lambda: data.noisy_sine(10, noise=-1.0), ValueError, "noise must be a finite number >= 0; got -1.0"),
        (lambda: data.projectile(5, noise="big"), TypeError, "noise must be a number; got str"),
        (lambda: data.crop_yields(n_samples=0), ValueError, "n_samples must be an integer >= 1"),
        (lambda: data.crop_yields(seed="0"), TypeError, "seed must be an integer"),
        (lambda: data.projectile_height("fast", 0.5, 1.0), TypeError, "speed must be numbers"),
        (lambda: data.projectile_height(10.0, np.nan, 1.0), ValueError, "angle must not contain NaN"),
    ],
)
def test_generated_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- scikit-learn loaders -------------------------------------------------------------


def raw_rows(split: data.Split, part: str) -> np.ndarray:
    """Undo the standardization."""
    return getattr(split, f"X_{part}").astype(np.float64) * split.scale + split.mean


def sort_rows(rows: np.ndarray) -> np.ndarray:
    return rows[np.lexsort(rows.T[::-1])]


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loader_is_a_stratified_partition(name):
    ours, theirs = LOADERS[name]
    split = ours(test_size=0.25, val_size=0.15, seed=0)
    bunch = theirs()
    n = len(bunch.target)
    parts = ["train", "test", "val"]
    sizes = {p: len(getattr(split, f"X_{p}")) for p in parts}
    assert sum(sizes.values()) == n
    assert sizes["test"] == pytest.approx(0.25 * n, abs=1)
    assert sizes["val"] == pytest.approx(0.15 * n, abs=2)
    # Together the parts are exactly the data set (every row once).
    rows = np.vstack([raw_rows(split, p) for p in parts])
    np.testing.assert_allclose(sort_rows(rows), sort_rows(bunch.data), atol=1e-4)
    # Stratified: each class's share is (almost) the same in every part.
    overall = np.bincount(bunch.target) / n
    for p in parts:
        labels = getattr(split, f"y_{p}").ravel().astype(int)
        share = np.bincount(labels, minlength=len(overall)) / len(labels)
        np.testing.assert_allclose(share, overall, atol=1.5 / len(labels) + 0.01)
    assert split.target_names == tuple(str(name) for name in bunch.target_names)
    assert len(split.feature_names) == bunch.data.shape[1]


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loader_is_deterministic_per_seed(name):
    load = LOADERS[name][0]
    a, b, c = load(seed=3), load(seed=3), load(seed=4)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)
    assert a.X_val is None and a.y_val is None


@pytest.mark.parametrize("name", ["iris", "breast_cancer"])
def test_standardized_with_training_statistics_only(name):
    split = LOADERS[name][0](test_size=0.3, val_size=0.2, seed=1)
    train_raw = raw_rows(split, "train")
    scaler = StandardScaler().fit(train_raw)
    np.testing.assert_allclose(split.mean, scaler.mean_, rtol=1e-6)
    np.testing.assert_allclose(split.scale, scaler.scale_, rtol=1e-6)
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(split.X_train.std(axis=0), 1.0, atol=1e-4)
    np.testing.assert_allclose(split.X_test, scaler.transform(raw_rows(split, "test")), atol=1e-5)
    # Statistics of the whole data set would differ: that would be leakage.
    everything = LOADERS[name][1]().data
    assert not np.allclose(split.mean, everything.mean(axis=0), rtol=1e-4)
    assert not np.allclose(split.X_test.mean(axis=0), 0.0, atol=1e-3)


def test_target_types():
    iris = data.load_iris()
    assert iris.y_train.dtype == np.int64 and iris.y_train.ndim == 1
    assert set(iris.y_train) == {0, 1, 2}
    cancer = data.load_breast_cancer()
    assert cancer.y_train.dtype == np.float32 and cancer.y_train.shape[1] == 1
    assert set(np.unique(cancer.y_train)) == {0.0, 1.0}
    assert cancer.target_names == ("malignant", "benign")
    assert cancer.X_train.dtype == np.float32


def test_digits_scaled_by_16_and_images_kept():
    split = data.load_digits(val_size=0.1)
    assert split.X_train.shape[1] == 64
    assert split.X_train.min() >= 0.0 and split.X_train.max() <= 1.0
    np.testing.assert_array_equal(split.scale, 16.0)
    np.testing.assert_array_equal(split.mean, 0.0)
    assert split.images_test.shape == (len(split.X_test), 8, 8)
    np.testing.assert_allclose(split.images_test.reshape(len(split.X_test), 64) / 16.0, split.X_test, atol=1e-7)
    assert data.load_iris().images_test is None


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(test_size=0.0), ValueError, r"test_size must be a fraction in \(0, 1\); got 0.0"),
        (dict(test_size=1.0), ValueError, r"test_size must be a fraction in \(0, 1\)"),
        (dict(test_size="0.2"), TypeError, "test_size must be a number; got str"),
        (dict(val_size=-0.1), ValueError, r"val_size must be a fraction in \[0, 1\)"),
        (dict(test_size=0.5, val_size=0.5), ValueError, "test_size \\+ val_size must be < 1"),
        (dict(seed=None), TypeError, "seed must be an integer; got NoneType"),
    ],
)
def test_loader_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.load_iris(**kwargs)


def test_standardize():
    X_train = np.array([[1.0, 5.0], [3.0, 5.0]])
    X_test = np.array([[5.0, 6.0]])
    Xtr, Xte, mean, scale = data.standardize(X_train, X_test)
    np.testing.assert_array_equal(mean, [2.0, 5.0])
    np.testing.assert_array_equal(scale, [1.0, 1.0])  # the constant column keeps scale 1
    np.testing.assert_array_equal(Xtr, [[-1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_array_equal(Xte, [[3.0, 1.0]])
    with pytest.raises(ValueError, match=r"others\[0\] must have 2 features like X_train; got \(1, 3\)"):
        data.standardize(X_train, np.zeros((1, 3)))
    with pytest.raises(ValueError, match="X_train must have 2 dimension"):
        data.standardize(np.zeros(3))


# -- to_loader -------------------------------------------------------------------------


def test_to_loader_types_and_batches():
    X, y = data.six_cells()
    loader = training.to_loader(X, y, batch_size=4)
    batches = list(loader)
    assert [len(xb) for xb, _ in batches] == [4, 2]
    xb, yb = batches[0]
    assert xb.dtype == torch.float32 and yb.dtype == torch.float32
    np.testing.assert_array_equal(torch.cat([b[0] for b in batches]).numpy(), X)  # order kept
    labels = training.to_loader(np.zeros((3, 2)), np.array([0, 2, 1]), batch_size=3)
    assert next(iter(labels))[1].dtype == torch.int64
    from_tensors = training.to_loader(torch.ones(2, 2, dtype=torch.float64), torch.tensor([1, 0]), batch_size=2)
    assert next(iter(from_tensors))[0].dtype == torch.float32


def test_to_loader_shuffle_is_seeded():
    X = np.arange(20, dtype=np.float32).reshape(-1, 1)
    y = np.arange(20)

    def order(seed):
        return torch.cat([xb for xb, _ in training.to_loader(X, y, batch_size=5, shuffle=True, seed=seed)]).ravel()

    assert torch.equal(order(0), order(0))
    assert not torch.equal(order(0), order(1))
    assert sorted(order(0).tolist()) == list(range(20))
    # X and y stay paired after shuffling.
    for xb, yb in training.to_loader(X, y, batch_size=5, shuffle=True, seed=0):
        assert torch.equal(xb.ravel().long(), yb)


@pytest.mark.parametrize(
    "X, y, batch_size, error, match",
    [
        (np.zeros((3, 2)), np.zeros(4), 2, ValueError, r"same number of samples; got X \(3, 2\) and y \(4,\)"),
        (np.zeros((3, 2)), np.zeros(3), 0, ValueError, "batch_size must be an integer >= 1; got 0"),
        (np.zeros((3, 2)), np.zeros(3), 2.0, TypeError, "batch_size must be an integer"),
        (np.zeros((0, 2)), np.zeros(0), 2, ValueError, "X must hold at least one sample"),
        (np.array([[np.nan]]), np.zeros(1), 1, ValueError, "X must not contain NaN"),
        (np.array([["a"]]), np.zeros(1), 1, TypeError, "X must hold numbers"),
        ("X", np.zeros(1), 1, TypeError, "X must be an array or tensor"),
    ],
)
def test_to_loader_bad_input(X, y, batch_size, error, match):
    with pytest.raises(error, match=match):
        training.to_loader(X, y, batch_size)


def test_docstrings_have_examples_that_run_in_a_fresh_shell(check_module_docs):
    from dlbook import data as module

    assert check_module_docs(module) > 0


def test_to_loader_gives_the_batches_a_sample_by_sample_loader_gives():
    """The batched fetch is a speed-up only: same shuffle, same batches, same dtypes."""
    from torch.utils.data import DataLoader, TensorDataset

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(103, 5)), rng.integers(0, 3, size=103)
    fast = training.to_loader(X, y, batch_size=16, shuffle=True, seed=7)
    plain = DataLoader(
        TensorDataset(torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y)),
        batch_size=16,
        shuffle=True,
        generator=torch.Generator().manual_seed(7),
    )
    for _ in range(2):  # two epochs: the reshuffle agrees too
        pairs = list(zip(fast, plain, strict=True))
        assert len(pairs) == 7
        for (xb, yb), (xp, yp) in pairs:
            assert torch.equal(xb, xp) and torch.equal(yb, yp) and yb.dtype == yp.dtype


def test_importing_the_data_sets_does_not_import_torch():
    """NumPy chapters load their data without paying for PyTorch."""
    code = "import sys, dlbook.data; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
