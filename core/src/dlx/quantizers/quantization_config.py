"""Quantization configs: which quantizers ``Model.quantize`` / ``layer.quantize`` use."""

from __future__ import annotations

from dlx import serialization as _serialization
from dlx.quantizers.quantizers import AbsMaxQuantizer


def _ser(obj):
    return None if obj is None else _serialization.serialize(obj)


def _des(config):
    return None if config is None else _serialization.deserialize(config)


class QuantizationConfig:
    """Base class of quantization configs.

    Arguments:
        weight_quantizer: the quantizer of the weights (``None``: the layer's default).
        activation_quantizer: the quantizer of the inputs (``None``: inputs stay in float).
    """

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self) -> str:
        raise TypeError(f"{type(self).__name__} has no mode: use Int8QuantizationConfig (or another subclass)")

    def get_config(self) -> dict:
        return {"weight_quantizer": _ser(self.weight_quantizer),
                "activation_quantizer": _ser(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config: dict):
        return cls(weight_quantizer=_des(config.get("weight_quantizer")),
                   activation_quantizer=_des(config.get("activation_quantizer")))

    @staticmethod
    def weight_quantizer_or_default(config, default):
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config, default):
        return config.activation_quantizer if config is not None else default


class Int8QuantizationConfig(QuantizationConfig):
    """int8 weights times int8 activations (activation scales computed per call).

    Arguments:
        weight_quantizer: default ``AbsMaxQuantizer`` over the kernel's reduced axes.
        activation_quantizer: ``"default"``: ``AbsMaxQuantizer()`` over the last axis; ``None``:
            weight-only quantization.
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        if weight_quantizer is not None and weight_quantizer.output_dtype != "int8":
            raise ValueError("Int8QuantizationConfig: the weight_quantizer must have output_dtype='int8'; received "
                             f"{weight_quantizer.output_dtype!r}")

    @property
    def mode(self) -> str:
        return "int8"


def resolve(mode, config):
    """``(mode, config)`` checked: the mode follows the config when only that is given."""
    if isinstance(config, str):
        mode, config = config, None
    if config is not None and not isinstance(config, QuantizationConfig):
        raise ValueError(f"quantize: config={config!r} is not a dlx.quantizers.QuantizationConfig")
    if mode is None and config is not None:
        mode = config.mode
    if mode not in ("int8",):
        raise ValueError(f"quantize: mode={mode!r} is not supported by dlx; supported: 'int8' (int4, float8, "
                         "gptq, awq are not implemented)")
    if config is not None and config.mode != mode:
        raise ValueError(f"quantize: mode={mode!r} but config is for {config.mode!r}")
    return mode, (config if config is not None else Int8QuantizationConfig())


__all__ = ["Int8QuantizationConfig", "QuantizationConfig"]
