"""Estimator instances with tiny training budgets, shared by the test modules."""

from imblearn.over_sampling import RandomOverSampler
from sklearn.linear_model import LogisticRegression

from skgan_sampler import (
    BAGANGPSampler,
    BAGANSampler,
    DeepSMOTESampler,
    GAMOSampler,
    OversampledClassifier,
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
    DeepSMOTESampler(latent_dim=4, ae_epochs=1, random_state=0, device="cpu"),
]
"""One fast instance of every public sampler; tests parametrise over these."""

FAST_CLASSIFIERS = [
    SmallCNN(epochs=20, random_state=0, device="cpu"),
    OversampledClassifier(
        sampler=RandomOverSampler(random_state=0),
        estimator=LogisticRegression(),
        synthetic_weight=0.5,
    ),
]


def estimator_id(estimator):
    return type(estimator).__name__


def last_stage(sampler):
    """The last training stage of ``sampler``, with its epochs and learning rate.

    ``(stage, epochs parameter, learning-rate parameter)``: the adversarial
    stage where the sampler has one, else the autoencoder stage.
    """
    if "gan_epochs" in sampler.get_params():
        return "gan", "gan_epochs", "gan_learning_rate"
    return "autoencoder", "ae_epochs", "ae_learning_rate"
