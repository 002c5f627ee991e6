"""GPTQ and AWQ numerics on a 2-D weight ``W`` of shape ``(out_features, in_features)`` (the
transposed kernel), in float32 on the host with NumPy (the solve is a sequential loop over
columns; the activation statistics it needs are collected on the backend).

Integer codes are unsigned, ``[0, maxq]`` with ``maxq = 2**bits - 1``; a group's ``scale`` and
``zero`` give back ``w = scale * (q - zero)``. As Keras 3 computes them:

- asymmetric: ``scale = (max - min) / maxq``, ``zero = round(-min / scale)``; symmetric:
  ``max = max(|min|, max)``, a negative ``min`` becomes ``-max``, ``zero = (maxq + 1) / 2``;
  a group with ``min == max`` is widened by 1 on both sides. Where Keras's zero point would not
  fit the uint8 it is stored in (a group entirely above zero, or a very narrow one below it),
  dlx widens that group's range to include 0 so the zero point is in ``[0, maxq]``;
- GPTQ (``gptq_quantize_matrix``): the damped Hessian ``H`` (dead inputs get a diagonal of 1;
  ``damping * mean(diag)`` is added to the diagonal) is inverted once; columns are quantized in
  blocks of 128: after quantizing column ``j`` its error ``e = (w_j - q_j) / Hinv[j, j]`` is
  subtracted, times ``Hinv[j, k]``, from the later columns ``k`` of the block, and the block's
  errors times ``Hinv[block, rest]`` from the columns after it. A group's scale and zero point
  are fitted when its first column is reached (on the weights as updated by the earlier
  blocks). With ``activation_order`` the columns go in decreasing ``diag(H)`` order;
  ``g_idx[i]`` is ``position(i) / group_size`` (Keras stores the unfloored quotient; it is
  truncated when used);
- AWQ (``awq_quantize_matrix``): for ``r`` in ``0, 1/n, ..., 1`` the channel scales
  ``s = max(m ** r, 1e-4) / sqrt(max(s) * min(s))`` (``m``: largest absolute activation per
  input channel, 1 where below 1e-8) scale the columns of ``W``; the candidate minimising
  ``mean((W - dequant(quant(W * s)) / s) ** 2 * m ** 2)`` is kept.
"""

from __future__ import annotations

import math

import numpy as np

GPTQ_BLOCK = 128  # columns per GPTQ block (Keras's quantize_and_correct_layer default)


def quantization_parameters(w, bits, symmetric=False, per_channel=True, group_size=-1):
    """``(scale, zero, maxq)`` of ``w`` (``(out, in)``): shaped ``(out, groups)`` (grouped,
    per-channel) or ``(out, 1)``; ``zero`` holds integer values (float32)."""
    w = np.asarray(w, np.float32)
    out_f, in_f = w.shape
    groups = -(-in_f // group_size) if per_channel and group_size > 0 else 1
    if groups > 1:
        pad = groups * group_size - in_f
        g = np.pad(w, ((0, 0), (0, pad))).reshape(out_f, groups, group_size)
        lo, hi = g.min(axis=2), g.max(axis=2)
    else:
        flat = w.reshape(out_f, -1) if per_channel else w.reshape(1, -1)
        lo, hi = flat.min(axis=1), flat.max(axis=1)
    maxq = np.float32(2 ** bits - 1)
    if symmetric:
        top = np.maximum(np.abs(lo), hi)
        lo, hi = np.where(lo < 0, -top, lo), top
    same = lo == hi
    lo, hi = np.where(same, lo - 1, lo), np.where(same, hi + 1, hi)

    def fit(lo, hi):
        scale = ((hi - lo) / maxq).astype(np.float32)
        scale = np.where(scale <= 0, np.float32(1e-8), scale)
        zero = np.full_like(scale, (maxq + 1) / 2) if symmetric else np.round(-lo / scale)
        return scale, zero

    scale, zero = fit(lo, hi)
    if not symmetric:
        bad = (zero < 0) | (zero > 255)
        if bad.any():
            scale2, zero2 = fit(np.minimum(lo, 0), np.maximum(hi, 0))
            scale, zero = np.where(bad, scale2, scale), np.where(bad, zero2, zero)
    if groups == 1:
        scale, zero = (np.broadcast_to(t.reshape(-1, 1), (out_f, 1)).copy() for t in (scale, zero))
    return scale.astype(np.float32), zero.astype(np.float32), maxq


def quantize(w, scale, zero, maxq):
    """Codes ``clip(round(w / scale + zero), 0, maxq)`` (float32 holding integers)."""
    safe = np.where(scale == 0, np.float32(1e-8), scale)
    return np.clip(np.round(w / safe + zero), 0, maxq).astype(np.float32)


def dequantize(q, scale, zero):
    return (scale * (q - zero)).astype(np.float32)


def damped_inverse_hessian(hessian, damping):
    """``(inverse, damped)``: the damped Hessian (see the module docstring) and its inverse."""
    h = np.array(hessian, np.float32)
    diag = np.diagonal(h).copy()
    dead = diag == 0
    diag[dead] = 1.0
    h[dead, dead] += 1.0
    diag = diag + np.float32(damping) * diag.mean(dtype=np.float32)
    np.fill_diagonal(h, diag)
    return np.linalg.inv(h).astype(np.float32), h


def activation_permutation(metric):
    """The columns in decreasing ``metric`` order (ties: by index)."""
    metric = np.asarray(metric, np.float32)
    n = metric.shape[0]
    jitter = (np.arange(n, dtype=np.float32) / np.float32(n)) * np.float32(1e-12)
    return np.argsort(-(metric + jitter), kind="stable")


def gptq_quantize_matrix(w, inv_hessian, *, bits, group_size=-1, symmetric=False, per_channel=True,
                         activation_order=False, order_metric=None, block=GPTQ_BLOCK):
    """GPTQ of ``w`` (``(out, in)``) with ``inv_hessian`` (``(in, in)``).

    Returns ``(codes int32 (out, in), scale (out, groups), zero (out, groups), g_idx (in,))``
    in the original column order.
    """
    w = np.array(w, np.float32)
    hinv = np.asarray(inv_hessian, np.float32)
    in_f = w.shape[1]
    perm = None
    if activation_order:
        perm = activation_permutation(np.diagonal(hinv) ** -1 if order_metric is None else order_metric)
        w, hinv = w[:, perm], hinv[perm][:, perm]
    group = in_f if group_size == -1 else group_size
    codes = np.zeros(w.shape, np.int32)
    scales, zeros = [], []
    current = -1
    for b0 in range(0, in_f, block):
        b1 = min(b0 + block, in_f)
        wb = w[:, b0:b1].copy()
        err = np.zeros_like(wb)
        hb = hinv[b0:b1, b0:b1]
        for j in range(b1 - b0):
            col = b0 + j
            start = (col // group) * group
            if start != current:  # a new group: fit it on the weights as the earlier blocks left them
                scale, zero, maxq = quantization_parameters(w[:, start:min(start + group, in_f)], bits, symmetric,
                                                            per_channel, group_size)
                scales.append(scale)
                zeros.append(zero)
                current = start
            q = quantize(wb[:, j:j + 1], scale, zero, maxq)
            codes[:, col] = q[:, 0].astype(np.int32)
            e = (wb[:, j] - dequantize(q, scale, zero)[:, 0]) / hb[j, j]
            err[:, j] = e
            wb[:, j + 1:] -= np.outer(e, hb[j, j + 1:])
        if b1 < in_f:
            w[:, b1:] -= err @ hinv[b0:b1, b1:]
    g_idx = (np.arange(in_f, dtype=np.int32) / group).astype(np.float32)
    if perm is not None:
        inverse = np.argsort(perm)
        g_idx, codes = g_idx[inverse], codes[:, inverse]
    return codes, np.concatenate(scales, axis=1), np.concatenate(zeros, axis=1), g_idx


def _grouped_round_trip(w, group_size):
    """``(codes, scale, zero, g_idx)`` of asymmetric 4-bit quantization and its dequantized ``w``."""
    in_f = w.shape[1]
    scale, zero, maxq = quantization_parameters(w, 4, False, True, group_size)
    g = np.zeros(in_f, np.int64) if group_size == -1 else np.arange(in_f) // group_size
    s, z = scale[:, g], zero[:, g]
    q = quantize(w, s, z, maxq)
    return q, scale, zero, g, dequantize(q, s, z)


def awq_search_scales(w, magnitudes, *, num_grid_points=20, group_size=-1):
    """AWQ's per-input-channel scales for ``w`` (``(out, in)``) given each input channel's largest
    absolute activation ``magnitudes`` (``(in,)``)."""
    w = np.asarray(w, np.float32)
    m = np.asarray(magnitudes, np.float32)
    m = np.where(m < 1e-8, np.float32(1), m)
    best, best_loss = None, None
    for i in range(num_grid_points + 1):
        ratio = i / num_grid_points
        s = np.ones_like(m) if ratio == 0 else np.power(m, np.float32(ratio))
        s = np.maximum(s, np.float32(1e-4))
        s = (s / max(np.float32(math.sqrt(np.float32(s.max() * s.min()))), np.float32(1e-8))).astype(np.float32)
        *_, back = _grouped_round_trip(w * s, group_size)
        loss = np.mean(np.square(w - back / s) * np.square(m), dtype=np.float32)
        if best_loss is None or loss < best_loss:
            best, best_loss = s, loss
    return best


def awq_quantize_matrix(w, magnitudes, *, num_grid_points=20, group_size=-1):
    """AWQ of ``w`` (``(out, in)``): ``(codes int32, scale, zero, awq_scales, g_idx)``."""
    w = np.asarray(w, np.float32)
    s = awq_search_scales(w, magnitudes, num_grid_points=num_grid_points, group_size=group_size)
    q, scale, zero, g, _ = _grouped_round_trip(w * s, group_size)
    return q.astype(np.int32), scale, zero, s, g.astype(np.float32)


__all__ = ["GPTQ_BLOCK", "activation_permutation", "awq_quantize_matrix", "awq_search_scales", "damped_inverse_hessian",
           "dequantize", "gptq_quantize_matrix", "quantization_parameters", "quantize"]
