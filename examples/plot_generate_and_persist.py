"""
=============================================================
More samples after fitting, pandas input and saving a sampler
=============================================================

A fitted GAN sampler is a generator: :meth:`~skgan_sampler.BAGANSampler.generate`
draws as many new samples of any class as you ask for, without training
again. This example also shows that pandas DataFrames and dtypes come back
as they went in, and that a fitted sampler saved with :mod:`joblib` (or
:mod:`pickle`) loads and generates the same samples, on any machine: the
fitted networks are stored on the CPU.
"""

# Authors: skgan_sampler developers
# License: MIT

# %%
# A DataFrame of uint8 images
# ---------------------------
# One column per pixel, named ``r<row>c<column>``; the grey levels 0..16 of
# digits 0 to 4 as ``uint8``. Digit 3 is made rare.
import tempfile
from pathlib import Path

import joblib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from imblearn.datasets import make_imbalance
from sklearn.datasets import load_digits

from skgan_sampler import BAGANSampler

digits = load_digits(n_class=5)
columns = [f"r{row}c{col}" for row in range(8) for col in range(8)]
X = pd.DataFrame(digits.data.astype(np.uint8), columns=columns)
y = pd.Series(digits.target, name="digit")
X, y = make_imbalance(X, y, sampling_strategy={3: 15}, random_state=0)
print(type(X).__name__, X.shape, X.dtypes.unique())

# %%
# Resampling keeps the container and the dtype
# --------------------------------------------
sampler = BAGANSampler(
    image_shape=(8, 8), batch_size=32, ae_epochs=8, gan_epochs=4, random_state=0
)
X_res, y_res = sampler.fit_resample(X, y)
print(type(X_res).__name__, X_res.shape, X_res.dtypes.unique())
print(type(y_res).__name__, y_res.name)
print(y_res.value_counts().sort_index().to_dict())

# %%
# Generating on demand
# --------------------
# ``generate(y)`` returns one new sample per label in ``y``, here 500 threes,
# in the layout, container and dtype of the training data. Without a
# ``random_state`` every call draws fresh samples; with one, the call is
# reproducible.
threes = sampler.generate(np.full(500, 3), random_state=0)
print(type(threes).__name__, threes.shape, threes.dtypes.unique())
again = sampler.generate(np.full(500, 3), random_state=0)
print("same samples with the same random_state:", threes.equals(again))

# %%
# Saving and loading
# ------------------
# The fitted sampler, networks included, is an ordinary picklable object.
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "bagan_digits.joblib"
    joblib.dump(sampler, path)
    print(f"saved {path.stat().st_size / 1e6:.2f} MB")
    loaded = joblib.load(path)

loaded_threes = loaded.generate(np.full(500, 3), random_state=0)
print("the loaded sampler generates the same samples:", loaded_threes.equals(threes))

# %%
# The first generated threes of the loaded sampler beside the real ones it
# was trained on:
real = X[y == 3].to_numpy()[:8]
fig, axes = plt.subplots(2, 8, figsize=(6, 1.8))
for row_axes, images, label in zip(
    axes, [real, loaded_threes.to_numpy()[:8]], ["real", "generated"], strict=True
):
    for axis, image in zip(row_axes, images, strict=True):
        axis.imshow(image.reshape(8, 8), cmap="gray_r", interpolation="nearest")
        axis.set_xticks([])
        axis.set_yticks([])
    row_axes[0].set_ylabel(label, fontsize=8)
fig.tight_layout()
