"""Samplers inside imblearn pipelines and grid searches."""

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skgan_sampler import SmallCNN

from .fast_estimators import FAST_SAMPLERS, estimator_id


@pytest.fixture(scope="module")
def imbalanced_digits():
    X, y = load_digits(return_X_y=True)
    keep = np.concatenate(
        [np.flatnonzero(y == label)[:n] for label, n in [(0, 40), (1, 40), (2, 10)]]
    )
    return X[keep].astype(np.uint8), y[keep]


def _pipeline(sampler):
    return Pipeline(
        [
            ("gan", clone(sampler).set_params(image_shape=(8, 8))),
            ("clf", SmallCNN(image_shape=(8, 8), epochs=2, random_state=0)),
        ]
    )


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=estimator_id)
def test_resampling_happens_in_fit_only(sampler, imbalanced_digits, monkeypatch):
    X, y = imbalanced_digits
    pipe = _pipeline(sampler).fit(X, y)
    # Classes 0 and 1 tie for the majority; imbalanced-learn picks 0.
    assert pipe.named_steps["gan"].sampling_strategy_ == {1: 0, 2: 30}
    assert pipe.named_steps["clf"].n_features_in_ == 64
    expected = pipe.named_steps["clf"].predict(X)

    def sampler_called(*args, **kwargs):
        raise AssertionError("the sampler ran at predict time")

    # Prediction sees the rows as given: no sampler runs at predict time.
    gan = pipe.named_steps["gan"]
    for method in ("fit", "fit_resample", "generate", "_generate_rows"):
        monkeypatch.setattr(gan, method, sampler_called)
    np.testing.assert_array_equal(pipe.predict(X), expected)
    np.testing.assert_array_equal(
        pipe.predict_proba(X), pipe.named_steps["clf"].predict_proba(X)
    )


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=estimator_id)
def test_grid_search_over_sampler_parameters(sampler, imbalanced_digits):
    X, y = imbalanced_digits
    search = GridSearchCV(
        _pipeline(sampler),
        {"gan__latent_dim": [2, 4], "gan__random_state": [0]},
        scoring="balanced_accuracy",
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        error_score="raise",
    ).fit(X, y)
    assert set(search.cv_results_["param_gan__latent_dim"]) == {2, 4}
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_estimator_.named_steps["gan"].latent_dim in (2, 4)


def test_invalid_sampler_parameter_fails_the_search_with_its_name(imbalanced_digits):
    X, y = imbalanced_digits
    search = GridSearchCV(
        _pipeline(FAST_SAMPLERS[0]),
        {"gan__latent_dim": [0]},
        cv=2,
        error_score="raise",
    )
    with pytest.raises(ValueError, match="'latent_dim' parameter"):
        search.fit(X, y)
