"""Convolution and pooling as decompositions into ops (patch extraction + a contraction or a
reduction), shared by the ``nn`` group's specs: each conv/pool op's NumPy reference is its
decomposition run on the NumPy backend, and its gradient rule is the decomposition's VJP."""

from __future__ import annotations

import numpy as np

from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops.conv_rules import data_format as _check_format
from dlx.ops.conv_rules import deconv_length as _deconv_length
from dlx.ops.conv_rules import groups as _groups
from dlx.ops.conv_rules import padding as _check_padding
from dlx.ops.conv_rules import same_pads as _same_pads
from dlx.ops.conv_rules import spatial_tuple as _tuple
from dlx.ops.defs.linalg import _static_shape, check_bias


def _patches(x, ksize, strides, dilation, padding, pad_value=0.0):
    """(N, *spatial, C) -> (N, *out_spatial, prod(ksize), C), written in ops."""
    shape = tensors.shape(x)
    n_sp = len(shape) - 2
    pads = [(0, 0)]
    sizes = []
    for i in range(n_sp):
        size, k, s, d = shape[1 + i], ksize[i], strides[i], dilation[i]
        if padding == "same":
            lo, hi = _same_pads(size, k, s, d)
        else:
            lo, hi = 0, 0
        pads.append((lo, hi))
        sizes.append(size + lo + hi)
    pads.append((0, 0))
    if any(p != (0, 0) for p in pads):
        x = K.pad(x, pads, constant_values=pad_value)
    outs = [(sizes[i] - ((ksize[i] - 1) * dilation[i] + 1)) // strides[i] + 1 for i in range(n_sp)]
    if any(o <= 0 for o in outs):
        raise ValueError(f"the window {ksize} (dilation {dilation}) does not fit the input's spatial "
                         f"shape {tuple(shape[1:-1])} with padding={padding!r}")
    slices = []
    for offset in np.ndindex(*ksize):
        key = [slice(None)]
        for i, o in enumerate(offset):
            start = o * dilation[i]
            key.append(slice(start, start + (outs[i] - 1) * strides[i] + 1, strides[i]))
        key.append(slice(None))
        slices.append(K.get_item(x, tuple(key)))
    return K.stack(slices, axis=-2), outs


def _to_last(x, data_format):
    if data_format == "channels_first":
        return K.moveaxis(x, 1, -1)
    return x


def _from_last(x, data_format):
    if data_format == "channels_first":
        return K.moveaxis(x, -1, 1)
    return x


def conv_decomposition(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    data_format = _check_format(data_format)
    padding = _check_padding(padding)
    x = _to_last(inputs, data_format)
    n_sp = len(tensors.shape(x)) - 2
    ks = tuple(tensors.shape(kernel)[:n_sp])
    cin_g, cout = tensors.shape(kernel)[-2], tensors.shape(kernel)[-1]
    cin = tensors.shape(x)[-1]
    groups = _groups(cin, tensors.shape(kernel))
    p, outs = _patches(x, ks, _tuple(strides, n_sp, "strides"), _tuple(dilation_rate, n_sp, "dilation_rate"), padding)
    n = tensors.shape(x)[0]
    kprod = int(np.prod(ks))
    if groups == 1:
        cols = K.reshape(p, (-1, kprod * cin))
        y = K.matmul(cols, K.reshape(kernel, (kprod * cin, cout)))
    else:
        cols = K.reshape(p, (-1, kprod, groups, cin_g))
        w = K.reshape(kernel, (kprod, cin_g, groups, cout // groups))
        y = K.einsum("pkgc,kcgo->pgo", cols, w)
    y = K.reshape(y, (n, *outs, cout))
    return _from_last(y, data_format)


def conv_bias_decomposition(inputs, kernel, bias, strides=1, padding="valid", data_format=None, dilation_rate=1):
    y = K.conv(inputs, kernel, strides, padding, data_format, dilation_rate)
    if _check_format(data_format) == "channels_first":
        bias = K.reshape(bias, (-1,) + (1,) * (len(tensors.shape(y)) - 2))
    return K.add(y, bias)


def _conv_bias_check(inputs, kernel, bias, strides=1, padding="valid", data_format=None, dilation_rate=1):
    ks = _static_shape(kernel)
    if ks is not None:
        check_bias("conv_bias", bias, ks[-1] if ks else None, "the kernel's output channels")


def _vjp_of(decomp, n_tensors):
    """A gradient rule: the VJP of ``decomp`` w.r.t. its first ``n_tensors`` arguments."""
    def rule(g, out, *args, **kwargs):
        from dlx.backend import registry

        backend = registry.get("numpy")
        tensors, rest = args[:n_tensors], args[n_tensors:]

        def f(*ts):
            return K.sum(decomp(*ts, *rest, **kwargs) * g)

        with registry.use(backend):
            _, grads = backend.value_and_grad(f, argnums=tuple(range(n_tensors)))(*tensors)
        return tuple(grads)
    return rule


def _on_numpy(decomp):
    """The NumPy reference of a decomposed op: the decomposition run on the NumPy backend."""
    def ref(*args, **kwargs):
        from dlx.backend import registry

        with registry.use("numpy"):
            return decomp(*args, **kwargs)
    return ref


def depthwise_conv_decomposition(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    ks = tensors.shape(kernel)
    w = K.reshape(kernel, (*ks[:-2], 1, ks[-2] * ks[-1]))
    return conv_decomposition(inputs, w, strides, padding, data_format, dilation_rate)


def conv_transpose_decomposition(inputs, kernel, strides=1, padding="valid", output_padding=None,
                                 data_format=None, dilation_rate=1):
    data_format = _check_format(data_format)
    padding = _check_padding(padding)
    x = _to_last(inputs, data_format)
    shape = tensors.shape(x)
    n_sp = len(shape) - 2
    ks = tuple(tensors.shape(kernel)[:n_sp])
    st = _tuple(strides, n_sp, "strides")
    dl = _tuple(dilation_rate, n_sp, "dilation_rate")
    op_ = (None,) * n_sp if output_padding is None else _tuple(output_padding, n_sp, "output_padding")
    # 1. insert (stride - 1) zeros between input positions
    for i in range(n_sp):
        s = st[i]
        if s > 1:
            ax = 1 + i
            xs = tensors.shape(x)
            z = K.zeros_like(x)
            x = K.stack([x] + [z] * (s - 1), axis=ax + 1)
            x = K.reshape(x, (*xs[:ax], xs[ax] * s, *xs[ax + 1:]))
            x = K.get_item(x, tuple([slice(None)] * ax + [slice(0, (xs[ax] - 1) * s + 1)]))
    # 2. pad so that a valid correlation with the flipped kernel gives the full result, then crop
    pads = [(0, 0)]
    for i in range(n_sp):
        eff = (ks[i] - 1) * dl[i] + 1
        length = _deconv_length(shape[1 + i], ks[i], st[i], padding, op_[i], dl[i])
        lo = 0 if padding == "valid" else _same_pads(length, ks[i], st[i], dl[i])[0]
        full = (shape[1 + i] - 1) * st[i] + eff
        left = eff - 1 - lo
        right = length - (full - lo) + eff - 1
        pads.append((left, right))
    pads.append((0, 0))
    neg = any(p < 0 for pr in pads for p in pr)
    if neg:
        x = K.pad(x, [(max(a, 0), max(b, 0)) for a, b in pads])
        key = tuple(slice(-min(a, 0), (tensors.shape(x)[j] + min(b, 0)) if b < 0 else None) for j, (a, b) in enumerate(pads))
        x = K.get_item(x, key)
    else:
        x = K.pad(x, pads)
    w = K.flip(kernel, tuple(range(n_sp)))
    w = K.swapaxes(w, -1, -2)  # (*k, out, in) -> (*k, in, out)
    y = conv_decomposition(x, w, 1, "valid", "channels_last", dl)
    return _from_last(y, data_format)


def _pool_decomposition(reduce):
    def decomp(inputs, pool_size, strides=None, padding="valid", data_format=None):
        data_format = _check_format(data_format)
        padding = _check_padding(padding)
        x = _to_last(inputs, data_format)
        n_sp = len(tensors.shape(x)) - 2
        ps = _tuple(pool_size, n_sp, "pool_size")
        st = ps if strides is None else _tuple(strides, n_sp, "strides")
        one = (1,) * n_sp
        if reduce == "max":
            p, _ = _patches(x, ps, st, one, padding, pad_value=-np.inf)
            y = K.max(p, axis=-2)
        else:
            p, _ = _patches(x, ps, st, one, padding)
            if padding == "same":  # average only over real (unpadded) positions
                ones = K.ones((1, *tensors.shape(x)[1:-1], 1), tensors.dtype(x))
                c, _ = _patches(ones, ps, st, one, padding)
                y = K.sum(p, axis=-2) / K.sum(c, axis=-2)
            else:
                y = K.mean(p, axis=-2)
        return _from_last(y, data_format)
    return decomp
