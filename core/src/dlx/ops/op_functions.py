"""The public op functions, one per registered op (generated: do not edit).

Written by ``python -m dlx.ops.codegen`` from the op registry (:mod:`dlx.ops.spec`). Each
function has its spec's exact signature, checks cheap arguments inline, sends symbolic tensors
and variables to the slow path, and otherwise makes one dict lookup in the active backend's
kernel table.
"""

# ruff: noqa
from dlx.ops.dispatch import (
    _FORMATS as _FORMATS,
    STATE as _STATE,
    Special as _Special,
    _any_special as _any_special,
    _bad as _bad,
    _check_axis as _check_axis,
    _check_dtype as _check_dtype,
    slow_path as _slow,
    _dtypes_by_spelling,
)
from dlx.ops.spec import REGISTRY as _REGISTRY

_DTYPES = _dtypes_by_spelling()


def abs(x):
    """Absolute value, elementwise."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['abs'], (x,), {})
    return _STATE.kernels['abs'](x)


def absolute(x):
    """Absolute value, elementwise (Keras's alias of ``abs``)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['absolute'], (x,), {})
    return _STATE.kernels['absolute'](x)


def adam_update(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-07):
    """One Adam step for one weight: returns ``(new_variable, new_m, new_v)`` with
    ``new_m = m + (gradient - m)(1 - beta_1)``, ``new_v = v + (gradient**2 - v)(1 - beta_2)`` and
    ``new_variable = variable - new_m * alpha / (sqrt(new_v) + epsilon)``; ``alpha`` is the step
    size with the bias corrections folded in (a scalar tensor).
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(m, _Special) or isinstance(v, _Special) or isinstance(alpha, _Special):
        return _slow(_REGISTRY['adam_update'], (variable, gradient, m, v, alpha, beta_1, beta_2, epsilon,), {})
    return _STATE.kernels['adam_update'](variable, gradient, m, v, alpha, beta_1, beta_2, epsilon)


def add(x1, x2):
    """``x1 + x2`` with broadcasting."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['add'], (x1, x2,), {})
    return _STATE.kernels['add'](x1, x2)


def all(x, axis=None, keepdims=False):
    """True where every element along ``axis`` is truthy."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('all', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('all', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['all'], (x, axis, keepdims,), {})
    return _STATE.kernels['all'](x, axis, keepdims)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if ``isclose`` holds everywhere (a scalar bool tensor)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['allclose'], (x1, x2, rtol, atol, equal_nan,), {})
    return _STATE.kernels['allclose'](x1, x2, rtol, atol, equal_nan)


def amax(x, axis=None, keepdims=False):
    """Maximum over ``axis`` (Keras's alias of ``max``; NaN propagates)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('amax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('amax', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['amax'], (x, axis, keepdims,), {})
    return _STATE.kernels['amax'](x, axis, keepdims)


def amin(x, axis=None, keepdims=False):
    """Minimum over ``axis`` (Keras's alias of ``min``; NaN propagates)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('amin', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('amin', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['amin'], (x, axis, keepdims,), {})
    return _STATE.kernels['amin'](x, axis, keepdims)


def any(x, axis=None, keepdims=False):
    """True where any element along ``axis`` is truthy."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('any', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('any', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['any'], (x, axis, keepdims,), {})
    return _STATE.kernels['any'](x, axis, keepdims)


def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (both flattened if None)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['append'], (x1, x2, axis,), {})
    return _STATE.kernels['append'](x1, x2, axis)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)`` (``[0, start)`` without ``stop``), ``step`` apart
    (1 if None); int32 for integer arguments, else floatx.
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('arange', 'dtype', dtype)
    return _STATE.kernels['arange'](start, stop, step, dtype)


def arccos(x):
    """Inverse cosine."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arccos'], (x,), {})
    return _STATE.kernels['arccos'](x)


def arccosh(x):
    """Inverse hyperbolic cosine."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arccosh'], (x,), {})
    return _STATE.kernels['arccosh'](x)


def arcsin(x):
    """Inverse sine."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arcsin'], (x,), {})
    return _STATE.kernels['arcsin'](x)


def arcsinh(x):
    """Inverse hyperbolic sine."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arcsinh'], (x,), {})
    return _STATE.kernels['arcsinh'](x)


def arctan(x):
    """Inverse tangent."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arctan'], (x,), {})
    return _STATE.kernels['arctan'](x)


def arctan2(x1, x2):
    """Angle of the point ``(x2, x1)``, elementwise, in ``[-pi, pi]``."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['arctan2'], (x1, x2,), {})
    return _STATE.kernels['arctan2'](x1, x2)


def arctanh(x):
    """Inverse hyperbolic tangent."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arctanh'], (x,), {})
    return _STATE.kernels['arctanh'](x)


def argmax(x, axis=None, keepdims=False):
    """Index of the maximum (first on ties) as int32."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('argmax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('argmax', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['argmax'], (x, axis, keepdims,), {})
    return _STATE.kernels['argmax'](x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index of the minimum (first on ties) as int32."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('argmin', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('argmin', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['argmin'], (x, axis, keepdims,), {})
    return _STATE.kernels['argmin'](x, axis, keepdims)


def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (stable), as int32."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('argsort', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['argsort'], (x, axis,), {})
    return _STATE.kernels['argsort'](x, axis)


def array_split(x, indices_or_sections, axis=0):
    """Splits into ``indices_or_sections`` sections (the first ``len % n`` one longer; some may be
    empty) or at the given indices, along ``axis``; returns a list.
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('array_split', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['array_split'], (x, indices_or_sections, axis,), {})
    return _STATE.kernels['array_split'](x, indices_or_sections, axis)


def average_pool(inputs, pool_size, strides=None, padding='valid', data_format=None):
    """Average pooling; with ``padding='same'`` padded positions are not counted."""
    if padding != 'valid' and padding != 'same':
        if str(padding).lower() in ('valid', 'same'):
            padding = str(padding).lower()
        else:
            _bad('average_pool', 'padding', padding, "'valid' or 'same'")
    if data_format not in _FORMATS:
        _bad('average_pool', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(inputs, _Special):
        return _slow(_REGISTRY['average_pool'], (inputs, pool_size, strides, padding, data_format,), {})
    return _STATE.kernels['average_pool'](inputs, pool_size, strides, padding, data_format)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=0.001):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset`` with per-``axis`` statistics."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('batch_normalization', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(mean, _Special) or isinstance(variance, _Special) or isinstance(offset, _Special) or isinstance(scale, _Special):
        return _slow(_REGISTRY['batch_normalization'], (x, mean, variance, axis, offset, scale, epsilon,), {})
    return _STATE.kernels['batch_normalization'](x, mean, variance, axis, offset, scale, epsilon)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy. Probabilities are clipped to ``[1e-7, 1 - 1e-7]``."""
    if isinstance(target, _Special) or isinstance(output, _Special):
        return _slow(_REGISTRY['binary_crossentropy'], (target, output, from_logits,), {})
    return _STATE.kernels['binary_crossentropy'](target, output, from_logits)


def bitcast_uint32_to_float32(x):
    """Reinterprets uint32 bits as float32."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['bitcast_uint32_to_float32'], (x,), {})
    return _STATE.kernels['bitcast_uint32_to_float32'](x)


def bitwise_and(x, y):
    """Bitwise AND of integers."""
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_and'], (x, y,), {})
    return _STATE.kernels['bitwise_and'](x, y)


def bitwise_invert(x):
    """Bitwise NOT of integers."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['bitwise_invert'], (x,), {})
    return _STATE.kernels['bitwise_invert'](x)


def bitwise_left_shift(x, y):
    """``x << y`` (Keras's alias of ``left_shift``)."""
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_left_shift'], (x, y,), {})
    return _STATE.kernels['bitwise_left_shift'](x, y)


def bitwise_not(x):
    """Bitwise NOT of integers (logical NOT of bools); Keras's alias of ``bitwise_invert``."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['bitwise_not'], (x,), {})
    return _STATE.kernels['bitwise_not'](x)


def bitwise_or(x, y):
    """Bitwise OR of integers."""
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_or'], (x, y,), {})
    return _STATE.kernels['bitwise_or'](x, y)


def bitwise_right_shift(x, y):
    """``x >> y`` (Keras's alias of ``right_shift``)."""
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_right_shift'], (x, y,), {})
    return _STATE.kernels['bitwise_right_shift'](x, y)


def bitwise_xor(x, y):
    """Bitwise XOR of integers."""
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_xor'], (x, y,), {})
    return _STATE.kernels['bitwise_xor'](x, y)


def broadcast_to(x, shape):
    """Broadcasts ``x`` to ``shape``."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['broadcast_to'], (x, shape,), {})
    return _STATE.kernels['broadcast_to'](x, shape)


def cast(x, dtype):
    """Converts ``x`` to ``dtype`` (floats to ints truncate toward zero)."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('cast', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cast'], (x, dtype,), {})
    return _STATE.kernels['cast'](x, dtype)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """``-sum(target * log(p))`` along ``axis``; ``p`` is ``softmax(output)`` with
    ``from_logits``, else ``output`` renormalized to sum 1 and clipped to ``[1e-7, 1 - 1e-7]``.
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(output, 'shape', ())) <= axis < (len(getattr(output, 'shape', ())) or 1):
        _check_axis('categorical_crossentropy', 'axis', axis, output if hasattr(output, 'shape') else None)
    if isinstance(target, _Special) or isinstance(output, _Special):
        return _slow(_REGISTRY['categorical_crossentropy'], (target, output, from_logits, axis,), {})
    return _STATE.kernels['categorical_crossentropy'](target, output, from_logits, axis)


def cbrt(x):
    """Cube root, elementwise."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cbrt'], (x,), {})
    return _STATE.kernels['cbrt'](x)


def ceil(x):
    """Ceil of ``x``, elementwise (integers become floatx)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['ceil'], (x,), {})
    return _STATE.kernels['ceil'](x)


def celu(x, alpha=1.0):
    """max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['celu'], (x, alpha,), {})
    return _STATE.kernels['celu'](x, alpha)


def clip(x, x_min, x_max):
    """Clips ``x`` to ``[x_min, x_max]``."""
    if isinstance(x, _Special) or isinstance(x_min, _Special) or isinstance(x_max, _Special):
        return _slow(_REGISTRY['clip'], (x, x_min, x_max,), {})
    return _STATE.kernels['clip'](x, x_min, x_max)


def column_stack(xs):
    """Joins 1-D tensors as the columns of a 2-D tensor (2-D inputs join along axis 1)."""
    if _any_special(xs):
        return _slow(_REGISTRY['column_stack'], (xs,), {})
    return _STATE.kernels['column_stack'](xs)


def concatenate(xs, axis=0):
    """Joins tensors along an existing axis."""
    if _any_special(xs):
        return _slow(_REGISTRY['concatenate'], (xs, axis,), {})
    return _STATE.kernels['concatenate'](xs, axis)


def conv(inputs, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """N-D convolution (cross-correlation). ``kernel`` is ``(*window, in_channels / groups,
    out_channels)``; groups are implied by the input's channels.
    """
    if padding != 'valid' and padding != 'same':
        if str(padding).lower() in ('valid', 'same'):
            padding = str(padding).lower()
        else:
            _bad('conv', 'padding', padding, "'valid' or 'same'")
    if data_format not in _FORMATS:
        _bad('conv', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(inputs, _Special) or isinstance(kernel, _Special):
        return _slow(_REGISTRY['conv'], (inputs, kernel, strides, padding, data_format, dilation_rate,), {})
    return _STATE.kernels['conv'](inputs, kernel, strides, padding, data_format, dilation_rate)


def conv_transpose(inputs, kernel, strides=1, padding='valid', output_padding=None, data_format=None, dilation_rate=1):
    """Transposed convolution (the gradient of ``conv`` w.r.t. its input). ``kernel`` is
    ``(*window, out_channels, in_channels)``; output lengths follow Keras's deconv formula.
    """
    if padding != 'valid' and padding != 'same':
        if str(padding).lower() in ('valid', 'same'):
            padding = str(padding).lower()
        else:
            _bad('conv_transpose', 'padding', padding, "'valid' or 'same'")
    if data_format not in _FORMATS:
        _bad('conv_transpose', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(inputs, _Special) or isinstance(kernel, _Special):
        return _slow(_REGISTRY['conv_transpose'], (inputs, kernel, strides, padding, output_padding, data_format, dilation_rate,), {})
    return _STATE.kernels['conv_transpose'](inputs, kernel, strides, padding, output_padding, data_format, dilation_rate)


def copy(x):
    """A copy of ``x``."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['copy'], (x,), {})
    return _STATE.kernels['copy'](x)


def cos(x):
    """Cosine (full range)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cos'], (x,), {})
    return _STATE.kernels['cos'](x)


def cosh(x):
    """Hyperbolic cosine."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cosh'], (x,), {})
    return _STATE.kernels['cosh'](x)


def cumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` (flattened if ``None``), in ``dtype`` if given (``x`` is
    cast to it first).
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('cumprod', 'axis', axis, x if hasattr(x, 'shape') else None)
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('cumprod', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cumprod'], (x, axis, dtype,), {})
    return _STATE.kernels['cumprod'](x, axis, dtype)


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (flattened if ``None``), in ``dtype`` if given (``x`` is cast
    to it first); accumulated in float64 here.
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('cumsum', 'axis', axis, x if hasattr(x, 'shape') else None)
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('cumsum', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cumsum'], (x, axis, dtype,), {})
    return _STATE.kernels['cumsum'](x, axis, dtype)


def deg2rad(x):
    """Degrees to radians (``x * pi / 180``)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['deg2rad'], (x,), {})
    return _STATE.kernels['deg2rad'](x)


def dense(x, kernel, bias=None):
    """``matmul(x, kernel) + bias`` for ``x`` of shape ``(..., n)``, a ``(n, units)`` kernel and a
    ``(units,)`` bias (or ``None``): the Dense layer's contraction, one fused kernel (GEMM with the
    bias in its accumulator) on backends that have one, ``matmul`` then ``add`` elsewhere.
    """
    _REGISTRY['dense'].validate(x, kernel, bias)
    if isinstance(x, _Special) or isinstance(kernel, _Special) or isinstance(bias, _Special):
        return _slow(_REGISTRY['dense'], (x, kernel, bias,), {})
    return _STATE.kernels['dense'](x, kernel, bias)


def depthwise_conv(inputs, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """Depthwise convolution: ``kernel`` is ``(*window, in_channels, depth_multiplier)``."""
    if padding != 'valid' and padding != 'same':
        if str(padding).lower() in ('valid', 'same'):
            padding = str(padding).lower()
        else:
            _bad('depthwise_conv', 'padding', padding, "'valid' or 'same'")
    if data_format not in _FORMATS:
        _bad('depthwise_conv', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(inputs, _Special) or isinstance(kernel, _Special):
        return _slow(_REGISTRY['depthwise_conv'], (inputs, kernel, strides, padding, data_format, dilation_rate,), {})
    return _STATE.kernels['depthwise_conv'](inputs, kernel, strides, padding, data_format, dilation_rate)


def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis`` (``a[1:] - a[:-1]``, applied ``n`` times;
    for bools, ``a[1:] != a[:-1]``).
    """
    if isinstance(a, _Special):
        return _slow(_REGISTRY['diff'], (a, n, axis,), {})
    return _STATE.kernels['diff'](a, n, axis)


def divide(x1, x2):
    """True division; integer inputs give floatx."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['divide'], (x1, x2,), {})
    return _STATE.kernels['divide'](x1, x2)


def divide_no_nan(x1, x2):
    """``x1 / x2``, and 0 where ``x2`` is 0 (even for ``0/0`` and ``inf/0``); integers give floatx."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['divide_no_nan'], (x1, x2,), {})
    return _STATE.kernels['divide_no_nan'](x1, x2)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False):
    """Scaled dot-product attention on ``(batch, seq, heads, head_dim)`` tensors. ``mask`` is
    boolean (``True`` = attend), ``bias`` is added to the logits.
    """
    if isinstance(query, _Special) or isinstance(key, _Special) or isinstance(value, _Special) or isinstance(bias, _Special) or isinstance(mask, _Special):
        return _slow(_REGISTRY['dot_product_attention'], (query, key, value, bias, mask, scale, is_causal,), {})
    return _STATE.kernels['dot_product_attention'](query, key, value, bias, mask, scale, is_causal)


def dsplit(x, indices_or_sections):
    """Splits along axis 2 (``x`` at least 3-D) into equal sections or at indices."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['dsplit'], (x, indices_or_sections,), {})
    return _STATE.kernels['dsplit'](x, indices_or_sections)


def dstack(xs):
    """Joins tensors depth-wise: along axis 2 (1-D ``(n,)`` as ``(1, n, 1)``, 2-D ``(m, n)`` as ``(m, n, 1)``)."""
    if _any_special(xs):
        return _slow(_REGISTRY['dstack'], (xs,), {})
    return _STATE.kernels['dstack'](xs)


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation (explicit ``->`` output recommended). The one keyword argument is
    ``optimize`` (the contraction-order strategy: False, True, "greedy" or "optimal"; it changes
    speed, not the result); any other raises.
    """
    _REGISTRY['einsum'].validate(subscripts, *operands, **kwargs)
    if _any_special(operands):
        return _slow(_REGISTRY['einsum'], (subscripts, *operands,), {**kwargs})
    return _STATE.kernels['einsum'](subscripts, *operands, **kwargs)


def elu(x, alpha=1.0):
    """x if x > 0 else alpha * (exp(x) - 1)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['elu'], (x, alpha,), {})
    return _STATE.kernels['elu'](x, alpha)


def empty(shape, dtype=None):
    """A tensor of ``shape`` (``dtype`` defaults to floatx). dlx fills it with zeros: no backend
    exposes uninitialized memory, so results never depend on it.
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('empty', 'dtype', dtype)
    return _STATE.kernels['empty'](shape, dtype)


def empty_like(x, dtype=None):
    """A tensor of ``x``'s shape (and by default dtype), filled with zeros (see ``empty``)."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('empty_like', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['empty_like'], (x, dtype,), {})
    return _STATE.kernels['empty_like'](x, dtype)


def equal(x1, x2):
    """``equal`` comparison with broadcasting; returns bool."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['equal'], (x1, x2,), {})
    return _STATE.kernels['equal'](x1, x2)


def erf(x):
    """Error function."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['erf'], (x,), {})
    return _STATE.kernels['erf'](x)


def erfc(x):
    """Complementary error function, ``1 - erf(x)`` (accurate where erf is near 1)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['erfc'], (x,), {})
    return _STATE.kernels['erfc'](x)


def erfinv(x):
    """Inverse error function."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['erfinv'], (x,), {})
    return _STATE.kernels['erfinv'](x)


def exp(x):
    """e**x, elementwise."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['exp'], (x,), {})
    return _STATE.kernels['exp'](x)


def exp2(x):
    """2**x, elementwise."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['exp2'], (x,), {})
    return _STATE.kernels['exp2'](x)


def expand_dims(x, axis):
    """Inserts length-1 axes at ``axis``."""
    if axis is not None and axis.__class__ is not int:
        _check_axis('expand_dims', 'axis', axis, None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['expand_dims'], (x, axis,), {})
    return _STATE.kernels['expand_dims'](x, axis)


def expm1(x):
    """exp(x) - 1, accurate near 0."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['expm1'], (x,), {})
    return _STATE.kernels['expm1'](x)


def eye(N, M=None, k=0, dtype=None):
    """A 2-D array with ones on the ``k``-th diagonal."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('eye', 'dtype', dtype)
    return _STATE.kernels['eye'](N, M, k, dtype)


def fabs(x):
    """Absolute value as a float (integers and bools give floatx)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['fabs'], (x,), {})
    return _STATE.kernels['fabs'](x)


def flip(x, axis=None):
    """Reverses the order of elements along ``axis`` (all axes if None)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('flip', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['flip'], (x, axis,), {})
    return _STATE.kernels['flip'](x, axis)


def fliplr(x):
    """Reverses axis 1 (left-right)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['fliplr'], (x,), {})
    return _STATE.kernels['fliplr'](x)


def flipud(x):
    """Reverses axis 0 (up-down)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['flipud'], (x,), {})
    return _STATE.kernels['flipud'](x)


def floor(x):
    """Floor of ``x``, elementwise (integers become floatx)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['floor'], (x,), {})
    return _STATE.kernels['floor'](x)


def floor_divide(x1, x2):
    """``floor(x1 / x2)`` (Python / NumPy semantics)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['floor_divide'], (x1, x2,), {})
    return _STATE.kernels['floor_divide'](x1, x2)


def fmax(x1, x2):
    """Elementwise maximum that ignores NaNs (NaN only where both are NaN)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['fmax'], (x1, x2,), {})
    return _STATE.kernels['fmax'](x1, x2)


def fmin(x1, x2):
    """Elementwise minimum that ignores NaNs (NaN only where both are NaN)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['fmin'], (x1, x2,), {})
    return _STATE.kernels['fmin'](x1, x2)


def fmod(x1, x2):
    """Remainder of truncated division: the sign of ``x1`` (C's ``fmod``; ``mod`` follows ``x2``)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['fmod'], (x1, x2,), {})
    return _STATE.kernels['fmod'](x1, x2)


def full(shape, fill_value, dtype=None):
    """An array filled with ``fill_value`` (dtype from the value if not given)."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('full', 'dtype', dtype)
    return _STATE.kernels['full'](shape, fill_value, dtype)


def full_like(x, fill_value, dtype=None):
    """An array of ``fill_value`` with the shape (and by default the dtype) of ``x``."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('full_like', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['full_like'], (x, fill_value, dtype,), {})
    return _STATE.kernels['full_like'](x, fill_value, dtype)


def gather_nd(x, indices):
    """Gathers slices of ``x`` at the index tuples in the last axis of ``indices``."""
    if isinstance(x, _Special) or isinstance(indices, _Special):
        return _slow(_REGISTRY['gather_nd'], (x, indices,), {})
    return _STATE.kernels['gather_nd'](x, indices)


def gcd(x1, x2):
    """Greatest common divisor of integers (non-negative)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['gcd'], (x1, x2,), {})
    return _STATE.kernels['gcd'](x1, x2)


def gelu(x, approximate=True):
    """Gaussian error linear unit: ``x * Phi(x)`` (``approximate=True``: the tanh form)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['gelu'], (x, approximate,), {})
    return _STATE.kernels['gelu'](x, approximate)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` values from ``start`` to ``stop`` evenly spaced on a log scale (a geometric
    sequence; negative bounds give negative values).
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('geomspace', 'dtype', dtype)
    return _STATE.kernels['geomspace'](start, stop, num, endpoint, dtype, axis)


def get_item(x, key):
    """``x[key]`` for a static key of ints, slices, ``None`` and ``Ellipsis``."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['get_item'], (x, key,), {})
    return _STATE.kernels['get_item'](x, key)


def get_item_grad(g, x, key):
    """The cotangent of ``get_item`` w.r.t. ``x``: zeros with ``g`` added at ``key``."""
    if isinstance(g, _Special) or isinstance(x, _Special):
        return _slow(_REGISTRY['get_item_grad'], (g, x, key,), {})
    return _STATE.kernels['get_item_grad'](g, x, key)


def greater(x1, x2):
    """``greater`` comparison with broadcasting; returns bool."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['greater'], (x1, x2,), {})
    return _STATE.kernels['greater'](x1, x2)


def greater_equal(x1, x2):
    """``greater_equal`` comparison with broadcasting; returns bool."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['greater_equal'], (x1, x2,), {})
    return _STATE.kernels['greater_equal'](x1, x2)


def hard_sigmoid(x):
    """relu6(x + 3) / 6."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hard_sigmoid'], (x,), {})
    return _STATE.kernels['hard_sigmoid'](x)


def hard_silu(x):
    """x * hard_sigmoid(x)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hard_silu'], (x,), {})
    return _STATE.kernels['hard_silu'](x)


def heaviside(x1, x2):
    """Step function: 0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``; integers give floatx."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['heaviside'], (x1, x2,), {})
    return _STATE.kernels['heaviside'](x1, x2)


def hsplit(x, indices_or_sections):
    """Splits along axis 1 (axis 0 for 1-D ``x``) into equal sections or at indices; returns a list."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hsplit'], (x, indices_or_sections,), {})
    return _STATE.kernels['hsplit'](x, indices_or_sections)


def hstack(xs):
    """Joins tensors horizontally: along axis 1 (axis 0 for 1-D inputs)."""
    if _any_special(xs):
        return _slow(_REGISTRY['hstack'], (xs,), {})
    return _STATE.kernels['hstack'](xs)


def hypot(x1, x2):
    """``sqrt(x1**2 + x2**2)`` without overflow or underflow in the squares; integers give floatx."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['hypot'], (x1, x2,), {})
    return _STATE.kernels['hypot'](x1, x2)


def i0(x):
    """Modified Bessel function of the first kind, order 0."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['i0'], (x,), {})
    return _STATE.kernels['i0'](x)


def identity(n, dtype=None):
    """The ``n`` x ``n`` identity matrix (``dtype`` defaults to floatx)."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('identity', 'dtype', dtype)
    return _STATE.kernels['identity'](n, dtype)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True where ``|x1 - x2| <= atol + rtol * |x2|`` (equal infinities are close; NaNs only with
    ``equal_nan``).
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['isclose'], (x1, x2, rtol, atol, equal_nan,), {})
    return _STATE.kernels['isclose'](x1, x2, rtol, atol, equal_nan)


def isfinite(x):
    """True where ``x`` is neither infinite nor NaN."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isfinite'], (x,), {})
    return _STATE.kernels['isfinite'](x)


def isin(x1, x2, assume_unique=False, invert=False):
    """True where an element of ``x1`` equals some element of ``x2`` (``x1``'s shape; NaN is in
    nothing); ``invert`` negates. ``assume_unique`` is a speed hint only: the result is the same.
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['isin'], (x1, x2, assume_unique, invert,), {})
    return _STATE.kernels['isin'](x1, x2, assume_unique, invert)


def isinf(x):
    """True where ``x`` is +inf or -inf."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isinf'], (x,), {})
    return _STATE.kernels['isinf'](x)


def isnan(x):
    """True where ``x`` is NaN."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isnan'], (x,), {})
    return _STATE.kernels['isnan'](x)


def isneginf(x):
    """True where ``x`` is -inf."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isneginf'], (x,), {})
    return _STATE.kernels['isneginf'](x)


def isposinf(x):
    """True where ``x`` is +inf."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isposinf'], (x,), {})
    return _STATE.kernels['isposinf'](x)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    """Normalizes over ``axis`` to zero mean / unit variance, then ``* gamma + beta``."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('layer_normalization', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(gamma, _Special) or isinstance(beta, _Special):
        return _slow(_REGISTRY['layer_normalization'], (x, gamma, beta, axis, epsilon,), {})
    return _STATE.kernels['layer_normalization'](x, gamma, beta, axis, epsilon)


def lcm(x1, x2):
    """Least common multiple of integers (non-negative)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['lcm'], (x1, x2,), {})
    return _STATE.kernels['lcm'](x1, x2)


def ldexp(x1, x2):
    """``x1 * 2**x2`` for an integer exponent ``x2`` (exact unless it overflows or underflows);
    integer ``x1`` gives floatx.
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['ldexp'], (x1, x2,), {})
    return _STATE.kernels['ldexp'](x1, x2)


def leaky_relu(x, negative_slope=0.2):
    """x if x > 0 else negative_slope * x."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['leaky_relu'], (x, negative_slope,), {})
    return _STATE.kernels['leaky_relu'](x, negative_slope)


def left_shift(x, y):
    """``x << y`` (wraps around at the dtype's width)."""
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['left_shift'], (x, y,), {})
    return _STATE.kernels['left_shift'](x, y)


def less(x1, x2):
    """``less`` comparison with broadcasting; returns bool."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['less'], (x1, x2,), {})
    return _STATE.kernels['less'](x1, x2)


def less_equal(x1, x2):
    """``less_equal`` comparison with broadcasting; returns bool."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['less_equal'], (x1, x2,), {})
    return _STATE.kernels['less_equal'](x1, x2)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (numbers or arrays, broadcast; the
    samples run along ``axis`` of the result). With ``retstep`` returns ``(samples, step)``.
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('linspace', 'dtype', dtype)
    return _STATE.kernels['linspace'](start, stop, num, endpoint, retstep, dtype, axis)


def log(x):
    """Natural logarithm."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log'], (x,), {})
    return _STATE.kernels['log'](x)


def log10(x):
    """Base-10 logarithm."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log10'], (x,), {})
    return _STATE.kernels['log10'](x)


def log1p(x):
    """log(1 + x), accurate near 0."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log1p'], (x,), {})
    return _STATE.kernels['log1p'](x)


def log2(x):
    """Base-2 logarithm."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log2'], (x,), {})
    return _STATE.kernels['log2'](x)


def log_sigmoid(x):
    """log(sigmoid(x)), stably."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log_sigmoid'], (x,), {})
    return _STATE.kernels['log_sigmoid'](x)


def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('log_softmax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log_softmax'], (x, axis,), {})
    return _STATE.kernels['log_softmax'](x, axis)


def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` without overflow."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['logaddexp'], (x1, x2,), {})
    return _STATE.kernels['logaddexp'](x1, x2)


def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)`` without overflow; integers give floatx."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['logaddexp2'], (x1, x2,), {})
    return _STATE.kernels['logaddexp2'](x1, x2)


def logical_and(x1, x2):
    """Elementwise and of truth values; returns bool."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['logical_and'], (x1, x2,), {})
    return _STATE.kernels['logical_and'](x1, x2)


def logical_not(x):
    """Elementwise NOT of truth values; returns bool."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['logical_not'], (x,), {})
    return _STATE.kernels['logical_not'](x)


def logical_or(x1, x2):
    """Elementwise or of truth values; returns bool."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['logical_or'], (x1, x2,), {})
    return _STATE.kernels['logical_or'](x1, x2)


def logical_xor(x1, x2):
    """Elementwise xor of truth values; returns bool."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['logical_xor'], (x1, x2,), {})
    return _STATE.kernels['logical_xor'](x1, x2)


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop, num)``: ``num`` values evenly spaced on a log scale."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('logspace', 'dtype', dtype)
    return _STATE.kernels['logspace'](start, stop, num, endpoint, base, dtype, axis)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('logsumexp', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('logsumexp', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['logsumexp'], (x, axis, keepdims,), {})
    return _STATE.kernels['logsumexp'](x, axis, keepdims)


def matmul(x1, x2):
    """Matrix product with NumPy's broadcasting and 1-D promotion rules."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['matmul'], (x1, x2,), {})
    return _STATE.kernels['matmul'](x1, x2)


def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis`` (NaN propagates), at least ``initial`` if given (a number, cast to
    ``x``'s dtype). Gradient splits evenly between ties.
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('max', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('max', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['max'], (x, axis, keepdims, initial,), {})
    return _STATE.kernels['max'](x, axis, keepdims, initial)


def max_pool(inputs, pool_size, strides=None, padding='valid', data_format=None):
    """Max pooling over windows of ``pool_size`` (strides default to the pool size)."""
    if padding != 'valid' and padding != 'same':
        if str(padding).lower() in ('valid', 'same'):
            padding = str(padding).lower()
        else:
            _bad('max_pool', 'padding', padding, "'valid' or 'same'")
    if data_format not in _FORMATS:
        _bad('max_pool', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(inputs, _Special):
        return _slow(_REGISTRY['max_pool'], (inputs, pool_size, strides, padding, data_format,), {})
    return _STATE.kernels['max_pool'](inputs, pool_size, strides, padding, data_format)


def maximum(x1, x2):
    """Elementwise maximum (NaN propagates)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['maximum'], (x1, x2,), {})
    return _STATE.kernels['maximum'](x1, x2)


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis``; integers give floatx."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('mean', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('mean', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['mean'], (x, axis, keepdims,), {})
    return _STATE.kernels['mean'](x, axis, keepdims)


def meshgrid(*x, indexing='xy'):
    """Coordinate grids from 1-D coordinate vectors (``indexing='xy'``: Cartesian, the first two
    axes swapped; ``'ij'``: matrix indexing); returns a list, each in its input's dtype.
    """
    if _any_special(x):
        return _slow(_REGISTRY['meshgrid'], (*x,), {'indexing': indexing})
    return _STATE.kernels['meshgrid'](*x, indexing=indexing)


def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis`` (NaN propagates), at most ``initial`` if given (a number, cast to
    ``x``'s dtype). Gradient splits evenly between ties.
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('min', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('min', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['min'], (x, axis, keepdims, initial,), {})
    return _STATE.kernels['min'](x, axis, keepdims, initial)


def minimum(x1, x2):
    """Elementwise minimum (NaN propagates)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['minimum'], (x1, x2,), {})
    return _STATE.kernels['minimum'](x1, x2)


def mish(x):
    """x * tanh(softplus(x))."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['mish'], (x,), {})
    return _STATE.kernels['mish'](x)


def mod(x1, x2):
    """Remainder with the sign of the divisor (Python / NumPy semantics)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['mod'], (x1, x2,), {})
    return _STATE.kernels['mod'](x1, x2)


def moments(x, axes, keepdims=False, synchronized=False):
    """``(mean, variance)`` of ``x`` over ``axes``."""
    if keepdims is not False and keepdims is not True:
        _bad('moments', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['moments'], (x, axes, keepdims, synchronized,), {})
    return _STATE.kernels['moments'](x, axes, keepdims, synchronized)


def moveaxis(x, source, destination):
    """Moves axes to new positions; the others keep their order."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['moveaxis'], (x, source, destination,), {})
    return _STATE.kernels['moveaxis'](x, source, destination)


def multiply(x1, x2):
    """``x1 * x2`` with broadcasting."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['multiply'], (x1, x2,), {})
    return _STATE.kernels['multiply'](x1, x2)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN and infinities with finite numbers."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nan_to_num'], (x, nan, posinf, neginf,), {})
    return _STATE.kernels['nan_to_num'](x, nan, posinf, neginf)


def negative(x):
    """Numerical negative, elementwise."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['negative'], (x,), {})
    return _STATE.kernels['negative'](x)


def norm(x, ord=None, axis=None, keepdims=False):
    """Euclidean (2-) norm over ``axis`` (all axes if None). Only ``ord=None`` / ``2`` for vectors."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('norm', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('norm', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['norm'], (x, ord, axis, keepdims,), {})
    return _STATE.kernels['norm'](x, ord, axis, keepdims)


def not_equal(x1, x2):
    """``not_equal`` comparison with broadcasting; returns bool."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['not_equal'], (x1, x2,), {})
    return _STATE.kernels['not_equal'](x1, x2)


def one_hot(x, num_classes, axis=-1, dtype=None):
    """One-hot encodes integer ``x`` (out-of-range values give all zeros)."""
    if axis is not None and axis.__class__ is not int:
        _check_axis('one_hot', 'axis', axis, None)
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('one_hot', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['one_hot'], (x, num_classes, axis, dtype,), {})
    return _STATE.kernels['one_hot'](x, num_classes, axis, dtype)


def ones(shape, dtype=None):
    """An array of ones (``dtype`` defaults to floatx)."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('ones', 'dtype', dtype)
    return _STATE.kernels['ones'](shape, dtype)


def ones_like(x, dtype=None):
    """An array of 1 with the shape (and by default the dtype) of ``x``."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('ones_like', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['ones_like'], (x, dtype,), {})
    return _STATE.kernels['ones_like'](x, dtype)


def outer(x1, x2):
    """Outer product of the flattened inputs."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['outer'], (x1, x2,), {})
    return _STATE.kernels['outer'](x1, x2)


def pad(x, pad_width, mode='constant', constant_values=None):
    """Pads with ``constant_values`` (``mode='constant'``), or ``'reflect'`` / ``'symmetric'``."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['pad'], (x, pad_width, mode, constant_values,), {})
    return _STATE.kernels['pad'](x, pad_width, mode, constant_values)


def power(x1, x2):
    """``x1 ** x2``."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['power'], (x1, x2,), {})
    return _STATE.kernels['power'](x1, x2)


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``, computed in ``dtype`` if given (``x`` is cast to it first)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('prod', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('prod', 'keepdims', keepdims, 'True or False')
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('prod', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['prod'], (x, axis, keepdims, dtype,), {})
    return _STATE.kernels['prod'](x, axis, keepdims, dtype)


def rad2deg(x):
    """Radians to degrees (``x * 180 / pi``)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['rad2deg'], (x,), {})
    return _STATE.kernels['rad2deg'](x)


def random_bits(seed, shape):
    """Threefry-2x32 random bits of ``shape`` (uint32) from a ``(2,)`` uint32 ``seed``."""
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_bits'], (seed, shape,), {})
    return _STATE.kernels['random_bits'](seed, shape)


def random_categorical(seed, logits, num_samples, dtype='int32'):
    """``num_samples`` class indices per row of ``logits`` (Gumbel-max)."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_categorical', 'dtype', dtype)
    if isinstance(seed, _Special) or isinstance(logits, _Special):
        return _slow(_REGISTRY['random_categorical'], (seed, logits, num_samples, dtype,), {})
    return _STATE.kernels['random_categorical'](seed, logits, num_samples, dtype)


def random_dropout(seed, inputs, rate, noise_shape=None):
    """Zeroes entries with probability ``rate`` and scales the rest by ``1 / (1 - rate)``."""
    if isinstance(seed, _Special) or isinstance(inputs, _Special):
        return _slow(_REGISTRY['random_dropout'], (seed, inputs, rate, noise_shape,), {})
    return _STATE.kernels['random_dropout'](seed, inputs, rate, noise_shape)


def random_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    """Normal samples (inverse-CDF transform of uniform bits)."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_normal', 'dtype', dtype)
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_normal'], (seed, shape, mean, stddev, dtype,), {})
    return _STATE.kernels['random_normal'](seed, shape, mean, stddev, dtype)


def random_randint(seed, shape, minval, maxval, dtype='int32'):
    """Integers in ``[minval, maxval)``."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_randint', 'dtype', dtype)
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_randint'], (seed, shape, minval, maxval, dtype,), {})
    return _STATE.kernels['random_randint'](seed, shape, minval, maxval, dtype)


def random_shuffle(seed, x, axis=0):
    """A random permutation of ``x`` along ``axis``."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('random_shuffle', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(seed, _Special) or isinstance(x, _Special):
        return _slow(_REGISTRY['random_shuffle'], (seed, x, axis,), {})
    return _STATE.kernels['random_shuffle'](seed, x, axis)


def random_truncated_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    """Normal samples cut at two standard deviations."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_truncated_normal', 'dtype', dtype)
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_truncated_normal'], (seed, shape, mean, stddev, dtype,), {})
    return _STATE.kernels['random_truncated_normal'](seed, shape, mean, stddev, dtype)


def random_uniform(seed, shape, minval=0.0, maxval=1.0, dtype=None):
    """Uniform samples in ``[minval, maxval)``."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_uniform', 'dtype', dtype)
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_uniform'], (seed, shape, minval, maxval, dtype,), {})
    return _STATE.kernels['random_uniform'](seed, shape, minval, maxval, dtype)


def ravel(x):
    """The flattened array."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['ravel'], (x,), {})
    return _STATE.kernels['ravel'](x)


def rearrange(tensor, pattern, **axes_lengths):
    """Rearranges axes with an einops pattern: ``"b (h w) c -> b h w c"`` splits, ``(...)``
    merges, reordering names transposes, ``...`` stands for the remaining axes, ``1``/``()`` add or
    drop unit axes; sizes that cannot be inferred are keyword arguments (``h=3``).
    """
    if isinstance(tensor, _Special):
        return _slow(_REGISTRY['rearrange'], (tensor, pattern,), {**axes_lengths})
    return _STATE.kernels['rearrange'](tensor, pattern, **axes_lengths)


def reciprocal(x):
    """``1 / x``, elementwise."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['reciprocal'], (x,), {})
    return _STATE.kernels['reciprocal'](x)


def relu(x):
    """max(x, 0)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['relu'], (x,), {})
    return _STATE.kernels['relu'](x)


def relu6(x):
    """min(max(x, 0), 6)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['relu6'], (x,), {})
    return _STATE.kernels['relu6'](x)


def repeat(x, repeats, axis=None):
    """Repeats each element ``repeats`` times along ``axis`` (flattened if None)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('repeat', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['repeat'], (x, repeats, axis,), {})
    return _STATE.kernels['repeat'](x, repeats, axis)


def reshape(x, newshape):
    """Gives ``x`` a new shape (one dimension may be -1)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['reshape'], (x, newshape,), {})
    return _STATE.kernels['reshape'](x, newshape)


def right_shift(x, y):
    """``x >> y`` (arithmetic for signed, logical for unsigned)."""
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['right_shift'], (x, y,), {})
    return _STATE.kernels['right_shift'](x, y)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x / sqrt(mean(x**2) + epsilon) * scale`` over ``axis``."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('rms_normalization', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(scale, _Special):
        return _slow(_REGISTRY['rms_normalization'], (x, scale, axis, epsilon,), {})
    return _STATE.kernels['rms_normalization'](x, scale, axis, epsilon)


def roll(x, shift, axis=None):
    """Rolls elements along ``axis`` (the flattened array if None)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('roll', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['roll'], (x, shift, axis,), {})
    return _STATE.kernels['roll'](x, shift, axis)


def rot90(array, k=1, axes=(0, 1)):
    """Rotates by 90 degrees ``k`` times in the plane of ``axes`` (from the first towards the second)."""
    if isinstance(array, _Special):
        return _slow(_REGISTRY['rot90'], (array, k, axes,), {})
    return _STATE.kernels['rot90'](array, k, axes)


def round(x, decimals=0):
    """Round half to even, to ``decimals`` decimal places."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['round'], (x, decimals,), {})
    return _STATE.kernels['round'](x, decimals)


def rsqrt(x):
    """``1 / sqrt(x)``, elementwise."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['rsqrt'], (x,), {})
    return _STATE.kernels['rsqrt'](x)


def saturate_cast(x, dtype):
    """Casts to ``dtype``, clipping first to its range (no wrap-around; floats to ints truncate)."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('saturate_cast', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['saturate_cast'], (x, dtype,), {})
    return _STATE.kernels['saturate_cast'](x, dtype)


def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (the last axis of
    ``indices`` indexes the leading axes; repeated indices accumulate); ``values``' dtype.
    """
    if isinstance(indices, _Special) or isinstance(values, _Special):
        return _slow(_REGISTRY['scatter'], (indices, values, shape,), {})
    return _STATE.kernels['scatter'](indices, values, shape)


def scatter_add(x, indices, updates):
    """``x`` with ``updates`` added at ``indices`` (last axis of indices indexes x's leading
    axes; repeated indices accumulate).
    """
    if isinstance(x, _Special) or isinstance(indices, _Special) or isinstance(updates, _Special):
        return _slow(_REGISTRY['scatter_add'], (x, indices, updates,), {})
    return _STATE.kernels['scatter_add'](x, indices, updates)


def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written at ``indices`` (the last axis of ``indices`` indexes the
    leading axes), in ``inputs``' dtype. ``reduction``: None replaces (indices should be unique:
    which of several updates to one place wins is the backend's), "add", "max", "min" or "mul"
    combine every update with the value there.
    """
    if isinstance(inputs, _Special) or isinstance(indices, _Special) or isinstance(updates, _Special):
        return _slow(_REGISTRY['scatter_update'], (inputs, indices, updates, reduction,), {})
    return _STATE.kernels['scatter_update'](inputs, indices, updates, reduction)


def select(condlist, choicelist, default=0):
    """Per element, the entry of ``choicelist`` for the first true condition of ``condlist``
    (``default`` where none holds).
    """
    if _any_special(condlist) or _any_special(choicelist):
        return _slow(_REGISTRY['select'], (condlist, choicelist, default,), {})
    return _STATE.kernels['select'](condlist, choicelist, default)


def selu(x):
    """Scaled ELU with the self-normalizing constants."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['selu'], (x,), {})
    return _STATE.kernels['selu'](x)


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sigmoid'], (x,), {})
    return _STATE.kernels['sigmoid'](x)


def sign(x):
    """-1, 0 or 1 by the sign of ``x`` (NaN stays NaN)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sign'], (x,), {})
    return _STATE.kernels['sign'](x)


def signbit(x):
    """True where the sign bit is set (``-0.0`` and NaNs with the bit included)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['signbit'], (x,), {})
    return _STATE.kernels['signbit'](x)


def silu(x):
    """x * sigmoid(x) (swish)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['silu'], (x,), {})
    return _STATE.kernels['silu'](x)


def sin(x):
    """Sine (full range)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sin'], (x,), {})
    return _STATE.kernels['sin'](x)


def sinc(x):
    """Normalized sinc, ``sin(pi x) / (pi x)`` (1 at 0)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sinc'], (x,), {})
    return _STATE.kernels['sinc'](x)


def sinh(x):
    """Hyperbolic sine."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sinh'], (x,), {})
    return _STATE.kernels['sinh'](x)


def slice(inputs, start_indices, shape):
    """The block of ``shape`` starting at ``start_indices``."""
    if isinstance(inputs, _Special):
        return _slow(_REGISTRY['slice'], (inputs, start_indices, shape,), {})
    return _STATE.kernels['slice'](inputs, start_indices, shape)


def slice_update(inputs, start_indices, updates):
    """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    if isinstance(inputs, _Special) or isinstance(updates, _Special):
        return _slow(_REGISTRY['slice_update'], (inputs, start_indices, updates,), {})
    return _STATE.kernels['slice_update'](inputs, start_indices, updates)


def softmax(x, axis=-1):
    """``exp(x - max) / sum(exp(x - max))`` along ``axis``."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('softmax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['softmax'], (x, axis,), {})
    return _STATE.kernels['softmax'](x, axis)


def softplus(x):
    """log(1 + exp(x)), stably."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['softplus'], (x,), {})
    return _STATE.kernels['softplus'](x)


def softsign(x):
    """x / (1 + |x|)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['softsign'], (x,), {})
    return _STATE.kernels['softsign'](x)


def sort(x, axis=-1):
    """Sorted copy along ``axis`` (ascending)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('sort', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sort'], (x, axis,), {})
    return _STATE.kernels['sort'](x, axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical cross-entropy with integer class ``target``s."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(output, 'shape', ())) <= axis < (len(getattr(output, 'shape', ())) or 1):
        _check_axis('sparse_categorical_crossentropy', 'axis', axis, output if hasattr(output, 'shape') else None)
    if isinstance(target, _Special) or isinstance(output, _Special):
        return _slow(_REGISTRY['sparse_categorical_crossentropy'], (target, output, from_logits, axis,), {})
    return _STATE.kernels['sparse_categorical_crossentropy'](target, output, from_logits, axis)


def split(x, indices_or_sections, axis=0):
    """Splits into equal sections or at indices along ``axis``; returns a list."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('split', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['split'], (x, indices_or_sections, axis,), {})
    return _STATE.kernels['split'](x, indices_or_sections, axis)


def sqrt(x):
    """Square root, elementwise (correctly rounded class E1)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sqrt'], (x,), {})
    return _STATE.kernels['sqrt'](x)


def square(x):
    """``x * x``, elementwise."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['square'], (x,), {})
    return _STATE.kernels['square'](x)


def squeeze(x, axis=None):
    """Removes length-1 axes (only ``axis`` if given; it must have length 1)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('squeeze', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['squeeze'], (x, axis,), {})
    return _STATE.kernels['squeeze'](x, axis)


def stack(x, axis=0):
    """Joins same-shaped tensors along a new axis."""
    if _any_special(x):
        return _slow(_REGISTRY['stack'], (x, axis,), {})
    return _STATE.kernels['stack'](x, axis)


def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('std', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('std', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['std'], (x, axis, keepdims,), {})
    return _STATE.kernels['std'](x, axis, keepdims)


def stop_gradient(variable):
    """Returns ``variable``'s value; no gradient flows through it."""
    if isinstance(variable, _Special):
        return _slow(_REGISTRY['stop_gradient'], (variable,), {})
    return _STATE.kernels['stop_gradient'](variable)


def subtract(x1, x2):
    """``x1 - x2`` with broadcasting."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['subtract'], (x1, x2,), {})
    return _STATE.kernels['subtract'](x1, x2)


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes if ``None``), pairwise accumulated."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('sum', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('sum', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sum'], (x, axis, keepdims,), {})
    return _STATE.kernels['sum'](x, axis, keepdims)


def swapaxes(x, axis1, axis2):
    """Interchanges two axes."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['swapaxes'], (x, axis1, axis2,), {})
    return _STATE.kernels['swapaxes'](x, axis1, axis2)


def take(x, indices, axis=None):
    """Gathers entries of ``x`` at ``indices`` along ``axis`` (the flattened array if None).
    Negative indices count from the end.
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('take', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(indices, _Special):
        return _slow(_REGISTRY['take'], (x, indices, axis,), {})
    return _STATE.kernels['take'](x, indices, axis)


def take_along_axis(x, indices, axis=None):
    """Picks values along ``axis`` at matching positions of ``indices`` (broadcast against x)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('take_along_axis', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(indices, _Special):
        return _slow(_REGISTRY['take_along_axis'], (x, indices, axis,), {})
    return _STATE.kernels['take_along_axis'](x, indices, axis)


def take_along_axis_grad(g, x, indices, axis):
    """The cotangent of ``take_along_axis`` w.r.t. ``x`` (scatter-add of ``g``)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('take_along_axis_grad', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(g, _Special) or isinstance(x, _Special) or isinstance(indices, _Special):
        return _slow(_REGISTRY['take_along_axis_grad'], (g, x, indices, axis,), {})
    return _STATE.kernels['take_along_axis_grad'](g, x, indices, axis)


def tan(x):
    """Tangent."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['tan'], (x,), {})
    return _STATE.kernels['tan'](x)


def tanh(x):
    """Hyperbolic tangent."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['tanh'], (x,), {})
    return _STATE.kernels['tanh'](x)


def tensordot(x1, x2, axes=2):
    """Tensor contraction over ``axes`` (an int, or a pair of axis lists)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['tensordot'], (x1, x2, axes,), {})
    return _STATE.kernels['tensordot'](x1, x2, axes)


def tile(x, repeats):
    """Repeats the whole array ``repeats`` times along each axis."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['tile'], (x, repeats,), {})
    return _STATE.kernels['tile'](x, repeats)


def top_k(x, k, sorted=True):
    """``(values, indices)`` of the ``k`` largest entries along the last axis (first index wins
    ties), values in descending order.
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['top_k'], (x, k, sorted,), {})
    return _STATE.kernels['top_k'](x, k, sorted)


def transpose(x, axes=None):
    """Permutes the axes (reverses them if ``axes`` is None)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['transpose'], (x, axes,), {})
    return _STATE.kernels['transpose'](x, axes)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of ``y`` along ``axis`` by the trapezoidal rule, at sample points ``x`` (1-D
    along ``axis``, or ``y``'s shape) or a spacing ``dx``; integers give floatx.
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('trapezoid', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(y, _Special) or isinstance(x, _Special):
        return _slow(_REGISTRY['trapezoid'], (y, x, dx, axis,), {})
    return _STATE.kernels['trapezoid'](y, x, dx, axis)


def tril(x, k=0):
    """Lower triangle of the last two axes."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['tril'], (x, k,), {})
    return _STATE.kernels['tril'](x, k)


def triu(x, k=0):
    """Upper triangle of the last two axes."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['triu'], (x, k,), {})
    return _STATE.kernels['triu'](x, k)


def true_divide(x1, x2):
    """True division (Keras's alias of ``divide``); integer inputs give floatx."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['true_divide'], (x1, x2,), {})
    return _STATE.kernels['true_divide'](x1, x2)


def trunc(x):
    """Trunc of ``x``, elementwise (integers become floatx)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['trunc'], (x,), {})
    return _STATE.kernels['trunc'](x)


def unstack(x, num=None, axis=0):
    """Splits ``x`` along ``axis`` into a list of its slices (that axis removed); ``num``, if
    given, must equal the axis length.
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('unstack', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['unstack'], (x, num, axis,), {})
    return _STATE.kernels['unstack'](x, num, axis)


def var(x, axis=None, keepdims=False):
    """Population variance (two-pass) over ``axis``."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('var', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('var', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['var'], (x, axis, keepdims,), {})
    return _STATE.kernels['var'](x, axis, keepdims)


def vsplit(x, indices_or_sections):
    """Splits along axis 0 (``x`` at least 2-D) into equal sections or at indices."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['vsplit'], (x, indices_or_sections,), {})
    return _STATE.kernels['vsplit'](x, indices_or_sections)


def vstack(xs):
    """Joins tensors vertically: along axis 0, 1-D inputs as rows."""
    if _any_special(xs):
        return _slow(_REGISTRY['vstack'], (xs,), {})
    return _STATE.kernels['vstack'](xs)


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2``. With neither ``x1`` nor ``x2``: the indices
    of ``condition``'s nonzero entries, a tuple of int32 arrays, one per axis (its length depends
    on the data: eager only).
    """
    if isinstance(condition, _Special) or isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['where'], (condition, x1, x2,), {})
    return _STATE.kernels['where'](condition, x1, x2)


def zeros(shape, dtype=None):
    """An array of zeros (``dtype`` defaults to floatx)."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('zeros', 'dtype', dtype)
    return _STATE.kernels['zeros'](shape, dtype)


def zeros_like(x, dtype=None):
    """An array of 0 with the shape (and by default the dtype) of ``x``."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('zeros_like', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['zeros_like'], (x, dtype,), {})
    return _STATE.kernels['zeros_like'](x, dtype)


__all__ = [
    'abs',
    'absolute',
    'adam_update',
    'add',
    'all',
    'allclose',
    'amax',
    'amin',
    'any',
    'append',
    'arange',
    'arccos',
    'arccosh',
    'arcsin',
    'arcsinh',
    'arctan',
    'arctan2',
    'arctanh',
    'argmax',
    'argmin',
    'argsort',
    'array_split',
    'average_pool',
    'batch_normalization',
    'binary_crossentropy',
    'bitcast_uint32_to_float32',
    'bitwise_and',
    'bitwise_invert',
    'bitwise_left_shift',
    'bitwise_not',
    'bitwise_or',
    'bitwise_right_shift',
    'bitwise_xor',
    'broadcast_to',
    'cast',
    'categorical_crossentropy',
    'cbrt',
    'ceil',
    'celu',
    'clip',
    'column_stack',
    'concatenate',
    'conv',
    'conv_transpose',
    'copy',
    'cos',
    'cosh',
    'cumprod',
    'cumsum',
    'deg2rad',
    'dense',
    'depthwise_conv',
    'diff',
    'divide',
    'divide_no_nan',
    'dot_product_attention',
    'dsplit',
    'dstack',
    'einsum',
    'elu',
    'empty',
    'empty_like',
    'equal',
    'erf',
    'erfc',
    'erfinv',
    'exp',
    'exp2',
    'expand_dims',
    'expm1',
    'eye',
    'fabs',
    'flip',
    'fliplr',
    'flipud',
    'floor',
    'floor_divide',
    'fmax',
    'fmin',
    'fmod',
    'full',
    'full_like',
    'gather_nd',
    'gcd',
    'gelu',
    'geomspace',
    'get_item',
    'get_item_grad',
    'greater',
    'greater_equal',
    'hard_sigmoid',
    'hard_silu',
    'heaviside',
    'hsplit',
    'hstack',
    'hypot',
    'i0',
    'identity',
    'isclose',
    'isfinite',
    'isin',
    'isinf',
    'isnan',
    'isneginf',
    'isposinf',
    'layer_normalization',
    'lcm',
    'ldexp',
    'leaky_relu',
    'left_shift',
    'less',
    'less_equal',
    'linspace',
    'log',
    'log10',
    'log1p',
    'log2',
    'log_sigmoid',
    'log_softmax',
    'logaddexp',
    'logaddexp2',
    'logical_and',
    'logical_not',
    'logical_or',
    'logical_xor',
    'logspace',
    'logsumexp',
    'matmul',
    'max',
    'max_pool',
    'maximum',
    'mean',
    'meshgrid',
    'min',
    'minimum',
    'mish',
    'mod',
    'moments',
    'moveaxis',
    'multiply',
    'nan_to_num',
    'negative',
    'norm',
    'not_equal',
    'one_hot',
    'ones',
    'ones_like',
    'outer',
    'pad',
    'power',
    'prod',
    'rad2deg',
    'random_bits',
    'random_categorical',
    'random_dropout',
    'random_normal',
    'random_randint',
    'random_shuffle',
    'random_truncated_normal',
    'random_uniform',
    'ravel',
    'rearrange',
    'reciprocal',
    'relu',
    'relu6',
    'repeat',
    'reshape',
    'right_shift',
    'rms_normalization',
    'roll',
    'rot90',
    'round',
    'rsqrt',
    'saturate_cast',
    'scatter',
    'scatter_add',
    'scatter_update',
    'select',
    'selu',
    'sigmoid',
    'sign',
    'signbit',
    'silu',
    'sin',
    'sinc',
    'sinh',
    'slice',
    'slice_update',
    'softmax',
    'softplus',
    'softsign',
    'sort',
    'sparse_categorical_crossentropy',
    'split',
    'sqrt',
    'square',
    'squeeze',
    'stack',
    'std',
    'stop_gradient',
    'subtract',
    'sum',
    'swapaxes',
    'take',
    'take_along_axis',
    'take_along_axis_grad',
    'tan',
    'tanh',
    'tensordot',
    'tile',
    'top_k',
    'transpose',
    'trapezoid',
    'tril',
    'triu',
    'true_divide',
    'trunc',
    'unstack',
    'var',
    'vsplit',
    'vstack',
    'where',
    'zeros',
    'zeros_like',
]
