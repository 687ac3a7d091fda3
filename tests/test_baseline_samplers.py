"""imbalanced-learn's samplers get float rows wherever the project uses them.

imbalanced-learn's interpolating samplers compute in the input's dtype, so on
uint8 images their synthetic pixels wrap around. These tests build each
baseline sampler the way the demo, the gallery and the benchmark runner
build it, feed it uint8 images, and check that every synthetic row lies
within the range of the real rows of its class.
"""

# Authors: skgan_sampler developers
# License: MIT

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from imblearn.over_sampling import SMOTE
from sklearn.datasets import load_digits

from skgan_sampler.preprocessing import float_rows, make_float_pipeline

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import _protocols  # noqa: E402
import configs  # noqa: E402
import digits_demo  # noqa: E402

# The reproducer of issue #30: two tight clusters of uint8 rows.
CLUSTERS = np.array(
    [[10, 200], [12, 190], [11, 195], [200, 10], [190, 12], [195, 11]], np.uint8
)
CLUSTER_LABELS = np.array([0, 0, 0, 0, 1, 1])


@pytest.fixture(scope="module")
def uint8_digits():
    """Imbalanced uint8 digits: 60, 30 and 12 images of digits 0, 1 and 2."""
    X, y = load_digits(n_class=3, return_X_y=True)
    keep = np.concatenate(
        [np.flatnonzero(y == c)[:n] for c, n in {0: 60, 1: 30, 2: 12}.items()]
    )
    return X[keep].astype(np.uint8), y[keep]


def assert_synthetic_rows_within_class_range(X, y, X_res, y_res):
    assert X_res.shape[1] == X.shape[1]
    synthetic, synthetic_labels = np.asarray(X_res[len(X) :]), y_res[len(X) :]
    assert len(synthetic) > 0
    for label in np.unique(synthetic_labels):
        real = X[y == label].astype(np.float64)
        rows = synthetic[synthetic_labels == label]
        assert np.all(rows >= real.min(axis=0)), f"class {label} below its range"
        assert np.all(rows <= real.max(axis=0)), f"class {label} above its range"


def demo_smote():
    pipeline = digits_demo.make_pipelines(seed=0, cnn_epochs=1)["SMOTE"]
    return pipeline[:-1]  # the steps before SmallCNN


def benchmark_sampler(method):
    def build():
        experiment = configs.Experiment(
            dataset=configs.DatasetSpec(
                name="digits-tiny", source="digits", profile="digits"
            ),
            seeds=(0,),
            methods=(method,),
        )
        return _protocols.build_sampler(
            method, image_shape=(8, 8), seed=0, experiment=experiment, smallest_count=12
        )

    return build


BASELINES = {
    "digits_demo SMOTE": demo_smote,
    **{
        f"benchmark {method}": benchmark_sampler(method)
        for method in _protocols.IMBLEARN_METHODS
    },
}


@pytest.mark.parametrize("build", BASELINES.values(), ids=BASELINES.keys())
def test_baseline_synthetic_rows_lie_within_their_class_range(build, uint8_digits):
    X, y = uint8_digits
    X_before = X.copy()
    X_res, y_res = build().fit_resample(X, y)
    assert np.issubdtype(X_res.dtype, np.floating)
    assert_synthetic_rows_within_class_range(X, y, X_res, y_res)
    np.testing.assert_array_equal(X, X_before)


def test_every_imbalanced_learn_method_of_the_benchmark_gets_float_rows():
    # A method added to IMBLEARN_METHODS gets the range test above too.
    assert set(_protocols.IMBLEARN_METHODS) <= {
        key.removeprefix("benchmark ") for key in BASELINES
    }


def test_float_pipeline_interpolates_the_reproducer_within_range():
    smote = make_float_pipeline(SMOTE(k_neighbors=1, random_state=0))
    X_res, y_res = smote.fit_resample(CLUSTERS, CLUSTER_LABELS)
    np.testing.assert_array_equal(X_res[:6], CLUSTERS)
    assert_synthetic_rows_within_class_range(CLUSTERS, CLUSTER_LABELS, X_res, y_res)


@pytest.mark.xfail(
    strict=True,
    reason="imbalanced-learn interpolates uint8 rows in uint8 (wraps around); "
    "when this passes, upstream is fixed: update the user guide's warning",
)
def test_upstream_smote_interpolates_uint8_rows_within_range():
    X_res, y_res = SMOTE(k_neighbors=1, random_state=0).fit_resample(
        CLUSTERS, CLUSTER_LABELS
    )
    assert_synthetic_rows_within_class_range(CLUSTERS, CLUSTER_LABELS, X_res, y_res)


@pytest.mark.parametrize(
    "container",
    [np.asarray, sp.csr_matrix, pd.DataFrame, lambda X: X.tolist()],
    ids=["ndarray", "csr", "DataFrame", "list"],
)
def test_float_rows_keeps_the_container_and_the_input(container):
    X = container(CLUSTERS)
    X_float = float_rows(X)
    expected_type = np.ndarray if isinstance(X, list) else type(X)
    assert type(X_float) is expected_type
    values = X_float.toarray() if sp.issparse(X_float) else np.asarray(X_float)
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, CLUSTERS)
    assert X_float is not X
    if not isinstance(X, list):
        original = X.toarray() if sp.issparse(X) else np.asarray(X)
        assert original.dtype == np.uint8


def test_float_rows_rejects_a_non_float_dtype():
    with pytest.raises(TypeError, match="dtype must be a floating-point dtype"):
        float_rows(CLUSTERS, dtype=np.int32)


def test_float_pipeline_feature_names_pass_through():
    columns = ["a", "b"]
    pipeline = make_float_pipeline(SMOTE(k_neighbors=1, random_state=0))
    pipeline.fit_resample(pd.DataFrame(CLUSTERS, columns=columns), CLUSTER_LABELS)
    np.testing.assert_array_equal(
        pipeline[0].get_feature_names_out(), np.array(columns, dtype=object)
    )
