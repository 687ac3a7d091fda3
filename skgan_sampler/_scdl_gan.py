"""SCDL-GAN: supervised Wasserstein-autoencoder class distributions + BAGAN's GAN.

With ``supervised_weight=0`` the same recipe is the WAE-GAN baseline.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import math
from numbers import Real

import torch
import torch.nn.functional as F
from sklearn.utils._param_validation import Interval

from ._autoencoder_gan import BaseBalancingGANSampler
from ._base import document_parameters
from ._losses import imq_mmd
from ._networks import (
    classifier_discriminator,
)


@document_parameters
class SCDLGANSampler(BaseBalancingGANSampler):
    """Oversample with SCDL-GAN: supervised WAE class distributions + a GAN.

    Stage 1 [1]_ trains a Wasserstein autoencoder [2]_ whose codes also feed
    a linear classifier, so that the classes separate in the latent space;
    stage 2 fits one Gaussian per class to the codes and runs BAGAN's
    adversarial stage (:class:`BAGANSampler`), the discriminator's class
    outputs started from that classifier. ``supervised_weight=0`` gives the
    WAE-GAN baseline.

    Read more in the :ref:`User Guide <scdl_gan>`.

    Parameters
    ----------
    {sampling_strategy}
    {random_state}
    {image_shape}
    {latent_dim}
    {batch_size}
    {ae_epochs}
    {ae_learning_rate}
    {gan_epochs}
    {gan_learning_rate}
    {discriminator_augment}
    mmd_weight : float, default=1.0
        Weight of the MMD between a mini-batch's codes and as many prior
        samples (the WAE's lambda); 0 gives a plain autoencoder.
    supervised_weight : float, default=1.0
        Weight of the latent classifier's cross-entropy (lambda 2). 0 gives
        WAE-GAN, whose classifier only probes the detached codes.
    prior_variance : float, default=1.0
        Variance of the isotropic Gaussian prior of the WAE; also sets the
        scales of the inverse multiquadratics kernel of the MMD.
    {latent_model}
    {covariance_type}
    {discriminator_filter}
    {device}
    {generation_precision}
    {verbose}

    Attributes
    ----------
    {classes_attributes}
    encoder_ : torch.nn.Module
        The trained encoder (stage 1), on the CPU.
    latent_classifier_ : torch.nn.Linear
        The linear classifier on the latent codes (stage 1), on the CPU.
    generator_ : torch.nn.Module
        The trained generator (initialised from the decoder), on the CPU.
    discriminator_ : torch.nn.Module
        The trained ``n_classes + 1``-way discriminator, on the CPU.
    {latent_model_attributes}
    gan_epochs_ : int
        Passes over the data made by the adversarial stage.
    history_ : dict
        Per-epoch mean losses, ``history_[stage][loss_name]``: ``"reconstruction"``,
        ``"mmd"`` and ``"cross_entropy"`` for ``"autoencoder"``, ``"discriminator"``
        and ``"generator"`` for ``"gan"``.
    {input_attributes}

    See Also
    --------
    BAGANSampler : The same GAN stage on a plain autoencoder's codes.
    BAGANGPSampler : BAGAN with a supervised autoencoder and a gradient penalty.

    Notes
    -----
    With no reference implementation and only the abstract of [1]_, the loss,
    the per-batch MMD, the defaults and the classifier-initialised
    discriminator are this package's choices; see :ref:`deviations`.

    References
    ----------
    .. [1] Z. Cai, X. Wang, M. Zhou, J. Xu and L. Jing, "Supervised Class
       Distribution Learning for GANs-Based Imbalanced Classification",
       IEEE International Conference on Data Mining (ICDM), pp. 41-50, 2019.
    .. [2] I. Tolstikhin, O. Bousquet, S. Gelly and B. Schoelkopf,
       "Wasserstein Auto-Encoders", ICLR 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skgan_sampler import SCDLGANSampler
    >>> X, y = make_classification(n_samples=300, weights=[0.9, 0.1],
    ...                            random_state=0)
    >>> sampler = SCDLGANSampler(ae_epochs=2, gan_epochs=2, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [268, 268]
    """

    _parameter_constraints: dict = {
        **BaseBalancingGANSampler._parameter_constraints,
        "mmd_weight": [Interval(Real, 0, None, closed="left")],
        "supervised_weight": [Interval(Real, 0, None, closed="left")],
        "prior_variance": [Interval(Real, 0, None, closed="neither")],
    }
    _autoencoder_modules = ("encoder", "generator", "latent_classifier")

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        image_shape=None,
        latent_dim=32,
        batch_size=128,
        ae_epochs=10,
        ae_learning_rate=1e-3,
        gan_epochs=30,
        gan_learning_rate=2e-4,
        discriminator_augment=None,
        mmd_weight=1.0,
        supervised_weight=1.0,
        prior_variance=1.0,
        latent_model="gaussian",
        covariance_type="full",
        discriminator_filter=False,
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
            latent_model=latent_model,
            covariance_type=covariance_type,
            discriminator_filter=discriminator_filter,
        )
        self.mmd_weight = mmd_weight
        self.supervised_weight = supervised_weight
        self.prior_variance = prior_variance

    def _build_autoencoder(self, network_shape, n_classes):
        autoencoder = super()._build_autoencoder(network_shape, n_classes)
        autoencoder["latent_classifier"] = torch.nn.Linear(self.latent_dim, n_classes)
        return autoencoder

    def _autoencoder_loss(self, autoencoder, x, y):
        codes = autoencoder["encoder"](x)
        reconstruction = F.mse_loss(autoencoder["generator"](codes), x)
        prior_std = math.sqrt(self.prior_variance)
        mmd = imq_mmd(codes, prior_std * torch.randn_like(codes), self.prior_variance)
        # Without the supervised term the classifier only probes the codes:
        # detached, it cannot shape them.
        supervised = self.supervised_weight > 0
        cross_entropy = F.cross_entropy(
            autoencoder["latent_classifier"](codes if supervised else codes.detach()),
            y,
        )
        loss = (
            reconstruction
            + self.mmd_weight * mmd
            + (self.supervised_weight if supervised else 1.0) * cross_entropy
        )
        return loss, {
            "reconstruction": reconstruction,
            "mmd": mmd,
            "cross_entropy": cross_entropy,
        }

    def _build_discriminator(self, autoencoder, network_shape, n_classes):
        if self.supervised_weight > 0:
            return classifier_discriminator(
                autoencoder["encoder"], autoencoder["latent_classifier"], n_classes
            )
        return super()._build_discriminator(autoencoder, network_shape, n_classes)
