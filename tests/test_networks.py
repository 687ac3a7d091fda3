"""Networks size themselves from the input."""

import copy

import pytest
import torch

from skgan_sampler._networks import (
    Decoder,
    Dropout,
    LabelProjectionDiscriminator,
    PhaseConvTranspose2d,
    build_encoder,
    channels_last_inference_copy,
    discriminator_from_encoder,
    downsampled_sizes,
)


@pytest.mark.parametrize(
    "height, width, expected",
    [
        (28, 28, [(28, 28), (14, 14), (7, 7)]),
        (32, 32, [(32, 32), (16, 16), (8, 8)]),
        (8, 8, [(8, 8), (4, 4)]),
        (13, 27, [(13, 27), (7, 14)]),
        (3, 3, [(3, 3)]),
    ],
)
def test_downsampled_sizes_follow_bagan_rule(height, width, expected):
    assert downsampled_sizes(height, width) == expected


@pytest.mark.parametrize(
    "network_shape", [(1, 8, 8), (1, 28, 28), (3, 32, 32), (1, 13, 27), (2, 3, 3), (7,)]
)
def test_decoder_reproduces_the_encoder_input_shape(network_shape):
    encoder = build_encoder(network_shape, 5)
    decoder = Decoder(network_shape, 5)
    x = torch.rand(4, *network_shape) * 2 - 1
    codes = encoder(x)
    assert codes.shape == (4, 5)
    images = decoder(codes)
    assert images.shape == x.shape
    assert images.abs().max() <= 1


@pytest.mark.parametrize(
    "in_channels, out_channels, height, width",
    [(64, 1, 14, 14), (64, 3, 16, 16), (5, 2, 1, 1), (8, 4, 7, 4)],
)
def test_phase_conv_transpose_is_the_transposed_convolution(
    in_channels, out_channels, height, width
):
    torch.manual_seed(0)
    phase = PhaseConvTranspose2d(in_channels, out_channels)
    transposed = torch.nn.ConvTranspose2d(
        in_channels, out_channels, 4, stride=2, padding=1
    )
    transposed.load_state_dict(phase.state_dict())
    x = torch.randn(3, in_channels, height, width, requires_grad=True)
    upstream = torch.randn(3, out_channels, 2 * height, 2 * width)
    gradients = []
    for module in (phase, transposed):
        output = module(x)
        assert output.shape == upstream.shape
        gradients.append(
            (
                output,
                *torch.autograd.grad(
                    (output * upstream).sum(), (x, *module.parameters())
                ),
            )
        )
    for from_phases, from_transposed in zip(*gradients, strict=True):
        torch.testing.assert_close(from_phases, from_transposed, rtol=1e-5, atol=1e-5)


def test_decoders_map_to_image_channels_through_the_phase_form():
    last_layers = {
        shape: [
            m
            for m in Decoder(shape, 4).modules()
            if isinstance(m, torch.nn.ConvTranspose2d)
        ][-1]
        for shape in [(1, 28, 28), (3, 32, 32), (1, 8, 8)]
    }
    assert isinstance(last_layers[(1, 28, 28)], PhaseConvTranspose2d)
    assert isinstance(last_layers[(3, 32, 32)], PhaseConvTranspose2d)
    # 8x8 images upsample once to 32 channels and convolve to the image.
    assert type(last_layers[(1, 8, 8)]) is torch.nn.ConvTranspose2d


def test_encoder_trunk_is_what_a_discriminator_inherits():
    torch.manual_seed(0)
    encoder = build_encoder((1, 28, 28), 16, dropout=0.3).eval()
    discriminator = discriminator_from_encoder(encoder, n_classes=4).eval()
    x = torch.randn(5, 1, 28, 28)
    # The same trunk function, with its own copy of the weights ...
    torch.testing.assert_close(discriminator.features(x), encoder.features(x))
    assert discriminator.n_features == encoder.n_features == 128 * 7 * 7
    with torch.no_grad():
        next(discriminator.features.parameters()).add_(1.0)
    assert not torch.allclose(discriminator.features(x), encoder.features(x))
    # ... and a fresh head with one output per class plus "fake".
    assert discriminator(x).shape == (5, 5)
    assert discriminator.head is not encoder.head


def test_dropout_keeps_the_expected_share_and_scale():
    dropout = Dropout(0.3)
    x = torch.ones(200_000)
    torch.manual_seed(0)
    dropped = dropout.train()(x)
    assert (dropped == 0).float().mean().item() == pytest.approx(0.3, abs=0.005)
    assert dropped.mean().item() == pytest.approx(1.0, abs=0.01)
    assert torch.equal(dropout.eval()(x), x)
    assert torch.equal(Dropout(0.0).train()(x), x)


def test_conditional_discriminator_gradients_repeat_exactly():
    # Many labels share few classes: a backward pass that accumulates the
    # label rows in thread order gives different gradients on each call.
    torch.manual_seed(0)
    discriminator = LabelProjectionDiscriminator(
        torch.nn.Flatten(), n_features=1024, n_classes=3
    )
    x = torch.randn(64, 1024)
    labels = torch.randint(0, 3, (64,))

    def label_gradients():
        discriminator.zero_grad()
        discriminator(x, labels).sum().backward()
        return discriminator.label_projection[0].weight.grad.clone()

    first = label_gradients()
    for _ in range(20):
        assert torch.equal(first, label_gradients())


def _with_trained_batch_norms(network):
    """``network`` in eval mode with BatchNorm statistics a fit could leave."""
    generator = torch.Generator().manual_seed(0)
    for module in network.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            n = module.num_features
            module.running_mean.copy_(torch.randn(n, generator=generator))
            module.running_var.copy_(torch.rand(n, generator=generator) + 0.1)
            module.weight.data.copy_(torch.randn(n, generator=generator))
            module.bias.data.copy_(torch.randn(n, generator=generator))
    return network.eval()


@pytest.mark.parametrize("network_shape", [(1, 28, 28), (3, 8, 8), (2, 13, 27)])
def test_inference_copy_of_a_decoder_is_the_same_function(network_shape):
    torch.manual_seed(0)
    decoder = _with_trained_batch_norms(Decoder(network_shape, 6))
    fitted = copy.deepcopy(decoder.state_dict())
    inference = channels_last_inference_copy(decoder)
    kinds = {type(m) for m in inference.modules()}
    assert torch.nn.BatchNorm2d not in kinds and torch.nn.Unflatten not in kinds
    z = torch.randn(5, 6)
    with torch.no_grad():
        out = inference(z)
        torch.testing.assert_close(out, decoder(z), rtol=1e-5, atol=1e-5)
    assert out.is_contiguous(memory_format=torch.channels_last)
    for name, value in decoder.state_dict().items():
        torch.testing.assert_close(value, fitted[name], rtol=0, atol=0)


def test_inference_copy_keeps_what_it_cannot_fold():
    torch.manual_seed(0)
    network = _with_trained_batch_norms(
        torch.nn.Sequential(
            torch.nn.BatchNorm2d(2),
            torch.nn.Conv2d(2, 3, 3),
            torch.nn.ReLU(),
            torch.nn.BatchNorm2d(3),
            torch.nn.Flatten(),
            torch.nn.Unflatten(1, (3, 4, 4)),
        )
    )
    inference = channels_last_inference_copy(network)
    assert [type(m) for m in inference] == [type(m) for m in network]
    x = torch.randn(2, 2, 6, 6)
    with torch.no_grad():
        # Channels-last feature maps may run other float32 kernels: torch
        # does not promise bit-identical results across memory formats (an
        # AVX2-only AMD EPYC differed by up to 4.8e-7).
        torch.testing.assert_close(inference(x), network(x), rtol=1e-5, atol=1e-6)
