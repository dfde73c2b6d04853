"""Networks in PyTorch: a multi-layer perceptron and a parameter counter.

Introduced in the chapter "The training loop" (``book/training-loop.md``) and
used by every case study.
"""

from __future__ import annotations

import numbers
from typing import Sequence

import torch
from torch import nn

__all__ = ["MLP", "count_parameters", "ACTIVATION_LAYERS"]

#: Activation names accepted by :class:`MLP`, and the layer each one builds.
ACTIVATION_LAYERS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "identity": nn.Identity}
_OUTPUT_LAYERS = {**ACTIVATION_LAYERS, "softmax": lambda: nn.Softmax(dim=-1)}


def _check_sizes(sizes) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a list of layer widths such as [4, 16, 3]; got {type(sizes).__name__}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least 2 entries (inputs and outputs); got {list(sizes)}")
    for i, size in enumerate(sizes):
        if isinstance(size, bool) or not isinstance(size, numbers.Integral):
            raise TypeError(f"sizes[{i}] must be an integer; got {type(size).__name__}")
        if size < 1:
            raise ValueError(f"sizes[{i}] must be >= 1; got {size}")
    return [int(s) for s in sizes]


class MLP(nn.Module):
    """A fully connected network: Linear layers with an activation between them.

    Introduced in the chapter "The training loop" (``book/training-loop.md``).
    All layers are built once, here in ``__init__``; :meth:`forward` only
    uses them.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, inputs first: ``[4, 16, 3]`` is 4 inputs, one hidden
        layer of 16 neurons, 3 outputs.
    activation : str
        Activation after every hidden layer: ``"relu"``, ``"sigmoid"``,
        ``"tanh"`` or ``"identity"``.
    output_activation : str, optional
        Activation after the last layer. The default ``None`` returns raw
        scores (logits), which is what ``nn.CrossEntropyLoss`` and
        ``nn.BCEWithLogitsLoss`` expect. ``"sigmoid"`` suits ``nn.BCELoss``;
        ``"softmax"`` gives probabilities for display (not for
        ``nn.CrossEntropyLoss``).
    dropout : float
        Probability in [0, 1) of zeroing each hidden activation during
        training (chapter "Generalization"); 0 adds no dropout layers.
    seed : int, optional
        If given, the initial weights are drawn as after
        ``torch.manual_seed(seed)`` (same seed, same weights), but PyTorch's
        global random state is left as it was. If ``None``, they come from
        the global state (see :func:`dlbook.training.seed_everything`).

    Examples
    --------
    >>> import torch
    >>> from dlbook.models import MLP
    >>> model = MLP([4, 16, 3])
    >>> model
    MLP(
      (layers): Sequential(
        (0): Linear(in_features=4, out_features=16, bias=True)
        (1): ReLU()
        (2): Linear(in_features=16, out_features=3, bias=True)
      )
    )
    >>> model(torch.zeros(5, 4)).shape
    torch.Size([5, 3])
    """

    def __init__(self, sizes: Sequence[int], activation: str = "relu",
                 output_activation: str | None = None, dropout: float = 0.0, *,
                 seed: int | None = None) -> None:
        super().__init__()
        sizes = _check_sizes(sizes)
        if not isinstance(activation, str) or activation not in ACTIVATION_LAYERS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATION_LAYERS)}; got {activation!r}")
        if output_activation is not None and (not isinstance(output_activation, str)
                                              or output_activation not in _OUTPUT_LAYERS):
            raise ValueError(f"output_activation must be None or one of {sorted(_OUTPUT_LAYERS)}; "
                             f"got {output_activation!r}")
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be a number in [0, 1); got {dropout!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise TypeError(f"seed must be an integer or None; got {type(seed).__name__}")
        self.sizes = sizes
        if seed is None:
            self.layers = self._build(sizes, activation, output_activation, dropout)
        else:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(int(seed))
                self.layers = self._build(sizes, activation, output_activation, dropout)

    @staticmethod
    def _build(sizes: list[int], activation: str, output_activation: str | None,
               dropout: float) -> nn.Sequential:
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:
                layers.append(ACTIVATION_LAYERS[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        if output_activation is not None:
            layers.append(_OUTPUT_LAYERS[output_activation]())
        return nn.Sequential(*layers)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Compute the outputs for a batch ``X`` of shape ``(n_samples, sizes[0])``."""
        if X.ndim == 0 or X.shape[-1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} features in its last dimension; "
                             f"got shape {tuple(X.shape)}")
        return self.layers(X)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable numbers (weights and biases) in a PyTorch model.

    Introduced in the chapter "The training loop" (``book/training-loop.md``).
    A Linear layer from ``n_in`` to ``n_out`` holds ``n_in * n_out`` weights
    and ``n_out`` biases.

    Parameters
    ----------
    model : torch.nn.Module

    Returns
    -------
    int
        The total size of all parameters with ``requires_grad=True``.

    Examples
    --------
    >>> from dlbook.models import MLP, count_parameters
    >>> count_parameters(MLP([29, 16, 1]))
    497
    >>> count_parameters(MLP([784, 16, 16, 10]))
    13002
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    trainable = [tensor for tensor in model.parameters() if tensor.requires_grad]
    return int(sum(tensor.numel() for tensor in trainable))
