"""dlbook.plots.plot_function_and_derivative: a curve above its slopes."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from dlbook import plots


def test_draws_the_function_and_every_slope():
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
def test_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        plots.plot_function_and_derivative(*args)
