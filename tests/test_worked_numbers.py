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


def _forward(activation):
    from dlbook import scratch

    network, X, y = scratch.worked_example_network(activation)
    return scratch.forward(network, X)


class TestForwardPass:
    values = property(lambda self: glued("forward-pass"))

    @pytest.mark.parametrize("activation, prefix", [("relu", "fp_relu"), ("sigmoid", "fp_sig")])
    def test_worked_3_2_1_network(self, activation, prefix):
        trace = _forward(activation)
        close(self.values[f"{prefix}_z_h1"], trace.z[0][0, 0])
        close(self.values[f"{prefix}_z_h2"], trace.z[0][0, 1])
        close(self.values[f"{prefix}_h1"], trace.a[1][0, 0])
        close(self.values[f"{prefix}_h2"], trace.a[1][0, 1])
        close(self.values[f"{prefix}_z_out"], trace.z[1][0, 0])
        close(self.values[f"{prefix}_y_hat"], trace.output[0, 0])
        close(self.values[f"{prefix}_gap"], 1.0 - trace.output[0, 0])

    def test_hand_values(self):
        # z = x W1 + b1 with x = (1, 0, 1): (0.2 - 0.5 - 0.4, -0.3 + 0.2 + 0.2)
        close(self.values["fp_relu_z_h1"], -0.7)
        close(self.values["fp_relu_z_h2"], 0.1)
        close(self.values["fp_relu_y_hat"], 0.08)   # relu(-0.7)=0, 0.1 * -0.2 + 0.1

    def test_pytorch_models_agree_with_scratch(self):
        expected = _forward("relu").output[0, 0]
        close(self.values["fp_torch_output"], expected, tol=1e-6)
        close(self.values["fp_seq_output"], expected, tol=1e-6)
        assert self.values["fp_model_n_params"] == 11      # 3*2 + 2 + 2*1 + 1
        assert self.values["fp_broken_n_params"] == 0, "layers built in forward are not parameters"


class TestNeuronsAndNetworks:
    values = property(lambda self: glued("neurons-and-networks"))

    def test_parameter_counts(self):
        from dlbook import models, scratch

        assert self.values["nn_clin_total"] == 497 == scratch.count_parameters([29, 16, 1])
        assert self.values["nn_mnist_total"] == 13002 == scratch.count_parameters([784, 16, 16, 10])
        assert models.count_parameters(models.MLP([29, 16, 1])) == 497
        assert self.values["nn_clin_w1"] + self.values["nn_clin_b1"] == self.values["nn_clin_l1"] == 29 * 16 + 16
        assert self.values["nn_mnist_l1"] == 784 * 16 + 16

    def test_softmax_values(self):
        p = [self.values[f"nn_softmax_p{i}"] for i in range(3)]
        close(sum(p), 1.0)
        close(self.values["nn_softmax_two_class"], self.values["nn_sigmoid_of_difference"])

    def test_stacked_linear_layers_collapse(self):
        assert abs(self.values["nn_collapse_diff"]) < 1e-9
