"""OversampledClassifier: the pipeline it replaces, synthetic weights, last layer.

The estimator check suites run on it through ``FAST_CLASSIFIERS``.
"""

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import InvalidParameterError

from skgan_sampler import OversampledClassifier, SmallCNN, TopUp

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def data(imbalanced_float_digits):
    X, y = imbalanced_float_digits
    return X / 16.0, y


def _logistic():
    return LogisticRegression(max_iter=2000)


def _smote():
    # The smallest class has 4 images.
    return SMOTE(k_neighbors=3, random_state=0)


def _tiny_cnn():
    return SmallCNN(image_shape=(8, 8), epochs=2, random_state=0, device="cpu")


def test_defaults_train_what_the_pipeline_trains(data):
    X, y = data
    pipeline = Pipeline([("sampler", _smote()), ("clf", _logistic())]).fit(X, y)
    wrapped = OversampledClassifier(sampler=_smote(), estimator=_logistic()).fit(X, y)
    np.testing.assert_array_equal(
        wrapped.estimator_.coef_, pipeline.named_steps["clf"].coef_
    )
    np.testing.assert_array_equal(wrapped.predict(X), pipeline.predict(X))
    assert wrapped.n_synthetic_ == len(_smote().fit_resample(X, y)[1]) - len(y)


def test_synthetic_rows_get_the_synthetic_weight(data):
    X, y = data
    X_res, y_res = _smote().fit_resample(X, y)
    weights = np.where(np.arange(len(y_res)) < len(y), 1.0, 0.3)
    expected = _logistic().fit(X_res, y_res, sample_weight=weights)
    wrapped = OversampledClassifier(
        sampler=_smote(), estimator=_logistic(), synthetic_weight=0.3
    ).fit(X, y)
    np.testing.assert_allclose(wrapped.estimator_.coef_, expected.coef_)


def test_zero_synthetic_weight_is_training_on_the_real_rows(data):
    X, y = data
    real_only = _logistic().fit(X, y)
    wrapped = OversampledClassifier(
        sampler=_smote(), estimator=_logistic(), synthetic_weight=0.0
    ).fit(X, y)
    assert wrapped.n_synthetic_ > 0
    np.testing.assert_allclose(
        wrapped.predict_proba(X), real_only.predict_proba(X), atol=2e-3
    )


def test_last_layer_keeps_the_features_learned_on_real_rows(data):
    X, y = data
    real_only = _tiny_cnn().fit(X, y)
    wrapped = OversampledClassifier(
        sampler=_smote(),
        estimator=_tiny_cnn(),
        synthetic_training="last_layer",
    ).fit(X, y)
    learned = list(wrapped.estimator_.module_.parameters())
    reference = list(real_only.module_.parameters())
    for before, after in zip(reference[:-2], learned[:-2], strict=True):
        np.testing.assert_array_equal(before.detach(), after.detach())
    assert not np.array_equal(learned[-1].detach(), reference[-1].detach())
    assert len(wrapped.estimator_.last_layer_loss_curve_) == 2


def test_last_layer_with_top_up_is_deterministic(data):
    X, y = data

    def fit():
        return OversampledClassifier(
            sampler=SMOTE(sampling_strategy=TopUp(0.5), k_neighbors=3, random_state=0),
            estimator=_tiny_cnn(),
            synthetic_training="last_layer",
            synthetic_weight=0.5,
        ).fit(X, y)

    np.testing.assert_array_equal(fit().predict_proba(X), fit().predict_proba(X))


def test_default_sampler_and_estimator(data):
    X, y = data
    clf = OversampledClassifier().set_params(estimator=_tiny_cnn()).fit(X, y)
    counts = np.bincount(y)
    assert clf.n_synthetic_ == int((counts.max() - counts).sum())
    assert isinstance(OversampledClassifier()._unfitted_estimator(), SmallCNN)


def test_input_is_not_modified(data):
    X, y = data
    X_copy, y_copy = X.copy(), y.copy()
    OversampledClassifier(
        sampler=RandomOverSampler(random_state=0),
        estimator=_logistic(),
        synthetic_weight=0.5,
    ).fit(X, y)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_grid_search_over_the_sampler_and_the_weight(data):
    X, y = data
    search = GridSearchCV(
        OversampledClassifier(
            sampler=RandomOverSampler(random_state=0), estimator=_logistic()
        ),
        {
            "synthetic_weight": [0.5, 1.0],
            "sampler__sampling_strategy": [TopUp(0.5), "auto"],
        },
        scoring="balanced_accuracy",
        cv=2,
    ).fit(X, y)
    assert set(search.best_params_) == {
        "synthetic_weight",
        "sampler__sampling_strategy",
    }


def test_a_sampler_that_drops_rows_is_refused(data):
    X, y = data
    clf = OversampledClassifier(
        sampler=RandomUnderSampler(random_state=0), estimator=_logistic()
    )
    with pytest.raises(ValueError, match="original rows first"):
        clf.fit(X, y)


def test_weights_need_an_estimator_with_sample_weight(data):
    X, y = data
    clf = OversampledClassifier(
        sampler=_smote(),
        estimator=KNeighborsClassifier(),
        synthetic_weight=0.5,
    )
    with pytest.raises(TypeError, match="KNeighborsClassifier.fit does not accept"):
        clf.fit(X, y)
    clf.set_params(synthetic_weight=1.0).fit(X, y)


def test_last_layer_needs_retrain_last_layer(data):
    X, y = data
    clf = OversampledClassifier(
        sampler=_smote(),
        estimator=_logistic(),
        synthetic_training="last_layer",
    )
    with pytest.raises(TypeError, match="no retrain_last_layer method"):
        clf.fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"synthetic_weight": -1.0}, "synthetic_weight"),
        ({"synthetic_training": "head"}, "synthetic_training"),
        ({"sampler": LogisticRegression()}, "sampler"),
    ],
)
def test_bad_parameters_name_the_parameter(data, params, match):
    X, y = data
    with pytest.raises(InvalidParameterError, match=match):
        OversampledClassifier(estimator=_logistic(), **params).fit(X, y)


def test_predict_proba_only_where_the_estimator_has_it(data):
    X, y = data
    assert hasattr(OversampledClassifier(estimator=_logistic()), "predict_proba")
    clf = OversampledClassifier(estimator=LinearSVC())
    assert not hasattr(clf, "predict_proba")
    assert clf.fit(X, y).predict(X[:3]).shape == (3,)
    assert not hasattr(clf, "predict_proba")
