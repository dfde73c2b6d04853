"""Small data sets for the book: generated ones and scikit-learn's packaged ones.

Nothing here downloads anything: the generated sets are computed from a seed,
and iris, breast cancer and digits ship inside scikit-learn. Each chapter
that uses a set says so; the docstrings below name it too.

Loaders return a :class:`Split`: a stratified train/test split (plus an
optional validation part carved out of the training data) whose features
are standardized with statistics of the **training** part only, so nothing
about the test data leaks into training.
"""

from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from dlbook._checks import as_float_array, positive_int

__all__ = [
    "six_cells", "crop_yields", "CROP_WEIGHTS", "CROP_BIAS", "logic_gate", "noisy_sine",
    "projectile", "projectile_height", "Split", "load_iris", "load_breast_cancer",
    "load_digits", "standardize", "to_loader",
]

#: True rule behind :func:`crop_yields`: ``Y = X @ CROP_WEIGHTS + CROP_BIAS`` (+ noise).
#: Rows: temperature (deg C), rainfall (mm), humidity (%); columns: apples, oranges (t/ha).
CROP_WEIGHTS = np.array([[0.30, 0.90],
                         [0.15, 0.10],
                         [0.10, 0.05]])
#: Intercepts of the crop rule (apples, oranges), tonnes per hectare.
CROP_BIAS = np.array([-5.0, -8.0])


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer; got {type(seed).__name__}")
    return int(seed)


def _check_noise(noise) -> float:
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not noise >= 0:
        raise ValueError(f"noise must be a number >= 0; got {noise!r}")
    return float(noise)


def six_cells() -> tuple[np.ndarray, np.ndarray]:
    """Six cells, two measured genes, two cell types: the book's first classification data.

    Introduced in the chapter "Neurons, layers and networks"
    (``book/neurons-and-networks.md``). Each row is one cell; the columns are
    the expression of gene A and gene B relative to a reference sample
    (fold change, as a qPCR run might report). Cells of type 0 express
    gene B more, cells of type 1 gene A, so a straight line separates them.

    Returns
    -------
    X : numpy.ndarray, shape (6, 2), float32
        Expression of gene A and gene B.
    y : numpy.ndarray, shape (6, 1), float32
        Cell type, 0 or 1 (three cells each).

    Examples
    --------
    >>> from dlbook.data import six_cells
    >>> X, y = six_cells()
    >>> X.shape, y.ravel().tolist()
    ((6, 2), [0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    """
    X = np.array([[1.2, 3.1],
                  [0.8, 2.4],
                  [1.6, 3.7],
                  [3.4, 1.3],
                  [4.1, 0.9],
                  [2.9, 1.8]], dtype=np.float32)
    y = np.array([[0], [0], [0], [1], [1], [1]], dtype=np.float32)
    return X, y


def crop_yields(seed: int = 0, n_samples: int = 15) -> tuple[np.ndarray, np.ndarray]:
    """Yields of apples and oranges from weather records: a small linear-regression table.

    Introduced in the chapter "The training loop" (``book/training-loop.md``).
    Each row is one farm-season: mean temperature (degrees Celsius), rainfall
    (mm) and relative humidity (%). The yields (tonnes per hectare) follow the
    known linear rule ``Y = X @ CROP_WEIGHTS + CROP_BIAS`` plus Gaussian noise
    (standard deviation 1 t/ha), so a trained model can be compared with the
    truth. Values are rounded as a field notebook would record them.

    Parameters
    ----------
    seed : int
        Same seed, same table.
    n_samples : int
        Number of rows (default 15).

    Returns
    -------
    X : numpy.ndarray, shape (n_samples, 3), float32
        Temperature (deg C), rainfall (mm), humidity (%).
    Y : numpy.ndarray, shape (n_samples, 2), float32
        Yield of apples and of oranges (t/ha).

    Examples
    --------
    >>> from dlbook.data import crop_yields
    >>> X, Y = crop_yields(seed=0)
    >>> X.shape, Y.shape
    ((15, 3), (15, 2))
    """
    rng = np.random.default_rng(_check_seed(seed))
    n_samples = positive_int(n_samples, "n_samples")
    temperature = np.round(rng.uniform(15.0, 35.0, n_samples), 1)
    rainfall = np.round(rng.uniform(40.0, 160.0, n_samples))
    humidity = np.round(rng.uniform(30.0, 80.0, n_samples))
    X = np.column_stack([temperature, rainfall, humidity])
    Y = X @ CROP_WEIGHTS + CROP_BIAS + rng.normal(0.0, 1.0, size=(n_samples, 2))
    return X.astype(np.float32), np.round(Y, 1).astype(np.float32)


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a logic gate: all four pairs of 0/1 inputs and the output.

    Introduced in the chapter "Neurons, layers and networks"
    (``book/neurons-and-networks.md``): a single neuron can learn AND and OR
    but not XOR, which needs a hidden layer.

    Parameters
    ----------
    name : {"and", "or", "xor"}

    Returns
    -------
    X : numpy.ndarray, shape (4, 2), float32
    y : numpy.ndarray, shape (4, 1), float32

    Examples
    --------
    >>> from dlbook.data import logic_gate
    >>> X, y = logic_gate("xor")
    >>> X.tolist(), y.ravel().tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])
    """
    gates = {"and": np.logical_and, "or": np.logical_or, "xor": np.logical_xor}
    key = name.lower() if isinstance(name, str) else name
    if key not in gates:
        raise ValueError(f"name must be one of {sorted(gates)}; got {name!r}")
    X = np.array(list(itertools.product((0.0, 1.0), repeat=2)), dtype=np.float32)
    y = gates[key](X[:, 0], X[:, 1]).astype(np.float32).reshape(-1, 1)
    return X, y


def noisy_sine(n: int = 100, seed: int = 0, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Points on ``sin(x)`` for x in [0, 2 pi], with Gaussian noise: a 1-D regression task.

    Introduced in the chapter "Generalization" (``book/generalization.md``).
    ``x`` is drawn uniformly and sorted (convenient for plotting lines).

    Parameters
    ----------
    n : int
        Number of points.
    seed : int
        Same seed, same points.
    noise : float
        Standard deviation of the noise added to ``sin(x)`` (>= 0).

    Returns
    -------
    X : numpy.ndarray, shape (n, 1), float32
    y : numpy.ndarray, shape (n, 1), float32

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import noisy_sine
    >>> X, y = noisy_sine(5, seed=1, noise=0.0)
    >>> bool(np.allclose(y, np.sin(X), atol=1e-6))
    True
    """
    n = positive_int(n, "n")
    rng = np.random.default_rng(_check_seed(seed))
    x = np.sort(rng.uniform(0.0, 2.0 * np.pi, n))
    y = np.sin(x) + rng.normal(0.0, _check_noise(noise), n)
    return x.reshape(-1, 1).astype(np.float32), y.reshape(-1, 1).astype(np.float32)


def projectile_height(speed, angle, t, g: float = 9.81) -> np.ndarray:
    """Height of a projectile launched from the ground, without air resistance.

    ``h = speed * sin(angle) * t - g * t**2 / 2``. Introduced in the chapter
    "Case study: physics" (``book/case-physics.md``), where a network learns
    this rule from examples.

    Parameters
    ----------
    speed : array_like
        Launch speed, m/s.
    angle : array_like
        Launch angle above the horizontal, radians.
    t : array_like
        Time since launch, s.
    g : float
        Gravitational acceleration, m/s^2.

    Returns
    -------
    numpy.ndarray
        Height in metres (the arguments broadcast together as in NumPy).

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import projectile_height
    >>> float(projectile_height(10.0, np.pi / 2, 1.0, g=10.0))
    5.0
    """
    speed = as_float_array(speed, "speed")
    angle = as_float_array(angle, "angle")
    t = as_float_array(t, "t")
    return speed * np.sin(angle) * t - 0.5 * g * t ** 2


def projectile(n: int = 200, seed: int = 0, noise: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Heights of projectiles at random moments of their flight: a physics regression task.

    Introduced in the chapter "Case study: physics" (``book/case-physics.md``).
    Speeds are uniform in [10, 30] m/s, angles in [20, 70] degrees (stored
    in radians), and the time uniform between launch and landing, so every
    height is >= 0.

    Parameters
    ----------
    n : int
        Number of samples.
    seed : int
        Same seed, same samples.
    noise : float
        Standard deviation (m) of Gaussian measurement noise added to the height.

    Returns
    -------
    X : numpy.ndarray, shape (n, 3), float32
        Columns: speed (m/s), angle (rad), time (s).
    y : numpy.ndarray, shape (n, 1), float32
        Height (m), from :func:`projectile_height` with g = 9.81.

    Examples
    --------
    >>> from dlbook.data import projectile
    >>> X, y = projectile(4, seed=0)
    >>> X.shape, y.shape, bool((y >= 0).all())
    ((4, 3), (4, 1), True)
    """
    n = positive_int(n, "n")
    rng = np.random.default_rng(_check_seed(seed))
    speed = rng.uniform(10.0, 30.0, n)
    angle = np.deg2rad(rng.uniform(20.0, 70.0, n))
    flight_time = 2.0 * speed * np.sin(angle) / 9.81
    t = rng.uniform(0.0, 1.0, n) * flight_time
    height = projectile_height(speed, angle, t) + rng.normal(0.0, _check_noise(noise), n)
    X = np.column_stack([speed, angle, t]).astype(np.float32)
    return X, height.reshape(-1, 1).astype(np.float32)


@dataclass
class Split:
    """A data set split into training, test and (optionally) validation parts.

    Returned by :func:`load_iris`, :func:`load_breast_cancer` and
    :func:`load_digits`; introduced in the chapter "Generalization"
    (``book/generalization.md``).

    Attributes
    ----------
    X_train, X_test : numpy.ndarray, float32
        Features, standardized with the training part's mean and standard
        deviation (``(X - mean) / scale``).
    X_val : numpy.ndarray or None
        Validation features (``None`` when ``val_size=0``).
    y_train, y_test, y_val : numpy.ndarray or None
        Targets: int64 class labels of shape ``(n,)`` for several classes;
        float32 0/1 of shape ``(n, 1)`` for two classes (ready for
        ``nn.BCEWithLogitsLoss``).
    feature_names, target_names : tuple of str
    mean, scale : numpy.ndarray
        The training statistics used to standardize.
    images_test : numpy.ndarray or None
        For digits: the raw 8 x 8 test images (values 0-16) for display.

    Examples
    --------
    >>> from dlbook.data import load_iris
    >>> data = load_iris(test_size=0.2, val_size=0.2, seed=0)
    >>> len(data.X_train), len(data.X_val), len(data.X_test)
    (90, 30, 30)
    """

    X_train: np.ndarray
    X_test: np.ndarray
    X_val: np.ndarray | None
    y_train: np.ndarray
    y_test: np.ndarray
    y_val: np.ndarray | None
    feature_names: tuple
    target_names: tuple
    mean: np.ndarray
    scale: np.ndarray
    images_test: np.ndarray | None = None


def standardize(X_train, *others) -> tuple:
    """Standardize features with the mean and standard deviation of ``X_train`` only.

    Introduced in the chapter "Generalization" (``book/generalization.md``).
    Using the test data's statistics as well would leak information about it
    into training. Features that are constant in ``X_train`` are left
    unscaled (scale 1), as scikit-learn's ``StandardScaler`` does.

    Parameters
    ----------
    X_train : array_like, shape (n_samples, n_features)
    *others : array_like
        More arrays (test, validation) to transform with the same statistics.

    Returns
    -------
    tuple
        ``(X_train_std, *others_std, mean, scale)``.

    Examples
    --------
    >>> from dlbook.data import standardize
    >>> Xtr, Xte, mean, scale = standardize([[0.0], [2.0]], [[4.0]])
    >>> Xtr.ravel().tolist(), Xte.ravel().tolist(), mean.tolist(), scale.tolist()
    ([-1.0, 1.0], [3.0], [1.0], [1.0])
    """
    X_train = as_float_array(X_train, "X_train", ndim=2)
    mean = X_train.mean(axis=0)
    scale = X_train.std(axis=0)
    scale[scale == 0] = 1.0
    out = [(X_train - mean) / scale]
    for i, X in enumerate(others):
        X = as_float_array(X, f"others[{i}]", ndim=2)
        if X.shape[1] != X_train.shape[1]:
            raise ValueError(f"others[{i}] must have {X_train.shape[1]} features like X_train; got {X.shape}")
        out.append((X - mean) / scale)
    return (*out, mean, scale)


def _check_fractions(test_size, val_size) -> tuple[float, float]:
    for value, name in ((test_size, "test_size"), (val_size, "val_size")):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a fraction (a number); got {type(value).__name__}")
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must lie in (0, 1); got {test_size}")
    if not 0.0 <= val_size < 1.0 or test_size + val_size >= 1.0:
        raise ValueError(f"val_size must lie in [0, 1) with test_size + val_size < 1; "
                         f"got val_size {val_size} and test_size {test_size}")
    return float(test_size), float(val_size)


def _split(X: np.ndarray, y: np.ndarray, test_size: float, val_size: float, seed: int):
    """Stratified index split: (train, test, val or None)."""
    from sklearn.model_selection import train_test_split

    index = np.arange(len(y))
    train, test = train_test_split(index, test_size=test_size, stratify=y, random_state=seed)
    val = None
    if val_size > 0:
        train, val = train_test_split(train, test_size=val_size / (1.0 - test_size),
                                      stratify=y[train], random_state=seed)
    return train, test, val


def _load(bunch_loader: Callable, test_size: float, val_size: float, seed: int, *,
          binary: bool = False, fixed_scale: float | None = None) -> Split:
    test_size, val_size = _check_fractions(test_size, val_size)
    seed = _check_seed(seed)
    bunch = bunch_loader()
    X, y = bunch.data.astype(np.float64), bunch.target.astype(np.int64)
    train, test, val = _split(X, y, test_size, val_size, seed)
    if fixed_scale is None:
        parts = standardize(X[train], X[test], *([X[val]] if val is not None else []))
        mean, scale = parts[-2], parts[-1]
        X_parts = list(parts[:-2])
    else:
        mean, scale = np.zeros(X.shape[1]), np.full(X.shape[1], fixed_scale)
        X_parts = [X[i] / fixed_scale for i in (train, test, val) if i is not None]
    X_train, X_test = X_parts[0].astype(np.float32), X_parts[1].astype(np.float32)
    X_val = X_parts[2].astype(np.float32) if val is not None else None

    def target(index):
        if index is None:
            return None
        return y[index].astype(np.float32).reshape(-1, 1) if binary else y[index]

    feature_names = tuple(str(name) for name in getattr(bunch, "feature_names", []))
    return Split(X_train=X_train, X_test=X_test, X_val=X_val,
                 y_train=target(train), y_test=target(test), y_val=target(val),
                 feature_names=feature_names, target_names=tuple(str(n) for n in bunch.target_names),
                 mean=mean, scale=scale,
                 images_test=bunch.images[test].astype(np.float32) if hasattr(bunch, "images") else None)


def load_iris(test_size: float = 0.25, val_size: float = 0.0, seed: int = 0) -> Split:
    """Fisher's iris flowers: 150 samples, 4 measurements (cm), 3 species.

    Introduced in the chapter "Case study: iris" (``book/case-iris.md``).
    Stratified split; features standardized with training statistics only.

    Parameters
    ----------
    test_size : float
        Fraction of all samples held out for testing.
    val_size : float
        Fraction of all samples held out for validation (taken from the
        training part); 0 for none.
    seed : int
        Same seed, same split.

    Returns
    -------
    Split
        ``y_*`` are int64 labels 0, 1, 2 (setosa, versicolor, virginica).

    Examples
    --------
    >>> from dlbook.data import load_iris
    >>> data = load_iris(seed=0)
    >>> data.X_train.shape, data.X_test.shape, data.target_names
    ((112, 4), (38, 4), ('setosa', 'versicolor', 'virginica'))
    """
    from sklearn import datasets

    return _load(datasets.load_iris, test_size, val_size, seed)


def load_breast_cancer(test_size: float = 0.25, val_size: float = 0.0, seed: int = 0) -> Split:
    """Wisconsin breast-cancer data: 569 tumours, 30 features from cell-nucleus images.

    Introduced in the chapter "Case study: clinical data"
    (``book/case-clinical.md``). Labels follow scikit-learn: **0 = malignant,
    1 = benign**. Stratified split; features standardized with training
    statistics only.

    Parameters
    ----------
    test_size, val_size : float
        Fractions of all samples for testing and validation.
    seed : int
        Same seed, same split.

    Returns
    -------
    Split
        ``y_*`` are float32 arrays of shape ``(n, 1)`` holding 0 and 1.

    Examples
    --------
    >>> from dlbook.data import load_breast_cancer
    >>> data = load_breast_cancer(val_size=0.2)
    >>> data.X_train.shape[1], data.y_train.shape[1], data.target_names
    (30, 1, ('malignant', 'benign'))
    """
    from sklearn import datasets

    return _load(datasets.load_breast_cancer, test_size, val_size, seed, binary=True)


def load_digits(test_size: float = 0.25, val_size: float = 0.0, seed: int = 0) -> Split:
    """Handwritten digits: 1,797 images of 8 x 8 pixels (values 0-16), classes 0-9.

    Introduced in the chapter "Case study: digits" (``book/case-digits.md``).
    Stratified split. Pixels are scaled by a fixed ``1/16`` into [0, 1]
    (the same for every image, so no statistics of any split are used;
    ``mean`` is 0 and ``scale`` 16). ``images_test`` keeps the raw test
    images for display.

    Parameters
    ----------
    test_size, val_size : float
        Fractions of all samples for testing and validation.
    seed : int
        Same seed, same split.

    Returns
    -------
    Split
        ``X_*`` have 64 columns; ``y_*`` are int64 labels.

    Examples
    --------
    >>> from dlbook.data import load_digits
    >>> data = load_digits()
    >>> data.X_train.shape, data.images_test.shape
    ((1347, 64), (450, 8, 8))
    """
    from sklearn import datasets

    return _load(datasets.load_digits, test_size, val_size, seed, fixed_scale=16.0)


def _as_array(value, name: str) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array or tensor; got {type(value).__name__}")
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers; got dtype {array.dtype}")
    if array.ndim == 0 or array.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one sample; got shape {array.shape}")
    if array.dtype.kind == "f" and np.isnan(array).any():
        raise ValueError(f"{name} must not contain NaN")
    return array


class _BatchedTensorDataset(TensorDataset):
    """A ``TensorDataset`` that hands the ``DataLoader`` a whole batch at once.

    The ``DataLoader`` asks for a batch through ``__getitems__`` when a
    dataset has it. Indexing each tensor once with the batch's indices gives
    exactly the batch that fetching and stacking the samples one by one
    would, about four times faster for the book's small tables.
    """

    def __getitems__(self, indices):
        index = torch.as_tensor(indices, dtype=torch.int64)
        return tuple(tensor[index] for tensor in self.tensors)


def _whole_batch(batch):
    """``collate_fn`` for :class:`_BatchedTensorDataset`: the batch is already stacked."""
    return batch


def to_loader(X, y, batch_size: int, shuffle: bool = False, seed: int = 0) -> DataLoader:
    """Wrap arrays in a PyTorch ``DataLoader`` that yields ``(X, y)`` batches.

    Introduced in the chapter "The training loop" (``book/training-loop.md``).
    ``X`` becomes float32; ``y`` becomes int64 if it holds integers (class
    labels for ``nn.CrossEntropyLoss``), else float32.

    Parameters
    ----------
    X : array_like or torch.Tensor, shape (n_samples, ...)
    y : array_like or torch.Tensor, shape (n_samples, ...)
    batch_size : int
        Samples per batch (the last batch may be smaller).
    shuffle : bool
        Reshuffle the samples every epoch.
    seed : int
        Seed of the shuffling (same seed, same batches).

    Returns
    -------
    torch.utils.data.DataLoader

    Examples
    --------
    >>> from dlbook.data import six_cells, to_loader
    >>> X, y = six_cells()
    >>> loader = to_loader(X, y, batch_size=4)
    >>> [tuple(xb.shape) for xb, yb in loader]
    [(4, 2), (2, 2)]
    """
    X_arr, y_arr = _as_array(X, "X"), _as_array(y, "y")
    if X_arr.shape[0] != y_arr.shape[0]:
        raise ValueError(f"X and y must have the same number of samples; got X {X_arr.shape} and y {y_arr.shape}")
    batch_size = positive_int(batch_size, "batch_size")
    X_t = torch.as_tensor(X_arr, dtype=torch.float32)
    y_dtype = torch.int64 if y_arr.dtype.kind in "biu" else torch.float32
    y_t = torch.as_tensor(y_arr, dtype=y_dtype)
    generator = torch.Generator().manual_seed(_check_seed(seed))
    return DataLoader(_BatchedTensorDataset(X_t, y_t), batch_size=batch_size, shuffle=bool(shuffle),
                      generator=generator, collate_fn=_whole_batch)
