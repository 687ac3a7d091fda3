"""Image augmentation of training batches, on their device.

Label-preserving shifts and flips for classifiers; DiffAugment for the
discriminator of a GAN, applied to real and generated images alike.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

AUGMENTATIONS = {"shift", "shift_flip"}
DISCRIMINATOR_AUGMENTATIONS = {"translation", "translation_cutout"}
# DiffAugment's translation (1/8 of the image size) and cutout (1/2) ratios.
TRANSLATION_RATIO = 0.125
CUTOUT_RATIO = 0.5


def random_shift(images: torch.Tensor, max_shift: int) -> torch.Tensor:
    """Translate each image by up to ``max_shift`` pixels each way.

    The standard pad-and-random-crop: zero padding of ``max_shift`` pixels,
    then a crop of the original size at a random offset per image.
    ``images`` has shape ``(n, C, H, W)``.
    """
    n_images, _, height, width = images.shape
    padded = F.pad(images, (max_shift,) * 4).permute(0, 2, 3, 1)
    device = images.device
    top = torch.randint(0, 2 * max_shift + 1, (n_images, 1), device=device)
    left = torch.randint(0, 2 * max_shift + 1, (n_images, 1), device=device)
    rows = (top + torch.arange(height, device=device))[:, :, None]
    columns = (left + torch.arange(width, device=device))[:, None, :]
    batch = torch.arange(n_images, device=device)[:, None, None]
    return padded[batch, rows, columns].permute(0, 3, 1, 2)


def random_flip(images: torch.Tensor) -> torch.Tensor:
    """Mirror each ``(n, C, H, W)`` image left-right with probability 1/2."""
    flip = torch.rand(len(images), device=images.device) < 0.5
    return torch.where(flip[:, None, None, None], images.flip(-1), images)


def augment_batch(images: torch.Tensor, augment: str, max_shift: int) -> torch.Tensor:
    """``images`` shifted (``"shift"``), and mirrored too (``"shift_flip"``)."""
    images = random_shift(images, max_shift)
    if augment == "shift_flip":
        images = random_flip(images)
    return images


def random_cutout(images: torch.Tensor, ratio: float = CUTOUT_RATIO) -> torch.Tensor:
    """Set a square of ``ratio`` times the image size to zero, at a random place.

    The square's centre is anywhere in the image, so part of it may fall
    outside; ``images`` has shape ``(n, C, H, W)``.
    """
    n_images, _, height, width = images.shape
    device = images.device
    cut_height, cut_width = int(height * ratio + 0.5), int(width * ratio + 0.5)
    top = torch.randint(0, height + 1 - cut_height % 2, (n_images, 1, 1), device=device)
    left = torch.randint(0, width + 1 - cut_width % 2, (n_images, 1, 1), device=device)
    rows = torch.arange(height, device=device)[None, :, None] - (top - cut_height // 2)
    columns = torch.arange(width, device=device)[None, None, :] - (
        left - cut_width // 2
    )
    inside = (rows >= 0) & (rows < cut_height) & (columns >= 0) & (columns < cut_width)
    return images * (~inside)[:, None].to(images.dtype)


def diff_augment(images: torch.Tensor, policy: str) -> torch.Tensor:
    """DiffAugment (Zhao et al., NeurIPS 2020) of ``(n, C, H, W)`` images.

    ``"translation"`` shifts each image by up to 1/8 of its size (zero
    padding); ``"translation_cutout"`` also zeroes a random square of half its
    size. Both are differentiable, so the generator learns through them.
    """
    height, width = images.shape[-2:]
    images = random_shift(images, int(min(height, width) * TRANSLATION_RATIO + 0.5))
    if policy == "translation_cutout":
        images = random_cutout(images)
    return images


class DiffAugmentDiscriminator(nn.Module):
    """A discriminator that sees every input through :func:`diff_augment`.

    Used for the adversarial stage only: real and generated images are
    augmented alike, in the discriminator's and the generator's steps, so the
    generator is not pushed towards augmented-looking images. ``features``
    and ``score`` pass on the split of a discriminator that has them.
    """

    def __init__(self, discriminator: nn.Module, policy: str) -> None:
        super().__init__()
        self.discriminator = discriminator
        self.policy = policy

    def forward(self, images: torch.Tensor, *args) -> torch.Tensor:
        return self.discriminator(diff_augment(images, self.policy), *args)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return self.discriminator.features(diff_augment(images, self.policy))

    def score(self, features: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.discriminator.score(features, labels)
