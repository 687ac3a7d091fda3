"""Rows <-> network tensors: shapes, scaling and dtype restoration."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skgan_sampler._layout import (
    DataLayout,
    resolve_image_shape,
    restore_array_shape,
    split_array_shape,
)


def test_channels_last_rows_become_nchw_tensors():
    images = np.arange(2 * 3 * 4 * 2).reshape(2, 3, 4, 2).astype(np.float64)
    rows = images.reshape(2, -1)
    layout = DataLayout.from_data(rows, (3, 4, 2))
    tensors = layout.to_network(rows)
    assert tensors.shape == (2, 2, 3, 4) and tensors.dtype == np.float32
    expected = images.transpose(0, 3, 1, 2) / images.max() * 2 - 1
    np.testing.assert_allclose(tensors, expected, rtol=1e-6, atol=1e-6)
    assert tensors.min() == -1 and tensors.max() == 1
    np.testing.assert_allclose(layout.from_network(tensors), rows, atol=1e-4)


def test_tabular_features_are_scaled_each_to_their_own_range():
    X = np.array([[0.0, 10.0, 5.0], [2.0, 30.0, 5.0], [1.0, 20.0, 5.0]])
    layout = DataLayout.from_data(X, None)
    scaled = layout.to_network(X)
    np.testing.assert_allclose(scaled[:, 0], [-1, 1, 0])
    np.testing.assert_allclose(scaled[:, 1], [-1, 1, 0])
    np.testing.assert_allclose(scaled[:, 2], 0)
    np.testing.assert_allclose(layout.from_network(scaled), X, atol=1e-5)


def test_uint8_is_rounded_and_clipped_not_truncated():
    X = np.array([[0, 255], [10, 20]], dtype=np.uint8)
    layout = DataLayout.from_data(X, (1, 2))
    just_below_one = np.full((1, 1, 1, 2), 2 * 0.999 / 255 - 1, dtype=np.float32)
    assert layout.from_network(just_below_one).tolist() == [[1, 1]]
    out_of_range = np.array([[[[-1.7, 3.0]]]], dtype=np.float32)
    restored = layout.from_network(out_of_range)
    assert restored.dtype == np.uint8 and restored.tolist() == [[0, 255]]


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.uint8,
        st.tuples(st.integers(2, 6), st.just(12)),
        elements=st.integers(0, 255),
    ),
    st.sampled_from([(3, 4), (2, 2, 3), (12, 1, 1)]),
)
def test_round_trip_restores_uint8_images_exactly(X, image_shape):
    layout = DataLayout.from_data(X, resolve_image_shape(image_shape, None, 12))
    restored = layout.from_network(layout.to_network(X))
    assert restored.dtype == np.uint8
    np.testing.assert_array_equal(restored, X)


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float32,
        st.tuples(st.integers(0, 5), st.just(12)),
        elements=st.floats(-1.5, 1.5, width=32),
    ),
    st.sampled_from([(3, 2, 2), (3, 4, 1)]),
    st.integers(0, 254),
    st.integers(1, 255),
    st.sampled_from([np.uint8, np.int16, np.float32, np.float64]),
    st.sampled_from([np.float32, np.float64]),
)
def test_from_network_is_the_scaled_clipped_output_and_leaves_it_alone(
    flat_outputs, image_shape, data_min, span, dtype, output_dtype
):
    data_max = min(data_min + span, 255)
    X = np.array([[data_min] * 12, [data_max] * 12]).astype(dtype)
    layout = DataLayout.from_data(X, image_shape)
    height, width, channels = image_shape
    outputs = flat_outputs.astype(output_dtype).reshape(-1, channels, height, width)
    before = outputs.copy()
    restored = layout.from_network(outputs)
    np.testing.assert_array_equal(outputs, before)
    # The conversion in float64 arithmetic, one step at a time.
    half, centre = (data_max - data_min) / 2.0, (data_max + data_min) / 2.0
    rows = outputs.astype(np.float64).transpose(0, 2, 3, 1).reshape(len(outputs), 12)
    expected = np.clip(rows * half + centre, data_min, data_max)
    if np.issubdtype(dtype, np.integer):
        expected = np.rint(expected)
    assert restored.dtype == dtype
    np.testing.assert_array_equal(restored, expected.astype(dtype))


def test_split_and_restore_array_shape():
    images = np.zeros((5, 4, 3, 2))
    rows, shape = split_array_shape(images)
    assert rows.shape == (5, 24) and shape == (4, 3, 2)
    assert restore_array_shape(rows, shape).shape == images.shape
    table = [[1, 2], [3, 4]]
    assert split_array_shape(table) == (table, None)


def test_image_shape_from_array_and_grey_equivalence():
    assert resolve_image_shape(None, (4, 5), 20) == (4, 5, 1)
    assert resolve_image_shape((4, 5), (4, 5, 1), 20) == (4, 5, 1)
    assert resolve_image_shape(None, None, 20) is None
    with pytest.raises(ValueError, match="describes 12 values"):
        resolve_image_shape((3, 4), None, 20)
