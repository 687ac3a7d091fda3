"""
===========================================
Tabular data with a scikit-learn classifier
===========================================

Without ``image_shape`` the rows of ``X`` are tabular features: every
sampler models them with small fully connected networks (MLPs) and scales
each feature to [-1, 1] on its own. This example oversamples a
two-dimensional, three-class problem, so that the synthetic points can be
drawn beside SMOTE's, and scores a gradient-boosting classifier behind each
sampler.
"""

# Authors: skgan_sampler developers
# License: MIT

# %%
# An imbalanced three-class problem
# ---------------------------------
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
from imblearn.over_sampling import SMOTE
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split

import skgan_sampler
from skgan_sampler.metrics import imbalanced_scores

X, y = make_classification(
    n_samples=800,
    n_features=2,
    n_informative=2,
    n_redundant=0,
    n_clusters_per_class=1,
    n_classes=3,
    weights=[0.8, 0.15, 0.05],
    class_sep=1.2,
    random_state=3,
)
print("samples per class:", dict(sorted(Counter(y.tolist()).items())))

# %%
# The samplers
# ------------
# The same parameters as for images, minus ``image_shape``. Tabular networks
# are small and train fast.
samplers = {"SMOTE": SMOTE(random_state=0)}
budgets = {
    "BAGANSampler": {"ae_epochs": 20, "gan_epochs": 20},
    "BAGANGPSampler": {"ae_epochs": 20, "gan_epochs": 8, "n_critic": 2},
    "SCDLGANSampler": {"ae_epochs": 20, "gan_epochs": 20},
    "GAMOSampler": {"gan_epochs": 20},
}
for name, budget in budgets.items():
    samplers[name] = getattr(skgan_sampler, name)(
        latent_dim=4, batch_size=64, random_state=0, **budget
    )

# %%
# Where the synthetic points land
# -------------------------------
# Each sampler balances a stratified half of the data; the other half is kept
# for testing. Dots are the original training points, crosses the synthetic
# points of the two minority classes. SMOTE interpolates between neighbours,
# so its points lie on segments inside each class; a GAN draws from a learned
# density, which can reach beyond them, or pile up at the edge of the
# training range (generated values are clipped to it) when its training
# budget is small.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
colours = np.array(["tab:blue", "tab:orange", "tab:green"])
resampled = {"no resampling": (X_train, y_train)}
fig, axes = plt.subplots(
    1, len(samplers), figsize=(3.2 * len(samplers), 3.2), sharex=True, sharey=True
)
for axis, (name, sampler) in zip(axes, samplers.items(), strict=True):
    X_res, y_res = resampled[name] = sampler.fit_resample(X_train, y_train)
    X_new, y_new = X_res[len(X_train) :], y_res[len(X_train) :]
    axis.scatter(*X_train.T, c=colours[y_train], s=6, alpha=0.3)
    axis.scatter(*X_new.T, c=colours[y_new], s=10, marker="x", linewidths=0.8)
    axis.set_title(name, fontsize=10)
fig.tight_layout()

# %%
# A classifier on each resampled set
# ----------------------------------
# A gradient-boosting classifier is trained on each resampled training set
# and scored on the untouched test half. (To cross-validate, put the sampler
# in an :func:`imblearn.pipeline.make_pipeline` in front of the classifier,
# so that only the training folds are resampled.)
for name, (X_res, y_res) in resampled.items():
    classifier = HistGradientBoostingClassifier(max_iter=50, random_state=0)
    scores = imbalanced_scores(y_test, classifier.fit(X_res, y_res).predict(X_test))
    print(
        f"{name:<15} balanced accuracy {scores['balanced_accuracy']:.3f}"
        f"  macro-F1 {scores['macro_f1']:.3f}  G-mean {scores['geometric_mean']:.3f}"
    )

# %%
# On tabular data with a handful of features, SMOTE is fast and hard to beat;
# see :ref:`choosing` for when a GAN sampler is worth its cost.
