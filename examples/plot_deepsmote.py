"""
===========================================
DeepSMOTE: interpolating codes, not pixels
===========================================

SMOTE makes a new sample of a class by picking a point on the segment
between two neighbouring samples of that class. On images, the point halfway
between two images is a double exposure. :class:`~skgan_sampler.DeepSMOTESampler`
runs the same interpolation between the *latent codes* of an autoencoder
trained on all classes, and decodes the new codes into images.

This example balances an imbalanced copy of scikit-learn's 8x8 digits,
compares a pixel blend with a latent blend of the same two images, and
scores a classifier trained on the balanced data. The budget is tiny so that
it runs in seconds; see :ref:`deepsmote` for the method.
"""

# Authors: skgan_sampler developers
# License: MIT

# %%
# An imbalanced training set
# --------------------------
# A stratified half of the digits is held out as a balanced test set. In the
# training half, digits 3, 5 and 8 keep 5%, 20% and 50% of the size of the
# largest class.
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
import torch
from imblearn.datasets import make_imbalance
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skgan_sampler import DeepSMOTESampler

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
largest = max(Counter(y_train).values())
counts = {3: round(0.05 * largest), 5: round(0.2 * largest), 8: round(0.5 * largest)}
X_train, y_train = make_imbalance(
    X_train, y_train, sampling_strategy=counts, random_state=0
)
print("training images per digit:", dict(sorted(Counter(y_train.tolist()).items())))

# %%
# Fitting DeepSMOTE
# -----------------
# One autoencoder learns all ten digits: a reconstruction loss plus the
# permutation penalty, which decodes the codes of one digit's images in
# shifted order and compares them with the images, so that the decoder learns
# to turn a code into another image of the same digit. ``k_neighbors=3``
# because digit 3 has only five training images: a class of ``k_neighbors``
# images or fewer would use all its other images as neighbours anyway.
sampler = DeepSMOTESampler(
    image_shape=(8, 8),
    latent_dim=16,
    batch_size=32,
    ae_epochs=30,
    k_neighbors=3,
    random_state=0,
)
X_res, y_res = sampler.fit_resample(X_train, y_train)
print("images per digit after resampling:", sorted(Counter(y_res.tolist()).values()))
history = sampler.history_["autoencoder"]
print(
    "last epoch: reconstruction {:.3f}, penalty {:.3f}".format(
        history["reconstruction"][-1], history["penalty"][-1]
    )
)

# %%
# A pixel blend and a latent blend
# --------------------------------
# Take an image of digit 3 and its nearest neighbour among the codes of digit
# 3 (``latent_smote_`` holds the codes, grouped by class, and each code's
# neighbours). The top row mixes the two images pixel by pixel, as SMOTE
# does; the bottom row mixes their codes and decodes the mix, as DeepSMOTE
# does. The ends of the bottom row are the autoencoder's reconstructions.
smote = sampler.latent_smote_
digit = np.searchsorted(sampler.classes_, 3)
first = smote.class_starts[digit]
second = smote.neighbors[first, 0]
images = X_train[y_train == 3][[0, second - first]]
gaps = np.linspace(0, 1, 6)
pixel_blend = images[0] + gaps[:, None] * (images[1] - images[0])
codes = torch.as_tensor(smote.codes[[first, second]])
latent_blend = codes[0] + torch.as_tensor(gaps, dtype=torch.float32)[:, None] * (
    codes[1] - codes[0]
)
with torch.no_grad():
    decoded = sampler.decoder_.eval()(latent_blend).numpy()
decoded_blend = sampler.data_layout_.from_network(decoded)

fig, axes = plt.subplots(2, len(gaps), figsize=(6.5, 2.6))
for row_axes, blend, name in zip(
    axes, [pixel_blend, decoded_blend], ["pixels", "codes"], strict=True
):
    for axis, image in zip(row_axes, blend, strict=True):
        axis.imshow(image.reshape(8, 8), cmap="gray_r", interpolation="nearest")
        axis.set_xticks([])
        axis.set_yticks([])
    row_axes[0].set_ylabel(name, fontsize=9)
for axis, gap in zip(axes[0], gaps, strict=True):
    axis.set_title(f"u = {gap:.1f}", fontsize=8)
fig.suptitle("Between two training images of digit 3", fontsize=10)
fig.tight_layout()

# %%
# The decoded blends change smoothly from one reconstruction to the other,
# each drawn by the decoder rather than overlaid. The penalty also pulls the
# decoded images of one digit towards each other: here the two
# reconstructions are closer to each other than the two images are.
# ``penalty="reference"`` (the reference code's penalty) or
# ``penalty_weight=0`` keep more of their differences, and with them more
# diverse samples.

# %%
# New samples of every digit
# --------------------------
# ``generate`` runs latent SMOTE for the requested classes and decodes the
# new codes; each column holds new samples of one digit.
classes = np.arange(10)
samples = sampler.generate(np.repeat(classes, 4), random_state=0)
fig, axes = plt.subplots(4, len(classes), figsize=(6.5, 2.9))
for index, image in enumerate(samples):
    axis = axes[index % 4, index // 4]
    axis.imshow(image.reshape(8, 8), cmap="gray_r", interpolation="nearest")
    axis.set_xticks([])
    axis.set_yticks([])
for axis, c in zip(axes[0], classes, strict=True):
    axis.set_title(str(c), fontsize=9)
fig.suptitle("DeepSMOTE samples (tiny training budget)", fontsize=10)
fig.tight_layout()

# %%
# A classifier on the balanced data
# ---------------------------------
# A logistic regression trained on each resampled set, scored on the
# balanced test set. In a real application the sampler sits in an
# :class:`imblearn.pipeline.Pipeline` in front of the classifier. With one
# seed and a tiny budget, the differences say little about the methods.
from imblearn.over_sampling import SMOTE
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgan_sampler.metrics import imbalanced_scores

training_sets = {
    "no resampling": (X_train, y_train),
    "SMOTE": SMOTE(k_neighbors=3, random_state=0).fit_resample(X_train, y_train),
    "DeepSMOTE": (X_res, y_res),
}
print(f"{'':<15}{'bal. acc.':>10}{'macro-F1':>10}")
for name, (X_fit, y_fit) in training_sets.items():
    classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))
    classifier.fit(X_fit, y_fit)
    scores = imbalanced_scores(y_test, classifier.predict(X_test))
    print(f"{name:<15}{scores['balanced_accuracy']:>10.3f}{scores['macro_f1']:>10.3f}")
