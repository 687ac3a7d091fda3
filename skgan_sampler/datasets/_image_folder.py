"""Reading and writing folders of image files, one sub-folder per class."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from numbers import Integral
from pathlib import Path
from typing import Any, Literal

import numpy as np
from PIL import Image
from sklearn.utils import Bunch

_COLOR_MODES = ("auto", "grey", "rgb")

# Pillow modes whose pixels are grey levels; "auto" reads a tree grey when
# every file is stored in one of them. An alpha channel is dropped.
_GREY_MODES = frozenset({"1", "L", "LA", "La"})


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool; got {value!r}.")
    return bool(value)


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value}.")
    return int(value)


def _check_path(path: Any, name: str = "path") -> Path:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{name} must be a str or path-like; got {path!r}.")
    return Path(os.path.expanduser(os.fspath(path)))


def _positive_ints(value: Any, name: str, expected: str) -> tuple[int, ...]:
    """``value`` as a tuple of positive ints, else an error naming ``name``."""
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise TypeError(f"{name} must be a tuple {expected}; got {value!r}.")
    if not all(
        isinstance(side, Integral) and not isinstance(side, bool | np.bool_)
        for side in value
    ) or any(side < 1 for side in value):
        raise ValueError(
            f"{name} must be a tuple {expected} of positive ints; got {value!r}."
        )
    return tuple(int(side) for side in value)


def _check_image_size(image_size: Any) -> tuple[int, int] | None:
    if image_size is None:
        return None
    size = _positive_ints(image_size, "image_size", "(height, width)")
    if len(size) != 2:
        raise ValueError(
            f"image_size must be a tuple (height, width); got {image_size!r}."
        )
    return size[0], size[1]


def _check_image_shape(image_shape: Any) -> tuple[int, ...]:
    expected = "(height, width) or (height, width, channels)"
    shape = _positive_ints(image_shape, "image_shape", expected)
    if len(shape) not in (2, 3) or (len(shape) == 3 and shape[2] not in (1, 3)):
        raise ValueError(
            "image_shape must be (height, width) for grey images or (height, width, "
            f"channels) with 1 or 3 channels; got {image_shape!r}."
        )
    return shape


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _class_files(class_dir: Path) -> list[Path]:
    """The non-hidden files under ``class_dir``, in sorted path order."""
    files = []
    # Sub-folders are followed, symbolic links included, as torchvision's
    # ImageFolder does.
    for folder, dirnames, filenames in os.walk(class_dir, followlinks=True):
        dirnames[:] = [name for name in dirnames if not _is_hidden(name)]
        files += [Path(folder, name) for name in filenames if not _is_hidden(name)]
    return sorted(files, key=lambda file: file.relative_to(class_dir).parts)


def _unreadable(file: Path, error: Exception) -> ValueError:
    return ValueError(
        f"Could not read {file} as an image ({type(error).__name__}: {error}). "
        "Every file under a class folder must be an image that Pillow reads; "
        "remove this file or move it out of the tree (names starting with '.' "
        "are ignored)."
    )


def _open(file: Path) -> Image.Image:
    """Open ``file`` lazily (header only), with errors that name it."""
    try:
        image = Image.open(file)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise _unreadable(file, error) from error
    if image.mode in ("I", "F") or image.mode.startswith("I;"):
        image.close()
        # Converting them to 8 bits would clip the values silently.
        raise ValueError(
            f"{file} holds {image.mode!r} pixels (16-bit or floating point), but "
            "load_image_folder reads 8-bit images; convert the file to 8 bits "
            "first."
        )
    return image


def load_image_folder(
    path: str | os.PathLike[str],
    *,
    image_size: tuple[int, int] | None = None,
    color_mode: Literal["auto", "grey", "rgb"] = "auto",
    return_X_y: bool = False,
) -> Bunch | tuple[np.ndarray, np.ndarray]:
    """Load a folder of image files, one sub-folder per class.

    The folder is laid out as torchvision's ``ImageFolder`` reads it:
    ``path/<class name>/<image file>``, the class of an image being the name
    of the top-level sub-folder holding it (files in deeper sub-folders belong
    to that class too). Every image format Pillow reads is accepted (PNG,
    JPEG, BMP, TIFF, ...). Images are returned as rows of ``uint8`` pixels,
    each row one image flattened channels-last in C order: the layout of
    ``sklearn.datasets.load_digits().data`` that every sampler of the package
    reads with ``image_shape``.

    Names starting with ``'.'`` (hidden files and folders, such as
    ``.DS_Store``) are ignored, and so are files directly in ``path``. Every
    other file under a class folder must be an image: a file that cannot be
    read raises an error naming it, nothing is skipped silently.

    Read more in the :ref:`User Guide <image_folders>`.

    Parameters
    ----------
    path : str or path-like
        The folder holding one sub-folder per class. A leading ``~`` is
        expanded to the user's home folder.
    image_size : tuple of int (height, width), default=None
        Resize every image to this size, with Pillow's bilinear filter
        (antialiased when shrinking); the aspect ratio is not kept. None
        keeps the files' size, which must then be the same for all of them.
    color_mode : {"auto", "grey", "rgb"}, default="auto"
        ``"grey"`` converts every image to one grey channel and ``"rgb"`` to
        three colour channels; an alpha channel is dropped. ``"auto"`` reads
        grey when every file is stored grey (Pillow modes ``"1"``, ``"L"``
        and ``"LA"``) and RGB otherwise.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the attributes

        data : ndarray of shape (n_images, height * width * channels), dtype uint8
            One image per row, flattened channels-last in C order; pixel
            values 0..255. Rows are sorted by class, then by file path.
        target : ndarray of shape (n_images,), dtype int64
            Class code of each image, an index into ``target_names``.
        target_names : list of str
            The class folder names, sorted.
        image_shape : tuple of int
            Shape of one image: ``(height, width)`` for grey images,
            ``(height, width, 3)`` for RGB ones. Pass it as the samplers'
            ``image_shape``.
        filenames : ndarray of shape (n_images,), dtype str
            The file each row was read from.

    (data, target) : tuple of ndarray
        Returned instead of the Bunch when ``return_X_y=True``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    NotADirectoryError
        If ``path`` is not a folder.
    ValueError
        If ``path`` holds no class folder, a class folder holds no image, a
        file cannot be read as an 8-bit image, or, without ``image_size``,
        the images differ in size. The message names the file or folder.

    See Also
    --------
    save_image_folder : Write rows of images as such a folder tree.
    save_image_grid : Write rows of images as one grid image.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from skgan_sampler.datasets import load_image_folder, save_image_folder
    >>> X = np.array([[0, 255, 255, 0], [255, 0, 0, 255], [9, 9, 9, 9]], np.uint8)
    >>> y = np.array(["cat", "cat", "dog"])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = save_image_folder(X, y, folder, image_shape=(2, 2))
    ...     data = load_image_folder(folder)
    ...     upscaled = load_image_folder(folder, image_size=(4, 4), color_mode="rgb")
    >>> data.data
    array([[  0, 255, 255,   0],
           [255,   0,   0, 255],
           [  9,   9,   9,   9]], dtype=uint8)
    >>> data.target, data.target_names, data.image_shape
    (array([0, 0, 1]), ['cat', 'dog'], (2, 2))
    >>> upscaled.data.shape, upscaled.image_shape
    ((3, 48), (4, 4, 3))
    """
    root = _check_path(path)
    size = _check_image_size(image_size)
    if color_mode not in _COLOR_MODES:
        raise ValueError(
            f"color_mode must be one of {', '.join(map(repr, _COLOR_MODES))}; got "
            f"{color_mode!r}."
        )
    return_X_y = _check_bool(return_X_y, "return_X_y")
    if not root.exists():
        raise FileNotFoundError(f"The image folder {root} does not exist.")
    if not root.is_dir():
        raise NotADirectoryError(
            f"{root} is not a folder; load_image_folder reads a folder holding one "
            "sub-folder of images per class."
        )

    class_dirs = sorted(
        (
            entry
            for entry in root.iterdir()
            if entry.is_dir() and not _is_hidden(entry.name)
        ),
        key=lambda entry: entry.name,
    )
    if not class_dirs:
        raise ValueError(
            f"{root} holds no class folder. load_image_folder reads one sub-folder "
            f"per class, each holding the images of its class: "
            f"{root / '<class name>' / '<image file>'}."
        )
    files, target = [], []
    for code, class_dir in enumerate(class_dirs):
        class_files = _class_files(class_dir)
        if not class_files:
            raise ValueError(
                f"The class folder {class_dir} holds no image file; add its images "
                "or remove the folder (names starting with '.' are ignored)."
            )
        files += class_files
        target += [code] * len(class_files)

    # A first pass reads only the headers: it finds unreadable files and size
    # mismatches before any decoding, and "auto" needs every file's mode.
    all_grey, first_file, first_size = True, files[0], None
    for file in files:
        with _open(file) as image:
            all_grey = all_grey and image.mode in _GREY_MODES
            if first_size is None:
                first_size = image.size
            elif size is None and image.size != first_size:
                raise ValueError(
                    f"The images differ in size: {file} is {image.height}x"
                    f"{image.width} (height x width) but {first_file} is "
                    f"{first_size[1]}x{first_size[0]}. Pass image_size=(height, "
                    "width) to resize every image to one size."
                )
    grey = color_mode == "grey" or (color_mode == "auto" and all_grey)
    height, width = size if size is not None else (first_size[1], first_size[0])
    image_shape = (height, width) if grey else (height, width, 3)

    data = np.empty((len(files), math.prod(image_shape)), dtype=np.uint8)
    for row, file in zip(data, files, strict=True):
        with _open(file) as image:
            try:
                converted = image.convert("L" if grey else "RGB")
            except (OSError, SyntaxError, ValueError) as error:  # truncated data
                raise _unreadable(file, error) from error
        if size is not None and converted.size != (width, height):
            converted = converted.resize((width, height), Image.Resampling.BILINEAR)
        row[:] = np.asarray(converted).reshape(-1)

    target_array = np.asarray(target, dtype=np.int64)
    if return_X_y:
        return data, target_array
    return Bunch(
        data=data,
        target=target_array,
        target_names=[class_dir.name for class_dir in class_dirs],
        image_shape=image_shape,
        filenames=np.asarray([str(file) for file in files]),
    )


def _image_array(X: Any, image_shape: Any) -> np.ndarray:
    """``X`` as uint8 images of shape ``(n_images, *image_shape)``."""
    shape = _check_image_shape(image_shape)
    X = np.asarray(X)
    if X.dtype.kind not in "uif":
        raise TypeError(f"X must hold numbers (pixel values); got dtype {X.dtype}.")
    if X.ndim < 2 or X.shape[1:] not in ((math.prod(shape),), shape):
        raise ValueError(
            f"X must be of shape (n_images, {math.prod(shape)}) (flattened rows) or "
            f"(n_images, {', '.join(map(str, shape))}) for image_shape={shape}; got "
            f"shape {X.shape}."
        )
    if X.shape[0] == 0:
        raise ValueError("X holds no image.")
    if X.dtype != np.uint8:
        if not np.isfinite(X).all() or X.min() < 0 or X.max() > 255:
            raise ValueError(
                "X must hold pixel values in 0..255; got values in "
                f"[{X.min()}, {X.max()}]. Rescale the images first, for instance "
                "X * (255 / X.max())."
            )
        # Generated float pixels round to the nearest level, not down.
        X = np.rint(X).astype(np.uint8)
    return X.reshape(X.shape[0], *shape)


def _to_pil(image: np.ndarray) -> Image.Image:
    """A uint8 ``(H, W)``, ``(H, W, 1)`` or ``(H, W, 3)`` array as an L or RGB image."""
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    return Image.fromarray(np.ascontiguousarray(image))


def _check_writable(files: list[Path], overwrite: bool) -> None:
    """Refuse, before writing anything, to replace files unless asked."""
    existing = [file for file in files if file.exists()]
    if existing and not overwrite:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise FileExistsError(
            f"{existing[0]}{more} already exists; pass overwrite=True to replace "
            "it, or write somewhere else."
        )


def _write_png(image: np.ndarray, file: Path, overwrite: bool) -> None:
    # Mode "x" makes the refusal hold even for a file created since the check.
    with open(file, "wb" if overwrite else "xb") as handle:
        _to_pil(image).save(handle, format="PNG")


def _folder_names(classes: np.ndarray) -> list[str]:
    """Folder name of each class; sorted names keep the order of the classes."""
    if classes.dtype.kind in "ui" and classes.min() >= 0:
        # Zero-padded, so that "10" is not read back before "2".
        width = len(str(classes.max()))
        names = [f"{label:0{width}d}" for label in classes.tolist()]
    else:
        names = [str(label) for label in classes.tolist()]
    for label, name in zip(classes.tolist(), names, strict=True):
        if not name or _is_hidden(name) or any(c in name for c in "/\\\0"):
            raise ValueError(
                f"The label {label!r} cannot be a folder name: it is empty, starts "
                "with '.' or holds a path separator. Map the labels to names "
                "first, for instance np.asarray(names)[y]."
            )
    if len(set(names)) < len(names):
        raise ValueError(
            f"The labels {classes.tolist()} give the same folder name to two "
            "classes; map them to distinct names first."
        )
    return names


def save_image_folder(
    X: Any,
    y: Any,
    path: str | os.PathLike[str],
    *,
    image_shape: tuple[int, ...],
    overwrite: bool = False,
) -> np.ndarray:
    """Write images as PNG files, one sub-folder per class.

    The way back of :func:`load_image_folder`: row ``i`` of ``X`` becomes the
    file ``path/<label>/<i>.png``, the number zero-padded so that file names
    sort in row order. PNG is lossless, so ``load_image_folder`` reads the
    same pixels back, sorted by class. Missing folders are created; files
    already in them are left alone.

    Read more in the :ref:`User Guide <image_folders>`.

    Parameters
    ----------
    X : array-like of shape (n_images, n_pixels)
        The images as flattened channels-last rows, the samplers' layout
        (``n_pixels`` is the product of ``image_shape``), or as an array of
        shape ``(n_images,) + image_shape``. Pixel values must be in 0..255;
        float values are rounded to the nearest integer.
    y : array-like of shape (n_images,)
        Class label of each image, which names its folder: ``str(label)``,
        with non-negative integer labels zero-padded to a common width (so
        that ``load_image_folder`` gives them back as codes in the same
        order). To use class names, pass them: ``np.asarray(names)[y]``.
    path : str or path-like
        The folder to write the class folders into; created if needed. A
        leading ``~`` is expanded to the user's home folder.
    image_shape : tuple of int
        Shape of one image: ``(height, width)`` or ``(height, width, 1)`` for
        grey images, ``(height, width, 3)`` for RGB ones.
    overwrite : bool, default=False
        Whether to replace files of the same names. By default nothing is
        written when any of the files exists. Files of other names (from an
        earlier, larger call, say) are never removed, and
        ``load_image_folder`` would read them too.

    Returns
    -------
    filenames : ndarray of shape (n_images,), dtype str
        The file written for each row of ``X``.

    Raises
    ------
    FileExistsError
        If one of the files exists and ``overwrite=False``.
    ValueError
        If the shape of ``X`` does not match ``image_shape`` or ``y``, a pixel
        value is outside 0..255, or a label cannot be a folder name.

    See Also
    --------
    load_image_folder : Read such a folder tree back.
    save_image_grid : Write rows of images as one grid image.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from skgan_sampler.datasets import save_image_folder
    >>> X = np.zeros((3, 8 * 8 * 3), dtype=np.uint8)  # three black RGB images
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     filenames = save_image_folder(X, [7, 7, 12], folder, image_shape=(8, 8, 3))
    ...     print([Path(name).relative_to(folder).as_posix() for name in filenames])
    ['07/0.png', '07/1.png', '12/2.png']
    """
    images = _image_array(X, image_shape)
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != len(images):
        raise ValueError(
            f"y must be 1-dimensional with one label per image ({len(images)}); got "
            f"shape {y.shape}."
        )
    root = _check_path(path)
    overwrite = _check_bool(overwrite, "overwrite")
    classes, codes = np.unique(y, return_inverse=True)
    folders = [root / name for name in _folder_names(classes)]
    width = len(str(len(images) - 1))
    files = [folders[code] / f"{row:0{width}d}.png" for row, code in enumerate(codes)]
    _check_writable(files, overwrite)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    for image, file in zip(images, files, strict=True):
        _write_png(image, file, overwrite)
    return np.asarray([str(file) for file in files])


def save_image_grid(
    X: Any,
    path: str | os.PathLike[str],
    *,
    image_shape: tuple[int, ...],
    n_columns: int = 10,
    gap: int = 2,
    gap_value: int = 128,
    scale: int = 1,
    overwrite: bool = False,
) -> np.ndarray:
    """Write images as one PNG grid, with gaps between the tiles.

    The images fill the grid row by row, ``n_columns`` to a row; the last row
    may be incomplete. Useful to look at generated samples, for instance all
    the samples of one class.

    Read more in the :ref:`User Guide <image_folders>`.

    Parameters
    ----------
    X : array-like of shape (n_images, n_pixels)
        The images as flattened channels-last rows, the samplers' layout
        (``n_pixels`` is the product of ``image_shape``), or as an array of
        shape ``(n_images,) + image_shape``. Pixel values must be in 0..255;
        float values are rounded to the nearest integer.
    path : str or path-like
        The PNG file to write; its name must end in ``.png``. Its folder must
        exist.
    image_shape : tuple of int
        Shape of one image: ``(height, width)`` or ``(height, width, 1)`` for
        grey images, ``(height, width, 3)`` for RGB ones.
    n_columns : int, default=10
        Number of images per grid row (fewer when there are fewer images).
    gap : int, default=2
        Width in pixels of the gaps between the tiles (before ``scale``).
    gap_value : int, default=128
        Grey level 0..255 of the gaps and of the empty tiles of an incomplete
        last row; the mid-grey default stands out from both black and white
        backgrounds.
    scale : int, default=1
        Enlarge the grid this many times, each pixel becoming a
        ``scale x scale`` square, so that small images can be seen.
    overwrite : bool, default=False
        Whether to replace an existing file.

    Returns
    -------
    grid : ndarray of shape (grid_height, grid_width) or \
            (grid_height, grid_width, 3), dtype uint8
        The image written, for instance to show with matplotlib's ``imshow``.

    Raises
    ------
    FileExistsError
        If the file exists and ``overwrite=False``.
    ValueError
        If the shape of ``X`` does not match ``image_shape``, a pixel value is
        outside 0..255 or the file name does not end in ``.png``.

    See Also
    --------
    save_image_folder : Write one PNG file per image, one folder per class.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from skgan_sampler.datasets import save_image_grid
    >>> X = np.full((5, 8 * 8), 255, dtype=np.uint8)  # five white 8x8 images
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     grid = save_image_grid(
    ...         X, Path(folder) / "grid.png", image_shape=(8, 8), n_columns=3
    ...     )
    >>> grid.shape  # 2 rows and 3 columns of tiles, gaps of 2 pixels
    (18, 28)
    """
    images = _image_array(X, image_shape)
    file = _check_path(path)
    if file.suffix.lower() != ".png":
        raise ValueError(f"path must name a .png file; got {file}.")
    n_columns = _check_int(n_columns, "n_columns", 1)
    gap = _check_int(gap, "gap", 0)
    gap_value = _check_int(gap_value, "gap_value", 0)
    if gap_value > 255:
        raise ValueError(f"gap_value must be a grey level 0..255; got {gap_value}.")
    scale = _check_int(scale, "scale", 1)
    overwrite = _check_bool(overwrite, "overwrite")
    _check_writable([file], overwrite)

    n_images, height, width = images.shape[:3]
    n_columns = min(n_columns, n_images)
    n_rows = -(-n_images // n_columns)
    grid = np.full(
        (n_rows * (height + gap) - gap, n_columns * (width + gap) - gap)
        + images.shape[3:],
        gap_value,
        dtype=np.uint8,
    )
    for index, image in enumerate(images):
        top = (index // n_columns) * (height + gap)
        left = (index % n_columns) * (width + gap)
        grid[top : top + height, left : left + width] = image
    grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    if grid.ndim == 3 and grid.shape[2] == 1:
        grid = grid[:, :, 0]
    _write_png(grid, file, overwrite)
    return grid
