"""SmallCNN: the small torch CNN of the SCDL-GAN report as a scikit-learn classifier."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from torch import nn

from ._layout import resolve_image_shape, split_array_shape
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
        device="auto",
        random_state=None,
        verbose=False,
    ):
        self.image_shape = image_shape
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.class_weight = class_weight
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X, y):
        """Train the network.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows (or a 3-D/4-D image array).
        y : array-like of shape (n_samples,)
            Target labels.

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
        self._image_shape = resolve_image_shape(
            self.image_shape, array_shape, X_rows.shape[1]
        )
        device = resolve_device(self.device)
        class_weights = None
        if self.class_weight is not None:
            class_weights = torch.as_tensor(
                compute_class_weight(self.class_weight, classes=self.classes_, y=y),
                dtype=torch.float32,
                device=device,
            )
        monitor = TrainingMonitor(type(self).__name__, self.verbose)
        with torch_random_stream(draw_seed(self.random_state), device):
            module = build_small_cnn(
                self._image_shape, X_rows.shape[1], len(self.classes_)
            ).to(device)
            data = self._to_network(X_rows, device)
            targets = torch.as_tensor(y_codes, dtype=torch.long, device=device)
            optimizer = torch.optim.Adam(module.parameters(), lr=self.learning_rate)

            def step(batch):
                loss = F.cross_entropy(
                    module(data[batch]), targets[batch], class_weights
                )
                optimizer_step(optimizer, loss)
                return {"cross_entropy": loss}

            module.train()
            train_stage(
                monitor,
                "training",
                self.epochs,
                len(data),
                self.batch_size,
                device,
                step,
            )
        modules_to_cpu(module)
        self.module_ = module
        self.loss_curve_ = monitor.history_as_dict()["training"]["cross_entropy"]
        return self

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
