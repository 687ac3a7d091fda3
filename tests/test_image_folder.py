"""Tests for load_image_folder, save_image_folder and save_image_grid."""

# Authors: skgan_sampler developers
# License: MIT

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from skgan_sampler import BAGANSampler
from skgan_sampler.datasets import (
    load_image_folder,
    save_image_folder,
    save_image_grid,
)


def _random_images(n_images, image_shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n_images, *image_shape), dtype=np.uint8)


def _read(path):
    with Image.open(path) as image:
        return np.asarray(image)


def _write(path, array, **save_kwargs):
    """Write a uint8 array as an image file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path, **save_kwargs)
    return path


@pytest.mark.parametrize("image_shape", [(5, 4), (5, 4, 3)], ids=["grey", "rgb"])
def test_save_load_round_trip(tmp_path, image_shape):
    X = _random_images(12, image_shape).reshape(12, -1)
    y = np.repeat([0, 1, 2], 4)

    filenames = save_image_folder(X, y, tmp_path, image_shape=image_shape)
    data = load_image_folder(tmp_path)

    np.testing.assert_array_equal(data.data, X)
    assert data.data.dtype == np.uint8
    np.testing.assert_array_equal(data.target, y)
    assert data.target.dtype == np.int64
    assert data.target_names == ["0", "1", "2"]
    assert data.image_shape == image_shape
    np.testing.assert_array_equal(data.filenames, filenames)
    assert Path(filenames[5]) == tmp_path / "1" / "05.png"

    X_only, y_only = load_image_folder(tmp_path, return_X_y=True)
    np.testing.assert_array_equal(X_only, X)
    np.testing.assert_array_equal(y_only, y)


def test_round_trip_sorts_rows_by_class_and_keeps_their_order(tmp_path):
    X = _random_images(6, (3, 3)).reshape(6, -1)
    y = np.array(["b", "a", "b", "a", "a", "b"])

    save_image_folder(X, y, tmp_path, image_shape=(3, 3))
    data = load_image_folder(tmp_path)

    order = np.argsort(y, kind="stable")
    np.testing.assert_array_equal(data.data, X[order])
    np.testing.assert_array_equal(np.asarray(data.target_names)[data.target], y[order])


def test_integer_labels_come_back_as_the_same_codes(tmp_path):
    # Folder names are zero-padded: "10" must not be read back before "02".
    y = np.arange(12)
    X = _random_images(12, (2, 2)).reshape(12, -1)

    save_image_folder(X, y, tmp_path, image_shape=(2, 2))
    data = load_image_folder(tmp_path)

    assert data.target_names[:3] == ["00", "01", "02"]
    np.testing.assert_array_equal(data.target, y)
    np.testing.assert_array_equal(data.data, X)


@pytest.mark.parametrize(
    "shape, image_shape",
    [((4, 5, 6), (5, 6)), ((4, 5, 6, 3), (5, 6, 3)), ((4, 30), (5, 6, 1))],
)
def test_save_image_folder_accepts_image_arrays(tmp_path, shape, image_shape):
    X = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)

    save_image_folder(X, [0, 0, 1, 1], tmp_path, image_shape=image_shape)
    data = load_image_folder(tmp_path)

    np.testing.assert_array_equal(data.data, X.reshape(4, -1))
    assert data.image_shape == (
        image_shape[:2] if image_shape[-1] == 1 else image_shape
    )


def test_save_image_folder_rounds_float_pixels(tmp_path):
    X = np.array([[0.4, 0.6, 254.5, 255.0]])

    save_image_folder(X, [0], tmp_path, image_shape=(2, 2))

    np.testing.assert_array_equal(load_image_folder(tmp_path).data, [[0, 1, 254, 255]])


def test_labels_from_folder_names(tmp_path):
    grey = np.full((6, 4), 30, dtype=np.uint8)
    _write(tmp_path / "zebra" / "a.png", grey)
    _write(tmp_path / "cat" / "b.bmp", grey)
    # Deeper sub-folders belong to the class of their top-level folder.
    _write(tmp_path / "cat" / "more" / "a.png", grey)
    _write(tmp_path / "dog" / "c.tif", grey)
    # Files directly in the root belong to no class.
    _write(tmp_path / "stray.png", grey)
    (tmp_path / "README.txt").write_text("about this data set")

    data = load_image_folder(tmp_path)

    assert data.target_names == ["cat", "dog", "zebra"]
    np.testing.assert_array_equal(data.target, [0, 0, 1, 2])
    assert [Path(name).relative_to(tmp_path).as_posix() for name in data.filenames] == [
        "cat/b.bmp",
        "cat/more/a.png",
        "dog/c.tif",
        "zebra/a.png",
    ]
    assert data.image_shape == (6, 4)
    assert (data.data == 30).all()


def test_hidden_files_and_folders_are_ignored(tmp_path):
    image = np.zeros((3, 3), dtype=np.uint8)
    _write(tmp_path / "a" / "1.png", image)
    _write(tmp_path / "b" / "2.png", image)
    (tmp_path / "a" / ".DS_Store").write_bytes(b"\x00\x01not an image")
    _write(tmp_path / "a" / ".thumbnails" / "1.png", np.zeros((9, 9), np.uint8))
    _write(tmp_path / ".cache" / "3.png", image)  # a hidden class folder
    (tmp_path / "b" / ".keep").touch()

    data = load_image_folder(tmp_path)

    assert data.target_names == ["a", "b"]
    assert len(data.data) == 2


def test_jpeg_files_are_read(tmp_path):
    image = np.full((8, 8, 3), (200, 40, 40), dtype=np.uint8)
    _write(tmp_path / "red" / "1.jpg", image, quality=95)

    data = load_image_folder(tmp_path)

    assert data.image_shape == (8, 8, 3)
    np.testing.assert_allclose(data.data.reshape(8, 8, 3), image, atol=6)


def test_color_mode(tmp_path):
    grey = np.array([[0, 100], [200, 255]], dtype=np.uint8)
    red = np.zeros((2, 2, 3), dtype=np.uint8)
    red[..., 0] = 255
    _write(tmp_path / "grey" / "1.png", grey)
    _write(tmp_path / "red" / "1.png", red)

    # One colour file: "auto" reads all images as RGB.
    auto = load_image_folder(tmp_path)
    assert auto.image_shape == (2, 2, 3)
    np.testing.assert_array_equal(auto.data[0].reshape(2, 2, 3), np.dstack([grey] * 3))
    np.testing.assert_array_equal(auto.data[1].reshape(2, 2, 3), red)
    rgb = load_image_folder(tmp_path, color_mode="rgb")
    np.testing.assert_array_equal(rgb.data, auto.data)

    grey_data = load_image_folder(tmp_path, color_mode="grey")
    assert grey_data.image_shape == (2, 2)
    np.testing.assert_array_equal(grey_data.data[0], grey.ravel())
    expected_red = np.asarray(Image.fromarray(red).convert("L")).ravel()
    np.testing.assert_array_equal(grey_data.data[1], expected_red)


def test_auto_color_mode_drops_alpha_of_grey_images(tmp_path):
    grey_alpha = np.zeros((2, 2, 2), dtype=np.uint8)
    grey_alpha[..., 0] = 77
    _write(tmp_path / "a" / "1.png", grey_alpha)  # Pillow mode "LA"

    data = load_image_folder(tmp_path)

    assert data.image_shape == (2, 2)
    np.testing.assert_array_equal(data.data, [[77] * 4])


def test_image_size_resizes(tmp_path):
    _write(tmp_path / "a" / "big.png", np.full((20, 30, 3), 90, dtype=np.uint8))
    _write(tmp_path / "b" / "small.png", np.full((5, 5), 160, dtype=np.uint8))

    data = load_image_folder(tmp_path, image_size=(4, 6))

    assert data.image_shape == (4, 6, 3)
    assert data.data.shape == (2, 4 * 6 * 3)
    # A uniform image stays uniform whatever the filter.
    np.testing.assert_array_equal(data.data[0], 90)
    np.testing.assert_array_equal(data.data[1], 160)


def test_mixed_sizes_without_image_size_name_a_file(tmp_path):
    _write(tmp_path / "a" / "1.png", np.zeros((4, 4), dtype=np.uint8))
    _write(tmp_path / "b" / "odd.png", np.zeros((4, 5), dtype=np.uint8))

    with pytest.raises(ValueError, match=r"odd\.png is 4x5.*image_size=\(height"):
        load_image_folder(tmp_path)


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"plain text, not an image", "cannot identify"),
        ("truncated", "truncated"),
    ],
)
def test_unreadable_file_error_names_the_file(tmp_path, content, reason):
    _write(tmp_path / "a" / "1.png", np.zeros((16, 16, 3), dtype=np.uint8))
    if content == "truncated":
        buffer = io.BytesIO()
        noise = _random_images(1, (16, 16, 3))[0]
        Image.fromarray(noise).save(buffer, format="PNG")
        content = buffer.getvalue()[:200]
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "broken.png").write_bytes(content)

    with pytest.raises(ValueError, match=rf"Could not read .*broken\.png.*{reason}"):
        load_image_folder(tmp_path)


def test_16_bit_images_are_refused_not_clipped(tmp_path):
    _write(tmp_path / "a" / "deep.png", np.full((3, 3), 1000, dtype=np.uint16))

    with pytest.raises(ValueError, match=r"deep\.png holds 'I;16' pixels"):
        load_image_folder(tmp_path)


def test_empty_tree_and_empty_class_folder(tmp_path):
    with pytest.raises(ValueError, match="holds no class folder"):
        load_image_folder(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "notes.txt").write_text("files in the root are no class")
    with pytest.raises(ValueError, match="holds no class folder"):
        load_image_folder(tmp_path)

    _write(tmp_path / "a" / "1.png", np.zeros((2, 2), dtype=np.uint8))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / ".DS_Store").touch()
    with pytest.raises(ValueError, match=r"class folder .*b holds no image file"):
        load_image_folder(tmp_path)


def test_missing_folder_and_file_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_image_folder(tmp_path / "missing")
    (tmp_path / "file.png").touch()
    with pytest.raises(NotADirectoryError, match="is not a folder"):
        load_image_folder(tmp_path / "file.png")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"path": 3}, TypeError, "path must be a str or path-like"),
        ({"image_size": 28}, TypeError, "image_size must be a tuple"),
        ({"image_size": (28,)}, ValueError, "image_size must be a tuple"),
        ({"image_size": (28, 0)}, ValueError, "image_size must be a tuple"),
        ({"image_size": (28.0, 28)}, ValueError, "image_size must be a tuple"),
        ({"color_mode": "gray"}, ValueError, "color_mode must be one of"),
        ({"return_X_y": "yes"}, TypeError, "return_X_y must be a bool"),
    ],
)
def test_load_image_folder_bad_parameters(tmp_path, kwargs, error, match):
    kwargs = {"path": tmp_path, **kwargs}
    with pytest.raises(error, match=match):
        load_image_folder(**kwargs)


@pytest.mark.parametrize(
    "X, y, kwargs, error, match",
    [
        (np.zeros((2, 4)), [0, 1], {"image_shape": (2, 3)}, ValueError, "shape"),
        (np.zeros((2, 4)), [0, 1], {"image_shape": (2, 2, 2)}, ValueError, "1 or 3"),
        (np.zeros((2, 4)), [0, 1], {"image_shape": 4}, TypeError, "image_shape"),
        (np.zeros((2, 4)), [0], {"image_shape": (2, 2)}, ValueError, "y must be"),
        (np.zeros((0, 4)), [], {"image_shape": (2, 2)}, ValueError, "no image"),
        (np.full((1, 4), 256), [0], {"image_shape": (2, 2)}, ValueError, "0..255"),
        (np.full((1, 4), -1.0), [0], {"image_shape": (2, 2)}, ValueError, "0..255"),
        (np.full((1, 4), np.nan), [0], {"image_shape": (2, 2)}, ValueError, "0..255"),
        (np.full((1, 4), "a"), [0], {"image_shape": (2, 2)}, TypeError, "numbers"),
        (np.zeros((1, 4)), [".x"], {"image_shape": (2, 2)}, ValueError, "folder"),
        (np.zeros((1, 4)), ["a/b"], {"image_shape": (2, 2)}, ValueError, "folder"),
        (
            np.zeros((1, 4)),
            [0],
            {"image_shape": (2, 2), "overwrite": 1},
            TypeError,
            "overwrite",
        ),
    ],
)
def test_save_image_folder_bad_parameters(tmp_path, X, y, kwargs, error, match):
    with pytest.raises(error, match=match):
        save_image_folder(X, y, tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()


def test_save_image_folder_refuses_to_overwrite(tmp_path):
    X = _random_images(4, (3, 3)).reshape(4, -1)
    save_image_folder(X, [0, 0, 1, 1], tmp_path, image_shape=(3, 3))
    (tmp_path / "0" / "mine.png").write_bytes(b"a file of the user's")

    # One existing file blocks the whole call: nothing is written.
    with pytest.raises(FileExistsError, match=r"0\.png .*overwrite=True"):
        save_image_folder(255 - X, [0, 0, 2, 2], tmp_path, image_shape=(3, 3))
    assert not (tmp_path / "2").exists()

    save_image_folder(
        255 - X, [0, 0, 1, 1], tmp_path, image_shape=(3, 3), overwrite=True
    )
    assert (tmp_path / "0" / "mine.png").read_bytes() == b"a file of the user's"
    (tmp_path / "0" / "mine.png").unlink()
    np.testing.assert_array_equal(load_image_folder(tmp_path).data, 255 - X)


def test_loaded_rows_feed_a_sampler(tmp_path):
    images = _random_images(30, (6, 6, 3))
    y = np.array([0] * 20 + [1] * 10)
    save_image_folder(images, y, tmp_path / "train", image_shape=(6, 6, 3))
    data = load_image_folder(tmp_path / "train")

    sampler = BAGANSampler(
        image_shape=data.image_shape,
        latent_dim=4,
        ae_epochs=1,
        gan_epochs=1,
        random_state=0,
        device="cpu",
    )
    X_res, y_res = sampler.fit_resample(data.data, data.target)

    assert X_res.dtype == np.uint8
    assert X_res.shape == (40, 6 * 6 * 3)
    np.testing.assert_array_equal(np.bincount(y_res), [20, 20])
    generated, labels = X_res[30:], y_res[30:]
    names = np.asarray(data.target_names)[labels]
    save_image_folder(generated, names, tmp_path / "generated", image_shape=(6, 6, 3))
    reloaded = load_image_folder(tmp_path / "generated")
    np.testing.assert_array_equal(reloaded.data, generated)
    assert reloaded.target_names == ["1"]


def test_save_image_grid_size_and_gaps(tmp_path):
    X = np.stack([np.full((4, 3), value, dtype=np.uint8) for value in (10, 20, 30)])
    path = tmp_path / "grid.png"

    grid = save_image_grid(
        X.reshape(3, -1), path, image_shape=(4, 3), n_columns=2, gap=1, gap_value=200
    )

    # 2 rows of tiles of height 4 and 2 columns of width 3, one-pixel gaps.
    assert grid.shape == (2 * 4 + 1, 2 * 3 + 1)
    np.testing.assert_array_equal(_read(path), grid)
    np.testing.assert_array_equal(grid[:4, :3], 10)
    np.testing.assert_array_equal(grid[:4, 4:], 20)
    np.testing.assert_array_equal(grid[5:, :3], 30)
    np.testing.assert_array_equal(grid[4, :], 200)  # gap between the rows
    np.testing.assert_array_equal(grid[:, 3], 200)  # gap between the columns
    np.testing.assert_array_equal(grid[5:, 4:], 200)  # the empty last tile


def test_save_image_grid_rgb_scale_and_few_images(tmp_path):
    X = _random_images(2, (3, 2, 3))

    grid = save_image_grid(
        X, tmp_path / "grid.PNG", image_shape=(3, 2, 3), n_columns=10, scale=3
    )

    # Fewer images than columns: one row of two tiles, gap of 2 pixels.
    assert grid.shape == (3 * 3, (2 + 2 + 2) * 3, 3)
    assert _read(tmp_path / "grid.PNG").shape == (9, 18, 3)
    np.testing.assert_array_equal(grid[::3, ::3][:, :2], X[0])


def test_save_image_grid_overwrite_and_bad_parameters(tmp_path):
    X = np.zeros((2, 4), dtype=np.uint8)
    path = tmp_path / "grid.png"
    save_image_grid(X, path, image_shape=(2, 2))
    with pytest.raises(FileExistsError, match="overwrite=True"):
        save_image_grid(X, path, image_shape=(2, 2))
    save_image_grid(X + 1, path, image_shape=(2, 2), overwrite=True)
    assert _read(path)[0, 0] == 1

    for kwargs, error, match in [
        ({"path": tmp_path / "grid.jpg"}, ValueError, r"\.png"),
        ({"n_columns": 0}, ValueError, "n_columns"),
        ({"n_columns": 2.5}, TypeError, "n_columns"),
        ({"gap": -1}, ValueError, "gap"),
        ({"gap_value": 256}, ValueError, "gap_value"),
        ({"scale": 0}, ValueError, "scale"),
        ({"image_shape": (3, 3)}, ValueError, "shape"),
    ]:
        arguments = {"path": tmp_path / "new.png", "image_shape": (2, 2), **kwargs}
        with pytest.raises(error, match=match):
            save_image_grid(X, **arguments)
    assert not (tmp_path / "new.png").exists()
