"""
=================================================
Oversampling imbalanced digits with every sampler
=================================================

Each GAN sampler of the package balances an imbalanced copy of
scikit-learn's 8x8 digits; we look at the samples it generates for every
class and score a classifier trained on the balanced data, beside SMOTE and
no resampling.

The training budgets here are tiny (a few passes over about 800 images) so
that the example runs in seconds on a laptop CPU: the samples are blurry and
the scores say nothing about which method is better. The
:ref:`benchmark report <benchmarks>` compares the methods with real budgets.
"""

# Authors: skgan_sampler developers
# License: MIT

# %%
# An imbalanced training set
# --------------------------
# A stratified half of the digits is held out as a balanced test set. In the
# training half, digit 3 keeps 5% of the size of the largest class, digits 5
# and 8 keep 20% and 50%.
import time
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
from imblearn.datasets import make_imbalance
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import skgan_sampler

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
# The samplers
# ------------
# Every sampler takes the shape of one image, ``image_shape=(8, 8)``: the rows
# of ``X`` are 8x8 images flattened in C order, the layout of
# ``load_digits().data``. (``SCDLGANSampler(supervised_weight=0)`` is the WAE-GAN
# baseline; :ref:`sphx_glr_auto_examples_plot_latent_space.py` compares the
# two.)
TINY_BUDGETS = {
    "BAGANSampler": {"ae_epochs": 6, "gan_epochs": 3},
    "BAGANGPSampler": {"ae_epochs": 6, "gan_epochs": 2, "n_critic": 2},
    "SCDLGANSampler": {"ae_epochs": 6, "gan_epochs": 3},
    "GAMOSampler": {"gan_epochs": 3},
}

samplers = {
    name: getattr(skgan_sampler, name)(
        image_shape=(8, 8), batch_size=32, random_state=0, **budget
    )
    for name, budget in TINY_BUDGETS.items()
}

# %%
# ``fit_resample`` trains the networks and returns the original images
# followed by the generated ones, class by class, so that every digit has as
# many images as the largest class (``sampling_strategy="auto"``).
resampled = {}
for name, sampler in samplers.items():
    start = time.perf_counter()
    resampled[name] = sampler.fit_resample(X_train, y_train)
    seconds = time.perf_counter() - start
    n_images = len(resampled[name][1])
    print(f"{name:<15} {seconds:5.1f} s, {n_images} images after resampling")

# %%
# The generated samples
# ---------------------
# ``generate`` draws new samples of the requested classes from the fitted
# networks; the top row shows real training images for comparison.
# ``GAMOSampler`` learns only the classes it oversampled (its
# ``generator_classes_``): not digit 1, the largest class, which needs no new
# samples; its cell stays empty.
classes = np.arange(10)
rows = {"real": np.stack([X_train[y_train == c][0] for c in classes])}
for name, sampler in samplers.items():
    available = getattr(sampler, "generator_classes_", sampler.classes_)
    rows[name] = np.full((len(classes), X_train.shape[1]), np.nan)
    rows[name][available] = sampler.generate(available, random_state=0)

fig, axes = plt.subplots(
    len(rows), len(classes), figsize=(6.5, 0.72 * len(rows)), squeeze=False
)
for row_axes, (name, images) in zip(axes, rows.items(), strict=True):
    for axis, image in zip(row_axes, images, strict=True):
        axis.imshow(image.reshape(8, 8), cmap="gray_r", interpolation="nearest")
        axis.set_xticks([])
        axis.set_yticks([])
    row_axes[0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
for axis, c in zip(axes[0], classes, strict=True):
    axis.set_title(str(c), fontsize=9)
fig.suptitle("One generated sample per digit (tiny training budgets)", fontsize=10)
fig.tight_layout()

# %%
# BAGAN and SCDL-GAN decode codes drawn from each class's Gaussian in the
# autoencoder's latent space, so their samples look like their class as soon
# as the autoencoder is trained. BAGAN-GP feeds its generator ``N(0, I)``
# noise times a class embedding, which the autoencoder stage never saw; with
# two adversarial epochs its samples do not yet depend on the class, it needs
# more adversarial training than this example gives it. GAMO's samples are
# weighted averages of real images of their class.

# %%
# A classifier on the balanced data
# ---------------------------------
# A logistic regression is trained on each resampled set and scored on the
# balanced test set. In a real application the sampler sits in an
# :class:`imblearn.pipeline.Pipeline` in front of the classifier (see
# :ref:`sphx_glr_auto_examples_plot_grid_search.py`); here the resampled sets
# from above are reused.
from imblearn.over_sampling import SMOTE
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgan_sampler.metrics import imbalanced_scores

resampled = {
    "no resampling": (X_train, y_train),
    "SMOTE": SMOTE(k_neighbors=3, random_state=0).fit_resample(X_train, y_train),
    **resampled,
}
print(f"{'':<15}{'bal. acc.':>10}{'macro-F1':>10}{'G-mean':>9}")
for name, (X_res, y_res) in resampled.items():
    classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))
    classifier.fit(X_res, y_res)
    scores = imbalanced_scores(y_test, classifier.predict(X_test))
    print(
        f"{name:<15}{scores['balanced_accuracy']:>10.3f}"
        f"{scores['macro_f1']:>10.3f}{scores['geometric_mean']:>9.3f}"
    )

# %%
# With budgets this small, the GAN samples are close to the class means and
# the differences between rows are within the seed-to-seed spread; this
# example shows the mechanics, not a ranking.
