"""The numbers behind the book's explorable figures, computed by ``dlbook`` itself.

A reader turns a knob on an explorable figure and the page redraws it with
no kernel: every value the page can show was computed here when the book
was built, by the same tested functions the chapters call. Each function
returns a small dictionary of lists and numbers, ready for ``json.dumps``
(floats rounded to 4 significant digits); the page's script only looks
values up and draws them.

The ``{explorable}`` directive (``dlbook.sphinx.explore``) finds a figure's
function by its name in :data:`FIGURES`. The figures that replay a training
run import PyTorch when they are called, not with this module: the Sphinx
extension imports it, and a build that reads none of their pages should not
pay for loading PyTorch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from dlbook import activations, descent, scratch
from dlbook._checks import as_float_array, choice, positive_int, positive_number
from dlbook.convolution import conv1d

__all__ = [
    "FIGURES",
    "learning_rate",
    "bowl",
    "neuron",
    "convolution",
    "backpropagation",
    "training",
    "overfitting",
    "figure_data",
    "rounded",
]

#: Significant digits kept in every number sent to the page.
DIGITS = 4


def rounded(values) -> float | list:
    """``values`` as plain Python floats (nested lists for arrays), rounded to 4 significant digits.

    Examples
    --------
    >>> rounded(np.array([1 / 3, 12345.678, 0.0]))
    [0.3333, 12350.0, 0.0]
    >>> rounded(2.0 / 3.0)
    0.6667
    """
    array = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"values must be finite to be sent to the page; got {array[~np.isfinite(array)][:3]}")
    as_text = np.vectorize(lambda v: float(f"{v:.{DIGITS}g}"), otypes=[float])
    result = as_text(array) if array.size else array
    return float(result) if result.ndim == 0 else result.tolist()


def _grid(start: float, stop: float, step: float) -> np.ndarray:
    """``start, start + step, ..., stop`` without the drift of repeated addition."""
    count = int(round((stop - start) / step))
    return start + step * np.arange(count + 1)


# --------------------------------------------------------------------------
# Gradient descent on f(x) = x**2


def learning_rate(
    x0: float = 20.0, num_steps: int = 20, lr_step: float = 0.01, lr_max: float = 1.1, tolerance: float = 0.01
) -> dict:
    """Gradient descent on ``f(x) = x**2`` for a grid of learning rates.

    For each rate ``lr_step, 2 * lr_step, ..., lr_max`` the path of
    :func:`dlbook.descent.gradient_descent` from ``x0``, its final loss, and
    how many steps it needs to come within ``tolerance`` of the minimum
    (``None`` if it never does within 1000 steps).

    Parameters
    ----------
    x0 : float
        Starting point, != 0.
    num_steps : int
        Steps drawn per path, >= 1.
    lr_step, lr_max : float
        Spacing and largest value of the learning rates, both > 0.
    tolerance : float
        Distance to the minimum that counts as arrived, > 0.

    Returns
    -------
    dict
        ``lrs`` (n,), ``paths`` (n, num_steps + 1), ``final_loss`` (n,),
        ``steps_to_reach`` (n,), the parabola ``curve`` (``x``, ``y``) and
        the arguments.

    Examples
    --------
    >>> data = learning_rate()
    >>> i = data["lrs"].index(0.1)
    >>> data["paths"][i][:3], data["steps_to_reach"][i]
    ([20.0, 16.0, 12.8], 35)
    >>> data["steps_to_reach"][data["lrs"].index(1.0)] is None
    True
    """
    x0 = float(as_float_array(x0, "x0", ndim=0))
    if x0 == 0:
        raise ValueError("x0 must not be 0, the minimum itself; got 0.0")
    num_steps = positive_int(num_steps, "num_steps")
    lr_step, lr_max = positive_number(lr_step, "lr_step"), positive_number(lr_max, "lr_max")
    tolerance = positive_number(tolerance, "tolerance")
    if lr_max < lr_step:
        raise ValueError(f"lr_max must be >= lr_step ({lr_step}); got {lr_max}")
    lrs = _grid(lr_step, lr_max, lr_step)
    if lrs.size > 400:
        raise ValueError(f"lr_max / lr_step gives {lrs.size} learning rates; at most 400 keep the page small")

    def grad(x):
        return 2 * x

    paths, reach = [], []
    for lr in lrs:
        long_path = np.abs(descent.gradient_descent(grad, x0, lr, 1000))
        arrived = np.flatnonzero(long_path < tolerance)
        reach.append(int(arrived[0]) if arrived.size else None)
        paths.append(descent.gradient_descent(grad, x0, lr, num_steps))
    paths = np.array(paths)
    reach_x = 1.25 * abs(x0)
    curve_x = np.linspace(-reach_x, reach_x, 101)
    return {
        "x0": x0,
        "num_steps": num_steps,
        "tolerance": tolerance,
        "lrs": rounded(lrs),
        "paths": rounded(paths),
        "final_loss": rounded(paths[:, -1] ** 2),
        "steps_to_reach": reach,
        "curve": {"x": rounded(curve_x), "y": rounded(curve_x**2)},
    }


def bowl(
    w0: Sequence[float] = (-8.0, 2.0),
    curvature: Sequence[float] = (1.0, 10.0),
    num_steps: int = 40,
    lr_step: float = 0.01,
    lr_max: float = 0.25,
    tolerance: float = 1e-3,
    lr0: float = 0.18,
) -> dict:
    """Gradient descent on the elongated bowl ``L(w) = sum(curvature * w**2) / 2`` for a grid of learning rates.

    For each rate ``lr_step, 2 * lr_step, ..., lr_max`` the path of
    :func:`dlbook.descent.gradient_descent` from ``w0``, its final loss, and
    the first step at which the loss is below ``tolerance`` (``None`` if it
    is not within ``num_steps``). The walk converges exactly when the
    learning rate is below ``2 / max(curvature)``, the ``limit``.

    Parameters
    ----------
    w0 : sequence of float, shape (2,)
        Starting point.
    curvature : sequence of float, shape (2,)
        Curvature of the bowl along each axis, both > 0.
    num_steps : int
        Steps per path, >= 1.
    lr_step, lr_max : float
        Spacing and largest value of the learning rates, both > 0 (at most 100 rates).
    tolerance : float
        Loss that counts as arrived, > 0.
    lr0 : float
        The learning rate the figure shows first, one of the grid's.

    Returns
    -------
    dict
        ``w0``, ``curvature``, ``limit``, ``tolerance``, ``lr0``, ``lrs``
        (n,), ``factors`` (n, 2: what one step multiplies each coordinate
        by, ``1 - lr * curvature``), ``paths`` (n, num_steps + 1, 2),
        ``final_loss`` (n,) and ``steps_to_reach`` (n,).

    Examples
    --------
    >>> data = bowl()
    >>> i = data["lrs"].index(0.18)
    >>> data["limit"], data["factors"][i], data["paths"][i][1], data["steps_to_reach"][i]
    (0.2, [0.82, -0.8], [-6.56, -1.6], 27)
    >>> data["steps_to_reach"][data["lrs"].index(0.21)] is None
    True
    """
    w0 = as_float_array(w0, "w0", ndim=1)
    curvature = as_float_array(curvature, "curvature", ndim=1)
    if w0.shape != (2,) or curvature.shape != (2,):
        raise ValueError(f"w0 and curvature must each hold 2 values; got shapes {w0.shape} and {curvature.shape}")
    if np.any(curvature <= 0):
        raise ValueError(f"curvature must be > 0 along both axes; got {curvature.tolist()}")
    num_steps = positive_int(num_steps, "num_steps")
    lr_step, lr_max = positive_number(lr_step, "lr_step"), positive_number(lr_max, "lr_max")
    tolerance = positive_number(tolerance, "tolerance")
    if lr_max < lr_step:
        raise ValueError(f"lr_max must be >= lr_step ({lr_step}); got {lr_max}")
    lrs = _grid(lr_step, lr_max, lr_step)
    if lrs.size > 100:
        raise ValueError(f"lr_max / lr_step gives {lrs.size} learning rates; at most 100 keep the page small")
    lr0 = positive_number(lr0, "lr0")
    if not np.any(np.isclose(lrs, lr0)):
        raise ValueError(f"lr0 must be one of the learning rates lr_step, 2 * lr_step, ..., lr_max; got {lr0}")

    def loss(w):
        return 0.5 * np.sum(curvature * w**2, axis=-1)

    paths = np.array([descent.gradient_descent(lambda w: curvature * w, w0, lr, num_steps) for lr in lrs])
    losses = loss(paths)
    reach = [int(np.argmax(row < tolerance)) if np.any(row < tolerance) else None for row in losses]
    return {
        "w0": rounded(w0),
        "curvature": rounded(curvature),
        "limit": rounded(2 / curvature.max()),
        "tolerance": tolerance,
        "lr0": rounded(lr0),
        "lrs": rounded(lrs),
        "factors": rounded(1 - lrs[:, None] * curvature),
        "paths": rounded(paths),
        "final_loss": rounded(losses[:, -1]),
        "steps_to_reach": reach,
    }


# --------------------------------------------------------------------------
# One neuron, a = f(w x + b)


def neuron(limit: float = 5.0, step: float = 0.25, x_step: float = 0.125) -> dict:
    """Activation tables for one neuron ``f(w x + b)`` with ``w`` and ``b`` on a grid.

    The input ``x`` runs over ``-limit ... limit`` in steps of ``x_step``;
    the weight and bias take the values ``-limit ... limit`` in steps of
    ``step``. Every ``z = w x + b`` then lies on a lattice of spacing
    ``step * x_step``, so each activation is tabulated once on that lattice
    and the page looks up ``f(z)`` exactly instead of interpolating.

    Parameters
    ----------
    limit : float
        Largest ``|x|``, ``|w|`` and ``|b|``, > 0.
    step, x_step : float
        Spacing of the weight and bias grid and of the input grid; both
        must be 1 / (a power of 2) so that the lattice is exact.

    Returns
    -------
    dict
        ``x`` (the inputs), ``limit``, ``step``, ``z_min`` and ``z_step``
        (the lattice) and ``tables``: for each of sigmoid, tanh and ReLU,
        ``f`` at every lattice point.

    Examples
    --------
    >>> data = neuron()
    >>> def output(name, w, b, x):
    ...     z = w * x + b
    ...     return data["tables"][name][round((z - data["z_min"]) / data["z_step"])]
    >>> output("sigmoid", 2.0, -3.0, 1.5), output("relu", -1.0, 0.5, -2.0)
    (0.5, 2.5)
    """
    limit = positive_number(limit, "limit")
    for value, name in ((step, "step"), (x_step, "x_step")):
        value = positive_number(value, name)
        if not float(np.log2(value)).is_integer():
            raise ValueError(f"{name} must be a power of 2 (such as 0.25) so that w x + b is exact; got {value}")
    x = _grid(-limit, limit, x_step)
    z_step = step * x_step
    z_max = limit * limit + limit
    z = _grid(-z_max, z_max, z_step)
    if z.size > 5000:
        raise ValueError(f"limit, step and x_step give {z.size} lattice points; at most 5000 keep the page small")
    names = ("sigmoid", "tanh", "relu")
    return {
        "x": rounded(x),
        "limit": limit,
        "step": step,
        "z_min": float(z[0]),
        "z_step": z_step,
        "tables": {name: rounded(activations.ACTIVATIONS[name](z)) for name in names},
    }


# --------------------------------------------------------------------------
# A kernel slid along a signal

#: The signal of the chapter "Convolutional networks" and three kernels to slide along it.
SIGNAL = (0.0, 1.0, 3.0, 2.0, 0.0, 1.0)
KERNELS = {
    "difference (1, 0, -1)": (1.0, 0.0, -1.0),
    "moving average (1/3, 1/3, 1/3)": (1 / 3, 1 / 3, 1 / 3),
    "edge (-1, 2, -1)": (-1.0, 2.0, -1.0),
}


def convolution(signal: Sequence[float] = SIGNAL, kernels: Mapping[str, Sequence[float]] | None = None) -> dict:
    """Each kernel slid along ``signal`` with :func:`dlbook.convolution.conv1d`.

    Parameters
    ----------
    signal : sequence of float, shape (L,)
        The 1-D signal, at most 40 values.
    kernels : mapping of str to sequence of float, optional
        Named kernels (default :data:`KERNELS`), each no longer than the signal.

    Returns
    -------
    dict
        ``signal`` and ``kernels``: a list of ``{"name", "weights", "output"}``.

    Examples
    --------
    >>> data = convolution()
    >>> data["kernels"][0]["name"], data["kernels"][0]["output"]
    ('difference (1, 0, -1)', [-3.0, -1.0, 3.0, 1.0])
    """
    signal = as_float_array(signal, "signal", ndim=1)
    if signal.size > 40:
        raise ValueError(f"signal must have at most 40 values to fit the figure; got {signal.size}")
    kernels = KERNELS if kernels is None else kernels
    if not isinstance(kernels, Mapping) or not kernels:
        raise TypeError(f"kernels must be a non-empty mapping of names to weights; got {type(kernels).__name__}")
    entries = []
    for name, weights in kernels.items():
        weights = as_float_array(weights, f"kernels[{name!r}]", ndim=1)
        if weights.size > signal.size:
            raise ValueError(
                f"kernels[{name!r}] must not be longer than the signal ({signal.size} values); got {weights.size}"
            )
        entries.append({"name": str(name), "weights": rounded(weights), "output": rounded(conv1d(signal, weights))})
    return {"signal": rounded(signal), "kernels": entries}


# --------------------------------------------------------------------------
# Backpropagation through the worked 3-2-1 network, one step at a time


def _step(phase: str, formula: str, values: dict, labels: Mapping[str, str], edges: Sequence[str]) -> dict:
    """One step of the walk: what is computed (``formula``), its ``values``, and where in the network.

    ``labels`` maps each node the step works on to the value written beside it.
    """
    return {
        "phase": phase,
        "formula": formula,
        "values": [[name, rounded(value)] for name, value in values.items()],
        "labels": dict(labels),
        "edges": list(edges),
    }


def backpropagation(activation: str = "relu") -> dict:
    """The forward and backward pass of the book's worked 3-2-1 network, as a list of steps.

    The network, input and target are those of
    :func:`dlbook.scratch.worked_example_network` with the loss
    ``L = (y_hat - y)**2``. The values come from :func:`dlbook.scratch.forward`
    and :func:`dlbook.scratch.backward`; the errors in between
    (``dy_hat``, ``dz_out``, ``dh``, ``dz_h``) follow the delta equations
    those functions use. Nodes are named ``x1 x2 x3 h1 h2 out loss`` and an
    edge ``"x1-h2"`` joins two of them.

    Parameters
    ----------
    activation : str
        Activation of both layers, a name of :data:`dlbook.activations.ACTIVATIONS`.

    Returns
    -------
    dict
        ``x``, ``y``, ``weights`` and ``biases`` of the network, and ``steps``:
        a list of ``{"phase", "formula", "values", "labels", "edges"}``,
        forward steps first: ``values`` is a list of ``[name, value]`` pairs and
        ``labels`` names the value to write beside each node the step works on.

    Examples
    --------
    >>> data = backpropagation()
    >>> [step["phase"] for step in data["steps"]].count("backward")
    6
    >>> data["steps"][0]["values"], data["steps"][4]["values"]
    ([['z_h1', -0.7], ['h1', 0.0]], [['dy_hat', -1.84]])
    """
    network, X, y = scratch.worked_example_network(activation)
    trace = scratch.forward(network, X)
    gradients = scratch.backward(network, trace, y, loss="mse")
    g, slope = network.activations[0], activations.DERIVATIVES[network.activations[0]]
    (W1, W2), (b1, b2) = network.weights, network.biases
    (z_h,), (h,), (z_out,), (y_hat,) = trace.z[0], trace.a[1], trace.z[1], trace.output
    loss = scratch.loss_value(network, X, y, "mse")
    dy_hat = 2 * (y_hat - y[0])
    dz_out, dz_h = gradients.db[1], gradients.db[0]  # one sample: each bias's gradient is its neuron's error
    dh = dz_out @ W2.T
    inputs, hidden = ("x1", "x2", "x3"), ("h1", "h2")
    steps = [
        _step(
            "forward",
            f"z_h{j} = x1 W1_1{j} + x2 W1_2{j} + x3 W1_3{j} + b1_{j}, then h{j} = {g}(z_h{j})",
            {f"z_h{j}": z_h[j - 1], f"h{j}": h[j - 1]},
            {f"h{j}": f"h{j}"},
            [f"{x}-h{j}" for x in inputs],
        )
        for j in (1, 2)
    ]
    steps += [
        _step(
            "forward",
            f"z_out = h1 W2_1 + h2 W2_2 + b2, then y_hat = {g}(z_out)",
            {"z_out": z_out[0], "y_hat": y_hat[0]},
            {"out": "y_hat"},
            ["h1-out", "h2-out"],
        ),
        _step("forward", "L = (y_hat - y)^2", {"L": loss}, {"loss": "L"}, ["out-loss"]),
        _step("backward", "dy_hat = 2 (y_hat - y)", {"dy_hat": dy_hat[0]}, {"out": "dy_hat"}, ["out-loss"]),
        _step(
            "backward",
            f"dz_out = dy_hat {g}'(z_out)",
            {f"{g}'(z_out)": slope(z_out)[0], "dz_out": dz_out[0]},
            {"out": "dz_out"},
            [],
        ),
        _step(
            "backward",
            "dW2_j = h_j dz_out and db2 = dz_out",
            {"dW2_1": gradients.dW[1][0, 0], "dW2_2": gradients.dW[1][1, 0], "db2": gradients.db[1][0]},
            {},
            ["h1-out", "h2-out"],
        ),
        _step(
            "backward",
            "dh_j = dz_out W2_j",
            {"dh1": dh[0], "dh2": dh[1]},
            {"h1": "dh1", "h2": "dh2"},
            ["h1-out", "h2-out"],
        ),
        _step(
            "backward",
            f"dz_hj = dh_j {g}'(z_hj)",
            {
                f"{g}'(z_h1)": slope(z_h)[0],
                f"{g}'(z_h2)": slope(z_h)[1],
                "dz_h1": dz_h[0],
                "dz_h2": dz_h[1],
            },
            {"h1": "dz_h1", "h2": "dz_h2"},
            [],
        ),
        _step(
            "backward",
            "dW1_ij = x_i dz_hj and db1_j = dz_hj",
            {
                **{f"dW1_{i + 1}{j + 1}": value for (i, j), value in np.ndenumerate(gradients.dW[0])},
                "db1_1": gradients.db[0][0],
                "db1_2": gradients.db[0][1],
            },
            {},
            [f"{x}-{n}" for n in hidden for x in inputs],
        ),
    ]
    return {
        "activation": g,
        "x": rounded(X[0]),
        "y": rounded(y[0, 0]),
        "weights": [rounded(W1), rounded(W2[:, 0])],
        "biases": [rounded(b1), rounded(b2[0])],
        "steps": steps,
    }


# --------------------------------------------------------------------------
# Training recorded frame by frame


def _recorded(fit_epochs: Callable[[int], object], epochs_per_frame: int, num_frames: int, snapshot: Callable) -> dict:
    """Train in ``num_frames`` chunks of ``epochs_per_frame`` epochs, with a ``snapshot()`` before and after each.

    ``fit_epochs(n)`` runs :func:`dlbook.training.fit` for ``n`` more epochs
    on the same model and optimizer, so the chunks add up to one run of
    ``num_frames * epochs_per_frame`` epochs; ``fit``'s per-epoch losses are
    kept.
    """
    epochs_per_frame = positive_int(epochs_per_frame, "epochs_per_frame")
    num_frames = positive_int(num_frames, "num_frames")
    if num_frames > 60:
        raise ValueError(f"num_frames must be at most 60 to keep the page small; got {num_frames}")
    frames, train_loss, val_loss = [snapshot()], [], []
    for _ in range(num_frames):
        history = fit_epochs(epochs_per_frame)
        train_loss += history.train_loss
        val_loss += history.val_loss
        frames.append(snapshot())
    return {
        "epochs": [k * epochs_per_frame for k in range(num_frames + 1)],
        "frames": frames,
        "train_loss": rounded(train_loss),
        "val_loss": rounded(val_loss),
    }


def _one_thread(function: Callable) -> Callable:
    """Run ``function`` on one PyTorch thread, as the chapters do, and restore the setting after."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return function(*args, **kwargs)
        finally:
            torch.set_num_threads(threads)

    return wrapper


@_one_thread
def training(epochs_per_frame: int = 10, num_frames: int = 30, grid_size: int = 32) -> dict:
    """The XOR network of the chapter "The training loop", recorded while ``fit`` trains it.

    A 2-4-1 tanh network (:class:`dlbook.models.MLP`, seed 0) trained on the
    four XOR points with binary cross-entropy and Adam (learning rate 0.1),
    one full batch per epoch, by :func:`dlbook.training.fit`. Before training
    and after every ``epochs_per_frame`` epochs, a frame holds the network's
    probability of class 1 on a ``grid_size`` x ``grid_size`` grid over
    ``[-0.5, 1.5]^2``, in whole percent (enough to colour the map), and, at
    4 digits, its loss and probabilities at the four points.

    Parameters
    ----------
    epochs_per_frame, num_frames : int
        Epochs between frames (>= 1) and number of frames after the first (1 to 60).
    grid_size : int
        Grid points along each axis, 2 to 60.

    Returns
    -------
    dict
        ``X`` (4, 2) and ``y`` (4,) of XOR, ``grid`` (the coordinates along
        each axis), ``epochs`` (num_frames + 1,), ``train_loss`` (the loss of
        every epoch, as ``fit`` records it) and ``frames``: per frame
        ``{"loss", "p_points", "p_grid"}``, with ``p_grid[i][j]`` at
        ``(grid[j], grid[i])``.

    Examples
    --------
    >>> data = training(epochs_per_frame=50, num_frames=6, grid_size=3)
    >>> data["epochs"], len(data["train_loss"]), data["grid"]
    ([0, 50, 100, 150, 200, 250, 300], 300, [-0.5, 0.5, 1.5])
    >>> [round(p) for p in data["frames"][-1]["p_points"]]
    [0, 1, 1, 0]
    """
    import torch
    from torch import nn

    from dlbook import data, models
    from dlbook import training as train

    grid_size = positive_int(grid_size, "grid_size")
    if not 2 <= grid_size <= 60:
        raise ValueError(f"grid_size must be between 2 and 60; got {grid_size}")
    X, y = (torch.tensor(a) for a in data.logic_gate("xor"))
    axis = np.linspace(-0.5, 1.5, grid_size)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2).astype(np.float32)
    model = models.MLP([2, 4, 1], activation="tanh", seed=0)
    loss_fn, optimizer = nn.BCEWithLogitsLoss(), torch.optim.Adam(model.parameters(), lr=0.1)

    def probability(points) -> np.ndarray:
        return torch.sigmoid(torch.as_tensor(train.predict(model, points))).numpy()[:, 0]

    def snapshot() -> dict:
        p_grid = np.rint(100 * probability(grid)).astype(int).reshape(grid_size, grid_size)
        return {
            "loss": rounded(train.evaluate(model, [(X, y)], loss_fn)["loss"]),
            "p_points": rounded(probability(X.numpy())),
            "p_grid": p_grid.tolist(),
        }

    recorded = _recorded(
        lambda n: train.fit(model, loss_fn, optimizer, [(X, y)], num_epochs=n), epochs_per_frame, num_frames, snapshot
    )
    del recorded["val_loss"]  # the four points are all the data XOR has
    return {"X": rounded(X), "y": rounded(y[:, 0]), "grid": rounded(axis), **recorded}


@_one_thread
def overfitting(epochs_per_frame: int = 20, num_frames: int = 25, grid_size: int = 100) -> dict:
    """The too-big network of the chapter "Generalization" fitting 20 noisy points of ``sin x``.

    The chapter's data and run: 220 points of :func:`dlbook.data.noisy_sine`
    (seed 0, noise 0.3), 20 for training and 100 for validation (split as the
    chapter splits them), inputs standardized with the training points'
    mean and scale, and a 1-128-128-1 ReLU network (seed 0) trained with
    Adam (learning rate 0.005) on the MSE by :func:`dlbook.training.fit`.
    Before training and after every ``epochs_per_frame`` epochs, a frame
    holds the fitted curve on ``grid_size`` points of ``[0, 2 pi]`` and the
    training and validation loss of that network.

    Parameters
    ----------
    epochs_per_frame, num_frames : int
        Epochs between frames (>= 1) and number of frames after the first (1 to 60).
    grid_size : int
        Points of the fitted curve, 2 to 400.

    Returns
    -------
    dict
        ``train`` and ``val`` (the points, ``{"x", "y"}``), ``grid`` and
        ``sine`` (the true curve), ``epochs``, ``train_loss`` and ``val_loss`` (every epoch, as ``fit``
        records them) and ``frames``: per frame ``{"train", "val", "curve"}``.

    Examples
    --------
    >>> data = overfitting(epochs_per_frame=5, num_frames=2, grid_size=3)
    >>> data["epochs"], len(data["val_loss"]), len(data["train"]["x"]), len(data["val"]["x"])
    ([0, 5, 10], 10, 20, 100)
    >>> data["frames"][-1]["val"] == data["val_loss"][-1]
    True
    """
    import torch
    from sklearn.model_selection import train_test_split
    from torch import nn

    from dlbook import data, models
    from dlbook import training as train

    grid_size = positive_int(grid_size, "grid_size")
    if not 2 <= grid_size <= 400:
        raise ValueError(f"grid_size must be between 2 and 400; got {grid_size}")
    X, y = data.noisy_sine(n=220, seed=0, noise=0.3)
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=20, random_state=0)
    X_val, _, y_val, _ = train_test_split(X_rest, y_rest, test_size=100, random_state=0)
    X_train_std, X_val_std, x_mean, x_scale = data.standardize(X_train, X_val)
    grid = np.linspace(0, 2 * np.pi, grid_size, dtype=np.float32).reshape(-1, 1)
    train_loader = train.to_loader(X_train_std, y_train, batch_size=20, shuffle=True, seed=0)
    val_loader = train.to_loader(X_val_std, y_val, batch_size=100)
    train_points = train.to_loader(X_train_std, y_train, batch_size=20)  # not shuffled: leaves fit's order alone
    model = models.MLP([1, 128, 128, 1], seed=0)
    loss_fn, optimizer = nn.MSELoss(), torch.optim.Adam(model.parameters(), lr=5e-3)

    def snapshot() -> dict:
        return {
            "train": rounded(train.evaluate(model, train_points, loss_fn)["loss"]),
            "val": rounded(train.evaluate(model, val_loader, loss_fn)["loss"]),
            "curve": rounded(train.predict(model, (grid - x_mean) / x_scale)[:, 0]),
        }

    def fit_epochs(n: int):
        return train.fit(model, loss_fn, optimizer, train_loader, num_epochs=n, val_loader=val_loader)

    return {
        "train": {"x": rounded(X_train[:, 0]), "y": rounded(y_train[:, 0])},
        "val": {"x": rounded(X_val[:, 0]), "y": rounded(y_val[:, 0])},
        "grid": rounded(grid[:, 0]),
        "sine": rounded(np.sin(grid[:, 0])),
        **_recorded(fit_epochs, epochs_per_frame, num_frames, snapshot),
    }


# --------------------------------------------------------------------------
# The figures by name

#: Each explorable figure's name and the function that computes its data.
FIGURES: dict[str, Callable[[], dict]] = {
    "learning-rate": learning_rate,
    "bowl": bowl,
    "neuron": neuron,
    "convolution": convolution,
    "backpropagation": backpropagation,
    "training": training,
    "overfitting": overfitting,
}


def figure_data(name: str) -> dict:
    """The data of the explorable figure called ``name`` (a key of :data:`FIGURES`).

    Examples
    --------
    >>> figure_data("convolution")["signal"]
    [0.0, 1.0, 3.0, 2.0, 0.0, 1.0]
    """
    return FIGURES[choice(name, "name", FIGURES)]()
