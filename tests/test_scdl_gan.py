"""SCDLGANSampler: sample quality, the supervised term and its parameters.

The output contract, determinism and both check suites run on the fast
instance in ``fast_estimators.py``.
"""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import silhouette_score
from sklearn.svm import SVC

from skgan_sampler import SCDLGANSampler
from skgan_sampler._networks import build_encoder, classifier_discriminator

COUNTS = [100, 70, 50, 35, 25, 18, 12, 10, 8, 6]

# Tiny networks: one thread (the conftest fixture says why).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def digits():
    """All digits, and an imbalanced uint8 training subset (334 images)."""
    X, y = load_digits(return_X_y=True)
    X_train = np.concatenate([X[y == c][:n] for c, n in enumerate(COUNTS)])
    y_train = np.concatenate([np.full(n, c) for c, n in enumerate(COUNTS)])
    return X, y, X_train.astype(np.uint8), y_train


def _digits_sampler(**params):
    return SCDLGANSampler(
        **{"image_shape": (8, 8), "ae_epochs": 20, "gan_epochs": 10, **params},
        device="cpu",
    )


@pytest.fixture(scope="module")
def fitted(digits):
    """SCDL-GAN and the WAE-GAN baseline (supervised_weight=0), same seed."""
    _, _, X_train, y_train = digits
    samplers = {}
    for supervised_weight in (1.0, 0.0):
        sampler = _digits_sampler(supervised_weight=supervised_weight, random_state=0)
        samplers[supervised_weight] = (sampler, *sampler.fit_resample(X_train, y_train))
    return samplers


def _recalls_of_generated(digits, sampler):
    X, y, _, _ = digits
    judge = SVC(gamma=0.001).fit(X, y)
    labels = np.repeat(np.arange(len(COUNTS)), 100)
    predicted = judge.predict(sampler.generate(labels, random_state=0))
    return np.array([np.mean(predicted[labels == c] == c) for c in range(len(COUNTS))])


def test_generated_digits_are_recognised_per_class(digits, fitted):
    # Measured with these settings over seeds 0-3: the worst class 0.96-0.99.
    recalls = _recalls_of_generated(digits, fitted[1.0][0])
    assert recalls.min() >= 0.85, recalls


def test_wae_gan_baseline_runs_end_to_end(digits, fitted):
    _, _, X_train, y_train = digits
    sampler, X_res, y_res = fitted[0.0]
    assert np.bincount(y_res).tolist() == [COUNTS[0]] * len(COUNTS)
    np.testing.assert_array_equal(X_res[: len(X_train)], X_train)
    assert X_res.dtype == np.uint8
    # The probe classifier still trains (on detached codes) so that the
    # history shows how separable the unsupervised codes are.
    assert set(sampler.history_["autoencoder"]) == {
        "reconstruction",
        "mmd",
        "cross_entropy",
    }
    assert len(sampler.history_["gan"]["generator"]) == 10
    # Measured over seeds 0-3: mean recall 0.89-0.94, worst class 0.44-0.75
    # (SCDL-GAN: 0.99 and 0.96-0.99).
    assert _recalls_of_generated(digits, sampler).mean() >= 0.8


def test_supervised_term_separates_class_latents(digits, fitted):
    # Codes of the digits left out of training. Measured over seeds 0-3:
    # silhouette 0.22 with the supervised term and 0.17 without; a linear
    # classifier fitted on the training codes 0.80-0.82 and 0.76.
    X, y, X_train, y_train = digits
    held_out = np.concatenate(
        [np.flatnonzero(y == c)[n:] for c, n in enumerate(COUNTS)]
    )
    silhouettes, accuracies = {}, {}
    for supervised_weight, (sampler, _, _) in fitted.items():
        encoder = sampler.encoder_.eval()
        with torch.no_grad():
            codes_train, codes_held_out = (
                encoder(torch.as_tensor(sampler.data_layout_.to_network(rows))).numpy()
                for rows in (X_train, X[held_out])
            )
        silhouettes[supervised_weight] = silhouette_score(codes_held_out, y[held_out])
        probe = LogisticRegression(max_iter=3000).fit(codes_train, y_train)
        accuracies[supervised_weight] = probe.score(codes_held_out, y[held_out])
    assert silhouettes[1.0] >= silhouettes[0.0] + 0.025, silhouettes
    assert accuracies[1.0] >= accuracies[0.0] + 0.02, accuracies


def test_discriminator_starts_as_the_latent_classifier():
    torch.manual_seed(0)
    encoder = build_encoder((5,), 3).eval()
    classifier = torch.nn.Linear(3, 4)
    discriminator = classifier_discriminator(encoder, classifier, 4).eval()
    x = torch.randn(7, 5)
    with torch.no_grad():
        logits = discriminator(x)
        torch.testing.assert_close(logits[:, :4], classifier(encoder(x)))
    np.testing.assert_array_equal(logits[:, 4], 0.0)
    assert discriminator.features is not encoder.features


def test_diagonal_covariance(digits):
    _, _, X_train, y_train = digits
    sampler = _digits_sampler(covariance_type="diag", random_state=0).set_params(
        ae_epochs=1, gan_epochs=1
    )
    sampler.fit_resample(X_train, y_train)
    covariances = sampler.class_latent_covariances_
    off_diagonal = covariances * (1 - np.eye(covariances.shape[1]))
    assert np.all(off_diagonal == 0) and np.all(np.diagonal(covariances, 0, 1, 2) > 0)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"mmd_weight": -1.0}, "'mmd_weight' parameter"),
        ({"supervised_weight": -0.5}, "'supervised_weight' parameter"),
        ({"prior_variance": 0.0}, "'prior_variance' parameter"),
        ({"covariance_type": "spherical"}, "'covariance_type' parameter"),
        ({"ae_learning_rate": 0.0}, "'ae_learning_rate' parameter"),
    ],
)
def test_bad_method_parameters_are_rejected(digits, params, message):
    _, _, X_train, y_train = digits
    with pytest.raises(ValueError, match=message):
        _digits_sampler(**params).fit_resample(X_train, y_train)


def test_discriminator_filter_draws_what_the_discriminator_calls_the_class(fitted):
    # SCDL-GAN has BAGAN's (K+1)-way discriminator, so it has BAGAN's filter
    # too; off by default, it can be switched on after fitting.
    sampler = fitted[1.0][0]
    assert sampler.discriminator_filter is False
    labels = np.repeat(np.arange(10), 30)

    def agreement(discriminator_filter):
        sampler.set_params(discriminator_filter=discriminator_filter)
        rows = sampler.generate(labels, random_state=0)
        network_input = torch.as_tensor(sampler.data_layout_.to_network(rows))
        with torch.no_grad():
            judged = sampler.discriminator_(network_input)[:, :-1].argmax(1).numpy()
        return np.mean(judged == labels)

    try:
        unfiltered, filtered = agreement(False), agreement(True)
    finally:
        sampler.set_params(discriminator_filter=False)
    assert filtered > unfiltered
    assert filtered >= 0.95
