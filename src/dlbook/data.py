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
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dlbook._checks import (
    as_float_array,
    as_float_arrays,
    fraction,
    integer,
    non_negative_int,
    non_negative_number,
    number,
    positive_int,
    positive_number,
    random_seed,
)

__all__ = [
    "six_cells",
    "crop_yields",
    "CROP_WEIGHTS",
    "CROP_BIAS",
    "logic_gate",
    "noisy_sine",
    "projectile",
    "projectile_height",
    "Split",
    "load_iris",
    "load_breast_cancer",
    "load_digits",
    "standardize",
    "predator_prey",
    "CELL_SHAPES",
    "cell_images",
    "ATOM_TYPES",
    "ATOM_VALENCE",
    "ATOM_CONTRIBUTIONS",
    "ASSAY_NOISE_SD",
    "BOND_CONTRIBUTIONS",
    "group_contribution",
    "molecule_graphs",
    "pack_graphs",
    "MOTIF_A",
    "MOTIF_B",
    "DNA_BASES",
    "motif_order",
    "spectra_with_anomalies",
    "dose_response",
]

#: True rule behind :func:`crop_yields`: ``Y = X @ CROP_WEIGHTS + CROP_BIAS`` (+ noise).
#: Rows: temperature (deg C), rainfall (mm), humidity (%); columns: apples, oranges (t/ha).
CROP_WEIGHTS = np.array([[0.30, 0.90], [0.15, 0.10], [0.10, 0.05]])
#: Intercepts of the crop rule (apples, oranges), tonnes per hectare.
CROP_BIAS = np.array([-5.0, -8.0])


def six_cells() -> tuple[np.ndarray, np.ndarray]:
    """Six cells, two measured genes, two cell types: the book's first classification data.

    Introduced in the chapter "Neurons, layers and networks". Each row is one cell; the columns are
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
    X = np.array([[1.2, 3.1], [0.8, 2.4], [1.6, 3.7], [3.4, 1.3], [4.1, 0.9], [2.9, 1.8]], dtype=np.float32)
    y = np.array([[0], [0], [0], [1], [1], [1]], dtype=np.float32)
    return X, y


def crop_yields(seed: int = 0, n_samples: int = 15) -> tuple[np.ndarray, np.ndarray]:
    """Yields of apples and oranges from weather records: a small linear-regression table.

    Introduced in the chapter "The training loop".
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
    rng = np.random.default_rng(random_seed(seed))
    n_samples = positive_int(n_samples, "n_samples")
    temperature = np.round(rng.uniform(15.0, 35.0, n_samples), 1)
    rainfall = np.round(rng.uniform(40.0, 160.0, n_samples))
    humidity = np.round(rng.uniform(30.0, 80.0, n_samples))
    X = np.column_stack([temperature, rainfall, humidity])
    Y = X @ CROP_WEIGHTS + CROP_BIAS + rng.normal(0.0, 1.0, size=(n_samples, 2))
    return X.astype(np.float32), np.round(Y, 1).astype(np.float32)


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a logic gate: all four pairs of 0/1 inputs and the output.

    Introduced in the chapter "Neurons, layers and networks": a single neuron can learn AND and OR
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

    Introduced in the chapter "Generalization".
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
    rng = np.random.default_rng(random_seed(seed))
    x = np.sort(rng.uniform(0.0, 2.0 * np.pi, n))
    y = np.sin(x) + rng.normal(0.0, non_negative_number(noise, "noise"), n)
    return x.reshape(-1, 1).astype(np.float32), y.reshape(-1, 1).astype(np.float32)


def projectile_height(speed, angle, t, g: float = 9.81) -> np.ndarray:
    """Height of a projectile launched from the ground, without air resistance.

    ``h = speed * sin(angle) * t - g * t**2 / 2``. Introduced in the chapter
    "Case study: physics", where a network learns
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
    speed, angle, t = as_float_arrays(speed=speed, angle=angle, t=t)
    return speed * np.sin(angle) * t - 0.5 * g * t**2


def projectile(n: int = 200, seed: int = 0, noise: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Heights of projectiles at random moments of their flight: a physics regression task.

    Introduced in the chapter "Case study: physics".
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
    rng = np.random.default_rng(random_seed(seed))
    speed = rng.uniform(10.0, 30.0, n)
    angle = np.deg2rad(rng.uniform(20.0, 70.0, n))
    flight_time = 2.0 * speed * np.sin(angle) / 9.81
    t = rng.uniform(0.0, 1.0, n) * flight_time
    height = projectile_height(speed, angle, t) + rng.normal(0.0, non_negative_number(noise, "noise"), n)
    X = np.column_stack([speed, angle, t]).astype(np.float32)
    return X, height.reshape(-1, 1).astype(np.float32)


@dataclass
class Split:
    """A data set split into training, test and (optionally) validation parts.

    Returned by :func:`load_iris`, :func:`load_breast_cancer` and
    :func:`load_digits`; introduced in the chapter "Generalization".

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

    Introduced in the chapter "Generalization".
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
    test_size = fraction(test_size, "test_size", allow_zero=False)
    val_size = fraction(val_size, "val_size")
    if test_size + val_size >= 1.0:
        raise ValueError(f"test_size + val_size must be < 1; got test_size {test_size} and val_size {val_size}")
    return test_size, val_size


def _split(X: np.ndarray, y: np.ndarray, test_size: float, val_size: float, seed: int):
    """Stratified index split: (train, test, val or None)."""
    from sklearn.model_selection import train_test_split

    index = np.arange(len(y))
    train, test = train_test_split(index, test_size=test_size, stratify=y, random_state=seed)
    val = None
    if val_size > 0:
        train, val = train_test_split(
            train, test_size=val_size / (1.0 - test_size), stratify=y[train], random_state=seed
        )
    return train, test, val


def _load(
    bunch_loader: Callable,
    test_size: float,
    val_size: float,
    seed: int,
    *,
    binary: bool = False,
    fixed_scale: float | None = None,
) -> Split:
    test_size, val_size = _check_fractions(test_size, val_size)
    seed = random_seed(seed)
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
    return Split(
        X_train=X_train,
        X_test=X_test,
        X_val=X_val,
        y_train=target(train),
        y_test=target(test),
        y_val=target(val),
        feature_names=feature_names,
        target_names=tuple(str(n) for n in bunch.target_names),
        mean=mean,
        scale=scale,
        images_test=bunch.images[test].astype(np.float32) if hasattr(bunch, "images") else None,
    )


def load_iris(test_size: float = 0.25, val_size: float = 0.0, seed: int = 0) -> Split:
    """Fisher's iris flowers: 150 samples, 4 measurements (cm), 3 species.

    Introduced in the chapter "Case study: iris".
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

    Introduced in the chapter "Case study: clinical data". Labels follow scikit-learn: **0 = malignant,
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

    Introduced in the chapter "Case study: digits".
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


def _lotka_volterra_rate(state: np.ndarray, alpha: float, beta: float, gamma: float, delta: float) -> np.ndarray:
    prey, predators = state[..., 0], state[..., 1]
    return np.stack([alpha * prey - beta * prey * predators, delta * prey * predators - gamma * predators], axis=-1)


def predator_prey(
    n_steps: int = 600, dt: float = 0.2, noise: float = 0.03, seed: int = 0, start=(10.0, 5.0)
) -> tuple[np.ndarray, np.ndarray]:
    """A noisy predator-prey (Lotka-Volterra) time series: a forecasting task.

    Introduced in the chapter "Sequences and recurrent networks". Prey ``x`` and predators ``y`` follow

    ``dx/dt = 1.0 x - 0.1 x y``,  ``dy/dt = 0.075 x y - 1.5 y``,

    starting by default from 10 prey and 5 predators (equilibrium: 20 prey,
    10 predators). Between two samples the equations are integrated with ten
    fourth-order Runge-Kutta steps; then each population is multiplied by
    ``exp(noise * sqrt(dt) * e)`` with ``e`` standard normal (random births
    and deaths), so no two cycles are alike. With ``noise=0`` the cycles
    repeat and ``0.075 x - 1.5 ln x + 0.1 y - 1.0 ln y`` stays constant.

    Parameters
    ----------
    n_steps : int
        Number of samples.
    dt : float
        Time between samples (> 0).
    noise : float
        Strength of the random fluctuations (>= 0).
    seed : int
        Same seed, same series.
    start : array_like, shape (2,) or (m, 2)
        Prey and predators at time 0 (all > 0). With ``m`` rows, ``m``
        series are run side by side (each with its own noise).

    Returns
    -------
    t : numpy.ndarray, shape (n_steps,), float32
        Sample times.
    populations : numpy.ndarray, shape (n_steps, 2) or (n_steps, m, 2), float32
        Prey and predators (last axis).

    Examples
    --------
    >>> from dlbook.data import predator_prey
    >>> t, populations = predator_prey(n_steps=5, seed=0)
    >>> [round(float(time), 1) for time in t]
    [0.0, 0.2, 0.4, 0.6, 0.8]
    >>> populations.shape, populations[0].tolist()
    ((5, 2), [10.0, 5.0])
    """
    n_steps = positive_int(n_steps, "n_steps")
    dt = positive_number(dt, "dt")
    noise = non_negative_number(noise, "noise")
    rng = np.random.default_rng(random_seed(seed))
    state = as_float_array(start, "start", ndim=(1, 2))
    if state.shape[-1] != 2 or not (state > 0).all():
        raise ValueError(f"start must hold pairs of populations > 0 (prey, predators); got {state.tolist()}")
    rates = dict(alpha=1.0, beta=0.1, gamma=1.5, delta=0.075)
    h = dt / 10
    populations = np.empty((n_steps, *state.shape))
    for i in range(n_steps):
        populations[i] = state
        for _ in range(10):
            k1 = _lotka_volterra_rate(state, **rates)
            k2 = _lotka_volterra_rate(state + h / 2 * k1, **rates)
            k3 = _lotka_volterra_rate(state + h / 2 * k2, **rates)
            k4 = _lotka_volterra_rate(state + h * k3, **rates)
            state = state + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        state = state * np.exp(noise * np.sqrt(dt) * rng.standard_normal(state.shape))
    t = np.arange(n_steps) * dt
    return t.astype(np.float32), populations.astype(np.float32)


# -- Molecule-like graphs (chapter "Graph neural networks") --------------------

#: Atom types of :func:`molecule_graphs`, in the order of the one-hot feature columns.
ATOM_TYPES = ("C", "N", "O")
#: Most bonds each atom type forms in :func:`molecule_graphs` (its valence): C 4, N 3, O 2.
ATOM_VALENCE = np.array([4, 3, 2])
#: What each atom adds to :func:`group_contribution` (C, N, O).
ATOM_CONTRIBUTIONS = np.array([1.0, 2.0, 3.0])
#: What each bond adds to :func:`group_contribution`, by the types of its two atoms
#: (rows and columns C, N, O; symmetric).
BOND_CONTRIBUTIONS = np.array([[0.0, 1.0, -2.0], [1.0, 2.0, 0.5], [-2.0, 0.5, 1.5]])


def group_contribution(A, X, bond_weight: float = 1.0) -> np.ndarray:
    """The exact target of :func:`molecule_graphs`: a sum over atoms plus a sum over bonds.

    Introduced in the chapter "Graph neural networks".
    Each atom of type ``t`` adds ``ATOM_CONTRIBUTIONS[t]``; each bond between
    types ``s`` and ``t`` adds ``bond_weight * BOND_CONTRIBUTIONS[s, t]``. This is
    the shape of the group-contribution rules chemists use to estimate a
    molecule's properties from its parts.

    Parameters
    ----------
    A : array_like, shape (..., n_nodes, n_nodes)
        Adjacency matrices (symmetric, 0 and 1); padding rows are zero.
    X : array_like, shape (..., n_nodes, 3)
        One-hot atom types (columns C, N, O); padding rows are zero.
    bond_weight : float
        Scale of the bond term; 0 leaves only the sum over atoms.

    Returns
    -------
    numpy.ndarray, shape (..., 1)
        One value per graph.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import group_contribution
    >>> A = np.array([[0, 1], [1, 0]])               # two atoms, one bond
    >>> X = np.array([[1, 0, 0], [0, 0, 1]])         # C and O
    >>> group_contribution(A, X).tolist()            # 1 + 3 for the atoms, -2 for C-O
    [2.0]
    """
    A = as_float_array(A, "A", ndim=(2, 3))
    X = as_float_array(X, "X", ndim=A.ndim)
    if A.shape[-1] != A.shape[-2] or X.shape[:-1] != A.shape[:-1] or X.shape[-1] != len(ATOM_TYPES):
        raise ValueError(f"A must be (..., n, n) and X (..., n, {len(ATOM_TYPES)}); got A {A.shape} and X {X.shape}")
    bond_weight = number(bond_weight, "bond_weight")
    atoms = X.sum(axis=-2) @ ATOM_CONTRIBUTIONS
    # Every bond appears twice in A (i-j and j-i), hence the half.
    bonds = 0.5 * np.einsum("...ik,...ij,...jk->...", X @ BOND_CONTRIBUTIONS, A, X)
    return (atoms + bond_weight * bonds)[..., None]


def _one_molecule(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Atom types and adjacency of one random molecule-like graph with n atoms."""
    types = rng.choice(len(ATOM_TYPES), size=n, p=[0.6, 0.2, 0.2])
    types[0] = 0  # start from a carbon: there is always a free bond
    free = ATOM_VALENCE[types].copy()
    adj = np.zeros((n, n), dtype=np.float32)
    for i in range(1, n):  # a random tree: join each atom to an earlier one
        candidates = np.flatnonzero(free[:i] > 0)
        j = candidates[rng.integers(len(candidates))]
        adj[i, j] = adj[j, i] = 1.0
        free[i] -= 1
        free[j] -= 1
    for _ in range(rng.choice(3, p=[0.4, 0.4, 0.2])):  # 0, 1 or 2 ring-closing bonds
        rows, cols = np.nonzero(np.triu((adj == 0) & (free[:, None] > 0) & (free[None, :] > 0), k=1))
        if len(rows) == 0:
            break
        k = rng.integers(len(rows))
        adj[rows[k], cols[k]] = adj[cols[k], rows[k]] = 1.0
        free[rows[k]] -= 1
        free[cols[k]] -= 1
    order = rng.permutation(n)  # atoms come in no particular order, as in a file
    return types[order], adj[order][:, order]


def molecule_graphs(
    n_graphs: int = 1000, seed: int = 0, n_max: int = 12, n_min: int = 4, bond_weight: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random molecule-like graphs of C, N and O atoms, with an exactly computable property.

    Introduced in the chapter "Graph neural networks".
    Each graph has between ``n_min`` and ``n_max`` atoms (C with probability
    0.6, N and O 0.2 each). The atoms are joined into a random tree that
    respects each type's valence (``ATOM_VALENCE``), and 0, 1 or 2 extra bonds
    close rings. Hydrogens and bond orders are left out. The atoms are then
    put in random order. The target is :func:`group_contribution`.

    Parameters
    ----------
    n_graphs : int
        Number of graphs.
    seed : int
        Same seed, same graphs.
    n_max : int
        Most atoms per graph; every array is padded to this size.
    n_min : int
        Fewest atoms per graph (>= 2).
    bond_weight : float
        Scale of the bond term of the target (0: atoms only).

    Returns
    -------
    A : numpy.ndarray, shape (n_graphs, n_max, n_max), float32
        Adjacency matrices, zero in the padding.
    X : numpy.ndarray, shape (n_graphs, n_max, 3), float32
        One-hot atom types (columns ``ATOM_TYPES``), zero rows in the padding.
    y : numpy.ndarray, shape (n_graphs, 1), float32
        The property of each graph.

    Examples
    --------
    >>> from dlbook.data import molecule_graphs
    >>> A, X, y = molecule_graphs(n_graphs=5, seed=0)
    >>> A.shape, X.shape, y.shape
    ((5, 12, 12), (5, 12, 3), (5, 1))
    """
    rng = np.random.default_rng(random_seed(seed))
    n_graphs = positive_int(n_graphs, "n_graphs")
    n_min = integer(n_min, "n_min", minimum=2)
    n_max = integer(n_max, "n_max", minimum=n_min)
    A = np.zeros((n_graphs, n_max, n_max), dtype=np.float32)
    X = np.zeros((n_graphs, n_max, len(ATOM_TYPES)), dtype=np.float32)
    for g in range(n_graphs):
        n = int(rng.integers(n_min, n_max + 1))
        types, adj = _one_molecule(rng, n)
        A[g, :n, :n] = adj
        X[g, np.arange(n), types] = 1.0
    y = group_contribution(A, X, bond_weight).astype(np.float32)
    return A, X, y


def pack_graphs(A, X) -> np.ndarray:
    """Pack padded graphs into one float array per graph, the input of :class:`dlbook.models.GCN`.

    Introduced in the chapter "Graph neural networks".
    :func:`to_loader` takes one array of inputs, so each graph's adjacency
    matrix, a node mask (1 for a real node, 0 for padding) and its node
    features are put side by side: row ``i`` of graph ``g`` is
    ``[A[g, i, :], mask[g, i], X[g, i, :]]``. A node is real when its row of
    ``A`` or of ``X`` is not all zero.

    Parameters
    ----------
    A : array_like, shape (n_graphs, n_max, n_max)
    X : array_like, shape (n_graphs, n_max, n_features)

    Returns
    -------
    numpy.ndarray, shape (n_graphs, n_max, n_max + 1 + n_features), float32

    Examples
    --------
    >>> from dlbook.data import molecule_graphs, pack_graphs
    >>> A, X, y = molecule_graphs(n_graphs=5, seed=0)
    >>> pack_graphs(A, X).shape
    (5, 12, 16)
    """
    A = as_float_array(A, "A", ndim=3)
    X = as_float_array(X, "X", ndim=3)
    if A.shape[1] != A.shape[2] or X.shape[:2] != A.shape[:2]:
        raise ValueError(
            f"A must be (n_graphs, n_max, n_max) and X (n_graphs, n_max, n_features); got A {A.shape} and X {X.shape}"
        )
    mask = (np.any(A != 0, axis=2) | np.any(X != 0, axis=2))[..., None]
    return np.concatenate([A, mask, X], axis=2).astype(np.float32)


#: Class names of :func:`cell_images`, in label order.
CELL_SHAPES = ("round", "elongated", "doublet")


def _per_image(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """n uniform draws shaped (n, 1, 1), to broadcast over the pixels of n images."""
    return rng.uniform(low, high, n)[:, None, None]


def _cell_distance(y: np.ndarray, u: np.ndarray, v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scaled distance of every pixel from its cell's outline (< 1 inside), in the cells' own axes."""

    def size(low, high):
        return _per_image(rng, low, high, len(y))

    disc = np.hypot(u, v) / size(2.4, 3.4)  # round
    rod = np.hypot(u / size(4.0, 5.5), v / size(1.1, 1.5))  # elongated, like a bacterium
    radius = size(1.4, 2.0)  # doublet: two discs, a gap
    offset = radius + size(0.7, 1.3)
    pair = np.minimum(np.hypot(u - offset, v), np.hypot(u + offset, v)) / radius
    return np.choose(y[:, None, None], [disc, rod, pair])


def cell_images(n: int = 600, size: int = 16, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic microscope fields, one cell each: round, elongated or a doublet.

    Introduced in the chapter "Convolutional networks". Each image shows one dark-stained
    cell on a background with a gentle illumination gradient and Gaussian
    pixel noise. The cell's position (its centre anywhere in the middle 40 %
    of the field), orientation, size and brightness are random, so the class
    is told by shape alone: a round disc, a thin rod, or two small discs with
    a gap (a dividing cell). Labels follow :data:`CELL_SHAPES`; the three
    classes are equally common. The noise is drawn last, so the same seed
    with ``noise=0`` gives the same cells without noise.

    Parameters
    ----------
    n : int
        Number of images.
    size : int
        Side of each square image in pixels (>= 8).
    noise : float
        Standard deviation of the pixel noise (>= 0); the cell's brightness
        lies between 0.6 and 1.
    seed : int
        Same seed, same images.

    Returns
    -------
    X : numpy.ndarray, shape (n, 1, size, size), float32
        Images with one channel, ready for ``nn.Conv2d``.
    y : numpy.ndarray, shape (n,), int64
        0 = round, 1 = elongated, 2 = doublet.

    Examples
    --------
    >>> from dlbook.data import cell_images
    >>> X, y = cell_images(6, seed=0)
    >>> X.shape, X.dtype, sorted(y.tolist())
    ((6, 1, 16, 16), dtype('float32'), [0, 0, 1, 1, 2, 2])
    """
    n = positive_int(n, "n")
    size = integer(size, "size", minimum=8)
    noise = non_negative_number(noise, "noise")
    rng = np.random.default_rng(random_seed(seed))
    y = rng.permutation(np.arange(n) % len(CELL_SHAPES))
    rows, cols = np.mgrid[0:size, 0:size] + 0.5

    def per_image(low, high):
        return _per_image(rng, low, high, n)

    du, dv = cols - per_image(0.3 * size, 0.7 * size), rows - per_image(0.3 * size, 0.7 * size)
    angle = per_image(0.0, np.pi)
    u = du * np.cos(angle) + dv * np.sin(angle)  # along the cell's long axis
    v = -du * np.sin(angle) + dv * np.cos(angle)
    distance = _cell_distance(y, u, v, rng)
    cells = per_image(0.6, 1.0) / (1.0 + np.exp(6.0 * (distance - 1.0)))  # soft edge
    background = per_image(-0.15, 0.15) * (rows / size - 0.5) + per_image(-0.15, 0.15) * (cols / size - 0.5)
    X = cells + background + rng.normal(0.0, noise, (n, size, size))
    return X[:, None].astype(np.float32), y.astype(np.int64)


# --- Representation learning ------------------------------------------------


def _peak(channels: np.ndarray, centre, width: float) -> np.ndarray:
    return np.exp(-0.5 * ((channels - centre) / width) ** 2)


def spectra_with_anomalies(
    n_samples: int = 800, n_channels: int = 64, anomaly_fraction: float = 0.05, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Spectra of two-compound mixtures, a few of them contaminated: an anomaly-detection task.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings". Each normal spectrum mixes
    compound A (peaks at 0.30 and 0.55 of the axis) and compound B (peaks at
    0.45 and 0.70) in a random proportion, shifted by a random calibration
    drift of up to 0.06, on a sloping baseline, with Gaussian noise of
    standard deviation 0.02. So three numbers (proportion, drift, slope)
    describe a normal spectrum. An anomalous spectrum has, in addition, one
    narrow contaminant peak at a random position.

    Parameters
    ----------
    n_samples : int
        Number of spectra.
    n_channels : int
        Points per spectrum (>= 8), evenly spaced on [0, 1].
    anomaly_fraction : float
        Share of contaminated spectra, in [0, 1).
    seed : int
        Same seed, same spectra.

    Returns
    -------
    X : numpy.ndarray, shape (n_samples, n_channels), float32
        Intensities.
    y : numpy.ndarray, shape (n_samples,), int64
        1 for a contaminated spectrum, 0 for a normal one.

    Examples
    --------
    >>> from dlbook.data import spectra_with_anomalies
    >>> X, y = spectra_with_anomalies(100, seed=0)
    >>> X.shape, int(y.sum())
    ((100, 64), 5)
    """
    n_samples = positive_int(n_samples, "n_samples")
    n_channels = integer(n_channels, "n_channels", minimum=8)
    anomaly_fraction = fraction(anomaly_fraction, "anomaly_fraction")
    rng = np.random.default_rng(random_seed(seed))
    channels = np.linspace(0.0, 1.0, n_channels)
    y = np.zeros(n_samples, dtype=np.int64)
    y[rng.choice(n_samples, int(round(anomaly_fraction * n_samples)), replace=False)] = 1
    drift = rng.uniform(-0.06, 0.06, (n_samples, 1))
    share_a = rng.uniform(0.4, 1.0, (n_samples, 1))
    slope = rng.uniform(0.0, 0.1, (n_samples, 1))
    compound_a = _peak(channels, 0.30 + drift, 0.03) + 0.5 * _peak(channels, 0.55 + drift, 0.04)
    compound_b = 0.6 * _peak(channels, 0.45 + drift, 0.03) + _peak(channels, 0.70 + drift, 0.03)
    X = share_a * compound_a + (1.0 - share_a) * compound_b + slope * channels
    contaminant = rng.uniform(0.25, 0.5, (n_samples, 1)) * _peak(channels, rng.uniform(0.1, 0.9, (n_samples, 1)), 0.02)
    X = X + y[:, None] * contaminant + rng.normal(0.0, 0.02, X.shape)
    return X.astype(np.float32), y


#: Standard deviation of the Gaussian noise on every response of :func:`dose_response`.
ASSAY_NOISE_SD = 0.03


def dose_response(
    n_samples: int = 600, n_compounds: int = 30, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Responses of an assay to many compounds at many doses: a task with a categorical input.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings". Each compound has two hidden
    properties, its potency ``p`` (the log10 dose of half effect, in
    [-1, 1]) and its efficacy ``e`` (the largest effect, in [0.2, 1]). A
    sample is one compound at one log10 dose ``d`` in [-2, 2]; its response
    is ``e * sigmoid(3 (d - p))`` plus Gaussian noise of standard deviation
    :data:`ASSAY_NOISE_SD` (0.03). A model sees only the compound's number and the dose, so it has
    to learn what each compound is like.

    Parameters
    ----------
    n_samples : int
        Number of measurements.
    n_compounds : int
        Number of compounds (>= 2).
    seed : int
        Same seed, same compounds and measurements.

    Returns
    -------
    compound : numpy.ndarray, shape (n_samples,), int64
        Compound numbers in ``[0, n_compounds)``.
    log_dose : numpy.ndarray, shape (n_samples,), float32
    response : numpy.ndarray, shape (n_samples, 1), float32
    properties : numpy.ndarray, shape (n_compounds, 2), float64
        The hidden potency and efficacy of each compound.

    Examples
    --------
    >>> from dlbook.data import dose_response
    >>> compound, log_dose, response, properties = dose_response(50, n_compounds=5, seed=0)
    >>> compound.shape, log_dose.shape, response.shape, properties.shape
    ((50,), (50,), (50, 1), (5, 2))
    """
    n_samples = positive_int(n_samples, "n_samples")
    n_compounds = integer(n_compounds, "n_compounds", minimum=2)
    rng = np.random.default_rng(random_seed(seed))
    properties = np.column_stack([rng.uniform(-1.0, 1.0, n_compounds), rng.uniform(0.2, 1.0, n_compounds)])
    compound = rng.integers(0, n_compounds, n_samples)
    log_dose = rng.uniform(-2.0, 2.0, n_samples)
    potency, efficacy = properties[compound, 0], properties[compound, 1]
    response = efficacy / (1.0 + np.exp(-3.0 * (log_dose - potency))) + rng.normal(0.0, ASSAY_NOISE_SD, n_samples)
    return (
        compound.astype(np.int64),
        log_dose.astype(np.float32),
        response.reshape(-1, 1).astype(np.float32),
        properties,
    )


#: The two motifs planted by :func:`motif_order`: each sequence holds each motif exactly once.
MOTIF_A = "CACGT"
MOTIF_B = "TTGGC"
#: The letters of DNA in the order of the one-hot columns used by :func:`motif_order`.
DNA_BASES = "ACGT"


def motif_order(
    n_samples: int = 1000, length: int = 40, min_gap: int = 10, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Random DNA with two planted motifs; the label says which motif comes first.

    Introduced in the chapter "Attention and transformers". Each sequence is uniformly
    random DNA holding :data:`MOTIF_A` once and :data:`MOTIF_B` once, with at
    least ``min_gap`` bases between them. The label is 1 if A comes first
    (upstream of B) and 0 if B comes first, drawn with probability 1/2. Both
    classes contain the same letters and the same motifs: only their order
    differs, so counting k-mers cannot tell the classes apart.

    Parameters
    ----------
    n_samples : int
        Number of sequences (>= 1).
    length : int
        Bases per sequence; must leave room for both motifs and the gap.
    min_gap : int
        Fewest bases between the end of the first motif and the start of the second (>= 0).
    seed : int
        Same seed, same sequences.

    Returns
    -------
    X : numpy.ndarray, shape (n_samples, length, 4), float32
        One-hot DNA, columns in the order of :data:`DNA_BASES`.
    y : numpy.ndarray, shape (n_samples,), int64
        1 if motif A comes before motif B, else 0.

    Examples
    --------
    >>> from dlbook.data import DNA_BASES, motif_order
    >>> X, y = motif_order(n_samples=3, seed=0)
    >>> X.shape, y.dtype
    ((3, 40, 4), dtype('int64'))
    >>> sequence = "".join(DNA_BASES[i] for i in X[0].argmax(axis=1))
    >>> int(sequence.find("CACGT") < sequence.find("TTGGC")) == int(y[0])
    True
    """
    n_samples = positive_int(n_samples, "n_samples")
    length = positive_int(length, "length")
    min_gap = non_negative_int(min_gap, "min_gap")
    m = len(MOTIF_A)
    if length < 2 * m + min_gap:
        raise ValueError(f"length must be >= 2 * {m} + min_gap = {2 * m + min_gap}; got {length}")
    rng = np.random.default_rng(random_seed(seed))
    codes = {base: i for i, base in enumerate(DNA_BASES)}
    X = np.zeros((n_samples, length, 4), dtype=np.float32)
    y = np.zeros(n_samples, dtype=np.int64)
    i = 0
    while i < n_samples:
        label = int(rng.integers(0, 2))
        start = int(rng.integers(0, length - 2 * m - min_gap + 1))  # first motif
        second = int(rng.integers(start + m + min_gap, length - m + 1))  # second motif
        bases = rng.integers(0, 4, length)
        first_motif, second_motif = (MOTIF_A, MOTIF_B) if label else (MOTIF_B, MOTIF_A)
        bases[start : start + m] = [codes[b] for b in first_motif]
        bases[second : second + m] = [codes[b] for b in second_motif]
        text = "".join(DNA_BASES[b] for b in bases)
        if text.count(MOTIF_A) != 1 or text.count(MOTIF_B) != 1:
            continue  # a motif also turned up by chance: draw again
        X[i, np.arange(length), bases] = 1.0
        y[i] = label
        i += 1
    return X, y
