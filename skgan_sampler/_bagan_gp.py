"""BAGAN-GP: balancing GAN with a supervised autoencoder and a gradient penalty."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral, Real

import torch
import torch.nn.functional as F
from sklearn.utils._param_validation import Interval, StrOptions

from ._autoencoder_gan import BaseAutoencoderGANSampler
from ._base import document_parameters
from ._losses import gradient_penalty
from ._networks import (
    Decoder,
    LabelEmbeddingGenerator,
    LabelProjectionDiscriminator,
    build_encoder,
)
from ._training import epochs_for_steps, optimizer_step

# The reference's (GH920/improved-bagan-gp) slope, Adam betas and label
# embedding size of the discriminator.
BAGAN_GP_LEAKY_SLOPE = 0.2
BAGAN_GP_ADAM_BETAS = (0.5, 0.9)
LABEL_EMBEDDING_DIM = 512
AUTO_GAN_EPOCHS = 8
AUTO_MIN_GENERATOR_STEPS = 200


def resolve_gan_epochs(gan_epochs: int | str, n_samples: int, batch_size: int) -> int:
    """The number of GAN passes that ``gan_epochs`` (an int or "auto") stands for.

    ``"auto"`` is :data:`AUTO_GAN_EPOCHS` passes, or as many as
    :data:`AUTO_MIN_GENERATOR_STEPS` generator steps need on small data.
    """
    if gan_epochs != "auto":
        return gan_epochs
    return max(
        AUTO_GAN_EPOCHS,
        epochs_for_steps(n_samples, batch_size, AUTO_MIN_GENERATOR_STEPS),
    )


def conditional_gan_step(
    generator: LabelEmbeddingGenerator,
    discriminator: LabelProjectionDiscriminator,
    data: torch.Tensor,
    labels: torch.Tensor,
    n_classes: int,
    generator_optimizer: torch.optim.Optimizer,
    discriminator_optimizer: torch.optim.Optimizer,
    *,
    n_critic: int,
    penalty_weight: float,
    gp_mixing: str,
) -> Callable[[torch.Tensor], dict[str, torch.Tensor]]:
    """One step of BAGAN-GP's adversarial stage, for ``train_stage``.

    Per real batch, ``n_critic`` discriminator steps, each with fresh noise,
    uniform fake labels and uniform "wrong" labels on the same real batch,
    then one generator step. Reported losses are the means over the
    discriminator steps.
    """
    device = data.device
    latent_dim = generator.embedding.embedding_dim

    def noise_and_labels(n):
        return (
            torch.randn(n, latent_dim, device=device),
            torch.randint(n_classes, (n,), device=device),
        )

    def mixing_weights(n):
        if gp_mixing == "normal":
            return torch.randn(n, device=device)
        return torch.rand(n, device=device)

    def discriminator_step(real, real_labels):
        n = len(real)
        z, fake_labels = noise_and_labels(n)
        wrong_labels = torch.randint(n_classes, (n,), device=device)
        with torch.no_grad():
            fake = generator(z, fake_labels)
        # The trunk has no batch statistics, so one pass over real and fake
        # rows gives the same features as two, and the real features serve
        # both the true-label and the wrong-label term.
        features = discriminator.features(torch.cat([real, fake]))
        real_features, fake_features = features[:n], features[n:]
        real_logits = discriminator.score(real_features, real_labels)
        logits = torch.cat(
            [
                real_logits,
                discriminator.score(fake_features, fake_labels),
                discriminator.score(real_features, wrong_labels),
            ]
        )
        targets = torch.cat(
            [torch.ones_like(real_logits), torch.zeros_like(real_logits).repeat(2, 1)]
        )
        # Mean per term, summed over the three terms, as in the reference.
        adversarial = 3 * F.binary_cross_entropy_with_logits(logits, targets)
        if penalty_weight > 0:
            # The reference scores the interpolates under the real labels,
            # although the fake half was generated for other labels.
            penalty = gradient_penalty(
                lambda x: discriminator(x, real_labels), real, fake, mixing_weights(n)
            )
        else:
            penalty = adversarial.new_zeros(())
        optimizer_step(discriminator_optimizer, adversarial + penalty_weight * penalty)
        return adversarial.detach(), penalty.detach()

    def step(batch):
        real, real_labels = data[batch], labels[batch]
        discriminator.requires_grad_(True)
        adversarial_sum, penalty_sum = 0.0, 0.0
        for _ in range(n_critic):
            adversarial, penalty = discriminator_step(real, real_labels)
            adversarial_sum = adversarial_sum + adversarial
            penalty_sum = penalty_sum + penalty

        discriminator.requires_grad_(False)
        z, fake_labels = noise_and_labels(len(batch))
        fake_logits = discriminator(generator(z, fake_labels), fake_labels)
        generator_loss = F.binary_cross_entropy_with_logits(
            fake_logits, torch.ones_like(fake_logits)
        )
        optimizer_step(generator_optimizer, generator_loss)
        return {
            "discriminator": adversarial_sum / n_critic,
            "gradient_penalty": penalty_sum / n_critic,
            "generator": generator_loss,
        }

    return step


@document_parameters
class BAGANGPSampler(BaseAutoencoderGANSampler):
    """Oversample with BAGAN-GP, a conditional GAN with a supervised autoencoder.

    Stage 1 [1]_ trains a supervised autoencoder ``decoder(encoder(x) * e_y)``,
    ``e_y`` a learned class embedding, with an L1 loss. Stage 2 trains the
    generator ``G(z, y) = decoder(z * e_y)`` against a new conditional
    discriminator with a "wrong label" term, a gradient penalty and
    ``n_critic`` discriminator steps per generator step. New samples of
    class ``c`` are ``G(z, c)`` with ``z ~ N(0, I)``.

    Read more in the :ref:`User Guide <bagan_gp>`.

    Parameters
    ----------
    {sampling_strategy}
    {random_state}
    {image_shape}
    {latent_dim}
    {batch_size}
    {ae_epochs}
    {ae_learning_rate}
    gan_epochs : int or "auto", default="auto"
        Passes over the data of the adversarial stage. ``"auto"`` makes 8
        passes, or as many as 200 generator steps need when that is more
        (small data sets); ``gan_epochs_`` holds the number used.
    {gan_learning_rate}
    {discriminator_augment}
    gradient_penalty_weight : float, default=10.0
        Weight of the gradient penalty in the discriminator loss; 0 turns the
        penalty off (and skips its double backward).
    n_critic : int, default=5
        Discriminator steps per generator step, each with new noise and
        labels on the same real mini-batch.
    gp_mixing : {{"uniform", "normal"}}, default="uniform"
        Distribution of ``a`` in the penalty's interpolates ``x + a (G(z) -
        x)``: U(0, 1) as in the paper, or N(0, 1) as in the reference code.
    {device}
    {generation_precision}
    {verbose}

    Attributes
    ----------
    {classes_attributes}
    encoder_ : torch.nn.Module
        The encoder of the supervised autoencoder (stage 1), on the CPU.
    generator_ : torch.nn.Module
        The trained ``generator_(z, class_codes)`` (codes index ``classes_``),
        its ``embedding`` and ``decoder`` started by stage 1, on the CPU.
    discriminator_ : torch.nn.Module
        The trained conditional discriminator, called as
        ``discriminator_(x, class_codes)`` (one logit per sample), on the CPU.
    gan_epochs_ : int
        Passes over the data made by the adversarial stage.
    history_ : dict
        Per-epoch mean losses, ``history_[stage][loss_name]``: ``"autoencoder"``
        has ``"reconstruction"``; ``"gan"`` has ``"discriminator"`` (the three
        cross-entropy terms), ``"gradient_penalty"`` (unweighted), ``"generator"``.
    {input_attributes}

    See Also
    --------
    BAGANSampler : BAGAN, with class Gaussians and a (K+1)-way discriminator.
    SCDLGANSampler : BAGAN-style GAN on supervised Wasserstein-autoencoder codes.

    Notes
    -----
    Unlike the reference implementation [2]_, images are not resized to 64x64
    (the networks size themselves from the input), PyTorch's initialisation
    is kept except for the class embedding, and the budget suits a CPU
    (fewer epochs, a higher GAN learning rate); see :ref:`deviations`.

    References
    ----------
    .. [1] G. Huang and A. H. Jafari, "Enhanced balancing GAN: minority-class
       image generation", Neural Computing and Applications, 2021
       (arXiv:2011.00189).
    .. [2] GH920/improved-bagan-gp, ``codes/improved_bagan_gp.py``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skgan_sampler import BAGANGPSampler
    >>> X, y = make_classification(n_samples=300, weights=[0.9, 0.1],
    ...                            random_state=0)
    >>> sampler = BAGANGPSampler(ae_epochs=2, gan_epochs=2, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [268, 268]
    >>> sampler.generate([1, 1, 0]).shape
    (3, 20)
    """

    _parameter_constraints: dict = {
        **BaseAutoencoderGANSampler._parameter_constraints,
        "gradient_penalty_weight": [Interval(Real, 0, None, closed="left")],
        "gan_epochs": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "n_critic": [Interval(Integral, 1, None, closed="left")],
        "gp_mixing": [StrOptions({"uniform", "normal"})],
    }
    _adam_betas = BAGAN_GP_ADAM_BETAS

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        image_shape=None,
        latent_dim=128,
        batch_size=128,
        ae_epochs=5,
        ae_learning_rate=1e-3,
        gan_epochs="auto",
        gan_learning_rate=2e-3,
        discriminator_augment=None,
        gradient_penalty_weight=10.0,
        n_critic=5,
        gp_mixing="uniform",
        device="auto",
        generation_precision="auto",
        verbose=False,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            image_shape=image_shape,
            latent_dim=latent_dim,
            batch_size=batch_size,
            ae_epochs=ae_epochs,
            ae_learning_rate=ae_learning_rate,
            gan_epochs=gan_epochs,
            gan_learning_rate=gan_learning_rate,
            discriminator_augment=discriminator_augment,
            device=device,
            generation_precision=generation_precision,
            verbose=verbose,
        )
        self.gradient_penalty_weight = gradient_penalty_weight
        self.n_critic = n_critic
        self.gp_mixing = gp_mixing

    def _build_autoencoder(self, network_shape, n_classes):
        encoder = build_encoder(
            network_shape, self.latent_dim, negative_slope=BAGAN_GP_LEAKY_SLOPE
        )
        # The reference ends the encoder with a LeakyReLU.
        encoder.head = torch.nn.Sequential(
            encoder.head, torch.nn.LeakyReLU(BAGAN_GP_LEAKY_SLOPE)
        )
        generator = LabelEmbeddingGenerator(
            Decoder(network_shape, self.latent_dim), n_classes, self.latent_dim
        )
        return torch.nn.ModuleDict({"encoder": encoder, "generator": generator})

    def _autoencoder_loss(self, autoencoder, x, y):
        """L1 reconstruction through ``decoder(encoder(x) * e_y)``."""
        reconstruction = F.l1_loss(
            autoencoder["generator"](autoencoder["encoder"](x), y), x
        )
        return reconstruction, {"reconstruction": reconstruction}

    def _build_discriminator(self, autoencoder, network_shape, n_classes):
        trunk = build_encoder(network_shape, 1, negative_slope=BAGAN_GP_LEAKY_SLOPE)
        return LabelProjectionDiscriminator(
            trunk.features,
            trunk.n_features,
            n_classes,
            embedding_dim=LABEL_EMBEDDING_DIM,
            negative_slope=BAGAN_GP_LEAKY_SLOPE,
        )

    def _resolve_gan_epochs(self, n_samples):
        return resolve_gan_epochs(self.gan_epochs, n_samples, self.batch_size)

    def _adversarial_step(self, discriminator, data, labels, n_classes, optimizers):
        return conditional_gan_step(
            self.generator_,
            discriminator,
            data,
            labels,
            n_classes,
            *optimizers,
            n_critic=self.n_critic,
            penalty_weight=self.gradient_penalty_weight,
            gp_mixing=self.gp_mixing,
        )

    def _generate_network_outputs(self, class_codes, networks):
        generator = networks["generator_"]
        # The fitted latent size: latent_dim may have been set after fitting.
        latent_dim = generator.embedding.embedding_dim
        z = torch.randn(len(class_codes), latent_dim, device=class_codes.device)
        return generator(z, class_codes)
