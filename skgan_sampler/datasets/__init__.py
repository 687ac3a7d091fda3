"""Local image datasets, your own image folders, and imbalance profiles.

The benchmark datasets' loaders read files from the data home (see
:func:`get_data_home`); :func:`load_image_folder` reads a folder of image
files, one sub-folder per class. Nothing is ever downloaded.
"""

# Authors: skgan_sampler developers
# License: MIT

# DATA_ENV_VAR is importable from here for code that sets the variable, but is
# not part of __all__ (nor of the API reference).
from ._home import DATA_ENV_VAR as DATA_ENV_VAR
from ._home import get_data_home
from ._image_folder import load_image_folder, save_image_folder, save_image_grid
from ._imbalance import balanced_subset, make_bagan_gp_imbalance, make_imbalanced
from ._loaders import load_cifar10_jpeg, load_fashion_mnist, load_mnist

__all__ = [
    "DEEPSMOTE_CIFAR10_PROFILE",
    "GAMO_PROFILE",
    "balanced_subset",
    "get_data_home",
    "load_cifar10_jpeg",
    "load_fashion_mnist",
    "load_image_folder",
    "load_mnist",
    "make_bagan_gp_imbalance",
    "make_imbalanced",
    "save_image_folder",
    "save_image_grid",
]

# The profiles are defined here rather than in a private module because Sphinx
# reads the "#:" comment of a constant from the module it is documented in.

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
