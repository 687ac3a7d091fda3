"""DiffAugment in the adversarial stage of the autoencoder GAN samplers."""

import numpy as np
import pytest
import torch

from skgan_sampler import BAGANGPSampler, BAGANSampler, SCDLGANSampler
from skgan_sampler._augmentation import (
    DiffAugmentDiscriminator,
    diff_augment,
    random_cutout,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

SAMPLERS = [BAGANSampler, SCDLGANSampler, BAGANGPSampler]


def test_cutout_zeroes_a_square_of_half_the_size_at_most():
    torch.manual_seed(0)
    images = torch.ones(200, 1, 28, 28)
    cut = random_cutout(images)
    zeroed = (cut == 0).sum(dim=(1, 2, 3))
    assert zeroed.max() == 14 * 14
    # The square's centre is anywhere, so part of it may fall outside.
    assert (zeroed < 14 * 14).any()
    assert set(torch.unique(cut).tolist()) <= {0.0, 1.0}


def test_diff_augment_keeps_the_shape_and_passes_gradients():
    torch.manual_seed(0)
    images = torch.rand(8, 3, 32, 32, requires_grad=True)
    augmented = diff_augment(images, "translation_cutout")
    assert augmented.shape == images.shape
    augmented.sum().backward()
    assert images.grad is not None and images.grad.abs().sum() > 0


def test_translation_moves_images_by_up_to_an_eighth():
    torch.manual_seed(0)
    images = torch.zeros(300, 1, 32, 32)
    images[:, :, 16, 16] = 1.0
    moved = diff_augment(images, "translation")
    rows, columns = (moved[:, 0] == 1).nonzero()[:, 1:].T
    assert (rows - 16).abs().max() == 4 and (columns - 16).abs().max() == 4
    assert len(rows) == len(images)


def test_the_wrapper_augments_before_every_discriminator_path():
    class Recorder(torch.nn.Module):
        def forward(self, x, labels):
            return x

        def features(self, x):
            return x

        def score(self, features, labels):
            return labels

    torch.manual_seed(0)
    wrapped = DiffAugmentDiscriminator(Recorder(), "translation_cutout")
    images = torch.ones(16, 1, 8, 8)
    assert (wrapped(images, None) == 0).any()
    assert (wrapped.features(images) == 0).any()
    assert wrapped.score(images, "labels") == "labels"


@pytest.mark.parametrize("sampler_class", SAMPLERS)
def test_discriminator_augment_trains_reproducibly_and_differently(
    sampler_class, imbalanced_float_digits
):
    X, y = imbalanced_float_digits

    def fit(augment):
        return sampler_class(
            image_shape=(8, 8),
            latent_dim=4,
            ae_epochs=1,
            gan_epochs=2,
            discriminator_augment=augment,
            random_state=0,
            device="cpu",
        ).fit_resample(X, y)[0]

    augmented = fit("translation_cutout")
    np.testing.assert_array_equal(augmented, fit("translation_cutout"))
    assert not np.array_equal(augmented, fit(None))
    assert np.isfinite(augmented).all()


@pytest.mark.parametrize("sampler_class", SAMPLERS)
def test_discriminator_augment_needs_images(sampler_class, imbalanced_float_digits):
    X, y = imbalanced_float_digits
    sampler = sampler_class(
        latent_dim=4, ae_epochs=1, gan_epochs=1, discriminator_augment="translation"
    )
    with pytest.raises(ValueError, match="discriminator_augment='translation'"):
        sampler.fit_resample(X, y)
