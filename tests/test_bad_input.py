"""Hostile but realistic input, for every public estimator.

Each case states the exact outcome: a result with stated properties, or an
error whose type and message name the parameter (or column) and the fix.
A new estimator is covered by adding its fast instance to ``ESTIMATORS``;
a new case by adding a row to ``CASES``.
"""

# Authors: skgan_sampler developers
# License: MIT

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone, is_classifier
from sklearn.utils._param_validation import InvalidParameterError

from skgan_sampler import GAMOSampler, SmallCNN

from .fast_estimators import FAST_SAMPLERS, estimator_id

ESTIMATORS = [
    *(clone(s).set_params(batch_size=16) for s in FAST_SAMPLERS),
    SmallCNN(epochs=1, batch_size=16, random_state=0, device="cpu"),
]
N_MAJORITY, N_MINORITY = 30, 10


def _rows(n_features=5):
    return np.random.RandomState(0).randn(N_MAJORITY + N_MINORITY, n_features)


def _labels():
    return np.r_[[0] * N_MAJORITY, [1] * N_MINORITY]


def _run(estimator, X, y):
    """fit_resample for a sampler; fit, then predict on X, for a classifier."""
    if is_classifier(estimator):
        return estimator.fit(X, y), estimator.predict(X)
    return estimator.fit_resample(X, y)


# --------------------------------------------------------------------------
# Checks of a successful result
# --------------------------------------------------------------------------


def _synthetic(X_res, X):
    return X_res.iloc[len(X) :] if hasattr(X_res, "iloc") else X_res[len(X) :]


def _finite_within_training_range(estimator, X, y, result):
    if is_classifier(estimator):
        assert set(result[1]) <= set(y)
        return
    X_res, y_res = result
    new = np.asarray(_synthetic(X_res, X), dtype=np.float64)
    assert len(new) == N_MAJORITY - N_MINORITY
    assert np.all(np.isfinite(new))
    assert np.all(new >= np.asarray(X, dtype=np.float64).min(axis=0))
    assert np.all(new <= np.asarray(X, dtype=np.float64).max(axis=0))


def _booleans_follow_their_frequency(estimator, X, y, result):
    _finite_within_training_range(estimator, X, y, result)
    if is_classifier(estimator):
        return
    new = _synthetic(result[0], X)
    assert new.dtype == bool
    # A quarter of the input is True; thresholded at the class's majority
    # or cast from floats, the synthetic rows came back all False or all True.
    assert 0.05 <= new.mean() <= 0.6


def _labels_keep_their_type(estimator, X, y, result):
    labels = result[1]
    assert labels.dtype == y.dtype
    # A classifier trained one epoch may predict the majority only.
    assert set(labels) <= set(y) if is_classifier(estimator) else set(labels) == set(y)


def _columns_keep_their_dtypes(estimator, X, y, result):
    if is_classifier(estimator):
        assert set(result[1]) <= set(y)
        return
    X_res = result[0]
    assert isinstance(X_res, pd.DataFrame)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    new = _synthetic(X_res, X)
    for column in X.columns:
        values = new[column].to_numpy(dtype=np.float64)
        assert values.min() >= X[column].min() and values.max() <= X[column].max()
    generated = estimator.generate(np.ones(4, dtype=int), random_state=0)
    assert generated.dtypes.to_dict() == X.dtypes.to_dict()


def _constant_feature_stays_constant(estimator, X, y, result):
    _finite_within_training_range(estimator, X, y, result)
    if not is_classifier(estimator):
        np.testing.assert_array_equal(_synthetic(result[0], X)[:, 0], X[0, 0])


# --------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One input: ``make()`` gives ``(X, y)``; ``params`` are set on a clone.

    ``raises`` is ``(exception type, message regex)`` for cases that must
    fail; otherwise ``check(estimator, X, y, result)`` asserts the result.
    ``only`` limits the case to estimators it applies to.
    """

    name: str
    make: Callable[[], tuple[Any, Any]] = lambda: (_rows(), _labels())
    params: dict = field(default_factory=dict)
    raises: tuple[type, str] | None = None
    check: Callable = _finite_within_training_range
    only: Callable[[Any], bool] = lambda estimator: True


def _with(value, row=0, column=0):
    def make():
        X = _rows()
        X[row, column] = value
        return X, _labels()

    return make


def _dataframe(**columns):
    def make():
        X = _rows(4)
        frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1]})
        for name, build in columns.items():
            frame[name] = build(X)
        return frame, _labels()

    return make


def _is_sampler(estimator):
    return not is_classifier(estimator)


def _has_ae(estimator):
    return "ae_learning_rate" in estimator.get_params()


def _has_only_ae(estimator):
    return _has_ae(estimator) and "gan_learning_rate" not in estimator.get_params()


CASES = [
    # --- values ---------------------------------------------------------
    Case("nan", _with(np.nan), raises=(ValueError, "NaN")),
    Case("inf", _with(np.inf), raises=(ValueError, "infinity")),
    Case("huge_values", lambda: (_rows() * 1e30, _labels())),
    Case("tiny_values", lambda: (_rows() * 1e-30, _labels())),
    Case(
        "constant_feature",
        lambda: (np.c_[np.full(40, 7.0), _rows(4)], _labels()),
        check=_constant_feature_stays_constant,
    ),
    Case(
        "bool_features",
        lambda: (_rows() > 0.8, _labels()),
        check=_booleans_follow_their_frequency,
    ),
    Case("float16", lambda: (_rows().astype(np.float16), _labels())),
    Case("float32", lambda: (_rows().astype(np.float32), _labels())),
    Case("int8", lambda: ((_rows() * 20).astype(np.int8), _labels())),
    Case("uint16", lambda: ((_rows() * 20 + 100).astype(np.uint16), _labels())),
    # --- shapes ---------------------------------------------------------
    Case(
        "empty",
        lambda: (np.empty((0, 5)), np.empty(0)),
        raises=(ValueError, "0 sample"),
    ),
    Case(
        "one_dimensional_X",
        lambda: (_rows()[:, 0], _labels()),
        raises=(ValueError, "2D array"),
    ),
    Case(
        "y_length_differs",
        lambda: (_rows(), _labels()[:-1]),
        raises=(ValueError, "inconsistent numbers of samples"),
    ),
    Case("one_feature", lambda: (_rows(1), _labels())),
    Case(
        "wrong_image_shape",
        params={"image_shape": (2, 3)},
        raises=(ValueError, "image_shape"),
    ),
    Case(
        "image_shape_not_a_shape",
        params={"image_shape": (5, 0)},
        raises=(ValueError, "image_shape"),
    ),
    Case(
        "image_array_shape_differs",
        lambda: (_rows(6).reshape(40, 2, 3), _labels()),
        params={"image_shape": (3, 2)},
        raises=(ValueError, "image_shape"),
    ),
    # --- labels ---------------------------------------------------------
    Case(
        "one_class",
        lambda: (_rows(), np.zeros(40, dtype=int)),
        raises=(ValueError, "class"),
    ),
    Case(
        "string_labels",
        lambda: (_rows(), np.where(_labels() == 1, "rare", "common")),
        check=_labels_keep_their_type,
    ),
    Case(
        "sparse_integer_labels",
        lambda: (_rows(), _labels() * 7 + 3),
        check=_labels_keep_their_type,
    ),
    Case(
        "continuous_labels",
        lambda: (_rows(), np.linspace(0, 1, 40)),
        raises=(ValueError, "[Uu]nknown label type|continuous"),
    ),
    # --- DataFrames -----------------------------------------------------
    Case(
        "dataframe_integer_and_bool_columns",
        _dataframe(
            count=lambda X: np.round(X[:, 2] * 10).astype(np.int64),
            flag=lambda X: X[:, 3] > 0,
        ),
        check=_columns_keep_their_dtypes,
    ),
    Case(
        "dataframe_nullable_integer_column",
        _dataframe(count=lambda X: pd.array(np.round(X[:, 2] * 5), dtype="Int64")),
        check=_columns_keep_their_dtypes,
    ),
    Case(
        "dataframe_category_column",
        _dataframe(kind=lambda X: pd.Categorical(np.where(X[:, 2] > 0, "x", "y"))),
        raises=(ValueError, "Column 'kind'"),
        only=_is_sampler,
    ),
    # --- parameters -----------------------------------------------------
    Case(
        "batch_size_one",
        params={"batch_size": 1},
        raises=(InvalidParameterError, "'batch_size' parameter"),
    ),
    Case(
        "batch_size_zero",
        params={"batch_size": 0},
        raises=(InvalidParameterError, "'batch_size' parameter"),
    ),
    Case(
        "latent_dim_zero",
        params={"latent_dim": 0},
        raises=(InvalidParameterError, "'latent_dim' parameter"),
        only=_is_sampler,
    ),
    Case(
        "negative_learning_rate",
        params={"gan_learning_rate": -1.0},
        raises=(InvalidParameterError, "'gan_learning_rate' parameter"),
        only=_is_sampler,
    ),
    Case(
        "negative_autoencoder_learning_rate",
        params={"ae_learning_rate": -1.0},
        raises=(InvalidParameterError, "'ae_learning_rate' parameter"),
    ),
    Case(
        "k_neighbors_zero",
        params={"k_neighbors": 0},
        raises=(InvalidParameterError, "'k_neighbors' parameter"),
    ),
    Case(
        "k_neighbors_not_an_integer",
        params={"k_neighbors": 2.5},
        raises=(InvalidParameterError, "'k_neighbors' parameter .* must be an int"),
    ),
    Case(
        "device_meta",
        params={"device": "meta"},
        raises=(InvalidParameterError, "'device' parameter"),
    ),
    Case(
        "torch_device_meta",
        params={"device": torch.device("meta")},
        raises=(InvalidParameterError, "'device' parameter"),
    ),
    Case(
        "device_gpu",
        params={"device": "gpu"},
        raises=(InvalidParameterError, "'device' parameter"),
    ),
    Case("device_torch_cpu", params={"device": torch.device("cpu")}),
    Case(
        "sampling_strategy_unknown_class",
        params={"sampling_strategy": {5: 40}},
        raises=(ValueError, "class"),
        only=_is_sampler,
    ),
    # --- training that blows up -----------------------------------------
    Case(
        "learning_rates_far_too_high",
        params={
            "ae_learning_rate": 1e4,
            "gan_learning_rate": 1e4,
            "ae_epochs": 3,
            "gan_epochs": 3,
        },
        raises=(FloatingPointError, "(diverged|collapsed).*[Ll]ower the learning rate"),
        only=_has_ae,
    ),
    Case(
        "autoencoder_learning_rate_far_too_high",
        params={"ae_learning_rate": 1e4, "ae_epochs": 3},
        raises=(FloatingPointError, "(diverged|collapsed).*[Ll]ower the learning rate"),
        only=_has_only_ae,
    ),
    Case(
        "classifier_learning_rate_far_too_high",
        params={"learning_rate": 1e4, "epochs": 3},
        raises=(FloatingPointError, "diverged.*[Ll]ower the learning rate"),
        only=is_classifier,
    ),
]

MATRIX = [
    pytest.param(case, estimator, id=f"{case.name}-{estimator_id(estimator)}")
    for case in CASES
    for estimator in ESTIMATORS
    if case.only(estimator)
    and all(name in estimator.get_params() for name in case.params)
]


@pytest.mark.parametrize("case, estimator", MATRIX)
def test_bad_input(case, estimator):
    X, y = case.make()
    X_before = X.copy()
    estimator = clone(estimator).set_params(**case.params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if case.raises is not None:
            error, message = case.raises
            with pytest.raises(error, match=message):
                _run(estimator, X, y)
        else:
            case.check(estimator, X, y, _run(estimator, X, y))
    if isinstance(X, pd.DataFrame):
        pd.testing.assert_frame_equal(X, X_before)
    else:
        np.testing.assert_array_equal(X, X_before)


def test_every_case_runs_on_some_estimator():
    assert {case.name for case in CASES} == {param.values[0].name for param in MATRIX}


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=estimator_id)
def test_generate_uses_the_fitted_latent_size(sampler):
    fitted = clone(sampler).set_params(batch_size=16)
    fitted.fit_resample(_rows(), _labels())
    before = fitted.generate([1, 1, 1], random_state=0)
    fitted.set_params(latent_dim=sampler.latent_dim * 2)
    np.testing.assert_array_equal(fitted.generate([1, 1, 1], random_state=0), before)


@pytest.mark.parametrize("sampler", FAST_SAMPLERS, ids=estimator_id)
def test_generate_rejects_unseen_labels(sampler):
    fitted = clone(sampler).set_params(batch_size=16)
    fitted.fit_resample(_rows(), _labels())
    with pytest.raises(ValueError, match=r"labels \[7\] that were not seen"):
        fitted.generate([1, 7])


def test_gamo_keeps_convex_mixing_at_any_learning_rate():
    # GAMO's samples are convex combinations of real rows: they cannot blow
    # up, and its losses are bounded mean squared errors.
    sampler = GAMOSampler(
        gan_learning_rate=1e4, gan_epochs=3, latent_dim=4, random_state=0, device="cpu"
    )
    X, y = _rows(), _labels()
    X_res, _ = sampler.fit_resample(X, y)
    minority = X[y == 1]
    assert np.all(X_res[40:] >= minority.min(axis=0) - 1e-6)
    assert np.all(X_res[40:] <= minority.max(axis=0) + 1e-6)
