"""Encoders, decoders and discriminator heads sized from the input.

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


def downsampled_sizes(height: int, width: int) -> list[tuple[int, int]]:
    """Spatial sizes of the encoder levels, from the input to the smallest.

    Each stride-2 level halves the sides (rounding up, so odd sizes work);
    images are halved at least once and until the shorter side is at most 8,
    as in BAGAN's ``min_latent_res`` rule (28 -> 14 -> 7, 32 -> 16 -> 8).
    """
    sizes = [(height, width)]
    while (len(sizes) == 1 and min(height, width) >= 4) or min(height, width) > 8:
        height, width = math.ceil(height / 2), math.ceil(width / 2)
        sizes.append((height, width))
    return sizes


class Dropout(nn.Dropout):
    """Element-wise dropout drawing its mask with ``torch.rand``.

    The same function and distribution as :class:`torch.nn.Dropout`, whose
    ``bernoulli_`` mask took a third of a BAGAN GAN step on a 2-core CPU;
    a uniform draw compared with ``p`` costs less than half of that.
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
    transposed convolution it subclasses, and about 4x faster forward when
    it outputs few channels: on 2 CPU cores and 256 images, 64 -> 1
    channels at 14x14 took 2.4 ms instead of 18 ms forward (19 ms instead
    of 31 ms forward-backward), 64 -> 3 at 16x16 took 4 ms instead of 12 ms
    forward (35 ms instead of 31 ms forward-backward). The decoders use it
    for their last layer, to the image channels, where the transposed
    convolution was half of generation's time; with many output channels
    the transposed convolution is faster.

    A stride-2 transposed convolution writes output row ``2i`` from input
    rows ``i - 1`` and ``i`` (kernel taps 3 and 1) and row ``2i + 1`` from
    rows ``i`` and ``i + 1`` (taps 2 and 0); columns alike. A 2x2
    convolution with padding 1 computes all four (row, column) phases at
    once, each shifted by its phase, and the output interleaves them.
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
    lower resolution, a third of the cost of BAGAN's upsample-then-convolve
    blocks on a CPU.
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
        # the image channels (as in DCGAN): a feature map and a convolution
        # at full resolution were 40% of an autoencoder step on 28x28 images.
        # A smaller image keeps them; they cost little there and its single
        # level needs the capacity.
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
      it writes channels-last maps directly: the decoders' first transposed
      convolution took 3.8-4.3 instead of 5.6 ms per 256 images on 2 AMX
      cores, without the reorder of a contiguous input.
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
        # product starts near zero and the autoencoder grows it. On digits it
        # gave clearly better samples than torch's N(0, 1) default.
        nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
        self.decoder = decoder

    def embed(self, z, labels):
        return z * self.embedding(labels)

    def forward(self, z, labels):
        return self.decoder(self.embed(z, labels))


class ConditionalDiscriminator(nn.Module):
    """Feature trunk times a projected label embedding -> one logit.

    The label branch ``LeakyReLU(Linear(Embedding(labels)))`` only ever sees
    ``n_classes`` distinct inputs, so it is evaluated once on the embedding
    table and indexed by the labels: the same function as projecting each
    sample's embedding, at a cost that does not grow with the batch. The
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
