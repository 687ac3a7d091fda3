"""``TopUp``: a sampling_strategy that tops classes up to a fraction of the largest."""

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from imblearn.over_sampling import SMOTE
from imblearn.utils import check_sampling_strategy
from sklearn.base import clone

from skgan_sampler import BAGANSampler, TopUp


@given(
    counts=st.lists(st.integers(1, 500), min_size=2, max_size=6),
    fraction=st.floats(0.001, 1.0),
)
def test_classes_below_the_target_grow_to_it(counts, fraction):
    y = np.repeat(np.arange(len(counts)), counts)
    target = max(1, round(fraction * max(counts)))
    assert TopUp(fraction)(y) == {
        label: target for label, count in enumerate(counts) if count < target
    }


@given(counts=st.lists(st.integers(1, 300), min_size=2, max_size=6))
def test_fraction_one_is_the_default_balance(counts):
    y = np.repeat(np.arange(len(counts)), counts)

    def new_samples(strategy):
        resolved = check_sampling_strategy(strategy, y, "over-sampling")
        return {label: n for label, n in resolved.items() if n > 0}

    assert new_samples(TopUp(1.0)) == new_samples("not majority")


def test_labels_keep_their_type():
    y = np.array(["cat"] * 10 + ["dog"] * 2)
    assert TopUp(0.5)(y) == {"dog": 5}
    assert all(type(label) is str for label in TopUp(0.5)(y))


def test_imbalanced_learn_and_package_samplers_take_it():
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1, 2], [80, 20, 6])
    X = rng.normal(size=(len(y), 4)) + y[:, None]
    _, y_smote = SMOTE(sampling_strategy=TopUp(0.5), random_state=0).fit_resample(X, y)
    assert np.bincount(y_smote).tolist() == [80, 40, 40]
    sampler = BAGANSampler(
        sampling_strategy=TopUp(0.25),
        latent_dim=4,
        ae_epochs=1,
        gan_epochs=1,
        random_state=0,
        device="cpu",
    )
    _, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [80, 20, 20]
    assert sampler.sampling_strategy_ == {2: 14}


def test_clones_pickles_and_prints_as_its_fraction():
    sampler = BAGANSampler(sampling_strategy=TopUp(0.5))
    assert clone(sampler).sampling_strategy == TopUp(0.5)
    assert pickle.loads(pickle.dumps(TopUp(0.5))) == TopUp(0.5)
    assert TopUp(0.5) != TopUp(0.25) and len({TopUp(0.5), TopUp(0.5)}) == 1
    assert "sampling_strategy=TopUp(0.5)" in repr(sampler)


@pytest.mark.parametrize(
    "fraction, error, message",
    [
        (0, ValueError, r"fraction must be in \(0, 1\], got 0"),
        (1.5, ValueError, r"fraction must be in \(0, 1\], got 1.5"),
        (-0.2, ValueError, r"fraction must be in \(0, 1\]"),
        ("0.5", TypeError, "fraction must be a float in .*, got str '0.5'"),
        (True, TypeError, "fraction must be a float in .*, got bool True"),
    ],
)
def test_fraction_outside_zero_one_is_rejected(fraction, error, message):
    with pytest.raises(error, match=message):
        TopUp(fraction)
