"""The PyTorch side of "Convolutional networks": cell images, SmallCNN and plot_kernels."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from scipy import ndimage
from torch import nn

from dlbook import data, models, plots, training


def _elongation(image: np.ndarray) -> float:
    """Ratio of the principal spreads of the bright (cell) pixels of an image: 1 for a disc."""
    weights = np.where(image > 0.3, image, 0.0)
    rows, cols = np.mgrid[0 : image.shape[0], 0 : image.shape[1]]
    coords = np.stack([rows.ravel(), cols.ravel()])
    covariance = np.cov(coords, aweights=weights.ravel())
    small, large = np.linalg.eigvalsh(covariance)
    return float(np.sqrt(large / small))


class TestCellImages:
    def test_shape_dtype_and_balance(self):
        X, y = data.cell_images(90, size=12, seed=3)
        assert X.shape == (90, 1, 12, 12) and X.dtype == np.float32
        assert y.dtype == np.int64 and np.array_equal(np.bincount(y), [30, 30, 30])

    def test_same_seed_same_images_and_noise_only_adds(self):
        X1, y1 = data.cell_images(50, seed=7)
        X2, y2 = data.cell_images(50, seed=7)
        clean, y3 = data.cell_images(50, seed=7, noise=0.0)
        assert np.array_equal(X1, X2) and np.array_equal(y1, y2) and np.array_equal(y1, y3)
        assert abs(np.std(X1 - clean) - 0.1) < 0.01
        assert not np.array_equal(X1, data.cell_images(50, seed=8)[0])

    def test_shape_tells_the_classes_apart(self):
        # Without noise, rods and doublets are far more elongated than discs ...
        X, y = data.cell_images(300, seed=0, noise=0.0)
        elongation = np.array([_elongation(image[0]) for image in X])
        assert elongation[y == 0].max() < 1.3 < 2.0 < min(elongation[y == 1].min(), elongation[y == 2].min())
        # ... and a doublet's bright pixels form two separate bodies, a rod's one.
        bodies = np.array([ndimage.label(image[0] > 0.3)[1] for image in X])
        assert np.all(bodies[y == 2] == 2) and np.all(bodies[y != 2] == 1)

    def test_position_varies(self):
        X, _ = data.cell_images(200, seed=1, noise=0.0)
        peaks = np.array([np.unravel_index(image[0].argmax(), image[0].shape) for image in X])
        assert peaks[:, 0].std() > 1.5 and peaks[:, 1].std() > 1.5

    @pytest.mark.parametrize(
        "kwargs, error",
        [
            ({"n": 0}, ValueError),
            ({"size": 4}, ValueError),
            ({"noise": -1.0}, ValueError),
            ({"seed": 1.5}, TypeError),
            ({"n": "10"}, TypeError),
        ],
    )
    def test_bad_input(self, kwargs, error):
        with pytest.raises(error):
            data.cell_images(**kwargs)


class TestSmallCNN:
    def test_shapes_and_parameter_count(self):
        model = models.SmallCNN(n_classes=10, image_size=8, seed=0)
        assert model(torch.zeros(2, 1, 8, 8)).shape == (2, 10)
        assert models.count_parameters(model) == (8 * 9 + 8) + (16 * 8 * 9 + 16) + (16 * 2 * 2 * 10 + 10)
        wide = models.SmallCNN(n_classes=3, image_size=16, channels=(4, 6), in_channels=2)
        assert wide(torch.zeros(1, 2, 16, 16)).shape == (1, 3)

    def test_seed_gives_the_same_weights_and_keeps_the_global_state(self):
        torch.manual_seed(123)
        before = torch.rand(1)
        torch.manual_seed(123)
        a = models.SmallCNN(3, 16, seed=5)
        after = torch.rand(1)
        b = models.SmallCNN(3, 16, seed=5)
        assert torch.equal(before, after)
        assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))

    def test_learns_cells_with_fit_and_to_loader(self):
        torch.set_num_threads(1)
        X, y = data.cell_images(300, seed=0)
        model = models.SmallCNN(3, 16, seed=0)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
        loader = training.to_loader(X, y, 64, shuffle=True, seed=0)
        history = training.fit(model, nn.CrossEntropyLoss(), optimizer, loader, 8)
        assert history.train_loss[-1] < 0.7 * history.train_loss[0]

    @pytest.mark.parametrize(
        "kwargs, error, match",
        [
            ({"n_classes": 3, "image_size": 10}, ValueError, "divisible by 4"),
            ({"n_classes": 0, "image_size": 16}, ValueError, "n_classes"),
            ({"n_classes": 3, "image_size": 16, "channels": (8,)}, TypeError, "channels"),
            ({"n_classes": 3, "image_size": 16, "channels": (8, 2.5)}, TypeError, r"channels\[1\]"),
            ({"n_classes": 3, "image_size": 16, "seed": "0"}, TypeError, "seed"),
        ],
    )
    def test_bad_arguments(self, kwargs, error, match):
        with pytest.raises(error, match=match):
            models.SmallCNN(**kwargs)

    def test_wrong_input_shape_is_named(self):
        with pytest.raises(ValueError, match=r"X must have shape \(n, 1, 16, 16\)"):
            models.SmallCNN(3, 16)(torch.zeros(2, 256))


class TestPlotKernels:
    def test_panels_titles_and_scales(self):
        kernels = np.stack([np.eye(3), -2 * np.eye(3), np.zeros((3, 3))])
        fig = plots.plot_kernels(kernels, titles=["a", "b", "c"], ncols=2)
        assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]
        shared = [ax.images[0].get_clim() for ax in fig.axes]
        assert shared == [(-2.0, 2.0)] * 3
        own = plots.plot_kernels(kernels, shared_scale=False)
        assert [ax.images[0].get_clim() for ax in own.axes] == [(-1.0, 1.0), (-2.0, 2.0), (-1.0, 1.0)]
        plt.close("all")

    def test_bad_input(self):
        with pytest.raises(ValueError, match="titles"):
            plots.plot_kernels(np.zeros((2, 3, 3)), titles=["only one"])
        with pytest.raises(ValueError, match="kernels"):
            plots.plot_kernels(np.zeros((3, 3)))
