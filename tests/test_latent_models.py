"""``latent_model`` of BAGAN and SCDL-GAN: class Gaussians or latent SMOTE.

Latent SMOTE itself (its neighbours, its segments) is tested with DeepSMOTE
in ``test_deepsmote.py``; these tests check that the GAN samplers fit it on
their encoder's codes, draw from it, and keep one latent model at a time.
"""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgan_sampler import BAGANSampler, SCDLGANSampler

CPU = torch.device("cpu")
GAUSSIAN_ATTRIBUTES = ("class_latent_means_", "class_latent_covariances_")

# Tiny networks: one thread (the conftest fixture says why).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def imbalanced_digits(digits):
    """All ten digits; 3, 5 and 8 cut to 4, 36 and 90 images."""
    X, y = digits
    counts = {3: 4, 5: 36, 8: 90}
    keep = np.concatenate(
        [np.flatnonzero(y == c)[: counts.get(c, 180)] for c in range(10)]
    )
    return X[keep], y[keep]


@pytest.fixture(scope="module", params=[BAGANSampler, SCDLGANSampler])
def smote_sampler(request, imbalanced_digits):
    """A GAN sampler with latent SMOTE, default budgets, on imbalanced digits."""
    sampler = request.param(
        image_shape=(8, 8), latent_model="smote", random_state=0, device="cpu"
    )
    sampler.fit_resample(*imbalanced_digits)
    return sampler


def _encode(sampler, X):
    with torch.no_grad():
        inputs = torch.as_tensor(sampler.data_layout_.to_network(X))
        return sampler.encoder_.eval()(inputs).numpy()


def test_latent_smote_holds_the_encoded_training_rows(imbalanced_digits, smote_sampler):
    X, y = imbalanced_digits
    smote = smote_sampler.latent_smote_
    order = np.argsort(y, kind="stable")
    np.testing.assert_allclose(smote.codes, _encode(smote_sampler, X[order]), atol=1e-5)
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


def test_generated_digits_are_recognised_as_their_class(digits, smote_sampler):
    X, y = digits
    judge = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(X, y)
    labels = np.repeat(np.arange(10), 30)
    predicted = judge.predict(smote_sampler.generate(labels, random_state=0))
    per_class = [np.mean(predicted[labels == c] == c) for c in range(10)]
    assert min(per_class) >= 0.6, per_class
    assert np.mean(predicted == labels) >= 0.85


@pytest.mark.parametrize("Sampler", [BAGANSampler, SCDLGANSampler])
def test_refit_with_the_other_latent_model_drops_the_first(Sampler, imbalanced_digits):
    sampler = Sampler(
        image_shape=(8, 8), ae_epochs=1, gan_epochs=1, random_state=0, device="cpu"
    )
    sampler.fit_resample(*imbalanced_digits)
    assert all(hasattr(sampler, name) for name in GAUSSIAN_ATTRIBUTES)
    assert not hasattr(sampler, "latent_smote_")

    sampler.set_params(latent_model="smote").fit_resample(*imbalanced_digits)
    assert hasattr(sampler, "latent_smote_")
    assert not any(hasattr(sampler, name) for name in GAUSSIAN_ATTRIBUTES)

    sampler.set_params(latent_model="gaussian").fit_resample(*imbalanced_digits)
    assert all(hasattr(sampler, name) for name in GAUSSIAN_ATTRIBUTES)
    assert not hasattr(sampler, "latent_smote_")


def test_latent_model_is_read_at_fit_time(imbalanced_digits):
    # Changing the parameter after fitting does not change what is drawn
    # until the next fit: the codes come from the fitted latent model.
    sampler = BAGANSampler(
        image_shape=(8, 8), ae_epochs=1, gan_epochs=1, random_state=0, device="cpu"
    )
    sampler.fit_resample(*imbalanced_digits)
    labels = np.repeat(np.arange(10), 5)
    before = sampler.generate(labels, random_state=0)
    sampler.set_params(latent_model="smote")
    np.testing.assert_array_equal(sampler.generate(labels, random_state=0), before)


@pytest.mark.parametrize("Sampler", [BAGANSampler, SCDLGANSampler])
@pytest.mark.parametrize("latent_model", ["uniform", "SMOTE", None])
def test_unknown_latent_model_is_rejected(Sampler, latent_model, imbalanced_digits):
    sampler = Sampler(image_shape=(8, 8), latent_model=latent_model)
    with pytest.raises(ValueError, match="'latent_model' parameter"):
        sampler.fit_resample(*imbalanced_digits)
