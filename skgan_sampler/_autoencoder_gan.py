"""The stages of the autoencoder-based samplers, as overridable hooks.

BAGAN, BAGAN-GP and SCDL-GAN all run::

    autoencoder stage -> latent model -> adversarial stage -> generation

and DeepSMOTE the same without the adversarial stage.
:class:`BaseAutoencoderSampler` runs the autoencoder stage and fits the
latent model, and owns the ``ae_*`` parameters;
:class:`BaseAutoencoderGANSampler` adds the adversarial stage and the
``gan_*`` parameters. A recipe overrides the hooks that differ.
:class:`BaseBalancingGANSampler` adds what BAGAN and SCDL-GAN share: a
latent model per class (a Gaussian, or SMOTE between the class's codes), a
(K+1)-way discriminator started from the encoder, BAGAN's adversarial step
and the discriminator filter.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions

from ._augmentation import DISCRIMINATOR_AUGMENTATIONS, DiffAugmentDiscriminator
from ._base import ADVERSARIAL_CONSTRAINTS, SHARED_CONSTRAINTS, BaseDeepOverSampler
from ._latent import (
    ClassGaussians,
    GaussianLatentSampler,
    SMOTELatentSampler,
    fit_class_gaussians,
    fit_class_smote,
)
from ._networks import (
    BAGAN_DROPOUT,
    BAGAN_LEAKY_SLOPE,
    Decoder,
    build_encoder,
    discriminator_from_encoder,
)
from ._stages import balancing_gan_step, draw_class_consistent
from ._training import TrainingMonitor, adam, optimizer_step, train_stage

# Class codes per generation call with the discriminator filter: the rejected
# samples of a whole call are redrawn together, in few large passes.
FILTERED_GENERATION_CHUNK = 4096

# Neighbours of latent SMOTE in the GAN samplers: SMOTE's and DeepSMOTE's
# default.
LATENT_SMOTE_NEIGHBORS = 5

AdversarialStep = Callable[[torch.Tensor], dict[str, torch.Tensor]]
BatchLoss = Callable[[torch.Tensor], tuple[torch.Tensor, dict[str, torch.Tensor]]]


class BaseAutoencoderSampler(BaseDeepOverSampler):
    """Base class of the samplers whose networks start as an autoencoder.

    ``_fit_networks`` trains the autoencoder of :meth:`_build_autoencoder`
    on :meth:`_autoencoder_loss` for ``ae_epochs`` passes and fits the
    latent model (:meth:`_fit_latent_model`). Each module named in
    ``_autoencoder_modules`` becomes a fitted attribute: ``"encoder"`` is
    ``encoder_``, ``"generator"`` is ``generator_``.
    """

    _parameter_constraints: dict = {
        **SHARED_CONSTRAINTS,
        "ae_epochs": [Interval(Integral, 1, None, closed="left")],
        "ae_learning_rate": [Interval(Real, 0, None, closed="neither")],
    }
    # Adam's betas of every stage; beta1 = 0.5 as in BAGAN, DCGAN and WAE.
    _adam_betas: tuple[float, float] = (0.5, 0.999)

    def __init__(
        self,
        *,
        sampling_strategy,
        random_state,
        image_shape,
        latent_dim,
        batch_size,
        ae_epochs,
        ae_learning_rate,
        device,
        generation_precision,
        verbose,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            image_shape=image_shape,
            latent_dim=latent_dim,
            batch_size=batch_size,
            device=device,
            generation_precision=generation_precision,
            verbose=verbose,
        )
        self.ae_epochs = ae_epochs
        self.ae_learning_rate = ae_learning_rate

    # Names of the autoencoder's modules, in the order they are built.
    _autoencoder_modules: tuple[str, ...] = ("encoder", "generator")

    @property
    def _module_attributes(self) -> tuple[str, ...]:
        return tuple(f"{name}_" for name in self._autoencoder_modules)

    def _fit_networks(self, data, labels, n_classes, monitor):
        self._fit_autoencoder(data, labels, n_classes, monitor)

    def _fit_autoencoder(
        self,
        data: torch.Tensor,
        labels: torch.Tensor,
        n_classes: int,
        monitor: TrainingMonitor,
    ) -> torch.nn.ModuleDict:
        """Train the autoencoder and fit the latent model; return the autoencoder.

        Sets the fitted attributes of the autoencoder's modules.
        """
        autoencoder = self._build_autoencoder(tuple(data.shape[1:]), n_classes)
        autoencoder = autoencoder.to(data.device)
        self._train_autoencoder(autoencoder, data, labels, n_classes, monitor)
        self._fit_latent_model(autoencoder["encoder"], data, labels, n_classes)
        for name, module in autoencoder.items():
            setattr(self, f"{name}_", module)
        return autoencoder

    def _train_autoencoder(
        self,
        autoencoder: torch.nn.ModuleDict,
        data: torch.Tensor,
        labels: torch.Tensor,
        n_classes: int,
        monitor: TrainingMonitor,
    ) -> None:
        optimizer = adam(autoencoder, self.ae_learning_rate, betas=self._adam_betas)
        batch_loss = self._autoencoder_batch_loss(autoencoder, data, labels, n_classes)

        def step(batch):
            loss, logged = batch_loss(batch)
            optimizer_step(optimizer, loss)
            return logged

        autoencoder.train()
        train_stage(
            monitor,
            "autoencoder",
            self.ae_epochs,
            len(data),
            self.batch_size,
            data.device,
            step,
        )

    def _autoencoder_batch_loss(
        self,
        autoencoder: torch.nn.ModuleDict,
        data: torch.Tensor,
        labels: torch.Tensor,
        n_classes: int,
    ) -> BatchLoss:
        """The loss of the mini-batch with the given row indices.

        :meth:`_autoencoder_loss` of the batch's rows; a recipe whose loss
        also draws other rows of ``data`` overrides this.
        """
        return lambda batch: self._autoencoder_loss(
            autoencoder, data[batch], labels[batch]
        )

    @abstractmethod
    def _build_autoencoder(
        self, network_shape: tuple[int, ...], n_classes: int
    ) -> torch.nn.ModuleDict:
        """The untrained modules of :attr:`_autoencoder_modules`, in that order."""

    @abstractmethod
    def _autoencoder_loss(
        self, autoencoder: torch.nn.ModuleDict, x: torch.Tensor, y: torch.Tensor
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """The loss of one autoencoder batch, and the terms to log by name."""

    def _fit_latent_model(
        self,
        encoder: torch.nn.Module,
        data: torch.Tensor,
        labels: torch.Tensor,
        n_classes: int,
    ) -> None:
        """Fit the model latents are drawn from (none by default: N(0, I))."""


class BaseAutoencoderGANSampler(BaseAutoencoderSampler):
    """Base class of the GAN samplers whose networks start as an autoencoder.

    After the autoencoder stage and the latent model
    (:class:`BaseAutoencoderSampler`), ``_fit_networks`` builds the
    discriminator (:meth:`_build_discriminator`) and trains the generator
    against it for ``gan_epochs_`` (:meth:`_resolve_gan_epochs`) passes of
    :meth:`_adversarial_step`, the discriminator seeing its inputs through
    DiffAugment when ``discriminator_augment`` is set.
    """

    _parameter_constraints: dict = {
        **BaseAutoencoderSampler._parameter_constraints,
        **ADVERSARIAL_CONSTRAINTS,
        "discriminator_augment": [StrOptions(DISCRIMINATOR_AUGMENTATIONS), None],
    }

    def __init__(
        self,
        *,
        sampling_strategy,
        random_state,
        image_shape,
        latent_dim,
        batch_size,
        ae_epochs,
        ae_learning_rate,
        gan_epochs,
        gan_learning_rate,
        discriminator_augment,
        device,
        generation_precision,
        verbose,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            image_shape=image_shape,
            latent_dim=latent_dim,
            batch_size=batch_size,
            ae_epochs=ae_epochs,
            ae_learning_rate=ae_learning_rate,
            device=device,
            generation_precision=generation_precision,
            verbose=verbose,
        )
        self.gan_epochs = gan_epochs
        self.gan_learning_rate = gan_learning_rate
        self.discriminator_augment = discriminator_augment

    @property
    def _module_attributes(self) -> tuple[str, ...]:
        return (*super()._module_attributes, "discriminator_")

    def _fit_networks(self, data, labels, n_classes, monitor):
        if self.discriminator_augment is not None and data.dim() != 4:
            raise ValueError(
                f"discriminator_augment={self.discriminator_augment!r} transforms "
                "images, but the rows are tabular (image_shape=None). Pass "
                "image_shape, or discriminator_augment=None."
            )
        autoencoder = self._fit_autoencoder(data, labels, n_classes, monitor)
        self.discriminator_ = self._build_discriminator(
            autoencoder, tuple(data.shape[1:]), n_classes
        ).to(data.device)
        self.gan_epochs_ = self._resolve_gan_epochs(len(data))
        self._train_adversarial(data, labels, n_classes, monitor)

    def _train_adversarial(
        self,
        data: torch.Tensor,
        labels: torch.Tensor,
        n_classes: int,
        monitor: TrainingMonitor,
    ) -> None:
        generator, discriminator = self.generator_, self.discriminator_
        generator_optimizer = adam(
            generator, self.gan_learning_rate, betas=self._adam_betas
        )
        discriminator_optimizer = adam(
            discriminator, self.gan_learning_rate, betas=self._adam_betas
        )
        if self.discriminator_augment is not None:
            discriminator = DiffAugmentDiscriminator(
                discriminator, self.discriminator_augment
            )
        step = self._adversarial_step(
            discriminator,
            data,
            labels,
            n_classes,
            (generator_optimizer, discriminator_optimizer),
        )
        generator.train()
        discriminator.train()
        train_stage(
            monitor,
            "gan",
            self.gan_epochs_,
            len(data),
            self.batch_size,
            data.device,
            step,
        )
        discriminator.requires_grad_(True)

    def _resolve_gan_epochs(self, n_samples: int) -> int:
        """Passes of the adversarial stage over ``n_samples`` rows."""
        return self.gan_epochs

    @abstractmethod
    def _build_discriminator(
        self,
        autoencoder: torch.nn.ModuleDict,
        network_shape: tuple[int, ...],
        n_classes: int,
    ) -> torch.nn.Module:
        """The untrained discriminator of the adversarial stage."""

    @abstractmethod
    def _adversarial_step(
        self,
        discriminator: torch.nn.Module,
        data: torch.Tensor,
        labels: torch.Tensor,
        n_classes: int,
        optimizers: tuple[torch.optim.Optimizer, torch.optim.Optimizer],
    ) -> AdversarialStep:
        """The step of the adversarial stage: batch indices -> logged losses.

        ``discriminator`` is ``discriminator_``, or it behind DiffAugment;
        ``optimizers`` are the generator's and the discriminator's.
        """


class BaseBalancingGANSampler(BaseAutoencoderGANSampler):
    """Base class of BAGAN and SCDL-GAN: a class latent model and a (K+1)-way GAN.

    The latent model is one Gaussian per class of the encoder's codes, or
    SMOTE between each class's codes (``latent_model``); the discriminator
    starts from the encoder's trunk with ``n_classes + 1`` outputs (the last
    one "fake"); the adversarial stage is BAGAN's. New samples of class ``c``
    are ``generator(z)`` with ``z`` drawn from class ``c``'s latent model,
    drawn again while the discriminator calls them another class when
    ``discriminator_filter`` is True.
    """

    _parameter_constraints: dict = {
        **BaseAutoencoderGANSampler._parameter_constraints,
        "latent_model": [StrOptions({"gaussian", "smote"})],
        "covariance_type": [StrOptions({"full", "diag"})],
        "discriminator_filter": ["boolean"],
    }

    def __init__(
        self,
        *,
        sampling_strategy,
        random_state,
        image_shape,
        latent_dim,
        batch_size,
        ae_epochs,
        ae_learning_rate,
        gan_epochs,
        gan_learning_rate,
        discriminator_augment,
        device,
        generation_precision,
        verbose,
        latent_model,
        covariance_type,
        discriminator_filter,
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
        self.latent_model = latent_model
        self.covariance_type = covariance_type
        self.discriminator_filter = discriminator_filter

    def _build_autoencoder(self, network_shape, n_classes):
        """BAGAN's encoder (LeakyReLU 0.3, dropout 0.3) and decoder."""
        return torch.nn.ModuleDict(
            {
                "encoder": build_encoder(
                    network_shape,
                    self.latent_dim,
                    negative_slope=BAGAN_LEAKY_SLOPE,
                    dropout=BAGAN_DROPOUT,
                ),
                "generator": Decoder(network_shape, self.latent_dim),
            }
        )

    def _fit_latent_model(self, encoder, data, labels, n_classes):
        # A refit with the other latent model must not leave the first one's
        # attributes behind.
        for name in (
            "class_latent_means_",
            "class_latent_covariances_",
            "latent_smote_",
        ):
            vars(self).pop(name, None)
        if self.latent_model == "smote":
            self.latent_smote_ = fit_class_smote(
                encoder, data, labels, n_classes, LATENT_SMOTE_NEIGHBORS
            )
            return
        gaussians = fit_class_gaussians(encoder, data, labels, n_classes)
        covariances = gaussians.covariances
        if self.covariance_type == "diag":
            covariances = covariances * np.eye(self.latent_dim)
        self.class_latent_means_ = gaussians.means
        self.class_latent_covariances_ = covariances

    def _build_discriminator(self, autoencoder, network_shape, n_classes):
        return discriminator_from_encoder(autoencoder["encoder"], n_classes)

    def _latent_sampler(
        self, device: torch.device
    ) -> GaussianLatentSampler | SMOTELatentSampler:
        if hasattr(self, "latent_smote_"):
            return SMOTELatentSampler(self.latent_smote_, device)
        gaussians = ClassGaussians(
            self.class_latent_means_, self.class_latent_covariances_
        )
        return GaussianLatentSampler(gaussians, device)

    def _adversarial_step(self, discriminator, data, labels, n_classes, optimizers):
        return balancing_gan_step(
            self.generator_,
            discriminator,
            self._latent_sampler(data.device),
            data,
            labels,
            n_classes,
            *optimizers,
        )

    def _generation_chunk_size(self, device):
        network_batch = super()._generation_chunk_size(device)
        if self.discriminator_filter:
            return max(network_batch, FILTERED_GENERATION_CHUNK)
        return network_batch

    def _generate_network_outputs(self, class_codes, networks):
        return draw_class_consistent(
            networks["generator_"],
            self._latent_sampler(class_codes.device),
            class_codes,
            networks["discriminator_"] if self.discriminator_filter else None,
            batch_size=super()._generation_chunk_size(class_codes.device),
        )
