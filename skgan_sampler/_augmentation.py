"""Label-preserving image augmentation of training batches, on their device."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import torch
import torch.nn.functional as F

AUGMENTATIONS = {"shift", "shift_flip"}


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
