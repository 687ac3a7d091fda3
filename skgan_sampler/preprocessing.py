"""Preparing rows for the samplers of other libraries.

imbalanced-learn's interpolating samplers (:class:`~imblearn.over_sampling.SMOTE`,
:class:`~imblearn.over_sampling.BorderlineSMOTE`,
:class:`~imblearn.over_sampling.ADASYN`, ...) compute their synthetic rows in
the input's dtype. On unsigned integer images every negative difference
between two neighbours wraps around, so the synthetic pixels are noise; on
signed integers the interpolated values are truncated. The package's own
samplers handle integer rows themselves; in front of imbalanced-learn's,
cast the rows to float first, which :func:`make_float_pipeline` does.
"""

# Authors: skgan_sampler developers
# License: MIT

from typing import Any

import numpy as np
from imblearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer

__all__ = ["float_rows", "make_float_pipeline"]


def float_rows(X: Any, dtype: Any = np.float32) -> Any:
    """Return ``X`` with floating-point values, in the same container.

    Parameters
    ----------
    X : array-like, sparse matrix or pandas DataFrame of shape (n_samples, n_features)
        The rows. NumPy arrays, SciPy sparse matrices and DataFrames keep
        their type; anything else becomes a NumPy array.
    dtype : numpy floating dtype, default=np.float32
        The dtype of the returned values.

    Returns
    -------
    X_float : same container as ``X``
        A copy of ``X`` with ``dtype`` values; ``X`` is not modified.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan_sampler.preprocessing import float_rows
    >>> float_rows(np.array([[0, 255]], dtype=np.uint8))
    array([[  0., 255.]], dtype=float32)
    """
    if not np.issubdtype(np.dtype(dtype), np.floating):
        raise TypeError(
            f"dtype must be a floating-point dtype such as np.float32, got {dtype!r}."
        )
    if hasattr(X, "astype"):
        return X.astype(dtype)
    return np.asarray(X, dtype=dtype)


def make_float_pipeline(*steps: Any, dtype: Any = np.float32) -> Pipeline:
    """Build an imbalanced-learn pipeline whose first step casts rows to float.

    Put it around an imbalanced-learn sampler (and the classifier after it)
    whenever the rows can be integers, as images usually are: SMOTE and its
    variants interpolate in the input's dtype, which wraps around on
    unsigned integers.

    Parameters
    ----------
    *steps : list of estimators
        The steps after the cast, as for :func:`imblearn.pipeline.make_pipeline`.
    dtype : numpy floating dtype, default=np.float32
        The dtype the first step casts the rows to.

    Returns
    -------
    pipeline : imblearn.pipeline.Pipeline
        A pipeline of ``FunctionTransformer(float_rows)`` followed by
        ``steps``. When the last step is a sampler the pipeline has
        ``fit_resample``, whose rows are floats.

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.over_sampling import SMOTE
    >>> from skgan_sampler.preprocessing import make_float_pipeline
    >>> X = np.array([[10, 200], [12, 190], [11, 195],
    ...               [200, 10], [190, 12], [195, 11]], dtype=np.uint8)
    >>> y = np.array([0, 0, 0, 0, 1, 1])
    >>> smote = make_float_pipeline(SMOTE(k_neighbors=1, random_state=0))
    >>> X_res, y_res = smote.fit_resample(X, y)
    >>> X_res[6:].round(1)
    array([[193.6,  11.3],
           [192. ,  11.6]], dtype=float32)
    """
    cast = FunctionTransformer(
        float_rows, kw_args={"dtype": dtype}, feature_names_out="one-to-one"
    )
    return make_pipeline(cast, *steps)
