"""GAN-based oversamplers for imbalanced classification (imbalanced-learn API)."""

# Authors: skgan_sampler developers
# License: MIT

from ._bagan import BAGANSampler
from ._bagan_gp import BAGANGPSampler
from ._classifier import SmallCNN
from ._deepsmote import DeepSMOTESampler
from ._gamo import GAMOSampler
from ._oversampled_classifier import OversampledClassifier
from ._sampling_strategy import TopUp
from ._scdl_gan import SCDLGANSampler

__version__ = "0.1.0.dev0"

__all__ = [
    "BAGANGPSampler",
    "BAGANSampler",
    "DeepSMOTESampler",
    "GAMOSampler",
    "OversampledClassifier",
    "SCDLGANSampler",
    "SmallCNN",
    "TopUp",
    "__version__",
]
