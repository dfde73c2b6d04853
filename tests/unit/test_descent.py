"""dlbook.descent: trajectories against closed forms and torch.optim (float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlbook import descent

TRAJECTORY_TOL = dict(rtol=1e-10, atol=1e-12)


# A bumpy 2-D loss, written twice: in NumPy (with its gradient) and in torch.
def f_torch(p: torch.Tensor) -> torch.Tensor:
    return 0.5 * p[0] ** 2 + 5.0 * p[1] ** 2 + torch.sin(p[0] * p[1])


def grad_numpy(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([x + y * np.cos(x * y), 10.0 * y + x * np.cos(x * y)])


def torch_trajectory(optimizer_class, x0, num_steps, f=f_torch, **options) -> np.ndarray:
    p = torch.tensor(np.asarray(x0, dtype=np.float64), requires_grad=True)
    optimizer = optimizer_class([p], **options)
    path = [p.detach().clone().numpy()]
    for _ in range(num_steps):
        optimizer.zero_grad()
        f(p).backward()
        optimizer.step()
        path.append(p.detach().clone().numpy())
    return np.stack(path)


# -- plain gradient descent -------------------------------------------------------


def test_gradient_descent_closed_form_on_a_parabola():
    """For (x - 3)^2 every step shrinks the distance to 3 by the factor (1 - 2 lr)."""
    lr, x0 = 0.1, 0.0
    path = descent.gradient_descent(lambda x: 2 * (x - 3), x0=x0, lr=lr, num_steps=20)
    expected = 3 + (x0 - 3) * (1 - 2 * lr) ** np.arange(21)
    np.testing.assert_allclose(path, expected, rtol=1e-12)


def test_gradient_descent_honours_lr():
    grad = lambda x: 2 * (x - 3)  # noqa: E731
    slow = descent.gradient_descent(grad, 0.0, lr=0.01, num_steps=1)
    fast = descent.gradient_descent(grad, 0.0, lr=0.25, num_steps=1)
    assert slow[1] == pytest.approx(0.06)
    assert fast[1] == pytest.approx(1.5)
    # lr = 1 on this parabola overshoots to 6 and back to 0 for ever.
    np.testing.assert_allclose(descent.gradient_descent(grad, 0.0, lr=1.0, num_steps=4), [0, 6, 0, 6, 0])


def test_gradient_descent_trajectory_shape():
    path = descent.gradient_descent(grad_numpy, [1.0, -1.0], lr=0.05, num_steps=7)
    assert path.shape == (8, 2)
    np.testing.assert_array_equal(path[0], [1.0, -1.0])
    assert descent.gradient_descent(grad_numpy, [1.0, -1.0], lr=0.05, num_steps=0).shape == (1, 2)
    assert descent.gradient_descent(lambda x: 2 * x, 1.0, lr=0.1, num_steps=3).shape == (4,)


@pytest.mark.parametrize("lr", [0.01, 0.05, 0.15])
def test_gradient_descent_equals_torch_sgd(lr):
    ours = descent.gradient_descent(grad_numpy, [1.5, -0.8], lr=lr, num_steps=25)
    theirs = torch_trajectory(torch.optim.SGD, [1.5, -0.8], 25, lr=lr)
    np.testing.assert_allclose(ours, theirs, **TRAJECTORY_TOL)


def test_grad_gets_a_copy_of_x():
    seen = []

    def grad(x):
        seen.append(x)
        x += 100.0  # a careless gradient function must not corrupt the trajectory
        return 2 * (x - 100.0 - 3)

    path = descent.gradient_descent(grad, 0.0, lr=0.25, num_steps=2)
    np.testing.assert_allclose(path, [0.0, 1.5, 2.25])


# -- momentum ---------------------------------------------------------------------


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("lr", [0.01, 0.08])
def test_momentum_equals_torch_sgd_with_momentum(lr, momentum):
    ours = descent.momentum_descent(grad_numpy, [1.5, -0.8], lr=lr, num_steps=40, momentum=momentum)
    theirs = torch_trajectory(torch.optim.SGD, [1.5, -0.8], 40, lr=lr, momentum=momentum)
    np.testing.assert_allclose(ours, theirs, **TRAJECTORY_TOL)


def test_zero_momentum_is_plain_gradient_descent():
    np.testing.assert_allclose(
        descent.momentum_descent(grad_numpy, [1.0, 1.0], 0.05, 10, momentum=0.0),
        descent.gradient_descent(grad_numpy, [1.0, 1.0], 0.05, 10),
        rtol=1e-15,
    )


def test_momentum_step_by_hand():
    x, velocity = descent.momentum_step(1.0, g=2.0, velocity=1.0, lr=0.1, momentum=0.5)
    assert float(velocity) == pytest.approx(2.5)
    assert float(x) == pytest.approx(0.75)


# -- Adam -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lr, betas, eps",
    [
        (0.1, (0.9, 0.999), 1e-8),
        (0.01, (0.9, 0.999), 1e-8),
        (0.05, (0.5, 0.9), 1e-3),
        (0.2, (0.0, 0.99), 1e-8),
    ],
)
def test_adam_equals_torch_adam(lr, betas, eps):
    ours = descent.adam_descent(grad_numpy, [1.5, -0.8], lr=lr, num_steps=60, betas=betas, eps=eps)
    theirs = torch_trajectory(torch.optim.Adam, [1.5, -0.8], 60, lr=lr, betas=betas, eps=eps)
    np.testing.assert_allclose(ours, theirs, **TRAJECTORY_TOL)


def test_adam_first_step_has_size_lr_whatever_the_gradient():
    x, m, v = descent.adam_step([1.0, 1.0], g=[1e4, 1e-3], m=[0.0, 0.0], v=[0.0, 0.0], t=1, lr=0.1)
    np.testing.assert_allclose(x, [0.9, 0.9], rtol=1e-4)
    np.testing.assert_allclose(m, [1e3, 1e-4])
    np.testing.assert_allclose(v, [1e5, 1e-9])


@st.composite
def quadratics(draw):
    """A random diagonal quadratic 0.5 * sum(c x^2) and a starting point."""
    n = draw(st.integers(1, 4))
    c = draw(arrays(np.float64, n, elements=st.floats(0.1, 10.0)))
    x0 = draw(arrays(np.float64, n, elements=st.floats(-5.0, 5.0)))
    return c, x0


@given(quadratics(), st.floats(1e-3, 0.1), st.integers(0, 15))
def test_all_three_match_torch_on_random_quadratics(case, lr, num_steps):
    c, x0 = case
    ct = torch.tensor(c)
    f = lambda p: 0.5 * torch.sum(ct * p**2)  # noqa: E731
    grad = lambda x: c * x  # noqa: E731
    pairs = [
        (descent.gradient_descent(grad, x0, lr, num_steps), dict(cls=torch.optim.SGD, lr=lr)),
        (descent.momentum_descent(grad, x0, lr, num_steps), dict(cls=torch.optim.SGD, lr=lr, momentum=0.9)),
        (descent.adam_descent(grad, x0, lr, num_steps), dict(cls=torch.optim.Adam, lr=lr)),
    ]
    for ours, options in pairs:
        cls = options.pop("cls")
        theirs = torch_trajectory(cls, x0, num_steps, f=f, **options)
        assert ours.shape == (num_steps + 1, len(c))
        np.testing.assert_allclose(ours, theirs, **TRAJECTORY_TOL)


def test_all_three_approach_the_minimum():
    grad = lambda x: 2 * (x - 3)  # noqa: E731
    for path in (
        descent.gradient_descent(grad, 0.0, 0.1, 200),
        descent.momentum_descent(grad, 0.0, 0.05, 200),
        descent.adam_descent(grad, 0.0, 0.1, 500),
    ):
        assert path[-1] == pytest.approx(3.0, abs=1e-3)


# -- bad input ----------------------------------------------------------------------

GRAD = lambda x: 2 * x  # noqa: E731
DESCENTS = [descent.gradient_descent, descent.momentum_descent, descent.adam_descent]


@pytest.mark.parametrize("function", DESCENTS)
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(lr=0.0), ValueError, "lr must be a finite number > 0; got 0.0"),
        (dict(lr=-1.0), ValueError, "lr must be a finite number > 0"),
        (dict(lr=float("nan")), ValueError, "lr must be a finite number > 0"),
        (dict(lr="0.1"), TypeError, "lr must be a number"),
        (dict(num_steps=-1), ValueError, "num_steps must be an integer >= 0"),
        (dict(num_steps=2.5), TypeError, "num_steps must be an integer"),
        (dict(x0=float("nan")), ValueError, "x0 must not contain NaN"),
        (dict(x0="start"), TypeError, "x0 must be numbers"),
        (dict(grad=3.0), TypeError, "grad must be a function"),
        (
            dict(grad=lambda x: np.zeros(3)),
            ValueError,
            r"grad\(x\) must return an array shaped like x \(2,\); got \(3,\)",
        ),
        (dict(grad=lambda x: x * np.nan), ValueError, r"grad\(x\) must not contain NaN"),
    ],
)
def test_descent_bad_input(function, kwargs, error, match):
    arguments = dict(grad=GRAD, x0=[1.0, 2.0], lr=0.1, num_steps=3) | kwargs
    with pytest.raises(error, match=match):
        function(**arguments)


@pytest.mark.parametrize(
    "momentum, error, match",
    [
        (1.0, ValueError, r"momentum must be a fraction in \[0, 1\); got 1.0"),
        (-0.1, ValueError, r"momentum must be a fraction in \[0, 1\)"),
        ("high", TypeError, "momentum must be a number"),
    ],
)
def test_momentum_bad_input(momentum, error, match):
    with pytest.raises(error, match=match):
        descent.momentum_descent(GRAD, 1.0, 0.1, 3, momentum=momentum)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(betas=(1.0, 0.999)), ValueError, r"betas\[0\] must be a fraction in \[0, 1\)"),
        (dict(betas=(0.9, -0.5)), ValueError, r"betas\[1\] must be a fraction in \[0, 1\)"),
        (dict(betas=0.9), TypeError, r"betas must be a pair"),
        (dict(eps=0.0), ValueError, "eps must be a finite number > 0"),
    ],
)
def test_adam_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        descent.adam_descent(GRAD, 1.0, 0.1, 3, **kwargs)


def test_step_functions_check_shapes_and_t():
    with pytest.raises(ValueError, match=r"velocity must have the shape of x \(2,\); got \(3,\)"):
        descent.momentum_step([1.0, 1.0], [1.0, 1.0], np.zeros(3), lr=0.1)
    with pytest.raises(ValueError, match=r"g must have the shape of x \(2,\); got \(1,\)"):
        descent.momentum_step([1.0, 1.0], [1.0], np.zeros(2), lr=0.1)
    with pytest.raises(ValueError, match=r"v must have the shape of x"):
        descent.adam_step([1.0], [1.0], [0.0], [0.0, 0.0], t=1, lr=0.1)
    with pytest.raises(ValueError, match="t must be an integer >= 1; got 0"):
        descent.adam_step([1.0], [1.0], [0.0], [0.0], t=0, lr=0.1)


def test_docstrings_have_examples_that_run_in_a_fresh_shell(check_module_docs):
    from dlbook import descent as module

    assert check_module_docs(module) > 0
