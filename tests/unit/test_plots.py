"""dlbook.plots: every function returns a labelled Figure and changes no global style."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from dlbook import plots
from dlbook.activations import sigmoid
from dlbook.training import History


def quadratic(x):
    return (np.asarray(x) - 3.0) ** 2


def bowl(p):
    return float(p[0] ** 2 + 10 * p[1] ** 2)


# One call of every public plotting function.
CALLS = {
    "activations": lambda: plots.plot_activations(),
    "activations_derivatives": lambda: plots.plot_activations(("relu",), derivatives=True),
    "neuron_weight": lambda: plots.plot_neuron_response("weight"),
    "neuron_bias": lambda: plots.plot_neuron_response("bias", [-1.0, 1.0], activation="tanh"),
    "log_loss_terms": lambda: plots.plot_log_loss_terms(),
    "loss_curves_history": lambda: plots.plot_loss_curves(
        History(train_loss=[1.0, 0.5, 0.4], val_loss=[1.2, 0.8, 0.9], best_epoch=2), title="Run 1"
    ),
    "loss_curves_dict": lambda: plots.plot_loss_curves({"lr = 0.1": [1.0, 0.5]}),
    "decision_boundary_labels": lambda: plots.plot_decision_boundary(
        lambda P: (P[:, 0] > P[:, 1]).astype(int), np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([0, 1]), resolution=30
    ),
    "decision_boundary_probabilities": lambda: plots.plot_decision_boundary(
        lambda P: sigmoid(P[:, :1] - P[:, 1:]),
        np.array([[0.0, 1.0], [1.0, 0.0]]),
        np.array([[0.0], [1.0]]),
        resolution=30,
    ),
    "decision_boundary_scores": lambda: plots.plot_decision_boundary(
        lambda P: np.column_stack([P[:, 0], P[:, 1], -P[:, 0]]),
        np.array([[0.0, 1.0], [1.0, 0.0], [-1.0, -1.0]]),
        np.array([1, 0, 2]),
        resolution=30,
    ),
    "descent_path_1d": lambda: plots.plot_descent_path(quadratic, [0.0, 1.5, 2.25]),
    "descent_path_2d": lambda: plots.plot_descent_path(bowl, [[2.0, 1.0], [1.6, -0.6], [1.3, 0.4]], title="2-D"),
    "descent_paths": lambda: plots.plot_descent_paths(quadratic, {"a": [0.0, 1.0], "b": [0.0, 4.0]}, title="Both"),
    "image_grid": lambda: plots.plot_image_grid(
        np.random.default_rng(0).random((10, 8, 8)), list(range(10)), predictions=[0, 1, 2, 3, 4, 5, 6, 7, 8, 0]
    ),
    "confusion_matrix": lambda: plots.plot_confusion_matrix(
        [0, 1, 2, 2], [0, 2, 2, 2], ["setosa", "versicolor", "virginica"]
    ),
    "regression_fit": lambda: plots.plot_regression_fit(
        np.linspace(0, 1, 5)[:, None], np.arange(5.0), {"line": np.arange(5.0)}, title="fit"
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_returns_a_labelled_white_figure(name):
    fig = CALLS[name]()
    assert isinstance(fig, Figure)
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    width, height = fig.get_size_inches()
    assert width <= 9.0 and height <= 9.0  # readable when scaled to a phone
    main_axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert main_axes
    titled = [ax for ax in main_axes if ax.get_title()] or ([fig] if fig.get_suptitle() else [])
    assert titled, "no title"
    if name != "image_grid":
        assert any(ax.get_xlabel() for ax in main_axes) and any(ax.get_ylabel() for ax in main_axes)
        for ax in main_axes:
            assert ax.title.get_fontsize() >= 11 and ax.xaxis.label.get_fontsize() >= 10


def test_no_global_style_change():
    before = {key: value for key, value in matplotlib.rcParams.items()}
    for call in CALLS.values():
        call()
    after = {key: value for key, value in matplotlib.rcParams.items()}
    assert before == after


def test_importing_dlbook_has_no_side_effects():
    """Import every dlbook module in a fresh interpreter: no style, warning filter or output change."""
    code = textwrap.dedent("""
        import warnings, matplotlib, numpy, torch, sklearn.model_selection, tqdm.auto
        import matplotlib.pyplot
        rc = dict(matplotlib.rcParams); filters = list(warnings.filters)
        import dlbook, dlbook.activations, dlbook.losses, dlbook.scratch, dlbook.descent
        import dlbook.models, dlbook.training, dlbook.data, dlbook.plots
        assert dict(matplotlib.rcParams) == rc, "rcParams changed"
        assert list(warnings.filters) == filters, "warnings filters changed"
        assert matplotlib.pyplot.get_fignums() == [], "figures opened"
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_numpy_core_imports_no_framework():
    code = (
        "import sys, dlbook.activations, dlbook.losses, dlbook.scratch, dlbook.descent; "
        "print(sorted(m for m in ('torch', 'matplotlib', 'sklearn') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "[]", result.stderr


def test_activation_curves_are_the_functions():
    fig = plots.plot_activations(("sigmoid", "relu"), derivatives=True)
    sig_ax, relu_ax = fig.axes
    curve, derivative = [line for line in sig_ax.lines if line.get_label() in ("sigmoid(z)", "derivative")]
    np.testing.assert_allclose(curve.get_ydata(), sigmoid(curve.get_xdata()))
    assert max(derivative.get_ydata()) == pytest.approx(0.25)
    assert [ax.get_title() for ax in fig.axes] == ["sigmoid", "relu"]


def test_log_loss_terms_curves():
    ax = plots.plot_log_loss_terms().axes[0]
    one, zero = ax.lines
    x = one.get_xdata()
    assert 0 < x.min() and x.max() < 1
    np.testing.assert_allclose(one.get_ydata(), -np.log(x))
    np.testing.assert_allclose(zero.get_ydata(), -np.log(1 - zero.get_xdata()))
    assert "y = 1" in one.get_label() and "y = 0" in zero.get_label()
    # The book's example: y = 1, y_hat = 0.1 costs about 2.30.
    assert float(np.interp(0.1, x, one.get_ydata())) == pytest.approx(2.302585, abs=1e-3)


def test_neuron_response_varies_the_right_parameter():
    fig = plots.plot_neuron_response("weight", [1.0, 3.0], activation="sigmoid")
    lines = fig.axes[0].lines
    assert [line.get_label() for line in lines] == ["w = 1", "w = 3"]
    x = lines[1].get_xdata()
    np.testing.assert_allclose(lines[1].get_ydata(), sigmoid(3.0 * x))
    fig = plots.plot_neuron_response("bias", [2.0])
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), sigmoid(fig.axes[0].lines[0].get_xdata() + 2.0))


def test_loss_curves_use_epochs_from_one_and_mark_the_best():
    history = History(train_loss=[1.0, 0.5, 0.4], val_loss=[1.2, 0.8, 0.9], best_epoch=2)
    ax = plots.plot_loss_curves(history).axes[0]
    train, val, best = ax.lines
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(val.get_ydata(), [1.2, 0.8, 0.9])
    assert list(best.get_xdata()) == [2, 2]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend[-1] == "best epoch (2)", "the marker is named in the legend, not in the plot"
    assert ax.get_title() == "Loss per epoch"
    # No validation curve: no best-epoch marker.
    assert len(plots.plot_loss_curves(History(train_loss=[1.0, 0.5], best_epoch=2)).axes[0].lines) == 1


def test_image_grid_titles_and_empty_cells_removed():
    fig = CALLS["image_grid"]()
    assert len(fig.axes) == 10
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:2] == ["0", "1"] and titles[-1] == "pred 0 (true 9)"
    named = plots.plot_image_grid(np.zeros((2, 4, 4)), [0.0, 1.0], class_names=["cat", "dog"])
    assert [ax.get_title() for ax in named.axes] == ["cat", "dog"]


def test_confusion_matrix_counts():
    fig = plots.plot_confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["1", "0", "0", "0", "1", "1", "1", "0", "2"]


def test_descent_path_draws_the_steps():
    fig = plots.plot_descent_path(quadratic, [0.0, 1.5, 2.25, 2.625])
    steps = [line for line in fig.axes[0].lines if line.get_label() == "steps"][0]
    np.testing.assert_array_equal(steps.get_xdata(), [0.0, 1.5, 2.25, 2.625])
    np.testing.assert_allclose(steps.get_ydata(), quadratic(steps.get_xdata()))
    assert fig.axes[0].get_title() == "Gradient descent: 3 steps"
    fig = plots.plot_descent_paths(bowl, {"GD": [[1.0, 1.0], [0.5, 0.2]], "Adam": [[1.0, 1.0], [0.9, 0.9]]})
    assert [ax.get_title() for ax in fig.axes] == ["GD", "Adam"]
    assert fig.axes[0].get_xlim() == fig.axes[1].get_xlim()  # same view, comparable


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: plots.plot_activations(("sigmoid", "swish")), ValueError, r"names must be one of \['identity'"),
        (lambda: plots.plot_activations(()), ValueError, "names must name at least one"),
        (
            lambda: plots.plot_neuron_response("slope"),
            ValueError,
            r"vary must be one of \['bias', 'weight'\]; got 'slope'",
        ),
        (lambda: plots.plot_neuron_response("bias", activation="elu"), ValueError, "activation must be one of"),
        (lambda: plots.plot_loss_curves([1.0, 0.5]), TypeError, "history must be a History or a dict"),
        (lambda: plots.plot_loss_curves({}), ValueError, "at least one curve"),
        (lambda: plots.plot_loss_curves({"a": [1.0, np.nan]}), ValueError, "must not contain NaN"),
        (lambda: plots.plot_decision_boundary(None, np.zeros((2, 2)), [0, 1]), TypeError, "predict must be a function"),
        (
            lambda: plots.plot_decision_boundary(len, np.zeros((2, 3)), [0, 1]),
            ValueError,
            r"X must have exactly 2 features to draw a plane; got shape \(2, 3\)",
        ),
        (
            lambda: plots.plot_decision_boundary(len, np.zeros((2, 2)), [0, 1, 1]),
            ValueError,
            r"y must have one label per row of X \(2\); got 3",
        ),
        (lambda: plots.plot_descent_path(quadratic, [0.0, np.inf]), ValueError, "did the descent diverge"),
        (lambda: plots.plot_descent_path(quadratic, np.zeros((3, 3))), ValueError, "1-D trajectory or have 2 columns"),
        (lambda: plots.plot_descent_path("f", [0.0]), TypeError, "f must be the loss function"),
        (lambda: plots.plot_descent_paths("f", {"a": [0.0]}), TypeError, "f must be the loss function"),
        (lambda: plots.plot_descent_paths(quadratic, {}), ValueError, "paths must be a non-empty dict"),
        (lambda: plots.plot_descent_paths(bowl, {"a": [0.0, 1.0], "b": [[0.0, 1.0]]}), ValueError, "got a mix"),
        (
            lambda: plots.plot_image_grid(np.zeros((2, 8, 8)), [1]),
            ValueError,
            r"labels must have one entry per image \(2\)",
        ),
        (
            lambda: plots.plot_image_grid(np.zeros((2, 8, 8)), [1, 2], [1]),
            ValueError,
            "predictions must have one entry",
        ),
        (lambda: plots.plot_image_grid(np.zeros((2, 64)), [1, 2]), ValueError, "images must have 3 dimension"),
        (lambda: plots.plot_confusion_matrix([0, 1], [0]), ValueError, "same length; got 2 and 1"),
        (lambda: plots.plot_confusion_matrix([0, 1.5], [0, 1]), ValueError, "y_true must hold integer class labels"),
        (lambda: plots.plot_confusion_matrix([0, 2], [0, 1], ["a", "b"]), ValueError, "class_names must name all 3"),
        (lambda: plots.plot_regression_fit(np.zeros((3, 2)), np.zeros(3), {}), ValueError, "X must have one feature"),
        (
            lambda: plots.plot_regression_fit(np.zeros(3), np.zeros(2), {}),
            ValueError,
            r"one value per sample of X \(3\)",
        ),
        (
            lambda: plots.plot_regression_fit(np.zeros(3), np.zeros(3), [1, 2, 3]),
            TypeError,
            "predictions must be a dict",
        ),
        (
            lambda: plots.plot_regression_fit(np.zeros(3), np.zeros(3), {"m": np.zeros(2)}),
            ValueError,
            r"predictions\['m'\] must have one value per sample \(3\)",
        ),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
    plt.close("all")


def test_docstrings_have_examples_that_run_in_a_fresh_shell(check_module_docs):
    from dlbook import plots as module

    assert check_module_docs(module) > 0


# --- ROC and calibration plots (book/case-clinical.md) --------------------------


def _binary_example():
    rng = np.random.default_rng(0)
    y = np.array([0] * 40 + [1] * 20)
    scores = np.concatenate([rng.normal(0.0, 1.0, 40), rng.normal(1.5, 1.0, 20)])
    return y, scores, 1.0 / (1.0 + np.exp(-scores))


@pytest.mark.parametrize(
    "make",
    [
        lambda y, s, p: plots.plot_roc_curves(y, {"a": s, "b": -s}, {"threshold 0.5": (0.2, 0.8)}),
        lambda y, s, p: plots.plot_calibration(y, {"a": p}, n_bins=4),
        lambda y, s, p: plots.plot_calibration(y, {"a": p, "b": p**2}, n_bins=3, strategy="uniform", title="t"),
    ],
)
def test_roc_and_calibration_are_labelled_phone_sized_figures(make):
    before = dict(matplotlib.rcParams)
    fig = make(*_binary_example())
    assert dict(matplotlib.rcParams) == before
    assert isinstance(fig, Figure) and fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    width, height = fig.get_size_inches()
    assert width <= 5.5 and height <= 5.5, "narrow, so its text stays legible at phone width"
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert ax.title.get_fontsize() >= 11 and ax.xaxis.label.get_fontsize() >= 10
    assert ax.get_legend() is not None
    plt.close(fig)


def test_roc_curves_are_sklearns_and_the_legend_gives_the_auc():
    from sklearn.metrics import roc_auc_score, roc_curve

    y, scores, _ = _binary_example()
    fig = plots.plot_roc_curves(y, {"model": scores}, {"chosen": (0.25, 0.9)})
    model, chance, chosen = fig.axes[0].lines
    fpr, tpr, _ = roc_curve(y, scores)
    np.testing.assert_array_equal(model.get_xdata(), fpr)
    np.testing.assert_array_equal(model.get_ydata(), tpr)
    assert model.get_label() == f"model (AUC {roc_auc_score(y, scores):.3f})"
    assert list(chance.get_xdata()) == [0, 1] and list(chance.get_ydata()) == [0, 1]
    assert (chosen.get_xdata()[0], chosen.get_ydata()[0]) == (0.25, 0.9)
    # A perfect ranking reaches the top-left corner and has AUC 1.
    perfect = plots.plot_roc_curves([0, 0, 1], {"perfect": [0.1, 0.2, 0.9]}).axes[0].lines[0]
    assert perfect.get_label() == "perfect (AUC 1.000)"
    assert (0.0, 1.0) in set(zip(perfect.get_xdata(), perfect.get_ydata()))
    plt.close("all")


def test_calibration_points_are_bin_means_and_observed_fractions():
    from sklearn.calibration import calibration_curve

    y, _, probabilities = _binary_example()
    for strategy in ("quantile", "uniform"):
        line = plots.plot_calibration(y, {"m": probabilities}, n_bins=4, strategy=strategy).axes[0].lines[0]
        observed, predicted = calibration_curve(y, probabilities, n_bins=4, strategy=strategy)
        np.testing.assert_allclose(line.get_xdata(), predicted)
        np.testing.assert_allclose(line.get_ydata(), observed)
    # Hand-computed: bins {0.1, 0.3} and {0.6, 0.8}; one positive in each.
    line = plots.plot_calibration([0, 1, 0, 1], {"m": [0.1, 0.3, 0.6, 0.8]}, n_bins=2).axes[0].lines[0]
    np.testing.assert_allclose(line.get_xdata(), [0.2, 0.7])
    np.testing.assert_allclose(line.get_ydata(), [0.5, 0.5])
    plt.close("all")


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: plots.plot_roc_curves([0, 1, 2], {"m": [0.1, 0.2, 0.3]}),
            ValueError,
            "y_true must contain only 0 and 1",
        ),
        (lambda: plots.plot_roc_curves([1, 1], {"m": [0.1, 0.2]}), ValueError, "y_true must contain both classes"),
        (lambda: plots.plot_roc_curves([0, 1], [0.1, 0.2]), TypeError, "scores must be a dict"),
        (lambda: plots.plot_roc_curves([0, 1], {}), ValueError, "scores must hold at least one model"),
        (
            lambda: plots.plot_roc_curves([0, 1], {"m": [0.1]}),
            ValueError,
            r"scores\['m'\] must have one value per sample",
        ),
        (
            lambda: plots.plot_roc_curves([0, 1], {"m": [0.1, 0.2]}, {"p": (1.5, 0.2)}),
            ValueError,
            r"operating_points\['p'\] must be rates in \[0, 1\]",
        ),
        (
            lambda: plots.plot_calibration([0, 1], {"m": [0.1, 1.2]}),
            ValueError,
            r"probabilities\['m'\] must lie in \[0, 1\]",
        ),
        (
            lambda: plots.plot_calibration([0, 1], {"m": [0.1, 0.2]}, n_bins=1),
            ValueError,
            "n_bins must be an integer >= 2",
        ),
        (
            lambda: plots.plot_calibration([0, 1], {"m": [0.1, 0.2]}, strategy="kmeans"),
            ValueError,
            "strategy must be one of",
        ),
    ],
)
def test_roc_and_calibration_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
    plt.close("all")


def test_figures_are_not_registered_with_pyplot():
    """A chapter glues a figure without it also appearing under the cell, and nothing needs closing."""
    before = plt.get_fignums()
    figures = [plots.plot_activations(), plots.plot_confusion_matrix([0, 1, 1], [0, 1, 0])]
    assert all(isinstance(fig, Figure) for fig in figures)
    assert plt.get_fignums() == before


def test_confusion_matrix_counts_rows_as_true_classes():
    fig = plots.plot_confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], class_names=["a", "b", "c"])
    shown = fig.axes[0].images[0].get_array()
    assert shown.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_a_kernel_shows_the_figures_as_images_without_pyplot(tmp_path):
    """In a kernel that never drew with pyplot, a glued Figure must still be a PNG, not its text."""
    import json

    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("from dlbook import plots\nplots.plot_activations()")]
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    assert "image/png" in outputs[0]["data"], json.dumps(outputs)[:300]


# ---------------------------------------------------------------------------
# plot_function_and_derivative: a curve above its slopes


def test_function_and_derivative_draws_the_function_and_every_slope():
    x = np.linspace(-2.0, 2.0, 101)
    fig = plots.plot_function_and_derivative(
        x, x**3 - 3 * x, {"autograd": 3 * x**2 - 3, "by hand": 3 * x**2 - 3}, title="cubic"
    )
    assert isinstance(fig, Figure)
    top, bottom = fig.axes
    curve = top.lines[-1]
    np.testing.assert_allclose(curve.get_xdata(), x)
    np.testing.assert_allclose(curve.get_ydata(), x**3 - 3 * x)
    line, markers = bottom.lines[-2:]
    assert [line.get_label(), markers.get_label()] == ["autograd", "by hand"]
    np.testing.assert_allclose(line.get_ydata(), 3 * x**2 - 3)  # first slope: a full line
    assert markers.get_linestyle() == "None" and markers.get_marker() == "o"
    assert 10 <= len(markers.get_xdata()) < x.size  # later slopes: sparse markers
    np.testing.assert_allclose(markers.get_ydata(), 3 * markers.get_xdata() ** 2 - 3)
    assert top.get_title() == "cubic" and bottom.get_xlabel() == "x" and bottom.get_ylabel() == "dy/dx"
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    width, height = fig.get_size_inches()
    assert width <= 9.0 and height <= 9.0
    assert [t.get_text() for t in bottom.get_legend().get_texts()] == ["autograd", "by hand"]


@pytest.mark.parametrize(
    "args, error, match",
    [
        (
            (np.arange(3.0), np.arange(4.0), {"a": np.arange(3.0)}),
            ValueError,
            r"y must have one value per x \(3\); got 4",
        ),
        ((np.arange(3.0), np.arange(3.0), {}), ValueError, "slopes must be a non-empty dict"),
        ((np.arange(3.0), np.arange(3.0), [np.arange(3.0)]), ValueError, "slopes must be a non-empty dict"),
        (
            (np.arange(3.0), np.arange(3.0), {"a": np.arange(2.0)}),
            ValueError,
            r"slopes\['a'\] must have one value per x \(3\); got 2",
        ),
        (("abc", np.arange(3.0), {"a": np.arange(3.0)}), TypeError, "x must be numbers"),
    ],
)
def test_function_and_derivative_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        plots.plot_function_and_derivative(*args)
