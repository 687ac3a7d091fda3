"""DeepSMOTE: SMOTE in the latent space of an autoencoder trained with a
permutation penalty."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from numbers import Integral, Real

import torch
import torch.nn.functional as F
from sklearn.utils._param_validation import Interval, StrOptions

from ._autoencoder_gan import BaseAutoencoderSampler
from ._base import document_parameters
from ._latent import SMOTELatentSampler, fit_class_smote
from ._losses import permutation_penalty
from ._networks import Decoder, build_encoder
from ._training import class_batch_sampler

# torch's default Adam betas, as in the reference code.
DEEPSMOTE_ADAM_BETAS = (0.9, 0.999)


@document_parameters
class DeepSMOTESampler(BaseAutoencoderSampler):
    """Oversample with DeepSMOTE: SMOTE in an autoencoder's latent space.

    One autoencoder is trained on all classes [1]_ with a mean squared
    reconstruction loss plus a permutation penalty: per mini-batch, a class
    is drawn uniformly, some of its samples are encoded, their codes are
    decoded in shifted order and compared with the samples, so that the
    decoder learns to turn a code into another sample of its class. After
    training, SMOTE runs within each class of the encoded training samples:
    a new code of class ``c`` lies at a uniform random point of the segment
    between a code of ``c`` and one of its ``k_neighbors`` nearest codes of
    ``c``. The decoder turns the new codes into samples. There is no
    adversarial stage.

    Read more in the :ref:`User Guide <deepsmote>`.

    Parameters
    ----------
    {sampling_strategy}
    {random_state}
    {image_shape}
    {latent_dim}
    {batch_size}
    {ae_epochs}
    {ae_learning_rate}
    k_neighbors : int, default=5
        Number of nearest codes of the same class that SMOTE interpolates
        towards. A class with ``k_neighbors`` samples or fewer uses all its
        other samples; the new samples of a class with a single sample are
        copies of that sample's reconstruction.
    penalty : {{"permuted", "reference"}}, default="permuted"
        ``"permuted"``, the paper's penalty: the shifted codes are compared
        with the samples in their own order, and the encoder learns from it
        too. ``"reference"``, the reference code's: it shifts the samples as
        well, which makes the penalty a reconstruction loss on one class's
        samples that trains the decoder only.
    penalty_weight : float, default=1.0
        Weight of the penalty in the loss (1 in the paper); 0 turns it off
        and skips its passes.
    {device}
    {generation_precision}
    {verbose}

    Attributes
    ----------
    {classes_attributes}
    encoder_ : torch.nn.Module
        The trained encoder, on the CPU.
    decoder_ : torch.nn.Module
        The trained decoder, which turns latent codes into samples, on the
        CPU.
    latent_smote_ : ClassSMOTE
        The latent SMOTE model: ``codes``, the encoder's codes of the
        training samples grouped by class; ``class_starts``, where each
        class's codes start in ``codes``; ``neighbors``, the rows of each
        code's nearest codes of its class (-1 pads the classes with
        ``k_neighbors`` samples or fewer).
    history_ : dict
        Per-epoch mean losses, ``history_["autoencoder"][name]`` for
        ``"reconstruction"`` and, unless ``penalty_weight=0``, ``"penalty"``
        (unweighted).
    {input_attributes}

    See Also
    --------
    BAGANSampler : An autoencoder too, then per-class Gaussians and a GAN.
    imblearn.over_sampling.SMOTE : The same interpolation in feature space.

    Notes
    -----
    Unlike the reference implementation [2]_, the networks size themselves
    from the input, the training budget and learning rate suit a CPU, the
    last epoch's networks are kept rather than those of the epoch with the
    lowest loss, the counts come from ``sampling_strategy`` and classes
    with few samples use fewer neighbours; see :ref:`deviations`.

    References
    ----------
    .. [1] D. Dablain, B. Krawczyk and N. V. Chawla, "DeepSMOTE: Fusing Deep
       Learning and SMOTE for Imbalanced Data", IEEE Transactions on Neural
       Networks and Learning Systems, 2022 (arXiv:2105.02340).
    .. [2] dd1github/DeepSMOTE, commit 13b0063, ``DeepSMOTE_MNIST.py`` and
       ``GenerateSamples.py``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from skgan_sampler import DeepSMOTESampler
    >>> X, y = make_classification(n_samples=300, weights=[0.9, 0.1],
    ...                            random_state=0)
    >>> sampler = DeepSMOTESampler(ae_epochs=2, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [268, 268]
    >>> sampler.generate([1, 1, 0]).shape
    (3, 20)
    """

    _parameter_constraints: dict = {
        **BaseAutoencoderSampler._parameter_constraints,
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "penalty": [StrOptions({"permuted", "reference"})],
        "penalty_weight": [Interval(Real, 0, None, closed="left")],
    }
    _autoencoder_modules = ("encoder", "decoder")
    _adam_betas = DEEPSMOTE_ADAM_BETAS

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        image_shape=None,
        latent_dim=64,
        batch_size=100,
        ae_epochs=20,
        ae_learning_rate=1e-3,
        k_neighbors=5,
        penalty="permuted",
        penalty_weight=1.0,
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
            device=device,
            generation_precision=generation_precision,
            verbose=verbose,
        )
        self.k_neighbors = k_neighbors
        self.penalty = penalty
        self.penalty_weight = penalty_weight

    def _build_autoencoder(self, network_shape, n_classes):
        return torch.nn.ModuleDict(
            {
                "encoder": build_encoder(network_shape, self.latent_dim),
                "decoder": Decoder(network_shape, self.latent_dim),
            }
        )

    def _autoencoder_loss(self, autoencoder, x, y):
        reconstruction = F.mse_loss(
            autoencoder["decoder"](autoencoder["encoder"](x)), x
        )
        return reconstruction, {"reconstruction": reconstruction}

    def _autoencoder_batch_loss(self, autoencoder, data, labels, n_classes):
        batch_loss = super()._autoencoder_batch_loss(
            autoencoder, data, labels, n_classes
        )
        if self.penalty_weight == 0:
            return batch_loss
        # The paper draws the penalty's samples from one class of the whole
        # training set, not from the mini-batch, where rare classes are absent.
        draw_class_batch = class_batch_sampler(labels, n_classes, self.batch_size)

        def loss(batch):
            reconstruction, logged = batch_loss(batch)
            penalty = permutation_penalty(
                autoencoder["encoder"],
                autoencoder["decoder"],
                data[draw_class_batch()],
                reference=self.penalty == "reference",
            )
            total = reconstruction + self.penalty_weight * penalty
            return total, {**logged, "penalty": penalty}

        return loss

    def _fit_latent_model(self, encoder, data, labels, n_classes):
        self.latent_smote_ = fit_class_smote(
            encoder, data, labels, n_classes, self.k_neighbors
        )

    def _generate_network_outputs(self, class_codes, networks):
        latent_sampler = SMOTELatentSampler(self.latent_smote_, class_codes.device)
        return networks["decoder_"](latent_sampler(class_codes))
