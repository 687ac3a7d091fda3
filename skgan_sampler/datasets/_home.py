"""Where the dataset files are looked for: the data home."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the data home when ``data_home`` is not passed.
DATA_ENV_VAR = "SKGAN_SAMPLER_DATA"

# The data home when neither ``data_home`` nor DATA_ENV_VAR is given; "~" is
# expanded on every call, so that it follows the current HOME.
DEFAULT_DATA_HOME = "~/skgan_sampler_data"


def data_home_and_origin(
    data_home: str | os.PathLike[str] | None,
) -> tuple[Path, str]:
    """Return the data home and a phrase saying where it came from."""
    if data_home is not None:
        folder, origin = os.fspath(data_home), "the data_home argument"
    elif os.environ.get(DATA_ENV_VAR):
        folder = os.environ[DATA_ENV_VAR]
        origin = f"the environment variable {DATA_ENV_VAR}"
    else:
        folder, origin = DEFAULT_DATA_HOME, f"the default {DEFAULT_DATA_HOME}"
    return Path(os.path.expanduser(folder)), origin


def get_data_home(data_home: str | os.PathLike[str] | None = None) -> Path:
    """Return the folder the dataset loaders read their files from.

    The data home is, in this order: ``data_home`` when it is given, else the
    folder named by the environment variable ``SKGAN_SAMPLER_DATA`` when it is
    set and not empty, else ``~/skgan_sampler_data``. A leading ``~`` is
    expanded to the user's home folder.

    Unlike :func:`sklearn.datasets.get_data_home`, the folder is not created:
    the loaders never download, so nothing is ever written there, and the
    folder may be a read-only copy. Each dataset lives in a sub-folder named
    after it (``fashion_mnist/``, ``mnist/``, ``cifar10_jpeg/``); the loaders
    also accept the dataset's files directly in the data home.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use. None selects the environment variable or the
        default folder.

    Returns
    -------
    data_home : pathlib.Path
        The data home, with ``~`` expanded. It may not exist.

    See Also
    --------
    load_fashion_mnist : A loader reading its files from the data home.

    Examples
    --------
    >>> from pathlib import Path
    >>> from skgan_sampler.datasets import get_data_home
    >>> get_data_home("~/datasets") == Path.home() / "datasets"
    True
    """
    return data_home_and_origin(data_home)[0]
