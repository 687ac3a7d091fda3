"""BAGAN-specific behaviour: initialisation, class Gaussians, sample quality."""

import copy

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits

from skgan_sampler import BAGANSampler
from skgan_sampler._stages import MAX_REDRAWS, draw_class_consistent

from .sampler_checks import recognised_per_class


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


@pytest.fixture(scope="module")
def fitted_bagan(imbalanced_digits):
    """BAGAN with its default budgets, fitted on the imbalanced digits."""
    sampler = BAGANSampler(image_shape=(8, 8), random_state=0, device="cpu")
    sampler.fit_resample(*imbalanced_digits)
    return sampler


def test_generated_digits_are_recognised_as_their_class(digits, fitted_bagan):
    X, y = digits
    per_class = recognised_per_class(fitted_bagan, X, y, n_per_class=50)
    assert per_class.min() >= 0.7, per_class
    assert per_class.mean() >= 0.9


def test_samples_of_a_class_are_diverse(fitted_bagan):
    samples = fitted_bagan.generate(np.full(50, 3), random_state=0).astype(float)
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


class _SignJudge(torch.nn.Module):
    """A stand-in discriminator: class 1 where ``x[:, 0] > 0``, else class 0,
    and a "fake" output that never wins."""

    def forward(self, x):
        positive = (x[:, :1] > 0).float()
        return torch.cat([1 - positive, positive, torch.full_like(positive, -1)], 1)


def _judged_classes(discriminator, samples):
    """The class whose output is largest, leaving out the last ("fake") one."""
    return discriminator(samples)[:, :-1].argmax(1)


def _shifted_latents(class_codes):
    """Class c's latents centred on 2c - 1, so _SignJudge accepts 84% of them."""
    return torch.randn(len(class_codes), 3) + (2 * class_codes[:, None] - 1)


@given(
    codes=st.lists(st.integers(0, 1), min_size=1, max_size=300),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=30, deadline=None)
def test_filter_redraws_only_the_samples_judged_another_class(codes, seed):
    codes = torch.tensor(codes)
    judge, generator = _SignJudge(), torch.nn.Identity()
    torch.manual_seed(seed)
    unfiltered = draw_class_consistent(generator, _shifted_latents, codes)
    torch.manual_seed(seed)
    filtered = draw_class_consistent(generator, _shifted_latents, codes, judge)
    # A sample is left rejected after MAX_REDRAWS redraws with probability
    # 0.16 ** 11 < 1e-8.
    assert torch.equal(_judged_classes(judge, filtered), codes)
    accepted_first = _judged_classes(judge, unfiltered) == codes
    assert torch.equal(filtered[accepted_first], unfiltered[accepted_first])


def test_filter_keeps_the_last_draw_when_the_discriminator_never_agrees():
    calls = []

    def latents(class_codes):
        calls.append(len(class_codes))
        return torch.full((len(class_codes), 3), -1.0)  # judged class 0

    codes = torch.tensor([0, 1, 1, 0, 1])
    samples = draw_class_consistent(torch.nn.Identity(), latents, codes, _SignJudge())
    assert samples.shape == (5, 3)
    assert calls == [5] + [3] * MAX_REDRAWS


def test_filtered_samples_are_what_the_discriminator_calls_their_class(fitted_bagan):
    # Default budgets train the discriminator to recognise every class; an
    # untrained one rejects all samples of a class, kept after the last redraw.
    sampler = copy.deepcopy(fitted_bagan)
    sampler.discriminator_.eval()
    sampler.generator_.eval()
    networks = {
        "generator_": sampler.generator_,
        "discriminator_": sampler.discriminator_,
    }
    labels = torch.arange(10).repeat(50)

    def agreement():
        with torch.no_grad(), torch.random.fork_rng():
            torch.manual_seed(0)
            samples = sampler._generate_network_outputs(labels, networks)
            judged = _judged_classes(sampler.discriminator_, samples)
        return (judged == labels).float().mean().item()

    assert sampler.discriminator_filter
    filtered = agreement()
    sampler.set_params(discriminator_filter=False)
    assert filtered >= 0.99
    assert filtered > agreement()
