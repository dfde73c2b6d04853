"""Networks in PyTorch: a multi-layer perceptron and a parameter counter.

Introduced in the chapter "The training loop" and
used by every case study.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from dlbook._checks import choice, fraction, layer_sizes, optional_seed, positive_ints

__all__ = [
    "MLP",
    "count_parameters",
    "ACTIVATION_LAYERS",
    "SequenceRegressor",
    "RECURRENT_LAYERS",
    "GCN",
    "Autoencoder",
    "EmbeddingMLP",
    "SmallCNN",
    "EncoderBlock",
    "MotifTransformer",
    "SequenceCNN",
]

#: Activation names accepted by :class:`MLP`, and the layer each one builds.
ACTIVATION_LAYERS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "identity": nn.Identity}
_OUTPUT_LAYERS = {**ACTIVATION_LAYERS, "softmax": lambda: nn.Softmax(dim=-1)}


class MLP(nn.Module):
    """A fully connected network: Linear layers with an activation between them.

    Introduced in the chapter "The training loop".
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

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "relu",
        output_activation: str | None = None,
        dropout: float = 0.0,
        *,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        sizes = layer_sizes(sizes)
        choice(activation, "activation", ACTIVATION_LAYERS)
        if output_activation is not None:
            choice(output_activation, "output_activation", _OUTPUT_LAYERS)
        dropout = fraction(dropout, "dropout")
        optional_seed(seed)
        self.sizes = sizes
        if seed is None:
            self.layers = self._build(sizes, activation, output_activation, dropout)
        else:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(int(seed))
                self.layers = self._build(sizes, activation, output_activation, dropout)

    @staticmethod
    def _build(sizes: list[int], activation: str, output_activation: str | None, dropout: float) -> nn.Sequential:
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
            raise ValueError(f"X must have {self.sizes[0]} features in its last dimension; got shape {tuple(X.shape)}")
        return self.layers(X)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable numbers (weights and biases) in a PyTorch model.

    Introduced in the chapter "The training loop".
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


#: Recurrent layers accepted by :class:`SequenceRegressor`.
RECURRENT_LAYERS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class SequenceRegressor(nn.Module):
    """A recurrent layer that reads a window of a time series, then a linear read-out.

    Introduced in the chapter "Sequences and recurrent networks". The layer runs over the ``T`` steps of
    each window; the hidden state after the last step goes through one
    Linear layer, which predicts ``n_outputs`` numbers (for example the next
    values of the series).

    Parameters
    ----------
    n_inputs : int
        Numbers per time step.
    hidden_size : int
        Size of the hidden state.
    n_outputs : int
        Numbers predicted per window.
    cell : {"rnn", "gru", "lstm"}
        The recurrent layer: ``nn.RNN`` (tanh), ``nn.GRU`` or ``nn.LSTM``.
    seed : int, optional
        Same seed, same initial weights; PyTorch's global random state is
        left as it was (as in :class:`MLP`).

    Examples
    --------
    >>> import torch
    >>> from dlbook.models import SequenceRegressor, count_parameters
    >>> model = SequenceRegressor(2, 8, 2, cell="gru", seed=0)
    >>> model(torch.zeros(5, 12, 2)).shape          # 5 windows of 12 steps
    torch.Size([5, 2])
    >>> count_parameters(model)                     # GRU 3 * (2*8 + 8*8 + 2*8), Linear 8*2 + 2
    306
    """

    def __init__(
        self, n_inputs: int, hidden_size: int, n_outputs: int, cell: str = "gru", *, seed: int | None = None
    ) -> None:
        super().__init__()
        n_inputs, hidden_size, n_outputs = layer_sizes([n_inputs, hidden_size, n_outputs])
        choice(cell, "cell", RECURRENT_LAYERS)
        optional_seed(seed)
        self.n_inputs, self.cell = n_inputs, cell
        with torch.random.fork_rng(devices=[], enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(int(seed))
            self.recurrent = RECURRENT_LAYERS[cell](n_inputs, hidden_size, batch_first=True)
            self.readout = nn.Linear(hidden_size, n_outputs)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Predict from windows ``X`` of shape ``(n_windows, T, n_inputs)``."""
        if X.ndim != 3 or X.shape[-1] != self.n_inputs:
            raise ValueError(f"X must have shape (n_windows, T, {self.n_inputs}); got {tuple(X.shape)}")
        states, _ = self.recurrent(X)
        return self.readout(states[:, -1])


class GCN(nn.Module):
    """A graph convolutional network for batches of small graphs, one output per graph.

    Introduced in the chapter "Graph neural networks".
    Each layer computes ``H = relu(A_hat @ H @ W + b)`` (Kipf and Welling,
    2017) with ``A_hat`` the normalized adjacency matrix with self-loops; padding
    nodes are zeroed after every layer. A readout (sum or mean over the real
    nodes) gives one vector per graph, and a small MLP head maps it to the
    outputs. Without the bias, the first layer's ``A_hat @ H @ W`` is exactly
    :func:`dlbook.graphs.graph_conv` on each graph.

    The input is what :func:`dlbook.data.pack_graphs` returns, so the model
    trains with :func:`dlbook.training.to_loader` and :func:`dlbook.training.fit`
    unchanged.

    Parameters
    ----------
    n_features : int
        Features per node.
    hidden : int
        Width of every graph layer and of the head.
    n_layers : int
        Number of graph-convolution layers (messages travel this many bonds).
    n_outputs : int
        Outputs per graph.
    readout : {"sum", "mean"}
        How node vectors become one graph vector.
    seed : int, optional
        If given, the initial weights are drawn as after ``torch.manual_seed(seed)``
        without touching PyTorch's global random state.

    Examples
    --------
    >>> import torch
    >>> from dlbook.data import molecule_graphs, pack_graphs
    >>> from dlbook.models import GCN
    >>> A, X, y = molecule_graphs(n_graphs=4, seed=0)
    >>> model = GCN(n_features=3, hidden=8, seed=0)
    >>> model(torch.tensor(pack_graphs(A, X))).shape
    torch.Size([4, 1])
    """

    def __init__(
        self,
        n_features: int,
        hidden: int = 32,
        n_layers: int = 2,
        n_outputs: int = 1,
        readout: str = "sum",
        *,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        positive_ints(n_features=n_features, hidden=hidden, n_layers=n_layers, n_outputs=n_outputs)
        sizes = [int(n_features)] + [int(hidden)] * int(n_layers) + [int(n_outputs)]
        choice(readout, "readout", ("sum", "mean"))
        optional_seed(seed)
        self.n_features, self.readout = sizes[0], readout
        with torch.random.fork_rng(devices=[], enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(int(seed))
            self.weights = nn.ModuleList(
                nn.Linear(n_in, n_out, bias=False) for n_in, n_out in zip(sizes[:-2], sizes[1:-1])
            )
            self.biases = nn.ParameterList(nn.Parameter(torch.zeros(n_out)) for n_out in sizes[1:-1])
            self.head = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, n_outputs))

    def unpack(self, X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Split packed graphs (n_graphs, n_max, n_max + 1 + n_features) into A, mask, H."""
        n_max = X.shape[1] if X.ndim == 3 else -1
        if X.ndim != 3 or X.shape[2] != n_max + 1 + self.n_features:
            raise ValueError(
                f"X must be packed graphs of shape (n_graphs, n_max, n_max + 1 + "
                f"{self.n_features}) (see dlbook.data.pack_graphs); got {tuple(X.shape)}"
            )
        return X[..., :n_max], X[..., n_max], X[..., n_max + 1 :]

    @staticmethod
    def normalize(A: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """D^-1/2 (A + I) D^-1/2 for a batch, with self-loops on real nodes only."""
        A_tilde = A + torch.diag_embed(mask)
        degree = A_tilde.sum(dim=-1)
        d_inv_sqrt = torch.where(degree > 0, degree.clamp(min=1.0).rsqrt(), 0.0)
        return d_inv_sqrt[..., :, None] * A_tilde * d_inv_sqrt[..., None, :]

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Outputs (n_graphs, n_outputs) for packed graphs X."""
        A, mask, H = self.unpack(X)
        A_hat = self.normalize(A, mask)
        for W, b in zip(self.weights, self.biases):
            H = torch.relu(A_hat @ W(H) + b) * mask[..., None]  # padding stays zero
        pooled = H.sum(dim=1)
        if self.readout == "mean":
            pooled = pooled / mask.sum(dim=1, keepdim=True)
        return self.head(pooled)


class Autoencoder(nn.Module):
    """An encoder MLP that squeezes inputs into a small code and a decoder MLP that rebuilds them.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings". ``sizes`` lists the encoder's
    widths, inputs first and code last; the decoder mirrors them. Both
    parts end without an activation, so the code and the reconstruction are
    unbounded. Train it with ``nn.MSELoss()`` and a loader whose targets
    are the inputs themselves (or, for a denoising autoencoder, the clean
    inputs while the inputs are corrupted).

    Parameters
    ----------
    sizes : sequence of int
        Encoder widths, e.g. ``[64, 32, 2]``: 64 inputs, 32 hidden, a
        2-number code. The decoder is ``[2, 32, 64]``.
    activation : str
        Activation after every hidden layer (see :class:`MLP`);
        ``"identity"`` makes a linear autoencoder.
    seed : int, optional
        Same seed, same initial weights (see :class:`MLP`).

    Examples
    --------
    >>> import torch
    >>> from dlbook.models import Autoencoder, count_parameters
    >>> model = Autoencoder([64, 32, 2], seed=0)
    >>> model.encode(torch.zeros(5, 64)).shape, model(torch.zeros(5, 64)).shape
    (torch.Size([5, 2]), torch.Size([5, 64]))
    >>> count_parameters(model)
    4354
    """

    def __init__(self, sizes: Sequence[int], activation: str = "relu", *, seed: int | None = None) -> None:
        super().__init__()
        sizes = layer_sizes(sizes)
        self.encoder = MLP(sizes, activation, seed=seed)
        self.decoder = MLP(sizes[::-1], activation, seed=None if seed is None else seed + 1)

    def encode(self, X: torch.Tensor) -> torch.Tensor:
        """The code of each row of ``X``: shape ``(n_samples, sizes[-1])``."""
        return self.encoder(X)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """The reconstruction of ``X``, same shape as ``X``."""
        return self.decoder(self.encoder(X))


class EmbeddingMLP(nn.Module):
    """An MLP whose first ``n_categories`` inputs are a one-hot category, embedded in a few numbers.

    Introduced in the chapter "Representation learning: autoencoders and
    embeddings". The embedding is a Linear layer
    without bias on the one-hot columns: it picks one column of its weight
    per sample, exactly what ``nn.Embedding`` does with integer indices
    (whose table is this weight transposed, ``embedding.weight.T``). The
    remaining input columns (continuous features) pass through unchanged
    and are concatenated with the embedding before the MLP.

    Parameters
    ----------
    n_categories : int
        Number of one-hot columns at the start of each input row.
    embedding_dim : int
        Numbers per category.
    sizes : sequence of int
        Widths of the MLP after the embedding; ``sizes[0]`` is
        ``embedding_dim`` plus the number of continuous columns.
    activation : str
        Hidden activation of the MLP.
    seed : int, optional
        Same seed, same initial weights.

    Examples
    --------
    >>> import torch
    >>> from dlbook.models import EmbeddingMLP, count_parameters
    >>> model = EmbeddingMLP(30, 2, [3, 16, 1], seed=0)
    >>> X = torch.zeros(4, 31); X[:, 0] = 1.0
    >>> model(X).shape, count_parameters(model)
    (torch.Size([4, 1]), 141)
    """

    def __init__(
        self,
        n_categories: int,
        embedding_dim: int,
        sizes: Sequence[int],
        activation: str = "relu",
        *,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        n_categories, embedding_dim = layer_sizes([n_categories, embedding_dim])
        sizes = layer_sizes(sizes)
        if sizes[0] < embedding_dim:
            raise ValueError(f"sizes[0] must be >= embedding_dim ({embedding_dim}); got {sizes[0]}")
        self.n_categories = n_categories
        with torch.random.fork_rng(devices=[]):
            if seed is not None:
                torch.manual_seed(int(seed))
            self.embedding = nn.Linear(n_categories, embedding_dim, bias=False)
        self.mlp = MLP(sizes, activation, seed=None if seed is None else seed + 1)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Outputs for rows ``[one-hot category | continuous features]``."""
        expected = self.n_categories + self.mlp.sizes[0] - self.embedding.out_features
        if X.ndim != 2 or X.shape[1] != expected:
            raise ValueError(f"X must have shape (n_samples, {expected}); got {tuple(X.shape)}")
        codes = self.embedding(X[:, : self.n_categories])
        return self.mlp(torch.cat([codes, X[:, self.n_categories :]], dim=1))


def _check_cnn_args(n_classes, image_size, channels, in_channels, seed) -> None:
    """Raise a clear error unless the arguments of :class:`SmallCNN` make sense."""
    if isinstance(channels, (str, bytes)) or not isinstance(channels, Sequence) or len(channels) != 2:
        raise TypeError(f"channels must be a pair of integers such as (8, 16); got {channels!r}")
    positive_ints(n_classes=n_classes, image_size=image_size, in_channels=in_channels)
    positive_ints(**{"channels[0]": channels[0], "channels[1]": channels[1]})
    if image_size % 4:
        raise ValueError(f"image_size must be divisible by 4 (two 2 x 2 poolings); got {image_size}")
    optional_seed(seed)


class SmallCNN(nn.Module):
    """A small convolutional network for one-channel images: two conv blocks and a linear layer.

    Introduced in the chapter "Convolutional networks". Each block is a 3 x 3
    convolution with padding 1 (the image keeps its size), a ReLU and a
    2 x 2 max pooling (the image halves). The feature maps of the second
    block are flattened and a linear layer turns them into class scores
    (logits, for ``nn.CrossEntropyLoss``).

    Parameters
    ----------
    n_classes : int
        Number of outputs.
    image_size : int
        Side of the square input images, divisible by 4.
    channels : tuple of two int
        Feature maps made by the first and by the second convolution.
    in_channels : int
        Channels of the input images.
    seed : int, optional
        If given, the initial weights are drawn as after
        ``torch.manual_seed(seed)``, leaving PyTorch's global random state
        as it was (as in :class:`MLP`).

    Attributes
    ----------
    features : torch.nn.Sequential
        The two conv blocks; ``features[0]`` is the first convolution.
    classifier : torch.nn.Linear

    Examples
    --------
    >>> import torch
    >>> from dlbook.models import SmallCNN, count_parameters
    >>> model = SmallCNN(n_classes=3, image_size=16, seed=0)
    >>> model(torch.zeros(5, 1, 16, 16)).shape
    torch.Size([5, 3])
    >>> count_parameters(model)          # 80 + 1168 + (16 * 4 * 4 * 3 + 3)
    2019
    """

    def __init__(
        self,
        n_classes: int,
        image_size: int,
        channels: tuple[int, int] = (8, 16),
        in_channels: int = 1,
        *,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        _check_cnn_args(n_classes, image_size, channels, in_channels, seed)
        self.image_shape = (in_channels, image_size, image_size)
        first, second = channels
        with torch.random.fork_rng(devices=[], enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(seed)
            self.features = nn.Sequential(
                nn.Conv2d(in_channels, first, kernel_size=3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),
                nn.Conv2d(first, second, kernel_size=3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),
            )
            self.classifier = nn.Linear(second * (image_size // 4) ** 2, n_classes)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Class scores for a batch ``X`` of shape ``(n, in_channels, image_size, image_size)``."""
        if X.ndim != 4 or tuple(X.shape[1:]) != self.image_shape:
            raise ValueError(f"X must have shape (n, {', '.join(map(str, self.image_shape))}); got {tuple(X.shape)}")
        return self.classifier(self.features(X).flatten(1))


class EncoderBlock(nn.Module):
    """One transformer encoder block: self-attention and a feed-forward network.

    Introduced in the chapter "Attention and transformers". As in Vaswani et al. (2017),
    each of the two parts is added to its input (a residual connection) and
    the sum is layer-normalized. Without dropout it computes exactly what
    ``nn.TransformerEncoderLayer(d_model, num_heads, dim_feedforward,
    dropout=0.0, batch_first=True)`` computes; unlike that layer it also
    returns the attention weights.

    Parameters
    ----------
    d_model : int
        Width of the vector at each position.
    num_heads : int
        Attention heads; must divide ``d_model``.
    dim_feedforward : int
        Hidden width of the feed-forward network.

    Examples
    --------
    >>> import torch
    >>> from dlbook.models import EncoderBlock
    >>> block = EncoderBlock(d_model=8, num_heads=2, dim_feedforward=16)
    >>> x, weights = block(torch.zeros(3, 5, 8))
    >>> tuple(x.shape), tuple(weights.shape)
    ((3, 5, 8), (3, 2, 5, 5))
    """

    def __init__(self, d_model: int, num_heads: int, dim_feedforward: int) -> None:
        super().__init__()
        positive_ints(d_model=d_model, num_heads=num_heads, dim_feedforward=dim_feedforward)
        if d_model % num_heads:
            raise ValueError(f"num_heads must divide d_model = {d_model}; got {num_heads}")
        self.attention = nn.MultiheadAttention(d_model, num_heads, batch_first=True)
        self.norm1 = nn.LayerNorm(d_model)
        self.feedforward = nn.Sequential(
            nn.Linear(d_model, dim_feedforward), nn.ReLU(), nn.Linear(dim_feedforward, d_model)
        )
        self.norm2 = nn.LayerNorm(d_model)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the new ``x`` (N, L, d_model) and the weights (N, num_heads, L, L)."""
        attended, weights = self.attention(x, x, x, need_weights=True, average_attn_weights=False)
        x = self.norm1(x + attended)
        x = self.norm2(x + self.feedforward(x))
        return x, weights


class MotifTransformer(nn.Module):
    """A tiny transformer encoder that classifies one-hot DNA sequences.

    Introduced in the chapter "Attention and transformers". A 1-D convolution turns each
    base and its neighbours into a vector of width ``d_model``, the
    sinusoidal positional encoding of :func:`dlbook.attention.positional_encoding`
    is added, ``num_layers`` :class:`EncoderBlock` s let every position look at
    every other, and the mean over positions goes through a linear layer to
    the class scores (logits, for ``nn.CrossEntropyLoss``).

    Parameters
    ----------
    length : int
        Bases per sequence (the positional encoding is built for this length).
    n_classes : int
        Number of outputs.
    d_model, num_heads, num_layers, dim_feedforward : int
        Width, heads per block, number of blocks, feed-forward width.
    kernel_size : int
        Odd width of the convolution that embeds each base with its neighbours.
    seed : int, optional
        If given, the initial weights are drawn as after
        ``torch.manual_seed(seed)``, leaving PyTorch's global random state
        as it was (as in :class:`MLP`).

    Examples
    --------
    >>> import torch
    >>> from dlbook.models import MotifTransformer
    >>> model = MotifTransformer(length=40, seed=0)
    >>> X = torch.zeros(3, 40, 4)
    >>> tuple(model(X).shape)
    (3, 2)
    >>> [tuple(w.shape) for w in model.attention_maps(X)]
    [(3, 2, 40, 40)]
    """

    def __init__(
        self,
        length: int,
        n_classes: int = 2,
        d_model: int = 32,
        num_heads: int = 2,
        num_layers: int = 1,
        dim_feedforward: int = 64,
        kernel_size: int = 5,
        *,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        positive_ints(length=length, n_classes=n_classes, num_layers=num_layers, kernel_size=kernel_size)
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd (the sequence keeps its length); got {kernel_size}")
        optional_seed(seed)
        from dlbook.attention import positional_encoding

        self.length = int(length)
        with torch.random.fork_rng(devices=[], enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(int(seed))
            self.embed = nn.Conv1d(4, d_model, kernel_size, padding=kernel_size // 2)
            self.blocks = nn.ModuleList([EncoderBlock(d_model, num_heads, dim_feedforward) for _ in range(num_layers)])
            self.head = nn.Linear(d_model, n_classes)
        pe = torch.tensor(positional_encoding(length, d_model), dtype=torch.float32)
        self.register_buffer("pe", pe)

    def encode(self, X: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Vectors (N, L, d_model) after the last block, and each block's attention weights."""
        if X.ndim != 3 or X.shape[1:] != (self.length, 4):
            raise ValueError(f"X must be one-hot DNA of shape (n, {self.length}, 4); got {tuple(X.shape)}")
        x = torch.relu(self.embed(X.transpose(1, 2))).transpose(1, 2) + self.pe
        maps = []
        for block in self.blocks:
            x, weights = block(x)
            maps.append(weights)
        return x, maps

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Class scores (N, n_classes) for one-hot sequences ``X`` of shape (N, length, 4)."""
        x, _ = self.encode(X)
        return self.head(x.mean(dim=1))

    def attention_maps(self, X) -> list[torch.Tensor]:
        """Each block's attention weights (N, num_heads, L, L), computed without gradients."""
        was_training = self.training
        self.eval()
        try:
            with torch.no_grad():
                _, maps = self.encode(torch.as_tensor(X, dtype=torch.float32))
        finally:
            self.train(was_training)
        return maps


class SequenceCNN(nn.Module):
    """A small 1-D convolutional network for one-hot DNA, with global max pooling.

    Introduced in the chapter "Attention and transformers" as the baseline of
    :class:`MotifTransformer`. ``num_layers`` convolutions of width
    ``kernel_size`` (each followed by a ReLU) see a window of
    ``num_layers * (kernel_size - 1) + 1`` bases; the largest value of each
    feature map over the whole sequence goes through a linear layer to the
    class scores.

    Parameters
    ----------
    n_classes : int
        Number of outputs.
    channels : int
        Feature maps per convolution.
    kernel_size : int
        Odd width of each convolution.
    num_layers : int
        Number of convolutions.
    seed : int, optional
        As in :class:`MLP`.

    Examples
    --------
    >>> import torch
    >>> from dlbook.models import SequenceCNN
    >>> model = SequenceCNN(seed=0)
    >>> tuple(model(torch.zeros(3, 40, 4)).shape)
    (3, 2)
    >>> model.receptive_field
    9
    """

    def __init__(
        self,
        n_classes: int = 2,
        channels: int = 32,
        kernel_size: int = 5,
        num_layers: int = 2,
        *,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        positive_ints(n_classes=n_classes, channels=channels, kernel_size=kernel_size, num_layers=num_layers)
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd (the sequence keeps its length); got {kernel_size}")
        optional_seed(seed)
        self.receptive_field = int(num_layers * (kernel_size - 1) + 1)
        with torch.random.fork_rng(devices=[], enabled=seed is not None):
            if seed is not None:
                torch.manual_seed(int(seed))
            layers: list[nn.Module] = []
            for i in range(num_layers):
                layers += [
                    nn.Conv1d(4 if i == 0 else channels, channels, kernel_size, padding=kernel_size // 2),
                    nn.ReLU(),
                ]
            self.features = nn.Sequential(*layers)
            self.head = nn.Linear(channels, n_classes)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Class scores (N, n_classes) for one-hot sequences ``X`` of shape (N, L, 4)."""
        if X.ndim != 3 or X.shape[2] != 4:
            raise ValueError(f"X must be one-hot DNA of shape (n, length, 4); got {tuple(X.shape)}")
        maps = self.features(X.transpose(1, 2))  # (N, channels, L)
        return self.head(maps.amax(dim=2))
