"""BAGAN: balancing GAN with an autoencoder-initialised generator."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import torch.nn.functional as F

from ._autoencoder_gan import BaseBalancingGANSampler
from ._base import document_parameters


@document_parameters
class BAGANSampler(BaseBalancingGANSampler):
    """Oversample with BAGAN, a balancing GAN initialised from an autoencoder.

    Three stages [1]_: an autoencoder is trained on all classes with a mean
    squared reconstruction loss; one Gaussian per class is fitted to the
    encoder's codes; then a GAN whose generator starts as the decoder and
    whose discriminator starts from the encoder's trunk, with ``n_classes +
    1`` outputs (every class plus "fake"), is trained with balanced fake
    labels. New samples of class ``c`` are ``generator(z)`` with ``z`` drawn
    from class ``c``'s Gaussian.

    Read more in the :ref:`User Guide <bagan>`.

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
    generator_ : torch.nn.Module
        The trained generator (initialised from the decoder), on the CPU.
    discriminator_ : torch.nn.Module
        The trained ``n_classes + 1``-way discriminator, on the CPU.
    {latent_model_attributes}
    gan_epochs_ : int
        Passes over the data made by the adversarial stage.
    history_ : dict
        Per-epoch mean losses, ``history_[stage][loss_name]``: ``"reconstruction"``
        for ``"autoencoder"``, ``"discriminator"`` and ``"generator"`` for ``"gan"``.
    {input_attributes}

    See Also
    --------
    BAGANGPSampler : BAGAN with a supervised autoencoder and a gradient penalty.
    SCDLGANSampler : BAGAN-style GAN on supervised Wasserstein-autoencoder codes.
    imblearn.over_sampling.SMOTE : Interpolation between neighbours.

    Notes
    -----
    Unlike the reference implementation [2]_, the networks size themselves
    from the input, class covariances are Ledoit-Wolf shrinkage estimates,
    one model serves all classes, the budget suits a CPU and the fitted
    discriminator filters the samples by default; see :ref:`deviations`.

    References
    ----------
    .. [1] G. Mariani, F. Scheidegger, R. Istrate, C. Bekas and C. Malossi,
       "BAGAN: Data Augmentation with Balancing GAN", arXiv:1803.09655, 2018.
    .. [2] IBM/BAGAN, commit b57fc15, ``balancing_gan.py``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skgan_sampler import BAGANSampler
    >>> X, y = make_classification(n_samples=300, weights=[0.9, 0.1],
    ...                            random_state=0)
    >>> sampler = BAGANSampler(ae_epochs=2, gan_epochs=2, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [268, 268]
    >>> sampler.generate([1, 1, 0]).shape
    (3, 20)
    """

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
        gan_epochs=20,
        gan_learning_rate=5e-4,
        discriminator_augment=None,
        latent_model="gaussian",
        covariance_type="full",
        discriminator_filter=True,
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

    def _autoencoder_loss(self, autoencoder, x, y):
        reconstruction = F.mse_loss(
            autoencoder["generator"](autoencoder["encoder"](x)), x
        )
        return reconstruction, {"reconstruction": reconstruction}
