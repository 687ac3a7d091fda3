"""
=========================================
Image arrays: flattened rows, 3-D and 4-D
=========================================

scikit-learn pipelines carry 2-D arrays, one sample per row. For images, a
row is one **channels-last** image ``(height, width, channels)`` flattened in
C order, and the sampler is told the shape of one image with
``image_shape``. As a convenience, 3-D ``(n, height, width)`` and 4-D
``(n, height, width, channels)`` arrays are accepted as well: they are read
with the same convention and come back in the same shape.

This example makes colour digits, resamples them once as flattened rows and
once as a 4-D array, and checks that both give the same images. See
:ref:`data_layout` for the full convention.
"""

# Authors: skgan_sampler developers
# License: MIT

# %%
# Colour digits, channels last
# ----------------------------
# Each 8x8 digit becomes an RGB image tinted with a colour of its class:
# ``images`` has shape ``(n, 8, 8, 3)``, the layout of NumPy, PIL and Keras.
import matplotlib.pyplot as plt
import numpy as np
from imblearn.datasets import make_imbalance
from sklearn.datasets import load_digits

from skgan_sampler import BAGANSampler

digits = load_digits(n_class=4)
tints = np.array([[1.0, 0.3, 0.2], [0.2, 0.6, 1.0], [0.3, 0.9, 0.3], [0.9, 0.8, 0.1]])
grey = digits.images / 16.0  # (n, 8, 8) in [0, 1]
images = (255 * grey[..., None] * tints[digits.target][:, None, None, :]).astype(
    np.uint8
)
images, y = make_imbalance(
    images.reshape(len(images), -1),
    digits.target,
    sampling_strategy={2: 20, 3: 8},
    random_state=0,
)
images = images.reshape(-1, 8, 8, 3)
print(images.shape, images.dtype)

# %%
# Flattened rows with ``image_shape``
# -----------------------------------
# ``reshape(n, -1)`` flattens each channels-last image in C order, which is
# exactly what ``image_shape=(8, 8, 3)`` describes.
X_rows = images.reshape(len(images), -1)
sampler = BAGANSampler(
    image_shape=(8, 8, 3),
    batch_size=32,
    ae_epochs=20,
    gan_epochs=5,
    gan_learning_rate=5e-5,
    random_state=0,
)
X_res_rows, y_res = sampler.fit_resample(X_rows, y)
print("rows in:", X_rows.shape, "rows out:", X_res_rows.shape, X_res_rows.dtype)

# %%
# The 4-D array itself
# --------------------
# Without ``image_shape`` the 4-D array's own shape is used, and the result
# is 4-D again. Same data, same seed: the same images.
sampler_4d = BAGANSampler(
    batch_size=32, ae_epochs=20, gan_epochs=5, gan_learning_rate=5e-5, random_state=0
)
X_res_4d, y_res_4d = sampler_4d.fit_resample(images, y)
print("4-D in:", images.shape, "4-D out:", X_res_4d.shape, X_res_4d.dtype)
print("same images:", np.array_equal(X_res_4d.reshape(len(X_res_4d), -1), X_res_rows))

# %%
# The original images come first and unchanged; the generated ones follow,
# class by class. The dtype is kept: ``uint8`` in, ``uint8`` out (rounded and
# clipped to the training range).
n_real = len(images)
assert np.array_equal(X_res_4d[:n_real], images)
generated, labels = X_res_4d[n_real:], y_res_4d[n_real:]
rows = {
    "real": np.concatenate([images[y == 2][:4], images[y == 3][:4]]),
    "generated": np.concatenate(
        [generated[labels == 2][:4], generated[labels == 3][:4]]
    ),
}
fig, axes = plt.subplots(2, 8, figsize=(7, 2.2))
for row_axes, (name, row) in zip(axes, rows.items(), strict=True):
    for axis, image in zip(row_axes, row, strict=True):
        axis.imshow(image, interpolation="nearest")
    row_axes[0].set_ylabel(name, fontsize=8)
for axis, label in zip(axes[0], [2] * 4 + [3] * 4, strict=True):
    axis.set_title(f"class {label}", fontsize=8)
for axis in axes.ravel():
    axis.set_xticks([])
    axis.set_yticks([])
fig.tight_layout()

# %%
# Channels-first data
# -------------------
# Arrays in torch's ``(n, channels, height, width)`` order must be moved to
# channels-last first; a 4-D array is always read as channels-last, so a
# channels-first array would be taken for 3-pixel-wide images.
channels_first = np.moveaxis(images, -1, 1)  # (n, 3, 8, 8), as torch stores it
channels_last = np.moveaxis(channels_first, 1, -1)  # back to (n, 8, 8, 3)
print(channels_first.shape, "->", channels_last.shape)

# %%
# A wrong ``image_shape`` is caught before any training, with a message that
# says what the rows hold.
try:
    BAGANSampler(image_shape=(8, 8)).fit_resample(X_rows, y)
except ValueError as error:
    print(error)
