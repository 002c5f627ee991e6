"""Quantizers and quantization configs (Keras's ``keras.quantizers``)."""

from __future__ import annotations

import inspect

from dlx import serialization as _serialization
from dlx.quantizers.float8 import (
    compute_float8_amax_history,
    compute_float8_scale,
    fake_quant_with_min_max_vars,
    quantize_and_dequantize,
)
from dlx.quantizers.gptq_config import AWQConfig, GPTQConfig
from dlx.quantizers.int4 import abs_max_quantize_grouped_with_zero_point, pack_int4, unpack_int4
from dlx.quantizers.quantization_config import (
    Float8QuantizationConfig,
    Int4QuantizationConfig,
    Int8QuantizationConfig,
    QuantizationConfig,
)
from dlx.quantizers.quantizers import AbsMaxQuantizer, Quantizer, abs_max_quantize

_OBJECTS = {c.__name__: c for c in (Quantizer, AbsMaxQuantizer, QuantizationConfig, Int8QuantizationConfig,
                                    Int4QuantizationConfig, Float8QuantizationConfig, GPTQConfig, AWQConfig)}
_OBJECTS.update({"quantizer": Quantizer, "abs_max_quantizer": AbsMaxQuantizer})


def serialize(initializer):
    """A quantizer or config as a JSON-compatible dict.

    Arguments:
        initializer: the quantizer or quantization config to serialize (the name is Keras's).

    Returns:
        A dict with ``"module"``, ``"class_name"``, ``"config"`` and ``"registered_name"``.

    Example:

    >>> from dlx import quantizers
    >>> quantizers.serialize(quantizers.AbsMaxQuantizer(axis=-1))["config"]
    {'value_range': (-127, 127), 'epsilon': 1e-07, 'output_dtype': 'int8', 'axis': (-1,)}
    """
    return _serialization.serialize(initializer)


def deserialize(config, custom_objects=None):
    """A quantizer or config from :func:`serialize`'s dict.

    Arguments:
        config: the serialized dict.
        custom_objects: an optional dict of name -> class for unregistered custom classes.

    Returns:
        The quantizer or config.

    Example:

    >>> from dlx import quantizers
    >>> config = quantizers.serialize(quantizers.AbsMaxQuantizer(axis=-1))
    >>> quantizers.deserialize(config).axis
    (-1,)
    """
    # dlx's own classes resolve by class name alone, as Keras's do (a config without "module")
    return _serialization.deserialize(config, custom_objects={**_OBJECTS, **(custom_objects or {})})


def get(identifier, **kwargs):
    """A quantizer from a name, a config dict or an instance (``None`` gives ``None``).

    Arguments:
        identifier: a class name (``"AbsMaxQuantizer"``, ``"Int8QuantizationConfig"``...) or
            ``"quantizer"`` / ``"abs_max_quantizer"``, a serialized dict, a class, a quantizer
            or quantization config instance, or ``None``.
        **kwargs: the constructor arguments when ``identifier`` resolves to a class.

    Returns:
        The quantizer or quantization config, or ``None``.

    Raises:
        ValueError: for an unknown name, or an object that is neither callable nor a
            quantization config.

    Example:

    >>> from dlx import quantizers
    >>> type(quantizers.get("abs_max_quantizer")).__name__
    'AbsMaxQuantizer'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _OBJECTS.get(identifier)
        if obj is None:
            raise ValueError(f"quantizers.get: unknown quantizer {identifier!r}; known: {sorted(_OBJECTS)}")
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj(**kwargs)
    if not callable(obj) and not isinstance(obj, QuantizationConfig):
        raise ValueError(f"quantizers.get: could not interpret {identifier!r} as a quantizer")
    return obj


__all__ = ["AWQConfig", "AbsMaxQuantizer", "Float8QuantizationConfig", "GPTQConfig", "Int4QuantizationConfig",
           "Int8QuantizationConfig", "QuantizationConfig", "Quantizer", "abs_max_quantize",
           "abs_max_quantize_grouped_with_zero_point", "compute_float8_amax_history", "compute_float8_scale",
           "deserialize", "fake_quant_with_min_max_vars", "get", "pack_int4", "quantize_and_dequantize", "serialize",
           "unpack_int4"]
