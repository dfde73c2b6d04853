"""Every worked number the prose shows equals the hand arithmetic the page shows.

Values are read from the executed chapters (see tests/bookdata.py) and
compared with the sums written out here as a reader would do them (for
example BCE of one example is -ln 0.1 = 2.30, not 2.40), never with a second
call of the library function that produced them; PyTorch is the independent
check where the page compares with it. So these tests fail if a chapter
drifts from dlbook, or if dlbook drifts from the values the book teaches.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from bookdata import close, glued
from dlbook import activations


class TestLossFunctions:
    values = property(lambda self: glued("loss-functions"))

    def test_bce_worked_example_is_the_corrected_value(self):
        # y = 1: BCE = -ln(y_hat)
        close(self.values["lf_bce_good"], -math.log(0.9))
        close(self.values["lf_bce_bad"], -math.log(0.1))
        # -ln 0.1 is 2.302585...; 2.40 is the common slip pinned in the next test.
        assert round(self.values["lf_bce_good"], 2) == 0.11
        assert round(self.values["lf_bce_bad"], 2) == 2.30
        close(self.values["lf_bce_bad"], -np.log(0.1))

    def test_bce_slip_gives_2_40_and_the_formula_2_30(self):
        # The slip: (1 - y_hat) typed where (1 - y) belongs, for y = 1, y_hat = 0.1.
        y, y_hat = 1.0, 0.1
        slip = -(y * np.log(y_hat) + (1 - y_hat) * np.log(1 - y_hat))
        right = -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
        close(self.values["lf_slip_wrong"], slip)
        close(self.values["lf_slip_right"], right)
        assert round(self.values["lf_slip_wrong"], 2) == 2.40
        assert round(self.values["lf_slip_right"], 2) == 2.30
        close(self.values["lf_slip_extra"], 0.9 * -np.log(0.9))
        close(self.values["lf_slip_right"], self.values["lf_bce_bad"])

    def test_mse_example(self):
        # ((2 - 2.5)^2 + (3.5 - 3)^2 + (1 - 1)^2) / 3 = 0.5 / 3
        close(self.values["lf_mse_example"], ((2.0 - 2.5) ** 2 + (3.5 - 3.0) ** 2 + (1.0 - 1.0) ** 2) / 3)
        close(self.values["lf_mse_example"], 1 / 6)

    def test_saturated_gradients(self):
        s = 1 / (1 + math.exp(8.0))  # sigmoid(-8), about 0.000335
        close(self.values["lf_grad_bce_sat"], abs(s - 1))  # BCE: dL/dz = y_hat - y
        close(self.values["lf_grad_mse_sat"], abs(2 * (s - 1) * s * (1 - s)))  # MSE: 2 (y_hat - y) sigmoid'(z)

    def test_cross_entropy_keeps_its_log(self):
        q0 = math.exp(2.0) / (math.exp(2.0) + math.exp(1.0) + math.exp(0.1))
        close(self.values["lf_softmax_q0"], q0)
        close(self.values["lf_ce_example"], -math.log(q0))

    def test_nll_loss_takes_log_probabilities(self):
        logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
        targets = torch.tensor([0, 1])
        right = F.cross_entropy(logits, targets).item()
        close(self.values["lf_nll_right"], right, tol=1e-6)
        assert self.values["lf_nll_wrong"] < 0, "softmax outputs fed to nll_loss give a negative number"
        # by hand: the mean of -log softmax of the true class, over the two rows
        row1 = -math.log(math.exp(2.0) / (math.exp(2.0) + math.exp(1.0) + math.exp(0.1)))
        row2 = -math.log(math.exp(2.5) / (math.exp(0.5) + math.exp(2.5) + math.exp(0.3)))
        close(self.values["lf_nll_right"], (row1 + row2) / 2, tol=1e-6)

    def test_logits_loss_is_stable(self):
        # y = 0, logit 40: -ln(1 - sigmoid(40)) = ln(1 + e^40) = 40 + ln(1 + e^-40)
        close(self.values["lf_fused"], 40.0 + math.log1p(math.exp(-40.0)), tol=1e-6)
        assert self.values["lf_two_steps"] == 100.0, "float32 sigmoid(40) rounds to 1: the clamp shows"

    def test_log_free_cross_entropy_is_bounded_with_vanishing_gradient(self):
        # The true-class logit at -6, two other logits at 0.
        q = math.exp(-6.0) / (math.exp(-6.0) + 2 * math.exp(0.0))
        close(self.values["lf_nolog_grad"], q * (1 - q), tol=1e-6)
        close(self.values["lf_withlog_grad"], 1 - q, tol=1e-6)
        close(self.values["lf_nolog_grad_ratio"], 1 / q, tol=1e-6)
        close(self.values["lf_nolog_spread"], 1 / 3 - q, tol=1e-6)
        close(self.values["lf_withlog_spread"], -np.log(q) - np.log(3), tol=1e-6)

    def test_nll_of_softmax_learns_slower_than_log_softmax(self):
        v = self.values
        assert v["lf_run_acc_log_min"] > 0.9
        assert 0.1 < v["lf_run_acc_soft_min"] <= v["lf_run_acc_soft_max"] < 0.5
        assert v["lf_run_acc_soft10_max"] < v["lf_run_acc_log_min"]
        assert v["lf_run_wrong_soft10_min"] > v["lf_run_wrong_log_max"]
        assert 7 < v["lf_run_grad_ratio"] < 13, "about ten times smaller at the start with ten classes"

    def test_untrained_loss_is_log_k(self):
        v = self.values
        close(v["lf_init_log_k"], np.log(10))
        for key in ("lf_init_min", "lf_init_max"):
            assert abs(v[key] / np.log(10) - 1) < 0.02, key
        close(v["lf_init_q_true"], 0.1, tol=0.01)
        assert v["lf_init_raw_min"] > np.log(10) + 0.5, "unscaled pixels start far above log 10"
        assert abs(v["lf_init_bce_mean"] - np.log(2)) < 0.03
        share = v["lf_init_share"]
        close(v["lf_init_best_constant"], -(share * np.log(share) + (1 - share) * np.log(1 - share)))
        assert v["lf_init_best_constant"] < np.log(2)


#: The worked 3-2-1 network of the forward-pass and backpropagation chapters:
#: x = (1, 0, 1), W1 = [[0.2, -0.3], [0.4, 0.1], [-0.5, 0.2]], b1 = (-0.4, 0.2),
#: W2 = (-0.3, -0.2), b2 = 0.1, target y = 1; both layers use the same activation.
ACTIVATION = {"relu": lambda z: max(z, 0.0), "sigmoid": lambda z: 1 / (1 + math.exp(-z))}


class TestForwardPass:
    values = property(lambda self: glued("forward-pass"))

    @pytest.mark.parametrize("activation, prefix", [("relu", "fp_relu"), ("sigmoid", "fp_sig")])
    def test_worked_3_2_1_network(self, activation, prefix):
        f = ACTIVATION[activation]
        z_h1 = 1 * 0.2 + 0 * 0.4 + 1 * -0.5 + -0.4
        z_h2 = 1 * -0.3 + 0 * 0.1 + 1 * 0.2 + 0.2
        h1, h2 = f(z_h1), f(z_h2)
        z_out = h1 * -0.3 + h2 * -0.2 + 0.1
        y_hat = f(z_out)
        close(self.values[f"{prefix}_z_h1"], z_h1)
        close(self.values[f"{prefix}_z_h2"], z_h2)
        close(self.values[f"{prefix}_h1"], h1)
        close(self.values[f"{prefix}_h2"], h2)
        close(self.values[f"{prefix}_z_out"], z_out)
        close(self.values[f"{prefix}_y_hat"], y_hat)
        close(self.values[f"{prefix}_gap"], 1.0 - y_hat)

    def test_hand_values(self):
        # z = x W1 + b1 with x = (1, 0, 1): (0.2 - 0.5 - 0.4, -0.3 + 0.2 + 0.2)
        close(self.values["fp_relu_z_h1"], -0.7)
        close(self.values["fp_relu_z_h2"], 0.1)
        close(self.values["fp_relu_y_hat"], 0.08)  # relu(-0.7)=0, 0.1 * -0.2 + 0.1

    def test_pytorch_models_agree_with_scratch(self):
        expected = 0.08  # the ReLU network's output, worked above
        close(self.values["fp_torch_output"], expected, tol=1e-6)
        close(self.values["fp_seq_output"], expected, tol=1e-6)
        assert self.values["fp_model_n_params"] == 11  # 3*2 + 2 + 2*1 + 1
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


class TestBackpropagation:
    values = property(lambda self: glued("backpropagation"))

    @pytest.fixture
    def worked(self):
        from dlbook import scratch

        network, X, y = scratch.worked_example_network("relu")
        trace = scratch.forward(network, X)
        grads = scratch.backward(network, trace, y, loss="mse")
        return network, X, y, trace, grads, scratch.sgd_step(network, grads, lr=0.001)

    def test_every_gradient_of_the_worked_example(self):
        # ReLU network: h = (relu(-0.7), relu(0.1)) = (0, 0.1), y_hat = relu(0.08) = 0.08.
        v = self.values
        close(v["bp_loss"], (0.08 - 1) ** 2)
        close(v["bp_loss"], 0.8464)
        delta_out = 2 * (0.08 - 1) * 1  # dL/dy_hat times relu'(0.08) = 1
        close(v["bp_db2"], delta_out)
        close(v["bp_db2"], -1.84)
        close(v["bp_dW2_1"], 0.0 * delta_out)  # h1 = 0
        close(v["bp_dW2_2"], 0.1 * delta_out)  # h2 = 0.1: -0.184
        delta_hidden = (delta_out * -0.3 * 0, delta_out * -0.2 * 1)  # times relu'(z_h) = (0, 1)
        close(v["bp_db1_1"], delta_hidden[0])
        close(v["bp_db1_2"], delta_hidden[1])  # 0.368
        x = (1.0, 0.0, 1.0)
        for i in range(3):
            for j in range(2):
                close(v[f"bp_dW1_{i + 1}{j + 1}"], x[i] * delta_hidden[j])
        # dW2_2, db2, db1_2, dW1_12 and dW1_32
        assert v["bp_n_nonzero"] == 5

    def test_gradients_equal_autograd(self, worked):
        network, X, y, trace, grads, _ = worked
        W = [torch.tensor(w, requires_grad=True) for w in network.weights]
        b = [torch.tensor(c, requires_grad=True) for c in network.biases]
        hidden = torch.relu(torch.tensor(X) @ W[0] + b[0])
        output = torch.relu(hidden @ W[1] + b[1])
        F.mse_loss(output, torch.tensor(y)).backward()
        for ours, theirs in zip([*grads.dW, *grads.db], [*W, *b]):
            np.testing.assert_allclose(ours, theirs.grad.numpy(), atol=1e-12)
        assert self.values["bp_gap_autograd"] < 1e-12
        assert self.values["bp_gap_numerical"] < 1e-8

    def test_one_step_with_lr_0_001(self):
        v, lr = self.values, 0.001
        w1_12, w1_32, b1_2 = -0.3 - lr * 0.368, 0.2 - lr * 0.368, 0.2 - lr * 0.368
        w2_2, b2 = -0.2 - lr * -0.184, 0.1 - lr * -1.84
        close(v["bp_new_W1_12"], w1_12)
        close(v["bp_new_W1_32"], w1_32)
        close(v["bp_new_b1_2"], b1_2)
        close(v["bp_new_W2_2"], w2_2)
        close(v["bp_new_b2"], b2)
        close(v["bp_new_b2"], 0.1 + 0.001 * 1.84)
        # the first hidden unit stays silent; the second and the output move
        h2 = max(1 * w1_12 + 0 * 0.1 + 1 * w1_32 + b1_2, 0.0)
        y_hat = max(0.0 * -0.3 + h2 * w2_2 + b2, 0.0)
        close(v["bp_loss_new"], (y_hat - 1) ** 2)
        assert v["bp_loss_new"] < v["bp_loss"]

    def test_backward_costs_a_small_multiple_of_a_forward_pass(self):
        assert 1.0 < self.values["bp_cost_fb_ratio"] < 5.0
        assert self.values["bp_cost_ratio"] > 1000

    def test_sigmoid_slope_is_at_most_a_quarter(self):
        close(self.values["bp_sigmoid_max_slope"], 0.25)
        z = np.linspace(-10, 10, 2001)
        assert activations.sigmoid_derivative(z).max() <= 0.25


class TestGradientDescent:
    values = property(lambda self: glued("gradient-descent"))

    def test_autograd_slope_of_the_cubic(self):
        x = torch.tensor(2.0, requires_grad=True)
        (2 * x**3 + x + 1).backward()
        assert x.grad.item() == 25.0 == self.values["gd_dydx"]

    def test_descent_on_x_squared_honours_lr(self):
        # On y = x^2 a step is x - lr * 2x = (1 - 2 lr) x: after k steps from 20, 20 (1 - 2 lr)^k.
        factor = self.values["gd_factor"]
        close(self.values["gd_x10"], 20.0 * factor**10, tol=1e-6)
        close(self.values["gd_x50"], 20.0 * factor**50, tol=1e-6)

    def test_hand_written_optimizers_match_torch(self):
        assert self.values["gd_torch_gap_momentum"] < 1e-10
        assert self.values["gd_torch_gap_adam"] < 1e-10

    def test_adam_wins_on_the_stretched_bowl(self):
        # Loss 0.5 (w1^2 + 1000 w2^2); each coordinate shrinks by (1 - lr * curvature) per step.
        lr, steps = 0.99 * 2 / 1000, 200
        w1 = -8.0 * (1 - lr * 1.0) ** steps
        w2 = 2.0 * (1 - lr * 1000.0) ** steps
        close(self.values["gd_steep_gd_best"], 0.5 * (1.0 * w1**2 + 1000.0 * w2**2))
        close(self.values["gd_steep_gd_w1"], w1)
        assert self.values["gd_steep_adam_worst"] < 1e-3 * self.values["gd_steep_gd_best"]

    def test_curve_of_slopes_from_one_backward_pass(self):
        assert self.values["gd_curve_n"] == 201
        assert self.values["gd_curve_gap"] < 1e-12


class TestTrainingLoop:
    values = property(lambda self: glued("training-loop"))

    def test_better_recipes_need_far_fewer_epochs(self):
        v = self.values
        assert v["tl_six_std_epochs"] < v["tl_six_adam_epochs"] < v["tl_six_lr_epochs"]
        assert v["tl_six_std_loss"] <= 1e-3 and v["tl_six_adam_loss"] <= 1e-3
        assert v["tl_six_base_loss"] > 10e-3, "plain SGD at lr 0.01 is still far from the target"
        assert v["tl_six_epoch_ratio"] == v["tl_six_max_epochs"] // v["tl_six_fastest_epochs"]

    def test_lr_one_is_about_a_hundred_times_faster_at_first(self):
        v = self.values
        assert 50 <= v["tl_six_base_to_01"] / v["tl_six_lr_to_01"] <= 200
        assert v["tl_six_lr_last_stretch"] == v["tl_six_lr_epochs"] - v["tl_six_lr_to_001"]

    def test_adam_lengthens_its_steps_as_gradients_shrink(self):
        v = self.values
        close(v["tl_six_step_length"], 0.01 * v["tl_six_grad_norm"], tol=1e-6)
        assert v["tl_six_adam_ratio_first"] < 1.0 < v["tl_six_adam_ratio_late"]
        assert v["tl_six_adam_last_stretch"] < v["tl_six_lr_last_stretch"]

    def test_silent_neurons_and_log_2(self):
        v = self.values
        assert v["tl_six_silent_raw"] == 3 and v["tl_six_raw3_silent"] == 4
        close(v["tl_six_raw3_loss"], np.log(2), tol=1e-4)

    def test_crop_regression_finds_least_squares(self):
        from dlbook import data

        v = self.values
        X, Y = data.crop_yields(seed=0)
        A = np.hstack([data.standardize(X)[0], np.ones((len(X), 1))])
        coef, *_ = np.linalg.lstsq(A, Y, rcond=None)
        close(v["tl_crop_mse_closed"], np.mean((A @ coef - Y) ** 2), tol=1e-6)
        assert 0 <= v["tl_crop_mse_trained"] - v["tl_crop_mse_closed"] < 1e-3

    def test_seeds_spread_and_ordering(self):
        v = self.values
        assert v["tl_seeds_n"] == 5 and v["tl_seeds_orderings"] > 1
        assert v["tl_seeds_min_spread"] > 5


class TestPartOneClaims:
    """Chapter 1 reuses the clinical split; chapter 2 computes AND and XOR by hand."""

    def test_logistic_baseline_is_the_clinical_one(self):
        # Same function, fractions and seed: same test tumours, same number.
        wd, cc = glued("what-is-deep-learning"), glued("case-clinical")
        assert wd["wd_logreg_n_test"] == cc["cc_n_test"] == 143
        close(wd["wd_logreg_acc"] / 100, cc["cc_lr_accuracy"])
        assert wd["wd_boost_acc"] <= wd["wd_logreg_acc"]

    def test_network_reaches_the_noise_floor(self):
        wd = glued("what-is-deep-learning")
        assert wd["wd_mse_net"] < 1.25 * wd["wd_mse_truth"]
        assert wd["wd_mse_line"] > 10 * wd["wd_mse_net"]

    def test_and_is_one_neuron_xor_is_not(self):
        nn_values = glued("neurons-and-networks")
        assert nn_values["nn_and_sigmoid_false_max"] < 0.01 < 0.99 < nn_values["nn_and_sigmoid_true"]
        assert nn_values["nn_xor_best"] == 3, "no single neuron gets all four XOR cases"
