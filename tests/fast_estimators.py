"""Estimator instances with tiny training budgets, shared by the test modules."""

from skgan_sampler import (
    BAGANGPSampler,
    BAGANSampler,
    GAMOSampler,
    SCDLGANSampler,
    SmallCNN,
)

FAST_SAMPLERS = [
    BAGANSampler(latent_dim=4, ae_epochs=1, gan_epochs=1, random_state=0, device="cpu"),
    BAGANGPSampler(
        latent_dim=4, ae_epochs=1, gan_epochs=1, random_state=0, device="cpu"
    ),
    GAMOSampler(latent_dim=4, gan_epochs=1, random_state=0, device="cpu"),
    SCDLGANSampler(
        latent_dim=4, ae_epochs=1, gan_epochs=1, random_state=0, device="cpu"
    ),
]
"""One fast instance of every public sampler; tests parametrise over these."""

FAST_CLASSIFIERS = [SmallCNN(epochs=20, random_state=0, device="cpu")]


def estimator_id(estimator):
    return type(estimator).__name__
