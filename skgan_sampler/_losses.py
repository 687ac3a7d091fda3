"""Losses and loss weights: MMD for Wasserstein autoencoders, the gradient
penalty of BAGAN-GP, DeepSMOTE's permutation penalty, and the class-balanced
weights of deferred re-weighting."""

# Authors: skgan_sampler developers
# License: MIT

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

IMQ_SCALES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
"""Scales of the inverse multiquadratics kernel summed in the official WAE code."""


def imq_mmd(codes: torch.Tensor, prior_samples: torch.Tensor, prior_variance: float):
    """Unbiased MMD^2 between encoded codes and prior samples (WAE-MMD).

    Inverse multiquadratics kernel ``C / (C + ||x - y||^2)`` summed over
    ``C = 2 * latent_dim * prior_variance * s`` for the scales of the official
    WAE implementation; the within-sample terms leave out the diagonal (the
    U-statistic), the cross term keeps all pairs.

    Parameters
    ----------
    codes, prior_samples : tensor of shape (n, latent_dim)
        Encoded batch and an equally sized draw from the prior N(0, s^2 I).
    prior_variance : float
        Variance ``s^2`` of the prior.
    """
    n, latent_dim = codes.shape
    if n < 2:
        return codes.new_zeros(())
    base = 2.0 * latent_dim * prior_variance
    distances_codes = torch.cdist(codes, codes).pow(2)
    distances_prior = torch.cdist(prior_samples, prior_samples).pow(2)
    distances_cross = torch.cdist(codes, prior_samples).pow(2)
    off_diagonal = 1.0 - torch.eye(n, device=codes.device, dtype=codes.dtype)
    total = codes.new_zeros(())
    for scale in IMQ_SCALES:
        c = base * scale
        within = (c / (c + distances_codes) + c / (c + distances_prior)) * off_diagonal
        total = total + within.sum() / (n * (n - 1))
        total = total - 2.0 * (c / (c + distances_cross)).sum() / (n * n)
    return total


def gradient_penalty(
    critic: Callable[[torch.Tensor], torch.Tensor],
    real: torch.Tensor,
    fake: torch.Tensor,
    mixing_weights: torch.Tensor,
) -> torch.Tensor:
    """Mean of ``(||grad critic(x_hat)|| - 1)^2`` at ``x_hat = real + a (fake - real)``.

    ``mixing_weights`` holds one ``a`` per sample (U(0, 1) in the WGAN-GP and
    BAGAN-GP papers). The graph is kept, so the penalty can be
    backpropagated (a double backward).
    """
    shape = (-1,) + (1,) * (real.dim() - 1)
    interpolates = real + mixing_weights.reshape(shape) * (fake - real)
    interpolates.requires_grad_(True)
    scores = critic(interpolates)
    (gradients,) = torch.autograd.grad(scores.sum(), interpolates, create_graph=True)
    norms = gradients.flatten(1).norm(2, dim=1)
    return ((norms - 1.0) ** 2).mean()


def permutation_penalty(
    encoder: torch.nn.Module,
    decoder: torch.nn.Module,
    x: torch.Tensor,
    *,
    reference: bool = False,
) -> torch.Tensor:
    """DeepSMOTE's penalty on samples ``x`` of one class (mean squared error).

    The codes of ``x`` are decoded in cyclically shifted order, code ``i - 1``
    at position ``i``, and compared with ``x`` in its own order (the paper's
    Algorithm 1): the autoencoder learns to decode a code into another
    sample of its class, which it must do when SMOTE moves a code towards a
    neighbour.

    With ``reference``, the reference code's computation: it shifts the
    targets as well, which pairs each code with its own sample again, and
    its codes pass through NumPy, so no gradient reaches the encoder. That
    is a reconstruction loss on ``x`` that trains the decoder only.
    """
    codes = encoder(x)
    if reference:
        return F.mse_loss(decoder(codes.detach()), x)
    return F.mse_loss(decoder(torch.roll(codes, shifts=1, dims=0)), x)


def effective_number_weights(class_counts: np.ndarray, beta: float) -> np.ndarray:
    """Class-balanced weights ``(1 - beta) / (1 - beta ** n_c)`` (Cui et al. 2019).

    Normalised to sum to the number of classes, as in the LDAM-DRW code; a
    class's weight grows as its effective number of samples shrinks.
    """
    counts = np.asarray(class_counts, dtype=np.float64)
    weights = (1.0 - beta) / (1.0 - np.power(beta, counts))
    return weights / weights.sum() * len(counts)
