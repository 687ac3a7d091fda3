"""
======================================
Your own images: a folder per class
======================================

Image collections often come as files in folders, one sub-folder per class,
the layout torchvision's ``ImageFolder`` reads::

    digits/
        one/
            digit_0001.png
            ...
        three/
            ...

:func:`~skgan_sampler.datasets.load_image_folder` reads such a tree into the
rows the samplers take, with the shape of one image to pass as their
``image_shape``; :func:`~skgan_sampler.datasets.save_image_folder` and
:func:`~skgan_sampler.datasets.save_image_grid` write images back as files.
This example writes a small tree itself, from scikit-learn's 8x8 digits, and
oversamples its rare class. See :ref:`image_folders`.
"""

# Authors: skgan_sampler developers
# License: MIT

# %%
# A tree of PNG files
# -------------------
# Stand-in for your own folder: digits 0 to 3 as grey 8x8 PNG files, written
# with Pillow into one sub-folder per class. The digits' grey levels 0..16
# are stretched to the 0..255 of an 8-bit image.
import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image
from sklearn.datasets import load_digits

from skgan_sampler import BAGANSampler
from skgan_sampler.datasets import (
    load_image_folder,
    make_imbalanced,
    save_image_folder,
    save_image_grid,
)

workdir = Path(tempfile.mkdtemp())
digits = load_digits(n_class=4)
names = ["zero", "one", "two", "three"]
for index, (image, label) in enumerate(zip(digits.images, digits.target, strict=True)):
    file = workdir / "digits" / names[label] / f"digit_{index:04d}.png"
    file.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray((image * 255 / 16).astype(np.uint8)).save(file)
print(sorted(path.name for path in (workdir / "digits").iterdir()))

# %%
# Loading the tree
# ----------------
# Every image becomes one row of ``uint8`` pixels; the classes are the folder
# names, sorted, and ``target`` holds their codes: ``target_names[code]`` is
# the class name ("one" is code 0 here, alphabetical order). The images are
# grey, so ``image_shape`` is ``(8, 8)``; colour images would give
# ``(8, 8, 3)``.
data = load_image_folder(workdir / "digits")
print(data.data.shape, data.data.dtype, data.image_shape)
print(data.target_names, np.bincount(data.target).tolist())

# %%
# ``image_size=(height, width)`` resizes every image as it is read, so
# files of different sizes can be loaded together; without it, all files
# must have the same size.
print(load_image_folder(workdir / "digits", image_size=(16, 16)).image_shape)

# %%
# Oversampling a rare class
# -------------------------
# The class "three" keeps 10 of its images, the others 60. The sampler is
# told the shape of one image with ``data.image_shape``. The training budgets
# are tiny so that the example runs in seconds: the samples are rough.
three = data.target_names.index("three")
counts = {code: 10 if code == three else 60 for code in range(len(names))}
X, y = make_imbalanced(data.data, data.target, counts=counts, random_state=0)
print("images per class:", np.bincount(y).tolist())
sampler = BAGANSampler(
    image_shape=data.image_shape,
    batch_size=32,
    ae_epochs=60,
    gan_epochs=5,
    gan_learning_rate=5e-5,
    random_state=0,
)
X_res, y_res = sampler.fit_resample(X, y)
generated, labels = X_res[len(X) :], y_res[len(X) :]
print("generated images per class:", np.bincount(labels, minlength=len(names)).tolist())

# %%
# Writing the samples back
# ------------------------
# ``save_image_folder`` writes one PNG file per generated image into a
# folder per class; passing the class names as labels names the folders like
# the original tree, which ``load_image_folder`` reads back.
files = save_image_folder(
    generated,
    np.asarray(data.target_names)[labels],
    workdir / "generated",
    image_shape=data.image_shape,
)
print(Path(files[0]).relative_to(workdir))
print(load_image_folder(workdir / "generated").data.shape)

# %%
# ``save_image_grid`` writes them as one PNG, with gaps between the tiles, to
# look at; it returns the grid it wrote, shown here with matplotlib. The
# real threes fill the first row, the generated ones the others.
real = X[y == three]
grid = save_image_grid(
    np.concatenate([real, generated]),
    workdir / "threes.png",
    image_shape=data.image_shape,
    n_columns=10,
    scale=4,
)
fig, axis = plt.subplots(figsize=(6, 2.6))
axis.imshow(grid, cmap="gray", interpolation="nearest")
axis.set_title("first row: the 10 real threes; then generated threes", fontsize=9)
axis.set_axis_off()
fig.tight_layout()

# %%
# The files are not needed anymore.
shutil.rmtree(workdir)
