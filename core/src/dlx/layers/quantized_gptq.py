"""GPTQ and AWQ layers: Dense and EinsumDense in Keras 3's layout.

The kernel is seen as a 2-D ``(rows, columns)`` matrix: Dense's as is, EinsumDense's reshaped to
(product of the contracted axes, product of the others); the contracted axes must lead the kernel
spec (as in every Keras projection, e.g. ``"abc,cde->abde"`` and ``"abcd,cde->abe"``). Variables,
as Keras names and shapes them:

- ``kernel``: uint8 codes of the transposed matrix, ``(columns, rows)``; 4-bit codes are packed
  two per byte along the columns (``((columns + 1) // 2, rows)``);
- ``kernel_scale`` (float) and ``kernel_zero`` (uint8; EinsumDense names it ``zero_point``):
  ``(columns, groups)``; ``g_idx`` (float32, ``(rows,)``): each row's group;
- AWQ only: ``awq_scales`` (float, ``(rows,)``), divided out of the dequantized rows.

``quantize("gptq" | "awq")`` adds these and keeps the float kernel until the model's calibration
(``Model.quantize``) fills them; an uncalibrated layer computes with its float kernel. The forward
pass dequantizes ``scale[:, g] * (code - zero[:, g])`` (``g = int(g_idx)``) and contracts.
"""

from __future__ import annotations

import math

import numpy as np

from dlx import dtype_policies, ops
from dlx.layers.scope import name_scope
from dlx.quantizers import int4 as _int4
from dlx.quantizers.gptq_config import AWQConfig, GPTQConfig

_CONFIGS = {"gptq": GPTQConfig, "awq": AWQConfig}


def bits_and_group(layer, config):
    """``(weight_bits, group_size)`` from a GPTQ / AWQ config, else from the layer's policy."""
    mode = layer.quantization_mode if config is None else config.mode
    if isinstance(config, _CONFIGS.get(mode, ())):
        return config.weight_bits, config.group_size
    policy = layer.dtype_policy
    if hasattr(policy, "default_policy") and hasattr(policy, "__getitem__"):  # a DTypePolicyMap
        policy = policy[layer.path]
    if isinstance(policy, (dtype_policies.GPTQDTypePolicy, dtype_policies.AWQDTypePolicy)):
        return policy.weight_bits, policy.group_size
    raise ValueError(f"{type(layer).__name__} '{layer.name}': {mode} needs its weight_bits and group_size from a "
                     f"{mode.upper()}Config or a {mode.upper()}DTypePolicy; got config={config!r} and policy "
                     f"{policy!r}")


def _specs(layer):
    """EinsumDense's ``(input spec, kernel spec, output spec)`` (``"..."`` kept)."""
    lhs, out = layer.equation.split("->")
    inp, ker = lhs.split(",")
    return inp, ker, out


def matrix_shape(layer, kernel_shape) -> tuple[int, int]:
    """The ``(rows, columns)`` view of a kernel of ``kernel_shape``."""
    if layer._weight_name != "kernel" or not hasattr(layer, "equation"):
        return int(kernel_shape[0]), int(kernel_shape[1])
    _, ker, out = _specs(layer)
    contracted = [c for c in ker if c not in out]
    if ker[:len(contracted)] != "".join(contracted) or not contracted:
        raise ValueError(f"EinsumDense '{layer.name}': GPTQ / AWQ need the contracted axes first in the kernel spec "
                         f"(as in 'abc,cd->abd' or 'abcd,cde->abe'); equation {layer.equation!r} has kernel spec "
                         f"{ker!r}")
    rows = math.prod(kernel_shape[:len(contracted)])
    return int(rows), int(math.prod(kernel_shape[len(contracted):]))


def inputs_2d(layer, inputs):
    """The layer's inputs as ``(tokens, rows)``: the contracted axes last, in kernel order."""
    if not hasattr(layer, "equation"):
        return ops.reshape(inputs, (-1, int(inputs.shape[-1])))
    inp, ker, out = _specs(layer)
    contracted = [c for c in ker if c not in out]
    ndim = len(inputs.shape)
    if "..." in inp:
        before, after = inp.split("...")
        axes = {c: i for i, c in enumerate(before)}
        axes.update({c: ndim - len(after) + i for i, c in enumerate(after)})
    else:
        axes = {c: i for i, c in enumerate(inp)}
    moved = [axes[c] for c in contracted]
    order = [i for i in range(ndim) if i not in moved] + moved
    x = ops.transpose(inputs, order) if order != list(range(ndim)) else inputs
    return ops.reshape(x, (-1, matrix_shape(layer, tuple(layer._kernel_shape))[0]))


def build(layer, kernel_shape, config, mode) -> None:
    """Creates the quantized variables (zeros: filled by calibration or loading)."""
    bits, group = bits_and_group(layer, config)
    rows, cols = matrix_shape(layer, kernel_shape)
    groups = 1 if group == -1 else math.ceil(rows / group)
    layer._kernel_shape = tuple(int(d) for d in kernel_shape)
    layer._gptq_bits = bits
    setattr(layer, f"is_{mode}_calibrated", False)
    if hasattr(layer, "equation") and mode == "gptq":
        layer.gptq_unpacked_column_size = cols
    packed_cols = (cols + 1) // 2 if bits == 4 else cols
    layer.quantized_kernel = layer.add_weight(shape=(packed_cols, rows), initializer="zeros", dtype="uint8",
                                              trainable=False, name="kernel")
    layer.kernel_scale = layer.add_weight(shape=(cols, groups), initializer="ones", trainable=False,
                                          name="kernel_scale")
    zero_name = "zero_point" if hasattr(layer, "equation") else "kernel_zero"
    layer.kernel_zero = layer.add_weight(shape=(cols, groups), initializer="zeros", dtype="uint8", trainable=False,
                                         name=zero_name)
    if mode == "awq":
        layer.awq_scales = layer.add_weight(shape=(rows,), initializer="ones", trainable=False, name="awq_scales")
    layer.g_idx = layer.add_weight(shape=(rows,), initializer="zeros", dtype="float32", trainable=False, name="g_idx")


def calibrated(layer) -> bool:
    return bool(getattr(layer, f"is_{layer.quantization_mode}_calibrated", False))


def codes(layer):
    """The unpacked uint8 codes, ``(columns, rows)`` (Keras's ``kernel`` of a calibrated layer)."""
    cols = matrix_shape(layer, layer._kernel_shape)[1]
    if layer._gptq_bits == 4:
        return _int4.unpack_int4(layer.quantized_kernel, cols, axis=0, dtype="uint8")
    return layer.quantized_kernel.value


def dequantized_kernel(layer):
    """The float kernel the quantized variables stand for, in the kernel's shape."""
    g = ops.cast(layer.g_idx, "int32")
    scale = ops.take(layer.kernel_scale, g, axis=1)
    zero = ops.cast(ops.take(layer.kernel_zero, g, axis=1), ops.dtype(scale))
    w = ops.transpose(ops.multiply(ops.subtract(ops.cast(codes(layer), ops.dtype(scale)), zero), scale))
    if layer.quantization_mode == "awq":
        w = ops.divide(w, ops.expand_dims(layer.awq_scales, -1))
    return ops.cast(ops.reshape(w, layer._kernel_shape), layer.compute_dtype)


def contract(layer, inputs):
    """The layer's output before bias and activation. A quantized layer not yet calibrated uses
    its float kernel and hands its inputs to the calibration statistics when a calibration runs."""
    if calibrated(layer) or getattr(layer, "_kernel", None) is None:  # built from a config: loading fills it
        kernel = dequantized_kernel(layer)
    else:
        stats = getattr(layer, "_calibration_stats", None)
        if stats is not None:
            stats.update(inputs_2d(layer, inputs))
        kernel = layer._kernel
    return layer._float_contraction(inputs, kernel)


def assign(layer, q, scale, zero, g_idx, awq_scales=None) -> None:
    """Stores a solved layer (``q``: int codes ``(columns, rows)``) and drops the float kernel."""
    q = np.asarray(q).astype("uint8")
    if layer._gptq_bits == 4:
        q = ops.convert_to_numpy(_int4.pack_int4(q, axis=0, dtype="uint8")[0])
    layer.quantized_kernel.assign(q)
    layer.kernel_scale.assign(np.asarray(scale, "float32"))
    layer.kernel_zero.assign(np.asarray(zero).astype("uint8"))
    layer.g_idx.assign(np.asarray(g_idx, "float32"))
    if awq_scales is not None:
        layer.awq_scales.assign(np.asarray(awq_scales, "float32"))
    drop_float_kernel(layer)


def drop_float_kernel(layer) -> None:
    old = getattr(layer, "_kernel", None)
    if old is not None:
        layer._untrack_variable(old)
        del layer._kernel
    setattr(layer, f"is_{layer.quantization_mode}_calibrated", True)


def quantize_layer(layer, mode, config) -> None:
    """``layer.quantize("gptq" | "awq", config=...)``: the quantized variables next to the float
    kernel, and the quantized policy."""
    if not isinstance(config, _CONFIGS[mode]):
        raise ValueError(f"quantize: mode={mode!r} needs a dlx.quantizers.{_CONFIGS[mode].__name__} config; "
                         f"received {config!r}")
    if layer.lora_enabled:
        raise ValueError(f"{type(layer).__name__} '{layer.name}': {mode} quantization does not support LoRA (as in "
                         "Keras); quantize a layer without LoRA")
    layer.quantization_config = config
    policy = dtype_policies.get(f"{config.dtype_policy_string()}_from_{layer.dtype_policy.name}")
    shape = tuple(layer._kernel.shape)
    layer.dtype_policy = policy
    path = getattr(layer, "_path", "") or ""
    parent = path.rsplit("/", 1)[0] if "/" in path else "/"
    with name_scope(layer.name, caller=layer, override_parent=parent):  # the variables' paths as when built
        build(layer, shape, config, mode)


__all__ = ["assign", "bits_and_group", "build", "calibrated", "codes", "contract", "dequantized_kernel",
           "drop_float_kernel", "inputs_2d", "matrix_shape", "quantize_layer"]
