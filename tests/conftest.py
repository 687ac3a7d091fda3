"""Fixtures shared by the test modules."""

# Authors: skgan_sampler developers
# License: MIT

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

# The library never guesses where the data is; the tests may know the layout
# of this project's checkouts, where the data sits in ../shared/data.
_REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def real_data_home():
    """The data home of the tests marked ``real_data``.

    ``SKGAN_SAMPLER_DATA`` when it is set, else ``<repository>/../shared/data``.
    The folder is not checked here: a loader given a folder without the data
    raises ``FileNotFoundError``, so the test fails instead of being skipped.
    """
    folder = os.environ.get("SKGAN_SAMPLER_DATA")
    return Path(folder) if folder else _REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def one_torch_thread():
    """Train on one torch thread, as the docs build does, then restore.

    Tiny networks gain nothing from a second thread, and on the 2-core
    development machine, busy with other processes, fits ran ten to twenty
    times slower on torch's default of one thread per core.
    """
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n_threads)


@pytest.fixture(scope="session")
def float_digits():
    """scikit-learn's digits: float32 rows of 8x8 images, and their labels."""
    X, y = load_digits(return_X_y=True)
    return X.astype(np.float32), y


@pytest.fixture(scope="session")
def imbalanced_float_digits(float_digits):
    """All ten digits, 60 images each but 3, 5 and 8: 4, 12 and 30 images."""
    X, y = float_digits
    counts = {3: 4, 5: 12, 8: 30}
    keep = np.concatenate(
        [np.flatnonzero(y == c)[: counts.get(c, 60)] for c in range(10)]
    )
    return X[keep], y[keep]
