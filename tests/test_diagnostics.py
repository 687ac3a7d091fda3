"""skgan_sampler.diagnostics on cases whose answers are known."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.decomposition import PCA
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import KFold

from skgan_sampler.diagnostics import (
    classifier_two_sample_test,
    density_coverage,
    image_statistics,
    nearest_real_distance,
    per_class_diagnostics,
    precision_recall,
)


def _clouds(seed, n_real=200, n_generated=200, shift=0.0, n_features=4):
    rng = np.random.default_rng(seed)
    real = rng.normal(size=(n_real, n_features))
    generated = rng.normal(loc=shift, size=(n_generated, n_features))
    return real, generated


def _radii(X, k):
    # Column 0 of the sorted distances is each sample to itself.
    return np.sort(cdist(X, X), axis=1)[:, k]


@pytest.mark.parametrize("k", [1, 3, 5])
@pytest.mark.parametrize("seed", [0, 1])
def test_measures_match_the_definitions_of_the_papers(k, seed):
    real, generated = _clouds(seed, n_real=40, n_generated=30, shift=0.5)
    inside_real = cdist(generated, real) <= _radii(real, k)
    inside_generated = cdist(real, generated) <= _radii(generated, k)

    precision, recall = precision_recall(real, generated, k=k)
    assert precision == pytest.approx(inside_real.any(axis=1).mean())
    assert recall == pytest.approx(inside_generated.any(axis=1).mean())

    density, coverage = density_coverage(real, generated, k=k)
    assert density == pytest.approx(inside_real.sum() / (k * len(generated)))
    assert coverage == pytest.approx(inside_real.any(axis=0).mean())


def test_identical_distributions_score_about_one_and_c2st_about_half():
    real, generated = _clouds(0)
    precision, recall = precision_recall(real, generated)
    density, coverage = density_coverage(real, generated)
    accuracy, fold_accuracies = classifier_two_sample_test(
        real, generated, random_state=0
    )
    assert precision > 0.8 and recall > 0.8
    # Expected values for one distribution: density 1, coverage 1 - 1/2**5.
    assert density == pytest.approx(1.0, abs=0.2)
    assert coverage > 0.9
    assert accuracy == pytest.approx(0.5, abs=0.15)
    assert fold_accuracies.shape == (5,)
    assert accuracy == pytest.approx(fold_accuracies.mean())


def test_collapsed_generator_has_full_fidelity_and_no_diversity():
    real, _ = _clouds(0)
    generated = np.repeat(real[:1], 50, axis=0)
    precision, recall = precision_recall(real, generated)
    _, coverage = density_coverage(real, generated)
    assert precision == 1.0
    # Only real[0] itself, and the few real samples whose ball reaches it.
    assert recall <= 1 / len(real)
    assert coverage < 0.1
    np.testing.assert_allclose(nearest_real_distance(real, generated), 0, atol=1e-9)


def test_far_shifted_cloud_scores_zero_and_c2st_one():
    real, generated = _clouds(0, shift=20.0)
    assert precision_recall(real, generated) == (0.0, 0.0)
    assert density_coverage(real, generated) == (0.0, 0.0)
    accuracy, fold_accuracies = classifier_two_sample_test(
        real, generated, random_state=0
    )
    assert accuracy == 1.0
    np.testing.assert_array_equal(fold_accuracies, 1.0)
    assert nearest_real_distance(real, generated).min() > 10


def test_generated_outlier_inflates_recall_not_coverage():
    # A copy of one real sample and three outliers far apart: the copy's
    # third neighbour is an outlier, so its ball holds every real sample.
    real, _ = _clouds(0)
    generated = np.concatenate([real[:1], 1000 * np.eye(4)[:3]])
    _, recall = precision_recall(real, generated)
    _, coverage = density_coverage(real, generated)
    assert recall == 1.0
    assert coverage < 0.5


def test_density_coverage_needs_only_k_neighbours_among_the_real_samples():
    real, _ = _clouds(0, n_real=20)
    assert density_coverage(real, real[:1], k=5)[1] > 0


def test_c2st_is_reproducible_and_balances_the_sets():
    real, generated = _clouds(0, n_real=60, n_generated=300, shift=0.3)
    first = classifier_two_sample_test(real, generated, random_state=0)
    again = classifier_two_sample_test(real, generated, random_state=0)
    other = classifier_two_sample_test(real, generated, random_state=1)
    assert first[0] == again[0]
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[1], other[1])

    # Balanced: always answering "generated" scores 0.5, not 300 / 360.
    always_generated = DummyClassifier(strategy="constant", constant=1)
    accuracy, _ = classifier_two_sample_test(
        real, generated, estimator=always_generated, random_state=0
    )
    assert accuracy == 0.5


def test_c2st_accepts_an_estimator_and_a_splitter():
    real, generated = _clouds(0, n_real=50, n_generated=50, shift=20.0)
    accuracy, fold_accuracies = classifier_two_sample_test(
        real,
        generated,
        estimator=RandomForestClassifier(n_estimators=5, random_state=0),
        cv=KFold(3, shuffle=True, random_state=0),
    )
    assert accuracy == 1.0
    assert fold_accuracies.shape == (3,)


def test_image_statistics_of_hand_made_images():
    # Image 1 rises by 4 per row and 2 per column; image 2 is flat.
    images = np.array([[0, 2, 4, 6], [1, 1, 1, 1]], dtype=np.uint8)
    stats = image_statistics(images, image_shape=(2, 2))
    assert stats["brightness"] == 2.0
    # Pixel values 0, 2, 4, 6, 1, 1, 1, 1: squared deviations sum to 28.
    assert stats["pixel_std"] == pytest.approx(np.sqrt(28 / 8))
    # Vertical: 4**2, 4**2, 0, 0 -> mean 8; horizontal: 2**2, 2**2, 0, 0 -> 2.
    assert stats["gradient_energy"] == 10.0


def test_gradient_energy_reads_rows_channels_last():
    # Channel 0 steps by 3 along the width, channel 1 is flat: only the 2 of
    # the 4 horizontal differences in channel 0 count, 2 * 9 / 4.
    image = np.zeros((2, 2, 2))
    image[:, 1, 0] = 3.0
    stats = image_statistics(image.reshape(1, -1), image_shape=(2, 2, 2))
    assert stats["gradient_energy"] == 4.5
    assert stats["brightness"] == 0.75


def test_blur_lowers_gradient_energy():
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 16, size=(10, 8, 8))
    blurred = (images + np.roll(images, 1, axis=1) + np.roll(images, 1, axis=2)) / 3
    sharp = image_statistics(images.reshape(10, -1), image_shape=(8, 8))
    soft = image_statistics(blurred.reshape(10, -1), image_shape=(8, 8))
    assert soft["gradient_energy"] < sharp["gradient_energy"] / 2
    assert soft["brightness"] == pytest.approx(sharp["brightness"])


def test_nearest_real_distance_of_copies_and_neighbours():
    real = np.array([[0.0, 0.0], [3.0, 4.0], [10.0, 0.0]])
    generated = np.array([[3.0, 4.0], [0.0, 1.0], [6.0, 8.0]])
    np.testing.assert_allclose(nearest_real_distance(real, generated), [0, 1, 5])


def _labelled_clouds():
    real_0, generated_0 = _clouds(0, n_real=40, n_generated=30)
    real_1, _ = _clouds(1, n_real=40)
    real = np.concatenate([real_0, real_1 + 50])
    generated = np.concatenate([generated_0, np.repeat(real_1[:1] + 50, 30, axis=0)])
    return real, np.repeat([0, 1], 40), generated, np.repeat([0, 1], 30)


def test_per_class_diagnostics_matches_the_functions_class_by_class():
    real, y_real, generated, y_generated = _labelled_clouds()
    result = per_class_diagnostics(real, y_real, generated, y_generated, random_state=0)
    np.testing.assert_array_equal(result["class"], [0, 1])
    np.testing.assert_array_equal(result["n_real"], [40, 40])
    np.testing.assert_array_equal(result["n_generated"], [30, 30])
    for index, label in enumerate(result["class"]):
        real_c, generated_c = real[y_real == label], generated[y_generated == label]
        precision, recall = precision_recall(real_c, generated_c)
        density, coverage = density_coverage(real_c, generated_c, k=5)
        nearest = nearest_real_distance(real_c, generated_c)
        assert result["precision"][index] == precision
        assert result["recall"][index] == recall
        assert result["density"][index] == density
        assert result["coverage"][index] == coverage
        assert result["nearest_real_distance_min"][index] == nearest.min()
        assert result["nearest_real_distance_median"][index] == np.median(nearest)
    # Class 1 is collapsed onto one real sample.
    assert result["nearest_real_distance_median"][1] == pytest.approx(0, abs=1e-9)
    assert result["real_nearest_real_distance_median"][1] > 0.1
    assert result["coverage"][1] < result["coverage"][0]
    assert not any(key.endswith("gradient_energy") for key in result)

    again = per_class_diagnostics(real, y_real, generated, y_generated, random_state=0)
    np.testing.assert_array_equal(result["c2st_accuracy"], again["c2st_accuracy"])


def test_per_class_diagnostics_with_features_and_images():
    rng = np.random.default_rng(0)
    real = rng.uniform(0, 16, size=(24, 12))
    generated = rng.uniform(0, 16, size=(16, 12))
    y_real, y_generated = np.tile([0, 1], 12), np.tile([0, 1], 8)
    calls = []

    def first_column(rows):
        calls.append(len(rows))
        return rows[:, :1]

    result = per_class_diagnostics(
        real,
        y_real,
        generated,
        y_generated,
        features=first_column,
        image_shape=(2, 3, 2),
        precision_recall_k=2,
        density_coverage_k=2,
        cv=2,
        random_state=0,
    )
    # Both sets go through the features once, not once per class.
    assert calls == [24, 16]
    real_0, generated_0 = real[y_real == 0], generated[y_generated == 0]
    assert (
        result["precision"][0]
        == precision_recall(real_0[:, :1], generated_0[:, :1], k=2)[0]
    )
    # Distances and image statistics stay on the rows.
    assert result["nearest_real_distance_min"][0] == pytest.approx(
        nearest_real_distance(real_0, generated_0).min()
    )
    stats = image_statistics(generated_0, image_shape=(2, 3, 2))
    assert result["generated_gradient_energy"][0] == stats["gradient_energy"]
    assert result["real_brightness"][0] == pytest.approx(real_0.mean())


def test_per_class_diagnostics_uses_a_transformer():
    real, y_real, generated, y_generated = _labelled_clouds()
    pca = PCA(n_components=2).fit(real)
    result = per_class_diagnostics(
        real, y_real, generated, y_generated, features=pca, random_state=0
    )
    real_0, generated_0 = real[y_real == 0], generated[y_generated == 0]
    expected = precision_recall(pca.transform(real_0), pca.transform(generated_0))
    assert result["precision"][0] == expected[0]
    assert result["recall"][0] == expected[1]


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: precision_recall(np.zeros((4, 2)), np.ones((5, 2)), k=5),
            r"k=5 needs at least 6 real samples; got 4\. Pass more samples or a "
            r"smaller k\.",
        ),
        (
            lambda: precision_recall(np.zeros((9, 2)), np.ones((3, 2)), k=5),
            r"k=5 needs at least 6 generated samples; got 3",
        ),
        (
            lambda: density_coverage(np.zeros((5, 2)), np.ones((9, 2)), k=5),
            r"k=5 needs at least 6 real samples; got 5",
        ),
        (
            lambda: precision_recall(np.zeros((9, 2)), np.ones((9, 2)), k=0),
            r"k must be a positive integer; got k=0",
        ),
        (
            lambda: density_coverage(np.zeros((9, 2)), np.ones((9, 2)), k=2.5),
            r"k must be a positive integer; got k=2\.5",
        ),
        (
            lambda: precision_recall(np.zeros((9, 2)), np.ones((9, 3))),
            r"real has 2 features per sample but generated has 3",
        ),
        (lambda: precision_recall(np.zeros(9), np.ones((9, 1))), r"Expected 2D array"),
        (
            lambda: density_coverage(np.full((9, 2), np.nan), np.ones((9, 2))),
            r"real contains NaN",
        ),
        (
            lambda: classifier_two_sample_test(np.zeros((9, 2)), np.ones((3, 2))),
            r"cv=5 needs at least 5 generated samples; got 3\. Pass more samples "
            r"or a smaller cv\.",
        ),
        (
            lambda: classifier_two_sample_test(np.zeros((9, 2)), np.ones((9, 2)), cv=1),
            r"cv must be at least 2",
        ),
        (
            lambda: nearest_real_distance(np.zeros((0, 2)), np.ones((9, 2))),
            r"0 sample\(s\)",
        ),
        (
            lambda: image_statistics(np.zeros((2, 4)), image_shape=None),
            r"image_shape is required",
        ),
        (
            lambda: image_statistics(np.zeros((2, 4)), image_shape=(3, 3)),
            r"image_shape=\(3, 3\) describes 9 values per image but X has 4",
        ),
        (
            lambda: image_statistics(np.zeros((2, 4)), image_shape=(1, 4)),
            r"height and width of at least 2",
        ),
    ],
)
def test_invalid_inputs_raise_a_helpful_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_per_class_diagnostics_names_the_class_and_parameter():
    real, y_real, generated, y_generated = _labelled_clouds()
    few = np.r_[np.flatnonzero(y_generated == 0), np.flatnonzero(y_generated == 1)[:3]]
    with pytest.raises(
        ValueError,
        match=r"precision_recall_k=3 needs at least 4 generated samples of "
        r"class 1; got 3\. Pass more samples or a smaller precision_recall_k\.",
    ):
        per_class_diagnostics(real, y_real, generated[few], y_generated[few])
    with pytest.raises(ValueError, match=r"density_coverage_k=40 needs at least 41"):
        per_class_diagnostics(
            real, y_real, generated, y_generated, density_coverage_k=40
        )
    with pytest.raises(ValueError, match=r"classes \[7\], which y_real does not"):
        per_class_diagnostics(real, y_real, generated, np.full(60, 7))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        per_class_diagnostics(real, y_real[:-1], generated, y_generated)
    with pytest.raises(ValueError, match=r"image_shape=\(2, 3\) describes 6"):
        per_class_diagnostics(real, y_real, generated, y_generated, image_shape=(2, 3))


def test_real_classes_without_generated_samples_are_left_out():
    real, y_real, generated, y_generated = _labelled_clouds()
    result = per_class_diagnostics(
        real, y_real, generated[y_generated == 1], y_generated[y_generated == 1]
    )
    np.testing.assert_array_equal(result["class"], [1])
