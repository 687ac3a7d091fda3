"""BAGAN-specific behaviour: initialisation, class Gaussians, sample quality."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgan_sampler import BAGANSampler


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X.astype(np.uint8), y


@pytest.fixture(scope="module")
def imbalanced_digits(digits):
    """All ten digits; 3, 5 and 8 cut to 9, 36 and 90 images (5% .. 50%)."""
    X, y = digits
    counts = {3: 9, 5: 36, 8: 90}
    keep = np.concatenate(
        [np.flatnonzero(y == c)[: counts.get(c, 180)] for c in range(10)]
    )
    return X[keep], y[keep]


def test_generated_digits_are_recognised_as_their_class(digits, imbalanced_digits):
    X, y = digits
    judge = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(X, y)
    sampler = BAGANSampler(image_shape=(8, 8), random_state=0, device="cpu")
    sampler.fit_resample(*imbalanced_digits)
    labels = np.repeat(np.arange(10), 50)
    predicted = judge.predict(sampler.generate(labels, random_state=0))
    per_class = [np.mean(predicted[labels == c] == c) for c in range(10)]
    assert min(per_class) >= 0.7, per_class
    assert np.mean(predicted == labels) >= 0.9


def test_samples_of_a_class_are_diverse(imbalanced_digits):
    sampler = BAGANSampler(image_shape=(8, 8), random_state=0, device="cpu")
    sampler.fit_resample(*imbalanced_digits)
    samples = sampler.generate(np.full(50, 3), random_state=0).astype(float)
    distinct = np.unique(samples, axis=0)
    assert len(distinct) == 50
    assert samples.std(axis=0).mean() > 0.5


def test_discriminator_starts_from_the_encoder_trunk(imbalanced_digits):
    sampler = BAGANSampler(
        image_shape=(8, 8),
        ae_epochs=1,
        gan_epochs=1,
        gan_learning_rate=1e-12,
        random_state=0,
        device="cpu",
    )
    sampler.fit_resample(*imbalanced_digits)
    assert sampler.discriminator_.head.out_features == 11
    encoder_weights = sampler.encoder_.features.state_dict()
    for name, tensor in sampler.discriminator_.features.state_dict().items():
        torch.testing.assert_close(tensor, encoder_weights[name], atol=1e-6, rtol=0)
    assert sampler.discriminator_.features is not sampler.encoder_.features


def test_class_gaussians_are_proper_for_classes_smaller_than_latent_dim(
    imbalanced_digits,
):
    sampler = BAGANSampler(
        image_shape=(8, 8),
        latent_dim=32,
        ae_epochs=1,
        gan_epochs=1,
        random_state=0,
        device="cpu",
    )
    X, y = imbalanced_digits
    sampler.fit_resample(X, y)
    assert np.sum(y == 3) < sampler.latent_dim
    assert sampler.class_latent_means_.shape == (10, 32)
    assert sampler.class_latent_covariances_.shape == (10, 32, 32)
    for covariance in sampler.class_latent_covariances_:
        np.testing.assert_allclose(covariance, covariance.T)
        assert np.linalg.eigvalsh(covariance).min() > 0


def test_losses_are_recorded_per_stage(imbalanced_digits):
    sampler = BAGANSampler(
        image_shape=(8, 8), ae_epochs=3, gan_epochs=2, random_state=0, device="cpu"
    )
    sampler.fit_resample(*imbalanced_digits)
    assert set(sampler.history_) == {"autoencoder", "gan"}
    reconstruction = sampler.history_["autoencoder"]["reconstruction"]
    assert len(reconstruction) == 3 and reconstruction[-1] < reconstruction[0]
    assert set(sampler.history_["gan"]) == {"discriminator", "generator"}
