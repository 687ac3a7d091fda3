"""
=====================================================
Weighting synthetic rows, or using them for the head
=====================================================

:class:`~skgan_sampler.OversampledClassifier` trains a classifier on a
sampler's output while it knows which rows are synthetic. This example
resamples imbalanced digits with DeepSMOTE and trains SmallCNN four ways:
as the plain pipeline does, with the synthetic rows weighted half, with a
quarter of the synthetic rows (``TopUp(0.25)``), and with the synthetic
rows used only to re-train the last layer after SmallCNN learned its
features from the real rows. The budgets are tiny, so the scores only show
how to run the comparison; the benchmark's ablation measures it
(:ref:`gan-payoff`).
"""

# Authors: skgan_sampler developers
# License: MIT

# %%
# Imbalanced digits
# -----------------
import matplotlib.pyplot as plt
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skgan_sampler import DeepSMOTESampler, OversampledClassifier, SmallCNN, TopUp
from skgan_sampler.datasets import make_imbalanced
from skgan_sampler.metrics import imbalanced_scores

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=0
)
X_train, y_train = make_imbalanced(
    X_train, y_train, counts=[90, 60, 40, 30, 20, 15, 12, 10, 8, 6], random_state=0
)

# %%
# Four uses of the same synthetic rows
# ------------------------------------
# The sampler and the classifier are the same each time (fresh clones, since
# ``set_params`` of ``sampler__...`` changes the sampler object it is given);
# only what the classifier does with the synthetic rows changes.
sampler = DeepSMOTESampler(
    image_shape=(8, 8), latent_dim=8, ae_epochs=15, k_neighbors=3, random_state=0
)
cnn = SmallCNN(image_shape=(8, 8), n_steps=200, lr_schedule="cosine", random_state=0)
settings = {
    "pipeline": {},
    "weight 0.5": {"synthetic_weight": 0.5},
    "TopUp(0.25)": {"sampler__sampling_strategy": TopUp(0.25)},
    "last layer": {"synthetic_training": "last_layer"},
}
scores = {}
for name, params in settings.items():
    clf = OversampledClassifier(sampler=clone(sampler), estimator=clone(cnn))
    clf.set_params(**params)
    clf.fit(X_train, y_train)
    scores[name] = imbalanced_scores(y_test, clf.predict(X_test))
    print(
        f"{name:12s} {clf.n_synthetic_:4d} synthetic rows, balanced accuracy "
        f"{scores[name]['balanced_accuracy']:.3f}"
    )

# %%
# Recall per class
# ----------------
# The rare digits (right) are where the synthetic rows should help.
fig, ax = plt.subplots(figsize=(7, 3.5))
for offset, (name, score) in enumerate(scores.items()):
    recall = score["per_class_recall"]
    ax.bar(
        [label + 0.2 * offset - 0.3 for label in recall],
        list(recall.values()),
        width=0.2,
        label=name,
    )
ax.set_xticks(range(10))
ax.set_xlabel("digit (training images: 90 for 0 down to 6 for 9)")
ax.set_ylabel("recall on the test set")
ax.legend(loc="lower left", fontsize="small")
fig.tight_layout()
plt.show()
