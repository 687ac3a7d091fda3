"""BAGAN: balancing GAN with an autoencoder-initialised generator."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import torch
import torch.nn.functional as F

from ._autoencoder_gan import BaseBalancingGANSampler
from ._base import document_parameters
from ._networks import BAGAN_DROPOUT, BAGAN_LEAKY_SLOPE, Decoder, build_encoder


@document_parameters
class BAGANSampler(BaseBalancingGANSampler):
    """Oversample with BAGAN, a balancing GAN initialised from an autoencoder.

    Three stages [1]_: an autoencoder is trained on all classes with a mean
    squared reconstruction loss; one Gaussian per class is fitted to the
    encoder's codes; then a GAN whose generator starts as the decoder and
    whose discriminator starts from the encoder's convolutional trunk, with
    ``n_classes + 1`` outputs (every class plus "fake"), is trained with
    balanced fake labels. New samples of class ``c`` are
    ``generator(z)`` with ``z`` drawn from class ``c``'s Gaussian.

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

    discriminator_filter : bool, default=True
        Draw again every generated sample whose largest class output of the
        fitted discriminator is another class than the one asked for, up to
        10 times (then the last draw is kept). This drops samples that look
        like a neighbouring class, such as shirt-like pullovers, at the cost
        of less diverse samples and generation two to three times slower on
        a CPU; see Notes. False keeps every draw, as the reference does. It is
        read when samples are generated, so it can be changed after fitting.

    {device}

    {generation_precision}

    {verbose}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated for each class.
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    encoder_ : torch.nn.Module
        The trained encoder (stage 1), on the CPU.
    generator_ : torch.nn.Module
        The trained generator (initialised from the decoder), on the CPU.
    discriminator_ : torch.nn.Module
        The trained ``n_classes + 1``-way discriminator, on the CPU.
    class_latent_means_ : ndarray of shape (n_classes, latent_dim)
        Mean of each class's encoded training samples.
    class_latent_covariances_ : ndarray of shape (n_classes, latent_dim, latent_dim)
        Ledoit-Wolf shrunk covariance of each class's codes.
    data_layout_ : DataLayout
        Image shape, value range and dtype of the training data.
    history_ : dict
        Per-epoch mean losses, ``history_[stage][loss_name]`` with stages
        ``"autoencoder"`` and ``"gan"``.
    n_features_in_ : int
        Number of features of the training rows.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen in ``fit_resample``, defined only when
        ``X`` has string feature names.

    See Also
    --------
    BAGANGPSampler : BAGAN with a supervised autoencoder and a gradient penalty.
    SCDLGANSampler : BAGAN-style GAN on supervised Wasserstein-autoencoder codes.
    imblearn.over_sampling.SMOTE : Interpolation between neighbours.

    Notes
    -----
    Deviations from the reference implementation [2]_, each made for speed on
    a CPU or for robustness, all measured in ``benchmarks/``:

    * Networks size themselves from the input instead of BAGAN's fixed
      widths: stride-2 convolutions of 64, 128, ... channels halve the image
      until its shorter side is at most 8 (28 -> 14 -> 7), without BAGAN's
      interleaved stride-1 convolutions; MLPs for tabular rows.
    * The decoder's 4x4 stride-2 transposed convolutions, cropped to the
      encoder's sizes (odd image sizes work), have BatchNorm; the reference
      upsamples and convolves (5x5), without BatchNorm.
    * Class covariances are Ledoit-Wolf shrinkage estimates, so classes with
      fewer samples than ``latent_dim`` still get a proper Gaussian; the
      reference's plain ``np.cov`` is singular there.
    * One model is trained for all classes; the paper trains one per
      minority class.
    * Learning rates are higher (the reference uses 5e-5 for 150 epochs on a
      GPU) and the autoencoder and GAN epochs are set separately.
    * Generated samples are checked by the fitted discriminator
      (``discriminator_filter=True``): a sample whose largest class output is
      another class is drawn again. The reference keeps every draw. On
      Fashion-MNIST ``[4000, ..., 40]`` (3 seeds, ``benchmarks/results`` with
      the filter, ``benchmarks/results_bagan_unfiltered`` without it)
      recognisability rose from 0.852 +- 0.003 (one seed at 0.848) to
      0.883 +- 0.004 and SmallCNN's balanced accuracy from 78.3 +- 1.9 to
      79.4 +- 1.4 (within the seed spread), but the samples are less diverse
      (mean per-class Frechet distance to the real test images 660 -> 708)
      and generation is slower (on 2 CPU cores with AMX, in bfloat16:
      about 41,000 -> 21,000 images per second; in float32 10,500 -> 6,500).
      A stricter filter costs more diversity than it removes doubtful
      samples: keeping the more confident half of twice as many filtered
      draws lowered SmallCNN's balanced accuracy from 79.0 to 76.0 (seed 0,
      ``benchmarks/draw_variants.py``). Neither do longer or gentler GAN
      stages help it: ``gan_epochs=60`` gave 78.3 and
      ``gan_learning_rate=2e-4`` 77.1 on that seed (:ref:`samplers`).

    As in the reference: LeakyReLU slope 0.3 and dropout 0.3 in the encoder
    and discriminator, Adam with beta1 = 0.5, one discriminator step per
    generator step, uniform fake labels, Gaussians frozen during the GAN.

    References
    ----------
    .. [1] G. Mariani, F. Scheidegger, R. Istrate, C. Bekas and C. Malossi,
       "BAGAN: Data Augmentation with Balancing GAN", arXiv:1803.09655, 2018.
    .. [2] IBM/BAGAN, commit b57fc15, ``balancing_gan.py``.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from skgan_sampler import BAGANSampler
    >>> X, y = make_classification(n_samples=300, weights=[0.9, 0.1],
    ...                            random_state=0)
    >>> sampler = BAGANSampler(ae_epochs=2, gan_epochs=2, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 268), (1, 268)]
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
            device=device,
            generation_precision=generation_precision,
            verbose=verbose,
        )
        self.covariance_type = covariance_type
        self.discriminator_filter = discriminator_filter

    def _build_autoencoder(self, network_shape, n_classes):
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

    def _autoencoder_loss(self, autoencoder, x, y):
        reconstruction = F.mse_loss(
            autoencoder["generator"](autoencoder["encoder"](x)), x
        )
        return reconstruction, {"reconstruction": reconstruction}
