"""int4 quantization of Dense, EinsumDense and Embedding (Keras 3's layout and numerics).

The weight is seen as a 2-D ``(rows, columns)`` matrix: Dense's kernel as is, EinsumDense's
kernel reshaped to (product of the contracted axes, product of the others), Embedding's table
as is. Its 4-bit values are packed two per byte along the columns (``pack_int4(axis=-1)``) into
an int8 variable named like the float weight. Two schemes:

- per-channel (``block_size`` None / -1): symmetric abs-max to ``[-8, 7]``, one scale per column
  (Dense / EinsumDense: over the contracted rows) or per row (Embedding);
- sub-channel (``block_size`` > 0): asymmetric, a scale and an int8 zero point per group of
  ``block_size`` rows (per group of columns for Embedding), plus ``g_idx``: each row's (column's)
  group as float32.

The forward pass follows Keras's operation order: per-channel Dense contracts the integer
values and divides by the scale (after quantizing the inputs when the config has an activation
quantizer); the other cases dequantize the weight first.
"""

from __future__ import annotations

import math

import numpy as np

from dlx import ops
from dlx.quantizers import int4 as _int4
from dlx.quantizers import quantization_config as _qconfig
from dlx.quantizers.quantizers import AbsMaxQuantizer, fake_abs_max_quantize

INT4_RANGE = (-8, 7)


def _by_rows(layer) -> bool:
    """Embedding scales rows (one per token); Dense / EinsumDense scale columns (output units)."""
    return layer._weight_name == "embeddings"


def flat_shape(layer, shape) -> tuple[int, int]:
    """The 2-D ``(rows, columns)`` view of a weight of ``shape``."""
    reduced = layer._int4_reduced_axes(shape)
    rows = math.prod(d for i, d in enumerate(shape) if i in reduced)
    return rows, math.prod(d for i, d in enumerate(shape) if i not in reduced)


def build(layer, shape, block_size) -> None:
    """Creates the packed weight, its scale and (sub-channel) zero point and ``g_idx``."""
    rows, cols = flat_shape(layer, shape)
    name = layer._weight_name
    layer._int4_block_size = block_size
    layer._int4_shape = tuple(shape)
    setattr(layer, "_" + name, layer.add_weight(shape=(rows, (cols + 1) // 2), initializer="zeros", dtype="int8",
                                                trainable=False, name=name))
    by_rows = _by_rows(layer)
    if block_size is None:
        scale_shape = (rows,) if by_rows else (cols,)
    else:
        scale_shape = (rows, math.ceil(cols / block_size)) if by_rows else (math.ceil(rows / block_size), cols)
    setattr(layer, layer._scale_name, layer.add_weight(shape=scale_shape, initializer="ones", trainable=False,
                                                       name=layer._scale_name))
    if block_size is not None:
        setattr(layer, f"{name}_zero", layer.add_weight(shape=scale_shape, initializer="zeros", dtype="int8",
                                                        trainable=False, name=f"{name}_zero"))
        n = cols if by_rows else rows
        layer.g_idx = layer.add_weight(shape=(n,), initializer="zeros", dtype="float32", trainable=False,
                                       name="g_idx")
        layer.g_idx.assign(np.floor_divide(np.arange(n, dtype="float32"), block_size))


def quantize_values(layer, value, config, block_size):
    """``(packed, scale, zero or None)`` of a float weight ``value``."""
    w = np.asarray(ops.convert_to_numpy(value))
    w = w.reshape(flat_shape(layer, w.shape))
    by_rows = _by_rows(layer)
    if block_size is None:
        default = AbsMaxQuantizer(axis=-1 if by_rows else 0, value_range=INT4_RANGE, output_dtype="int8")
        quantizer = _qconfig.QuantizationConfig.weight_quantizer_or_default(config, default)
        q, scale = quantizer(w, to_numpy=True)
        q, scale, zero = ops.convert_to_numpy(q), np.squeeze(ops.convert_to_numpy(scale), -1 if by_rows else 0), None
    elif by_rows:
        q, scale, zero = (np.asarray(ops.convert_to_numpy(t)).T for t in _int4.abs_max_quantize_grouped_with_zero_point(
            w.T, block_size, INT4_RANGE, "int8", to_numpy=True))
    else:
        q, scale, zero = (np.asarray(ops.convert_to_numpy(t)) for t in _int4.abs_max_quantize_grouped_with_zero_point(
            w, block_size, INT4_RANGE, "int8", to_numpy=True))
    packed, _, _ = _int4.pack_int4(np.ascontiguousarray(q).astype("int8"), axis=-1)
    return packed, scale, zero


def assign(layer, packed, scale, zero) -> None:
    getattr(layer, "_" + layer._weight_name).assign(packed)
    getattr(layer, layer._scale_name).assign(scale)
    if zero is not None:
        getattr(layer, f"{layer._weight_name}_zero").assign(zero)


def unpacked(layer):
    """The int4 values as an int8 ``(rows, columns)`` tensor."""
    return _int4.unpack_int4(getattr(layer, "_" + layer._weight_name), flat_shape(layer, layer._int4_shape)[1],
                             axis=-1)


def dequantize(layer, q=None):
    """The float weight (in its original shape, compute dtype)."""
    q = unpacked(layer) if q is None else q
    scale = getattr(layer, layer._scale_name)
    by_rows = _by_rows(layer)
    if layer._int4_block_size is None:
        s = ops.expand_dims(scale, -1) if by_rows else scale
        w = ops.divide(ops.cast(q, layer.compute_dtype), s)
    else:
        zero = getattr(layer, f"{layer._weight_name}_zero")
        w = ops.cast(_int4.dequantize_grouped(q, scale, zero, layer.g_idx, group_axis=-1 if by_rows else 0),
                     layer.compute_dtype)
    return ops.reshape(w, layer._int4_shape)


def dense_call(layer, inputs):
    """Dense's int4 output before bias and activation."""
    if layer._int4_block_size is not None:
        return ops.matmul(inputs, dequantize(layer))
    q = ops.cast(unpacked(layer), layer.compute_dtype)
    scale = layer.kernel_scale
    quantizer = _qconfig.QuantizationConfig.activation_quantizer_or_default(layer.quantization_config, None)
    if quantizer is not None:
        q_in, in_scale = fake_abs_max_quantize(inputs, -1, quantizer.value_range, quantizer.epsilon)
        x = ops.divide(ops.matmul(ops.stop_gradient(q_in), q), ops.multiply(scale, in_scale))
        # straight-through: the inputs' gradient through the dequantized kernel (adds zero)
        return ops.add(x, ops.matmul(ops.subtract(inputs, ops.stop_gradient(inputs)), ops.divide(q, scale)))
    return ops.divide(ops.matmul(inputs, q), scale)


def einsum_call(layer, inputs):
    """EinsumDense's int4 output before bias and activation."""
    quantizer = _qconfig.QuantizationConfig.activation_quantizer_or_default(layer.quantization_config, None)
    kernel = dequantize(layer)
    if quantizer is not None and layer._int4_block_size is None:
        from dlx.layers.quantized import _to_output_layout

        layout = layer._layout()["input"]
        q_in, in_scale = fake_abs_max_quantize(inputs, layout[0], quantizer.value_range, quantizer.epsilon)
        x = ops.divide(ops.einsum(layer.equation, ops.stop_gradient(q_in), kernel),
                       _to_output_layout(in_scale, layout))
        return ops.add(x, ops.einsum(layer.equation, ops.subtract(inputs, ops.stop_gradient(inputs)), kernel))
    return ops.einsum(layer.equation, inputs, kernel)


def embedding_call(layer, inputs):
    """Embedding's int4 lookup."""
    rows = ops.take(unpacked(layer), inputs, axis=0)
    scale = ops.take(layer.embeddings_scale, inputs, axis=0)
    if layer._int4_block_size is None:
        return ops.divide(ops.cast(rows, layer.compute_dtype), ops.expand_dims(scale, -1))
    zero = ops.take(layer.embeddings_zero, inputs, axis=0)
    return ops.cast(_int4.dequantize_grouped(ops.cast(rows, layer.compute_dtype), scale, zero, layer.g_idx,
                                             group_axis=-1), layer.compute_dtype)


__all__ = ["assign", "build", "dense_call", "dequantize", "einsum_call", "embedding_call", "flat_shape",
           "quantize_values", "unpacked"]
