"""Reading the dataset files: npz archives, IDX files and sha256 checks."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import gzip
import hashlib
import os
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np

#: The four arrays every dataset provides, in this order.
XY_KEYS = ("X_train", "y_train", "X_test", "y_test")

# IDX data type codes (third byte of the magic number), all big-endian.
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

# Hashing a large archive is slow, so a file unchanged since its last check
# (same path, size and modification time) is not hashed again.
_SHA256_CACHE: dict[tuple[str, int, int], str] = {}


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
    """Parse IDX bytes into a writable native-endian array.

    The IDX format (LeCun's MNIST format) is a big-endian header: two zero
    bytes, a data type code, the number of dimensions, then one 32-bit unsigned
    size per dimension, followed by the data in C order.
    """
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
    return data.astype(dtype.newbyteorder("="))


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file, gzip-compressed or not, into a numpy array."""
    return _parse_idx(_read_idx_bytes(path), source=str(path))


def read_npz_files(
    files: Sequence[tuple[Path, str | None]], title: str
) -> dict[str, np.ndarray]:
    """Check the sha256 of ``(path, sha256)`` npz files and return the XY_KEYS."""
    arrays: dict[str, np.ndarray] = {}
    for path, expected in files:
        _check_sha256(path, _file_sha256(path), expected, "")
        with np.load(path, allow_pickle=False) as npz:
            arrays.update({key: npz[key] for key in npz.files})
    missing = [key for key in XY_KEYS if key not in arrays]
    if missing:
        raise ValueError(
            f"The {title} files {[str(path) for path, _ in files]} lack the arrays "
            f"{missing}."
        )
    return {key: arrays[key] for key in XY_KEYS}


def read_idx_files(
    files: Sequence[tuple[Path, str | None]], image_shape: tuple[int, ...]
) -> dict[str, np.ndarray]:
    """Read the four IDX files of XY_KEYS, checking content hashes and shapes.

    The sha256 is that of the decompressed bytes, so that a gzipped and a
    plain copy of the same file both pass.
    """
    arrays = {}
    for key, (path, expected) in zip(XY_KEYS, files, strict=True):
        raw = _read_idx_bytes(path)
        actual = hashlib.sha256(raw).hexdigest()
        _check_sha256(path, actual, expected, " (decompressed content)")
        arrays[key] = _parse_idx(raw, source=str(path))
    for part in ("train", "test"):
        X, y = arrays[f"X_{part}"], arrays[f"y_{part}"]
        if X.ndim != 1 + len(image_shape) or X.shape[1:] != image_shape:
            raise ValueError(
                f"IDX images of the {part} set have shape {X.shape}; expected "
                f"(n, {', '.join(map(str, image_shape))})."
            )
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ValueError(
                f"IDX labels of the {part} set have shape {y.shape}; expected "
                f"({X.shape[0]},)."
            )
    return arrays
