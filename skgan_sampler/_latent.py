"""Class-conditional latent models: one Gaussian per class, fitted and drawn."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.covariance import ledoit_wolf

from ._training import in_batches

# Rows encoded per forward pass when the latent model is fitted.
ENCODING_BATCH = 1024


@dataclass(frozen=True)
class ClassGaussians:
    """One multivariate Gaussian per class, fitted on encoded samples.

    Covariances are Ledoit-Wolf shrinkage estimates: BAGAN's plain sample
    covariance is singular whenever a class has fewer samples than latent
    dimensions, which is exactly the case for the rarest classes. A class
    with a single sample borrows the pooled within-class covariance.

    Attributes
    ----------
    means : ndarray of shape (n_classes, latent_dim)
    covariances : ndarray of shape (n_classes, latent_dim, latent_dim)
    """

    means: np.ndarray
    covariances: np.ndarray

    @classmethod
    def fit(
        cls, codes: np.ndarray, y_codes: np.ndarray, n_classes: int
    ) -> ClassGaussians:
        codes = np.asarray(codes, dtype=np.float64)
        means = np.stack([codes[y_codes == c].mean(axis=0) for c in range(n_classes)])
        pooled, _ = ledoit_wolf(codes - means[y_codes], assume_centered=True)
        covariances = []
        for c in range(n_classes):
            class_codes = codes[y_codes == c]
            if len(class_codes) < 2:
                covariances.append(pooled)
            else:
                covariances.append(ledoit_wolf(class_codes)[0])
        return cls(means=means, covariances=np.stack(covariances))

    def cholesky_factors(self) -> np.ndarray:
        """Lower Cholesky factors of the covariances (jittered if needed)."""
        latent_dim = self.means.shape[1]
        factors = []
        for covariance in self.covariances:
            jitter = 0.0
            while True:
                try:
                    factors.append(
                        np.linalg.cholesky(covariance + jitter * np.eye(latent_dim))
                    )
                    break
                except np.linalg.LinAlgError:
                    jitter = max(2 * jitter, 1e-8 * np.trace(covariance) + 1e-12)
        return np.stack(factors)


class GaussianLatentSampler:
    """Draws latent codes of given classes on a device from :class:`ClassGaussians`."""

    def __init__(self, gaussians: ClassGaussians, device: torch.device) -> None:
        self.means = torch.as_tensor(
            gaussians.means, dtype=torch.float32, device=device
        )
        self.factors = torch.as_tensor(
            gaussians.cholesky_factors(), dtype=torch.float32, device=device
        )

    def __call__(self, class_codes: torch.Tensor) -> torch.Tensor:
        device = self.means.device
        noise = torch.randn(len(class_codes), self.means.shape[1], 1, device=device)
        # Generation may autocast the networks to bfloat16; the latent draw
        # stays float32 so that it follows the fitted Gaussians exactly.
        with torch.autocast(device.type, enabled=False):
            scaled = (self.factors[class_codes] @ noise).squeeze(-1)
        return self.means[class_codes] + scaled


def fit_class_gaussians(
    encoder: torch.nn.Module, data: torch.Tensor, labels: torch.Tensor, n_classes: int
) -> ClassGaussians:
    """Per-class Gaussians of the codes that ``encoder`` gives ``data``."""
    encoder.eval()
    with torch.no_grad():
        codes = in_batches(encoder, data, ENCODING_BATCH)
    encoder.train()
    return ClassGaussians.fit(codes.cpu().numpy(), labels.cpu().numpy(), n_classes)
