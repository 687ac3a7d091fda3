"""SmallCNN: architecture, predictions, class weights, layouts and pickling.

Both estimator check suites run on it through ``FAST_CLASSIFIERS``.
"""

import pickle

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from skgan_sampler import SmallCNN
from skgan_sampler._classifier import build_small_cnn


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X.astype(np.float32), y


def _n_parameters(module):
    return sum(p.numel() for p in module.parameters())


def test_architecture_of_the_report_for_28x28_grey_images():
    module = build_small_cnn((28, 28, 1), 784, 10)
    assert _n_parameters(module) == 4_871_340
    assert module(torch.zeros(2, 1, 28, 28)).shape == (2, 10)


@pytest.mark.parametrize("image_shape", [(32, 32, 3), (8, 8, 1), (5, 7, 2)])
def test_architecture_adapts_to_other_images(image_shape):
    height, width, channels = image_shape
    module = build_small_cnn(image_shape, height * width * channels, 3)
    assert module(torch.zeros(2, channels, height, width)).shape == (2, 3)


def test_learns_digits_and_predicts_probabilities(digits):
    X, y = digits
    clf = SmallCNN(image_shape=(8, 8), epochs=5, random_state=0, device="cpu")
    clf.fit(X[::2], y[::2])
    proba = clf.predict_proba(X[1::2])
    assert proba.shape == (len(X[1::2]), 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(clf.predict(X[1::2]), clf.classes_[proba.argmax(1)])
    assert clf.score(X[1::2], y[1::2]) > 0.9
    assert len(clf.loss_curve_) == 5 and clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_same_seed_same_model(digits):
    X, y = digits
    first = SmallCNN(image_shape=(8, 8), epochs=1, random_state=3).fit(X, y)
    second = SmallCNN(image_shape=(8, 8), epochs=1, random_state=3).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))


def test_image_arrays_and_flat_rows_give_the_same_model(digits):
    X, y = digits
    flat = SmallCNN(image_shape=(8, 8), epochs=1, random_state=0).fit(X, y)
    images = SmallCNN(epochs=1, random_state=0).fit(X.reshape(-1, 8, 8, 1), y)
    np.testing.assert_allclose(
        flat.predict_proba(X), images.predict_proba(X.reshape(-1, 8, 8)), atol=1e-6
    )


def test_balanced_class_weight_raises_minority_recall(digits):
    X, y = digits
    # Digit 3 keeps 4 of its 183 images; the other 179 test its recall.
    in_training = (y != 3) | (np.cumsum(y == 3) <= 4)
    held_out_threes = X[~in_training]
    recalls = {}
    for class_weight in (None, "balanced"):
        clf = SmallCNN(
            image_shape=(8, 8), epochs=3, class_weight=class_weight, random_state=0
        ).fit(X[in_training], y[in_training])
        recalls[class_weight] = np.mean(clf.predict(held_out_threes) == 3)
    # Measured with random_state 0 and 1: 0.00 without weights, 0.86-0.92 with.
    assert recalls["balanced"] > 0.5
    assert recalls["balanced"] > recalls[None] + 0.3


def test_fitted_module_is_on_the_cpu_and_pickles(digits):
    X, y = digits
    clf = SmallCNN(image_shape=(8, 8), epochs=1, random_state=0).fit(X, y)
    assert all(p.device.type == "cpu" for p in clf.module_.parameters())
    assert not clf.module_.training
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize(
    "params, fit_args, message",
    [
        ({"image_shape": (7, 8)}, None, "describes 56 values per image"),
        ({"epochs": 0}, None, "'epochs' parameter of SmallCNN must be an int"),
        ({}, "one_class", "at least 2 classes"),
    ],
)
def test_bad_input_is_a_clear_error(digits, params, fit_args, message):
    X, y = digits
    if fit_args == "one_class":
        y = np.zeros_like(y)
    with pytest.raises(ValueError, match=message):
        SmallCNN(**{"image_shape": (8, 8), **params}).fit(X, y)


def test_retrain_last_layer_changes_only_the_last_layer(digits):
    X, y = digits[0][:500], digits[1][:500]
    clf = SmallCNN(image_shape=(8, 8), epochs=20, random_state=0).fit(X, y)
    before = [p.detach().clone() for p in clf.module_.parameters()]
    clf.retrain_last_layer(X[y < 5], y[y < 5])
    after = list(clf.module_.parameters())
    for old, new in zip(before[:-2], after[:-2], strict=True):
        torch.testing.assert_close(old, new, rtol=0, atol=0)
    assert not torch.equal(before[-1], after[-1].detach())
    assert len(clf.last_layer_loss_curve_) == 20
    # Trained on five classes only, it predicts little else.
    assert np.isin(clf.predict(X[y < 5]), np.arange(5)).mean() > 0.9
    clf.fit(X, y)
    assert not hasattr(clf, "last_layer_loss_curve_")


def test_retrain_last_layer_refuses_new_labels(digits):
    X, y = digits[0][:500], digits[1][:500]
    clf = SmallCNN(image_shape=(8, 8), epochs=1, random_state=0).fit(X[y < 9], y[y < 9])
    with pytest.raises(ValueError, match=r"labels \[9\] that fit did not see"):
        clf.retrain_last_layer(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.retrain_last_layer(X[:, :32], y)
