"""Encoders, decoders, generators and discriminators sized from the input.

Images get DCGAN-style convolutional networks whose depth follows the image
size (8x8 digits, 28x28, 32x32 RGB and odd sizes); tabular rows get MLPs.
The recipes of the methods combine these pieces.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import copy
import math

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.fusion import fuse_conv_bn_eval

CONV_WIDTHS = (64, 128, 256, 256)
# BAGAN's encoder and discriminator (IBM/BAGAN), which SCDL-GAN reuses.
BAGAN_LEAKY_SLOPE = 0.3
BAGAN_DROPOUT = 0.3
# GAMO's networks (SankhaSubhra/GAMO, dense_net.py).
GAMO_LEAKY_SLOPE = 0.1
GAMO_CTMU_WIDTHS = (256, 64)
GAMO_PLAYER_WIDTHS = (256, 128)
# Keras' BatchNormalization(momentum=0.9) in torch's convention (eps 1e-3).
GAMO_BATCH_NORM_KWARGS = {"eps": 1e-3, "momentum": 0.1}


def downsampled_sizes(height: int, width: int) -> list[tuple[int, int]]:
    """Spatial sizes of the encoder levels, from the input to the smallest.

    Each stride-2 level halves the sides (rounding up, so odd sizes work)
    until the shorter side is at most 8, and at least once when it is 4 or
    more, as in BAGAN's ``min_latent_res`` rule (28 -> 14 -> 7, 32 -> 16 -> 8).
    """
    sizes = [(height, width)]
    while (len(sizes) == 1 and min(height, width) >= 4) or min(height, width) > 8:
        height, width = math.ceil(height / 2), math.ceil(width / 2)
        sizes.append((height, width))
    return sizes


class Dropout(nn.Dropout):
    """Element-wise dropout drawing its mask with ``torch.rand``.

    The same function and distribution as :class:`torch.nn.Dropout`, whose
    ``bernoulli_`` mask is much slower on a CPU (see :ref:`design_notes`).
    """

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        keep = torch.rand_like(x) >= self.p
        return x * keep / (1.0 - self.p)


def _mlp_width(n_features: int) -> int:
    return int(min(256, max(32, 2 * n_features)))


class Encoder(nn.Module):
    """A feature trunk followed by a linear head.

    The trunk is what a BAGAN discriminator inherits; the head maps its
    features to the latent code (or, in a discriminator, to class logits).
    """

    def __init__(self, features: nn.Module, n_features: int, head: nn.Module) -> None:
        super().__init__()
        self.features = features
        self.n_features = n_features
        self.head = head

    def forward(self, x):
        return self.head(self.features(x))


def build_encoder(
    network_shape: tuple[int, ...],
    n_outputs: int,
    *,
    negative_slope: float = 0.2,
    dropout: float = 0.0,
) -> Encoder:
    """Conv (images) or MLP (rows) trunk + ``Linear(features, n_outputs)``."""
    layers: list[nn.Module] = []
    if len(network_shape) == 1:
        width = _mlp_width(network_shape[0])
        in_features = network_shape[0]
        for _ in range(2):
            layers += [nn.Linear(in_features, width), nn.LeakyReLU(negative_slope)]
            if dropout:
                layers.append(Dropout(dropout))
            in_features = width
        n_features = width
    else:
        channels, height, width = network_shape
        sizes = downsampled_sizes(height, width)
        in_channels = channels
        for level in range(1, len(sizes)):
            out_channels = CONV_WIDTHS[min(level - 1, len(CONV_WIDTHS) - 1)]
            layers += [
                nn.Conv2d(in_channels, out_channels, 3, stride=2, padding=1),
                nn.LeakyReLU(negative_slope),
            ]
            if dropout:
                layers.append(Dropout(dropout))
            in_channels = out_channels
        if len(sizes) == 1:
            layers += [
                nn.Conv2d(in_channels, 64, 3, padding=1),
                nn.LeakyReLU(negative_slope),
            ]
            in_channels = 64
        layers.append(nn.Flatten())
        last_height, last_width = sizes[-1]
        n_features = in_channels * last_height * last_width
    return Encoder(nn.Sequential(*layers), n_features, nn.Linear(n_features, n_outputs))


def discriminator_from_encoder(encoder: Encoder, n_classes: int) -> Encoder:
    """A copy of ``encoder``'s trunk with a fresh ``n_classes + 1``-way head.

    The last output is the "fake" class (BAGAN's discriminator).
    """
    return Encoder(
        copy.deepcopy(encoder.features),
        encoder.n_features,
        nn.Linear(encoder.n_features, n_classes + 1),
    )


def classifier_discriminator(
    encoder: Encoder, latent_classifier: nn.Linear, n_classes: int
) -> Encoder:
    """BAGAN's discriminator whose class outputs start as the latent classifier.

    The encoder's linear head and the linear latent classifier compose into
    one linear map of the trunk features, so the first ``n_classes`` logits of
    the new discriminator equal ``latent_classifier(encoder(x))``; the "fake"
    logit starts at zero.
    """
    discriminator = discriminator_from_encoder(encoder, n_classes)
    with torch.no_grad():
        head = discriminator.head
        head.weight[:n_classes] = latent_classifier.weight @ encoder.head.weight
        head.bias[:n_classes] = (
            latent_classifier.weight @ encoder.head.bias + latent_classifier.bias
        )
        head.weight[n_classes:] = 0.0
        head.bias[n_classes:] = 0.0
    return discriminator


class _CropTo(nn.Module):
    """Crop a doubled feature map back to the encoder's size at that level.

    A stride-2 transposed convolution doubles the sides, while the encoder
    rounded odd sides up when halving (7 -> 4 -> 8 must become 7).
    """

    def __init__(self, size: tuple[int, int]) -> None:
        super().__init__()
        self.size = tuple(size)

    def forward(self, x):
        return x[:, :, : self.size[0], : self.size[1]]


class PhaseConvTranspose2d(nn.ConvTranspose2d):
    """``nn.ConvTranspose2d(kernel_size=4, stride=2, padding=1)``, computed
    as one 2x2 convolution per output phase.

    Same parameters, initialisation and function (to float rounding) as the
    transposed convolution it subclasses; faster on a CPU when it outputs
    few channels, so the decoders use it for their last layer, to the image
    channels (see :ref:`design_notes`).

    Output row ``2i`` comes from input rows ``i - 1`` and ``i`` (kernel taps
    3 and 1), row ``2i + 1`` from rows ``i`` and ``i + 1`` (taps 2 and 0);
    columns alike. A 2x2 convolution with padding 1 computes all four
    phases at once, and the output interleaves them.
    """

    # _PHASE_TAPS[phase, offset]: the kernel tap that the input at that
    # offset of the 2x2 window meets in that output phase.
    _PHASE_TAPS = (3, 1), (2, 0)

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__(in_channels, out_channels, 4, stride=2, padding=1)

    def forward(self, x):
        batch, _, height, width = x.shape
        out_channels = self.out_channels
        taps = torch.tensor(self._PHASE_TAPS, device=x.device)
        # weight[in, out, tap_row, tap_col] -> [row phase, column phase,
        # out, in, row offset, column offset]
        phase_weight = self.weight[:, :, taps][:, :, :, :, taps].permute(
            2, 4, 1, 0, 3, 5
        )
        phases = F.conv2d(
            x,
            phase_weight.reshape(4 * out_channels, self.in_channels, 2, 2),
            self.bias.repeat(4),
            padding=1,
        ).view(batch, 2, 2, out_channels, height + 1, width + 1)
        out = x.new_empty(batch, out_channels, 2 * height, 2 * width)
        for row_phase in range(2):
            for column_phase in range(2):
                out[:, :, row_phase::2, column_phase::2] = phases[
                    :,
                    row_phase,
                    column_phase,
                    :,
                    row_phase : row_phase + height,
                    column_phase : column_phase + width,
                ]
        return out


class Decoder(nn.Module):
    """Latent code -> sample in [-1, 1] (a tanh output).

    Images: a linear layer to the encoder's smallest feature map, then one
    stride-2 transposed convolution (with BatchNorm and ReLU) per encoder
    level, the last of which outputs the image channels; images with a
    single level (shorter side at most 8) get a 32-channel last level and a
    3x3 convolution to the channels. Transposed convolutions work at the
    lower resolution, cheaper than BAGAN's upsample-then-convolve blocks.
    """

    def __init__(self, network_shape: tuple[int, ...], latent_dim: int) -> None:
        super().__init__()
        self.network_shape = tuple(network_shape)
        if len(network_shape) == 1:
            width = _mlp_width(network_shape[0])
            self.body = nn.Sequential(
                nn.Linear(latent_dim, width),
                nn.ReLU(),
                nn.Linear(width, width),
                nn.ReLU(),
                nn.Linear(width, network_shape[0]),
                nn.Tanh(),
            )
            return
        channels, height, width = network_shape
        sizes = downsampled_sizes(height, width)
        widths = [CONV_WIDTHS[min(i, len(CONV_WIDTHS) - 1)] for i in range(len(sizes))]
        # widths[i] is the number of channels the decoder uses at sizes[i + 1].
        top_channels = widths[len(sizes) - 2] if len(sizes) > 1 else 64
        top_height, top_width = sizes[-1]
        layers: list[nn.Module] = [
            nn.Linear(latent_dim, top_channels * top_height * top_width),
            nn.ReLU(),
            nn.Unflatten(1, (top_channels, top_height, top_width)),
        ]
        # With two or more upsampling levels the last one maps straight to
        # the image channels (as in DCGAN): a full-resolution feature map and
        # convolution were costly there. A single level needs the capacity.
        straight_to_image = len(sizes) > 2
        in_channels = top_channels
        for level in range(len(sizes) - 2, -1, -1):
            last = level == 0
            to_image = last and straight_to_image
            if not last:
                out_channels = widths[level - 1]
            else:
                out_channels = channels if straight_to_image else 32
            upsample = (
                PhaseConvTranspose2d(in_channels, out_channels)
                if to_image
                else nn.ConvTranspose2d(
                    in_channels, out_channels, 4, stride=2, padding=1
                )
            )
            layers += [upsample, _CropTo(sizes[level])]
            if not to_image:
                layers += [nn.BatchNorm2d(out_channels), nn.ReLU()]
            in_channels = out_channels
        if not straight_to_image:
            layers.append(nn.Conv2d(in_channels, channels, 3, padding=1))
        layers.append(nn.Tanh())
        self.body = nn.Sequential(*layers)

    def forward(self, z):
        return self.body(z)


class ChannelsLastUnflatten(nn.Module):
    """Rows in (H, W, C) order -> (N, C, H, W) feature maps, channels-last.

    A view: the rows already hold the channels-last layout.
    """

    def __init__(self, size: tuple[int, int, int]) -> None:
        super().__init__()
        self.size = tuple(size)

    def forward(self, x):
        channels, height, width = self.size
        return x.view(len(x), height, width, channels).permute(0, 3, 1, 2)


# Layers that act on each value alone, so a permutation of their input's
# features passes through them.
_ELEMENTWISE = (nn.ReLU, nn.LeakyReLU, nn.Tanh, nn.Identity, nn.Dropout)


def channels_last_inference_copy(network: nn.Module) -> nn.Module:
    """A copy of ``network`` (in evaluation mode) for fast CPU inference.

    The same function, to float rounding, with channels-last feature maps
    throughout, which oneDNN's bfloat16 convolutions run much faster than
    contiguous ones:

    * every BatchNorm2d right after a convolution (or after a crop,
      :class:`_CropTo`, which commutes with its per-channel affine map) is
      folded into that convolution, one pass over the feature map fewer;
    * a linear layer that feeds an ``nn.Unflatten`` to (C, H, W) (through
      element-wise activations) has its outputs reordered to (H, W, C), so
      it writes channels-last maps directly, with no reorder of its output.
    """
    network = copy.deepcopy(network)
    sequentials = [m for m in network.modules() if isinstance(m, nn.Sequential)]
    for sequential in sequentials:
        for index, layer in enumerate(list(sequential)):
            if isinstance(layer, nn.BatchNorm2d):
                _fold_batch_norm(sequential, index)
            elif isinstance(layer, nn.Unflatten):
                _unflatten_channels_last(sequential, index)
    return network.to(memory_format=torch.channels_last)


def _fold_batch_norm(sequential: nn.Sequential, index: int) -> None:
    conv_index = index - 1
    if conv_index > 0 and isinstance(sequential[conv_index], _CropTo):
        conv_index -= 1
    conv = sequential[conv_index] if conv_index >= 0 else None
    if isinstance(conv, (nn.Conv2d, nn.ConvTranspose2d)):
        transpose = isinstance(conv, nn.ConvTranspose2d)
        sequential[conv_index] = fuse_conv_bn_eval(conv, sequential[index], transpose)
        sequential[index] = nn.Identity()


def _unflatten_channels_last(sequential: nn.Sequential, index: int) -> None:
    unflatten = sequential[index]
    if unflatten.dim != 1 or len(unflatten.unflattened_size) != 3:
        return
    linear_index = index - 1
    while linear_index >= 0 and isinstance(sequential[linear_index], _ELEMENTWISE):
        linear_index -= 1
    linear = sequential[linear_index] if linear_index >= 0 else None
    if not isinstance(linear, nn.Linear):
        return
    channels, height, width = unflatten.unflattened_size
    # Output feature (c, h, w) moves to position (h, w, c).
    order = torch.arange(linear.out_features, device=linear.weight.device)
    order = order.view(channels, height, width).permute(1, 2, 0).reshape(-1)
    with torch.no_grad():
        linear.weight.copy_(linear.weight[order])
        if linear.bias is not None:
            linear.bias.copy_(linear.bias[order])
    sequential[index] = ChannelsLastUnflatten(unflatten.unflattened_size)


class LabelEmbeddingGenerator(nn.Module):
    """BAGAN-GP's generator: ``decoder(z * embedding[labels])``.

    The element-wise product with a learned class embedding is BAGAN-GP's
    "embedding model"; in the autoencoder stage ``z`` is the encoder's code,
    in the GAN stage it is N(0, I) noise.
    """

    def __init__(self, decoder: nn.Module, n_classes: int, latent_dim: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(n_classes, latent_dim)
        # Keras's default embedding initialisation, as in the reference: the
        # product starts near zero and the autoencoder grows it.
        nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
        self.decoder = decoder

    def embed(self, z, labels):
        return z * self.embedding(labels)

    def forward(self, z, labels):
        return self.decoder(self.embed(z, labels))


class LabelProjectionDiscriminator(nn.Module):
    """BAGAN-GP's D(x, y): feature trunk times a projected label embedding.

    One real/fake logit per sample. The label branch
    ``LeakyReLU(Linear(Embedding(labels)))`` only ever sees ``n_classes``
    distinct inputs, so it is evaluated once on the embedding table and
    indexed by the labels: the same function as projecting each sample's
    embedding, at a cost that does not grow with the batch. The
    rows are looked up with ``F.embedding``, not ``table[labels]``: on a
    multi-threaded CPU the backward pass of advanced indexing accumulates
    in a varying order, so equal seeds gave unequal networks.
    """

    def __init__(
        self,
        features: nn.Module,
        n_features: int,
        n_classes: int,
        *,
        embedding_dim: int = 512,
        negative_slope: float = 0.2,
    ) -> None:
        super().__init__()
        self.features = features
        self.n_features = n_features
        self.label_embedding = nn.Embedding(n_classes, embedding_dim)
        self.label_projection = nn.Sequential(
            nn.Linear(embedding_dim, n_features), nn.LeakyReLU(negative_slope)
        )
        self.head = nn.Linear(n_features, 1)

    def score(self, features, labels):
        """Logits of precomputed trunk ``features`` under ``labels``."""
        label_features = self.label_projection(self.label_embedding.weight)
        return self.head(features * F.embedding(labels, label_features))

    def forward(self, x, labels):
        return self.score(self.features(x), labels)


def _glorot_init(module: nn.Module) -> nn.Module:
    """Keras' Dense initialisation (glorot uniform, zero bias), as in the reference.

    torch's default scales weights with the fan-in only and draws random
    biases; glorot also scales an instance-generation unit's initial logits
    with its class size, which sets how sharp the first convex weights are.
    """
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return module


def gamo_player_mlp(n_inputs: int, n_outputs: int) -> nn.Sequential:
    """The reference's classifier / discriminator body: 256, 128, LeakyReLU 0.1."""
    layers: list[nn.Module] = []
    for width in GAMO_PLAYER_WIDTHS:
        layers += [nn.Linear(n_inputs, width), nn.LeakyReLU(GAMO_LEAKY_SLOPE)]
        n_inputs = width
    layers.append(nn.Linear(n_inputs, n_outputs))
    return _glorot_init(nn.Sequential(*layers))


class ConvexGenerator(nn.Module):
    """GAMO's generator: a shared cTMU and one instance-generation unit per class.

    The conditional transient mapping unit (cTMU) maps ``concat(z,
    one_hot(y))`` to a 64-d code; the instance-generation unit (IGU) of class
    ``c`` turns the code into softmax weights over the class's anchors
    (training rows) and outputs their convex combination, so every sample
    lies in the convex hull of its class.

    Parameters
    ----------
    latent_dim, n_classes : int
        Size of the noise ``z``; number of classes (size of the one-hot label).
    anchors : dict of int to tensor of shape (n_anchors_c, n_features)
        Flattened training rows (network space) of each class code with an IGU.
    """

    def __init__(
        self, latent_dim: int, n_classes: int, anchors: dict[int, torch.Tensor]
    ) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.n_classes = n_classes
        self.class_codes = sorted(anchors)
        self.anchor_counts = [len(anchors[code]) for code in self.class_codes]
        layers: list[nn.Module] = []
        n_inputs = latent_dim + n_classes
        for width in GAMO_CTMU_WIDTHS:
            layers += [
                nn.Linear(n_inputs, width),
                nn.ReLU(),
                nn.BatchNorm1d(width, **GAMO_BATCH_NORM_KWARGS),
            ]
            n_inputs = width
        self.ctmu = _glorot_init(nn.Sequential(*layers))
        self.igus = _glorot_init(
            nn.ModuleList(nn.Linear(n_inputs, count) for count in self.anchor_counts)
        )
        # A buffer, not a parameter: the anchors are data, never trained, and
        # must travel with the module (device moves, pickling).
        self.register_buffer(
            "anchors", torch.cat([anchors[code] for code in self.class_codes])
        )

    def _igu(self, class_code: int, codes: torch.Tensor) -> torch.Tensor:
        index = self.class_codes.index(class_code)
        start = sum(self.anchor_counts[:index])
        class_anchors = self.anchors[start : start + self.anchor_counts[index]]
        weights = torch.softmax(self.igus[index](codes), dim=1)
        return weights @ class_anchors

    def _ctmu(self, z: torch.Tensor, class_codes: torch.Tensor) -> torch.Tensor:
        one_hot = F.one_hot(class_codes, self.n_classes).to(z.dtype)
        return self.ctmu(torch.cat([z, one_hot], dim=1))

    def sample_class(self, z: torch.Tensor, class_code: int) -> torch.Tensor:
        """Samples of one class (the per-class generator steps need no sorting)."""
        codes = torch.full((len(z),), class_code, device=z.device)
        return self._igu(class_code, self._ctmu(z, codes))

    def forward(self, z: torch.Tensor, class_codes: torch.Tensor) -> torch.Tensor:
        codes = self._ctmu(z, class_codes)
        order = torch.argsort(class_codes, stable=True)
        counts = torch.bincount(class_codes, minlength=self.n_classes).tolist()
        parts = []
        for class_code, class_rows in enumerate(codes[order].split(counts)):
            if len(class_rows):
                parts.append(self._igu(class_code, class_rows))
        if not parts:
            return codes.new_empty((0, self.anchors.shape[1]))
        return torch.cat(parts)[torch.argsort(order)]


class LabelConcatDiscriminator(nn.Module):
    """GAMO's D(x, y): an MLP on a flattened sample and its one-hot class.

    One real/fake logit per sample.
    """

    def __init__(self, n_features: int, n_classes: int) -> None:
        super().__init__()
        self.n_classes = n_classes
        self.body = gamo_player_mlp(n_features + n_classes, 1)

    def forward(self, x: torch.Tensor, class_codes: torch.Tensor) -> torch.Tensor:
        one_hot = F.one_hot(class_codes, self.n_classes).to(x.dtype)
        return self.body(torch.cat([x, one_hot], dim=1)).squeeze(1)
