"""Checks of fitted samplers shared by the test modules: their latent codes
and whether their samples look like their class."""

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def encode_rows(sampler, X) -> np.ndarray:
    """The codes the fitted ``sampler.encoder_`` gives rows ``X``, in eval mode."""
    with torch.no_grad():
        inputs = torch.as_tensor(sampler.data_layout_.to_network(X))
        return sampler.encoder_.eval()(inputs).numpy()


def recognised_per_class(sampler, X, y, n_per_class: int = 30) -> np.ndarray:
    """Share of each class's generated samples that a judge labels as the class.

    The judge is a logistic regression on the pixels of the real rows
    ``(X, y)``; ``n_per_class`` samples of every class of ``y`` are drawn
    with ``random_state=0``.
    """
    judge = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(X, y)
    classes = np.unique(y)
    labels = np.repeat(classes, n_per_class)
    predicted = judge.predict(sampler.generate(labels, random_state=0))
    return np.array([np.mean(predicted[labels == c] == c) for c in classes])
