"""Scores for imbalanced classification used throughout the benchmarks."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import numpy as np
from imblearn.metrics import geometric_mean_score
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    precision_score,
    recall_score,
)


def imbalanced_scores(
    y_true, y_pred, *, largest_class=None, smallest_class=None
) -> dict:
    """Scores that read an imbalanced classifier from several angles.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    largest_class, smallest_class : label, default=None
        The classes with the most and the fewest *training* samples. They are
        properties of the training set, not of ``y_true``, so pass them when
        the test set is balanced; None reports neither score.

    Returns
    -------
    scores : dict
        ``accuracy``; ``balanced_accuracy`` (the mean per-class recall, GAMO's
        ACSA); ``macro_f1``; ``geometric_mean`` (imbalanced-learn's multi-class
        G-mean, GAMO's GM); the last two over the classes of ``y_true``, so a
        class that is only predicted (e.g. one a sampler did not generate)
        does not enter them as a zero; ``per_class_recall`` (a dict by label); and,
        when the classes are given, ``precision_largest`` and
        ``recall_smallest``.

    Examples
    --------
    >>> from skgan_sampler.metrics import imbalanced_scores
    >>> scores = imbalanced_scores([0, 0, 1, 1], [0, 0, 1, 0],
    ...                            largest_class=0, smallest_class=1)
    >>> round(scores["balanced_accuracy"], 2), round(scores["recall_smallest"], 2)
    (0.75, 0.5)

    Classes that are only predicted do not count in the macro averages:

    >>> round(imbalanced_scores([1, 1, 2, 2], [1, 0, 2, 2])["macro_f1"], 3)
    0.833
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    labels = np.unique(y_true)
    recalls = recall_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    scores = {
        "accuracy": accuracy_score(y_true, y_pred),
        # balanced_accuracy_score's value, without its warning about classes
        # that are only predicted.
        "balanced_accuracy": np.mean(recalls),
        "macro_f1": f1_score(
            y_true, y_pred, labels=labels, average="macro", zero_division=0
        ),
        "geometric_mean": geometric_mean_score(
            y_true, y_pred, labels=labels, average="multiclass"
        ),
        "per_class_recall": {
            label.item(): float(r) for label, r in zip(labels, recalls, strict=True)
        },
    }
    if largest_class is not None:
        scores["precision_largest"] = precision_score(
            y_true, y_pred, labels=[largest_class], average="macro", zero_division=0
        )
    if smallest_class is not None:
        scores["recall_smallest"] = recall_score(
            y_true, y_pred, labels=[smallest_class], average="macro", zero_division=0
        )
    return {
        name: float(value) if name != "per_class_recall" else value
        for name, value in scores.items()
    }
