"""SmallCNN's training options: step budget, schedules, loss-side baselines,
sample weights and augmentation, each checked against what it promises."""

# Authors: skgan_sampler developers
# License: MIT

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from skgan_sampler import SmallCNN
from skgan_sampler._augmentation import random_flip, random_shift
from skgan_sampler._classifier import _lr_scheduler, _TrainingLoss
from skgan_sampler._losses import effective_number_weights


@pytest.fixture(scope="module")
def imbalanced_digits(float_digits):
    """Digits 0, 1 and 2 with 150, 30 and 6 images."""
    X, y = float_digits
    keep = np.concatenate(
        [np.flatnonzero(y == c)[:n] for c, n in {0: 150, 1: 30, 2: 6}.items()]
    )
    return X[keep], y[keep]


def _cnn(**params):
    return SmallCNN(image_shape=(8, 8), random_state=0, device="cpu", **params)


@pytest.mark.parametrize("n_rows", [100, 400])
def test_n_steps_is_the_same_budget_for_any_training_set(float_digits, n_rows):
    X, y = float_digits
    cnn = _cnn(n_steps=7, batch_size=32).fit(X[:n_rows], y[:n_rows])
    assert cnn.n_steps_ == 7
    assert len(cnn.loss_curve_) == math.ceil(7 / math.ceil(n_rows / 32))


def test_epochs_count_the_steps_without_n_steps(float_digits):
    X, y = float_digits
    # 100 rows in batches of 32: 32, 32, 32 and 4.
    assert _cnn(epochs=3, batch_size=32).fit(X[:100], y[:100]).n_steps_ == 12


@pytest.mark.parametrize("schedule", ["constant", "cosine", "one_cycle"])
def test_learning_rate_schedules(schedule):
    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.Adam([parameter], lr=0.01)
    scheduler = _lr_scheduler(optimizer, schedule, 100)
    rates = []
    for _ in range(100):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    rates.append(optimizer.param_groups[0]["lr"])
    if schedule == "constant":
        assert rates == [0.01] * 101
    else:
        assert max(rates) == pytest.approx(0.01)
        assert rates[-1] < 1e-5  # decays to zero at the last step
    if schedule == "cosine":
        assert rates[0] == 0.01 and rates[50] == pytest.approx(0.005)
    if schedule == "one_cycle":
        assert rates[0] < 0.001 and int(np.argmax(rates)) in (
            29,
            30,
        )  # warm-up: 30% of the steps


def _loss(y, **params):
    estimator = _cnn(**params)
    estimator.classes_ = np.unique(y)
    _, y_codes = np.unique(y, return_inverse=True)
    return _TrainingLoss(estimator, y, y_codes, torch.device("cpu"))


def test_logit_adjustment_adds_tau_log_prior_to_the_logits():
    y = np.array([0] * 8 + [1] * 2)
    logits = torch.randn(5, 2)
    targets = torch.tensor([0, 1, 1, 0, 1])
    adjusted = _loss(y, logit_adjustment=1.0)(logits, targets, None, 0.0)
    prior = torch.tensor([0.8, 0.2])
    expected = F.cross_entropy(logits + torch.log(prior), targets)
    torch.testing.assert_close(adjusted, expected)


def test_logit_adjustment_with_a_uniform_prior_is_cross_entropy():
    y = np.array([0, 1, 2] * 4)
    logits, targets = torch.randn(6, 3), torch.tensor([0, 1, 2, 2, 1, 0])
    torch.testing.assert_close(
        _loss(y, logit_adjustment=1.0)(logits, targets, None, 0.0),
        F.cross_entropy(logits, targets),
    )


def test_logit_adjustment_favours_the_rare_classes_and_predicts_plain_logits(
    imbalanced_digits, float_digits
):
    X, y = imbalanced_digits
    plain = _cnn(epochs=5).fit(X, y)
    adjusted = _cnn(epochs=5, logit_adjustment=1.0).fit(X, y)
    X_all, y_all = float_digits
    rare = X_all[y_all == 2]
    assert (adjusted.predict(rare) == 2).mean() > (plain.predict(rare) == 2).mean()
    # Predictions are the softmax of the network's plain logits.
    with torch.no_grad():
        logits = adjusted.module_(adjusted._to_network(rare, torch.device("cpu")))
    np.testing.assert_allclose(
        adjusted.predict_proba(rare), torch.softmax(logits, 1).numpy(), rtol=1e-5
    )


def test_effective_number_weights():
    counts = np.array([1000, 100, 10])
    np.testing.assert_allclose(effective_number_weights(counts, 0.0), [1, 1, 1])
    weights = effective_number_weights(counts, 0.9999)
    assert weights.sum() == pytest.approx(3.0)
    assert weights[0] < weights[1] < weights[2]
    # As beta -> 1 the effective number tends to n: weights tend to 1 / n.
    near_one = effective_number_weights(counts, 1 - 1e-12)
    np.testing.assert_allclose(near_one / near_one[0], [1, 10, 100], rtol=1e-3)


def test_deferred_reweighting_switches_at_its_point():
    y = np.array([0] * 90 + [1] * 10)
    loss = _loss(y, deferred_reweighting=0.75, effective_number_beta=0.999)
    logits, targets = torch.randn(8, 2), torch.tensor([0, 1] * 4)
    weights = torch.tensor(
        effective_number_weights([90, 10], 0.999), dtype=torch.float32
    )
    torch.testing.assert_close(
        loss(logits, targets, None, 0.74), F.cross_entropy(logits, targets)
    )
    torch.testing.assert_close(
        loss(logits, targets, None, 0.75), F.cross_entropy(logits, targets, weights)
    )


def test_sample_weight_weighs_rows_in_the_loss():
    y = np.array([0, 1] * 5)
    loss = _loss(y, class_weight={0: 1.0, 1: 3.0})
    logits, targets = torch.randn(4, 2), torch.tensor([0, 1, 1, 0])
    rows = torch.tensor([1.0, 2.0, 0.0, 1.0])
    per_row = F.cross_entropy(logits, targets, reduction="none")
    combined = rows * torch.tensor([1.0, 3.0, 3.0, 1.0])
    torch.testing.assert_close(
        loss(logits, targets, rows, 0.0), (combined * per_row).sum() / combined.sum()
    )
    # Equal row weights are the plain (class-weighted) loss.
    torch.testing.assert_close(
        loss(logits, targets, torch.full((4,), 2.5), 0.0),
        F.cross_entropy(logits, targets, torch.tensor([1.0, 3.0])),
    )


def test_sample_weight_in_fit(float_digits):
    X, y = float_digits
    X, y = X[:200], y[:200]
    plain = _cnn(epochs=2).fit(X, y)
    ones = _cnn(epochs=2).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_allclose(ones.predict_proba(X), plain.predict_proba(X), atol=1e-5)
    with pytest.raises(ValueError, match="at least one non-zero"):
        _cnn(epochs=1).fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        _cnn(epochs=1).fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="sample_weight"):
        _cnn(epochs=1).fit(X, y, sample_weight=np.ones(3))


def test_random_shift_moves_each_image_by_at_most_max_shift():
    images = torch.zeros(64, 1, 9, 9)
    images[:, 0, 4, 4] = 1.0
    torch.manual_seed(0)
    shifted = random_shift(images, 2)
    assert shifted.shape == images.shape
    rows, columns = torch.nonzero(shifted[:, 0], as_tuple=True)[1:]
    assert len(rows) == 64  # one bright pixel per image, none lost
    assert (rows - 4).abs().max() <= 2 and (columns - 4).abs().max() <= 2
    assert len(set(zip(rows.tolist(), columns.tolist(), strict=True))) > 10


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_zero_shift_and_no_flip_are_the_identity(dtype):
    images = torch.randn(6, 2, 5, 7, dtype=dtype)
    shifted = random_shift(images, 0)
    assert shifted.dtype == dtype and torch.equal(shifted, images)
    mirrored = images.flip(-1)
    torch.manual_seed(0)
    flipped = random_flip(images)
    assert flipped.dtype == dtype and flipped.shape == images.shape
    for image, original, mirror in zip(flipped, images, mirrored, strict=True):
        assert torch.equal(image, original) or torch.equal(image, mirror)


def test_random_shift_pads_with_zeros_and_keeps_channels():
    images = torch.arange(2 * 3 * 4 * 5, dtype=torch.float32).reshape(2, 3, 4, 5) + 1
    torch.manual_seed(1)
    shifted = random_shift(images, 1)
    for image, original in zip(shifted, images, strict=True):
        kept = image[image > 0]
        # What remains of each channel is a contiguous crop of the original.
        assert set(kept.tolist()) <= set(original.flatten().tolist())
        assert torch.equal(image[0] > 0, image[2] > 0)


def test_random_flip_mirrors_about_half_the_images():
    images = torch.arange(1000 * 4, dtype=torch.float32).reshape(1000, 1, 1, 4)
    torch.manual_seed(0)
    flipped = random_flip(images)
    mirrored = (flipped == images.flip(-1)).all(dim=(1, 2, 3))
    kept = (flipped == images).all(dim=(1, 2, 3))
    assert torch.all(mirrored ^ kept)
    assert 0.45 < mirrored.float().mean() < 0.55


def test_augmented_training_is_reproducible_and_predicts_unaugmented(float_digits):
    X, y = float_digits
    first = _cnn(epochs=2, augment="shift_flip").fit(X[:300], y[:300])
    second = _cnn(epochs=2, augment="shift_flip").fit(X[:300], y[:300])
    np.testing.assert_array_equal(
        first.predict_proba(X[300:]), second.predict_proba(X[300:])
    )
    np.testing.assert_array_equal(
        first.predict_proba(X[300:]), first.predict_proba(X[300:])
    )
    plain = _cnn(epochs=2).fit(X[:300], y[:300])
    assert not np.array_equal(
        plain.predict_proba(X[300:]), first.predict_proba(X[300:])
    )


def test_augment_needs_images(float_digits):
    X, y = float_digits
    with pytest.raises(ValueError, match="augment='shift' transforms images"):
        SmallCNN(augment="shift", epochs=1).fit(X[:50], y[:50])
