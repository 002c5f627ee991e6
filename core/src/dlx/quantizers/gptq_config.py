"""Configs of the calibrated quantization modes: ``GPTQConfig`` and ``AWQConfig`` (Keras 3's
``keras.quantizers``).

Both carry the calibration data (``dataset`` with an optional ``tokenizer``) and the model's
quantization structure: ``{"pre_block_layers": [...], "sequential_blocks": [...]}`` (or the
model's ``get_quantization_layer_structure(mode)``). The data, the tokenizer and the structure are
used once, by ``Model.quantize``; ``get_config`` writes them as ``None``.
"""

from __future__ import annotations

from dlx.quantizers.quantization_config import QuantizationConfig


def _positive_int(cls, name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{cls}: {name}={value!r}; expected a positive integer")


def _group_size(cls, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < -1 or value == 0:
        raise ValueError(f"{cls}: group_size={value!r}; expected -1 (one group per output channel) or a positive "
                         "integer")


class _CalibratedConfig(QuantizationConfig):
    """What GPTQ and AWQ configs share: the calibration data and the layer structure."""

    def __init__(self, dataset, tokenizer, weight_bits, num_samples, sequence_length, group_size,
                 quantization_layer_structure):
        super().__init__(None, None)
        cls = type(self).__name__
        _positive_int(cls, "num_samples", num_samples)
        _positive_int(cls, "sequence_length", sequence_length)
        _group_size(cls, group_size)
        if quantization_layer_structure is not None and not isinstance(quantization_layer_structure, dict):
            raise ValueError(f"{cls}: quantization_layer_structure must be a dict with 'pre_block_layers' and "
                             f"'sequential_blocks'; received {type(quantization_layer_structure).__name__}")
        self.dataset = dataset
        self.tokenizer = tokenizer
        self.weight_bits = weight_bits
        self.num_samples = num_samples
        self.sequence_length = sequence_length
        self.group_size = group_size
        self.quantization_layer_structure = quantization_layer_structure

    def dtype_policy_string(self) -> str:
        """The quantized policy's mode, ``"<mode>/<weight_bits>/<group_size>"``."""
        return f"{self.mode}/{self.weight_bits}/{self.group_size}"

    def get_config(self) -> dict:
        return {"dataset": None, "tokenizer": None, "weight_bits": self.weight_bits, "num_samples": self.num_samples,
                "sequence_length": self.sequence_length, "group_size": self.group_size,
                "quantization_layer_structure": None}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if isinstance(config.get("quantization_layer_structure"), dict):
            # Keras writes the structure's layers as nested configs; they are calibration-time only
            config["quantization_layer_structure"] = None
        return cls(**config)


class GPTQConfig(_CalibratedConfig):
    """GPTQ: each layer's weight is quantized column by column, the rounding error of a column
    being spread over the columns not yet quantized through the inverse of the layer's input
    Hessian ``H = 2/N X^T X`` (collected on the calibration data, block by block).

    Arguments:
        dataset: calibration data: an iterable of strings (tokenized by ``tokenizer``) or of
            token-id arrays, or an array of token ids.
        tokenizer: a callable or an object with ``tokenize`` turning a string into token ids
            (needed only when ``dataset`` holds strings).
        weight_bits: 2, 3, 4 or 8 (4-bit values are packed two per byte).
        num_samples: calibration windows drawn from the token stream.
        per_channel: one scale / zero point per output unit (and group); ``False``: one per
            tensor (per group).
        sequence_length: tokens per window.
        hessian_damping: fraction of the Hessian's mean diagonal added to its diagonal, in
            ``[0, 1]``.
        group_size: input rows per scale / zero point; ``-1``: one group.
        symmetric: a fixed mid-range zero point instead of one fitted to each group's range.
        activation_order: quantize the input rows in decreasing order of the Hessian diagonal.
        quantization_layer_structure: ``{"pre_block_layers": [...], "sequential_blocks": [...]}``
            (default: the model's ``get_quantization_layer_structure("gptq")``).

    Example:

    >>> import numpy as np
    >>> from dlx import quantizers
    >>> def tokenizer(text):  # a stand-in: real use passes the model's tokenizer
    ...     return np.array([[1, 2, 3]])
    >>> config = quantizers.GPTQConfig(dataset=["some calibration text"], tokenizer=tokenizer,
    ...                                weight_bits=4, group_size=64)
    >>> config.mode, config.weight_bits, config.group_size
    ('gptq', 4, 64)
    """

    def __init__(self, dataset, tokenizer, *, weight_bits: int = 4, num_samples: int = 128, per_channel: bool = True,
                 sequence_length: int = 512, hessian_damping: float = 0.01, group_size: int = 128,
                 symmetric: bool = False, activation_order: bool = False,
                 quantization_layer_structure: dict | None = None):
        if weight_bits not in (2, 3, 4, 8) or isinstance(weight_bits, bool):
            raise ValueError(f"GPTQConfig: weight_bits={weight_bits!r}; expected 2, 3, 4 or 8")
        if not isinstance(hessian_damping, (int, float)) or not 0 <= hessian_damping <= 1:
            raise ValueError(f"GPTQConfig: hessian_damping={hessian_damping!r}; expected a number in [0, 1]")
        super().__init__(dataset, tokenizer, weight_bits, num_samples, sequence_length, group_size,
                         quantization_layer_structure)
        self.per_channel = bool(per_channel)
        self.hessian_damping = float(hessian_damping)
        self.symmetric = bool(symmetric)
        self.activation_order = bool(activation_order)

    @property
    def mode(self) -> str:
        return "gptq"

    def get_config(self) -> dict:
        return {**super().get_config(), "per_channel": self.per_channel, "hessian_damping": self.hessian_damping,
                "symmetric": self.symmetric, "activation_order": self.activation_order}


class AWQConfig(_CalibratedConfig):
    """AWQ: each input channel of a layer's weight is multiplied by ``s = m ** r`` (``m``: the
    channel's largest absolute activation on the calibration data, ``r`` searched on a grid in
    ``[0, 1]`` for the least activation-weighted error) before asymmetric 4-bit quantization; the
    layer divides by ``s`` again when it dequantizes.

    Arguments:
        dataset, tokenizer, num_samples, sequence_length, group_size, quantization_layer_structure: as
            :class:`GPTQConfig`.
        weight_bits: 4 (the only width AWQ supports).
        num_grid_points: grid steps of the exponent ``r`` (``num_grid_points + 1`` candidates).

    Example:

    >>> import numpy as np
    >>> from dlx import quantizers
    >>> def tokenizer(text):  # a stand-in: real use passes the model's tokenizer
    ...     return np.array([[1, 2, 3]])
    >>> config = quantizers.AWQConfig(dataset=["some calibration text"], tokenizer=tokenizer)
    >>> config.mode, config.weight_bits, config.group_size, config.num_grid_points
    ('awq', 4, 128, 20)
    """

    def __init__(self, dataset, tokenizer, *, weight_bits: int = 4, num_samples: int = 128, sequence_length: int = 512,
                 group_size: int = 128, num_grid_points: int = 20, quantization_layer_structure: dict | None = None):
        if weight_bits != 4 or isinstance(weight_bits, bool):
            raise ValueError(f"AWQConfig: weight_bits={weight_bits!r}; AWQ supports 4-bit quantization only")
        _positive_int("AWQConfig", "num_grid_points", num_grid_points)
        super().__init__(dataset, tokenizer, weight_bits, num_samples, sequence_length, group_size,
                         quantization_layer_structure)
        self.num_grid_points = num_grid_points

    @property
    def mode(self) -> str:
        return "awq"

    def get_config(self) -> dict:
        return {**super().get_config(), "num_grid_points": self.num_grid_points}


__all__ = ["AWQConfig", "GPTQConfig"]
