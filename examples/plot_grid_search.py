"""
================================================
Tuning a sampler's hyperparameters in a pipeline
================================================

A GAN sampler is an ordinary imbalanced-learn sampler, so it goes into an
:class:`imblearn.pipeline.Pipeline` in front of a classifier and
:class:`~sklearn.model_selection.GridSearchCV` tunes its parameters with the
``<step>__<parameter>`` syntax. The pipeline resamples only when it is
fitted: each cross-validation split trains the GAN on its training folds and
scores the classifier on untouched validation folds.

The budgets are tiny so that the example runs in seconds; see
:ref:`grid_search` for running a real search in parallel or on a Dask
cluster.
"""

# Authors: skgan_sampler developers
# License: MIT

# %%
# Data: imbalanced digits
# -----------------------
# Five digits keep the example fast; digits 3 and 4 are made rare.
from collections import Counter

import matplotlib.pyplot as plt
import pandas as pd
from imblearn.datasets import make_imbalance
from imblearn.pipeline import Pipeline
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler

from skgan_sampler import BAGANSampler
from skgan_sampler.metrics import imbalanced_scores

X, y = load_digits(n_class=5, return_X_y=True)  # digits 0 to 4
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
X_train, y_train = make_imbalance(
    X_train, y_train, sampling_strategy={3: 9, 4: 18}, random_state=0
)
print("training images per digit:", dict(sorted(Counter(y_train.tolist()).items())))

# %%
# The pipeline and the grid
# -------------------------
# A logistic regression keeps the example fast (a usable screen while tuning;
# :class:`~skgan_sampler.SmallCNN` is the classifier to use for a final
# comparison). The grid crosses the size of the latent code with the number
# of adversarial epochs.
pipeline = Pipeline(
    [
        ("gan", BAGANSampler(image_shape=(8, 8), ae_epochs=1, random_state=0)),
        ("scale", StandardScaler()),
        ("clf", LogisticRegression(max_iter=300)),
    ]
)
param_grid = {"gan__latent_dim": [8, 32], "gan__gan_epochs": [1, 2]}
search = GridSearchCV(
    pipeline,
    param_grid,
    scoring="balanced_accuracy",
    cv=StratifiedKFold(n_splits=2, shuffle=True, random_state=0),
)
search.fit(X_train, y_train)
print("best parameters:", search.best_params_)

# %%
# The results
# -----------
# ``cv_results_`` holds every combination; with two folds and budgets this
# small, differences of a few points are noise.
results = pd.DataFrame(search.cv_results_)
columns = ["param_gan__latent_dim", "param_gan__gan_epochs", "mean_test_score"]
table = results[columns + ["std_test_score", "mean_fit_time"]]
print(table.round(3).to_string(index=False))

scores = results.pivot(
    index="param_gan__latent_dim",
    columns="param_gan__gan_epochs",
    values="mean_test_score",
)
fig, axis = plt.subplots(figsize=(4, 3))
image = axis.imshow(scores.to_numpy(), cmap="viridis")
axis.set_xticks(range(scores.shape[1]), scores.columns)
axis.set_yticks(range(scores.shape[0]), scores.index)
axis.set_xlabel("gan_epochs")
axis.set_ylabel("latent_dim")
for (row, col), value in pd.DataFrame(scores.to_numpy()).stack().items():
    axis.text(col, row, f"{value:.3f}", ha="center", va="center", color="w")
fig.colorbar(image, label="balanced accuracy (CV)")
axis.set_title("Grid search over BAGANSampler")
fig.tight_layout()

# %%
# The refitted best pipeline
# --------------------------
# ``best_estimator_`` was refitted on the whole training set. At prediction
# time the sampler is skipped: only the classifier sees the test images.
scores = imbalanced_scores(y_test, search.predict(X_test))
print(f"test balanced accuracy {scores['balanced_accuracy']:.3f}")
