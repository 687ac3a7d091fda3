"""GAMO: generative adversarial minority oversampling with a convex generator."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import math
from numbers import Integral

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn

from ._base import (
    ADVERSARIAL_CONSTRAINTS,
    SHARED_CONSTRAINTS,
    BaseDeepOverSampler,
    document_parameters,
)
from ._networks import ConvexGenerator, LabelConcatDiscriminator, gamo_player_mlp
from ._training import TrainingMonitor, adam, optimizer_step, train_stage

SOFT_LABEL_NOISE = 0.1


class GAMOLosses:
    """The losses of the three players, on logits.

    ``"mse"`` is the reference code's choice: mean squared error between
    softmax / sigmoid outputs and (soft) targets; the generator pushes the
    classifier's output towards ``1 - one_hot(y)``. ``"cross_entropy"`` uses
    the log-likelihood counterparts: cross-entropy for the classifier, binary
    cross-entropy for the discriminator, ``-log(1 - p_y)`` and
    ``-log D(G(z))`` (non-saturating) for the generator.
    """

    def __init__(self, kind: str) -> None:
        self.mse = kind == "mse"

    def classifier(self, logits, class_codes):
        if self.mse:
            one_hot = F.one_hot(class_codes, logits.shape[1]).to(logits.dtype)
            return F.mse_loss(torch.softmax(logits, dim=1), one_hot)
        return F.cross_entropy(logits, class_codes)

    def discriminator(self, logits, targets):
        if self.mse:
            return F.mse_loss(torch.sigmoid(logits), targets)
        return F.binary_cross_entropy_with_logits(logits, targets)

    def generator_vs_classifier(self, logits, class_codes):
        one_hot = F.one_hot(class_codes, logits.shape[1]).to(logits.dtype)
        if self.mse:
            return F.mse_loss(torch.softmax(logits, dim=1), 1.0 - one_hot)
        # log(1 - p_y) = logsumexp over the other classes - logsumexp over all.
        others = logits.masked_fill(one_hot.bool(), -torch.inf)
        return (torch.logsumexp(logits, dim=1) - torch.logsumexp(others, dim=1)).mean()

    def generator_vs_discriminator(self, logits):
        return self.discriminator(logits, torch.ones_like(logits))


def train_gamo(
    generator: ConvexGenerator,
    classifier: nn.Module,
    discriminator: LabelConcatDiscriminator,
    data: torch.Tensor,
    labels: torch.Tensor,
    fake_class_weights: torch.Tensor,
    *,
    losses: GAMOLosses,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    monitor: TrainingMonitor,
) -> None:
    """The three-player game of the reference code, one pass per epoch.

    Per real mini-batch of size B: the classifier M and the discriminator D
    each take a step on the real batch (D's targets ``1 - U(0, 0.1)``), then
    one on B generated samples (drawn with the generator in inference mode,
    labels drawn in proportion to ``fake_class_weights``; D's targets
    ``U(0, 0.1)``); then, for every class that has an IGU, one generator
    step on ``max(2, ceil(B / n_classes))`` fresh samples of that class
    against M and D together, with M and D frozen.
    """
    device = data.device
    per_class = max(2, math.ceil(batch_size / generator.n_classes))
    generator_optimizer = adam(generator, learning_rate)
    classifier_optimizer = adam(classifier, learning_rate)
    discriminator_optimizer = adam(discriminator, learning_rate)

    def noise(n):
        return torch.randn(n, generator.latent_dim, device=device)

    def step(batch):
        real, real_labels = data[batch], labels[batch]
        n_real = len(batch)
        classifier.requires_grad_(True)
        discriminator.requires_grad_(True)
        classifier_loss = losses.classifier(classifier(real), real_labels)
        optimizer_step(classifier_optimizer, classifier_loss)
        real_targets = 1.0 - SOFT_LABEL_NOISE * torch.rand(n_real, device=device)
        discriminator_loss = losses.discriminator(
            discriminator(real, real_labels), real_targets
        )
        optimizer_step(discriminator_optimizer, discriminator_loss)

        fake_labels = torch.multinomial(fake_class_weights, n_real, replacement=True)
        generator.eval()
        with torch.no_grad():
            fake = generator(noise(n_real), fake_labels)
        generator.train()
        fake_classifier_loss = losses.classifier(classifier(fake), fake_labels)
        optimizer_step(classifier_optimizer, fake_classifier_loss)
        fake_targets = SOFT_LABEL_NOISE * torch.rand(n_real, device=device)
        fake_discriminator_loss = losses.discriminator(
            discriminator(fake, fake_labels), fake_targets
        )
        optimizer_step(discriminator_optimizer, fake_discriminator_loss)

        classifier.requires_grad_(False)
        discriminator.requires_grad_(False)
        generator_loss = 0.0
        for class_code in generator.class_codes:
            codes = torch.full((per_class,), class_code, device=device)
            generated = generator.sample_class(noise(per_class), class_code)
            class_loss = losses.generator_vs_classifier(
                classifier(generated), codes
            ) + losses.generator_vs_discriminator(discriminator(generated, codes))
            optimizer_step(generator_optimizer, class_loss)
            generator_loss = generator_loss + class_loss.detach()
        return {
            "classifier": (classifier_loss + fake_classifier_loss) / 2,
            "discriminator": (discriminator_loss + fake_discriminator_loss) / 2,
            "generator": generator_loss / len(generator.class_codes),
        }

    generator.train()
    classifier.train()
    discriminator.train()
    train_stage(monitor, "gan", epochs, len(data), batch_size, device, step)
    classifier.requires_grad_(True)
    discriminator.requires_grad_(True)


@document_parameters
class GAMOSampler(BaseDeepOverSampler):
    """Oversample with GAMO, generative adversarial minority oversampling.

    A three-player game [1]_: a convex generator G against a classifier M and
    a class-conditional real/fake discriminator D. G, a conditional transient
    mapping unit (cTMU) followed by one instance generation unit (IGU) per
    oversampled class, outputs convex combinations of a class's training
    samples (its *anchors*) in pixel or feature space. Trained to make M
    misclassify and to fool D, it moves its samples towards the edge of
    their class, inside its convex hull and value range.

    Read more in the :ref:`User Guide <gamo>`.

    Parameters
    ----------
    {sampling_strategy}
    {random_state}
    {image_shape}
    {latent_dim}
    {batch_size}
    {gan_epochs}
        One pass is ``ceil(n_samples / batch_size)`` iterations of the game.
    {gan_learning_rate}
        The classifier M uses it too.
    loss : {{"mse", "cross_entropy"}}, default="mse"
        ``"mse"``, the reference code's: mean squared error between M's
        softmax or D's sigmoid and the targets, soft for D (``1 - U(0, 0.1)``
        real, ``U(0, 0.1)`` generated), G aiming at ``1 - one_hot(y)`` for M
        and 1 for D. ``"cross_entropy"``: the log-likelihood counterparts.
    max_anchors : int or None, default=5000
        Largest number of training samples of one class that its IGU
        combines; a larger class uses a random subset, which bounds memory
        and time. None uses every sample, as the reference does.
    {device}
    {generation_precision}
    {verbose}

    Attributes
    ----------
    {classes_attributes}
    generator_classes_ : ndarray
        The labels that have an IGU, the only ones :meth:`generate` accepts:
        those ``sampling_strategy_`` asks samples of (every class if none).
    generator_ : torch.nn.Module
        The trained convex generator (cTMU, IGUs, anchors as a buffer), on the CPU.
    classifier_ : torch.nn.Module
        The trained classifier M (logits), on the CPU.
    discriminator_ : torch.nn.Module
        The trained conditional discriminator D (one logit), on the CPU.
    anchor_indices_ : dict
        For each label of ``generator_classes_``, the indices of the training
        rows its IGU combines.
    history_ : dict
        Per-epoch mean losses, ``history_["gan"][name]`` for the names
        ``"classifier"``, ``"discriminator"`` and ``"generator"``.
    {input_attributes}

    See Also
    --------
    BAGANSampler : A balancing GAN whose samples are not tied to the data.
    imblearn.over_sampling.SMOTE : Convex combinations of two neighbours.

    Notes
    -----
    Unlike the reference implementation [2]_, ``gan_epochs`` counts passes
    over the data with a default set for a CPU, G's two steps per class are
    one step on both losses, each player has its own Adam optimiser, and
    ``loss="cross_entropy"`` and ``max_anchors`` are additions; see
    :ref:`deviations`.

    References
    ----------
    .. [1] S. S. Mullick, S. Datta and S. Das, "Generative Adversarial
       Minority Oversampling", ICCV 2019, arXiv:1903.09730.
    .. [2] SankhaSubhra/GAMO, ``dense_gamo_main.py`` and ``dense_net.py``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skgan_sampler import GAMOSampler
    >>> X, y = make_classification(n_samples=300, weights=[0.9, 0.1],
    ...                            random_state=0)
    >>> sampler = GAMOSampler(gan_epochs=2, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> new = sampler.generate([1, 1, 1])
    >>> new.shape
    (3, 20)
    >>> minority = X[y == 1]
    >>> bool(((new >= minority.min(0)) & (new <= minority.max(0))).all())
    True
    """

    _parameter_constraints: dict = {
        **SHARED_CONSTRAINTS,
        **ADVERSARIAL_CONSTRAINTS,
        "loss": [StrOptions({"mse", "cross_entropy"})],
        "max_anchors": [Interval(Integral, 1, None, closed="left"), None],
    }
    _module_attributes = ("generator_", "classifier_", "discriminator_")
    _convolutional_generator = False

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        image_shape=None,
        latent_dim=100,
        batch_size=32,
        gan_epochs=15,
        gan_learning_rate=2e-4,
        loss="mse",
        max_anchors=5000,
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
            device=device,
            generation_precision=generation_precision,
            verbose=verbose,
        )
        self.gan_epochs = gan_epochs
        self.gan_learning_rate = gan_learning_rate
        self.loss = loss
        self.max_anchors = max_anchors

    def _fit_networks(self, data, labels, n_classes, monitor):
        device = data.device
        rows = data.flatten(1)
        deficits = np.zeros(n_classes)
        for label, n_samples in self.sampling_strategy_.items():
            deficits[np.searchsorted(self.classes_, label)] = n_samples
        if deficits.sum() == 0:
            deficits[:] = 1.0
        generator_codes = np.flatnonzero(deficits)
        self.generator_classes_ = self.classes_[generator_codes]

        anchors, self.anchor_indices_ = {}, {}
        for class_code in generator_codes.tolist():
            members = torch.nonzero(labels == class_code).squeeze(1)
            if self.max_anchors is not None and len(members) > self.max_anchors:
                subset = torch.randperm(len(members), device=device)
                members = members[subset[: self.max_anchors]].sort().values
            anchors[class_code] = rows[members]
            self.anchor_indices_[self.classes_[class_code]] = members.cpu().numpy()
        self.generator_ = ConvexGenerator(self.latent_dim, n_classes, anchors).to(
            device
        )
        self.classifier_ = gamo_player_mlp(rows.shape[1], n_classes).to(device)
        self.discriminator_ = LabelConcatDiscriminator(rows.shape[1], n_classes).to(
            device
        )
        train_gamo(
            self.generator_,
            self.classifier_,
            self.discriminator_,
            rows,
            labels,
            torch.as_tensor(deficits, dtype=torch.float32, device=device),
            losses=GAMOLosses(self.loss),
            epochs=self.gan_epochs,
            batch_size=self.batch_size,
            learning_rate=self.gan_learning_rate,
            monitor=monitor,
        )

    def _check_labels_can_be_generated(self, labels):
        without_igu = np.setdiff1d(labels, self.generator_classes_)
        if len(without_igu):
            raise ValueError(
                f"GAMOSampler has no generator for classes {without_igu.tolist()}: "
                "it only learns the classes it oversampled, here "
                f"{self.generator_classes_.tolist()}. Include a class in "
                "sampling_strategy to be able to generate it."
            )

    def _generate_network_outputs(self, class_codes, networks):
        generator = networks["generator_"]
        # The fitted latent size: latent_dim may have been set after fitting.
        noise = torch.randn(
            len(class_codes), generator.latent_dim, device=class_codes.device
        )
        rows = generator(noise, class_codes)
        return rows.reshape(len(class_codes), *self.data_layout_.network_shape)
