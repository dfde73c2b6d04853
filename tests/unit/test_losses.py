"""dlbook.losses against torch.nn.functional (float64, within 1e-6)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlbook import losses
from dlbook.activations import softmax

TOL = dict(rtol=1e-6, atol=1e-6)


def t64(x) -> torch.Tensor:
    return torch.tensor(np.asarray(x, dtype=np.float64), dtype=torch.float64)


@st.composite
def paired(draw, elements_y, elements_y_hat):
    """Two arrays of the same shape (batch of one included)."""
    shape = draw(st.sampled_from([(1,), (1, 1)]) | st.tuples(st.integers(1, 8), st.integers(1, 3)))
    y = draw(arrays(np.float64, shape, elements=elements_y))
    y_hat = draw(arrays(np.float64, shape, elements=elements_y_hat))
    return y, y_hat


labels01 = st.sampled_from([0.0, 1.0])
# Probabilities, with exactly 0 and exactly 1 drawn often.
probabilities = st.sampled_from([0.0, 1.0]) | st.floats(0.0, 1.0)
reals = st.floats(-1e3, 1e3, allow_nan=False)
logits = st.floats(-1e4, 1e4, allow_nan=False)


# -- values the book states -------------------------------------------------


def test_bce_values_in_the_book():
    assert losses.binary_cross_entropy([1.0], [0.1]) == pytest.approx(2.302585, abs=1e-6)
    assert losses.binary_cross_entropy([1.0], [0.9]) == pytest.approx(0.105361, abs=1e-6)
    # 2.40 is a common slip, not the loss (see the next test).
    assert abs(losses.binary_cross_entropy([1.0], [0.1]) - 2.40) > 0.05


def test_the_2_40_slip_is_one_minus_y_hat_where_one_minus_y_belongs():
    y, y_hat = 1.0, 0.1
    slip = -(y * math.log(y_hat) + (1 - y_hat) * math.log(1 - y_hat))
    assert round(slip, 2) == 2.40
    assert slip == pytest.approx(losses.binary_cross_entropy([y], [y_hat]) + 0.9 * -math.log(0.9), abs=1e-12)
    assert round(losses.binary_cross_entropy([y], [y_hat]), 2) == 2.30


def test_bce_is_symmetric_in_the_labels():
    assert losses.binary_cross_entropy([0.0], [0.9]) == pytest.approx(losses.binary_cross_entropy([1.0], [0.1]))


def test_bce_clamps_the_log_at_minus_100_like_torch():
    assert losses.LOG_CLAMP == -100.0
    assert losses.binary_cross_entropy([1.0], [0.0]) == 100.0
    assert losses.binary_cross_entropy([0.0, 1.0], [1.0, 1.0]) == 50.0
    assert losses.binary_cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0


def test_mse_by_hand():
    assert losses.mse([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 6.0]]) == pytest.approx(1.0)


def test_cross_entropy_by_hand():
    logits = np.array([[2.0, 1.0, 0.1]])
    expected = -math.log(math.exp(2.0) / sum(math.exp(v) for v in (2.0, 1.0, 0.1)))
    assert losses.cross_entropy([0], logits) == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_distributions_is_minus_sum_p_log_q():
    p, q = np.array([0.2, 0.5, 0.3]), np.array([0.1, 0.6, 0.3])
    expected = -sum(pi * math.log(qi) for pi, qi in zip(p, q))
    assert losses.cross_entropy_distributions(p, q) == pytest.approx(expected, rel=1e-12)
    # Without the log (the notes' slip) the value would be very different.
    assert abs(losses.cross_entropy_distributions(p, q) + float(p @ q)) > 0.5


def test_cross_entropy_distributions_averages_rows():
    p = np.array([[1.0, 0.0], [0.0, 1.0]])
    q = np.array([[0.5, 0.5], [0.25, 0.75]])
    assert losses.cross_entropy_distributions(p, q) == pytest.approx((math.log(2) - math.log(0.75)) / 2)


def test_nll_loss_takes_log_probabilities():
    """Our cross_entropy equals F.nll_loss of LOG-softmax, not of softmax."""
    logits = np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
    labels = np.array([1, 2])
    ours = losses.cross_entropy(labels, logits)
    right = F.nll_loss(F.log_softmax(t64(logits), dim=1), torch.tensor(labels)).item()
    wrong = F.nll_loss(F.softmax(t64(logits), dim=1), torch.tensor(labels)).item()
    assert ours == pytest.approx(right, rel=1e-12)
    assert abs(ours - wrong) > 0.5


# -- agreement with torch.nn.functional -------------------------------------


@given(paired(reals, reals))
def test_mse_equals_torch(pair):
    y, y_hat = pair
    expected = F.mse_loss(t64(y_hat), t64(y)).item()
    np.testing.assert_allclose(losses.mse(y, y_hat), expected, **TOL)


@given(paired(labels01, probabilities))
def test_bce_equals_torch_including_0_and_1(pair):
    y, y_hat = pair
    expected = F.binary_cross_entropy(t64(y_hat), t64(y)).item()
    result = losses.binary_cross_entropy(y, y_hat)
    np.testing.assert_allclose(result, expected, **TOL)
    assert 0.0 <= result <= 100.0


@given(paired(labels01, logits))
def test_bce_with_logits_equals_torch_for_large_logits(pair):
    y, x = pair
    expected = F.binary_cross_entropy_with_logits(t64(x), t64(y)).item()
    np.testing.assert_allclose(losses.binary_cross_entropy_with_logits(y, x), expected, **TOL)


# Beyond |x| = 15 the probability route loses digits in 1 - sigmoid(x): the reason the
# logits version exists.
@given(paired(labels01, st.floats(-15, 15)))
def test_bce_with_logits_equals_bce_of_sigmoid(pair):
    y, x = pair
    probabilities_ = 1.0 / (1.0 + np.exp(-x))
    np.testing.assert_allclose(
        losses.binary_cross_entropy_with_logits(y, x), losses.binary_cross_entropy(y, probabilities_), **TOL
    )


@st.composite
def labelled_logits(draw):
    n = draw(st.integers(1, 8))
    n_classes = draw(st.integers(2, 6))
    scores = draw(arrays(np.float64, (n, n_classes), elements=logits))
    labels = draw(arrays(np.int64, (n,), elements=st.integers(0, n_classes - 1)))
    return labels, scores


@given(labelled_logits())
def test_cross_entropy_equals_torch_for_large_logits(case):
    labels, scores = case
    expected = F.cross_entropy(t64(scores), torch.tensor(labels)).item()
    np.testing.assert_allclose(losses.cross_entropy(labels, scores), expected, **TOL)


@given(labelled_logits())
def test_cross_entropy_equals_distributions_with_one_hot(case):
    labels, scores = case
    scores = np.clip(scores, -30, 30)  # keep every softmax probability above exp(-100)
    one_hot = np.eye(scores.shape[1])[labels]
    np.testing.assert_allclose(
        losses.cross_entropy_distributions(one_hot, softmax(scores)),
        losses.cross_entropy(labels, scores),
        rtol=1e-9,
        atol=1e-9,
    )


def test_float_labels_that_are_integers_are_accepted():
    assert losses.cross_entropy(np.array([1.0]), [[0.0, 0.0]]) == pytest.approx(math.log(2))


@pytest.mark.parametrize("function", [losses.mse, losses.binary_cross_entropy, losses.binary_cross_entropy_with_logits])
def test_return_type_is_float(function):
    assert type(function([1.0, 0.0], [0.5, 0.5])) is float


# -- bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    "function, y, y_hat, error, match",
    [
        (losses.mse, np.zeros(3), np.zeros((3, 1)), ValueError, r"same shape; got y \(3,\) and y_hat \(3, 1\)"),
        (losses.mse, [], [], ValueError, "y must not be empty"),
        (losses.mse, [1.0], [float("nan")], ValueError, "y_hat must not contain NaN"),
        (losses.mse, "1", [1.0], TypeError, "y must be numbers"),
        (losses.binary_cross_entropy, [1.0], [1.7], ValueError, r"y_hat must lie in \[0, 1\]; got .*max 1.7"),
        (losses.binary_cross_entropy, [1.0], [-0.1], ValueError, r"y_hat must lie in \[0, 1\]"),
        (losses.binary_cross_entropy, [2.0], [0.5], ValueError, "y must contain only 0 and 1; got 2"),
        (losses.binary_cross_entropy, [0.5], [0.5], ValueError, "y must contain only 0 and 1"),
        (losses.binary_cross_entropy, np.ones(4), np.ones((4, 1)) / 2, ValueError, "same shape"),
        (losses.binary_cross_entropy, [float("nan")], [0.5], ValueError, "y must not contain NaN"),
        (
            losses.binary_cross_entropy_with_logits,
            [1.0, 0.0],
            [3.0],
            ValueError,
            "y and logits must have the same shape",
        ),
        (losses.binary_cross_entropy_with_logits, [3.0], [3.0], ValueError, "y must contain only 0 and 1"),
        (losses.binary_cross_entropy_with_logits, [1.0], None, TypeError, "logits must be numbers"),
    ],
)
def test_bad_input_is_refused(function, y, y_hat, error, match):
    with pytest.raises(error, match=match):
        function(y, y_hat)


@pytest.mark.parametrize(
    "labels, scores, match",
    [
        ([0, 1], [[1.0, 2.0]], "same number of samples"),
        ([2], [[1.0, 2.0]], r"labels must be integers in \[0, 1\]"),
        ([-1], [[1.0, 2.0]], "labels must be integers"),
        ([0.5], [[1.0, 2.0]], "labels must be integers"),
        ([0], [1.0, 2.0], "logits must have 2 dimension"),
        ([[0]], [[1.0, 2.0]], "labels must have 1 dimension"),
        ([0], [[float("nan"), 2.0]], "logits must not contain NaN"),
    ],
)
def test_cross_entropy_bad_input(labels, scores, match):
    with pytest.raises(ValueError, match=match):
        losses.cross_entropy(labels, scores)


@pytest.mark.parametrize(
    "p, q, match",
    [
        ([0.5, 0.6], [0.5, 0.5], "p must sum to 1"),
        ([0.5, 0.5], [0.2, 0.2], "q must sum to 1"),
        ([1.5, -0.5], [0.5, 0.5], r"p must lie in \[0, 1\]"),
        ([1.0, 0.0], [1.0, 0.0, 0.0], "same shape"),
        ([[[1.0]]], [[[1.0]]], "p must have 1 or 2 dimension"),
    ],
)
def test_cross_entropy_distributions_bad_input(p, q, match):
    with pytest.raises(ValueError, match=match):
        losses.cross_entropy_distributions(p, q)


def test_docstrings_have_examples_that_run_in_a_fresh_shell(check_module_docs):
    from dlbook import losses as module

    assert check_module_docs(module) > 0
