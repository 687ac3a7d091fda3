"""GAN-based oversamplers for imbalanced classification (imbalanced-learn API)."""

# Authors: skgan_sampler developers
# License: MIT

from ._bagan import BAGANSampler
from ._classifier import SmallCNN

__version__ = "0.1.0.dev0"

__all__ = ["BAGANSampler", "SmallCNN", "__version__"]
