"""BAGAN: balancing GAN with an autoencoder-initialised generator."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import copy
import math

import torch
import torch.nn.functional as F

from ._base import (
    AUTOENCODER_CONSTRAINTS,
    SHARED_CONSTRAINTS,
    BaseGANSampler,
    document_parameters,
)
from ._latent import ClassGaussians, GaussianLatentSampler
from ._networks import Decoder, Encoder, build_encoder
from ._training import (
    TrainingMonitor,
    adam,
    in_batches,
    optimizer_step,
    train_stage,
)

LEAKY_SLOPE = 0.3
DROPOUT = 0.3
# Redraws of a sample the discriminator assigns to another class, after
# which the last draw is kept: a class the discriminator never recognises
# must not stall generation. On Fashion-MNIST 8.5% of BAGAN's first draws
# (36% of the shirts) were redrawn, so ten redraws leave a rejected draw
# only when the discriminator's rejection is systematic.
MAX_REDRAWS = 10
# Class codes per generation call with the filter, which redraws the
# rejected samples of all of them together: on a CPU, ten rounds of small
# redraw passes per 256 samples took a third of generation's time.
FILTERED_GENERATION_CHUNK = 4096


def fit_class_gaussians(
    encoder: Encoder, data: torch.Tensor, labels: torch.Tensor, n_classes: int
) -> ClassGaussians:
    """Per-class Gaussians of the codes that ``encoder`` gives ``data``."""
    encoder.eval()
    with torch.no_grad():
        codes = torch.cat([encoder(chunk) for chunk in data.split(1024)])
    encoder.train()
    return ClassGaussians.fit(codes.cpu().numpy(), labels.cpu().numpy(), n_classes)


def discriminator_from_encoder(encoder: Encoder, n_classes: int) -> Encoder:
    """A copy of ``encoder``'s trunk with a fresh ``n_classes + 1``-way head.

    The last output is the "fake" class (BAGAN's discriminator).
    """
    return Encoder(
        copy.deepcopy(encoder.features),
        encoder.n_features,
        torch.nn.Linear(encoder.n_features, n_classes + 1),
    )


def draw_class_consistent(
    generator: torch.nn.Module,
    latent_sampler,
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


def train_balancing_gan(
    generator: torch.nn.Module,
    discriminator: torch.nn.Module,
    latent_sampler,
    data: torch.Tensor,
    labels: torch.Tensor,
    n_classes: int,
    *,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    monitor: TrainingMonitor,
) -> None:
    """BAGAN's adversarial stage, shared with SCDL-GAN.

    The discriminator has ``n_classes + 1`` outputs (the last one is "fake").
    Per real batch of size B: one discriminator step on the batch plus
    ``ceil(B / n_classes)`` fakes labelled "fake", then one generator step
    asking the discriminator to see the intended class in ``B + ceil(B /
    n_classes)`` fakes. Fake labels are drawn uniformly (balanced).
    """
    device = data.device
    fake_class = n_classes
    generator_optimizer = adam(generator, learning_rate)
    discriminator_optimizer = adam(discriminator, learning_rate)

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

    generator.train()
    discriminator.train()
    train_stage(monitor, "gan", epochs, len(data), batch_size, device, step)
    discriminator.requires_grad_(True)


@document_parameters
class BAGANSampler(BaseGANSampler):
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

    _parameter_constraints: dict = {
        **SHARED_CONSTRAINTS,
        **AUTOENCODER_CONSTRAINTS,
        "discriminator_filter": ["boolean"],
    }
    _module_attributes = ("encoder_", "generator_", "discriminator_")

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
            gan_epochs=gan_epochs,
            gan_learning_rate=gan_learning_rate,
            device=device,
            generation_precision=generation_precision,
            verbose=verbose,
        )
        self.ae_epochs = ae_epochs
        self.ae_learning_rate = ae_learning_rate
        self.discriminator_filter = discriminator_filter

    def _fit_networks(self, data, labels, n_classes, monitor):
        network_shape = tuple(data.shape[1:])
        encoder = build_encoder(
            network_shape, self.latent_dim, negative_slope=LEAKY_SLOPE, dropout=DROPOUT
        ).to(data.device)
        decoder = Decoder(network_shape, self.latent_dim).to(data.device)
        autoencoder = torch.nn.Sequential(encoder, decoder)
        optimizer = adam(autoencoder, self.ae_learning_rate)

        def reconstruction_step(batch):
            loss = F.mse_loss(autoencoder(data[batch]), data[batch])
            optimizer_step(optimizer, loss)
            return {"reconstruction": loss}

        autoencoder.train()
        train_stage(
            monitor,
            "autoencoder",
            self.ae_epochs,
            len(data),
            self.batch_size,
            data.device,
            reconstruction_step,
        )

        gaussians = fit_class_gaussians(encoder, data, labels, n_classes)
        self.class_latent_means_ = gaussians.means
        self.class_latent_covariances_ = gaussians.covariances
        self.encoder_ = encoder
        self.generator_ = decoder
        self.discriminator_ = discriminator_from_encoder(encoder, n_classes).to(
            data.device
        )
        train_balancing_gan(
            self.generator_,
            self.discriminator_,
            GaussianLatentSampler(gaussians, data.device),
            data,
            labels,
            n_classes,
            epochs=self.gan_epochs,
            batch_size=self.batch_size,
            learning_rate=self.gan_learning_rate,
            monitor=monitor,
        )

    def _generation_chunk_size(self, device):
        network_batch = super()._generation_chunk_size(device)
        if self.discriminator_filter:
            return max(network_batch, FILTERED_GENERATION_CHUNK)
        return network_batch

    def _generate_network_outputs(self, class_codes, networks):
        gaussians = ClassGaussians(
            self.class_latent_means_, self.class_latent_covariances_
        )
        return draw_class_consistent(
            networks["generator_"],
            GaussianLatentSampler(gaussians, class_codes.device),
            class_codes,
            networks["discriminator_"] if self.discriminator_filter else None,
            batch_size=super()._generation_chunk_size(class_codes.device),
        )
