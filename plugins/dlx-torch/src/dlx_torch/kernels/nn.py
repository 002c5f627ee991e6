"""Neural-network kernels: activations, softmax, convolution, pooling, normalization, losses,
attention. dlx layouts are channels-last unless ``data_format="channels_first"``; torch's are
channels-first, so channels-last tensors are viewed with ``movedim`` (no copy: oneDNN runs them in
the channels-last memory format)."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as tnf

from dlx.ops.conv_rules import data_format as _format
from dlx.ops.conv_rules import deconv_length as _deconv_length
from dlx.ops.conv_rules import groups as _groups
from dlx.ops.conv_rules import padding as _padding
from dlx.ops.conv_rules import same_pads as _same_pads
from dlx.ops.conv_rules import spatial_tuple as _tuple
from dlx.ops.defs.nn import attention_options as _attention_options
from dlx.ops.defs.nn import layer_normalization_decomposition as _ln_decomposition
from dlx_torch._grad import GeluTanh
from dlx_torch._tensors import F, T, Tensor, axes, pair_tensors, promote_all
from dlx_torch.kernels.elementwise import add
from dlx_torch.kernels.shape import one_hot

_T = Tensor


# ------------------------------------------------------------------------------ activations
def relu(x):
    x = T(x)
    if x.is_floating_point():
        return torch.relu(x)
    if x.dtype == torch.bool:
        return x.to(torch.int32)  # as Keras: bools become int32, other ints keep their dtype
    return torch.clamp_min(x, 0)


def relu6(x):
    return tnf.relu6(F(x))


def sigmoid(x):
    return torch.sigmoid(F(x))


def softplus(x):
    # log(exp(x) + exp(0)): max(x, 0) + log1p(exp(-|x|)) in one native kernel (no threshold cut-off)
    x = F(x)
    return torch.logaddexp(x, x.new_zeros(()))


def softsign(x):
    return tnf.softsign(F(x))


def silu(x):
    return tnf.silu(F(x))


def log_sigmoid(x):
    return tnf.logsigmoid(F(x))


def hard_sigmoid(x):
    x = F(x)
    if x.dtype is torch.float64:  # torch's float64 hardsigmoid backward multiplies by a float32 1/6
        return tnf.relu6(x + 3.0) / 6.0
    return tnf.hardsigmoid(x)


def hard_silu(x):
    return tnf.hardswish(F(x))


def mish(x):
    return tnf.mish(F(x))


def elu(x, alpha=1.0):
    return tnf.elu(F(x), alpha)


def selu(x):
    return tnf.selu(F(x))


def celu(x, alpha=1.0):
    return tnf.celu(F(x), alpha)


def leaky_relu(x, negative_slope=0.2):
    return tnf.leaky_relu(F(x), negative_slope)


def gelu(x, approximate=True):
    x = F(x)
    if approximate:
        return GeluTanh.apply(x) if x.requires_grad else tnf.gelu(x, approximate="tanh")
    return tnf.gelu(x, approximate="none")


def _over_axes(fn, x, axis):
    """``fn(x, dim)`` along one axis, or jointly along a tuple of axes: those axes moved last and
    flattened into one, then put back (torch's softmax takes a single ``dim``)."""
    x = F(x)
    if isinstance(axis, int):
        return fn(x, axis)
    axes = sorted({a % x.ndim for a in axis})
    rest = [a for a in range(x.ndim) if a not in axes]
    moved = x.permute(*rest, *axes)
    out = fn(moved.reshape(*moved.shape[:len(rest)], -1), -1).reshape(moved.shape)
    return out.permute(*sorted(range(x.ndim), key=lambda i: (rest + axes)[i]))


def softmax(x, axis=-1):
    return _over_axes(torch.softmax, x, axis)


def log_softmax(x, axis=-1):
    return _over_axes(torch.log_softmax, x, axis)


# ------------------------------------------------------------------------------ conv & pool
def _flat_pads(pads: list[tuple[int, int]]) -> list[int]:
    flat: list[int] = []
    for lo, hi in reversed(pads):
        flat += [lo, hi]
    return flat


def _check_fits(spatial, ks, st, dl, padding):
    outs = [(spatial[i] - ((ks[i] - 1) * dl[i] + 1)) // st[i] + 1 for i in range(len(ks))]
    if any(o <= 0 for o in outs):
        raise ValueError(f"the window {tuple(ks)} (dilation {tuple(dl)}) does not fit the input's spatial "
                         f"shape {tuple(spatial)} with padding={padding!r}")


_CONV = {1: tnf.conv1d, 2: tnf.conv2d, 3: tnf.conv3d}
_CONV_T = {1: tnf.conv_transpose1d, 2: tnf.conv_transpose2d, 3: tnf.conv_transpose3d}


def _float_pair(inputs, kernel):
    x, w = pair_tensors(inputs, kernel)
    int_dtype = None
    if not x.is_floating_point():  # integer convolution: exact in float64 for moderate values
        int_dtype = x.dtype
        x, w = x.to(torch.float64), w.to(torch.float64)
    return x, w, int_dtype


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    return _conv(inputs, kernel, None, strides, padding, data_format, dilation_rate)


def conv_bias(inputs, kernel, bias, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """The bias goes into torch's convolution (added as each output is written) instead of a second
    pass over the output: ResNet-50's 53 bias adds were 0.65 s of a 4.7 s predict(32), measured."""
    return _conv(inputs, kernel, bias, strides, padding, data_format, dilation_rate)


def _conv(inputs, kernel, bias, strides, padding, data_format, dilation_rate):
    fmt, pad = _format(data_format), _padding(padding)
    x, w, int_dtype = _float_pair(inputs, kernel)
    n = x.ndim - 2
    if n not in _CONV:
        raise ValueError(f"conv: inputs of rank {x.ndim}; expected 3, 4 or 5 (1-3 spatial dims)")
    if fmt == "channels_last":
        x = x.movedim(-1, 1)
    ks = tuple(w.shape[:n])
    groups = _groups(x.shape[1], w.shape)
    st, dl = _tuple(strides, n, "strides"), _tuple(dilation_rate, n, "dilation_rate")
    tpad: Any = 0
    if pad == "same":
        pads = [_same_pads(x.shape[2 + i], ks[i], st[i], dl[i]) for i in range(n)]
        if all(lo == hi for lo, hi in pads):
            tpad = tuple(lo for lo, _ in pads)
        else:  # asymmetric: pad explicitly (extra pixel on the right)
            x = tnf.pad(x, _flat_pads(pads))
    else:
        _check_fits(x.shape[2:], ks, st, dl, padding)
    b = None if bias is None else T(bias)
    fused = b is not None and int_dtype is None and b.dtype is x.dtype
    y = _CONV[n](x, w.permute(n + 1, n, *range(n)), b if fused else None, st, tpad, dl, groups)
    if fmt == "channels_last":
        y = y.movedim(1, -1)
    if int_dtype is not None:
        y = torch.round(y).to(int_dtype)
    if b is None or fused:
        return y
    return add(y, b if fmt == "channels_last" else b.reshape(-1, *(1,) * n))


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    w = T(kernel)
    ks = w.shape
    # (*window, C, multiplier) -> (*window, 1, C * multiplier): a grouped conv with groups = C
    return conv(inputs, w.reshape(*ks[:-2], 1, ks[-2] * ks[-1]), strides, padding, data_format, dilation_rate)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    fmt, pad = _format(data_format), _padding(padding)
    x, w, int_dtype = _float_pair(inputs, kernel)
    n = x.ndim - 2
    if n not in _CONV_T:
        raise ValueError(f"conv_transpose: inputs of rank {x.ndim}; expected 3, 4 or 5")
    if fmt == "channels_last":
        x = x.movedim(-1, 1)
    ks = tuple(w.shape[:n])
    st, dl = _tuple(strides, n, "strides"), _tuple(dilation_rate, n, "dilation_rate")
    ops = (None,) * n if output_padding is None else _tuple(output_padding, n, "output_padding")
    # Output j of the spec is position j + lo of the full transposed convolution (length `full`);
    # torch gives position j + p for j < full - 2p + output_padding.
    lengths, los, fulls = [], [], []
    for i in range(n):
        size = x.shape[2 + i]
        length = _deconv_length(size, ks[i], st[i], pad, ops[i], dl[i])
        lengths.append(length)
        los.append(0 if pad == "valid" else _same_pads(length, ks[i], st[i], dl[i])[0])
        fulls.append((size - 1) * st[i] + (ks[i] - 1) * dl[i] + 1)
    tops = [lengths[i] - fulls[i] + 2 * los[i] for i in range(n)]
    wt = w.permute(n + 1, n, *range(n))  # (*k, out, in) -> (in, out, *k)
    if all(0 <= tops[i] < max(st[i], dl[i]) for i in range(n)):
        y = _CONV_T[n](x, wt, None, st, tuple(los), tuple(tops), 1, dl)
    else:  # the full result, then crop / zero-extend to the spec's window
        y = _CONV_T[n](x, wt, None, st, 0, 0, 1, dl)
        for i in range(n):
            lo, length, full = los[i], lengths[i], fulls[i]
            y = y.narrow(2 + i, min(lo, full), max(min(full, lo + length) - lo, 0))
            missing = length - y.shape[2 + i]
            if missing > 0:
                pads = [(0, 0)] * n
                pads[i] = (0, missing)
                y = tnf.pad(y, _flat_pads(pads))
    if fmt == "channels_last":
        y = y.movedim(1, -1)
    return y if int_dtype is None else torch.round(y).to(int_dtype)


_MAX_POOL = {1: tnf.max_pool1d, 2: tnf.max_pool2d, 3: tnf.max_pool3d}
_AVG_POOL = {2: tnf.avg_pool2d, 3: tnf.avg_pool3d}


def _pool_setup(inputs, pool_size, strides, padding, data_format):
    fmt, pad = _format(data_format), _padding(padding)
    x = T(inputs)
    n = x.ndim - 2
    if n not in _MAX_POOL:
        raise ValueError(f"pooling: inputs of rank {x.ndim}; expected 3, 4 or 5")
    if fmt == "channels_last":
        x = x.movedim(-1, 1)
    ps = _tuple(pool_size, n, "pool_size")
    st = ps if strides is None else _tuple(strides, n, "strides")
    if pad == "same":
        pads = [_same_pads(x.shape[2 + i], ps[i], st[i], 1) for i in range(n)]
    else:
        pads = [(0, 0)] * n
        _check_fits(x.shape[2:], ps, st, (1,) * n, padding)
    return fmt, x, n, ps, st, pads


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    fmt, x, n, ps, st, pads = _pool_setup(inputs, pool_size, strides, padding, data_format)
    if any(p != (0, 0) for p in pads):
        x = tnf.pad(x, _flat_pads(pads), value=-math.inf)
    y = _MAX_POOL[n](x, ps, st)
    return y.movedim(1, -1) if fmt == "channels_last" else y


def _sum_pool(x: Tensor, ps: tuple, st: tuple) -> Tensor:
    if len(ps) == 1:
        return tnf.avg_pool2d(x.unsqueeze(2), (1, *ps), (1, *st), divisor_override=1).squeeze(2)
    return _AVG_POOL[len(ps)](x, ps, st, divisor_override=1)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    fmt, x, n, ps, st, pads = _pool_setup(inputs, pool_size, strides, padding, data_format)
    x = F(x)
    if all(p == (0, 0) for p in pads):
        y = tnf.avg_pool1d(x, ps, st) if n == 1 else _AVG_POOL[n](x, ps, st)
    else:  # average over real positions only: window sums / window counts
        flat = _flat_pads(pads)
        s = _sum_pool(tnf.pad(x, flat), ps, st)
        ones = torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device)
        c = _sum_pool(tnf.pad(ones, flat), ps, st)
        y = s / c
    return y.movedim(1, -1) if fmt == "channels_last" else y


# ------------------------------------------------------------------------------ normalization
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = F(x)
    dt = x.dtype
    ax = axis % x.ndim
    shape = [1] * x.ndim
    shape[ax] = x.shape[ax]
    m, v = T(mean).to(dt), T(variance).to(dt)
    g = None if scale is None else T(scale).to(dt)
    b = None if offset is None else T(offset).to(dt)
    if x.ndim >= 2 and m.ndim == 1 and v.ndim == 1 and not (m.requires_grad or v.requires_grad):
        # the native fused inference kernel (its statistics are not differentiable, so only when
        # no gradient w.r.t. mean / variance is being taken)
        y = tnf.batch_norm(x.movedim(ax, 1), m, v, g, b, False, 0.0, epsilon)
        return y.movedim(1, ax)

    def r(t):
        return t.reshape(shape)

    y = (x - r(m)) / torch.sqrt(r(v) + epsilon)
    if g is not None:
        y = y * r(g)
    if b is not None:
        y = y + r(b)
    return y


def _trailing(ax: tuple[int, ...], nd: int) -> bool:
    return tuple(sorted(ax)) == tuple(range(nd - len(ax), nd))


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    if kwargs:  # Keras's rms_scaling keyword: the spec's decomposition validates and computes it
        return _ln_decomposition(x, gamma, beta, axis, epsilon, **kwargs)
    x = F(x)
    eps = 1e-7 if epsilon is None else epsilon
    ax = axes(axis, x.ndim)
    g = None if gamma is None else T(gamma).to(x.dtype)
    b = None if beta is None else T(beta).to(x.dtype)
    norm_shape = tuple(x.shape[x.ndim - len(ax):])
    fits = (g is None or tuple(g.shape) == norm_shape) and (b is None or tuple(b.shape) == norm_shape)
    if _trailing(ax, x.ndim) and fits:
        return tnf.layer_norm(x, norm_shape, g, b, eps)
    mu = torch.mean(x, ax, keepdim=True)
    xc = x - mu
    y = xc / torch.sqrt(torch.mean(xc * xc, ax, keepdim=True) + eps)
    if g is not None:
        y = y * g
    if b is not None:
        y = y + b
    return y


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    x = F(x)
    eps = 1e-6 if epsilon is None else epsilon
    ax = axes(axis, x.ndim)
    s = None if scale is None else T(scale).to(x.dtype)
    norm_shape = tuple(x.shape[x.ndim - len(ax):])
    if _trailing(ax, x.ndim) and (s is None or tuple(s.shape) == norm_shape):
        return tnf.rms_norm(x, norm_shape, s, eps)
    y = x / torch.sqrt(torch.mean(x * x, ax, keepdim=True) + eps)
    return y if s is None else y * s


def _replicas() -> int:
    """The processes a dlx distribution spreads the batch over (1 without one)."""
    import torch.distributed as tdist

    from dlx.distribution.strategies import distribution

    if distribution() is None or not (tdist.is_available() and tdist.is_initialized()):
        return 1
    return tdist.get_world_size()


def _replica_sum(t):
    """The sum of ``t`` over the processes, differentiable (the backward all-reduces the
    gradient), logged as one replayed step."""
    from torch.distributed.nn.functional import all_reduce

    from dlx_torch import _replay

    return _replay.record_call(all_reduce, t)


def moments(x, axes, keepdims=False, synchronized=False):
    """``synchronized=True`` under a dlx distribution over several processes: the mean and
    variance of the global batch, from all-reduced sums; elsewhere the local ones."""
    x = F(x)
    dims = (axes,) if isinstance(axes, int) else tuple(axes)
    if synchronized and _replicas() > 1:
        local = math.prod(x.shape[d] for d in dims)
        n = _replica_sum(torch.tensor([float(local)], dtype=x.dtype, device=x.device))
        m = _replica_sum(torch.sum(x, dims, keepdim=True)) / n
        d = x - m
        v = _replica_sum(torch.sum(d * d, dims, keepdim=keepdims)) / n.reshape(())
        return (m if keepdims else m.squeeze(dims)), v
    v, m = torch.var_mean(x, dims, correction=0, keepdim=keepdims)
    return m, v


# ------------------------------------------------------------------------------ losses
_EPS = 1e-7


def _float_operands(target, output):
    t, o = pair_tensors(target, output)
    if not o.is_floating_point():
        t, o = F(t), F(o)
    return t, o


def binary_crossentropy(target, output, from_logits=False):
    t, o = _float_operands(target, output)
    if from_logits:
        return tnf.binary_cross_entropy_with_logits(o, t, reduction="none")
    o = torch.clamp(o, _EPS, 1 - _EPS)
    return -(t * torch.log(o) + (1 - t) * torch.log1p(-o))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    t, o = _float_operands(target, output)
    if from_logits:
        return -torch.sum(t * torch.log_softmax(o, axis), axis)
    o = o / torch.sum(o, axis, keepdim=True)
    o = torch.clamp(o, _EPS, 1 - _EPS)
    return -torch.sum(t * torch.log(o), axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    o = F(output)
    oh = one_hot(target, o.shape[axis], axis=axis, dtype=o.dtype)
    return categorical_crossentropy(oh, o, from_logits, axis)


# ------------------------------------------------------------------------------ attention
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    cap = _attention_options(flash_attention, attn_logits_soft_cap)
    q, k, v = promote_all((query, key, value))
    if not q.is_floating_point():
        q, k, v = F(q), F(k), F(v)
    s = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    big = -1e9 if q.dtype is not torch.float16 else -3e4
    attn = None if bias is None else T(bias).to(q.dtype)
    if cap is not None:  # scaled_dot_product_attention has no soft cap: the explicit form
        logits = torch.einsum("btnh,bsnh->bnts", q, k) * s
        logits = logits if attn is None else logits + attn
        logits = cap * torch.tanh(logits / cap)
        if mask is not None:
            keep = T(mask)
            logits = torch.where(keep if keep.dtype is torch.bool else keep.to(torch.bool), logits, q.new_full((), big))
        if is_causal:
            tri = torch.ones(q.shape[1], k.shape[1], dtype=torch.bool, device=q.device).tril()
            logits = torch.where(tri, logits, q.new_full((), big))
        return torch.einsum("bnts,bsnh->btnh", torch.softmax(logits, dim=-1), v)
    if mask is not None:
        keep = T(mask)
        keep = keep if keep.dtype is torch.bool else keep.to(torch.bool)
        # an additive mask of -1e9 (not -inf): a fully masked row averages, as the spec does
        attn = torch.where(keep, q.new_zeros(()) if attn is None else attn, q.new_full((), big))
    causal = bool(is_causal)
    if causal and attn is not None:
        tri = torch.ones(q.shape[1], k.shape[1], dtype=torch.bool, device=q.device).tril()
        attn = torch.where(tri, attn, q.new_full((), big))
        causal = False
    out = tnf.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2),
                                           attn_mask=attn, is_causal=causal, scale=s)
    return out.transpose(1, 2)


_NAMES = (
    "relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "log_sigmoid", "hard_sigmoid",
    "hard_silu", "mish", "elu", "selu", "celu", "leaky_relu", "gelu", "softmax", "log_softmax", "conv",
    "conv_bias", "depthwise_conv", "conv_transpose", "max_pool", "average_pool", "batch_normalization",
    "layer_normalization", "rms_normalization", "moments", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "dot_product_attention")
#: op name -> kernel
KERNELS: dict[str, Any] = {n: globals()[n] for n in _NAMES}
