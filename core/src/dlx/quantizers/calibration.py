"""Calibration of GPTQ / AWQ (``Model.quantize("gptq" | "awq", config=...)``), as Keras 3 runs it.

1. The dataset becomes ``num_samples`` windows of ``sequence_length`` token ids
   (:func:`get_dataloader`), each ``(1, sequence_length)`` int32.
2. The windows go through the structure's ``pre_block_layers``; then block by block: every
   selected Dense / EinsumDense of the block collects statistics of its inputs while the block
   runs on each window (GPTQ: the running Hessian ``2/N X^T X``; AWQ: each input channel's
   largest absolute value), is solved (:mod:`dlx.quantizers.gptq`) and switches to its quantized
   weights; the block's outputs, now computed with the quantized layers, feed the next block.

The statistics are accumulated on the backend; the solve runs on the host.
"""

from __future__ import annotations

import math

import numpy as np

from dlx import ops
from dlx.quantizers import gptq as _gptq


def _tokenize(tokenizer, text):
    if tokenizer is None:
        raise ValueError("quantize: the calibration dataset holds strings but the config's tokenizer is None; pass "
                         "a tokenizer (a callable or an object with .tokenize)")
    fn = getattr(tokenizer, "tokenize", None) or tokenizer
    return np.asarray(ops.convert_to_numpy(fn(text))).reshape(-1)


def get_dataloader(tokenizer, sequence_length, dataset, num_samples=128, *, strategy="strided", seed=42, stride=None,
                   eos_id=None):
    """``num_samples`` windows of ``sequence_length`` tokens, ``(num_samples, 1, sequence_length)``
    int32, from the concatenated token stream of ``dataset`` (strings are tokenized, with
    ``eos_id`` between documents; arrays are flattened and cast to int32). A stream shorter than
    ``num_samples * sequence_length`` is repeated. ``strategy``: ``"strided"`` (evenly spaced
    starts from an offset drawn with ``seed``), ``"linspace"`` (evenly spaced from 0) or
    ``"random"`` (starts drawn with ``seed``).

    Keras draws the strided offset from Python's salted string hash; dlx draws it from
    ``numpy.random.default_rng(seed)`` so that it is the same in every process.
    """
    if not hasattr(dataset, "__iter__") or isinstance(dataset, (str, bytes)):
        raise TypeError("quantize: the calibration dataset must be an iterable (a list of strings, a generator, an "
                        f"array of token ids); got {type(dataset).__name__}")
    items = list(dataset)
    if not items:
        raise ValueError("quantize: the calibration dataset is empty")
    pieces = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            pieces.append(_tokenize(tokenizer, item).astype(np.int32))
            if eos_id is not None and i < len(items) - 1:
                pieces.append(np.array([eos_id], np.int32))
        else:
            pieces.append(np.asarray(ops.convert_to_numpy(item)).reshape(-1).astype(np.int32))
    tokens = np.concatenate(pieces)
    need = num_samples * sequence_length
    if tokens.size < need:
        tokens = np.tile(tokens, math.ceil(need / max(1, tokens.size)))
    max_start = tokens.size - sequence_length
    if max_start < 0:
        raise ValueError(f"quantize: {tokens.size} tokens cannot make one window of sequence_length="
                         f"{sequence_length}")
    if strategy == "random":
        starts = np.random.default_rng(seed).integers(0, max_start + 1, size=num_samples)
    elif strategy == "linspace":
        starts = np.linspace(0, max_start, num_samples).astype(np.int64)
    elif strategy == "strided":
        step = stride if stride is not None else max(1, (max_start + 1) // num_samples)
        offset = int(np.random.default_rng(seed).integers(0, max_start + 1)) if max_start > 0 else 0
        starts = (offset + np.arange(num_samples, dtype=np.int64) * step) % (max_start + 1)
    else:
        raise ValueError(f"get_dataloader: strategy={strategy!r}; expected 'strided', 'linspace' or 'random'")
    windows = np.lib.stride_tricks.sliding_window_view(tokens, sequence_length)[starts]
    return windows.astype(np.int32)[:, None, :]


class HessianStats:
    """GPTQ's running mean ``H = 2/N sum x x^T`` over the rows ``x`` of the inputs seen."""

    def __init__(self, rows):
        self.hessian = ops.zeros((rows, rows), "float32")
        self.count = 0

    def update(self, x):
        x = ops.cast(x, "float32")
        n = int(x.shape[0])
        if n == 0:
            return
        gram = ops.matmul(ops.transpose(x), x)
        gram = ops.divide(ops.add(gram, ops.transpose(gram)), 2.0)
        total = self.count + n
        if self.count:
            self.hessian = ops.multiply(self.hessian, self.count / total)
        self.hessian = ops.add(self.hessian, ops.multiply(gram, 2.0 / total))
        self.count = total


class MagnitudeStats:
    """AWQ's largest absolute input per channel."""

    def __init__(self, rows):
        self.magnitudes = ops.zeros((rows,), "float32")

    def update(self, x):
        self.magnitudes = ops.maximum(self.magnitudes, ops.max(ops.abs(ops.cast(x, "float32")), axis=0))


def solve(layer, stats, config) -> None:
    """Quantizes ``layer`` from its collected ``stats`` and stores the result."""
    from dlx.layers import quantized_gptq as _layer

    rows, cols = _layer.matrix_shape(layer, layer._kernel_shape)
    w = np.asarray(ops.convert_to_numpy(layer._kernel), np.float32).reshape(rows, cols).T
    if config.mode == "gptq":
        inverse, damped = _gptq.damped_inverse_hessian(ops.convert_to_numpy(stats.hessian), config.hessian_damping)
        q, scale, zero, g_idx = _gptq.gptq_quantize_matrix(
            w, inverse, bits=config.weight_bits, group_size=config.group_size, symmetric=config.symmetric,
            per_channel=config.per_channel, activation_order=config.activation_order,
            order_metric=np.diagonal(damped))
        _layer.assign(layer, q, scale, zero, g_idx)
    else:
        q, scale, zero, awq_scales, g_idx = _gptq.awq_quantize_matrix(
            w, ops.convert_to_numpy(stats.magnitudes), num_grid_points=config.num_grid_points,
            group_size=config.group_size)
        _layer.assign(layer, q, scale, zero, g_idx, awq_scales)


def _batched(x):
    return ops.expand_dims(x, 0) if len(x.shape) == 2 else x


def calibrate(layers_by_block, pre_layers, blocks, windows, config) -> None:
    """Runs the calibration of the module docstring. ``layers_by_block[i]`` lists the quantized
    (not yet calibrated) layers of ``blocks[i]``."""
    inputs = []
    for window in windows:
        x = ops.convert_to_tensor(np.asarray(window, np.int32))
        for layer in pre_layers:
            x = layer(x)
        inputs.append(x)
    stats_cls = HessianStats if config.mode == "gptq" else MagnitudeStats
    from dlx.layers import quantized_gptq as _layer

    for i, (block, targets) in enumerate(zip(blocks, layers_by_block)):
        for layer in targets:
            layer._calibration_stats = stats_cls(_layer.matrix_shape(layer, layer._kernel_shape)[0])
        try:
            for x in inputs:
                block(_batched(x))
        finally:
            stats = [layer._calibration_stats for layer in targets]
            for layer in targets:
                del layer._calibration_stats
        for layer, s in zip(targets, stats):
            solve(layer, s, config)
        if i < len(blocks) - 1:
            outputs = []
            for x in inputs:
                y = block(_batched(x))
                outputs.append(y[0] if isinstance(y, (list, tuple)) else y)
            inputs = outputs


__all__ = ["HessianStats", "MagnitudeStats", "calibrate", "get_dataloader", "solve"]
