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


def adam_update(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-07):
    """One Adam step for one weight: returns ``(new_variable, new_m, new_v)`` with
    ``new_m = m + (gradient - m)(1 - beta_1)``, ``new_v = v + (gradient**2 - v)(1 - beta_2)`` and
    ``new_variable = variable - new_m * alpha / (sqrt(new_v) + epsilon)``; ``alpha`` is the step
    size with the bias corrections folded in (a scalar tensor).
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(m, _Special) or isinstance(v, _Special) or isinstance(alpha, _Special):
        return _slow(_REGISTRY['adam_update'], (variable, gradient, m, v, alpha, beta_1, beta_2, epsilon,), {})
    return _STATE.kernels['adam_update'](variable, gradient, m, v, alpha, beta_1, beta_2, epsilon)


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Averages ``inputs`` (``(batch, *spatial, channels)``, or channels first) over adaptive
    windows so the spatial shape becomes ``output_size`` (an int or one per spatial axis).
    """
    if data_format not in _FORMATS:
        _bad('adaptive_average_pool', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(inputs, _Special):
        return _slow(_REGISTRY['adaptive_average_pool'], (inputs, output_size, data_format,), {})
    return _STATE.kernels['adaptive_average_pool'](inputs, output_size, data_format)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """The maximum of ``inputs`` over adaptive windows (see :func:`adaptive_average_pool`)."""
    if data_format not in _FORMATS:
        _bad('adaptive_max_pool', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(inputs, _Special):
        return _slow(_REGISTRY['adaptive_max_pool'], (inputs, output_size, data_format,), {})
    return _STATE.kernels['adaptive_max_pool'](inputs, output_size, data_format)


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


def angle(x):
    """The argument of ``x``: ``arctan2(imag, real)`` (0 or pi for a real tensor; a signed zero
    counts: ``angle(-0.0)`` is pi). Integer and bool inputs give ``floatx()``.
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['angle'], (x,), {})
    return _STATE.kernels['angle'](x)


def any(x, axis=None, keepdims=False):
    """True where any element along ``axis`` is truthy."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('any', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('any', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['any'], (x, axis, keepdims,), {})
    return _STATE.kernels['any'](x, axis, keepdims)


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in ``[start, stop)``; int32 for integer arguments, else floatx."""
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


def bartlett(x):
    """The Bartlett (triangular) window of length ``x``."""
    return _STATE.kernels['bartlett'](x)


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


def bitwise_or(x, y):
    """Bitwise OR of integers."""
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_or'], (x, y,), {})
    return _STATE.kernels['bitwise_or'](x, y)


def bitwise_xor(x, y):
    """Bitwise XOR of integers."""
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_xor'], (x, y,), {})
    return _STATE.kernels['bitwise_xor'](x, y)


def blackman(x):
    """The Blackman window of length ``x``."""
    return _STATE.kernels['blackman'](x)


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


def concatenate(xs, axis=0):
    """Joins tensors along an existing axis."""
    if _any_special(xs):
        return _slow(_REGISTRY['concatenate'], (xs, axis,), {})
    return _STATE.kernels['concatenate'](xs, axis)


def conj(x):
    """The complex conjugate of ``x`` (``x`` itself for a real tensor)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['conj'], (x,), {})
    return _STATE.kernels['conj'](x)


def conjugate(x):
    """The complex conjugate of ``x`` (Keras's alias of :func:`conj`)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['conjugate'], (x,), {})
    return _STATE.kernels['conjugate'](x)


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


def ctc_decode(inputs, sequence_lengths, strategy='greedy', beam_width=100, top_paths=1, merge_repeated=True, mask_index=0):
    """Decodes CTC outputs. Returns ``(decoded, scores)``: ``decoded`` is int32
    ``(top_paths, batch, max_time)``, each path's labels first and ``-1`` after; ``scores`` is
    ``(batch, top_paths)``.

    ``strategy="greedy"``: the best class per step, repeats merged (``merge_repeated``), blanks
    (``mask_index``) dropped; ``top_paths`` is 1 and the score is ``-sum`` of the best raw
    ``inputs`` values (as Keras). ``strategy="beam_search"``: a prefix beam search of width
    ``beam_width`` on ``log_softmax(inputs)``; scores are the paths' log-probabilities, best
    first (repeats are always merged, as in CTC).
    """
    if isinstance(inputs, _Special) or isinstance(sequence_lengths, _Special):
        return _slow(_REGISTRY['ctc_decode'], (inputs, sequence_lengths, strategy, beam_width, top_paths, merge_repeated, mask_index,), {})
    return _STATE.kernels['ctc_decode'](inputs, sequence_lengths, strategy, beam_width, top_paths, merge_repeated, mask_index)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sequence CTC loss ``-log p(target | output)`` of shape ``(batch,)``. ``output`` holds
    logits (normalized with ``log_softmax`` over classes); only the first ``output_length[b]``
    steps and ``target_length[b]`` labels count; ``mask_index`` is the blank class. An alignment
    that cannot exist (too short an output) gives a loss of about 1e30 instead of inf.
    """
    if isinstance(target, _Special) or isinstance(output, _Special) or isinstance(target_length, _Special) or isinstance(output_length, _Special):
        return _slow(_REGISTRY['ctc_loss'], (target, output, target_length, output_length, mask_index,), {})
    return _STATE.kernels['ctc_loss'](target, output, target_length, output_length, mask_index)


def cumprod(x, axis=None):
    """Cumulative product along ``axis`` (flattened if ``None``)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('cumprod', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cumprod'], (x, axis,), {})
    return _STATE.kernels['cumprod'](x, axis)


def cumsum(x, axis=None):
    """Cumulative sum along ``axis`` (flattened if ``None``); accumulated in float64 here."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('cumsum', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cumsum'], (x, axis,), {})
    return _STATE.kernels['cumsum'](x, axis)


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


def divide(x1, x2):
    """True division; integer inputs give floatx."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['divide'], (x1, x2,), {})
    return _STATE.kernels['divide'](x1, x2)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention on ``(batch, seq, heads, head_dim)`` tensors. ``mask`` is
    boolean (``True`` = attend), ``bias`` is added to the logits. ``attn_logits_soft_cap=c``
    caps the (biased) logits softly as ``c * tanh(logits / c)`` before masking.
    ``flash_attention=True`` raises: no dlx backend has a fused attention kernel.
    """
    if isinstance(query, _Special) or isinstance(key, _Special) or isinstance(value, _Special) or isinstance(bias, _Special) or isinstance(mask, _Special):
        return _slow(_REGISTRY['dot_product_attention'], (query, key, value, bias, mask, scale, is_causal, flash_attention, attn_logits_soft_cap,), {})
    return _STATE.kernels['dot_product_attention'](query, key, value, bias, mask, scale, is_causal, flash_attention, attn_logits_soft_cap)


def einsum(subscripts, *operands):
    """Einstein summation (explicit ``->`` output recommended)."""
    if _any_special(operands):
        return _slow(_REGISTRY['einsum'], (subscripts, *operands,), {})
    return _STATE.kernels['einsum'](subscripts, *operands)


def elu(x, alpha=1.0):
    """x if x > 0 else alpha * (exp(x) - 1)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['elu'], (x, alpha,), {})
    return _STATE.kernels['elu'](x, alpha)


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


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` along the last axis, every ``sequence_stride`` steps:
    ``(..., num_frames, sequence_length)`` with ``num_frames = (n - sequence_length) //
    sequence_stride + 1``.
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['extract_sequences'], (x, sequence_length, sequence_stride,), {})
    return _STATE.kernels['extract_sequences'](x, sequence_length, sequence_stride)


def eye(N, M=None, k=0, dtype=None):
    """A 2-D array with ones on the ``k``-th diagonal."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('eye', 'dtype', dtype)
    return _STATE.kernels['eye'](N, M, k, dtype)


def fft(x):
    """The discrete Fourier transform along the last axis of ``x = (real, imag)``; returns
    ``(real, imag)``.
    """
    if _any_special(x):
        return _slow(_REGISTRY['fft'], (x,), {})
    return _STATE.kernels['fft'](x)


def fft2(x):
    """The 2-D discrete Fourier transform over the last two axes of ``x = (real, imag)``."""
    if _any_special(x):
        return _slow(_REGISTRY['fft2'], (x,), {})
    return _STATE.kernels['fft2'](x)


def flip(x, axis=None):
    """Reverses the order of elements along ``axis`` (all axes if None)."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('flip', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['flip'], (x, axis,), {})
    return _STATE.kernels['flip'](x, axis)


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


def gelu(x, approximate=True):
    """Gaussian error linear unit: ``x * Phi(x)`` (``approximate=True``: the tanh form)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['gelu'], (x, approximate,), {})
    return _STATE.kernels['gelu'](x, approximate)


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


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` where ``a, b`` are the two halves of ``x`` along
    ``axis`` (its size must be even).
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('glu', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['glu'], (x, axis,), {})
    return _STATE.kernels['glu'](x, axis)


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


def hamming(x):
    """The Hamming window of length ``x``."""
    return _STATE.kernels['hamming'](x)


def hanning(x):
    """The Hann window of length ``x``."""
    return _STATE.kernels['hanning'](x)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hard_shrink'], (x, threshold,), {})
    return _STATE.kernels['hard_shrink'](x, threshold)


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


def hard_swish(x):
    """``x * relu6(x + 3) / 6``: Keras's name for :func:`hard_silu`."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hard_swish'], (x,), {})
    return _STATE.kernels['hard_swish'](x)


def hard_tanh(x):
    """``clip(x, -1, 1)``."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hard_tanh'], (x,), {})
    return _STATE.kernels['hard_tanh'](x)


def ifft2(x):
    """The inverse 2-D discrete Fourier transform over the last two axes of ``x = (real, imag)``."""
    if _any_special(x):
        return _slow(_REGISTRY['ifft2'], (x,), {})
    return _STATE.kernels['ifft2'](x)


def imag(x):
    """The imaginary part of ``x`` (zeros for a real tensor)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['imag'], (x,), {})
    return _STATE.kernels['imag'](x)


def irfft(x, fft_length=None):
    """The inverse of :func:`rfft`: a real signal of ``fft_length`` (default ``2 * (bins - 1)``)
    from the half spectrum ``x = (real, imag)``.
    """
    if _any_special(x):
        return _slow(_REGISTRY['irfft'], (x, fft_length,), {})
    return _STATE.kernels['irfft'](x, fft_length)


def isfinite(x):
    """True where ``x`` is neither infinite nor NaN."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isfinite'], (x,), {})
    return _STATE.kernels['isfinite'](x)


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


def isreal(x):
    """Elementwise: whether the imaginary part is 0 (all ``True`` for a real tensor)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isreal'], (x,), {})
    return _STATE.kernels['isreal'](x)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window='hann', center=True):
    """Inverse short-time Fourier transform of ``x = (real, imag)`` frames ``(..., num_frames,
    fft_length // 2 + 1)``: each frame's :func:`irfft` times the window, overlap-added and divided
    by the overlap-added squared window (as Keras; with ``window=None`` the sum of frames is
    scaled by ``fft_length / (overlap count * sequence_stride)``). ``center=True`` drops
    ``fft_length // 2`` samples each side; ``length`` fixes the output length.
    """
    if _any_special(x):
        return _slow(_REGISTRY['istft'], (x, sequence_length, sequence_stride, fft_length, length, window, center,), {})
    return _STATE.kernels['istft'](x, sequence_length, sequence_stride, fft_length, length, window, center)


def kaiser(x, beta):
    """The Kaiser window of length ``x`` with shape parameter ``beta``."""
    return _STATE.kernels['kaiser'](x, beta)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Normalizes over ``axis`` to zero mean / unit variance, then ``* gamma + beta``.
    ``epsilon=None`` means 1e-7 (Keras's ``backend.epsilon()``). Keras's deprecated
    ``rms_scaling=True`` keyword scales ``x`` by ``1 / sqrt(variance + epsilon)`` without centering
    and ignores ``beta``.
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('layer_normalization', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(gamma, _Special) or isinstance(beta, _Special):
        return _slow(_REGISTRY['layer_normalization'], (x, gamma, beta, axis, epsilon,), {**kwargs})
    return _STATE.kernels['layer_normalization'](x, gamma, beta, axis, epsilon, **kwargs)


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


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    """``num`` evenly spaced values from ``start`` to ``stop``."""
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('linspace', 'dtype', dtype)
    return _STATE.kernels['linspace'](start, stop, num, endpoint, dtype)


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


def max(x, axis=None, keepdims=False):
    """Maximum over ``axis`` (NaN propagates). Gradient splits evenly between ties."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('max', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('max', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['max'], (x, axis, keepdims,), {})
    return _STATE.kernels['max'](x, axis, keepdims)


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


def min(x, axis=None, keepdims=False):
    """Minimum over ``axis`` (NaN propagates). Gradient splits evenly between ties."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('min', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('min', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['min'], (x, axis, keepdims,), {})
    return _STATE.kernels['min'](x, axis, keepdims)


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


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encodes integer ``inputs``: 1 for each class present (over axis 1 of a batch of
    rows, or over a single vector), else 0. ``num_tokens`` is accepted for ``num_classes``
    (Keras's older name); ``sparse=True`` raises (dlx tensors are dense).
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(inputs, 'shape', ())) <= axis < (len(getattr(inputs, 'shape', ())) or 1):
        _check_axis('multi_hot', 'axis', axis, inputs if hasattr(inputs, 'shape') else None)
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('multi_hot', 'dtype', dtype)
    if isinstance(inputs, _Special):
        return _slow(_REGISTRY['multi_hot'], (inputs, num_classes, axis, dtype, sparse,), {**kwargs})
    return _STATE.kernels['multi_hot'](inputs, num_classes, axis, dtype, sparse, **kwargs)


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


def normalize(x, axis=-1, order=2, epsilon=None):
    """``x / max(norm(x, order), epsilon)`` along ``axis`` (``epsilon`` defaults to 1e-7, Keras's
    ``backend.epsilon()``). A scalar ``x`` is treated as a vector of length 1.
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('normalize', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['normalize'], (x, axis, order, epsilon,), {})
    return _STATE.kernels['normalize'](x, axis, order, epsilon)


def not_equal(x1, x2):
    """``not_equal`` comparison with broadcasting; returns bool."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['not_equal'], (x1, x2,), {})
    return _STATE.kernels['not_equal'](x1, x2)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encodes integer ``x`` (out-of-range values give all zeros). ``sparse=True`` (a
    sparse result in Keras) raises: dlx tensors are dense.
    """
    if axis is not None and axis.__class__ is not int:
        _check_axis('one_hot', 'axis', axis, None)
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('one_hot', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['one_hot'], (x, num_classes, axis, dtype, sparse,), {})
    return _STATE.kernels['one_hot'](x, num_classes, axis, dtype, sparse)


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


def prod(x, axis=None, keepdims=False):
    """Product over ``axis``."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('prod', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('prod', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['prod'], (x, axis, keepdims,), {})
    return _STATE.kernels['prod'](x, axis, keepdims)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: ``20 log10(max_val) - 10 log10(mean((x1 - x2)**2))``
    over all elements (a scalar).
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special) or isinstance(max_val, _Special):
        return _slow(_REGISTRY['psnr'], (x1, x2, max_val,), {})
    return _STATE.kernels['psnr'](x1, x2, max_val)


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


def real(x):
    """The real part of ``x`` (``x`` itself for a real tensor)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['real'], (x,), {})
    return _STATE.kernels['real'](x)


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


def rfft(x, fft_length=None):
    """The discrete Fourier transform of real ``x`` along the last axis, bins ``0 ..
    fft_length // 2`` (``x`` is cropped or zero-padded to ``fft_length``); returns ``(real, imag)``.
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['rfft'], (x, fft_length,), {})
    return _STATE.kernels['rfft'](x, fft_length)


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


def scatter_add(x, indices, updates):
    """``x`` with ``updates`` added at ``indices`` (last axis of indices indexes x's leading
    axes; repeated indices accumulate).
    """
    if isinstance(x, _Special) or isinstance(indices, _Special) or isinstance(updates, _Special):
        return _slow(_REGISTRY['scatter_add'], (x, indices, updates,), {})
    return _STATE.kernels['scatter_add'](x, indices, updates)


def selu(x):
    """Scaled ELU with the self-normalizing constants."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['selu'], (x,), {})
    return _STATE.kernels['selu'](x)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """Depthwise convolution with ``depthwise_kernel`` ``(*window, in_channels,
    depth_multiplier)``, then a 1x1 convolution with ``pointwise_kernel`` ``(*ones,
    in_channels * depth_multiplier, out_channels)``.
    """
    if padding != 'valid' and padding != 'same':
        if str(padding).lower() in ('valid', 'same'):
            padding = str(padding).lower()
        else:
            _bad('separable_conv', 'padding', padding, "'valid' or 'same'")
    if data_format not in _FORMATS:
        _bad('separable_conv', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(inputs, _Special) or isinstance(depthwise_kernel, _Special) or isinstance(pointwise_kernel, _Special):
        return _slow(_REGISTRY['separable_conv'], (inputs, depthwise_kernel, pointwise_kernel, strides, padding, data_format, dilation_rate,), {})
    return _STATE.kernels['separable_conv'](inputs, depthwise_kernel, pointwise_kernel, strides, padding, data_format, dilation_rate)


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


def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['soft_shrink'], (x, threshold,), {})
    return _STATE.kernels['soft_shrink'](x, threshold)


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


def sparse_plus(x):
    """0 for ``x <= -1``, ``x`` for ``x >= 1``, ``(x + 1)**2 / 4`` between."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sparse_plus'], (x,), {})
    return _STATE.kernels['sparse_plus'](x)


def sparse_sigmoid(x):
    """0 for ``x <= -1``, 1 for ``x >= 1``, ``(x + 1) / 2`` between."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sparse_sigmoid'], (x,), {})
    return _STATE.kernels['sparse_sigmoid'](x)


def sparsemax(x, axis=-1):
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis``:
    ``max(x - tau, 0)`` with ``tau`` chosen so the result sums to 1.
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('sparsemax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sparsemax'], (x, axis,), {})
    return _STATE.kernels['sparsemax'](x, axis)


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


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``, evaluated without cancellation (``b / (2 (s - x))`` for
    ``x < 0``) or overflow (``s = hypot(x, sqrt(b))``).
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['squareplus'], (x, b,), {})
    return _STATE.kernels['squareplus'](x, b)


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


def stft(x, sequence_length, sequence_stride, fft_length, window='hann', center=True):
    """Short-time Fourier transform along the last axis: ``(real, imag)`` of shape ``(...,
    num_frames, fft_length // 2 + 1)``. Frames of ``fft_length`` every ``sequence_stride`` steps
    (``center=True`` reflect-pads the signal by ``fft_length // 2`` each side) are multiplied by
    ``window`` -- ``"hann"``, ``"hamming"`` (periodic, ``sequence_length`` long, centered in
    ``fft_length`` with zeros), a ``(sequence_length,)`` tensor, or ``None`` (ones) -- then
    transformed with :func:`rfft`. ``x`` must be float32 or float64.
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['stft'], (x, sequence_length, sequence_stride, fft_length, window, center,), {})
    return _STATE.kernels['stft'](x, sequence_length, sequence_stride, fft_length, window, center)


def stop_gradient(x):
    """Returns ``x``; no gradient flows through it."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['stop_gradient'], (x,), {})
    return _STATE.kernels['stop_gradient'](x)


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


def swish(x):
    """``x * sigmoid(x)``: Keras's name for :func:`silu`."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['swish'], (x,), {})
    return _STATE.kernels['swish'](x)


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


def tanh_shrink(x):
    """``x - tanh(x)``."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['tanh_shrink'], (x,), {})
    return _STATE.kernels['tanh_shrink'](x)


def tensordot(x1, x2, axes=2):
    """Tensor contraction over ``axes`` (an int, or a pair of axis lists)."""
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['tensordot'], (x1, x2, axes,), {})
    return _STATE.kernels['tensordot'](x1, x2, axes)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['threshold'], (x, threshold, default_value,), {})
    return _STATE.kernels['threshold'](x, threshold, default_value)


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


def trunc(x):
    """Trunc of ``x``, elementwise (integers become floatx)."""
    if isinstance(x, _Special):
        return _slow(_REGISTRY['trunc'], (x,), {})
    return _STATE.kernels['trunc'](x)


def var(x, axis=None, keepdims=False):
    """Population variance (two-pass) over ``axis``."""
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('var', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('var', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['var'], (x, axis, keepdims,), {})
    return _STATE.kernels['var'](x, axis, keepdims)


def where(condition, x1, x2):
    """``x1`` where ``condition`` holds, else ``x2``."""
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
    'adam_update',
    'adaptive_average_pool',
    'adaptive_max_pool',
    'add',
    'all',
    'angle',
    'any',
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
    'average_pool',
    'bartlett',
    'batch_normalization',
    'binary_crossentropy',
    'bitcast_uint32_to_float32',
    'bitwise_and',
    'bitwise_invert',
    'bitwise_or',
    'bitwise_xor',
    'blackman',
    'broadcast_to',
    'cast',
    'categorical_crossentropy',
    'ceil',
    'celu',
    'clip',
    'concatenate',
    'conj',
    'conjugate',
    'conv',
    'conv_transpose',
    'cos',
    'cosh',
    'ctc_decode',
    'ctc_loss',
    'cumprod',
    'cumsum',
    'dense',
    'depthwise_conv',
    'divide',
    'dot_product_attention',
    'einsum',
    'elu',
    'equal',
    'erf',
    'erfinv',
    'exp',
    'exp2',
    'expand_dims',
    'expm1',
    'extract_sequences',
    'eye',
    'fft',
    'fft2',
    'flip',
    'floor',
    'floor_divide',
    'full',
    'full_like',
    'gather_nd',
    'gelu',
    'get_item',
    'get_item_grad',
    'glu',
    'greater',
    'greater_equal',
    'hamming',
    'hanning',
    'hard_shrink',
    'hard_sigmoid',
    'hard_silu',
    'hard_swish',
    'hard_tanh',
    'ifft2',
    'imag',
    'irfft',
    'isfinite',
    'isinf',
    'isnan',
    'isreal',
    'istft',
    'kaiser',
    'layer_normalization',
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
    'logical_and',
    'logical_not',
    'logical_or',
    'logical_xor',
    'logsumexp',
    'matmul',
    'max',
    'max_pool',
    'maximum',
    'mean',
    'min',
    'minimum',
    'mish',
    'mod',
    'moments',
    'moveaxis',
    'multi_hot',
    'multiply',
    'nan_to_num',
    'negative',
    'norm',
    'normalize',
    'not_equal',
    'one_hot',
    'ones',
    'ones_like',
    'outer',
    'pad',
    'power',
    'prod',
    'psnr',
    'random_bits',
    'random_categorical',
    'random_dropout',
    'random_normal',
    'random_randint',
    'random_shuffle',
    'random_truncated_normal',
    'random_uniform',
    'ravel',
    'real',
    'reciprocal',
    'relu',
    'relu6',
    'repeat',
    'reshape',
    'rfft',
    'right_shift',
    'rms_normalization',
    'roll',
    'round',
    'rsqrt',
    'scatter_add',
    'selu',
    'separable_conv',
    'sigmoid',
    'sign',
    'silu',
    'sin',
    'sinh',
    'slice',
    'slice_update',
    'soft_shrink',
    'softmax',
    'softplus',
    'softsign',
    'sort',
    'sparse_categorical_crossentropy',
    'sparse_plus',
    'sparse_sigmoid',
    'sparsemax',
    'split',
    'sqrt',
    'square',
    'squareplus',
    'squeeze',
    'stack',
    'std',
    'stft',
    'stop_gradient',
    'subtract',
    'sum',
    'swapaxes',
    'swish',
    'take',
    'take_along_axis',
    'take_along_axis_grad',
    'tan',
    'tanh',
    'tanh_shrink',
    'tensordot',
    'threshold',
    'tile',
    'top_k',
    'transpose',
    'tril',
    'triu',
    'trunc',
    'var',
    'where',
    'zeros',
    'zeros_like',
]
