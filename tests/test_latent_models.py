"""``latent_model`` of BAGAN and SCDL-GAN: class Gaussians or latent SMOTE.

Latent SMOTE itself (its neighbours, its segments) is tested with DeepSMOTE
in ``test_deepsmote.py``; these tests check that the GAN samplers fit it on
their encoder's codes, draw from it, and keep one latent model at a time.
"""

import numpy as np
import pytest
import torch

from skgan_sampler import BAGANSampler, SCDLGANSampler
from skgan_sampler.datasets import make_imbalanced

from .sampler_checks import encode_rows, recognised_per_class

CPU = torch.device("cpu")
GAUSSIAN_ATTRIBUTES = ("class_latent_means_", "class_latent_covariances_")

# Tiny networks: one thread (the conftest fixture says why).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def gan_digits(float_digits):
    """All ten digits, 170 images each but 3, 5 and 8: 9, 36 and 90 images.

    More than ``imbalanced_float_digits``: the default GAN budgets count
    epochs, and need this many mini-batches to learn recognisable digits.
    """
    counts = [170, 170, 170, 9, 170, 36, 170, 170, 90, 170]
    return make_imbalanced(*float_digits, counts=counts, random_state=0)


@pytest.fixture(scope="module", params=[BAGANSampler, SCDLGANSampler])
def smote_sampler(request, gan_digits):
    """A GAN sampler with latent SMOTE, default budgets, on imbalanced digits."""
    sampler = request.param(
        image_shape=(8, 8), latent_model="smote", random_state=0, device="cpu"
    )
    sampler.fit_resample(*gan_digits)
    return sampler


def test_latent_smote_holds_the_encoded_training_rows(gan_digits, smote_sampler):
    X, y = gan_digits
    smote = smote_sampler.latent_smote_
    order = np.argsort(y, kind="stable")
    np.testing.assert_allclose(
        smote.codes, encode_rows(smote_sampler, X[order]), atol=1e-5
    )
    np.testing.assert_array_equal(
        np.diff(smote.class_starts), np.bincount(y, minlength=10)
    )
    assert not any(hasattr(smote_sampler, name) for name in GAUSSIAN_ATTRIBUTES)


def test_drawn_codes_stay_within_their_class_codes(smote_sampler):
    smote = smote_sampler.latent_smote_
    class_codes = np.repeat(np.arange(10), 100)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        drawn = smote_sampler._latent_sampler(CPU)(torch.as_tensor(class_codes))
    drawn = drawn.numpy()
    for c in range(10):
        own = smote.codes[smote.class_starts[c] : smote.class_starts[c + 1]]
        new = drawn[class_codes == c]
        # A convex combination of two codes lies in their bounding box.
        assert np.all(new >= own.min(axis=0) - 1e-5)
        assert np.all(new <= own.max(axis=0) + 1e-5)
        assert len(np.unique(new, axis=0)) == len(new)


def test_generated_digits_are_recognised_as_their_class(float_digits, smote_sampler):
    X, y = float_digits
    per_class = recognised_per_class(smote_sampler, X, y)
    assert per_class.min() >= 0.6, per_class
    assert per_class.mean() >= 0.85


@pytest.mark.parametrize("Sampler", [BAGANSampler, SCDLGANSampler])
def test_refit_with_the_other_latent_model_drops_the_first(
    Sampler, imbalanced_float_digits
):
    sampler = Sampler(
        image_shape=(8, 8), ae_epochs=1, gan_epochs=1, random_state=0, device="cpu"
    )
    sampler.fit_resample(*imbalanced_float_digits)
    assert all(hasattr(sampler, name) for name in GAUSSIAN_ATTRIBUTES)
    assert not hasattr(sampler, "latent_smote_")

    sampler.set_params(latent_model="smote").fit_resample(*imbalanced_float_digits)
    assert hasattr(sampler, "latent_smote_")
    assert not any(hasattr(sampler, name) for name in GAUSSIAN_ATTRIBUTES)

    sampler.set_params(latent_model="gaussian").fit_resample(*imbalanced_float_digits)
    assert all(hasattr(sampler, name) for name in GAUSSIAN_ATTRIBUTES)
    assert not hasattr(sampler, "latent_smote_")


def test_latent_model_is_read_at_fit_time(imbalanced_float_digits):
    # Changing the parameter after fitting does not change what is drawn
    # until the next fit: the codes come from the fitted latent model.
    sampler = BAGANSampler(
        image_shape=(8, 8), ae_epochs=1, gan_epochs=1, random_state=0, device="cpu"
    )
    sampler.fit_resample(*imbalanced_float_digits)
    labels = np.repeat(np.arange(10), 5)
    before = sampler.generate(labels, random_state=0)
    sampler.set_params(latent_model="smote")
    np.testing.assert_array_equal(sampler.generate(labels, random_state=0), before)


@pytest.mark.parametrize("Sampler", [BAGANSampler, SCDLGANSampler])
@pytest.mark.parametrize("latent_model", ["uniform", "SMOTE", None])
def test_unknown_latent_model_is_rejected(
    Sampler, latent_model, imbalanced_float_digits
):
    sampler = Sampler(image_shape=(8, 8), latent_model=latent_model)
    with pytest.raises(ValueError, match="'latent_model' parameter"):
        sampler.fit_resample(*imbalanced_float_digits)
