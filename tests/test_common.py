"""Both estimator check suites and parameter validation on every public estimator."""

import pytest
from imblearn.utils.estimator_checks import (
    check_param_validation,
)
from imblearn.utils.estimator_checks import (
    parametrize_with_checks as imblearn_parametrize_with_checks,
)
from sklearn.utils.estimator_checks import (
    parametrize_with_checks as sklearn_parametrize_with_checks,
)

from skgan_sampler import SmallCNN

from .fast_estimators import FAST_CLASSIFIERS, FAST_SAMPLERS, estimator_id


def _with_listed_values(mark):
    """The same parametrize mark with its values in a list.

    imbalanced-learn's ``parametrize_with_checks`` passes a generator, which
    pytest deprecates (PytestRemovedIn10Warning); the ids are kept.
    """
    argnames, argvalues = mark.args
    return pytest.mark.parametrize(argnames, list(argvalues), **mark.kwargs)


@_with_listed_values(imblearn_parametrize_with_checks(FAST_SAMPLERS))
def test_imblearn_checks(estimator, check):
    check(estimator)


def _expected_failed_checks(estimator):
    if isinstance(estimator, SmallCNN):
        return {
            "check_methods_subset_invariance": (
                "float32 matrix products round differently for different batch "
                "sizes, so probabilities of a subset differ by about 1e-7, at the "
                "check's tolerance"
            ),
            "check_sample_weight_equivalence_on_dense_data": (
                "mini-batch SGD: a row of weight 2 is one row in one batch, not "
                "two rows that may land in different batches, so the networks "
                "differ (as for scikit-learn's SGD estimators)"
            ),
        }
    return {}


@sklearn_parametrize_with_checks(
    FAST_SAMPLERS + FAST_CLASSIFIERS, expected_failed_checks=_expected_failed_checks
)
def test_sklearn_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "estimator", FAST_SAMPLERS + FAST_CLASSIFIERS, ids=estimator_id
)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)
