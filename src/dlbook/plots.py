"""Figures for the book. Each function returns a ``matplotlib.figure.Figure``.

The figures have a white background, axis labels, a title and font sizes
that stay legible on a phone. Styling is set on each figure and axes
directly: importing or calling this module never changes matplotlib's
global style (``rcParams``).

The figures are plain ``Figure`` objects, not registered with pyplot: a
chapter glues one without it also appearing under the cell, and nothing
needs closing. In a Jupyter kernel a ``Figure`` is shown as a PNG once
pyplot has drawn its first figure; importing this module arranges that
from the start (:func:`_display_figures_as_images`), so a chapter that draws
only with these functions shows images, not the figures' text::

    fig = plot_activations()
    glue("nn_fig_activations", fig, display=False)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from dlbook._checks import as_float_array, binary_labels, choice, in_unit_interval, integer, positive_int
from dlbook.activations import ACTIVATIONS, DERIVATIVES

__all__ = [
    "plot_activations",
    "plot_neuron_response",
    "plot_log_loss_terms",
    "plot_loss_curves",
    "plot_decision_boundary",
    "plot_descent_path",
    "plot_descent_paths",
    "plot_image_grid",
    "plot_confusion_matrix",
    "plot_regression_fit",
    "plot_function_and_derivative",
    "plot_series",
    "plot_roc_curves",
    "plot_calibration",
    "plot_molecule_graphs",
    "plot_parity",
    "plot_kernels",
    "plot_codes_2d",
    "plot_reconstructed_spectra",
    "plot_positional_encoding",
    "plot_attention_maps",
]


def _display_figures_as_images() -> None:
    """In IPython, display a ``Figure`` as a PNG, as the inline backend does.

    IPython learns to draw figures when pyplot loads the notebook's backend,
    at pyplot's first figure; the figures here never go through pyplot. This
    registers the same PNG formatter, and touches nothing else (no backend,
    no ``rcParams``). Outside IPython it does nothing.

    Unlike the inline backend, it saves the whole figure rather than cropping
    it (``bbox_inches="tight"`` draws every figure twice to find its edges):
    these figures use constrained layout, which already fits their labels
    inside the figure.
    """
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if shell is not None:
        from IPython.core.pylabtools import select_figure_formats

        select_figure_formats(shell, {"png"}, bbox_inches=None)


_display_figures_as_images()

TITLE_SIZE = 12
LABEL_SIZE = 11
TICK_SIZE = 10
#: Colour-blind-safe colours (Okabe-Ito), used in order.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: Marker shapes, used in order where curves or points must differ without colour.
MARKERS = ("o", "s", "^", "D", "v")


def _figure(ncols: int = 1, nrows: int = 1, figsize: tuple[float, float] = (6.4, 4.0), **kwargs):
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    fig.set_facecolor("white")
    for ax in axes.flat:
        ax.set_facecolor("white")
        ax.tick_params(labelsize=TICK_SIZE)
    return fig, axes


def _label(ax, xlabel: str, ylabel: str, title: str) -> None:
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.set_title(title, fontsize=TITLE_SIZE)


def _legend(ax, **kwargs) -> None:
    ax.legend(fontsize=TICK_SIZE, frameon=False, **kwargs)


def _check_names(names, allowed, argument: str) -> list[str]:
    if isinstance(names, str):
        names = [names]
    names = list(names)
    if not names:
        raise ValueError(f"{argument} must name at least one of {sorted(allowed)}; got none")
    return [choice(name, argument, sorted(allowed)) for name in names]


def _one_value_each(curves: Mapping, n: int, name: str, per: str) -> dict[str, np.ndarray]:
    """``{label: values}`` flattened to float arrays, each of length ``n``, or a clear error."""
    checked = {}
    for label, values in curves.items():
        values = as_float_array(values, f"{name}[{label!r}]", ndim=(1, 2)).reshape(-1)
        if values.shape != (n,):
            raise ValueError(f"{name}[{label!r}] must have one value per {per} ({n}); got {values.shape[0]}")
        checked[str(label)] = values
    return checked


def plot_activations(names: Sequence[str] = ("sigmoid", "tanh", "relu"), derivatives: bool = False) -> Figure:
    """Activation functions side by side, one panel each, for z in [-5, 5].

    Introduced in the chapter "Neurons, layers and networks"; with ``derivatives=True`` (dashed
    curves) it returns in "Backpropagation".

    Parameters
    ----------
    names : sequence of str
        Names from :data:`dlbook.activations.ACTIVATIONS`.
    derivatives : bool
        Also draw each derivative.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_activations
    >>> fig = plot_activations()
    >>> [ax.get_title() for ax in fig.axes]
    ['sigmoid', 'tanh', 'relu']
    """
    names = _check_names(names, ACTIVATIONS, "names")
    width = min(9.0, 3.2 * len(names) + 0.6)
    fig, axes = _figure(ncols=len(names), figsize=(width, 3.2), sharey=True)
    z = np.linspace(-5.0, 5.0, 401)
    for ax, name in zip(axes.flat, names):
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.plot(z, ACTIVATIONS[name](z), color=COLORS[0], lw=2, label=f"{name}(z)")
        if derivatives:
            ax.plot(z, DERIVATIVES[name](z), color=COLORS[1], lw=1.8, ls="--", label="derivative")
        _label(ax, "z", "activation" if ax is axes.flat[0] else "", name)
        ax.set_ylim(-1.2, 2.2)
        ax.grid(alpha=0.3)
    if derivatives:
        _legend(axes.flat[0], loc="upper left")
    return fig


def plot_neuron_response(
    vary: str = "weight", values: Sequence[float] | None = None, activation: str = "sigmoid"
) -> Figure:
    """How one neuron's output ``f(w x + b)`` changes as its weight or its bias changes.

    Introduced in the chapter "Neurons, layers and networks". Varying the weight (bias 0) changes
    the steepness; varying the bias (weight 1) shifts the curve.

    Parameters
    ----------
    vary : {"weight", "bias"}
    values : sequence of float, optional
        The weights or biases to draw (default: 0.5, 1, 2, 5 for weights;
        -2, 0, 2 for biases).
    activation : str
        Name from :data:`dlbook.activations.ACTIVATIONS`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_neuron_response
    >>> fig = plot_neuron_response("bias", [-1.0, 0.0, 1.0])
    >>> len(fig.axes[0].lines)
    3
    """
    choice(vary, "vary", ("weight", "bias"))
    activation = _check_names(activation, ACTIVATIONS, "activation")[0]
    if values is None:
        values = (0.5, 1.0, 2.0, 5.0) if vary == "weight" else (-2.0, 0.0, 2.0)
    values = as_float_array(values, "values", ndim=1)
    x = np.linspace(-5.0, 5.0, 401)
    fig, axes = _figure()
    ax = axes[0, 0]
    for i, value in enumerate(values):
        w, b = (value, 0.0) if vary == "weight" else (1.0, value)
        ax.plot(
            x,
            ACTIVATIONS[activation](w * x + b),
            lw=2,
            color=COLORS[i % len(COLORS)],
            label=f"{'w' if vary == 'weight' else 'b'} = {value:g}",
        )
    fixed = "b = 0" if vary == "weight" else "w = 1"
    _label(ax, "input x", f"output {activation}(w x + b)", f"A {activation} neuron as its {vary} varies ({fixed})")
    ax.grid(alpha=0.3)
    _legend(ax, loc="best")
    return fig


def plot_log_loss_terms() -> Figure:
    """The two terms of binary cross-entropy as functions of the predicted probability.

    Introduced in the chapter "Loss functions".
    ``-log(y_hat)`` is the loss when the label is 1; ``-log(1 - y_hat)``
    when it is 0. Each grows without bound as the prediction approaches the
    wrong extreme.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_log_loss_terms
    >>> fig = plot_log_loss_terms()
    >>> fig.axes[0].get_xlabel()
    'predicted probability y_hat'
    """
    y_hat = np.linspace(0.001, 0.999, 999)
    fig, axes = _figure()
    ax = axes[0, 0]
    ax.plot(y_hat, -np.log(y_hat), lw=2, color=COLORS[0], label="label y = 1:  -log(y_hat)")
    ax.plot(y_hat, -np.log(1.0 - y_hat), lw=2, color=COLORS[1], ls="--", label="label y = 0:  -log(1 - y_hat)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 5)
    _label(ax, "predicted probability y_hat", "loss (nats)", "Binary cross-entropy: the two cases")
    ax.grid(alpha=0.3)
    _legend(ax, loc="upper center")
    return fig


def plot_loss_curves(history, title: str | None = None) -> Figure:
    """Training and validation loss per epoch.

    Introduced in the chapter "The training loop".
    Accepts a :class:`dlbook.training.History` (draws ``train_loss``,
    ``val_loss`` and marks ``best_epoch`` when there is a validation curve)
    or a dict of label -> list of per-epoch losses.

    Parameters
    ----------
    history : History or dict of str to sequence of float
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_loss_curves
    >>> fig = plot_loss_curves({"train": [1.0, 0.5, 0.3], "validation": [1.1, 0.7, 0.6]})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['train', 'validation']
    """
    best_epoch = None
    if isinstance(history, Mapping):
        curves = dict(history)
    elif hasattr(history, "train_loss") and hasattr(history, "val_loss"):
        curves = {"training loss": history.train_loss}
        if len(history.val_loss):
            curves["validation loss"] = history.val_loss
            best_epoch = getattr(history, "best_epoch", None)
    else:
        raise TypeError(f"history must be a History or a dict of label -> losses; got {type(history).__name__}")
    if not curves:
        raise ValueError("history must hold at least one curve; got none")
    fig, axes = _figure()
    ax = axes[0, 0]
    for i, (label, values) in enumerate(curves.items()):
        values = as_float_array(values, f"history[{label!r}]", ndim=1)
        epochs = np.arange(1, len(values) + 1)
        ax.plot(
            epochs,
            values,
            lw=2,
            color=COLORS[i % len(COLORS)],
            ls="-" if i == 0 else "--",
            marker="o" if len(values) <= 30 else None,
            ms=3,
            label=str(label),
        )
    if best_epoch is not None:
        # A legend entry, not a text label: text next to the line collides
        # with the legend or runs off the axes when the best epoch is late.
        ax.axvline(best_epoch, color="0.4", lw=1, ls=":", label=f"best epoch ({best_epoch})")
    ax.xaxis.get_major_locator().set_params(integer=True)
    _label(ax, "epoch", "loss", title or "Loss per epoch")
    ax.grid(alpha=0.3)
    _legend(ax, loc="best")
    return fig


def _as_labels(prediction: np.ndarray, n: int) -> np.ndarray:
    prediction = np.asarray(prediction, dtype=np.float64)
    if prediction.ndim == 2 and prediction.shape[1] > 1:
        return prediction.argmax(axis=1).astype(np.float64)
    return prediction.reshape(n)


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray], X, y, title: str | None = None, resolution: int = 200
) -> Figure:
    """Colour the plane by a classifier's prediction and show the data points on top.

    Introduced in the chapter "Neurons, layers and networks"; used again in the case studies.

    Parameters
    ----------
    predict : callable
        Takes an array of points, shape ``(m, 2)``, and returns for each one
        a class label ``(m,)``, a probability of class 1 ``(m,)`` or
        ``(m, 1)``, or class scores ``(m, C)`` (the largest wins).
    X : array_like, shape (n_samples, 2)
    y : array_like, shape (n_samples,) or (n_samples, 1)
        Class labels of the points.
    title : str, optional
    resolution : int
        Grid points per axis.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_decision_boundary
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]]); y = np.array([0, 1])
    >>> fig = plot_decision_boundary(lambda P: (P.sum(axis=1) > 1).astype(float), X, y, resolution=20)
    >>> fig.axes[0].get_xlabel()
    'feature 1'
    """
    if not callable(predict):
        raise TypeError(f"predict must be a function of an (m, 2) array; got {type(predict).__name__}")
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have exactly 2 features to draw a plane; got shape {X.shape}")
    y = as_float_array(y, "y", ndim=(1, 2)).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one label per row of X ({X.shape[0]}); got {y.shape[0]}")
    resolution = integer(resolution, "resolution", minimum=2)
    margin = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.5
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    surface = _as_labels(predict(grid), len(grid)).reshape(g0.shape)
    fig, axes = _figure()
    ax = axes[0, 0]
    classes = np.unique(y)
    is_probability = not np.allclose(surface, np.round(surface)) and surface.min() >= 0 and surface.max() <= 1
    if is_probability:
        image = ax.contourf(g0, g1, surface, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.45)
        ax.contour(g0, g1, surface, levels=[0.5], colors="k", linewidths=1.5)
        colorbar = fig.colorbar(image, ax=ax)
        colorbar.set_label("predicted probability of class 1", fontsize=TICK_SIZE)
    else:
        levels = np.arange(surface.min() - 0.5, surface.max() + 1.0)
        ax.contourf(g0, g1, surface, levels=levels, colors=COLORS[: len(levels) - 1], alpha=0.25)
    markers = "os^Dv<>"
    for i, label in enumerate(classes):
        mask = y == label
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            s=40,
            color=COLORS[i % len(COLORS)],
            marker=markers[i % len(markers)],
            edgecolor="k",
            linewidth=0.6,
            label=f"class {label:g}",
            zorder=3,
        )
    _label(ax, "feature 1", "feature 2", title or "Decision boundary")
    _legend(ax, loc="best")
    return fig


def _curve_1d(f: Callable, xs: np.ndarray) -> np.ndarray:
    return np.array([float(f(x)) for x in xs])


def _bounds(paths: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Plot limits that hold every point of every path, with a margin."""
    points = np.concatenate([path.reshape(len(path), -1) for path in paths])
    margin = 0.25 * np.maximum(np.ptp(points, axis=0), 1.0)
    return points.min(axis=0) - margin, points.max(axis=0) + margin


def _draw_path(ax, f: Callable, path: np.ndarray, color: str, bounds=None) -> None:
    lo, hi = bounds if bounds is not None else _bounds([path])
    if path.ndim == 1:
        xs = np.linspace(lo[0], hi[0], 300)
        ax.plot(xs, _curve_1d(f, xs), color="0.3", lw=1.5, label="loss")
        values = _curve_1d(f, path)
        ax.plot(path, values, "-o", color=color, ms=4, lw=1, label="steps")
        ax.plot(path[0], values[0], "s", color="k", ms=7, label="start")
        _label(ax, "parameter x", "loss f(x)", "")
    else:
        g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], 80), np.linspace(lo[1], hi[1], 80))
        values = np.array([float(f(np.array([a, b]))) for a, b in zip(g0.ravel(), g1.ravel())]).reshape(g0.shape)
        levels = np.unique(np.quantile(values, np.linspace(0.01, 0.95, 14) ** 2))
        ax.contour(g0, g1, values, levels=levels if len(levels) > 1 else 10, cmap="Greys_r", linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "-o", color=color, ms=3, lw=1, label="steps")
        ax.plot(path[0, 0], path[0, 1], "s", color="k", ms=7, label="start")
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        _label(ax, "parameter x[0]", "parameter x[1]", "")
    ax.grid(alpha=0.3)


def _check_path(path, name: str) -> np.ndarray:
    path = as_float_array(path, name, ndim=(1, 2))
    if path.ndim == 2 and path.shape[1] != 2:
        raise ValueError(f"{name} must be a 1-D trajectory or have 2 columns; got shape {path.shape}")
    if not np.isfinite(path).all():
        raise ValueError(f"{name} must be finite (did the descent diverge?); got {path[~np.isfinite(path)][0]}")
    return path


def plot_descent_path(f: Callable, path, title: str | None = None) -> Figure:
    """A gradient-descent trajectory drawn on the loss it descends.

    Introduced in the chapter "Gradient descent".
    A 1-D trajectory (one parameter) is drawn on the curve ``f(x)``; a
    trajectory with 2 columns on the contour lines of ``f``.

    Parameters
    ----------
    f : callable
        The loss: ``f(x)`` returns a number for one point ``x`` (a number,
        or an array of 2 parameters).
    path : array_like, shape (n_steps + 1,) or (n_steps + 1, 2)
        E.g. the output of :func:`dlbook.descent.gradient_descent`.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_descent_path
    >>> fig = plot_descent_path(lambda x: (x - 3) ** 2, [0.0, 1.5, 2.25])
    >>> fig.axes[0].get_ylabel()
    'loss f(x)'
    """
    if not callable(f):
        raise TypeError(f"f must be the loss function; got {type(f).__name__}")
    path = _check_path(path, "path")
    fig, axes = _figure()
    ax = axes[0, 0]
    _draw_path(ax, f, path, COLORS[1])
    ax.set_title(title or f"Gradient descent: {len(path) - 1} steps", fontsize=TITLE_SIZE)
    _legend(ax, loc="best")
    return fig


def plot_descent_paths(f: Callable, paths: Mapping[str, np.ndarray], title: str | None = None) -> Figure:
    """Several descent trajectories on the same loss, side by side (one panel each).

    Every panel shows the same region, so the paths can be compared.
    Introduced in the chapter "Gradient descent",
    e.g. to compare learning rates, or plain descent with momentum and Adam.

    Parameters
    ----------
    f : callable
        The loss, as for :func:`plot_descent_path`.
    paths : dict of str to array_like
        Panel title -> trajectory.
    title : str, optional
        Title above all panels.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_descent_paths
    >>> paths = {"lr = 0.1": [0.0, 0.6, 1.08], "lr = 0.5": [0.0, 3.0, 3.0]}
    >>> fig = plot_descent_paths(lambda x: (x - 3) ** 2, paths)
    >>> [ax.get_title() for ax in fig.axes]
    ['lr = 0.1', 'lr = 0.5']
    """
    if not callable(f):
        raise TypeError(f"f must be the loss function; got {type(f).__name__}")
    if not isinstance(paths, Mapping) or not paths:
        raise ValueError(f"paths must be a non-empty dict of label -> trajectory; got {paths!r}")
    checked = {str(label): _check_path(path, f"paths[{label!r}]") for label, path in paths.items()}
    if len({path.ndim for path in checked.values()}) > 1:
        raise ValueError("paths must all be 1-D or all have 2 columns; got a mix")
    bounds = _bounds(list(checked.values()))  # the same view in every panel
    n = len(checked)
    fig, axes = _figure(ncols=n, figsize=(min(9.0, 3.0 * n + 0.6), 3.2))
    for i, (ax, (label, path)) in enumerate(zip(axes.flat, checked.items())):
        _draw_path(ax, f, path, COLORS[(i + 1) % len(COLORS)], bounds)
        ax.set_title(label, fontsize=TITLE_SIZE)
        if i > 0:
            ax.set_ylabel("")
    if title:
        fig.suptitle(title, fontsize=TITLE_SIZE)
    return fig


def plot_image_grid(images, labels, predictions=None, ncols: int = 8, class_names=None) -> Figure:
    """Small images in a grid, each titled with its label (and the prediction, if given).

    Introduced in the chapter "Case study: digits".
    With predictions, a title reads ``"pred 3 (true 8)"`` in orange for a
    mistake and ``"3"`` in black for a correct answer.

    Parameters
    ----------
    images : array_like, shape (n, height, width)
        Grey-scale images (e.g. ``Split.images_test``).
    labels : sequence, length n
        True labels.
    predictions : sequence, length n, optional
    ncols : int
        Images per row.
    class_names : sequence of str, optional
        Names to show instead of label numbers.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_image_grid
    >>> import numpy as np
    >>> fig = plot_image_grid(np.zeros((3, 8, 8)), [0, 1, 2], predictions=[0, 1, 1], ncols=3)
    >>> [ax.get_title() for ax in fig.axes]
    ['0', '1', 'pred 1 (true 2)']
    """
    images = as_float_array(images, "images", ndim=3)
    labels = list(np.asarray(labels).reshape(-1))
    if len(labels) != len(images):
        raise ValueError(f"labels must have one entry per image ({len(images)}); got {len(labels)}")
    if predictions is not None:
        predictions = list(np.asarray(predictions).reshape(-1))
        if len(predictions) != len(images):
            raise ValueError(f"predictions must have one entry per image ({len(images)}); got {len(predictions)}")
    ncols = min(positive_int(ncols, "ncols"), len(images))
    nrows = int(np.ceil(len(images) / ncols))

    def name(value) -> str:
        if class_names is not None:
            return str(class_names[int(value)])
        return f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)

    cell = min(1.1, 9.0 / ncols)
    fig, axes = _figure(ncols=ncols, nrows=nrows, figsize=(cell * ncols, (cell + 0.3) * nrows))
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(images):
            continue
        ax.imshow(images[i], cmap="gray_r", interpolation="nearest")
        if predictions is None or predictions[i] == labels[i]:
            text, color = name(labels[i] if predictions is None else predictions[i]), "black"
        else:
            text, color = f"pred {name(predictions[i])} (true {name(labels[i])})", COLORS[1]
        ax.set_title(text, fontsize=TICK_SIZE if len(text) < 6 else 8, color=color)
    for ax in axes.flat[len(images) :]:
        fig.delaxes(ax)
    return fig


def plot_confusion_matrix(y_true, y_pred, class_names: Sequence[str] | None = None, title: str | None = None) -> Figure:
    """Counts of (true class, predicted class) pairs, as an annotated table.

    Introduced in the chapter "Case study: iris".
    Row = true class, column = predicted class; the diagonal holds the
    correct predictions.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n_samples,)
        Class labels 0 .. C-1.
    class_names : sequence of str, optional
        One name per class.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_confusion_matrix
    >>> fig = plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], class_names=["a", "b", "c"])
    >>> fig.axes[0].get_ylabel()
    'true class'
    """
    y_true = as_float_array(y_true, "y_true", ndim=(1, 2)).reshape(-1)
    y_pred = as_float_array(y_pred, "y_pred", ndim=(1, 2)).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length; got {y_true.shape[0]} and {y_pred.shape[0]}")
    for array, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        if (array != np.round(array)).any() or array.min() < 0:
            raise ValueError(f"{name} must hold integer class labels >= 0")
    n_classes = int(max(y_true.max(), y_pred.max())) + 1
    if class_names is not None:
        class_names = [str(c) for c in class_names]
        if len(class_names) < n_classes:
            raise ValueError(f"class_names must name all {n_classes} classes; got {len(class_names)}")
        n_classes = len(class_names)
    else:
        class_names = [str(c) for c in range(n_classes)]
    from sklearn.metrics import confusion_matrix

    counts = confusion_matrix(y_true.astype(int), y_pred.astype(int), labels=range(n_classes))
    size = min(6.4, 2.6 + 0.45 * n_classes)
    fig, axes = _figure(figsize=(size + 0.8, size))
    ax = axes[0, 0]
    image = ax.imshow(counts, cmap="Blues")
    threshold = counts.max() / 2 if counts.max() else 1
    for i in range(n_classes):
        for j in range(n_classes):
            ax.text(
                j,
                i,
                str(counts[i, j]),
                ha="center",
                va="center",
                fontsize=LABEL_SIZE,
                color="white" if counts[i, j] > threshold else "black",
            )
    ax.set_xticks(
        range(n_classes),
        class_names,
        rotation=45 if max(map(len, class_names)) > 3 else 0,
        ha="right" if max(map(len, class_names)) > 3 else "center",
    )
    ax.set_yticks(range(n_classes), class_names)
    fig.colorbar(image, ax=ax, shrink=0.8).ax.tick_params(labelsize=TICK_SIZE)
    _label(ax, "predicted class", "true class", title or "Confusion matrix")
    return fig


def plot_regression_fit(
    X, y, predictions: Mapping[str, np.ndarray], title: str | None = None, xlabel: str = "x", ylabel: str = "y"
) -> Figure:
    """Data points of a 1-D regression and one or more fitted curves.

    Introduced in the chapter "Generalization".

    Parameters
    ----------
    X : array_like, shape (n,) or (n, 1)
        Inputs.
    y : array_like, shape (n,) or (n, 1)
        Measured targets.
    predictions : dict of str to array_like
        Label -> predicted ``y`` at the same ``X`` (drawn as lines, sorted by ``X``).
    title, xlabel, ylabel : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_regression_fit
    >>> import numpy as np
    >>> X = np.linspace(0, 1, 5); y = 2 * X
    >>> fig = plot_regression_fit(X, y, {"model": 2 * X})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['model']
    """
    X = as_float_array(X, "X", ndim=(1, 2))
    if X.ndim == 2 and X.shape[1] != 1:
        raise ValueError(f"X must have one feature to plot against; got shape {X.shape}")
    x = X.reshape(-1)
    y = as_float_array(y, "y", ndim=(1, 2)).reshape(-1)
    if y.shape != x.shape:
        raise ValueError(f"y must have one value per sample of X ({x.shape[0]}); got {y.shape[0]}")
    if not isinstance(predictions, Mapping):
        raise TypeError(f"predictions must be a dict of label -> predicted y; got {type(predictions).__name__}")
    predictions = _one_value_each(predictions, x.shape[0], "predictions", "sample")
    order = np.argsort(x)
    fig, axes = _figure()
    ax = axes[0, 0]
    ax.scatter(x, y, s=18, color="0.45", label="data", zorder=3)
    for i, (label, values) in enumerate(predictions.items()):
        ax.plot(x[order], values[order], lw=2, color=COLORS[i % len(COLORS)], label=str(label))
    _label(ax, xlabel, ylabel, title or "Fitted curves and data")
    ax.grid(alpha=0.3)
    _legend(ax, loc="best")
    return fig


def plot_function_and_derivative(
    x, y, slopes: Mapping[str, np.ndarray], title: str | None = None, xlabel: str = "x"
) -> Figure:
    """A curve above its slope: ``y`` against ``x``, then one or more derivatives.

    Introduced in the chapter "Gradient descent",
    to compare the slope autograd computes with the one worked by hand. The
    first entry of ``slopes`` is drawn as a line, the others as markers on
    top of it, so that agreement shows as markers sitting on the line.

    Parameters
    ----------
    x : array_like, shape (n,)
        Increasing positions.
    y : array_like, shape (n,)
        The function at ``x``.
    slopes : dict of str to array_like, shape (n,)
        Label -> derivative at ``x``.
    title, xlabel : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Two panels, the function on top and its slope below, sharing the x axis.

    Examples
    --------
    >>> import matplotlib
    >>> import numpy as np
    >>> from dlbook.plots import plot_function_and_derivative
    >>> x = np.linspace(-2, 2, 41)
    >>> fig = plot_function_and_derivative(x, x ** 2, {"formula": 2 * x, "measured": 2 * x})
    >>> [line.get_label() for line in fig.axes[1].lines[-2:]]
    ['formula', 'measured']
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    if y.shape != x.shape:
        raise ValueError(f"y must have one value per x ({x.shape[0]}); got {y.shape[0]}")
    if not isinstance(slopes, Mapping) or not slopes:
        raise ValueError("slopes must be a non-empty dict of label -> derivative at x")
    slopes = _one_value_each(slopes, x.shape[0], "slopes", "x")
    fig, axes = _figure(nrows=2, figsize=(6.4, 5.6), sharex=True)
    top, bottom = axes[0, 0], axes[1, 0]
    for ax in (top, bottom):
        ax.axhline(0, color="0.8", lw=0.8)
        ax.grid(alpha=0.3)
    top.plot(x, y, color=COLORS[0], lw=2, label="y")
    _label(top, "", "y", title or "The function")
    every = max(1, x.size // 25)
    for i, (label, values) in enumerate(slopes.items()):
        color = COLORS[(i + 1) % len(COLORS)]
        if i == 0:
            bottom.plot(x, values, color=color, lw=2, label=str(label))
        else:
            bottom.plot(x[::every], values[::every], ls="none", marker="o", ms=5, color=color, label=str(label))
    _label(bottom, xlabel, "dy/dx", "Its slope")
    _legend(bottom, loc="best")
    return fig


# --- Diagnostic curves of a binary classifier ---------------------------------


def _binary_targets_and_scores(y_true, scores, name: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Check ``y_true`` (0/1, both classes present) and a dict of per-sample scores."""
    y_true = as_float_array(y_true, "y_true", ndim=(1, 2)).reshape(-1)
    binary_labels(y_true, "y_true")
    if y_true.min() == y_true.max():
        raise ValueError(f"y_true must contain both classes (0 and 1); got only {y_true[0]:g}")
    if not isinstance(scores, Mapping):
        raise TypeError(f"{name} must be a dict of model name -> scores; got {type(scores).__name__}")
    if not scores:
        raise ValueError(f"{name} must hold at least one model; got none")
    return y_true.astype(int), _one_value_each(scores, y_true.shape[0], name, "sample of y_true")


def _unit_square(ax, diagonal: str) -> None:
    """Square axes over [0, 1] x [0, 1] with a dotted diagonal (chance, or perfect calibration)."""
    ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls=":", label=diagonal)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)


def plot_roc_curves(
    y_true,
    scores: Mapping[str, np.ndarray],
    operating_points: Mapping[str, tuple[float, float]] | None = None,
    title: str | None = None,
) -> Figure:
    """ROC curves of one or more binary classifiers, with their AUC in the legend.

    Introduced in the chapter "Case study: clinical data". Each curve is
    :func:`sklearn.metrics.roc_curve`: the true positive rate (sensitivity)
    against the false positive rate (1 - specificity) as the decision
    threshold sweeps from high to low. The dashed diagonal is a classifier
    that guesses.

    Parameters
    ----------
    y_true : array_like of 0 and 1, shape (n_samples,)
        True classes; 1 is the positive class.
    scores : dict of str to array_like, shape (n_samples,)
        Model name -> a score per sample, higher meaning "more likely
        positive" (probabilities or logits).
    operating_points : dict of str to (float, float), optional
        Label -> ``(false positive rate, true positive rate)`` of a chosen
        threshold, marked with a symbol on the plot.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_roc_curves
    >>> fig = plot_roc_curves([0, 0, 1, 1], {"model": [0.1, 0.6, 0.4, 0.9]})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['model (AUC 0.750)', 'chance']
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    y_true, scores = _binary_targets_and_scores(y_true, scores, "scores")
    fig, axes = _figure(figsize=(5.0, 4.8))
    ax = axes[0, 0]
    for i, (label, values) in enumerate(scores.items()):
        fpr, tpr, _ = roc_curve(y_true, values)
        auc = roc_auc_score(y_true, values)
        ax.plot(
            fpr, tpr, lw=2, color=COLORS[i % len(COLORS)], ls="-" if i == 0 else "--", label=f"{label} (AUC {auc:.3f})"
        )
    _unit_square(ax, "chance")
    for i, (label, point) in enumerate((operating_points or {}).items()):
        fpr_point, tpr_point = (float(v) for v in point)
        if not (0 <= fpr_point <= 1 and 0 <= tpr_point <= 1):
            raise ValueError(f"operating_points[{label!r}] must be rates in [0, 1]; got {point!r}")
        ax.plot(
            [fpr_point],
            [tpr_point],
            ls="none",
            marker=MARKERS[i % len(MARKERS)],
            ms=9,
            mfc="white",
            mec="black",
            mew=1.5,
            label=str(label),
        )
    _label(ax, "false positive rate", "true positive rate", title or "ROC curve")
    _legend(ax, loc="lower right")
    return fig


def plot_calibration(
    y_true,
    probabilities: Mapping[str, np.ndarray],
    n_bins: int = 5,
    strategy: str = "quantile",
    title: str | None = None,
) -> Figure:
    """Reliability diagram: predicted probability against the observed frequency.

    Introduced in the chapter "Case study: clinical data". The samples are grouped into ``n_bins`` bins
    of predicted probability (:func:`sklearn.calibration.calibration_curve`);
    each point is a bin's mean predicted probability (x) and the fraction of
    its samples that are positive (y). A calibrated model's points lie on
    the dashed diagonal. With few samples use few bins, and ``"quantile"``
    bins, which hold equal numbers of samples.

    Parameters
    ----------
    y_true : array_like of 0 and 1, shape (n_samples,)
    probabilities : dict of str to array_like, shape (n_samples,)
        Model name -> predicted probability of class 1, in [0, 1].
    n_bins : int
        Number of bins (>= 2).
    strategy : {"quantile", "uniform"}
        Equal-count bins, or equal-width bins on [0, 1].
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_calibration
    >>> fig = plot_calibration([0, 0, 1, 1], {"model": [0.1, 0.2, 0.7, 0.9]}, n_bins=2)
    >>> fig.axes[0].lines[0].get_ydata().tolist()
    [0.0, 1.0]
    """
    from sklearn.calibration import calibration_curve

    y_true, probabilities = _binary_targets_and_scores(y_true, probabilities, "probabilities")
    n_bins = integer(n_bins, "n_bins", minimum=2)
    strategy = choice(strategy, "strategy", ("quantile", "uniform"))
    fig, axes = _figure(figsize=(5.0, 4.8))
    ax = axes[0, 0]
    for i, (label, values) in enumerate(probabilities.items()):
        in_unit_interval(values, f"probabilities[{label!r}]")
        observed, predicted = calibration_curve(y_true, values, n_bins=n_bins, strategy=strategy)
        ax.plot(
            predicted,
            observed,
            lw=1.5,
            color=COLORS[i % len(COLORS)],
            ls="-" if i == 0 else "--",
            marker=MARKERS[i % len(MARKERS)],
            ms=7,
            label=str(label),
        )
    _unit_square(ax, "perfectly calibrated")
    _label(ax, "mean predicted probability", "observed fraction positive", title or f"Calibration ({n_bins} bins)")
    _legend(ax, loc="upper left")
    return fig


def _spring_layout(adjacency: np.ndarray, n_steps: int = 400) -> np.ndarray:
    """Node positions for drawing a small graph: a force-directed layout.

    The nodes start on a circle in depth-first order, which draws a tree
    without crossings and a ring as a ring; then joined nodes attract like
    springs and all nodes repel. Deterministic.
    """
    n = len(adjacency)
    order, seen = [], set()
    for root in range(n):
        stack = [root]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            order.append(node)
            stack.extend(int(other) for other in np.flatnonzero(adjacency[node])[::-1] if other not in seen)
    angle = np.empty(n)
    angle[order] = 2 * np.pi * np.arange(n) / max(n, 1)
    pos = np.column_stack([np.cos(angle), np.sin(angle)])
    k = 1.0 / np.sqrt(max(n, 1))
    step = 0.1
    for _ in range(n_steps):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=-1), 1e-3)
        force = (k**2 / distance**2 - adjacency * distance / k)[..., None] * delta
        move = force.sum(axis=1)
        length = np.maximum(np.linalg.norm(move, axis=1, keepdims=True), 1e-9)
        pos = pos + move / length * np.minimum(length, step)
        step = max(step * 0.99, 0.005)
    return pos - pos.mean(axis=0)


def plot_molecule_graphs(
    A, X, titles: Sequence[str] | None = None, ncols: int = 3, atom_types: Sequence[str] = ("C", "N", "O")
) -> Figure:
    """Draw small graphs: one panel each, nodes lettered and coloured by type, bonds as lines.

    Introduced in the chapter "Graph neural networks".
    Padding nodes (all-zero rows of ``A`` and ``X``) are not drawn.

    Parameters
    ----------
    A : array_like, shape (n_graphs, n_max, n_max)
        Adjacency matrices (as from :func:`dlbook.data.molecule_graphs`).
    X : array_like, shape (n_graphs, n_max, n_types)
        One-hot node types.
    titles : sequence of str, optional
        One title per graph.
    ncols : int
        Panels per row.
    atom_types : sequence of str
        The letter of each node type.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> import numpy as np
    >>> from dlbook.plots import plot_molecule_graphs
    >>> A = np.array([[[0, 1, 0], [1, 0, 1], [0, 1, 0]]])
    >>> X = np.array([[[1, 0, 0], [1, 0, 0], [0, 0, 1]]])
    >>> fig = plot_molecule_graphs(A, X, titles=["ethanol"])
    >>> [ax.get_title() for ax in fig.axes]
    ['ethanol']
    """
    A = as_float_array(A, "A", ndim=3)
    X = as_float_array(X, "X", ndim=3)
    if A.shape[1] != A.shape[2] or X.shape[:2] != A.shape[:2] or X.shape[2] > len(atom_types):
        raise ValueError(
            f"A must be (n_graphs, n, n) and X (n_graphs, n, <= {len(atom_types)}); got A {A.shape} and X {X.shape}"
        )
    if titles is not None and len(titles) != len(A):
        raise ValueError(f"titles must have one entry per graph ({len(A)}); got {len(titles)}")
    ncols = min(positive_int(ncols, "ncols"), len(A))
    nrows = int(np.ceil(len(A) / ncols))
    cell = min(2.4, 7.2 / ncols)
    fig, axes = _figure(ncols=ncols, nrows=nrows, figsize=(cell * ncols, (cell + 0.3) * nrows))
    for g, ax in enumerate(axes.flat):
        ax.axis("off")
        if g >= len(A):
            continue
        real = np.flatnonzero(A[g].any(axis=1) | X[g].any(axis=1))
        adjacency, types = A[g][np.ix_(real, real)], X[g][real].argmax(axis=1)
        pos = _spring_layout(adjacency)
        for i, j in zip(*np.nonzero(np.triu(adjacency))):
            ax.plot(pos[[i, j], 0], pos[[i, j], 1], color="0.4", lw=1.5, zorder=1)
        for (px, py), t in zip(pos, types):
            ax.scatter([px], [py], s=260, color=COLORS[t % len(COLORS)], edgecolors="black", linewidths=0.8, zorder=2)
            ax.text(
                px,
                py,
                atom_types[t],
                ha="center",
                va="center",
                fontsize=TICK_SIZE,
                color="white",
                fontweight="bold",
                zorder=3,
            )
        ax.set_aspect("equal", adjustable="datalim")  # widen the short side, never clip an atom
        ax.margins(0.15)
        if titles is not None:
            ax.set_title(titles[g], fontsize=TICK_SIZE)
    for ax in axes.flat[len(A) :]:
        fig.delaxes(ax)
    return fig


def plot_parity(
    y_true, predictions: Mapping[str, np.ndarray], title: str | None = None, quantity: str = "value"
) -> Figure:
    """Predicted against true values, one panel per model, with the line y = x.

    Introduced in the chapter "Graph neural networks".
    Points on the diagonal are perfect predictions; each panel's title gives
    the model's mean absolute error.

    Parameters
    ----------
    y_true : array_like, shape (n,) or (n, 1)
    predictions : dict of str to array_like
        Each model's predictions, same shape as ``y_true``.
    title : str, optional
        Title of the whole figure.
    quantity : str
        Name of the predicted quantity, for the axis labels.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_parity
    >>> fig = plot_parity([1.0, 2.0], {"model": [1.5, 2.0]})
    >>> fig.axes[0].get_title()
    'model: MAE 0.25'
    """
    y_true = as_float_array(y_true, "y_true", ndim=(1, 2)).reshape(-1)
    if not isinstance(predictions, Mapping) or not predictions:
        raise TypeError("predictions must be a non-empty dict of name -> predicted values")
    values = {}
    for name, y_hat in predictions.items():
        y_hat = as_float_array(y_hat, f"predictions[{name!r}]", ndim=(1, 2)).reshape(-1)
        if y_hat.shape != y_true.shape:
            raise ValueError(f"predictions[{name!r}] must have one value per sample ({len(y_true)}); got {len(y_hat)}")
        values[name] = y_hat
    n = len(values)
    fig, axes = _figure(ncols=n, figsize=(min(9.0, 3.2 * n + 0.4), 3.4), sharex=True, sharey=True)
    low = min(y_true.min(), *(v.min() for v in values.values()))
    high = max(y_true.max(), *(v.max() for v in values.values()))
    for k, (ax, (name, y_hat)) in enumerate(zip(axes.flat, values.items())):
        ax.plot([low, high], [low, high], color="0.5", lw=1, ls="--")
        ax.scatter(y_true, y_hat, s=10, alpha=0.5, color=COLORS[k % len(COLORS)], marker=MARKERS[k % len(MARKERS)])
        mae = float(np.mean(np.abs(y_hat - y_true)))
        _label(ax, f"true {quantity}", f"predicted {quantity}" if k == 0 else "", f"{name}: MAE {mae:.2g}")
        ax.set_aspect("equal")
    if title:
        fig.suptitle(title, fontsize=TITLE_SIZE)
    return fig


def plot_series(
    x,
    curves: Mapping[str, np.ndarray],
    title: str | None = None,
    xlabel: str = "time",
    ylabel: str = "value",
    logy: bool = False,
) -> Figure:
    """Several curves against one shared axis: time series, or a quantity against length.

    Introduced in the chapter "Sequences and recurrent networks". Curves differ in colour and in line
    style, so they stay apart in grey print.

    Parameters
    ----------
    x : array_like, shape (n,)
        The shared axis (time, step, sequence length).
    curves : dict of str to array_like
        Label -> ``n`` values.
    title, xlabel, ylabel : str, optional
    logy : bool
        Logarithmic vertical axis (every value must then be > 0).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> import numpy as np
    >>> from dlbook.plots import plot_series
    >>> t = np.arange(5)
    >>> fig = plot_series(t, {"prey": t ** 2, "predators": t + 1.0})
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['prey', 'predators']
    """
    x = as_float_array(x, "x", ndim=1)
    if not isinstance(curves, Mapping) or not curves:
        raise TypeError(f"curves must be a non-empty dict of label -> values; got {curves!r:.60}")
    curves = _one_value_each(curves, x.shape[0], "curves", "x")
    if logy and min(values.min() for values in curves.values()) <= 0:
        raise ValueError("curves must be > 0 everywhere with logy=True")
    fig, axes = _figure()
    ax = axes[0, 0]
    styles = ("-", "--", ":", "-.")
    for i, (label, values) in enumerate(curves.items()):
        ax.plot(x, values, lw=2, color=COLORS[i % len(COLORS)], ls=styles[i % len(styles)], label=label)
    if logy:
        ax.set_yscale("log")
    _label(ax, xlabel, ylabel, title or "")
    ax.grid(alpha=0.3)
    _legend(ax, loc="best")
    return fig


def plot_kernels(kernels, titles: Sequence[str] | None = None, ncols: int = 8, shared_scale: bool = True) -> Figure:
    """Small 2-D arrays (convolution kernels or feature maps) in a grid, on a shared diverging scale.

    Introduced in the chapter "Convolutional networks". Positive values are red, negative
    blue and zero white. With ``shared_scale`` one colour scale serves the
    whole grid, so that panels can be compared with each other; otherwise
    each panel is scaled to its own largest absolute value.

    Parameters
    ----------
    kernels : array_like, shape (n, height, width)
    titles : sequence of str, optional
        One title per panel.
    ncols : int
        Panels per row.
    shared_scale : bool
        One colour scale for all panels (default) or one per panel.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matplotlib import pyplot as plt
    >>> import numpy as np
    >>> from dlbook.plots import plot_kernels
    >>> fig = plot_kernels(np.ones((3, 3, 3)), titles=["a", "b", "c"])
    >>> [ax.get_title() for ax in fig.axes]
    ['a', 'b', 'c']
    """
    kernels = as_float_array(kernels, "kernels", ndim=3)
    if titles is not None and len(titles) != len(kernels):
        raise ValueError(f"titles must have one entry per panel ({len(kernels)}); got {len(titles)}")
    ncols = min(positive_int(ncols, "ncols"), len(kernels))
    nrows = int(np.ceil(len(kernels) / ncols))
    limits = np.abs(kernels).max(axis=(1, 2))
    if shared_scale:
        limits[:] = limits.max()
    limits[limits == 0] = 1.0
    cell = min(2.0, 8.0 / ncols)
    fig, axes = _figure(ncols=ncols, nrows=nrows, figsize=(cell * ncols, (cell + 0.3) * nrows))
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(kernels):
            fig.delaxes(ax)
            continue
        ax.imshow(kernels[i], cmap="RdBu_r", vmin=-limits[i], vmax=limits[i], interpolation="nearest")
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=TICK_SIZE)
    return fig


# --- Representation learning ------------------------------------------------


def plot_codes_2d(codes: Mapping[str, np.ndarray], labels, title: str | None = None) -> Figure:
    """Two-number codes of labelled samples, one panel per method, stacked for narrow screens.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings". Each sample is a small dot
    coloured by its class; each class's label is printed in large type at
    the median of its codes, so the classes can be told apart without
    colour.

    Parameters
    ----------
    codes : dict of str to array_like, shape (n_samples, 2)
        Method name -> the codes of the same samples.
    labels : array_like of int, shape (n_samples,)
        Class of each sample.
    title : str, optional
        Title above the panels.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_codes_2d
    >>> fig = plot_codes_2d({"PCA": [[0, 0], [1, 1]], "AE": [[1, 0], [0, 1]]}, [0, 1])
    >>> [ax.get_title() for ax in fig.axes]
    ['PCA', 'AE']
    """
    import matplotlib.patheffects as patheffects

    if not isinstance(codes, Mapping) or not codes:
        raise TypeError(f"codes must be a non-empty dict of method name -> (n, 2) codes; got {type(codes).__name__}")
    labels = np.asarray(labels).reshape(-1)
    checked = {}
    for name, values in codes.items():
        values = as_float_array(values, f"codes[{name!r}]", ndim=2)
        if values.shape != (len(labels), 2):
            raise ValueError(f"codes[{name!r}] must have shape ({len(labels)}, 2); got {values.shape}")
        checked[str(name)] = values
    cmap = matplotlib.colormaps["tab10"]
    fig, axes = _figure(nrows=len(checked), figsize=(5.0, 3.9 * len(checked)))
    for ax, (name, values) in zip(axes[:, 0], checked.items()):
        for i, label in enumerate(np.unique(labels)):
            points = values[labels == label]
            ax.scatter(points[:, 0], points[:, 1], s=6, alpha=0.5, color=cmap(i % 10), linewidths=0)
            centre = np.median(points, axis=0)
            ax.text(
                centre[0],
                centre[1],
                str(label),
                fontsize=15,
                fontweight="bold",
                ha="center",
                va="center",
                color=cmap(i % 10),
                path_effects=[patheffects.withStroke(linewidth=3, foreground="black")],
            )
        _label(ax, "code 1", "code 2", name)
    if title:
        fig.suptitle(title, fontsize=TITLE_SIZE)
    return fig


def plot_reconstructed_spectra(channels, X, X_hat, titles: Sequence[str]) -> Figure:
    """Measured spectra and their reconstructions, one stacked panel per spectrum.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings".

    Parameters
    ----------
    channels : array_like, shape (n_channels,)
        Position of each point on the horizontal axis.
    X, X_hat : array_like, shape (n_spectra, n_channels)
        Measured spectra and their reconstructions.
    titles : sequence of str, length n_spectra
        One title per panel.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.plots import plot_reconstructed_spectra
    >>> fig = plot_reconstructed_spectra([0, 1, 2], [[0, 1, 0]], [[0, 0.9, 0.1]], ["a spectrum"])
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['measured', 'reconstructed']
    """
    channels = as_float_array(channels, "channels", ndim=1)
    X = as_float_array(X, "X", ndim=2)
    X_hat = as_float_array(X_hat, "X_hat", ndim=2)
    if X.shape != X_hat.shape or X.shape[1] != len(channels):
        raise ValueError(
            f"X and X_hat must both have shape (n_spectra, {len(channels)}); got X {X.shape} and X_hat {X_hat.shape}"
        )
    titles = [str(t) for t in titles]
    if len(titles) != len(X):
        raise ValueError(f"titles must have one entry per spectrum ({len(X)}); got {len(titles)}")
    fig, axes = _figure(nrows=len(X), figsize=(5.6, 2.6 * len(X)), sharex=True)
    for ax, measured, rebuilt, title in zip(axes[:, 0], X, X_hat, titles):
        ax.plot(channels, measured, color=COLORS[0], lw=1.5, label="measured")
        ax.plot(channels, rebuilt, color=COLORS[1], lw=2, ls="--", label="reconstructed")
        _label(ax, "", "intensity", title)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("position on the spectrum", fontsize=LABEL_SIZE)
    _legend(axes[0, 0], loc="upper right")
    return fig


def plot_positional_encoding(pe, title: str | None = None) -> Figure:
    """The sinusoidal positional encoding as a heat map: positions down, columns across.

    Introduced in the chapter "Attention and transformers".

    Parameters
    ----------
    pe : array_like, shape (length, d_model)
        For example :func:`dlbook.attention.positional_encoding`.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> from dlbook.attention import positional_encoding
    >>> from dlbook.plots import plot_positional_encoding
    >>> fig = plot_positional_encoding(positional_encoding(40, 32))
    >>> fig.axes[0].get_xlabel()
    'column of the encoding'
    """
    pe = as_float_array(pe, "pe", ndim=2)
    fig, axes = _figure(figsize=(5.2, 4.6))
    ax = axes[0, 0]
    image = ax.imshow(pe, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    fig.colorbar(image, ax=ax, shrink=0.8).ax.tick_params(labelsize=TICK_SIZE)
    _label(ax, "column of the encoding", "position", title or "Sinusoidal positional encoding")
    return fig


def plot_attention_maps(maps, titles: Sequence[str], spans: Mapping[str, tuple[int, int]] | None = None) -> Figure:
    """Attention weights as heat maps, one panel per map: queries down, keys across.

    Introduced in the chapter "Attention and transformers". Row ``i`` of a map is the
    attention of position ``i`` over all positions; it sums to 1.

    Parameters
    ----------
    maps : array_like, shape (n_maps, L, S)
        For example the weights of the heads of one sequence.
    titles : sequence of str
        One title per map.
    spans : mapping of str to (start, stop), optional
        Position ranges to mark on both axes (for example where a motif
        sits), each drawn as a coloured bar with its name in the legend.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> import numpy as np
    >>> from dlbook.plots import plot_attention_maps
    >>> maps = np.full((2, 6, 6), 1 / 6)
    >>> fig = plot_attention_maps(maps, ["head 1", "head 2"], spans={"motif": (1, 3)})
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['head 1', 'head 2']
    """
    maps = as_float_array(maps, "maps", ndim=3)
    titles = [str(t) for t in titles]
    if len(titles) != len(maps):
        raise ValueError(f"titles must have one entry per map ({len(maps)}); got {len(titles)}")
    spans = dict(spans or {})
    fig, axes = _figure(nrows=len(maps), figsize=(4.6, 4.2 * len(maps)))
    for ax, weights, title in zip(axes[:, 0], maps, titles):
        image = ax.imshow(weights, cmap="Greys", vmin=0, vmax=weights.max(), interpolation="nearest")
        for (name, (start, stop)), color in zip(spans.items(), COLORS):
            ax.axvspan(start - 0.5, stop - 0.5, ymin=0, ymax=0.03, color=color, label=name)
            ax.axhspan(start - 0.5, stop - 0.5, xmin=0, xmax=0.03, color=color)
        fig.colorbar(image, ax=ax, shrink=0.8).ax.tick_params(labelsize=TICK_SIZE)
        _label(ax, "key position (looked at)", "query position (looking)", title)
    if spans:
        _legend(axes[0, 0], loc="upper right", framealpha=0.9)
    return fig
