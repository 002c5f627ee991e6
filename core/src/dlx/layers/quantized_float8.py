"""float8 training of Dense and EinsumDense (Keras 3's delayed-scaling scheme).

A float8 layer keeps its float kernel and adds, for its inputs, its kernel and its output
gradient, a scale and an amax history (float32, ``amax_history_length`` long). The forward pass
quantizes-dequantizes the inputs and the kernel to ``float8_e4m3fn`` with their current scales;
the backward pass quantizes-dequantizes the output gradient to ``float8_e5m2``. The scale and
history variables are marked ``overwrite_with_gradient``: their "gradient" is their next value
(``compute_float8_scale`` from the history's maximum, ``compute_float8_amax_history`` of the
tensor seen), which the optimizer assigns instead of an update.
"""

from __future__ import annotations

from dlx import ops
from dlx.quantizers import float8 as _f8

NAMES = ("inputs", "kernel", "outputs_grad")
E4M3, E5M2 = "float8_e4m3fn", "float8_e5m2"


def build(layer) -> None:
    """Adds the six scale / amax-history variables (Keras's names and order)."""
    length = getattr(layer.dtype_policy, "amax_history_length", 1024)
    common = {"dtype": "float32", "trainable": True, "autocast": False, "overwrite_with_gradient": True}
    for name in NAMES:
        setattr(layer, f"{name}_scale", layer.add_weight(shape=(), initializer="ones", name=f"{name}_scale",
                                                         **common))
        setattr(layer, f"{name}_amax_history", layer.add_weight(shape=(length,), initializer="zeros",
                                                                name=f"{name}_amax_history", **common))


def _qdq_forward(layer, training):
    if not training:  # inference: the scales stay; a straight-through gradient for the inputs
        def qdq_fixed(x, scale, history):
            out = _f8.quantize_and_dequantize(x, ops.stop_gradient(scale), E4M3, layer.compute_dtype)
            return ops.add(x, ops.stop_gradient(ops.subtract(out, x)))

        return qdq_fixed

    @ops.custom_gradient
    def qdq(x, scale, history):
        out = _f8.quantize_and_dequantize(x, scale, E4M3, layer.compute_dtype)

        def grad(upstream):
            new_scale = _f8.compute_float8_scale(ops.max(history, axis=0), scale, _f8.float8_max(E4M3))
            return upstream, new_scale, _f8.compute_float8_amax_history(x, history)

        return out, grad

    return qdq


def _qdq_backward(layer):
    @ops.custom_gradient
    def qdq(x, scale, history):
        def grad(upstream):
            new_scale = _f8.compute_float8_scale(ops.max(history, axis=0), scale, _f8.float8_max(E5M2))
            return (_f8.quantize_and_dequantize(upstream, scale, E5M2, layer.compute_dtype), new_scale,
                    _f8.compute_float8_amax_history(upstream, history))

        return ops.add(x, 0.0), grad

    return qdq


def _through_bfloat16(x):
    """``x`` rounded to bfloat16 and back; its gradient rounded the same way (what autodiff of the
    two casts gives, written out because not every backend differentiates casts)."""
    @ops.custom_gradient
    def rounded(x):
        def grad(upstream):
            return ops.cast(ops.cast(upstream, "bfloat16"), ops.dtype(upstream))

        return ops.cast(ops.cast(x, "bfloat16"), ops.dtype(x)), grad

    return rounded(x)


def _value(v):
    return v.value if hasattr(v, "value") else v


def contract(layer, inputs, training, contraction):
    """``contraction(qdq(inputs), qdq(kernel))`` with the output gradient quantized on the way
    back, plus the bias (rounded through bfloat16 in float32, as Keras does for XLA's fusion)."""
    if layer.lora_enabled:
        raise ValueError(f"{type(layer).__name__} '{layer.name}': float8 layers do not support LoRA (as in Keras)")
    fwd = _qdq_forward(layer, training)
    x = contraction(fwd(inputs, _value(layer.inputs_scale), _value(layer.inputs_amax_history)),
                    fwd(_value(layer._kernel), _value(layer.kernel_scale), _value(layer.kernel_amax_history)))
    if training:
        x = _qdq_backward(layer)(x, _value(layer.outputs_grad_scale), _value(layer.outputs_grad_amax_history))
    if layer.bias is not None:
        bias = layer.bias
        if layer.dtype_policy.compute_dtype == "float32":
            bias = (_through_bfloat16(_value(bias)) if training
                    else ops.cast(ops.cast(bias, "bfloat16"), ops.dtype(bias)))
        x = ops.add(x, bias)
    return x


__all__ = ["NAMES", "build", "contract"]
