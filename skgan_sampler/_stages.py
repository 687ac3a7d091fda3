"""Training stages and drawing shared by more than one recipe.

BAGAN's adversarial stage, which SCDL-GAN reuses, and the class-consistent
drawing of their (K+1)-way discriminator. The loop that runs a stage is
:func:`~skgan_sampler._training.train_stage`; the order of the stages is
:class:`~skgan_sampler._autoencoder_gan.BaseAutoencoderGANSampler`'s.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

from ._training import in_batches, optimizer_step

# Redraws of a sample the discriminator assigns to another class, after which
# the last draw is kept, so a class it never recognises cannot stall generation.
MAX_REDRAWS = 10

LatentSampler = Callable[[torch.Tensor], torch.Tensor]


def balancing_gan_step(
    generator: torch.nn.Module,
    discriminator: torch.nn.Module,
    latent_sampler: LatentSampler,
    data: torch.Tensor,
    labels: torch.Tensor,
    n_classes: int,
    generator_optimizer: torch.optim.Optimizer,
    discriminator_optimizer: torch.optim.Optimizer,
) -> Callable[[torch.Tensor], dict[str, torch.Tensor]]:
    """One step of BAGAN's adversarial stage, for ``train_stage``.

    The discriminator has ``n_classes + 1`` outputs (the last one is "fake").
    Per real batch of size B: one discriminator step on the batch plus
    ``ceil(B / n_classes)`` fakes labelled "fake", then one generator step
    asking the discriminator to see the intended class in ``B + ceil(B /
    n_classes)`` fakes. Fake labels are drawn uniformly (balanced).
    """
    device = data.device
    fake_class = n_classes

    def step(batch):
        real, real_labels = data[batch], labels[batch]
        n_fake = math.ceil(len(batch) / n_classes)
        fake_labels = torch.randint(n_classes, (n_fake,), device=device)
        with torch.no_grad():
            fake = generator(latent_sampler(fake_labels))
        discriminator.requires_grad_(True)
        discriminator_loss = F.cross_entropy(
            discriminator(torch.cat([real, fake])),
            torch.cat([real_labels, torch.full_like(fake_labels, fake_class)]),
        )
        optimizer_step(discriminator_optimizer, discriminator_loss)

        discriminator.requires_grad_(False)
        intended = torch.randint(n_classes, (len(batch) + n_fake,), device=device)
        generator_loss = F.cross_entropy(
            discriminator(generator(latent_sampler(intended))), intended
        )
        optimizer_step(generator_optimizer, generator_loss)
        return {"discriminator": discriminator_loss, "generator": generator_loss}

    return step


def draw_class_consistent(
    generator: torch.nn.Module,
    latent_sampler: LatentSampler,
    class_codes: torch.Tensor,
    discriminator: torch.nn.Module | None = None,
    *,
    batch_size: int | None = None,
) -> torch.Tensor:
    """``generator(z)`` with ``z`` from each code's class model.

    With a ``discriminator`` (``n_classes + 1`` outputs, the last one
    "fake"), every sample whose largest class output is not its own class
    is drawn again, up to :data:`MAX_REDRAWS` times. The networks see at
    most ``batch_size`` samples per pass (all of them when None); the
    filter's passes are padded to a few sizes (see :func:`in_batches`).
    """
    batch_size = batch_size or max(len(class_codes), 1)
    pad = discriminator is not None

    def draw(codes):
        return in_batches(generator, latent_sampler(codes), batch_size, pad=pad)

    samples = draw(class_codes)
    if discriminator is None:
        return samples
    pending = torch.arange(len(class_codes), device=class_codes.device)
    for _ in range(MAX_REDRAWS):
        logits = in_batches(discriminator, samples[pending], batch_size, pad=True)
        pending = pending[logits[:, :-1].argmax(dim=1) != class_codes[pending]]
        if len(pending) == 0:
            break
        samples[pending] = draw(class_codes[pending])
    return samples
