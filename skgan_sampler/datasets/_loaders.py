"""Loaders of Fashion-MNIST, MNIST and the JPEG CIFAR-10 copy from local files."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from sklearn.utils import Bunch

from ._catalog import DATASETS, DatasetSpec
from ._files import read_idx_files, read_npz_files
from ._home import DATA_ENV_VAR, DEFAULT_DATA_HOME, data_home_and_origin

_F = TypeVar("_F", bound=Callable[..., object])

_LOADER_DOCS = {
    "data_home": """data_home : str or path-like, default=None
        Folder holding the dataset's files, either directly or in a
        sub-folder named after the dataset. None uses the folder named by
        the environment variable ``SKGAN_SAMPLER_DATA``, else
        ``~/skgan_sampler_data``; see :func:`get_data_home`.""",
    "return_X_y": """return_X_y : bool, default=False
        If True, return ``(X_train, y_train, X_test, y_test)`` instead of a
        Bunch.""",
    "bunch_metadata": """target_names : list of str
            Name of each label, ``target_names[label]``, as in
            scikit-learn's loaders and :func:`load_image_folder`.
        image_shape : tuple of int
            Shape of one image.
        DESCR : str
            Description of the dataset.
        filenames : list of str
            The files the arrays were read from.

    (X_train, y_train, X_test, y_test) : tuple of ndarray
        Returned instead of ``data`` when ``return_X_y=True``.""",
    "raises": """FileNotFoundError
        If the data home does not hold the files; the message names the
        folders searched and the ways to point the loader at the data.
    ValueError
        If a file's sha256 differs from the expected one.""",
}


def _fill_loader_doc(func: _F) -> _F:
    """Format the shared ``_LOADER_DOCS`` into a loader's docstring."""
    if func.__doc__:  # None under ``python -OO``
        func.__doc__ = func.__doc__.format(**_LOADER_DOCS)
    return func


def _normalize(path: Path) -> Path:
    return Path(os.path.normpath(os.path.abspath(path)))


def _candidate_dirs(spec: DatasetSpec, home: Path) -> list[Path]:
    """Folders searched for ``spec``'s files, in order, without duplicates."""
    dirs = [home, home / spec.subdir, *map(Path, spec.system_dirs)]
    return list(dict.fromkeys(_normalize(folder) for folder in dirs))


def _find_idx_file(folder: Path, base: str) -> Path | None:
    for name in (base + ".gz", base):
        path = folder / name
        if path.is_file():
            return path
    return None


def _not_found(spec: DatasetSpec, home: Path, origin: str, notes: list[str]) -> str:
    """The FileNotFoundError message: what was searched and how to fix it."""
    wanted = " and ".join(name for name, _ in spec.npz_files)
    if spec.idx_files:
        idx_names = ", ".join(f"{base}[.gz]" for base, _ in spec.idx_files)
        wanted += f", or the four IDX files {idx_names}"
    example = f"{spec.subdir}/{spec.npz_files[0][0]}"
    how = [
        f"pass data_home=<folder holding {example}>",
        f"set the environment variable {DATA_ENV_VAR} to such a folder and pass "
        "no data_home",
        f"copy the files into {DEFAULT_DATA_HOME}/{spec.subdir}/, the default "
        "data home",
    ]
    if spec.install_hint:
        how.append(spec.install_hint)
    return "\n".join(
        [
            f"Could not find the {spec.title} data ({wanted}). Looked in:",
            *notes,
            f"The data home {home} comes from {origin}. Nothing is ever downloaded. "
            "To provide the data, either",
            *(f"  - {item}" for item in how),
        ]
    )


def _locate(
    spec: DatasetSpec, data_home: str | os.PathLike[str] | None
) -> tuple[str, list[Path]]:
    """Return ``("npz" | "idx", paths)`` for the first folder holding the data."""
    home, origin = data_home_and_origin(data_home)
    notes = []
    for folder in _candidate_dirs(spec, home):
        if not folder.is_dir():
            why = "not a folder" if folder.exists() else "does not exist"
            notes.append(f"  - {folder} ({why})")
            continue
        npz_paths = [folder / name for name, _ in spec.npz_files]
        present = [path.is_file() for path in npz_paths]
        if all(present):
            return "npz", npz_paths
        if spec.idx_files:
            idx_paths = [_find_idx_file(folder, base) for base, _ in spec.idx_files]
            if all(path is not None for path in idx_paths):
                return "idx", [path for path in idx_paths if path is not None]
        if any(present):
            missing = [
                path.name for path, ok in zip(npz_paths, present, strict=True) if not ok
            ]
            notes.append(f"  - {folder} (incomplete: missing {', '.join(missing)})")
        else:
            notes.append(f"  - {folder} (no matching files)")
    raise FileNotFoundError(_not_found(spec, _normalize(home), origin, notes))


def _load(
    name: str, data_home: str | os.PathLike[str] | None, return_X_y: bool
) -> Bunch | tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    spec = DATASETS[name]
    kind, paths = _locate(spec, data_home)
    if kind == "npz":
        hashes = [sha256 for _, sha256 in spec.npz_files]
        arrays = read_npz_files(list(zip(paths, hashes, strict=True)), spec.title)
    else:
        hashes = [sha256 for _, sha256 in spec.idx_files]
        files = list(zip(paths, hashes, strict=True))
        arrays = read_idx_files(files, spec.image_shape)
    X_train, X_test = arrays["X_train"], arrays["X_test"]
    y_train = np.asarray(arrays["y_train"], dtype=np.int64)
    y_test = np.asarray(arrays["y_test"], dtype=np.int64)
    if return_X_y:
        return X_train, y_train, X_test, y_test
    return Bunch(
        X_train=X_train,
        y_train=y_train,
        X_test=X_test,
        y_test=y_test,
        target_names=list(spec.target_names),
        image_shape=spec.image_shape,
        DESCR=spec.descr,
        filenames=[str(path) for path in paths],
    )


@_fill_loader_doc
def load_fashion_mnist(
    *, data_home: str | os.PathLike[str] | None = None, return_X_y: bool = False
) -> Bunch | tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load Fashion-MNIST from local files (never downloads).

    Reads ``fashion_mnist.npz`` or, in a folder without it, the four upstream
    IDX files ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each
    gzip-compressed with a ``.gz`` suffix or not), and verifies their sha256.
    After the data home, the loader looks in
    ``/usr/share/datasets/fashion-mnist``, where the Debian package
    ``dataset-fashion-mnist`` installs the IDX files.

    Parameters
    ----------
    {data_home}
    {return_X_y}

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes

        X_train : ndarray of shape (60000, 28, 28), dtype uint8
            Training images, pixel values 0..255.
        y_train : ndarray of shape (60000,), dtype int64
            Training labels 0..9 (6,000 per class).
        X_test : ndarray of shape (10000, 28, 28), dtype uint8
            Test images.
        y_test : ndarray of shape (10000,), dtype int64
            Test labels (1,000 per class).
        {bunch_metadata}

    Raises
    ------
    {raises}

    See Also
    --------
    get_data_home : The folder the loaders read from.

    Examples
    --------
    >>> from skgan_sampler.datasets import load_fashion_mnist
    >>> data = load_fashion_mnist()  # doctest: +SKIP
    >>> data.X_train.shape, data.X_train.dtype  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))
    >>> data.target_names[9]  # doctest: +SKIP
    'Ankle boot'
    """
    return _load("fashion_mnist", data_home, return_X_y)


@_fill_loader_doc
def load_mnist(
    *, data_home: str | os.PathLike[str] | None = None, return_X_y: bool = False
) -> Bunch | tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load MNIST from the local file ``mnist.npz`` (never downloads).

    The file's sha256 is verified. The images are the original MNIST pixels in
    the original order.

    Parameters
    ----------
    {data_home}
    {return_X_y}

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes

        X_train : ndarray of shape (60000, 28, 28), dtype uint8
            Training images, pixel values 0..255.
        y_train : ndarray of shape (60000,), dtype int64
            Training labels 0..9 (5,421 to 6,742 per class).
        X_test : ndarray of shape (10000, 28, 28), dtype uint8
            Test images.
        y_test : ndarray of shape (10000,), dtype int64
            Test labels.
        {bunch_metadata}

    Raises
    ------
    {raises}

    See Also
    --------
    get_data_home : The folder the loaders read from.

    Examples
    --------
    >>> from skgan_sampler.datasets import load_mnist
    >>> X_train, y_train, X_test, y_test = load_mnist(
    ...     return_X_y=True)  # doctest: +SKIP
    >>> X_train.shape, X_test.shape  # doctest: +SKIP
    ((60000, 28, 28), (10000, 28, 28))
    """
    return _load("mnist", data_home, return_X_y)


@_fill_loader_doc
def load_cifar10_jpeg(
    *, data_home: str | os.PathLike[str] | None = None, return_X_y: bool = False
) -> Bunch | tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load the JPEG re-encoded (lossy) CIFAR-10 copy from local files.

    **These are not the original CIFAR-10 pixels**: every image was re-encoded
    as JPEG (quality about 75, with chroma subsampling), so it shows JPEG
    artefacts. Compare methods with each other on this copy only, never with
    absolute numbers from papers that use the original CIFAR-10. The training
    part is a subset of 1,000 images per class; the test part is the full test
    set. Reads ``cifar10_jpeg_train_1000_per_class.npz`` and
    ``cifar10_jpeg_test.npz`` and verifies their sha256; never downloads.

    Parameters
    ----------
    {data_home}
    {return_X_y}

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes

        X_train : ndarray of shape (10000, 32, 32, 3), dtype uint8
            Training images, RGB, channels last.
        y_train : ndarray of shape (10000,), dtype int64
            Training labels 0..9 (1,000 per class).
        X_test : ndarray of shape (10000, 32, 32, 3), dtype uint8
            Test images.
        y_test : ndarray of shape (10000,), dtype int64
            Test labels (1,000 per class).
        {bunch_metadata}

    Raises
    ------
    {raises}

    See Also
    --------
    get_data_home : The folder the loaders read from.

    Examples
    --------
    >>> from skgan_sampler.datasets import load_cifar10_jpeg
    >>> data = load_cifar10_jpeg()  # doctest: +SKIP
    >>> data.X_train.shape, data.image_shape  # doctest: +SKIP
    ((10000, 32, 32, 3), (32, 32, 3))
    """
    return _load("cifar10_jpeg", data_home, return_X_y)
