"""SmallCNN: the small torch CNN of the SCDL-GAN report as a scikit-learn classifier."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)
from torch import nn

from ._augmentation import AUGMENTATIONS, augment_batch
from ._layout import resolve_image_shape, split_array_shape
from ._losses import effective_number_weights
from ._training import (
    BATCH_SIZE_CONSTRAINTS,
    DEVICE_CONSTRAINTS,
    TrainingMonitor,
    draw_seed,
    in_batches,
    modules_to_cpu,
    optimizer_step,
    resolve_device,
    torch_random_stream,
    train_stage,
)

PREDICTION_CHUNK = 2048
LR_SCHEDULES = {"constant", "cosine", "one_cycle"}


def build_small_cnn(
    image_shape: tuple[int, int, int] | None, n_features: int, n_classes: int
) -> nn.Sequential:
    """The SCDL-GAN report's CNN, or its dense part for tabular rows.

    Images smaller than 6 pixels a side get padded convolutions so the two
    3x3 convolutions and the pooling still fit.
    """
    if image_shape is None:
        return nn.Sequential(
            nn.BatchNorm1d(n_features),
            nn.Linear(n_features, 1024),
            nn.ReLU(),
            nn.Linear(1024, 128),
            nn.ReLU(),
            nn.Linear(128, n_classes),
        )
    height, width, channels = image_shape
    padding = 1 if min(height, width) < 6 else 0
    trunk = nn.Sequential(
        nn.BatchNorm2d(channels),
        nn.ReLU(),
        nn.Conv2d(channels, 64, 3, padding=padding),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.Conv2d(64, 32, 3, padding=padding),
        nn.MaxPool2d(2, ceil_mode=True),
        nn.Flatten(),
    )
    with torch.no_grad():
        n_trunk_features = trunk.eval()(torch.zeros(1, channels, height, width)).shape[
            1
        ]
    return nn.Sequential(
        *trunk,
        nn.Linear(n_trunk_features, 1024),
        nn.ReLU(),
        nn.Linear(1024, 128),
        nn.ReLU(),
        nn.Linear(128, n_classes),
    )


def _lr_scheduler(
    optimizer: torch.optim.Optimizer, schedule: str, n_steps: int
) -> torch.optim.lr_scheduler.LRScheduler:
    """The learning-rate schedule ``schedule`` over ``n_steps`` steps."""
    if schedule == "one_cycle":
        max_lr = optimizer.param_groups[0]["lr"]
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=max_lr, total_steps=n_steps
        )
    if schedule == "cosine":
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: 0.5 * (1.0 + math.cos(math.pi * step / n_steps))
        )
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)


class _TrainingLoss:
    """SmallCNN's training loss for a batch's logits, targets and row weights.

    Cross-entropy with ``class_weight``; with ``logit_adjustment`` tau the
    logits get ``tau * log(prior)`` first; with ``deferred_reweighting`` the
    class weights become the effective-number weights once that share of
    the steps is done.
    """

    def __init__(self, estimator: SmallCNN, y, y_codes, device: torch.device):
        def tensor(values):
            return torch.as_tensor(values, dtype=torch.float32, device=device)

        counts = np.bincount(y_codes, minlength=len(estimator.classes_))
        self.class_weights = None
        if estimator.class_weight is not None:
            self.class_weights = tensor(
                compute_class_weight(
                    estimator.class_weight, classes=estimator.classes_, y=y
                )
            )
        self.logit_offsets = None
        if estimator.logit_adjustment > 0:
            prior = counts / counts.sum()
            self.logit_offsets = tensor(estimator.logit_adjustment * np.log(prior))
        self.deferred_from = estimator.deferred_reweighting
        self.deferred_weights = None
        if self.deferred_from is not None:
            self.deferred_weights = tensor(
                effective_number_weights(counts, estimator.effective_number_beta)
            )

    def __call__(self, logits, targets, row_weights, progress: float):
        """The loss; ``progress`` is the share of the training steps done."""
        if self.logit_offsets is not None:
            logits = logits + self.logit_offsets
        class_weights = self.class_weights
        if self.deferred_from is not None and progress >= self.deferred_from:
            class_weights = self.deferred_weights
        if row_weights is None:
            return F.cross_entropy(logits, targets, class_weights)
        per_row = F.cross_entropy(logits, targets, reduction="none")
        if class_weights is not None:
            row_weights = row_weights * class_weights[targets]
        # A batch of zero-weight rows contributes nothing, not NaN.
        return (row_weights * per_row).sum() / row_weights.sum().clamp_min(1e-12)


class SmallCNN(ClassifierMixin, BaseEstimator):
    """A small convolutional network classifier (torch) with a scikit-learn API.

    The architecture of the SCDL-GAN course report: ``BatchNorm2d(C) -> ReLU
    -> Conv2d(C, 64, 3) -> BatchNorm2d(64) -> ReLU -> Conv2d(64, 32, 3) ->
    MaxPool2d(2) -> Flatten -> Linear(1024) -> ReLU -> Linear(128) -> ReLU ->
    Linear(n_classes)``, 4,871,340 parameters for 28x28 grey images and 10
    classes. Trained with Adam and a cross-entropy loss on shuffled
    mini-batches. It is the downstream classifier of the package's
    benchmarks and the natural last step after a GAN sampler in an
    :class:`imblearn.pipeline.Pipeline`.

    Parameters
    ----------
    image_shape : tuple of int or None, default=None
        Shape of one image, ``(height, width)`` or ``(height, width,
        channels)``, channels-last; rows of ``X`` are such images flattened in
        C order. None means tabular rows, for which the convolutional trunk is
        left out. 3-D/4-D image arrays are accepted and read channels-last.
    epochs : int, default=10
        Passes over the training data.
    batch_size : int, default=128
        Mini-batch size, at least 2.
    learning_rate : float, default=1e-3
        Adam learning rate.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, the scikit-learn convention:
        "balanced" weighs classes inversely to their frequency, the
        cost-sensitive alternative to resampling.
    n_steps : int or None, default=None
        Number of gradient steps; when set it replaces ``epochs``, so that
        training sets of different sizes (imbalanced or resampled) get the
        same budget. The last pass over the data may be partial.
    lr_schedule : {{"constant", "cosine", "one_cycle"}}, default="constant"
        Learning rate over the steps: constant; cosine decay from
        ``learning_rate`` to zero; or one cycle (warm-up to
        ``learning_rate`` in the first 30% of the steps, then annealing to
        zero, torch's ``OneCycleLR``).
    logit_adjustment : float, default=0.0
        The ``tau`` of the logit-adjusted loss (Menon et al., ICLR 2021):
        ``tau * log(prior)`` is added to the logits in the training loss,
        with the prior the class frequencies of the training labels;
        predictions use the plain logits. 0 is plain cross-entropy, 1 the
        paper's choice.
    deferred_reweighting : float or None, default=None
        Deferred re-weighting (DRW, Cao et al., NeurIPS 2019): from this
        fraction of the training steps on, the loss weighs classes by
        their effective number of samples, ``(1 - beta) / (1 - beta **
        n_c)``; before it, ``class_weight`` applies. The paper switches at
        160 of 200 epochs (0.8). None never switches.
    effective_number_beta : float, default=0.9999
        The ``beta`` of the effective number of samples of deferred
        re-weighting.
    augment : {{"shift", "shift_flip"}} or None, default=None
        Augment every training batch (real and synthetic rows alike, never
        at prediction): ``"shift"`` translates each image by up to
        ``max_shift`` pixels (zero padding and a random crop);
        ``"shift_flip"`` also mirrors half of them left-right. A flip keeps
        the label of clothes, natural images and cells, not of digits or
        text. Images only.
    max_shift : int, default=2
        Largest translation of ``augment``, in pixels.
    device : str or torch.device, default="auto"
        Where to train and predict: ``"auto"``, ``"cpu"``, ``"cuda"``,
        ``"cuda:<index>"``, ``"mps"`` or a :class:`torch.device` of those
        types; a GPU the machine does not have warns and uses the CPU.
    random_state : int, RandomState instance or None, default=None
        Seed of weight initialisation and mini-batch order.
    verbose : bool or int, default=False
        0 shows nothing; 1 a progress bar counting mini-batches with the last
        epoch's mean loss; 2 also prints every epoch's mean loss.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    module_ : torch.nn.Module
        The trained network, on the CPU in evaluation mode.
    loss_curve_ : list of float
        Mean training loss of each epoch.
    last_layer_loss_curve_ : list of float
        Mean loss of each epoch of :meth:`retrain_last_layer`, defined only
        after it ran.
    n_steps_ : int
        Gradient steps made.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, defined only when ``X`` has string
        feature names.

    See Also
    --------
    BAGANSampler : A GAN oversampler to put in front of it in a pipeline.
    skgan_sampler.preprocessing.make_float_pipeline : Such a pipeline for
        imbalanced-learn's samplers, with a cast to float first.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from skgan_sampler import SmallCNN
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = SmallCNN(image_shape=(8, 8), epochs=2, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> cnn = SmallCNN(image_shape=(28, 28), epochs=1, random_state=0)
    >>> cnn.fit(np.zeros((4, 784)), np.arange(4) % 10).classes_
    array([0, 1, 2, 3])
    """

    _parameter_constraints: dict = {
        "image_shape": [tuple, None],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": BATCH_SIZE_CONSTRAINTS,
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "n_steps": [Interval(Integral, 1, None, closed="left"), None],
        "lr_schedule": [StrOptions(LR_SCHEDULES)],
        "logit_adjustment": [Interval(Real, 0, None, closed="left")],
        "deferred_reweighting": [Interval(Real, 0, 1, closed="both"), None],
        "effective_number_beta": [Interval(Real, 0, 1, closed="left")],
        "augment": [StrOptions(AUGMENTATIONS), None],
        "max_shift": [Interval(Integral, 0, None, closed="left")],
        "device": DEVICE_CONSTRAINTS,
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        image_shape=None,
        epochs=10,
        batch_size=128,
        learning_rate=1e-3,
        class_weight=None,
        n_steps=None,
        lr_schedule="constant",
        logit_adjustment=0.0,
        deferred_reweighting=None,
        effective_number_beta=0.9999,
        augment=None,
        max_shift=2,
        device="auto",
        random_state=None,
        verbose=False,
    ):
        self.image_shape = image_shape
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.class_weight = class_weight
        self.n_steps = n_steps
        self.lr_schedule = lr_schedule
        self.logit_adjustment = logit_adjustment
        self.deferred_reweighting = deferred_reweighting
        self.effective_number_beta = effective_number_beta
        self.augment = augment
        self.max_shift = max_shift
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows (or a 3-D/4-D image array).
        y : array-like of shape (n_samples,)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row in the loss (a weighted mean over each
            mini-batch), multiplied by its class's weight. None weighs rows
            equally.

        Returns
        -------
        self : SmallCNN
            The fitted classifier.
        """
        self._validate_params()
        X_rows, array_shape = split_array_shape(X)
        X_rows, y = validate_data(self, X_rows, y, dtype=np.float32)
        check_classification_targets(y)
        self.classes_, y_codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                "SmallCNN needs samples of at least 2 classes to train; y has "
                f"only 1 class: {self.classes_.tolist()}."
            )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X_rows, ensure_non_negative=True
            )
        self._image_shape = resolve_image_shape(
            self.image_shape, array_shape, X_rows.shape[1]
        )
        if self.augment is not None and self._image_shape is None:
            raise ValueError(
                f"augment={self.augment!r} transforms images, but the rows are "
                "tabular (image_shape=None). Pass image_shape, or augment=None."
            )
        device = resolve_device(self.device)
        loss = _TrainingLoss(self, y, y_codes, device)
        monitor = TrainingMonitor(type(self).__name__, self.verbose)
        with torch_random_stream(draw_seed(self.random_state), device):
            module = build_small_cnn(
                self._image_shape, X_rows.shape[1], len(self.classes_)
            ).to(device)
            module.train()
            self.n_steps_ = self._train(
                module,
                self._to_network(X_rows, device),
                y_codes,
                sample_weight,
                loss,
                monitor,
                "training",
                augment=self.augment,
            )
        modules_to_cpu(module)
        self.module_ = module
        self.loss_curve_ = monitor.history_as_dict()["training"]["classification"]
        # A refit network has not had its last layer re-trained.
        self.__dict__.pop("last_layer_loss_curve_", None)
        return self

    def retrain_last_layer(self, X, y, sample_weight=None):
        """Train the last layer again on new rows, keeping the learned features.

        The classifier re-training of decoupled learning (Kang et al., ICLR
        2020): the final linear layer is initialised again and trained on
        ``X, y`` while every other layer stays as :meth:`fit` left it. The
        budget (``n_steps`` or ``epochs``), batch size, learning rate, schedule
        and loss (class weights, logit adjustment, deferred re-weighting, with
        the class frequencies of ``y``) are those of :meth:`fit`. The frozen
        layers' features of each row are computed once, in evaluation mode, so
        ``augment`` does not apply here.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows (or a 3-D/4-D image array) of the features seen in fit.
        y : array-like of shape (n_samples,)
            Labels, each one of ``classes_``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each row in the loss, as in :meth:`fit`.

        Returns
        -------
        self : SmallCNN
            The classifier with its last layer trained again.
        """
        check_is_fitted(self)
        X_rows, _ = split_array_shape(X)
        X_rows, y = validate_data(self, X_rows, y, dtype=np.float32, reset=False)
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if unknown.size:
            raise ValueError(
                f"y has labels {unknown.tolist()} that fit did not see; "
                "retrain_last_layer keeps the classes of fit, "
                f"{self.classes_.tolist()}. Refit with all the classes."
            )
        y_codes = np.searchsorted(self.classes_, y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X_rows, ensure_non_negative=True
            )
        device = resolve_device(self.device)
        loss = _TrainingLoss(self, y, y_codes, device)
        monitor = TrainingMonitor(type(self).__name__, self.verbose)
        module = self.module_.to(device).eval()
        frozen, last_layer = module[:-1], module[-1]
        with torch.no_grad():
            features = in_batches(
                frozen, self._to_network(X_rows, device), PREDICTION_CHUNK
            )
        with torch_random_stream(draw_seed(self.random_state), device):
            last_layer.reset_parameters()
            self._train(
                last_layer,
                features,
                y_codes,
                sample_weight,
                loss,
                monitor,
                "last layer",
            )
        modules_to_cpu(module)
        self.last_layer_loss_curve_ = monitor.history_as_dict()["last layer"][
            "classification"
        ]
        return self

    def _train(
        self,
        network: nn.Module,
        inputs: torch.Tensor,
        y_codes: np.ndarray,
        sample_weight: np.ndarray | None,
        loss: _TrainingLoss,
        monitor: TrainingMonitor,
        stage: str,
        augment: str | None = None,
    ) -> int:
        """Train ``network``'s parameters on ``inputs`` with Adam; the steps made.

        The loop of :meth:`fit` and :meth:`retrain_last_layer`: the budget,
        batch size, learning rate and schedule of the parameters, ``augment``
        applied to each batch when set.
        """
        device = inputs.device
        targets = torch.as_tensor(y_codes, dtype=torch.long, device=device)
        weights = None
        if sample_weight is not None:
            weights = torch.as_tensor(sample_weight, dtype=torch.float32, device=device)
        optimizer = torch.optim.Adam(network.parameters(), lr=self.learning_rate)
        n_steps = self._n_training_steps(len(inputs))
        scheduler = _lr_scheduler(optimizer, self.lr_schedule, n_steps)
        steps_done = 0

        def step(batch):
            nonlocal steps_done
            batch_inputs = inputs[batch]
            if augment is not None:
                batch_inputs = augment_batch(batch_inputs, augment, self.max_shift)
            batch_loss = loss(
                network(batch_inputs),
                targets[batch],
                None if weights is None else weights[batch],
                steps_done / n_steps,
            )
            optimizer_step(optimizer, batch_loss)
            scheduler.step()
            steps_done += 1
            return {"classification": batch_loss}

        train_stage(
            monitor,
            stage,
            self.epochs,
            len(inputs),
            self.batch_size,
            device,
            step,
            n_steps=n_steps,
        )
        return steps_done

    def _n_training_steps(self, n_samples: int) -> int:
        """The steps of the whole training: ``n_steps``, or ``epochs`` passes."""
        if self.n_steps is not None:
            return self.n_steps
        batch_size = min(self.batch_size, n_samples)
        # The trailing batch of one row is dropped (see train_stage).
        batches = n_samples // batch_size + (n_samples % batch_size > 1)
        return self.epochs * batches

    def _to_network(self, X_rows: np.ndarray, device: torch.device) -> torch.Tensor:
        data = torch.as_tensor(np.asarray(X_rows, dtype=np.float32), device=device)
        if self._image_shape is None:
            return data
        height, width, channels = self._image_shape
        return (
            data.reshape(-1, height, width, channels).permute(0, 3, 1, 2).contiguous()
        )

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows (or a 3-D/4-D image array).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class in the order of ``classes_``.
        """
        check_is_fitted(self)
        X_rows, _ = split_array_shape(X)
        X_rows = validate_data(self, X_rows, dtype=np.float32, reset=False)
        device = resolve_device(self.device)
        self.module_.to(device).eval()
        with torch.no_grad():
            logits = in_batches(
                self.module_, self._to_network(X_rows, device), PREDICTION_CHUNK
            )
        modules_to_cpu(self.module_)
        return F.softmax(logits, dim=1).cpu().numpy().astype(np.float64)

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows (or a 3-D/4-D image array).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            The most probable class of each row.
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
