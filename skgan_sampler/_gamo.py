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

from ._base import SHARED_CONSTRAINTS, BaseGANSampler, document_parameters
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
class GAMOSampler(BaseGANSampler):
    """Oversample with GAMO, generative adversarial minority oversampling.

    A three-player game [1]_: a convex generator G, a classifier M and a
    class-conditional real/fake discriminator D. G is a conditional transient
    mapping unit (cTMU) shared by all classes followed by one instance
    generation unit (IGU) per oversampled class, which outputs softmax
    weights over that class's training samples (its *anchors*) and returns
    their convex combination. G is trained to make M misclassify its samples
    and to fool D, so new samples move towards the periphery of their class
    while staying inside its convex hull; M and D learn from real data and
    from G's samples. New samples of class ``c`` are ``IGU_c(cTMU(z, c))``
    with ``z ~ N(0, I)``.

    This is the reference's flattened variant: convex combinations are taken
    in pixel (or feature) space, so it works for images of any shape and for
    tabular rows alike, and every generated value lies within the range of
    its class's training values.

    Read more in the :ref:`User Guide <gamo>`.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    {image_shape}

    {latent_dim}

    {batch_size}

    {gan_epochs}
        One pass is ``ceil(n_samples / batch_size)`` iterations of the
        game; the reference runs 25,000 iterations of 32 samples, about 89
        passes over its 9,000 training images (see Notes for the default).

    {gan_learning_rate}
        The classifier M uses it too.

    loss : {{"mse", "cross_entropy"}}, default="mse"
        Losses of the game. ``"mse"`` is the reference code's: mean squared
        error between the softmax (M) or sigmoid (D) outputs and the targets,
        with soft discriminator targets ``1 - U(0, 0.1)`` for real and
        ``U(0, 0.1)`` for generated samples, and the generator pushing M's
        output towards ``1 - one_hot(y)`` and D's towards 1.
        ``"cross_entropy"`` uses cross-entropy for M, binary cross-entropy
        for D (same soft targets), ``-log(1 - p_y)`` and the non-saturating
        ``-log D(G(z))`` for G.

    max_anchors : int or None, default=5000
        Largest number of training samples of one class that its IGU
        combines. A larger class uses a random subset of this size (drawn
        from ``random_state``) as its anchors, which bounds memory and time
        (see Notes); its samples still lie in the class's convex hull. None
        uses every sample, as the reference does, and lets memory and time
        grow with the largest oversampled class.

    {device}

    {generation_precision}

    {verbose}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples generated for each class.
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    generator_classes_ : ndarray
        The labels that have an IGU, i.e. that :meth:`generate` accepts: the
        classes ``sampling_strategy_`` asks samples of (every class when it
        asks for none).
    generator_ : torch.nn.Module
        The trained convex generator (cTMU and the IGUs, with the anchors as
        a buffer), on the CPU.
    classifier_ : torch.nn.Module
        The trained classifier M (logits), on the CPU.
    discriminator_ : torch.nn.Module
        The trained conditional discriminator D (one logit), on the CPU.
    anchor_indices_ : dict
        For each label of ``generator_classes_``, the indices of the training
        rows its IGU combines (all of the class's rows unless it has more
        than ``max_anchors``).
    data_layout_ : DataLayout
        Image shape, value range and dtype of the training data.
    history_ : dict
        Per-epoch mean losses, ``history_["gan"][name]`` for the names
        ``"classifier"``, ``"discriminator"`` and ``"generator"``.
    n_features_in_ : int
        Number of features of the training rows.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen in ``fit_resample``, defined only when
        ``X`` has string feature names.

    See Also
    --------
    BAGANSampler : A balancing GAN whose samples are not tied to the data.
    imblearn.over_sampling.SMOTE : Convex combinations of two neighbours.

    Notes
    -----
    **Which classes can be generated.** As in the reference, only the
    classes to oversample get an IGU: those with a positive count in
    ``sampling_strategy_`` (``n_max - n_c`` under ``"auto"``, so not the
    majority). :meth:`generate` raises a ValueError for the others. An IGU
    for a class that needs no samples would not be trained properly: the
    generated batches shown to D draw their labels in proportion to the
    samples each class lacks, so D would never see that class's samples
    (measured on Fashion-MNIST: 4 % of such majority-class samples were
    recognised as their class, against 91 % for the minority classes).
    Leaving it out also keeps the largest class's rows out of the model.
    When no class lacks anything, every class gets an IGU and the labels are
    drawn uniformly.

    **Memory and time.** The IGU of class ``c`` stores a float32 copy of its
    ``n_c`` anchors, ``O(n_c d)`` for ``d`` features (kept in the fitted
    sampler and its pickle; over all oversampled classes at most one copy
    of their training rows), and a ``64 x n_c`` weight matrix, ``O(64 n_c)``
    (four times that during training: weights, gradients and Adam's two
    moments). Each generated sample, and each sample of a training step,
    costs ``O(n_c (64 + d))`` operations; generation works in chunks (256
    samples on a CPU, 4,096 on a GPU), each with a ``chunk x n_c`` weight
    matrix. ``max_anchors`` caps ``n_c`` and so all of these.

    **Default budget.** ``gan_epochs=15`` is 4,230 iterations on
    Fashion-MNIST ``[4000, ..., 40]`` (9,000 images), 17 % of the
    reference's 25,000, to keep ``fit_resample`` within about 5 minutes on a
    2-core CPU: measured 105 s wall on an idle 2-core Intel Xeon (176 s on
    a slower 2-core AMD EPYC), 959 MB peak resident memory, 98 % of the
    generated images of classes 1-9 recognised by a CNN trained on real
    data. Longer training keeps spreading the samples away from their class
    mean; raise ``gan_epochs`` when time allows. The networks are small, so
    intra-op parallelism gains little, and on a loaded machine several torch
    threads were far slower than one.

    Deviations from the reference implementation [2]_:

    * ``gan_epochs`` counts passes over the data instead of mini-batch
      iterations, and the data is reshuffled every pass (the reference
      shuffles once).
    * The two generator steps per class and mini-batch (one against M, one
      against D, each on fresh noise) are one step on the sum of both
      losses, which halves the cost of the dominant part of an iteration.
      They use ``max(2, ceil(batch_size / n_classes))`` samples (reference
      ``ceil(batch_size / n_classes)``) because batch normalisation needs
      two.
    * Each player has its own Adam optimiser; the reference shares one Keras
      Adam object and with it the iteration counter of the bias correction.
    * ``loss="cross_entropy"`` and ``max_anchors`` are additions.
    * Only the flattened (pixel-space) variant is implemented, not the
      convolutional one with its GAMO2pix decoders.
    * The benchmarks draw the imbalanced training sets without replacement;
      the reference's ``randint`` draws with replacement (duplicate images).

    As in the reference: latent size 100, batch 32, Adam(2e-4, beta1 = 0.5),
    cTMU ``Dense 256 ReLU, BN, Dense 64 ReLU, BN`` (Keras BN momentum 0.9,
    eps 1e-3), M and D ``Dense 256, 128`` with LeakyReLU 0.1, glorot-uniform
    initialisation, generated batches for M and D drawn with the cTMU in
    inference mode, M and D frozen during the generator steps.

    References
    ----------
    .. [1] S. S. Mullick, S. Datta and S. Das, "Generative Adversarial
       Minority Oversampling", ICCV 2019, arXiv:1903.09730.
    .. [2] SankhaSubhra/GAMO, ``dense_gamo_main.py`` and ``dense_net.py``.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from skgan_sampler import GAMOSampler
    >>> X, y = make_classification(n_samples=300, weights=[0.9, 0.1],
    ...                            random_state=0)
    >>> sampler = GAMOSampler(gan_epochs=2, random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 268), (1, 268)]
    >>> new = sampler.generate([1, 1, 1])
    >>> new.shape
    (3, 20)
    >>> minority = X[y == 1]
    >>> bool(((new >= minority.min(0)) & (new <= minority.max(0))).all())
    True
    """

    _parameter_constraints: dict = {
        **SHARED_CONSTRAINTS,
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
            gan_epochs=gan_epochs,
            gan_learning_rate=gan_learning_rate,
            device=device,
            generation_precision=generation_precision,
            verbose=verbose,
        )
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
        noise = torch.randn(
            len(class_codes), self.latent_dim, device=class_codes.device
        )
        rows = networks["generator_"](noise, class_codes)
        return rows.reshape(len(class_codes), *self.data_layout_.network_shape)
