"""A classifier trained on oversampled data that sets the synthetic rows apart."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from numbers import Real

import numpy as np
from imblearn.over_sampling import RandomOverSampler
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    _num_samples,
    check_is_fitted,
    column_or_1d,
    has_fit_parameter,
)

from ._classifier import SmallCNN

SYNTHETIC_TRAINING = {"joint", "last_layer"}


def _estimator_has(attribute: str):
    def check(self) -> bool:
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attribute)
        return hasattr(self._unfitted_estimator(), attribute)

    return check


def _same_rows(A, B) -> bool:
    """Whether two row containers (arrays, frames, sparse) hold the same values."""
    if sparse.issparse(A) or sparse.issparse(B):
        if not (sparse.issparse(A) and sparse.issparse(B)) or A.shape != B.shape:
            return False
        return (A != B).nnz == 0
    # Rows are compared flat: a sampler may ravel a column-vector y.
    A, B = np.asarray(A), np.asarray(B)
    if len(A) != len(B):
        return False
    A, B = A.reshape(len(A), -1), B.reshape(len(B), -1)
    if A.shape != B.shape:
        return False
    if A.dtype.kind in "fc" or B.dtype.kind in "fc":
        return bool(np.array_equal(A, B, equal_nan=True))
    return bool(np.array_equal(A, B))


def _head(X, n: int):
    return X.iloc[:n] if hasattr(X, "iloc") else X[:n]


class OversampledClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A classifier trained on oversampled data, with the synthetic rows set apart.

    ``fit`` resamples the training data with ``sampler`` and trains
    ``estimator`` on the result, like ``Pipeline([("sampler", sampler),
    ("clf", estimator)])``, but it knows which rows the sampler made up: they
    can weigh less than the real rows in the loss (``synthetic_weight``), or
    serve only to re-train the classifier's last layer after it learned its
    features from the real rows alone (``synthetic_training="last_layer"``,
    decoupled training). With the defaults it trains exactly what the
    pipeline trains.

    Read more in the :ref:`User Guide <oversampled_classifier>`.

    Parameters
    ----------
    sampler : oversampler, default=None
        An imbalanced-learn over-sampler, or one of this package's samplers,
        whose ``fit_resample`` returns the original rows first, then the new
        ones. None means :class:`imblearn.over_sampling.RandomOverSampler`.
    estimator : classifier, default=None
        The classifier to train. It must accept ``sample_weight`` in ``fit``
        when ``synthetic_weight`` is not 1, and have a
        ``retrain_last_layer`` method (as :class:`SmallCNN` has) for
        ``synthetic_training="last_layer"``. None means :class:`SmallCNN`.
    synthetic_weight : float, default=1.0
        Weight of each synthetic row in the loss, real rows weighing 1. 1
        trains on all rows alike, 0 ignores the synthetic rows.
    synthetic_training : {"joint", "last_layer"}, default="joint"
        Where the synthetic rows are used. ``"joint"`` trains the estimator
        on the real and synthetic rows together. ``"last_layer"`` trains it
        on the real rows, then re-trains its last layer on the real and
        synthetic rows (the classifier re-training of Kang et al., ICLR 2020).

    Attributes
    ----------
    sampler_ : object
        The fitted clone of ``sampler``.
    estimator_ : object
        The fitted clone of ``estimator``.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_synthetic_ : int
        Number of rows the sampler added.
    n_features_in_ : int
        Number of features seen during fit (when the estimator records it).

    See Also
    --------
    TopUp : A ``sampling_strategy`` that adds fewer synthetic rows.
    SmallCNN : A classifier with ``sample_weight`` and ``retrain_last_layer``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imblearn.over_sampling import SMOTE
    >>> from skgan_sampler import OversampledClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9, 0.1],
    ...                            random_state=0)
    >>> clf = OversampledClassifier(
    ...     sampler=SMOTE(random_state=0),
    ...     estimator=LogisticRegression(),
    ...     synthetic_weight=0.5,
    ... ).fit(X, y)
    >>> clf.n_synthetic_
    236
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        "sampler": [HasMethods(["fit_resample"]), None],
        "estimator": [HasMethods(["fit", "predict"]), None],
        "synthetic_weight": [Interval(Real, 0, None, closed="left")],
        "synthetic_training": [StrOptions(SYNTHETIC_TRAINING)],
    }

    def __init__(
        self,
        *,
        sampler=None,
        estimator=None,
        synthetic_weight=1.0,
        synthetic_training="joint",
    ):
        self.sampler = sampler
        self.estimator = estimator
        self.synthetic_weight = synthetic_weight
        self.synthetic_training = synthetic_training

    def _unfitted_estimator(self):
        return SmallCNN() if self.estimator is None else clone(self.estimator)

    def fit(self, X, y):
        """Resample ``X, y``, then train the estimator as the parameters say.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows, in any form the sampler and the estimator accept.
        y : array-like of shape (n_samples,)
            Target labels.

        Returns
        -------
        self : OversampledClassifier
            The fitted classifier.
        """
        self._validate_params()
        sampler = RandomOverSampler() if self.sampler is None else clone(self.sampler)
        estimator = self._unfitted_estimator()
        self._check_estimator_supports(estimator)
        y = column_or_1d(y, warn=True)
        X_resampled, y_resampled = sampler.fit_resample(X, y)
        n_real = _num_samples(X)
        if _num_samples(X_resampled) < n_real or not (
            _same_rows(_head(X_resampled, n_real), X)
            and _same_rows(_head(y_resampled, n_real), y)
        ):
            raise ValueError(
                f"sampler={type(sampler).__name__} must return the original rows "
                "first, then the new ones, as imbalanced-learn's over-samplers "
                "and this package's samplers do; it changed or removed rows. "
                "Use an over-sampler, or a Pipeline for other samplers."
            )
        n_rows = _num_samples(X_resampled)
        fit_params = {}
        if self.synthetic_weight != 1:
            sample_weight = np.ones(n_rows)
            sample_weight[n_real:] = self.synthetic_weight
            fit_params["sample_weight"] = sample_weight
        if self.synthetic_training == "joint":
            estimator.fit(X_resampled, y_resampled, **fit_params)
        else:
            estimator.fit(X, y)
            estimator.retrain_last_layer(X_resampled, y_resampled, **fit_params)
        self.sampler_ = sampler
        self.estimator_ = estimator
        self.n_synthetic_ = n_rows - n_real
        if hasattr(estimator, "n_features_in_"):
            self.n_features_in_ = estimator.n_features_in_
        if hasattr(estimator, "feature_names_in_"):
            self.feature_names_in_ = estimator.feature_names_in_
        return self

    def _check_estimator_supports(self, estimator) -> None:
        name = type(estimator).__name__
        if self.synthetic_training == "last_layer" and not hasattr(
            estimator, "retrain_last_layer"
        ):
            raise TypeError(
                "synthetic_training='last_layer' re-trains the estimator's last "
                f"layer, and {name} has no retrain_last_layer method. Use "
                "SmallCNN, or synthetic_training='joint'."
            )
        if self.synthetic_weight != 1 and not has_fit_parameter(
            estimator, "sample_weight"
        ):
            raise TypeError(
                f"synthetic_weight={self.synthetic_weight!r} weighs rows through "
                f"sample_weight, which {name}.fit does not accept. Use an "
                "estimator that does, or synthetic_weight=1.0."
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        sampler = RandomOverSampler() if self.sampler is None else self.sampler
        parts = [get_tags(sampler), get_tags(self._unfitted_estimator())]
        tags.input_tags.sparse = all(part.input_tags.sparse for part in parts)
        tags.input_tags.allow_nan = all(part.input_tags.allow_nan for part in parts)
        return tags

    @property
    def classes_(self) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        return self.estimator_.classes_

    def predict(self, X):
        """The estimator's predicted labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """The estimator's class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class in the order of ``classes_``.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)
