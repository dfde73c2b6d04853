"""Every worked number the prose shows equals what the tested library computes.

Values are read from the executed chapters (see tests/bookdata.py), so these
tests fail if a chapter drifts from dlbook, or if dlbook drifts from the
corrected values the book teaches (for example BCE = 2.30, not 2.40).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from bookdata import glued
from dlbook import activations, losses

pytestmark = pytest.mark.site


def close(actual, expected, tol=1e-9):
    np.testing.assert_allclose(float(actual), float(expected), rtol=tol, atol=tol)


class TestLossFunctions:
    values = property(lambda self: glued("loss-functions"))

    def test_bce_worked_example_is_the_corrected_value(self):
        close(self.values["lf_bce_good"], losses.binary_cross_entropy([1.0], [0.9]))
        close(self.values["lf_bce_bad"], losses.binary_cross_entropy([1.0], [0.1]))
        # The lecture notes print 2.40 here; -ln 0.1 is 2.302585...
        assert round(self.values["lf_bce_good"], 2) == 0.11
        assert round(self.values["lf_bce_bad"], 2) == 2.30
        close(self.values["lf_bce_bad"], -np.log(0.1))

    def test_mse_example(self):
        close(self.values["lf_mse_example"], losses.mse([2.0, 3.5, 1.0], [2.5, 3.0, 1.0]))

    def test_saturated_gradients(self):
        s = activations.sigmoid(-8.0)
        close(self.values["lf_grad_bce_sat"], abs(s - 1))
        close(self.values["lf_grad_mse_sat"], abs(2 * (s - 1) * activations.sigmoid_derivative(-8.0)))

    def test_cross_entropy_keeps_its_log(self):
        q = activations.softmax([2.0, 1.0, 0.1])
        close(self.values["lf_softmax_q0"], q[0])
        close(self.values["lf_ce_example"], -np.log(q[0]))
        close(self.values["lf_ce_example"], losses.cross_entropy([0], [[2.0, 1.0, 0.1]]))

    def test_nll_loss_takes_log_probabilities(self):
        logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
        targets = torch.tensor([0, 1])
        right = F.cross_entropy(logits, targets).item()
        close(self.values["lf_nll_right"], right, tol=1e-6)
        assert self.values["lf_nll_wrong"] < 0, "softmax outputs fed to nll_loss give a negative number"
        close(self.values["lf_nll_right"],
              losses.cross_entropy([0, 1], logits.double().numpy()), tol=1e-6)

    def test_logits_loss_is_stable(self):
        close(self.values["lf_fused"], losses.binary_cross_entropy_with_logits([0.0], [40.0]), tol=1e-6)
        assert self.values["lf_two_steps"] == 100.0, "float32 sigmoid(40) rounds to 1: the clamp shows"
