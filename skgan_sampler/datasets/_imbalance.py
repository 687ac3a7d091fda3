"""Drawing class-imbalanced and balanced subsets of a labelled dataset."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_consistent_length


def _labels_1d(X: Any, y: Any) -> np.ndarray:
    y_arr = np.asarray(y)
    if y_arr.ndim != 1:
        raise ValueError(f"y must be 1-dimensional; got shape {y_arr.shape}.")
    check_consistent_length(X, y_arr)
    return y_arr


def _take(a: Any, indices: np.ndarray) -> Any:
    """Rows ``indices`` of an array-like (a new object; ``a`` is not modified)."""
    if hasattr(a, "iloc"):  # pandas DataFrame / Series
        return a.iloc[indices]
    return np.asarray(a)[indices]


def _check_count(value: Any, name: str, label: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(
            f"{name} must hold non-negative integers; got {value!r} for class "
            f"{label!r}."
        )
    if value < 0:
        raise ValueError(
            f"{name} must hold non-negative integers; got {value} for class {label!r}."
        )
    return int(value)


def _subsample(
    X: Any,
    y_arr: np.ndarray,
    y: Any,
    classes: np.ndarray,
    counts: list[int],
    random_state: Any,
    name: str,
) -> tuple[Any, Any]:
    class_indices = [np.flatnonzero(y_arr == label) for label in classes]
    for label, n, indices in zip(classes.tolist(), counts, class_indices, strict=True):
        if n > indices.size:
            raise ValueError(
                f"{name} asks for {n} samples of class {label!r}, but y holds "
                f"only {indices.size}."
            )
    rng = check_random_state(random_state)
    chosen = [
        rng.choice(indices, size=n, replace=False)
        for n, indices in zip(counts, class_indices, strict=True)
    ]
    keep = np.sort(np.concatenate(chosen)) if chosen else np.empty(0, dtype=np.intp)
    return _take(X, keep), _take(y, keep)


def make_imbalanced(
    X: Any,
    y: Any,
    *,
    counts: Sequence[int] | Mapping[Any, int],
    random_state: int | np.random.RandomState | None = None,
) -> tuple[Any, Any]:
    """Draw a class-imbalanced subset with exactly the requested class counts.

    For each class, ``counts`` samples are drawn at random without replacement;
    the kept rows stay in their original relative order.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
        Samples; any number of dimensions (axis 0 indexes the samples), e.g.
        images of shape (n_samples, H, W) or (n_samples, H, W, C).
    y : array-like of shape (n_samples,)
        Class labels.
    counts : sequence of int or dict
        Number of samples to keep per class: either one count per class in
        sorted label order (``counts[i]`` for the ``i``-th smallest label), for
        instance :data:`GAMO_PROFILE`, or a dict ``{label: count}`` naming every
        class. A count of 0 drops the class.
    random_state : int, RandomState instance or None, default=None
        Controls which samples are drawn. Pass an int for reproducible output.

    Returns
    -------
    X_sub : ndarray or DataFrame of shape (sum(counts), ...)
        The kept samples (a new array; ``X`` is not modified).
    y_sub : ndarray or Series of shape (sum(counts),)
        Their labels.

    Raises
    ------
    ValueError
        If the number of counts differs from the number of classes, a dict does
        not name exactly the classes of ``y``, a count is negative or not an
        integer, or a class has fewer samples than requested.

    See Also
    --------
    balanced_subset : The same number of samples from every class.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan_sampler.datasets import make_imbalanced
    >>> X = np.arange(40).reshape(20, 2)
    >>> y = np.repeat([0, 1], 10)
    >>> X_sub, y_sub = make_imbalanced(X, y, counts=(6, 2), random_state=0)
    >>> X_sub.shape, np.bincount(y_sub)
    ((8, 2), array([6, 2]))
    >>> _, y_sub = make_imbalanced(X, y, counts={0: 3, 1: 1}, random_state=0)
    >>> y_sub
    array([0, 0, 0, 1])
    """
    y_arr = _labels_1d(X, y)
    classes = np.unique(y_arr)
    labels = classes.tolist()
    if isinstance(counts, Mapping):
        unknown = [label for label in counts if label not in labels]
        missing = [label for label in labels if label not in counts]
        if unknown or missing:
            raise ValueError(
                "counts must name every class of y exactly once; unknown labels: "
                f"{unknown}, classes without a count: {missing}."
            )
        per_class = [counts[label] for label in labels]
    else:
        per_class = list(counts)
        if len(per_class) != len(labels):
            raise ValueError(
                f"counts has {len(per_class)} entries, but y has {len(labels)} "
                f"classes {labels}."
            )
    per_class = [
        _check_count(n, "counts", label)
        for n, label in zip(per_class, labels, strict=True)
    ]
    return _subsample(X, y_arr, y, classes, per_class, random_state, "counts")


def balanced_subset(
    X: Any,
    y: Any,
    *,
    n_per_class: int,
    random_state: int | np.random.RandomState | None = None,
) -> tuple[Any, Any]:
    """Draw ``n_per_class`` random samples of every class.

    A helper for balanced test or reference sets (e.g. for FID per class). The
    samples are drawn without replacement and keep their original order.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
        Samples; any number of dimensions (axis 0 indexes the samples).
    y : array-like of shape (n_samples,)
        Class labels.
    n_per_class : int
        Number of samples to keep from each class.
    random_state : int, RandomState instance or None, default=None
        Controls which samples are drawn. Pass an int for reproducible output.

    Returns
    -------
    X_sub : ndarray or DataFrame of shape (n_classes * n_per_class, ...)
        The kept samples.
    y_sub : ndarray or Series of shape (n_classes * n_per_class,)
        Their labels.

    Raises
    ------
    ValueError
        If ``n_per_class`` is negative or not an integer, or a class has fewer
        than ``n_per_class`` samples.

    See Also
    --------
    make_imbalanced : Arbitrary counts per class.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan_sampler.datasets import balanced_subset
    >>> X = np.zeros((30, 4, 4))
    >>> y = np.array([0] * 20 + [1] * 6 + [2] * 4)
    >>> X_sub, y_sub = balanced_subset(X, y, n_per_class=3, random_state=0)
    >>> X_sub.shape, np.bincount(y_sub)
    ((9, 4, 4), array([3, 3, 3]))
    """
    y_arr = _labels_1d(X, y)
    classes = np.unique(y_arr)
    per_class = [
        _check_count(n_per_class, "n_per_class", label) for label in classes.tolist()
    ]
    return _subsample(X, y_arr, y, classes, per_class, random_state, "n_per_class")


def make_bagan_gp_imbalance(
    X: Any,
    y: Any,
    *,
    test_size: float | int = 0.3,
    random_state: int | np.random.RandomState | None = 42,
) -> tuple[Any, Any, Any, Any]:
    """Build BAGAN-GP's imbalanced set (profile "B") and split it.

    The rule of the BAGAN-GP reference code (Huang & Jafari, 2021): the first
    class (label 0) keeps all its samples, and the class of rank ``c >= 1`` in
    sorted label order (label ``c`` for labels 0..9) keeps its *first*
    ``100 * c`` samples in dataset order. As in that code, the kept rows are
    ordered class by class (class 0 in its original order, then the first 100
    samples of class 1, the first 200 of class 2, ...), and then split at
    random without stratification by
    :func:`sklearn.model_selection.train_test_split` with ``test_size`` and
    ``random_state``.

    The training counts per class therefore depend on the split; applied to
    the Fashion-MNIST training set with the defaults, they are those of the
    BAGAN-GP paper.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
        Samples; any number of dimensions (axis 0 indexes the samples).
    y : array-like of shape (n_samples,)
        Class labels.
    test_size : float or int, default=0.3
        Passed to :func:`~sklearn.model_selection.train_test_split`.
    random_state : int, RandomState instance or None, default=42
        Passed to :func:`~sklearn.model_selection.train_test_split`; 42 is the
        seed of the BAGAN-GP code.

    Returns
    -------
    X_train, X_test : ndarray or DataFrame
        The split samples.
    y_train, y_test : ndarray or Series
        Their labels.

    Raises
    ------
    ValueError
        If the class of rank ``c`` has fewer than ``100 * c`` samples.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan_sampler.datasets import make_bagan_gp_imbalance
    >>> y = np.repeat([0, 1, 2], 300)
    >>> X = np.zeros((y.size, 8, 8))
    >>> X_train, X_test, y_train, y_test = make_bagan_gp_imbalance(X, y)
    >>> len(y_train) + len(y_test), np.bincount(np.concatenate([y_train, y_test]))
    (600, array([300, 100, 200]))
    """
    y_arr = _labels_1d(X, y)
    classes = np.unique(y_arr)
    parts = []
    for rank, label in enumerate(classes.tolist()):
        indices = np.flatnonzero(y_arr == label)
        if rank > 0:
            need = 100 * rank
            if indices.size < need:
                raise ValueError(
                    f"BAGAN-GP's profile keeps the first {need} samples of class "
                    f"{label!r} (rank {rank}), but y holds only {indices.size}."
                )
            indices = indices[:need]
        parts.append(indices)
    order = np.concatenate(parts) if parts else np.empty(0, dtype=np.intp)
    return train_test_split(
        _take(X, order),
        _take(y, order),
        test_size=test_size,
        random_state=random_state,
    )
