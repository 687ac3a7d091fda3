"""Class-conditional latent models, fitted to encoded samples and drawn on a
device: one Gaussian per class (BAGAN, SCDL-GAN) or SMOTE within each class
(DeepSMOTE)."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.covariance import ledoit_wolf
from sklearn.neighbors import NearestNeighbors

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


@dataclass(frozen=True)
class ClassSMOTE:
    """SMOTE within each class of a latent space: the codes and their neighbours.

    A new code of class ``c`` is ``a + u (b - a)``: ``a`` one of the class's
    codes drawn uniformly, ``b`` one of ``a``'s ``k`` nearest codes of the
    same class drawn uniformly, and ``u ~ U(0, 1)``, one per new code, as
    in SMOTE. A class of ``n_c <= k`` codes uses its ``n_c - 1`` other codes
    as the neighbours; a class of one code is its own neighbour, so its new
    codes are copies of that code.

    Attributes
    ----------
    codes : ndarray of shape (n_samples, latent_dim)
        The codes, float32, grouped by class in class-code order (a class's
        codes keep their order).
    class_starts : ndarray of shape (n_classes + 1,)
        Class ``c``'s codes are ``codes[class_starts[c]:class_starts[c + 1]]``.
    neighbors : ndarray of shape (n_samples, k)
        Rows of ``codes`` that are each code's nearest codes of its class,
        nearest first, padded with -1 for classes of ``k`` codes or fewer.
    """

    codes: np.ndarray
    class_starts: np.ndarray
    neighbors: np.ndarray

    @classmethod
    def fit(
        cls, codes: np.ndarray, y_codes: np.ndarray, n_classes: int, k_neighbors: int
    ) -> ClassSMOTE:
        order = np.argsort(y_codes, kind="stable")
        codes = np.asarray(codes, dtype=np.float32)[order]
        counts = np.bincount(y_codes, minlength=n_classes)
        class_starts = np.concatenate([[0], np.cumsum(counts)])
        neighbors = np.full((len(codes), k_neighbors), -1, dtype=np.intp)
        for c in range(n_classes):
            start, stop = class_starts[c], class_starts[c + 1]
            k = min(k_neighbors, stop - start - 1)
            if k < 1:
                neighbors[start:stop, 0] = start
                continue
            # Queried without X, kneighbors leaves each code out of its own
            # neighbours, even when another code equals it.
            nearest = NearestNeighbors(n_neighbors=k).fit(codes[start:stop])
            neighbors[start:stop, :k] = start + nearest.kneighbors(
                return_distance=False
            )
        return cls(codes=codes, class_starts=class_starts, neighbors=neighbors)


class SMOTELatentSampler:
    """Draws latent codes of given classes on a device from :class:`ClassSMOTE`."""

    def __init__(self, smote: ClassSMOTE, device: torch.device) -> None:
        starts = torch.as_tensor(smote.class_starts, device=device)
        self.codes = torch.as_tensor(smote.codes, device=device)
        self.starts, self.counts = starts[:-1], starts[1:] - starts[:-1]
        self.neighbors = torch.as_tensor(smote.neighbors, device=device)
        self.n_neighbors = (self.neighbors >= 0).sum(dim=1)

    def __call__(self, class_codes: torch.Tensor) -> torch.Tensor:
        uniforms = torch.rand(len(class_codes), 3, device=self.codes.device)
        counts = self.counts[class_codes]
        # min() guards against a float32 product rounding up to the count.
        offsets = torch.minimum((uniforms[:, 0] * counts).long(), counts - 1)
        base = self.starts[class_codes] + offsets
        n_neighbors = self.n_neighbors[base]
        column = torch.minimum((uniforms[:, 1] * n_neighbors).long(), n_neighbors - 1)
        neighbor = self.neighbors[base, column]
        # Generation may autocast the networks to bfloat16; the interpolation
        # stays float32 so that new codes lie on their segments exactly.
        with torch.autocast(self.codes.device.type, enabled=False):
            start = self.codes[base]
            return start + uniforms[:, 2:] * (self.codes[neighbor] - start)


def encode(encoder: torch.nn.Module, data: torch.Tensor) -> np.ndarray:
    """The codes ``encoder`` gives ``data``, in evaluation mode, as an array."""
    encoder.eval()
    with torch.no_grad():
        codes = in_batches(encoder, data, ENCODING_BATCH)
    encoder.train()
    return codes.cpu().numpy()


def fit_class_gaussians(
    encoder: torch.nn.Module, data: torch.Tensor, labels: torch.Tensor, n_classes: int
) -> ClassGaussians:
    """Per-class Gaussians of the codes that ``encoder`` gives ``data``."""
    return ClassGaussians.fit(encode(encoder, data), labels.cpu().numpy(), n_classes)


def fit_class_smote(
    encoder: torch.nn.Module,
    data: torch.Tensor,
    labels: torch.Tensor,
    n_classes: int,
    k_neighbors: int,
) -> ClassSMOTE:
    """Latent SMOTE within each class of the codes that ``encoder`` gives ``data``."""
    return ClassSMOTE.fit(
        encode(encoder, data), labels.cpu().numpy(), n_classes, k_neighbors
    )
