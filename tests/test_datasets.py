"""Tests for skgan_sampler.datasets (local loaders and imbalance helpers)."""

# Authors: skgan_sampler developers
# License: MIT

import dataclasses
import functools
import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skgan_sampler import datasets
from skgan_sampler.datasets import (
    DEEPSMOTE_CIFAR10_PROFILE,
    GAMO_PROFILE,
    _catalog,
    _files,
    _home,
    _loaders,
    balanced_subset,
    get_data_home,
    load_cifar10_jpeg,
    load_fashion_mnist,
    load_mnist,
    make_bagan_gp_imbalance,
    make_imbalanced,
)

IDX_NAMES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def _idx_bytes(array, code=0x08, dtype=">u1"):
    header = bytes([0, 0, code, array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    return header + np.ascontiguousarray(array, dtype=dtype).tobytes()


def _tiny_arrays(n_train=12, n_test=5, shape=(28, 28), seed=0):
    rng = np.random.default_rng(seed)
    return {
        "X_train": rng.integers(0, 256, size=(n_train, *shape), dtype=np.uint8),
        "y_train": np.arange(n_train, dtype=np.int64) % 10,
        "X_test": rng.integers(0, 256, size=(n_test, *shape), dtype=np.uint8),
        "y_test": np.arange(n_test, dtype=np.int64) % 10,
    }


def _isolate(monkeypatch, tmp_path):
    """Unset SKGAN_SAMPLER_DATA, drop system folders, return a fresh HOME.

    Without system folders, a machine with Debian's Fashion-MNIST package
    behaves like one without it.
    """
    monkeypatch.delenv(datasets.DATA_ENV_VAR, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    for name, spec in _catalog.DATASETS.items():
        monkeypatch.setitem(
            _catalog.DATASETS, name, dataclasses.replace(spec, system_dirs=())
        )
    return home


def _trust_files(monkeypatch, name, paths):
    """Make the spec of ``name`` expect the sha256 of the given npz files."""
    spec = _catalog.DATASETS[name]
    npz_files = tuple(
        (path.name, hashlib.sha256(path.read_bytes()).hexdigest()) for path in paths
    )
    monkeypatch.setitem(
        _catalog.DATASETS, name, dataclasses.replace(spec, npz_files=npz_files)
    )


def _write_fake_npz(folder, name="fashion_mnist", arrays=None):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.npz"
    np.savez(path, **(arrays if arrays is not None else _tiny_arrays()))
    return path


def _write_idx_dir(folder, arrays, compress=True):
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, key in zip(IDX_NAMES, _files.XY_KEYS, strict=True):
        raw = _idx_bytes(arrays[key].astype(np.uint8))
        path = folder / (name + ".gz" if compress else name)
        path.write_bytes(gzip.compress(raw) if compress else raw)
        paths.append((path, hashlib.sha256(raw).hexdigest()))
    return paths


# --------------------------------------------------------------------------
# profiles
# --------------------------------------------------------------------------


def test_profiles():
    assert GAMO_PROFILE == (4000, 2000, 1000, 750, 500, 350, 200, 100, 60, 40)
    assert DEEPSMOTE_CIFAR10_PROFILE == (
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
    for profile in (GAMO_PROFILE, DEEPSMOTE_CIFAR10_PROFILE):
        assert all(isinstance(n, int) for n in profile)
        assert list(profile) == sorted(profile, reverse=True)


# --------------------------------------------------------------------------
# make_imbalanced / balanced_subset
# --------------------------------------------------------------------------


def test_make_imbalanced_counts_and_order():
    rng = np.random.default_rng(0)
    y = rng.permutation(np.repeat(np.arange(4), 50))
    X = np.arange(y.size)  # sample ids
    X_sub, y_sub = make_imbalanced(X, y, counts=(40, 10, 0, 3), random_state=1)
    np.testing.assert_array_equal(np.bincount(y_sub, minlength=4), [40, 10, 0, 3])
    assert np.all(np.diff(X_sub) > 0)  # original relative order, no repeats
    np.testing.assert_array_equal(y_sub, y[X_sub])


def test_make_imbalanced_dict_and_string_labels():
    y = np.array(["b", "a", "c", "a", "b", "c", "a", "b"])
    X = np.arange(y.size)
    X_sub, y_sub = make_imbalanced(
        X, y, counts={"a": 3, "b": 1, "c": 0}, random_state=0
    )
    assert sorted(y_sub.tolist()) == ["a", "a", "a", "b"]
    np.testing.assert_array_equal(y_sub, y[X_sub])
    # a sequence is matched to the labels in sorted order: a, b, c
    _, y_sub = make_imbalanced(X, y, counts=[1, 2, 2], random_state=0)
    assert sorted(y_sub.tolist()) == ["a", "b", "b", "c", "c"]


def test_make_imbalanced_images_and_no_mutation():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(60, 8, 8, 3), dtype=np.uint8)
    y = np.repeat([0, 1, 2], 20)
    X_copy, y_copy = X.copy(), y.copy()
    X.setflags(write=False)
    y.setflags(write=False)
    X_sub, y_sub = make_imbalanced(X, y, counts=(20, 5, 1))
    assert X_sub.shape == (26, 8, 8, 3)
    assert X_sub.dtype == np.uint8
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    assert not np.shares_memory(X_sub, X)
    # every kept image is one of the originals with its label
    for image, label in zip(X_sub, y_sub, strict=True):
        matches = np.flatnonzero((X == image).all(axis=(1, 2, 3)))
        assert label in y[matches]


def test_make_imbalanced_determinism():
    y = np.repeat([0, 1], 100)
    X = np.arange(200)
    first = make_imbalanced(X, y, counts=(50, 50), random_state=7)
    second = make_imbalanced(X, y, counts=(50, 50), random_state=7)
    other = make_imbalanced(X, y, counts=(50, 50), random_state=8)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], other[0])
    rs = np.random.RandomState(3)
    a = make_imbalanced(X, y, counts=(50, 50), random_state=rs)[0]
    b = make_imbalanced(X, y, counts=(50, 50), random_state=rs)[0]
    assert not np.array_equal(a, b)  # a RandomState instance is advanced


def test_make_imbalanced_pandas():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"a": np.arange(10), "b": np.arange(10) * 2}, index=range(5, 15))
    y = pd.Series([0] * 6 + [1] * 4, index=X.index)
    X_sub, y_sub = make_imbalanced(X, y, counts=(2, 4), random_state=0)
    assert isinstance(X_sub, pd.DataFrame) and isinstance(y_sub, pd.Series)
    assert list(X_sub.index) == list(y_sub.index)
    assert y_sub.value_counts().to_dict() == {0: 2, 1: 4}


@pytest.mark.parametrize(
    ("counts", "match"),
    [
        ((5, 11), r"counts asks for 11 samples of class 1.*only 10"),
        ((5,), r"counts has 1 entries, but y has 2 classes"),
        ((5, 1, 1), r"counts has 3 entries"),
        ((5, -1), r"counts must hold non-negative integers; got -1 for class 1"),
        ((5, 1.5), r"counts must hold non-negative integers; got 1.5"),
        ({0: 5}, r"counts must name every class.*without a count: \[1\]"),
        ({0: 5, 1: 1, 7: 2}, r"counts must name every class.*unknown labels: \[7\]"),
    ],
)
def test_make_imbalanced_errors(counts, match):
    y = np.repeat([0, 1], 10)
    X = np.zeros((20, 3))
    with pytest.raises(ValueError, match=match):
        make_imbalanced(X, y, counts=counts)


def test_make_imbalanced_inconsistent_lengths():
    with pytest.raises(ValueError):
        make_imbalanced(np.zeros((5, 2)), np.zeros(4), counts=(1,))
    with pytest.raises(ValueError, match="1-dimensional"):
        make_imbalanced(np.zeros((5, 2)), np.zeros((5, 2)), counts=(1,))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_make_imbalanced_count_invariant(data):
    y = np.array(
        data.draw(st.lists(st.integers(-3, 3), min_size=1, max_size=40)),
        dtype=np.int64,
    )
    classes, available = np.unique(y, return_counts=True)
    counts = [data.draw(st.integers(0, int(n))) for n in available]
    seed = data.draw(st.integers(0, 2**31 - 1))
    X = np.arange(y.size)
    y_before = y.copy()
    X_sub, y_sub = make_imbalanced(X, y, counts=counts, random_state=seed)
    np.testing.assert_array_equal(y, y_before)
    for label, n in zip(classes, counts, strict=True):
        assert np.sum(y_sub == label) == n
    assert len(X_sub) == sum(counts)
    assert np.all(np.diff(X_sub) > 0)
    np.testing.assert_array_equal(y_sub, y[X_sub])
    again = make_imbalanced(X, y, counts=counts, random_state=seed)[0]
    np.testing.assert_array_equal(X_sub, again)


def test_balanced_subset():
    y = np.array([0] * 20 + [1] * 6 + [2] * 4)
    X = np.arange(y.size * 4).reshape(-1, 2, 2)
    X_sub, y_sub = balanced_subset(X, y, n_per_class=4, random_state=0)
    assert X_sub.shape == (12, 2, 2)
    np.testing.assert_array_equal(np.bincount(y_sub), [4, 4, 4])
    with pytest.raises(ValueError, match=r"n_per_class asks for 5 samples of class 2"):
        balanced_subset(X, y, n_per_class=5)
    with pytest.raises(ValueError, match="n_per_class must hold non-negative"):
        balanced_subset(X, y, n_per_class=-1)


# --------------------------------------------------------------------------
# make_bagan_gp_imbalance
# --------------------------------------------------------------------------


def test_make_bagan_gp_imbalance_rule():
    rng = np.random.default_rng(0)
    n_classes = 5
    y = rng.permutation(np.repeat(np.arange(n_classes), 450))
    X = np.arange(y.size)  # sample ids
    X_train, X_test, y_train, y_test = make_bagan_gp_imbalance(
        X, y, test_size=0.3, random_state=42
    )
    kept = np.concatenate([X_train, X_test])
    kept_y = np.concatenate([y_train, y_test])
    n_total = 450 + sum(100 * c for c in range(1, n_classes))
    assert len(kept) == n_total == len(np.unique(kept))
    assert len(X_test) == int(np.ceil(0.3 * n_total))
    assert len(X_train) + len(X_test) == n_total
    np.testing.assert_array_equal(kept_y, y[kept])
    for c in range(n_classes):
        ids = np.sort(kept[kept_y == c])
        expected = np.flatnonzero(y == c)
        if c > 0:
            expected = expected[: 100 * c]  # the FIRST 100 * c in dataset order
        np.testing.assert_array_equal(ids, expected)
    # non-stratified and reproducible
    again = make_bagan_gp_imbalance(X, y)
    np.testing.assert_array_equal(again[0], X_train)
    np.testing.assert_array_equal(again[3], y_test)


def test_make_bagan_gp_imbalance_too_few():
    y = np.repeat([0, 1, 2], [50, 100, 150])
    with pytest.raises(ValueError, match=r"first 200 samples of class 2"):
        make_bagan_gp_imbalance(np.zeros((y.size, 2)), y)


# --------------------------------------------------------------------------
# IDX parser
# --------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [True, False])
def test_read_idx_uint8(tmp_path, compress):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    raw = _idx_bytes(images)
    assert raw[:8] == b"\x00\x00\x08\x03\x00\x00\x00\x02"
    path = tmp_path / ("images.gz" if compress else "images")
    path.write_bytes(gzip.compress(raw) if compress else raw)
    out = _files.read_idx(path)
    assert out.dtype == np.uint8 and out.shape == (2, 3, 4)
    np.testing.assert_array_equal(out, images)
    out[0, 0, 0] = 7  # writable copy


def test_read_idx_big_endian_types(tmp_path):
    labels = np.array([1, -2, 300, 70000], dtype=np.int32)
    path = tmp_path / "labels"
    path.write_bytes(_idx_bytes(labels, code=0x0C, dtype=">i4"))
    out = _files.read_idx(path)
    assert out.dtype == np.dtype(np.int32) and out.dtype.isnative
    np.testing.assert_array_equal(out, labels)

    values = np.array([[0.5, -1.25]], dtype=np.float64)
    path.write_bytes(_idx_bytes(values, code=0x0E, dtype=">f8"))
    np.testing.assert_array_equal(_files.read_idx(path), values)


def test_read_idx_errors(tmp_path):
    path = tmp_path / "bad"
    raw = _idx_bytes(np.zeros((2, 2), dtype=np.uint8))
    path.write_bytes(raw[:-1])
    with pytest.raises(ValueError, match="announces 4"):
        _files.read_idx(path)
    path.write_bytes(b"\x01\x00\x08\x01" + raw[4:])
    with pytest.raises(ValueError, match="bad magic"):
        _files.read_idx(path)
    path.write_bytes(b"\x00\x00\x07\x01\x00\x00\x00\x01\x00")
    with pytest.raises(ValueError, match="unknown IDX data type"):
        _files.read_idx(path)


def test_load_fashion_mnist_from_idx_dir(tmp_path, monkeypatch):
    _isolate(monkeypatch, tmp_path)
    arrays = _tiny_arrays()
    written = _write_idx_dir(tmp_path / "idx", arrays)
    spec = _catalog.DATASETS["fashion_mnist"]
    trusted = tuple(
        (name, sha) for name, (_, sha) in zip(IDX_NAMES, written, strict=True)
    )
    monkeypatch.setitem(
        _catalog.DATASETS,
        "fashion_mnist",
        dataclasses.replace(spec, idx_files=trusted),
    )
    data = load_fashion_mnist(data_home=tmp_path / "idx")
    for key in _files.XY_KEYS:
        np.testing.assert_array_equal(data[key], arrays[key])
    assert data.X_train.dtype == np.uint8 and data.y_train.dtype == np.int64
    assert data.image_shape == (28, 28)
    assert data.filenames[0].endswith("train-images-idx3-ubyte.gz")


def test_load_fashion_mnist_idx_hash_mismatch(tmp_path, monkeypatch):
    _isolate(monkeypatch, tmp_path)
    _write_idx_dir(tmp_path, _tiny_arrays(), compress=False)
    expected = _catalog.DATASETS["fashion_mnist"].idx_files[0][1]
    with pytest.raises(ValueError, match=f"sha256 mismatch.*expected {expected}"):
        load_fashion_mnist(data_home=tmp_path)


# --------------------------------------------------------------------------
# npz loading, lookup and errors
# --------------------------------------------------------------------------


def test_sha256_mismatch_names_file_and_hashes(tmp_path, monkeypatch):
    _isolate(monkeypatch, tmp_path)
    path = _write_fake_npz(tmp_path)
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    expected = _catalog.DATASETS["fashion_mnist"].npz_files[0][1]
    with pytest.raises(ValueError) as excinfo:
        load_fashion_mnist(data_home=tmp_path)
    message = str(excinfo.value)
    assert str(path) in message
    assert expected in message and actual in message


def test_load_npz_bunch_and_return_X_y(tmp_path, monkeypatch):
    _isolate(monkeypatch, tmp_path)
    arrays = _tiny_arrays()
    # data_home laid out like shared/data: the file is in a sub-folder
    path = _write_fake_npz(tmp_path / "fashion_mnist", arrays=arrays)
    _trust_files(monkeypatch, "fashion_mnist", [path])
    data = load_fashion_mnist(data_home=tmp_path)
    assert set(data) >= {"X_train", "y_train", "X_test", "y_test", "DESCR"}
    assert data.target_names[0] == "T-shirt/top" and len(data.target_names) == 10
    assert data.image_shape == (28, 28)
    assert data.filenames == [str(path)]
    X_train, y_train, X_test, y_test = load_fashion_mnist(
        data_home=tmp_path, return_X_y=True
    )
    for got, key in zip(
        (X_train, y_train, X_test, y_test), _files.XY_KEYS, strict=True
    ):
        np.testing.assert_array_equal(got, arrays[key])


def test_npz_missing_arrays(tmp_path, monkeypatch):
    _isolate(monkeypatch, tmp_path)
    arrays = _tiny_arrays()
    del arrays["y_test"]
    path = _write_fake_npz(tmp_path, arrays=arrays)
    _trust_files(monkeypatch, "fashion_mnist", [path])
    with pytest.raises(ValueError, match="lack the arrays.*y_test"):
        load_fashion_mnist(data_home=tmp_path)


def test_cifar_jpeg_descr_and_two_files(tmp_path, monkeypatch):
    _isolate(monkeypatch, tmp_path)
    arrays = _tiny_arrays(shape=(32, 32, 3))
    train = tmp_path / "cifar10_jpeg_train_1000_per_class.npz"
    test = tmp_path / "cifar10_jpeg_test.npz"
    np.savez(train, X_train=arrays["X_train"], y_train=arrays["y_train"])
    # only one of the two files: not found, and the message says what is missing
    with pytest.raises(FileNotFoundError, match="incomplete: missing"):
        load_cifar10_jpeg(data_home=tmp_path)
    np.savez(test, X_test=arrays["X_test"], y_test=arrays["y_test"])
    _trust_files(monkeypatch, "cifar10_jpeg", [train, test])
    data = load_cifar10_jpeg(data_home=tmp_path)
    assert data.X_train.shape == (12, 32, 32, 3)
    assert data.X_test.shape == (5, 32, 32, 3)
    assert data.image_shape == (32, 32, 3)
    assert "JPEG" in data.DESCR and "LOSSY" in data.DESCR
    assert "JPEG" in load_cifar10_jpeg.__doc__


# --------------------------------------------------------------------------
# where the data is looked for
# --------------------------------------------------------------------------


def test_get_data_home_order(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(datasets.DATA_ENV_VAR, str(tmp_path / "env"))
    # the argument first, then the environment variable, then the default
    assert get_data_home(tmp_path / "arg") == tmp_path / "arg"
    assert get_data_home(str(tmp_path / "arg")) == tmp_path / "arg"
    assert get_data_home() == tmp_path / "env"
    monkeypatch.setenv(datasets.DATA_ENV_VAR, "")  # empty counts as unset
    assert get_data_home() == tmp_path / "home" / "skgan_sampler_data"
    monkeypatch.delenv(datasets.DATA_ENV_VAR)
    default = get_data_home()
    assert isinstance(default, Path)
    assert default == tmp_path / "home" / "skgan_sampler_data"
    assert not default.exists()  # never created


def test_get_data_home_expands_user(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert get_data_home("~/data") == tmp_path / "data"
    monkeypatch.setenv(datasets.DATA_ENV_VAR, "~/env_data")
    assert get_data_home() == tmp_path / "env_data"


def test_candidate_dirs_order(tmp_path):
    spec = _catalog.DATASETS["fashion_mnist"]
    home = tmp_path / "home"
    dirs = _loaders._candidate_dirs(spec, home)
    assert dirs == [
        home,
        home / "fashion_mnist",
        Path("/usr/share/datasets/fashion-mnist"),
    ]
    # folders are normalized, and each is searched once
    same = _loaders._candidate_dirs(
        dataclasses.replace(spec, system_dirs=(str(home),)), home / "." / "x" / ".."
    )
    assert same == [home, home / "fashion_mnist"]
    mnist_dirs = _loaders._candidate_dirs(_catalog.DATASETS["mnist"], home)
    assert not any("fashion" in str(d) for d in mnist_dirs)


def test_env_var_lookup(tmp_path, monkeypatch):
    _isolate(monkeypatch, tmp_path)
    path = _write_fake_npz(tmp_path / "root" / "fashion_mnist")
    _trust_files(monkeypatch, "fashion_mnist", [path])
    monkeypatch.setenv(datasets.DATA_ENV_VAR, str(tmp_path / "root"))
    assert load_fashion_mnist().filenames == [str(path)]
    # a data_home argument replaces the environment variable
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="comes from the data_home argument"):
        load_fashion_mnist(data_home=empty)


def test_default_data_home_lookup(tmp_path, monkeypatch):
    home = _isolate(monkeypatch, tmp_path)
    path = _write_fake_npz(home / "skgan_sampler_data" / "mnist", "mnist")
    _trust_files(monkeypatch, "mnist", [path])
    assert load_mnist().filenames == [str(path)]


def test_no_lookup_via_working_directory_or_package(tmp_path, monkeypatch):
    # A valid dataset in ../shared/data of the working directory, where the
    # library used to look, and the real data beside the repository (in this
    # project's checkouts) are both ignored.
    home = _isolate(monkeypatch, tmp_path)
    home.mkdir()
    shared = tmp_path / "shared" / "data"
    mnist = _write_fake_npz(shared / "mnist", "mnist")
    fashion = _write_fake_npz(shared / "fashion_mnist")
    _trust_files(monkeypatch, "mnist", [mnist])
    _trust_files(monkeypatch, "fashion_mnist", [fashion])
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    repo_shared = (
        Path(datasets.__file__).resolve().parents[2].parent / "shared" / "data"
    )
    assert load_mnist(data_home=shared).filenames == [str(mnist)]
    for loader in (load_mnist, load_fashion_mnist, load_cifar10_jpeg):
        with pytest.raises(FileNotFoundError) as excinfo:
            loader()
        message = str(excinfo.value)
        assert str(home / "skgan_sampler_data") in message
        for folder in (shared, repo_shared):
            assert str(folder) not in message


@pytest.mark.parametrize(
    ("loader", "name"),
    [
        (load_fashion_mnist, "fashion_mnist.npz"),
        (load_mnist, "mnist.npz"),
        (load_cifar10_jpeg, "cifar10_jpeg_test.npz"),
    ],
)
def test_file_not_found_message(tmp_path, monkeypatch, loader, name):
    _isolate(monkeypatch, tmp_path)
    with pytest.raises(FileNotFoundError) as excinfo:
        loader(data_home=tmp_path)
    message = str(excinfo.value)
    assert str(tmp_path) in message
    assert name in message
    assert "data_home=" in message
    assert datasets.DATA_ENV_VAR in message
    assert _home.DEFAULT_DATA_HOME in message
    assert "downloaded" in message
    if loader is load_fashion_mnist:
        assert "apt-get install dataset-fashion-mnist" in message
        assert "train-images-idx3-ubyte" in message


def test_file_not_found_missing_data_home(tmp_path, monkeypatch):
    _isolate(monkeypatch, tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_mnist(data_home=tmp_path / "nowhere")
    monkeypatch.setenv(datasets.DATA_ENV_VAR, str(tmp_path / "env"))
    with pytest.raises(FileNotFoundError) as excinfo:
        load_mnist()
    message = str(excinfo.value)
    assert f"{tmp_path / 'env' / 'mnist'} (does not exist)" in message
    assert f"comes from the environment variable {datasets.DATA_ENV_VAR}" in message


# --------------------------------------------------------------------------
# real data: fail, not skip, when the files are absent
# --------------------------------------------------------------------------


@functools.cache
def _real_fashion(data_home):
    return load_fashion_mnist(data_home=data_home)


@pytest.mark.real_data
def test_real_fashion_mnist(real_data_home):
    fashion = _real_fashion(real_data_home)
    assert fashion.X_train.shape == (60000, 28, 28)
    assert fashion.X_test.shape == (10000, 28, 28)
    assert fashion.X_train.dtype == np.uint8 and fashion.X_test.dtype == np.uint8
    assert fashion.y_train.dtype == np.int64 and fashion.y_test.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(fashion.y_train), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(fashion.y_test), [1000] * 10)
    np.testing.assert_array_equal(fashion.y_train[:5], [9, 0, 0, 3, 0])
    assert fashion.image_shape == (28, 28)
    assert fashion.target_names[9] == "Ankle boot"


@pytest.mark.real_data
def test_real_fashion_mnist_gamo_and_bagan_gp_profiles(real_data_home):
    fashion = _real_fashion(real_data_home)
    _, y_sub = make_imbalanced(
        fashion.X_train, fashion.y_train, counts=GAMO_PROFILE, random_state=0
    )
    np.testing.assert_array_equal(np.bincount(y_sub), GAMO_PROFILE)
    _, _, y_train, y_test = make_bagan_gp_imbalance(fashion.X_train, fashion.y_train)
    # the training counts reported for BAGAN-GP on Fashion-MNIST (7,350 = 70%
    # of 10,500)
    np.testing.assert_array_equal(
        np.bincount(y_train), [4166, 73, 139, 210, 287, 370, 422, 487, 545, 651]
    )
    assert len(y_train) + len(y_test) == 10500


@pytest.mark.real_data
def test_real_mnist(real_data_home):
    X_train, y_train, X_test, y_test = load_mnist(
        data_home=real_data_home, return_X_y=True
    )
    assert X_train.shape == (60000, 28, 28) and X_test.shape == (10000, 28, 28)
    assert X_train.dtype == np.uint8
    assert np.bincount(y_train)[1] == 6742 and np.bincount(y_test)[5] == 892


@pytest.mark.real_data
def test_real_cifar10_jpeg(real_data_home):
    data = load_cifar10_jpeg(data_home=real_data_home)
    assert data.X_train.shape == (10000, 32, 32, 3)
    assert data.X_test.shape == (10000, 32, 32, 3)
    assert data.X_train.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(data.y_train), [1000] * 10)
    np.testing.assert_array_equal(np.bincount(data.y_test), [1000] * 10)
