"""Timing helpers shared by ``performance.py`` and ``probes/generation_speed.py``.

How fast a fitted sampler generates, which labels it is asked for, and the
device synchronisation every wall-clock measurement of torch work needs on a
GPU (CUDA kernels run asynchronously: without it a timer stops before the
work is done).
"""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch


def synchronize() -> None:
    """Wait for queued CUDA work; nothing to wait for on a CPU."""
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def generation_labels(sampler: Any, n_images: int) -> np.ndarray:
    """``n_images`` labels cycling through the classes a fitted sampler oversampled.

    The classes with a positive ``sampling_strategy_`` entry: the minority
    classes under the default strategy, the ones every sampler can generate
    (GAMO learns no others).
    """
    classes = [c for c, n in sampler.sampling_strategy_.items() if n > 0]
    return np.resize(np.asarray(classes), n_images)


def filter_settings(sampler: Any) -> list[bool | None]:
    """The ``discriminator_filter`` values to time a sampler with, default first.

    ``[None]`` for a sampler without the parameter.
    """
    default = sampler.get_params().get("discriminator_filter")
    return [None] if default is None else [default, not default]


def images_per_second(sampler: Any, labels: np.ndarray, repeats: int) -> float:
    """Best-of-``repeats`` generation rate for ``labels``, in images per second."""
    best = np.inf
    for repeat in range(repeats):
        synchronize()
        start = time.perf_counter()
        sampler.generate(labels, random_state=repeat)
        synchronize()
        best = min(best, time.perf_counter() - start)
    return len(labels) / best
