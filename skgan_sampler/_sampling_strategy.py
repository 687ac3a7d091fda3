"""``sampling_strategy`` values beyond imbalanced-learn's strings and dicts."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np


class TopUp:
    """A ``sampling_strategy`` that tops each class up to a fraction of the largest.

    Every class with fewer than ``round(fraction * n_max)`` samples, ``n_max``
    the size of the largest class, grows to that many; the other classes get
    no new samples. ``TopUp(1.0)`` is the default ``"auto"`` (every class up
    to the largest); smaller fractions add fewer synthetic samples and keep
    more of the training set real. A fraction is the same request for any
    number of classes, where imbalanced-learn's float ``sampling_strategy``
    is for binary problems only, and it can be grid-searched like any other
    parameter value.

    Read more in the :ref:`User Guide <sampling_strategy>`.

    Parameters
    ----------
    fraction : float
        Target size of the smaller classes as a fraction of the largest
        class, in ``(0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> from skgan_sampler import TopUp
    >>> y = np.repeat([0, 1, 2], [400, 100, 30])
    >>> TopUp(0.5)(y)
    {1: 200, 2: 200}
    >>> TopUp(0.25)(y)
    {2: 100}
    """

    def __init__(self, fraction: float) -> None:
        if isinstance(fraction, bool) or not isinstance(fraction, Real):
            raise TypeError(
                f"TopUp's fraction must be a float in (0, 1], got "
                f"{type(fraction).__name__} {fraction!r}."
            )
        if not 0 < fraction <= 1:
            raise ValueError(
                f"TopUp's fraction must be in (0, 1], got {fraction!r}; "
                "1.0 tops every class up to the largest one."
            )
        self.fraction = float(fraction)

    def __call__(self, y: Any) -> dict:
        """The target size of each class of ``y`` that is below it."""
        classes, counts = np.unique(np.asarray(y), return_counts=True)
        target = max(1, round(self.fraction * counts.max()))
        return {
            label.item() if isinstance(label, np.generic) else label: target
            for label, count in zip(classes, counts, strict=True)
            if count < target
        }

    def __repr__(self) -> str:
        return f"TopUp({self.fraction!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TopUp) and other.fraction == self.fraction

    def __hash__(self) -> int:
        return hash((TopUp, self.fraction))
