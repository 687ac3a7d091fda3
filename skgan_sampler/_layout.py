"""Rows <-> network tensors: image layout, scaling to [-1, 1] and back, dtypes.

The layout convention, used at every public entry point of the package:

* ``X`` is a 2-D array of rows, one sample per row. With ``image_shape=None``
  the rows are tabular features.
* With ``image_shape=(H, W)`` or ``(H, W, C)`` each row is one image flattened
  in C order from a channels-last ``(H, W, C)`` array, the layout of
  ``numpy``, PIL, Keras and ``sklearn.datasets.load_digits().data``.
* 3-D arrays ``(n, H, W)`` and 4-D arrays ``(n, H, W, C)`` are accepted as a
  convenience; they are read with the same channels-last convention and
  results come back in the same shape.
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np


def split_array_shape(X) -> tuple[object, tuple[int, ...] | None]:
    """Flatten a 3-D or 4-D image array to rows.

    Returns the 2-D rows (``X`` itself for anything that is not a 3-D/4-D
    array) and the trailing image shape, or None when ``X`` was not N-D.
    """
    ndim = getattr(X, "ndim", None)
    if ndim in (3, 4) and hasattr(X, "reshape"):
        return X.reshape(X.shape[0], -1), tuple(int(s) for s in X.shape[1:])
    return X, None


def restore_array_shape(X, array_shape: tuple[int, ...] | None):
    """Undo :func:`split_array_shape` on rows (no-op when it did nothing)."""
    if array_shape is None:
        return X
    return X.reshape((X.shape[0], *array_shape))


# dtype kinds of NumPy's and pandas' nullable dtypes: integers are rounded,
# booleans drawn, floats kept.
_ROUNDED_KINDS = "iu"
_DRAWN_KINDS = "b"
_GENERATED_KINDS = "iubf"


def check_column_dtypes(X) -> None:
    """Raise a ValueError naming the first DataFrame column no sampler can generate.

    Numeric and boolean columns (NumPy or pandas nullable dtypes) are fine;
    anything else (categories, strings, dates) fails before any training.
    """
    for column, dtype in getattr(X, "dtypes", {}).items():
        if getattr(dtype, "kind", "O") not in _GENERATED_KINDS:
            raise ValueError(
                f"Column {column!r} of X has dtype {dtype}, which the sampler "
                "cannot generate. Convert it to a numeric or boolean dtype "
                "first (for example, one-hot encode a categorical column)."
            )


def resolve_image_shape(
    image_shape, array_shape: tuple[int, ...] | None, n_features: int
) -> tuple[int, int, int] | None:
    """Check ``image_shape`` against the data and return it as ``(H, W, C)``.

    ``array_shape`` is the trailing shape of a 3-D/4-D input, which stands in
    for ``image_shape`` when that is None and must agree with it otherwise.
    """
    if image_shape is None and array_shape is not None:
        image_shape = array_shape
    if image_shape is None:
        return None
    image_shape = tuple(image_shape)
    if len(image_shape) not in (2, 3) or not all(
        isinstance(side, Integral) and side >= 1 for side in image_shape
    ):
        raise ValueError(
            "image_shape must be (height, width) or (height, width, channels) "
            f"with positive integers; got image_shape={image_shape!r}."
        )
    if array_shape is not None and tuple(array_shape) != image_shape:
        if not (len(image_shape) == 2 and tuple(array_shape) == (*image_shape, 1)):
            raise ValueError(
                f"X has images of shape {tuple(array_shape)} but "
                f"image_shape={image_shape!r}. Pass matching image_shape or None."
            )
    height, width, channels = (*image_shape, 1)[:3]
    if height * width * channels != n_features:
        raise ValueError(
            f"image_shape={image_shape!r} describes {height * width * channels} "
            f"values per image but X has {n_features} features per row. Pass the "
            "shape of one image, e.g. image_shape=(28, 28) for 784 features, or "
            "image_shape=None for tabular data."
        )
    return int(height), int(width), int(channels)


@dataclass(frozen=True)
class DataLayout:
    """How rows of ``X`` map to the generator's tensors in [-1, 1] and back.

    Images are scaled with one global range (pixels share a scale); tabular
    features each with their own range. Constant features map to 0.

    Attributes
    ----------
    image_shape : tuple of int or None
        ``(H, W, C)`` for images, None for tabular rows.
    data_min, data_max : ndarray
        Range of the training data (a scalar for images, one per feature for
        tabular rows); generated values are clipped to it.
    dtype : numpy dtype
        The dtype of the training ``X``, restored on output.
    rounded : ndarray of bool of shape (n_features,)
        Features of an integer dtype (of ``X``, or of the DataFrame column
        they came from): their generated values are rounded.
    drawn : ndarray of bool of shape (n_features,)
        Features of a boolean dtype: a generated value ``p`` in [0, 1] is
        True with probability ``p``, so that a feature's frequency follows
        what the generator learnt rather than a threshold's majority.
    """

    image_shape: tuple[int, int, int] | None
    data_min: np.ndarray
    data_max: np.ndarray
    dtype: np.dtype
    rounded: np.ndarray
    drawn: np.ndarray

    @classmethod
    def from_data(
        cls,
        X: np.ndarray,
        image_shape: tuple[int, int, int] | None,
        column_dtypes=None,
    ) -> DataLayout:
        """The layout of ``X``; ``column_dtypes`` are a DataFrame's, if any."""
        if image_shape is None:
            data_min, data_max = X.min(axis=0), X.max(axis=0)
        else:
            data_min, data_max = X.min(), X.max()
        dtypes = [X.dtype] * X.shape[1] if column_dtypes is None else column_dtypes
        return cls(
            image_shape=image_shape,
            data_min=np.asarray(data_min, dtype=np.float64),
            data_max=np.asarray(data_max, dtype=np.float64),
            dtype=X.dtype,
            rounded=np.array([dtype.kind in _ROUNDED_KINDS for dtype in dtypes]),
            drawn=np.array([dtype.kind in _DRAWN_KINDS for dtype in dtypes]),
        )

    @property
    def network_shape(self) -> tuple[int, ...]:
        """Shape of one sample as the networks see it: (C, H, W) or (d,)."""
        if self.image_shape is None:
            return (self.data_min.shape[0],)
        height, width, channels = self.image_shape
        return (channels, height, width)

    def _half_range(self) -> np.ndarray:
        half = (self.data_max - self.data_min) / 2.0
        return np.where(half > 0, half, 1.0)

    def to_network(self, X: np.ndarray) -> np.ndarray:
        """Rows -> float32 network inputs in [-1, 1] of :attr:`network_shape`."""
        centre = (self.data_max + self.data_min) / 2.0
        scaled = (np.asarray(X, dtype=np.float64) - centre) / self._half_range()
        scaled = scaled.astype(np.float32)
        if self.image_shape is None:
            return scaled
        images = scaled.reshape((-1, *self.image_shape))
        return np.ascontiguousarray(images.transpose(0, 3, 1, 2))

    def from_network(
        self, outputs: np.ndarray, uniforms: np.ndarray | None = None
    ) -> np.ndarray:
        """Network outputs -> rows in the training data's range and dtype.

        Integer features are rounded and clipped (never truncated), so
        generated uint8 images look like their float counterparts. Boolean
        features are True where ``uniforms`` (U(0, 1) draws, one per row and
        boolean feature) lie below the generated value.
        """
        outputs = np.asarray(outputs)
        if self.image_shape is not None:
            outputs = outputs.transpose(0, 2, 3, 1)
        # float64 holds the product of a float32 output and the range
        # exactly. One copy, then in-place arithmetic: no temporary per step.
        rows = np.array(outputs, dtype=np.float64, order="C")
        rows = rows.reshape(len(rows), int(np.prod(rows.shape[1:])))
        rows *= self._half_range()
        rows += (self.data_max + self.data_min) / 2.0
        # The training range lies within the dtype's, so clipping to it
        # before rounding keeps integers in range.
        np.clip(rows, self.data_min, self.data_max, out=rows)
        if self.rounded.all():
            np.rint(rows, out=rows)
        elif self.rounded.any():
            rows[:, self.rounded] = np.rint(rows[:, self.rounded])
        if self.drawn.any():
            rows[:, self.drawn] = uniforms < rows[:, self.drawn]
        return rows.astype(self.dtype)

    def n_uniforms(self, n_rows: int) -> tuple[int, int]:
        """Shape of the U(0, 1) draws :meth:`from_network` needs for ``n_rows``."""
        return n_rows, int(self.drawn.sum())
