"""Fidelity and diversity diagnostics of generated samples, class by class.

Each function compares a set of real samples of one class with the generated
samples of that class, on feature vectors given as 2-D arrays of shape
``(n_samples, n_features)``. For images, pass a reference classifier's
penultimate features to the manifold measures and the classifier two-sample
test, and the pixels (flattened channels-last rows and ``image_shape``, the
layout of the samplers) to :func:`image_statistics` and
:func:`nearest_real_distance`. :func:`per_class_diagnostics` computes them all
for every class. The :ref:`diagnostics` guide explains how to read them.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import pairwise_distances_chunked
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_array, check_consistent_length, check_random_state
from sklearn.utils.validation import column_or_1d

from ._layout import resolve_image_shape

__all__ = [
    "classifier_two_sample_test",
    "density_coverage",
    "image_statistics",
    "nearest_real_distance",
    "per_class_diagnostics",
    "precision_recall",
]


def _check_pair(real: Any, generated: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate two sets of feature vectors that live in the same space."""
    real = check_array(real, dtype=[np.float64, np.float32], input_name="real")
    generated = check_array(
        generated, dtype=[np.float64, np.float32], input_name="generated"
    )
    if real.shape[1] != generated.shape[1]:
        raise ValueError(
            f"real has {real.shape[1]} features per sample but generated has "
            f"{generated.shape[1]}. Pass both sets in the same feature space."
        )
    return real, generated


def _check_k(
    k: Any, name: str, n_real: int, n_generated: int | None = None, where: str = ""
) -> None:
    """Raise a ValueError unless every sample has ``k`` neighbours in its set.

    ``n_generated=None`` checks the real set only.
    """
    if not isinstance(k, Integral) or isinstance(k, bool) or k < 1:
        raise ValueError(f"{name} must be a positive integer; got {name}={k!r}.")
    for n, which in ((n_real, "real"), (n_generated, "generated")):
        if n is not None and n <= k:
            raise ValueError(
                f"{name}={k} needs at least {k + 1} {which} samples{where}; "
                f"got {n}. Pass more samples or a smaller {name}."
            )


def _check_cv(cv: Any, n_real: int, n_generated: int, where: str = "") -> None:
    """Raise a ValueError unless an integer ``cv`` can split both sets."""
    if not isinstance(cv, Integral) or isinstance(cv, bool):
        # A cross-validation splitter or an iterable of splits: scikit-learn
        # checks it when it splits.
        return
    if cv < 2:
        raise ValueError(f"cv must be at least 2; got cv={cv!r}.")
    for n, which in ((n_real, "real"), (n_generated, "generated")):
        if n < cv:
            raise ValueError(
                f"cv={cv} needs at least {cv} {which} samples{where}; got {n}. "
                "Pass more samples or a smaller cv."
            )


def _check_image_shape(image_shape: Any, n_features: int) -> tuple[int, int, int]:
    """``image_shape`` as ``(H, W, C)``, checked against rows of ``n_features``."""
    if image_shape is None:
        raise ValueError(
            "image_shape is required: the (height, width) or (height, width, "
            "channels) of one image, e.g. image_shape=(8, 8) for "
            "load_digits().data."
        )
    height, width, channels = resolve_image_shape(image_shape, None, n_features)
    if height < 2 or width < 2:
        raise ValueError(
            f"image_shape={tuple(image_shape)!r} has no neighbouring pixels "
            "along one axis; the gradient energy needs a height and width of "
            "at least 2."
        )
    return height, width, channels


def _knn_radii(X: np.ndarray, k: int) -> np.ndarray:
    """Distance from each row to its k-th nearest other row of ``X``."""
    # kneighbors() without X leaves each row out of its own neighbours.
    distances, _ = NearestNeighbors(n_neighbors=k).fit(X).kneighbors()
    return distances[:, -1]


def _n_balls_containing(
    queries: np.ndarray, centres: np.ndarray, radii: np.ndarray
) -> np.ndarray:
    """Number of the closed balls ``(centres, radii)`` around each query."""
    # The balls have different radii, which no neighbour query answers; the
    # chunks bound the memory of the distance matrix.
    chunks = pairwise_distances_chunked(
        queries,
        centres,
        reduce_func=lambda distances, start: (distances <= radii).sum(axis=1),
    )
    return np.concatenate(list(chunks))


def precision_recall(real: Any, generated: Any, *, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall of generated samples (Kynkäänniemi et al.).

    The measures of [1]_. Each set spans a manifold: the union of the balls
    around its samples whose radius is the distance to the sample's
    ``k``-th nearest neighbour in the same set. Precision (fidelity) is the
    share of generated samples inside the real manifold; recall (diversity)
    is the share of real samples inside the generated manifold.

    Parameters
    ----------
    real : array-like of shape (n_real, n_features)
        Feature vectors of real samples (of one class).
    generated : array-like of shape (n_generated, n_features)
        Feature vectors of generated samples, in the same space.
    k : int, default=3
        The neighbour that sets each ball's radius, 3 in the paper. Both sets
        need at least ``k + 1`` samples.

    Returns
    -------
    precision : float
        Share of generated samples within the real manifold, in [0, 1].
    recall : float
        Share of real samples within the generated manifold, in [0, 1].

    See Also
    --------
    density_coverage : Fidelity and diversity that outliers inflate less.

    Notes
    -----
    Both values depend on the sample sizes and on ``k`` (larger sets have
    smaller balls), so compare them at equal sizes. One generated outlier
    far from the real data gets a large ball that can hold many real samples
    and so inflates recall; :func:`density_coverage` is more robust to it.

    References
    ----------
    .. [1] T. Kynkäänniemi, T. Karras, S. Laine, J. Lehtinen and T. Aila,
       "Improved Precision and Recall Metric for Assessing Generative
       Models", Advances in Neural Information Processing Systems 32
       (NeurIPS), 2019.

    Examples
    --------
    Real samples one apart have balls of radius 1 (``k=1``); the generated
    outlier at 10 misses them, but its ball of radius 9.5 holds every real
    sample:

    >>> from skgan_sampler.diagnostics import precision_recall
    >>> real = [[0.0], [1.0], [2.0], [3.0]]
    >>> generated = [[0.5], [10.0]]
    >>> precision_recall(real, generated, k=1)
    (0.5, 1.0)
    """
    real, generated = _check_pair(real, generated)
    _check_k(k, "k", len(real), len(generated))
    in_real = _n_balls_containing(generated, real, _knn_radii(real, k)) > 0
    in_generated = _n_balls_containing(real, generated, _knn_radii(generated, k)) > 0
    return float(in_real.mean()), float(in_generated.mean())


def density_coverage(real: Any, generated: Any, *, k: int = 5) -> tuple[float, float]:
    """Density and coverage of generated samples (Naeem et al.).

    The measures of [1]_. Around every real sample lies a ball whose radius
    is the distance to its ``k``-th nearest real neighbour. Density
    (fidelity) counts the balls that contain each generated sample, averaged
    over the generated samples and divided by ``k``; coverage (diversity) is
    the share of real samples whose ball contains at least one generated
    sample. Only the real samples set radii, so generated outliers do not
    inflate either value.

    Parameters
    ----------
    real : array-like of shape (n_real, n_features)
        Feature vectors of real samples (of one class).
    generated : array-like of shape (n_generated, n_features)
        Feature vectors of generated samples, in the same space.
    k : int, default=5
        The neighbour that sets each ball's radius, 5 in the paper. ``real``
        needs at least ``k + 1`` samples.

    Returns
    -------
    density : float
        Mean number of real balls around a generated sample, divided by
        ``k``; about 1 when both sets come from the same distribution, above
        1 when the generated samples crowd where the real ones are densest.
    coverage : float
        Share of real samples with a generated sample in their ball, in
        [0, 1].

    See Also
    --------
    precision_recall : The measures density and coverage improve on.

    Notes
    -----
    For two sets of ``n`` samples of one distribution the expected density
    is 1 and the expected coverage about ``1 - 1 / 2**k`` (0.97 for
    ``k=5``).

    References
    ----------
    .. [1] M. F. Naeem, S. J. Oh, Y. Uh, Y. Choi and J. Yoo, "Reliable
       Fidelity and Diversity Metrics for Generative Models", Proceedings of
       the 37th International Conference on Machine Learning (ICML), PMLR
       119, 2020.

    Examples
    --------
    Real samples one apart have balls of radius 1 (``k=1``). The generated
    sample at 0.5 lies in two of them, the one at 10 in none: density
    (2 + 0) / 2 = 1. Only the real samples 0 and 1 have a generated sample in
    their ball:

    >>> from skgan_sampler.diagnostics import density_coverage
    >>> real = [[0.0], [1.0], [2.0], [3.0]]
    >>> generated = [[0.5], [10.0]]
    >>> density_coverage(real, generated, k=1)
    (1.0, 0.5)
    """
    real, generated = _check_pair(real, generated)
    _check_k(k, "k", len(real))
    radii = _knn_radii(real, k)
    density = _n_balls_containing(generated, real, radii).mean() / k
    nearest, _ = NearestNeighbors(n_neighbors=1).fit(generated).kneighbors(real)
    return float(density), float((nearest[:, 0] <= radii).mean())


def classifier_two_sample_test(
    real: Any,
    generated: Any,
    *,
    estimator: Any = None,
    cv: Any = 5,
    random_state: Any = None,
) -> tuple[float, np.ndarray]:
    """Held-out accuracy of a classifier that tells real from generated samples.

    The larger set is subsampled to the size of the smaller one, so that
    0.5 is chance: a classifier that cannot tell the sets apart scores about
    0.5, one that always can scores 1. The accuracy is cross-validated, so
    every sample is classified by a model that did not see it: the
    classifier two-sample test of [1]_.

    Parameters
    ----------
    real : array-like of shape (n_real, n_features)
        Feature vectors of real samples (of one class).
    generated : array-like of shape (n_generated, n_features)
        Feature vectors of generated samples, in the same space.
    estimator : scikit-learn classifier, default=None
        The classifier, cloned for each fold. None uses
        ``make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))``,
        which sees differences of mean and linear structure; a nonlinear
        classifier (a random forest, a small network) also sees differences
        of shape, at the cost of more samples and time.
    cv : int or cross-validation generator, default=5
        An int is the number of stratified folds, shuffled with
        ``random_state``; both sets need at least that many samples. Anything
        else is passed to :func:`sklearn.model_selection.cross_val_score`.
    random_state : int, RandomState instance or None, default=None
        Draws the subsample of the larger set and shuffles the folds. An int
        makes the result reproducible (a randomised ``estimator`` needs its
        own ``random_state`` too).

    Returns
    -------
    accuracy : float
        Mean held-out accuracy over the folds, in [0, 1]; about 0.5 means
        indistinguishable, 1 means always told apart. Values clearly below
        0.5 do not mean "better than real": they are chance fluctuations,
        common when the two sets share samples.
    fold_accuracies : ndarray of shape (n_folds,)
        The accuracy of each fold; their spread tells whether ``accuracy``
        differs from 0.5 by more than chance.

    References
    ----------
    .. [1] D. Lopez-Paz and M. Oquab, "Revisiting Classifier Two-Sample
       Tests", International Conference on Learning Representations (ICLR),
       2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan_sampler.diagnostics import classifier_two_sample_test
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(100, 2))
    >>> shifted = rng.normal(loc=10.0, size=(300, 2))
    >>> accuracy, fold_accuracies = classifier_two_sample_test(
    ...     real, shifted, random_state=0)
    >>> accuracy, fold_accuracies.shape
    (1.0, (5,))
    """
    real, generated = _check_pair(real, generated)
    _check_cv(cv, len(real), len(generated))
    rng = check_random_state(random_state)
    n = min(len(real), len(generated))
    real = real[rng.choice(len(real), size=n, replace=False)]
    generated = generated[rng.choice(len(generated), size=n, replace=False)]
    X = np.concatenate([real, generated])
    y = np.repeat([0, 1], n)
    if estimator is None:
        estimator = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        # scikit-learn's integer cv does not shuffle, and the rows of real
        # data often come sorted (by time, by source).
        cv = StratifiedKFold(n_splits=int(cv), shuffle=True, random_state=rng)
    scores = cross_val_score(estimator, X, y, cv=cv, scoring="accuracy")
    return float(scores.mean()), scores


def image_statistics(X: Any, *, image_shape: tuple[int, ...]) -> dict[str, float]:
    """Brightness, contrast and sharpness of a set of images.

    Plain statistics that explain a gap between real and generated images:
    a generator that is too dark or too grey shows in the first two, a
    blurry one in the gradient energy.

    Parameters
    ----------
    X : array-like of shape (n_samples, height * width * channels)
        Images as rows, each flattened in C order from a channels-last
        ``(height, width, channels)`` array (the layout of
        ``sklearn.datasets.load_digits().data`` and of the samplers).
    image_shape : tuple of int
        ``(height, width)`` or ``(height, width, channels)``; height and
        width of at least 2.

    Returns
    -------
    statistics : dict
        In the units of ``X`` (e.g. 0-16 for ``load_digits``, 0-255 for
        8-bit images):

        ``brightness``
            mean of all pixel values of the set;
        ``pixel_std``
            standard deviation of all pixel values of the set (contrast
            within and between images);
        ``gradient_energy``
            mean squared difference between vertically adjacent pixel values
            plus the mean squared difference between horizontally adjacent
            ones (the mean squared forward-difference gradient, over all
            images and channels); lower means smoother, blurrier images.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan_sampler.diagnostics import image_statistics
    >>> images = np.array([[0, 2,
    ...                     4, 6],
    ...                    [1, 1,
    ...                     1, 1]])
    >>> stats = image_statistics(images, image_shape=(2, 2))
    >>> {name: round(value, 3) for name, value in stats.items()}
    {'brightness': 2.0, 'pixel_std': 1.871, 'gradient_energy': 10.0}
    """
    X = check_array(X, dtype=np.float64, input_name="X")
    height, width, channels = _check_image_shape(image_shape, X.shape[1])
    images = X.reshape(len(X), height, width, channels)
    gradient_energy = np.mean(np.diff(images, axis=1) ** 2) + np.mean(
        np.diff(images, axis=2) ** 2
    )
    return {
        "brightness": float(X.mean()),
        "pixel_std": float(X.std()),
        "gradient_energy": float(gradient_energy),
    }


def nearest_real_distance(real_train: Any, generated: Any) -> np.ndarray:
    """Euclidean distance from each generated sample to its nearest real one.

    Pass the rows the sampler was trained on (of one class): a sampler that
    copies its training samples shows distances of about 0. Compare with the
    distances between the real samples themselves, which set the scale.

    Parameters
    ----------
    real_train : array-like of shape (n_real, n_features)
        The real training samples (of one class), e.g. pixels as rows.
    generated : array-like of shape (n_generated, n_features)
        The generated samples, in the same space.

    Returns
    -------
    distances : ndarray of shape (n_generated,)
        The distance of each generated sample to its nearest row of
        ``real_train``; summarise it with its minimum, median or mean.

    Examples
    --------
    >>> from skgan_sampler.diagnostics import nearest_real_distance
    >>> real_train = [[0.0, 0.0], [3.0, 4.0]]
    >>> generated = [[3.0, 4.0], [0.0, 1.0]]
    >>> nearest_real_distance(real_train, generated)
    array([0., 1.])
    """
    real_train, generated = _check_pair(real_train, generated)
    distances, _ = NearestNeighbors(n_neighbors=1).fit(real_train).kneighbors(generated)
    return distances[:, 0]


def per_class_diagnostics(
    real: Any,
    y_real: Any,
    generated: Any,
    y_generated: Any,
    *,
    features: Any = None,
    image_shape: tuple[int, ...] | None = None,
    precision_recall_k: int = 3,
    density_coverage_k: int = 5,
    estimator: Any = None,
    cv: Any = 5,
    random_state: Any = None,
) -> dict[str, np.ndarray]:
    """Every diagnostic of this module, for each generated class.

    Parameters
    ----------
    real : array-like of shape (n_real, n_features)
        Real samples as rows (pixels, for images). Pass the sampler's
        training rows to catch copies in the nearest distances; held-out
        rows measure how well the generator generalises instead.
    y_real : array-like of shape (n_real,)
        Class labels of ``real``.
    generated : array-like of shape (n_generated, n_features)
        Generated samples as rows, in the layout of ``real``.
    y_generated : array-like of shape (n_generated,)
        Class labels of ``generated``; each must be a class of ``y_real``.
    features : callable or transformer, default=None
        Maps rows to the feature vectors of the manifold measures and the
        two-sample test, e.g. a reference classifier's penultimate layer: a
        callable ``features(rows) -> (n_samples, n_features_out)``, or a
        fitted object whose ``transform`` method does that. None uses the
        rows themselves. The nearest distances and image statistics always
        use the rows.
    image_shape : tuple of int, default=None
        ``(height, width)`` or ``(height, width, channels)`` when the rows
        are flattened channels-last images; adds the columns of
        :func:`image_statistics` for both sets. None for tabular rows.
    precision_recall_k : int, default=3
        ``k`` of :func:`precision_recall`.
    density_coverage_k : int, default=5
        ``k`` of :func:`density_coverage`.
    estimator : scikit-learn classifier, default=None
        ``estimator`` of :func:`classifier_two_sample_test`.
    cv : int or cross-validation generator, default=5
        ``cv`` of :func:`classifier_two_sample_test`.
    random_state : int, RandomState instance or None, default=None
        Seeds the two-sample tests; an int makes the result reproducible.

    Returns
    -------
    diagnostics : dict of ndarray
        One entry per class of ``y_generated``, in sorted order, like
        scikit-learn's ``cv_results_``: ``pandas.DataFrame(diagnostics)``
        makes a table with one row per class. The keys:

        ``class``, ``n_real``, ``n_generated``
            the class and its number of samples in each set;
        ``precision``, ``recall``
            :func:`precision_recall`;
        ``density``, ``coverage``
            :func:`density_coverage`;
        ``c2st_accuracy``, ``c2st_accuracy_std``
            :func:`classifier_two_sample_test`'s mean accuracy and the
            standard deviation of its fold accuracies;
        ``nearest_real_distance_min``, ``nearest_real_distance_median``
            of :func:`nearest_real_distance` from the generated samples to the
            real ones of the class;
        ``real_nearest_real_distance_median``
            the median distance from a real sample to its nearest *other*
            real sample of the class: the scale the previous two compare
            with;
        ``real_<statistic>``, ``generated_<statistic>``
            each statistic of :func:`image_statistics` (``brightness``,
            ``pixel_std``, ``gradient_energy``) of each set, only with
            ``image_shape``.

    Examples
    --------
    A "sampler" that returns copies of its training images: indistinguishable
    from the real images and within their manifold, but every generated
    image lies at distance 0 from a real one.

    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from skgan_sampler.diagnostics import per_class_diagnostics
    >>> X, y = load_digits(n_class=2, return_X_y=True)
    >>> rng = np.random.default_rng(0)
    >>> copied = rng.choice(len(X), size=200)
    >>> result = per_class_diagnostics(
    ...     X, y, X[copied], y[copied], image_shape=(8, 8), random_state=0)
    >>> result["class"], result["precision"], result["nearest_real_distance_median"]
    (array([0, 1]), array([1., 1.]), array([0., 0.]))
    >>> result["real_nearest_real_distance_median"].round(1)
    array([14.2, 14.3])
    """
    real, generated = _check_pair(real, generated)
    y_real = column_or_1d(y_real)
    y_generated = column_or_1d(y_generated)
    check_consistent_length(real, y_real)
    check_consistent_length(generated, y_generated)
    if image_shape is not None:
        # Fails here, before any work, when image_shape does not fit the rows.
        _check_image_shape(image_shape, real.shape[1])
    classes = np.unique(y_generated)
    missing = np.setdiff1d(classes, y_real)
    if len(missing):
        raise ValueError(
            f"y_generated has the classes {missing.tolist()}, which y_real does "
            "not have; every generated class needs real samples to compare with."
        )
    for label in classes:
        where = f" of class {label}"
        n_real = int(np.sum(y_real == label))
        n_generated = int(np.sum(y_generated == label))
        _check_k(precision_recall_k, "precision_recall_k", n_real, n_generated, where)
        _check_k(density_coverage_k, "density_coverage_k", n_real, where=where)
        _check_cv(cv, n_real, n_generated, where)

    if features is None:
        real_features, generated_features = real, generated
    else:
        transform = getattr(features, "transform", features)
        real_features, generated_features = _check_pair(
            transform(real), transform(generated)
        )
        check_consistent_length(real, real_features)
        check_consistent_length(generated, generated_features)

    rng = check_random_state(random_state)
    rows = []
    for label in classes:
        is_real, is_generated = y_real == label, y_generated == label
        real_f, generated_f = real_features[is_real], generated_features[is_generated]
        precision, recall = precision_recall(real_f, generated_f, k=precision_recall_k)
        density, coverage = density_coverage(real_f, generated_f, k=density_coverage_k)
        accuracy, fold_accuracies = classifier_two_sample_test(
            real_f, generated_f, estimator=estimator, cv=cv, random_state=rng
        )
        nearest = nearest_real_distance(real[is_real], generated[is_generated])
        real_nearest, _ = (
            NearestNeighbors(n_neighbors=1).fit(real[is_real]).kneighbors()
        )
        row = {
            "class": label,
            "n_real": int(is_real.sum()),
            "n_generated": int(is_generated.sum()),
            "precision": precision,
            "recall": recall,
            "density": density,
            "coverage": coverage,
            "c2st_accuracy": accuracy,
            "c2st_accuracy_std": float(fold_accuracies.std()),
            "nearest_real_distance_min": float(nearest.min()),
            "nearest_real_distance_median": float(np.median(nearest)),
            "real_nearest_real_distance_median": float(np.median(real_nearest)),
        }
        if image_shape is not None:
            real_stats = image_statistics(real[is_real], image_shape=image_shape)
            generated_stats = image_statistics(
                generated[is_generated], image_shape=image_shape
            )
            for statistic, value in real_stats.items():
                row[f"real_{statistic}"] = value
                row[f"generated_{statistic}"] = generated_stats[statistic]
        rows.append(row)
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}
