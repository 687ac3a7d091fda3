"""Generation helpers of the shared training core."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from skgan_sampler._training import (
    DeviceConstraint,
    TrainingMonitor,
    generation_networks,
    in_batches,
    resolve_device,
    train_stage,
)

CPU = torch.device("cpu")


class _SizeRecorder(nn.Module):
    """A row-wise network that records the batch sizes it is called with."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 2).double()
        self.sizes = []

    def forward(self, x):
        self.sizes.append(len(x))
        return self.linear(x)


@given(
    n_rows=st.integers(0, 700),
    batch_size=st.sampled_from([1, 7, 64, 256]),
    pad=st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_in_batches_is_the_network_on_all_rows(n_rows, batch_size, pad):
    torch.manual_seed(0)
    network = _SizeRecorder()
    inputs = torch.randn(n_rows, 3, dtype=torch.float64)
    with torch.no_grad():
        expected = network.linear(inputs)
        outputs = in_batches(network, inputs, batch_size, pad=pad)
    torch.testing.assert_close(outputs, expected, rtol=0, atol=1e-12)
    assert all(size <= batch_size for size in network.sizes)
    if pad and n_rows:
        # Every pass is a full batch or a power of two.
        assert all(
            size == batch_size or size & (size - 1) == 0 for size in network.sizes
        )
    elif n_rows:
        assert network.sizes[:-1] == [batch_size] * (len(network.sizes) - 1)


def test_in_batches_pads_image_batches():
    network = nn.Conv2d(1, 2, 3, padding=1)
    images = torch.randn(5, 1, 4, 4)
    with torch.no_grad():
        torch.testing.assert_close(
            in_batches(network, images, 4, pad=True), network(images)
        )


def _conv_network():
    return nn.Sequential(
        nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.Dropout(0.5), nn.Flatten()
    )


def test_float32_generation_uses_the_fitted_networks_in_eval_mode():
    network = _conv_network()
    networks = generation_networks({"generator_": network}, torch.float32, CPU)
    assert networks["generator_"] is network
    assert not network.training


def test_bfloat16_generation_uses_channels_last_copies_with_folded_batch_norms():
    network = _conv_network()
    weight = network[0].weight.detach().clone()
    networks = generation_networks({"generator_": network}, torch.bfloat16, CPU)
    copy = networks["generator_"]
    assert copy is not network
    assert not copy.training
    assert isinstance(copy[1], nn.Identity)
    assert isinstance(network[1], nn.BatchNorm2d)
    assert copy[0].weight.is_contiguous(memory_format=torch.channels_last)
    # The fitted network keeps its layout and values.
    assert network[0].weight.is_contiguous()
    assert not network[0].weight.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(network[0].weight, weight, rtol=0, atol=0)
    images = torch.randn(3, 2, 5, 5)
    with torch.no_grad():
        np.testing.assert_allclose(copy(images), network(images), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_generation_networks_keeps_names(dtype):
    modules = {"generator_": nn.Linear(2, 2), "discriminator_": nn.Linear(2, 3)}
    assert list(generation_networks(modules, dtype, CPU)) == list(modules)


@pytest.mark.parametrize(
    "device, accepted",
    [
        ("auto", True),
        ("cpu", True),
        ("cuda", True),
        ("cuda:1", True),
        ("mps", True),
        (torch.device("cuda", 0), True),
        ("meta", False),
        (torch.device("meta"), False),
        ("gpu", False),
        ("cuda:x", False),
        (0, False),
    ],
)
def test_device_constraint_takes_what_torch_users_write(device, accepted):
    assert DeviceConstraint().is_satisfied_by(device) is accepted


def test_a_gpu_index_the_machine_lacks_is_a_value_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert resolve_device("cuda:0") == torch.device("cuda", 0)
    with pytest.raises(ValueError, match=r"device='cuda:3' names a GPU"):
        resolve_device("cuda:3")


def test_missing_mps_falls_back_to_the_cpu_with_a_warning(monkeypatch):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.warns(UserWarning, match="MPS is not available"):
        assert resolve_device("mps") == torch.device("cpu")


@pytest.mark.parametrize("verbose", [0, 1, 2])
def test_progress_counts_batches_and_verbose_2_prints_epochs(verbose, capsys):
    monitor = TrainingMonitor("Probe", verbose)
    # 10 rows in batches of 4: 4, 4 and a trailing 2; three epochs.
    train_stage(
        monitor,
        "stage",
        3,
        10,
        4,
        torch.device("cpu"),
        lambda batch: {"loss": torch.tensor(float(len(batch)))},
    )
    assert monitor.history_as_dict() == {"stage": {"loss": [10 / 3] * 3}}
    out, err = capsys.readouterr()
    if verbose == 0:
        assert out == err == ""
        return
    assert "9/9" in err and "batch" in err and "epoch=3/3" in err
    assert ("Probe stage epoch 2/3: loss 3.333" in out) is (verbose == 2)
