"""Loss functions in plain NumPy.

Introduced in the chapter "Loss functions: how wrong is a prediction?".

Every loss averages over samples, like PyTorch's default
``reduction="mean"``, and agrees with the ``torch.nn.functional`` function of
the same name to within 1e-6 in float64.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import as_float_array, as_float_arrays, binary_labels, in_unit_interval, same_shape

__all__ = [
    "mse",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_distributions",
    "LOG_CLAMP",
]

#: PyTorch clamps ``log`` at -100 inside ``binary_cross_entropy`` so that a
#: prediction of exactly 0 or 1 gives a large but finite loss. We do the same.
LOG_CLAMP = -100.0


def _clamped_log(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(x), LOG_CLAMP)


def _targets_and_predictions(y, y_hat, name: str = "y_hat") -> tuple[np.ndarray, np.ndarray]:
    """``y`` and the predictions as float arrays of one shape (errors name the argument)."""
    y, y_hat = as_float_arrays(y=y, **{name: y_hat})
    same_shape(y, y_hat, "y", name)
    return y, y_hat


def _labels_and_probabilities(y, y_hat) -> tuple[np.ndarray, np.ndarray]:
    """``y`` (0s and 1s) and ``y_hat`` (in [0, 1]) as float arrays of one shape."""
    y, y_hat = _targets_and_predictions(y, y_hat)
    binary_labels(y, "y")
    in_unit_interval(y_hat, "y_hat")
    return y, y_hat


def _labels_and_logits(y, logits) -> tuple[np.ndarray, np.ndarray]:
    """``y`` (0s and 1s) and the logits as float arrays of one shape."""
    y, logits = _targets_and_predictions(y, logits, name="logits")
    binary_labels(y, "y")
    return y, logits


def mse(y, y_hat) -> float:
    """Mean squared error ``mean((y - y_hat)**2)``.

    Introduced in the chapter "Loss functions".

    Parameters
    ----------
    y : array_like
        Targets, any shape.
    y_hat : array_like
        Predictions, the same shape as ``y`` (no broadcasting).

    Returns
    -------
    float

    Examples
    --------
    >>> from dlbook.losses import mse
    >>> mse([1.0, 2.0], [1.5, 2.0])
    0.125
    """
    y, y_hat = _targets_and_predictions(y, y_hat)
    return float(np.mean((y - y_hat) ** 2))


def binary_cross_entropy(y, y_hat) -> float:
    """Binary cross-entropy of probabilities ``y_hat`` against 0/1 labels ``y``.

    Introduced in the chapter "Loss functions".

    ``-mean(y log(y_hat) + (1 - y) log(1 - y_hat))``. Each log is clamped at
    -100, exactly as ``torch.nn.functional.binary_cross_entropy`` does, so a
    confident wrong prediction of exactly 0 or 1 costs 100, not infinity.

    Parameters
    ----------
    y : array_like
        True labels, each 0 or 1.
    y_hat : array_like
        Predicted probabilities of class 1, in [0, 1], same shape as ``y``.

    Returns
    -------
    float

    Examples
    --------
    >>> from dlbook.losses import binary_cross_entropy
    >>> round(binary_cross_entropy([1.0], [0.9]), 4)
    0.1054
    >>> round(binary_cross_entropy([1.0], [0.1]), 4)
    2.3026
    >>> binary_cross_entropy([1.0], [0.0])
    100.0
    """
    y, y_hat = _labels_and_probabilities(y, y_hat)
    per_sample = y * _clamped_log(y_hat) + (1.0 - y) * _clamped_log(1.0 - y_hat)
    return float(-np.mean(per_sample))


def binary_cross_entropy_with_logits(y, logits) -> float:
    """Binary cross-entropy computed from raw scores (logits), stably.

    Introduced in the chapter "Loss functions".

    Equal to ``binary_cross_entropy(y, sigmoid(logits))`` but evaluated as
    ``max(x, 0) - x y + log(1 + exp(-|x|))``, which never overflows and never
    takes the log of 0. This is what ``torch.nn.BCEWithLogitsLoss`` does.

    Parameters
    ----------
    y : array_like
        True labels, each 0 or 1.
    logits : array_like
        Raw scores, same shape as ``y``.

    Returns
    -------
    float

    Examples
    --------
    >>> from dlbook.losses import binary_cross_entropy_with_logits
    >>> round(binary_cross_entropy_with_logits([1.0], [0.0]), 4)
    0.6931
    >>> binary_cross_entropy_with_logits([0.0], [1000.0])
    1000.0
    """
    y, x = _labels_and_logits(y, logits)
    per_sample = np.maximum(x, 0.0) - x * y + np.log1p(np.exp(-np.abs(x)))
    return float(np.mean(per_sample))


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy(labels, logits) -> float:
    """Softmax cross-entropy of integer class labels against raw scores.

    Introduced in the chapter "Loss functions".

    ``-mean(log softmax(logits)[i, labels[i]])``: the same as
    ``torch.nn.functional.cross_entropy(logits, labels)``, which also takes
    *logits*, not probabilities.

    Parameters
    ----------
    labels : array_like of int, shape (n_samples,)
        The true class of each sample, in ``0 .. n_classes - 1``.
    logits : array_like, shape (n_samples, n_classes)
        Raw scores, one row per sample.

    Returns
    -------
    float

    Examples
    --------
    >>> from dlbook.losses import cross_entropy
    >>> round(cross_entropy([0], [[2.0, 1.0, 0.1]]), 4)
    0.417
    """
    logits = as_float_array(logits, "logits", ndim=2)
    labels_f = as_float_array(labels, "labels", ndim=1)
    if labels_f.shape[0] != logits.shape[0]:
        raise ValueError(
            "labels and logits must have the same number of samples; "
            f"got labels {labels_f.shape} and logits {logits.shape}"
        )
    n_classes = logits.shape[1]
    if (labels_f != np.round(labels_f)).any() or labels_f.min() < 0 or labels_f.max() >= n_classes:
        raise ValueError(
            f"labels must be integers in [0, {n_classes - 1}]; got min {labels_f.min():g} and max {labels_f.max():g}"
        )
    index = labels_f.astype(np.int64)
    log_probs = _log_softmax(logits)
    return float(-np.mean(log_probs[np.arange(len(index)), index]))


def cross_entropy_distributions(p, q) -> float:
    """Cross-entropy ``H(p, q) = -sum_k p_k log q_k`` of two distributions.

    Introduced in the chapter "Loss functions".

    ``p`` is the true distribution (for a label, a one-hot vector) and ``q``
    the predicted one. With a batch (2-D input, one distribution per row) the
    result is averaged over rows. The log is clamped at -100 as in
    :func:`binary_cross_entropy`.

    Parameters
    ----------
    p, q : array_like, shape (n_classes,) or (n_samples, n_classes)
        Probability distributions: non-negative, each summing to 1.

    Returns
    -------
    float

    Examples
    --------
    >>> from dlbook.losses import cross_entropy_distributions
    >>> round(cross_entropy_distributions([0, 1, 0], [0.2, 0.7, 0.1]), 4)
    0.3567
    """
    p = as_float_array(p, "p", ndim=(1, 2))
    q = as_float_array(q, "q", ndim=(1, 2))
    same_shape(p, q, "p", "q")
    for array, name in ((p, "p"), (q, "q")):
        in_unit_interval(array, name)
        sums = array.sum(axis=-1)
        if not np.allclose(sums, 1.0, atol=1e-6):
            raise ValueError(f"{name} must sum to 1 along its last axis; got sum {np.ravel(sums)[0]:g}")
    per_row = -(p * _clamped_log(q)).sum(axis=-1)
    return float(np.mean(per_row))
