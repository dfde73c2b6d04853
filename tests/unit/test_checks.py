"""The argument checks every module uses: one rule, tested once per check.

The rule (``dlbook._checks``): a wrong type raises ``TypeError``, a wrong
value of the right type raises ``ValueError``, and the message starts with
the argument's name and shows what came.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlbook import _checks as checks

# check, good value -> returned value, wrong-type value, wrong value (None: no value error exists)
CASES = [
    (lambda v: checks.integer(v, "k"), -3, -3, 2.0, None),
    (lambda v: checks.integer(v, "k", minimum=2), 2, 2, "2", 1),
    (lambda v: checks.positive_int(v, "k"), 5, 5, True, 0),
    (lambda v: checks.non_negative_int(v, "k"), 0, 0, 0.5, -1),
    (lambda v: checks.random_seed(v, "k"), 7, 7, None, None),
    (lambda v: checks.optional_seed(v, "k"), None, None, 1.5, None),
    (lambda v: checks.number(v, "k"), -2, -2.0, "x", float("inf")),
    (lambda v: checks.positive_number(v, "k"), 0.5, 0.5, False, 0.0),
    (lambda v: checks.non_negative_number(v, "k"), 0, 0.0, [1.0], -1e-9),
    (lambda v: checks.fraction(v, "k"), 0.0, 0.0, "0.1", 1.0),
    (lambda v: checks.choice(v, "k", ["a", "b"]), "b", "b", 1, "c"),
    (lambda v: checks.layer_sizes(v, "k"), (3, 1), [3, 1], "31", [3]),
]


@pytest.mark.parametrize("check, good, returned, wrong_type, wrong_value", CASES)
def test_each_check_follows_the_rule(check, good, returned, wrong_type, wrong_value):
    assert check(good) == returned
    with pytest.raises(TypeError, match=r"^k must be"):
        check(wrong_type)
    if wrong_value is not None:
        with pytest.raises(ValueError, match=r"^k must (be|have) .*; got"):
            check(wrong_value)


def test_bool_is_never_a_number():
    for check in (checks.integer, checks.number, checks.positive_number, checks.fraction):
        with pytest.raises(TypeError, match="got bool"):
            check(True, "k")


def test_nan_is_a_value_error_that_names_the_argument():
    for check in (checks.number, checks.positive_number, checks.non_negative_number, checks.fraction):
        with pytest.raises(ValueError, match="^lr must be"):
            check(float("nan"), "lr")


def test_fraction_ends_can_be_opened_and_closed():
    assert checks.fraction(1.0, "p", allow_one=True) == 1.0
    with pytest.raises(ValueError, match=r"p must be a fraction in \(0, 1\); got 0.0"):
        checks.fraction(0.0, "p", allow_zero=False)


def test_positive_ints_names_the_offending_argument():
    assert checks.positive_ints(a=1, b=2) == [1, 2]
    with pytest.raises(ValueError, match="^b must be an integer >= 1; got 0"):
        checks.positive_ints(a=1, b=0)


def test_layer_sizes_names_the_entry():
    with pytest.raises(ValueError, match=r"^sizes\[1\] must be an integer >= 1; got 0"):
        checks.layer_sizes([3, 0])


def test_arrays():
    assert checks.as_float_array([1, 2], "y").dtype == np.float64
    with pytest.raises(TypeError, match="^y must be numbers"):
        checks.as_float_array("12", "y")
    with pytest.raises(ValueError, match="^y must have 2 dimension"):
        checks.as_float_array([1, 2], "y", ndim=2)
    with pytest.raises(ValueError, match="^y and y_hat must have the same shape"):
        checks.same_shape(np.zeros(3), np.zeros((3, 1)), "y", "y_hat")
    with pytest.raises(ValueError, match=r"^y_hat must lie in \[0, 1\]"):
        checks.in_unit_interval(np.array([1.5]), "y_hat")
    with pytest.raises(ValueError, match="^y must contain only 0 and 1"):
        checks.binary_labels(np.array([0.0, 0.5]), "y")


def test_no_module_repeats_a_check_by_hand():
    """Every module uses the shared vocabulary instead of its own bool/number test."""
    import pathlib

    import dlbook

    package = pathlib.Path(dlbook.__file__).parent
    copies = [
        f"{path.name}:{number}"
        for path in package.glob("*.py")
        if path.name != "_checks.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "isinstance(" in line and ", bool)" in line
    ]
    assert not copies, f"use dlbook._checks instead of a hand-written check: {copies}"
