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

    Example:

    >>> from dlx import quantizers
    >>> config = quantizers.Int8QuantizationConfig(weight_quantizer=quantizers.AbsMaxQuantizer(axis=0))
    >>> config.mode, type(config.weight_quantizer).__name__
    ('int8', 'AbsMaxQuantizer')
    """

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self) -> str:
        raise TypeError(f"{type(self).__name__} has no mode: use Int8QuantizationConfig (or another subclass)")

    def get_config(self) -> dict:
        """The serialized weight and activation quantizers (``None`` for one not set).

        Returns:
            A dict for :meth:`from_config`.
        """
        return {"weight_quantizer": _ser(self.weight_quantizer),
                "activation_quantizer": _ser(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config: dict):
        """Creates a config from :meth:`get_config`'s output, deserializing its quantizers.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new config.
        """
        return cls(weight_quantizer=_des(config.get("weight_quantizer")),
                   activation_quantizer=_des(config.get("activation_quantizer")))

    @staticmethod
    def weight_quantizer_or_default(config, default):
        """The weight quantizer to use: ``config``'s own, or ``default`` when there is no config or it
        sets none.

        Arguments:
            config: a quantization config, or None.
            default: the layer's default weight quantizer.

        Returns:
            A quantizer.
        """
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config, default):
        """The activation quantizer to use: ``config``'s (which may be None: weight-only), or ``default``
        when there is no config.

        Arguments:
            config: a quantization config, or None.
            default: the layer's default activation quantizer.

        Returns:
            A quantizer, or None for float inputs.
        """
        return config.activation_quantizer if config is not None else default


class Int8QuantizationConfig(QuantizationConfig):
    """int8 weights times int8 activations (activation scales computed per call).

    Arguments:
        weight_quantizer: default ``AbsMaxQuantizer`` over the kernel's reduced axes.
        activation_quantizer: ``"default"``: ``AbsMaxQuantizer()`` over the last axis; ``None``:
            weight-only quantization.

    Example:

    >>> from dlx import layers, quantizers
    >>> dense = layers.Dense(4)
    >>> dense.build((None, 8))
    >>> dense.quantize(config=quantizers.Int8QuantizationConfig())
    >>> dense.dtype_policy
    <QuantizedDTypePolicy "int8_from_float32">
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


class Int4QuantizationConfig(QuantizationConfig):
    """int4 weights (two per byte), float activations by default.

    Arguments:
        weight_quantizer: per-channel only: an ``AbsMaxQuantizer`` with ``value_range=(-8, 7)`` and
            ``output_dtype="int8"`` (default: one over the kernel's reduced axes).
        activation_quantizer: ``"default"`` and ``None``: weight-only (inputs stay float); a
            quantizer quantizes the inputs (per-channel only).
        block_size: rows of the input dimension per group: a positive int quantizes each group
            asymmetrically with its own scale and zero point (``ceil(input_dim / block_size)``
            groups); ``None`` or ``-1``: per-channel symmetric, one scale per output unit.

    Example:

    >>> from dlx import layers, quantizers
    >>> dense = layers.Dense(4)
    >>> dense.build((None, 8))
    >>> dense.quantize(config=quantizers.Int4QuantizationConfig(block_size=4))
    >>> dense.dtype_policy
    <Int4DTypePolicy "int4/4_from_float32">
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default", block_size=128):
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = None
        super().__init__(weight_quantizer, activation_quantizer)
        if block_size is not None and block_size != -1 and (isinstance(block_size, bool)
                                                             or not isinstance(block_size, int) or block_size <= 0):
            raise ValueError(f"Int4QuantizationConfig: block_size={block_size!r}; expected None, -1 or a positive "
                             "int")
        self.block_size = block_size
        if block_size is not None and block_size > 0 and (weight_quantizer is not None
                                                          or activation_quantizer is not None):
            raise ValueError(f"Int4QuantizationConfig: block_size={block_size} (sub-channel) does not take custom "
                             "quantizers; pass block_size=None (or -1) for per-channel quantization, or drop the "
                             "quantizers")
        if weight_quantizer is not None:
            if tuple(getattr(weight_quantizer, "value_range", ())) != (-8, 7):
                raise ValueError("Int4QuantizationConfig: the weight_quantizer needs value_range=(-8, 7); received "
                                 f"{getattr(weight_quantizer, 'value_range', None)!r}")
            if weight_quantizer.output_dtype != "int8":
                raise ValueError("Int4QuantizationConfig: the weight_quantizer needs output_dtype='int8'; received "
                                 f"{weight_quantizer.output_dtype!r}")

    @property
    def mode(self) -> str:
        return "int4"

    def get_config(self) -> dict:
        """The base config plus ``block_size``.

        Returns:
            A dict for :meth:`from_config`.
        """
        return {**super().get_config(), "block_size": self.block_size}

    @classmethod
    def from_config(cls, config: dict):
        # files written before block_size existed were per-channel
        """Creates a config from :meth:`get_config`'s output; a config without ``block_size`` (written
        before it existed) is per-channel.

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new config.
        """
        return cls(weight_quantizer=_des(config.get("weight_quantizer")),
                   activation_quantizer=_des(config.get("activation_quantizer")),
                   block_size=config.get("block_size"))


class Float8QuantizationConfig(QuantizationConfig):
    """float8 training (delayed scaling with amax histories); it takes no quantizers.

    Example:

    >>> from dlx import quantizers
    >>> quantizers.Float8QuantizationConfig().mode
    'float8'
    """

    def __init__(self):
        super().__init__(None, None)

    @property
    def mode(self) -> str:
        return "float8"

    def get_config(self) -> dict:
        """The float8 config has no arguments.

        Returns:
            ``{}``.
        """
        return {}

    @classmethod
    def from_config(cls, config: dict):
        """Creates a float8 config (``config`` holds nothing to read).

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new config.
        """
        return cls()


_DEFAULTS = {"int8": Int8QuantizationConfig, "int4": Int4QuantizationConfig, "float8": Float8QuantizationConfig}


def block_size_for_layer(layer, config):
    """The int4 block size of ``layer``: from an :class:`Int4QuantizationConfig`, else from its
    ``Int4DTypePolicy``; ``None`` (per-channel) otherwise or for ``-1``."""
    if isinstance(config, Int4QuantizationConfig):
        size = config.block_size
    else:
        policy = layer.dtype_policy
        if hasattr(policy, "default_policy") and hasattr(policy, "__getitem__"):  # a DTypePolicyMap
            policy = policy[layer.path]
        size = getattr(policy, "block_size", None)
    return None if size == -1 else size


def resolve(mode, config):
    """``(mode, config)`` checked: the mode follows the config when only that is given."""
    if isinstance(config, str):
        mode, config = config, None
    if config is not None and not isinstance(config, QuantizationConfig):
        raise ValueError(f"quantize: config={config!r} is not a dlx.quantizers.QuantizationConfig")
    if mode is None and config is not None:
        mode = config.mode
    if mode is None:
        raise ValueError("quantize: pass a mode ('int8', 'int4', 'float8', 'gptq', 'awq') or a config")
    if mode in ("gptq", "awq") and config is None:
        raise ValueError(f"quantize: mode={mode!r} needs a config: pass config=dlx.quantizers."
                         f"{mode.upper()}Config(dataset=..., tokenizer=...)")
    if mode not in _DEFAULTS and mode not in ("gptq", "awq"):
        raise ValueError(f"quantize: mode={mode!r} is not supported by dlx; supported: "
                         f"{sorted([*_DEFAULTS, 'gptq', 'awq'])}")
    if config is not None and config.mode != mode:
        raise ValueError(f"quantize: mode={mode!r} but config is for {config.mode!r}")
    return mode, (config if config is not None else _DEFAULTS[mode]())


__all__ = ["Float8QuantizationConfig", "Int4QuantizationConfig", "Int8QuantizationConfig", "QuantizationConfig"]
