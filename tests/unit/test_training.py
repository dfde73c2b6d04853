"""dlbook.training: the fit loop, early stopping, evaluation and metrics."""

from __future__ import annotations

import copy
import random
import sys

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from torch import nn

from dlbook import training
from dlbook.data import six_cells
from dlbook.models import MLP
from dlbook.training import EarlyStopping, History, accuracy, evaluate, fit, predict, to_loader


def line_data(n=24, slope=3.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(n, 1, generator=g) * 2 - 1
    return X, slope * X + 1


def linear_model(weight=0.0, bias=0.0):
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(weight)
        model.bias.fill_(bias)
    return model


# -- seed_everything / get_device ---------------------------------------------


def test_seed_everything_seeds_python_numpy_and_torch():
    training.seed_everything(42)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    training.seed_everything(42)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first
    training.seed_everything(43)
    assert torch.rand(1).item() != first[2]


def test_seed_everything_needs_an_integer():
    with pytest.raises(TypeError, match="seed must be an integer; got float"):
        training.seed_everything(1.5)


def test_get_device(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert training.get_device() == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert training.get_device() == torch.device("cuda")


# -- fit ------------------------------------------------------------------------


def test_fit_reduces_the_loss_on_six_cells():
    X, y = six_cells()
    model = MLP([2, 8, 1], seed=0)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    loader = to_loader(X, y, batch_size=3, shuffle=True, seed=0)
    history = fit(
        model,
        nn.BCEWithLogitsLoss(),
        optimizer,
        loader,
        num_epochs=60,
        val_loader=to_loader(X, y, batch_size=6),
        metrics={"accuracy": accuracy},
    )
    assert len(history.train_loss) == len(history.val_loss) == 60
    assert history.train_loss[-1] < 0.2 * history.train_loss[0]
    assert history.metrics["accuracy"][-1] == 1.0
    assert history.stopped_epoch == 60 and not history.stopped_early
    assert history.best_epoch == int(np.argmin(history.val_loss)) + 1
    assert history.best_loss == min(history.val_loss)


def test_fit_follows_the_textbook_loop_exactly():
    """Same result as the loop written out by hand (zero_grad, backward, step per batch)."""
    X, y = line_data()
    torch.manual_seed(0)
    model_a = nn.Linear(1, 1)
    model_b = copy.deepcopy(model_a)
    batches = [(X[:10], y[:10]), (X[10:], y[10:])]
    fit(model_a, nn.MSELoss(), torch.optim.SGD(model_a.parameters(), lr=0.1), batches, num_epochs=5)
    optimizer = torch.optim.SGD(model_b.parameters(), lr=0.1)
    for _ in range(5):
        for Xb, yb in batches:
            loss = nn.MSELoss()(model_b(Xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    for pa, pb in zip(model_a.parameters(), model_b.parameters()):
        assert torch.equal(pa, pb)


def test_train_loss_is_weighted_by_batch_size():
    X, y = line_data(n=5)
    model = linear_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-12)  # (practically) no learning
    batches = [(X[:4], y[:4]), (X[4:], y[4:])]
    history = fit(model, nn.MSELoss(), optimizer, batches, num_epochs=1)
    full = nn.MSELoss()(model(X), y).item()
    assert history.train_loss[0] == pytest.approx(full, rel=1e-6)
    unweighted = (nn.MSELoss()(model(X[:4]), y[:4]).item() + nn.MSELoss()(model(X[4:]), y[4:]).item()) / 2
    assert abs(unweighted - full) > 1e-3  # the test would notice a plain mean of batch losses


class _Tracked(torch.Tensor):
    """A batch that records .to() and returns a new plain tensor, like a real device move."""

    moves: list = []

    def to(self, *args, **kwargs):
        _Tracked.moves.append(args)
        return self.as_subclass(torch.Tensor).clone()


class _PlainInputOnly(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, X):
        assert type(X) is torch.Tensor, "the model got the batch before .to(device)"
        return self.linear(X)


def test_fit_keeps_the_tensor_returned_by_to_device():
    X, y = line_data(n=6)
    batches = [(X.as_subclass(_Tracked), y.as_subclass(_Tracked))]
    _Tracked.moves = []
    model = _PlainInputOnly()
    fit(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), batches, num_epochs=2, val_loader=batches)
    assert len(_Tracked.moves) == 8  # X and y, train and validation, two epochs
    assert all(args == (torch.device("cpu"),) for args in _Tracked.moves)


def test_validation_loss_is_that_of_evaluate_after_each_epoch():
    X, y = line_data()
    model = linear_model()
    loader = to_loader(X, y, batch_size=5)
    history = fit(
        model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), loader, num_epochs=3, val_loader=loader
    )
    assert history.val_loss[-1] == pytest.approx(evaluate(model, loader, nn.MSELoss())["loss"], rel=1e-6)


def test_metrics_accept_a_list_of_functions():
    X, y = six_cells()
    model = MLP([2, 1], seed=0)
    loader = to_loader(X, y, batch_size=6)
    history = fit(
        model,
        nn.BCEWithLogitsLoss(),
        torch.optim.SGD(model.parameters(), lr=0.1),
        loader,
        num_epochs=2,
        val_loader=loader,
        metrics=[accuracy],
    )
    assert list(history.metrics) == ["accuracy"] and len(history.metrics["accuracy"]) == 2


# -- early stopping ---------------------------------------------------------------


def diverging_problem():
    """Training pulls the weight towards +1 while validation wants -1: validation loss rises."""
    X = torch.linspace(-1, 1, 16).reshape(-1, 1)
    train = [(X, X.clone())]
    val = [(X, -X)]
    return train, val


def test_early_stopping_stops_and_restores_the_best_weights():
    train, val = diverging_problem()
    model = linear_model(weight=-0.5)
    stopper = EarlyStopping(patience=3)
    history = fit(
        model,
        nn.MSELoss(),
        torch.optim.SGD(model.parameters(), lr=0.2),
        train,
        num_epochs=100,
        val_loader=val,
        early_stopping=stopper,
    )
    assert history.best_epoch == 1
    assert history.stopped_epoch == 1 + 3 and history.stopped_early
    assert len(history.train_loss) == len(history.val_loss) == 4
    assert history.val_loss == sorted(history.val_loss)  # it really got worse every epoch
    restored = evaluate(model, val, nn.MSELoss())["loss"]
    assert restored == pytest.approx(history.val_loss[0], rel=1e-6)
    assert restored < history.val_loss[-1]


def test_without_restore_the_last_weights_stay():
    train, val = diverging_problem()
    model = linear_model(weight=-0.5)
    history = fit(
        model,
        nn.MSELoss(),
        torch.optim.SGD(model.parameters(), lr=0.2),
        train,
        num_epochs=100,
        val_loader=val,
        early_stopping=EarlyStopping(patience=2, restore_best=False),
    )
    assert history.stopped_epoch == 3
    assert evaluate(model, val, nn.MSELoss())["loss"] == pytest.approx(history.val_loss[-1], rel=1e-6)


def test_early_stopping_watches_train_loss_without_validation():
    X, y = line_data()
    model = linear_model()
    # lr = 1.1 on this problem overshoots more every step: the train loss grows.
    history = fit(
        model,
        nn.MSELoss(),
        torch.optim.SGD(model.parameters(), lr=1.1),
        [(X, y)],
        num_epochs=50,
        early_stopping=EarlyStopping(patience=2),
    )
    assert history.val_loss == []
    assert history.best_epoch == int(np.argmin(history.train_loss)) + 1
    assert history.stopped_early and history.stopped_epoch < 50


def test_early_stopping_min_delta_and_patience():
    stopper = EarlyStopping(patience=2, min_delta=0.1)
    model = nn.Linear(1, 1)
    decisions = [stopper.step(loss, model, epoch) for epoch, loss in enumerate([1.0, 0.95, 0.8, 0.75, 0.72], 1)]
    # 0.95 and 0.75 improve by less than min_delta; 0.8 improves by 0.2.
    assert decisions == [False, False, False, False, True]
    assert stopper.best_epoch == 3 and stopper.best_loss == 0.8


def test_early_stopping_state_is_a_deep_copy():
    stopper = EarlyStopping(patience=1)
    model = linear_model(weight=2.0)
    stopper.step(1.0, model, 1)
    with torch.no_grad():
        model.weight.fill_(-7.0)
    stopper.restore(model)
    assert model.weight.item() == 2.0


def test_fit_resets_a_reused_early_stopper():
    train, val = diverging_problem()
    stopper = EarlyStopping(patience=2)
    for _ in range(2):
        model = linear_model(weight=-0.5)
        history = fit(
            model,
            nn.MSELoss(),
            torch.optim.SGD(model.parameters(), lr=0.2),
            train,
            num_epochs=100,
            val_loader=val,
            early_stopping=stopper,
        )
        assert history.best_epoch == 1 and history.stopped_epoch == 3


# -- progress bar -------------------------------------------------------------------


def run_tiny_fit(progress):
    X, y = line_data(n=4)
    model = linear_model()
    return fit(
        model,
        nn.MSELoss(),
        torch.optim.SGD(model.parameters(), lr=0.1),
        [(X, y)],
        num_epochs=3,
        val_loader=[(X, y)],
        progress=progress,
    )


def test_progress_true_shows_a_bar(capsys):
    run_tiny_fit(progress=True)
    err = capsys.readouterr().err
    assert "training" in err and "3/3" in err and "val_loss" in err


def test_progress_false_is_silent(capsys):
    run_tiny_fit(progress=False)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_progress_auto(monkeypatch):
    monkeypatch.delenv("DLBOOK_PROGRESS", raising=False)
    assert training._progress_disabled(None) is None  # tqdm decides: a bar only in a terminal
    assert training._progress_disabled(True) is False  # explicit wins
    assert training._progress_disabled(False) is True
    monkeypatch.setenv("DLBOOK_PROGRESS", "0")
    assert training._progress_disabled(None) is True  # forced off
    assert training._progress_disabled(True) is False
    monkeypatch.setenv("DLBOOK_PROGRESS", "1")
    assert training._progress_disabled(None) is False  # forced on
    monkeypatch.delenv("DLBOOK_PROGRESS")
    monkeypatch.setattr(sys, "stderr", None)
    assert training._progress_disabled(None) is True  # no stderr at all


def test_no_terminal_no_bar(monkeypatch, capsys):
    monkeypatch.delenv("DLBOOK_PROGRESS", raising=False)
    run_tiny_fit(progress=None)  # pytest's captured stderr is not a terminal
    assert capsys.readouterr().err == ""


# -- evaluate / predict ----------------------------------------------------------------


def test_evaluate_over_uneven_batches_equals_the_whole_set():
    X, y = line_data(n=7)
    model = linear_model(weight=1.0, bias=0.5)
    result = evaluate(model, to_loader(X, y, batch_size=3), nn.MSELoss(), {"accuracy": lambda a, b: 0.25})
    assert result["loss"] == pytest.approx(nn.MSELoss()(model(X), y).item(), rel=1e-6)
    assert result["accuracy"] == 0.25


def test_evaluate_and_predict_use_eval_mode_and_restore_it():
    model = MLP([3, 30, 1], dropout=0.5, seed=0)
    X = torch.ones(4, 3)
    model.train()
    first, second = predict(model, X), predict(model, X)
    np.testing.assert_array_equal(first, second)  # dropout off
    assert model.training
    evaluate(model, [(X, torch.zeros(4, 1))], nn.MSELoss())
    assert model.training
    model.eval()
    predict(model, X)
    assert not model.training


def test_predict_accepts_numpy_and_returns_numpy():
    model = linear_model(weight=2.0, bias=1.0)
    out = predict(model, np.array([[1.0], [3.0]]))
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_array_equal(out, [[3.0], [7.0]])


# -- accuracy -------------------------------------------------------------------------


def test_accuracy_cases():
    assert accuracy(torch.tensor([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1]]), torch.tensor([1, 2])) == 0.5
    assert accuracy(torch.tensor([[0.7], [0.2]]), torch.tensor([[1.0], [0.0]])) == 1.0
    assert accuracy(torch.tensor([[2.0], [-1.0], [0.3]]), torch.tensor([[1.0], [0.0], [0.0]])) == pytest.approx(2 / 3)
    assert accuracy(np.array([0.4, 0.6]), np.array([0.0, 1.0])) == 1.0
    assert accuracy(torch.tensor([[0.5]]), torch.tensor([[1.0]])) == 1.0  # batch of one; 0.5 counts as class 1


def test_accuracy_logits_flag_decides_the_threshold():
    y_hat, y = torch.tensor([[0.3]]), torch.tensor([[1.0]])
    assert accuracy(y_hat, y) == 0.0  # read as a probability: 0.3 < 0.5
    assert accuracy(y_hat, y, logits=True) == 1.0  # read as a logit: sigmoid(0.3) > 0.5


# Away from 0, where sigmoid(logit) rounds to exactly 0.5.
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-50, 50).filter(lambda v: abs(v) > 1e-9)), st.data())
def test_accuracy_of_logits_equals_accuracy_of_probabilities(scores, data):
    y = data.draw(arrays(np.float64, scores.shape, elements=st.sampled_from([0.0, 1.0])))
    probabilities = 1.0 / (1.0 + np.exp(-scores))
    logit_acc = accuracy(torch.tensor(scores), torch.tensor(y), logits=True)
    assert logit_acc == accuracy(torch.tensor(probabilities), torch.tensor(y), logits=False)
    assert 0.0 <= logit_acc <= 1.0


@pytest.mark.parametrize(
    "y_hat, y, match",
    [
        (torch.zeros(3, 4), torch.zeros(3, 1), r"y must be integer labels of shape \(3,\)"),
        (torch.zeros(3, 1), torch.zeros(3), r"same shape for two classes; got y \(3,\) and y_hat \(3, 1\)"),
        (torch.zeros(2, 1), torch.tensor([[2.0], [0.0]]), "y must contain only 0 and 1"),
        (torch.zeros(0, 1), torch.zeros(0, 1), "at least one sample"),
    ],
)
def test_accuracy_bad_input(y_hat, y, match):
    with pytest.raises(ValueError, match=match):
        accuracy(y_hat, y)


# -- bad input to fit / evaluate / predict / EarlyStopping -------------------------------


def make_args(**changes):
    X, y = line_data(n=4)
    model = linear_model()
    args = dict(
        model=model,
        loss_fn=nn.MSELoss(),
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
        train_loader=[(X, y)],
        num_epochs=2,
    )
    args.update(changes)
    return args


@pytest.mark.parametrize(
    "changes, error, match",
    [
        (dict(model="net"), TypeError, "model must be a torch.nn.Module; got str"),
        (dict(loss_fn="mse"), TypeError, "loss_fn must be a function"),
        (dict(optimizer="sgd"), TypeError, "optimizer must be a torch.optim.Optimizer"),
        (dict(num_epochs=0), ValueError, "num_epochs must be an integer >= 1; got 0"),
        (dict(num_epochs=2.0), TypeError, "num_epochs must be an integer; got float"),
        (dict(train_loader=[]), ValueError, "train_loader must yield at least one batch"),
        (dict(metrics={"accuracy": accuracy}), ValueError, "metrics are computed on the validation data"),
        (dict(metrics="accuracy", val_loader=[]), TypeError, "metrics must be a dict"),
        (dict(metrics={"acc": 1.0}, val_loader=[]), TypeError, r"metrics\['acc'\] must be a function"),
        (dict(early_stopping=3), TypeError, "early_stopping must be an EarlyStopping or None"),
    ],
)
def test_fit_bad_input(changes, error, match):
    with pytest.raises(error, match=match):
        fit(**make_args(**changes))


def test_evaluate_and_predict_bad_input():
    model = linear_model()
    with pytest.raises(ValueError, match="loader must yield at least one batch"):
        evaluate(model, [], nn.MSELoss())
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        predict("model", [[1.0]])
    with pytest.raises(ValueError, match="X must not contain NaN"):
        predict(model, [[float("nan")]])
    with pytest.raises(ValueError, match="X must hold at least one sample"):
        predict(model, np.zeros((0, 1)))
    with pytest.raises(TypeError, match="X must be a tensor or array"):
        predict(model, [[1.0], [2.0, 3.0]])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(patience=0), ValueError, "patience must be an integer >= 1; got 0"),
        (dict(patience=2.5), TypeError, "patience must be an integer; got float"),
        (dict(patience=2, min_delta=-0.1), ValueError, "min_delta must be a finite number >= 0; got -0.1"),
        (dict(patience=2, min_delta=float("nan")), ValueError, "min_delta must be a finite number >= 0"),
    ],
)
def test_early_stopping_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        EarlyStopping(**kwargs)


def test_history_defaults():
    history = History()
    assert history.best_loss is None and history.monitored == [] and history.metrics == {}


def test_docstrings_have_examples_that_run_in_a_fresh_shell(check_module_docs):
    from dlbook import training as module

    assert check_module_docs(module) > 0
