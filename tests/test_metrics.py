"""skgan_sampler.metrics.imbalanced_scores against the reference definitions."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from imblearn.metrics import geometric_mean_score
from sklearn.metrics import balanced_accuracy_score, f1_score

from skgan_sampler.metrics import imbalanced_scores


@settings(max_examples=50, deadline=None)
@given(
    labels=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=2, max_size=60
    )
)
def test_scores_match_sklearn_and_imblearn_when_every_class_is_true(labels):
    y_true, y_pred = (np.array(column) for column in zip(*labels, strict=True))
    assume(len(np.unique(y_true)) > 1)
    # Keep the predictions within the true classes, where all definitions agree.
    y_pred = np.where(np.isin(y_pred, y_true), y_pred, y_true)
    scores = imbalanced_scores(y_true, y_pred)
    assert scores["balanced_accuracy"] == pytest.approx(
        balanced_accuracy_score(y_true, y_pred)
    )
    assert scores["macro_f1"] == pytest.approx(
        f1_score(y_true, y_pred, average="macro", zero_division=0)
    )
    assert scores["geometric_mean"] == pytest.approx(
        geometric_mean_score(y_true, y_pred, average="multiclass")
    )
    recalls = list(scores["per_class_recall"].values())
    assert np.mean(recalls) == pytest.approx(scores["balanced_accuracy"])


def test_classes_only_predicted_do_not_enter_the_averages():
    # Class 0 stands for a class a sampler did not generate: labelling one
    # generated sample as class 0 is an error of class 1, not a zero F1 for 0.
    scores = imbalanced_scores([1, 1, 2, 2], [1, 0, 2, 2])
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 1.0) / 2)
    assert scores["balanced_accuracy"] == pytest.approx(0.75)
    assert set(scores["per_class_recall"]) == {1, 2}


def test_largest_and_smallest_class_scores():
    scores = imbalanced_scores(
        [0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 1, 0], largest_class=0, smallest_class=2
    )
    assert scores["precision_largest"] == pytest.approx(2 / 3)
    assert scores["recall_smallest"] == 0.0
    assert "precision_largest" not in imbalanced_scores([0, 1], [0, 1])
