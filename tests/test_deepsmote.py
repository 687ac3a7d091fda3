"""Behaviour specific to DeepSMOTESampler: the permutation penalty, latent
SMOTE, small classes and sample quality; the shared contract and both check
suites run on it through ``FAST_SAMPLERS``."""

import numpy as np
import pytest
import torch

from skgan_sampler import DeepSMOTESampler
from skgan_sampler._latent import ClassSMOTE, SMOTELatentSampler
from skgan_sampler._losses import permutation_penalty
from skgan_sampler._training import class_batch_sampler

from .sampler_checks import encode_rows, recognised_per_class

CPU = torch.device("cpu")

# Tiny networks: one thread (the conftest fixture says why).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _sampler(**params):
    return DeepSMOTESampler(
        **{
            "image_shape": (8, 8),
            "latent_dim": 16,
            "batch_size": 32,
            "ae_epochs": 25,
            "random_state": 0,
            "device": "cpu",
            **params,
        }
    )


@pytest.fixture(scope="module")
def fitted(imbalanced_float_digits):
    sampler = _sampler()
    sampler.fit_resample(*imbalanced_float_digits)
    return sampler


def test_generated_digits_are_recognised_as_their_class(float_digits, fitted):
    X, y = float_digits
    per_class = recognised_per_class(fitted, X, y)
    assert per_class.min() >= 0.7, per_class
    assert per_class.mean() >= 0.9


def test_latent_model_holds_the_encoded_training_rows(imbalanced_float_digits, fitted):
    X, y = imbalanced_float_digits
    smote = fitted.latent_smote_
    order = np.argsort(y, kind="stable")
    np.testing.assert_allclose(smote.codes, encode_rows(fitted, X[order]), atol=1e-5)
    np.testing.assert_array_equal(
        np.diff(smote.class_starts), np.bincount(y, minlength=10)
    )
    assert smote.neighbors.shape == (len(X), fitted.k_neighbors)


def _brute_force_neighbors(codes, k):
    distances = np.linalg.norm(codes[:, None] - codes[None], axis=2)
    np.fill_diagonal(distances, np.inf)
    return np.argsort(distances, axis=1, kind="stable")[:, :k]


def test_neighbors_are_the_nearest_codes_of_the_same_class():
    rng = np.random.RandomState(0)
    y = rng.permutation(np.repeat([0, 1, 2], [20, 4, 1]))
    codes = rng.normal(size=(len(y), 3)) + 5 * y[:, None]
    smote = ClassSMOTE.fit(codes, y, n_classes=3, k_neighbors=5)
    grouped = codes[np.argsort(y, kind="stable")].astype(np.float32)
    np.testing.assert_array_equal(smote.codes, grouped)
    np.testing.assert_array_equal(smote.class_starts, [0, 20, 24, 25])
    np.testing.assert_array_equal(
        smote.neighbors[:20], _brute_force_neighbors(grouped[:20], 5)
    )
    # Four codes: each has only three others; the single code is its own.
    np.testing.assert_array_equal(
        smote.neighbors[20:24, :3], 20 + _brute_force_neighbors(grouped[20:24], 3)
    )
    assert np.all(smote.neighbors[20:24, 3:] == -1)
    np.testing.assert_array_equal(smote.neighbors[24], [24, -1, -1, -1, -1])


@pytest.mark.parametrize("k_neighbors", [1, 5])
def test_new_codes_lie_between_a_code_and_a_same_class_neighbour(k_neighbors):
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1, 2], [30, 3, 1])
    codes = rng.normal(size=(len(y), 4)) + 5 * y[:, None]
    smote = ClassSMOTE.fit(codes, y, n_classes=3, k_neighbors=k_neighbors)
    class_codes = np.repeat([0, 1, 2], 200)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        new = SMOTELatentSampler(smote, CPU)(torch.as_tensor(class_codes)).numpy()

    starts, rows, neighbors = smote.class_starts, smote.codes, smote.neighbors
    bases, partners = np.nonzero(neighbors >= 0)
    partners = neighbors[bases, partners]
    a, b = rows[bases], rows[partners]
    for code, point in zip(class_codes, new, strict=True):
        in_class = (bases >= starts[code]) & (bases < starts[code + 1])
        assert np.all(partners[in_class] >= starts[code])
        assert np.all(partners[in_class] < starts[code + 1])
        # Distance from the point to each segment [a, b] of the class.
        direction = b[in_class] - a[in_class]
        length = np.maximum((direction**2).sum(axis=1), 1e-12)
        u = np.clip(((point - a[in_class]) * direction).sum(axis=1) / length, 0, 1)
        gap = point - (a[in_class] + u[:, None] * direction)
        assert np.linalg.norm(gap, axis=1).min() < 1e-5
    # A one-code class gives copies of its code.
    np.testing.assert_array_equal(new[class_codes == 2], rows[[33] * 200])
    # The gaps spread over the segment rather than sticking to its ends.
    assert len(np.unique(new[class_codes == 0], axis=0)) == 200


def test_one_sample_class_gives_copies_of_its_reconstruction(float_digits):
    X, y = float_digits
    keep = np.concatenate([np.flatnonzero(y == 0)[:40], np.flatnonzero(y == 1)[:1]])
    sampler = _sampler(ae_epochs=2)
    X_res, y_res = sampler.fit_resample(X[keep], y[keep])
    new = X_res[y_res == 1][1:]
    assert len(new) == 39
    np.testing.assert_array_equal(new, np.repeat(new[:1], 39, axis=0))
    with torch.no_grad():
        code = torch.as_tensor(encode_rows(sampler, X[keep][-1:]))
        decoded = sampler.decoder_.eval()(code).numpy()
    reconstruction = sampler.data_layout_.from_network(decoded)
    np.testing.assert_allclose(new[0], reconstruction[0], atol=1e-4)


def test_classes_smaller_than_k_neighbors_work(imbalanced_float_digits):
    X, y = imbalanced_float_digits
    sampler = _sampler(ae_epochs=2, k_neighbors=8)
    X_res, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [60] * 10
    new_threes = X_res[len(X) :][y_res[len(X) :] == 3]
    assert len(np.unique(new_threes, axis=0)) == len(new_threes) == 56
    starts = sampler.latent_smote_.class_starts
    assert np.all(sampler.latent_smote_.neighbors[starts[3] : starts[4], 3:] == -1)


def test_permuted_penalty_decodes_shifted_codes_against_the_originals():
    x = torch.arange(12.0).reshape(4, 3)
    identity = torch.nn.Identity()
    shifted = permutation_penalty(identity, identity, x)
    torch.testing.assert_close(shifted, torch.mean((torch.roll(x, 1, 0) - x) ** 2))
    assert permutation_penalty(identity, identity, x, reference=True) == 0


@pytest.mark.parametrize("reference, encoder_learns", [(False, True), (True, False)])
def test_reference_penalty_trains_the_decoder_only(reference, encoder_learns):
    torch.manual_seed(0)
    encoder, decoder = torch.nn.Linear(3, 2), torch.nn.Linear(2, 3)
    permutation_penalty(
        encoder, decoder, torch.randn(5, 3), reference=reference
    ).backward()
    assert (encoder.weight.grad is not None) == encoder_learns
    assert decoder.weight.grad is not None


def test_penalty_is_part_of_training(imbalanced_float_digits):
    X, y = imbalanced_float_digits
    variants = {
        "permuted": {},
        "reference": {"penalty": "reference"},
        "off": {"penalty_weight": 0.0},
    }
    histories = {}
    for name, params in variants.items():
        sampler = _sampler(ae_epochs=2, **params)
        sampler.fit_resample(X, y)
        histories[name] = sampler.history_["autoencoder"]
    assert set(histories["permuted"]) == {"reconstruction", "penalty"}
    assert set(histories["off"]) == {"reconstruction"}
    reconstructions = {tuple(h["reconstruction"]) for h in histories.values()}
    assert len(reconstructions) == 3


def test_class_batches_hold_one_class_without_repeats():
    labels = torch.as_tensor(np.repeat([0, 1, 2], [50, 3, 1]))
    draw = class_batch_sampler(labels, n_classes=3, batch_size=8)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        batches = [draw() for _ in range(300)]
    sizes = {0: 8, 1: 3, 2: 1}
    drawn = np.zeros(3)
    for rows in batches:
        classes = labels[rows].unique()
        assert len(classes) == 1 and len(rows.unique()) == len(rows)
        assert len(rows) == sizes[int(classes)]
        drawn[int(classes)] += 1
    # Classes are drawn uniformly, whatever their size.
    assert drawn.min() > 70


def test_same_random_state_same_samples(imbalanced_float_digits):
    X, y = imbalanced_float_digits
    first = _sampler(ae_epochs=2, random_state=3)
    second = _sampler(ae_epochs=2, random_state=3)
    np.testing.assert_array_equal(
        first.fit_resample(X, y)[0], second.fit_resample(X, y)[0]
    )
    np.testing.assert_array_equal(
        first.generate([3, 5, 8], random_state=1),
        second.generate([3, 5, 8], random_state=1),
    )


@pytest.mark.parametrize("k_neighbors", [0, -1, 2.5, "5", None])
def test_k_neighbors_must_be_a_positive_int(k_neighbors):
    X = np.random.RandomState(0).normal(size=(30, 4))
    y = np.repeat([0, 1], [20, 10])
    sampler = DeepSMOTESampler(k_neighbors=k_neighbors, ae_epochs=1, device="cpu")
    with pytest.raises(
        ValueError,
        match=r"The 'k_neighbors' parameter of DeepSMOTESampler must be an int in "
        r"the range \[1, inf\)",
    ):
        sampler.fit_resample(X, y)
