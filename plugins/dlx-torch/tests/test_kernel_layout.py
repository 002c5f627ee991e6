"""Convolution kernels are stored filter-major on torch: a ``(h, w, in, out)`` variable's memory is
ordered ``(out, h, w, in)``, so the ``(out, in, h, w)`` view torch convolves with is channels-last
contiguous (no weight reorder per call). Values, shapes and every computation are unchanged."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import dlx
from dlx import layers, models, optimizers


def test_a_conv_kernel_is_stored_filter_major_with_its_values(on_torch):
    value = np.random.default_rng(0).standard_normal((3, 3, 64, 128)).astype(np.float32)
    v = dlx.Variable(value)
    t = v.value
    assert tuple(t.shape) == (3, 3, 64, 128) and not t.is_contiguous()
    assert t.permute(3, 2, 0, 1).is_contiguous(memory_format=torch.channels_last)
    np.testing.assert_array_equal(v.numpy(), value)
    v.assign(value * 2)  # in place: the layout stays
    assert t.data_ptr() == v.value.data_ptr()
    np.testing.assert_array_equal(v.numpy(), value * 2)
    copy = dlx.Variable(v.value)  # a value already in that layout: still a storage of its own
    assert copy.value.data_ptr() != v.value.data_ptr()
    v.assign(value)
    np.testing.assert_array_equal(copy.numpy(), value * 2)


def test_adam_on_a_filter_major_kernel_equals_a_float64_reference(on_torch):
    # the fused optimizer walks such a kernel in memory order (blocks of 64K elements)
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal((3, 3, 128, 128)).astype(np.float32)  # over two 64K blocks
    g = rng.standard_normal(w0.shape).astype(np.float32)
    v = dlx.Variable(w0)
    opt = optimizers.Adam(learning_rate=0.01)
    for _ in range(2):
        opt.apply_gradients([(dlx.ops.convert_to_tensor(g), v)])
    m = s = np.zeros(w0.shape)
    w = w0.astype(np.float64)
    for step in (1, 2):
        m = 0.9 * m + 0.1 * g
        s = 0.999 * s + 0.001 * np.square(g.astype(np.float64))
        lr = 0.01 * np.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step)
        w = w - lr * m / (np.sqrt(s) + 1e-7)
    np.testing.assert_allclose(v.numpy(), w, rtol=1e-5, atol=1e-6)


def test_a_conv_model_predicts_as_float64_numpy(on_torch):
    model = models.Sequential([layers.Input((8, 8, 3)), layers.Conv2D(4, 3, padding="same")])
    x = np.random.default_rng(2).standard_normal((2, 8, 8, 3)).astype(np.float32)
    kernel, bias = (np.asarray(w, np.float64) for w in model.get_weights())
    padded = np.pad(x.astype(np.float64), ((0, 0), (1, 1), (1, 1), (0, 0)))
    want = sum(np.einsum("bhwc,co->bhwo", padded[:, i:i + 8, j:j + 8], kernel[i, j])
               for i in range(3) for j in range(3)) + bias
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_a_conv_layer_adds_its_bias_inside_torchs_convolution(on_torch, monkeypatch, data_format):
    """``Conv2D`` calls ``ops.conv_bias``: the bias goes to torch's conv2d (no second pass over the
    output); a subclass with its own ``convolution_op`` still runs it, then adds the bias."""
    from dlx_torch.kernels import nn as torch_nn

    biases = []
    conv2d = torch_nn._CONV[2]

    def recording(x, w, b, *args):
        biases.append(b)
        return conv2d(x, w, b, *args)

    monkeypatch.setitem(torch_nn._CONV, 2, recording)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 6, 6, 3)).astype(np.float32)
    layer = layers.Conv2D(4, 3, data_format=data_format)
    layer.build((2, 3, 6, 6) if data_format == "channels_first" else x.shape)
    kernel = rng.standard_normal((3, 3, 3, 4)).astype(np.float32)
    bias = rng.standard_normal(4).astype(np.float32)
    layer.set_weights([kernel, bias])
    want = sum(np.einsum("bhwc,co->bhwo", x[:, i:i + 4, j:j + 4].astype(np.float64), kernel[i, j].astype(np.float64))
               for i in range(3) for j in range(3)) + bias
    feed = x.transpose(0, 3, 1, 2) if data_format == "channels_first" else x
    got = dlx.ops.convert_to_numpy(layer(feed))
    got = got.transpose(0, 2, 3, 1) if data_format == "channels_first" else got
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert len(biases) == 1 and biases[0] is not None

    class Doubled(layers.Conv2D):
        def convolution_op(self, inputs, kernel):
            return super().convolution_op(inputs, kernel * 2.0)

    biases.clear()
    doubled = Doubled(4, 3, data_format=data_format)
    doubled.build((2, 3, 6, 6) if data_format == "channels_first" else x.shape)
    doubled.set_weights([kernel, bias])
    got = dlx.ops.convert_to_numpy(doubled(feed))
    got = got.transpose(0, 2, 3, 1) if data_format == "channels_first" else got
    np.testing.assert_allclose(got, 2 * (want - bias) + bias, rtol=1e-5, atol=1e-5)
    assert biases == [None]
