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
    """Absolute value, elementwise.

    Arguments:
        x: input tensor.

    Returns:
        ``|x|``, a tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.abs(np.array([-1.5, 0.0, 2.0]))
    array([1.5, 0. , 2. ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['abs'], (x,), {})
    return _STATE.kernels['abs'](x)


def absolute(x):
    """Absolute value, elementwise (Keras's alias of ``abs``).

    Arguments:
        x: input tensor.

    Returns:
        ``|x|``, a tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.absolute(np.array([-1, 0, 2]))
    array([1, 0, 2])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['absolute'], (x,), {})
    return _STATE.kernels['absolute'](x)


def adadelta_update(variable, gradient, accumulated_grad, accumulated_delta, learning_rate, rho=0.95, epsilon=1e-07):
    """One Adadelta step: returns ``(new_variable, new_accumulated_grad, new_accumulated_delta)``
    with ``new_eg = rho eg + (1 - rho) gradient**2``,
    ``delta = -sqrt(ed + epsilon) / sqrt(new_eg + epsilon) * gradient``,
    ``new_ed = rho ed + (1 - rho) delta**2`` and ``new_variable = variable + learning_rate * delta``.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        accumulated_grad: ``eg``, the running mean of squared gradients, same shape.
        accumulated_delta: ``ed``, the running mean of squared updates, same shape.
        learning_rate: the factor applied to ``delta``, a scalar tensor.
        rho: the decay rate of both running means (a Python float).
        epsilon: added under both square roots for numerical stability.

    Returns:
        The tuple ``(new_variable, new_accumulated_grad, new_accumulated_delta)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2)
    >>> new_w, new_grad_acc, new_delta_acc = ops.adadelta_update(w, g, zeros, zeros, np.array(1.0))
    >>> np.round(new_w, 4), np.round(new_grad_acc, 4)
    (array([0.9986, 2.0014]), array([0.0125, 0.05  ]))
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(accumulated_grad, _Special) or isinstance(accumulated_delta, _Special) or isinstance(learning_rate, _Special):
        return _slow(_REGISTRY['adadelta_update'], (variable, gradient, accumulated_grad, accumulated_delta, learning_rate, rho, epsilon,), {})
    return _STATE.kernels['adadelta_update'](variable, gradient, accumulated_grad, accumulated_delta, learning_rate, rho, epsilon)


def adagrad_update(variable, gradient, accumulator, learning_rate, epsilon=1e-07):
    """One Adagrad step: returns ``(new_variable, new_accumulator)`` with
    ``new_accumulator = accumulator + gradient**2`` and
    ``new_variable = variable - learning_rate * gradient / sqrt(new_accumulator + epsilon)``.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        accumulator: the sum of squared gradients so far, same shape.
        learning_rate: the step size, a scalar tensor.
        epsilon: added under the square root for numerical stability.

    Returns:
        The tuple ``(new_variable, new_accumulator)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    >>> new_w, new_accumulator = ops.adagrad_update(w, g, np.zeros(2), np.array(0.1))
    >>> np.round(new_w, 4), new_accumulator
    (array([0.9, 2.1]), array([0.25, 1.  ]))
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(accumulator, _Special) or isinstance(learning_rate, _Special):
        return _slow(_REGISTRY['adagrad_update'], (variable, gradient, accumulator, learning_rate, epsilon,), {})
    return _STATE.kernels['adagrad_update'](variable, gradient, accumulator, learning_rate, epsilon)


def adam_update(variable, gradient, m, v, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-07):
    """One Adam step for one weight: returns ``(new_variable, new_m, new_v)`` with
    ``new_m = m + (gradient - m)(1 - beta_1)``, ``new_v = v + (gradient**2 - v)(1 - beta_2)`` and
    ``new_variable = variable - new_m * alpha / (sqrt(new_v) + epsilon)``; ``alpha`` is the step
    size with the bias corrections folded in (a scalar tensor).

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the first-moment (mean of gradients) estimate, same shape.
        v: the second-moment (mean of squared gradients) estimate, same shape.
        alpha: the step size with Adam's bias corrections folded in, a scalar tensor:
            ``learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` at step ``t``.
        beta_1: the decay rate of the first moment ``m`` (a Python float).
        beta_2: the decay rate of the second moment ``v`` (a Python float).
        epsilon: added to the denominator for numerical stability.

    Returns:
        The tuple ``(new_variable, new_m, new_v)``, each of ``variable``'s shape, in the promoted
        dtype of the tensor arguments.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    >>> new_w, new_m, new_v = ops.adam_update(w, g, np.zeros(2), np.zeros(2), np.array(0.01))
    >>> np.round(new_w, 4), np.round(new_m, 4), np.round(new_v, 4)
    (array([0.9684, 2.0316]), array([ 0.05, -0.1 ]), array([0.0003, 0.001 ]))
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(m, _Special) or isinstance(v, _Special) or isinstance(alpha, _Special):
        return _slow(_REGISTRY['adam_update'], (variable, gradient, m, v, alpha, beta_1, beta_2, epsilon,), {})
    return _STATE.kernels['adam_update'](variable, gradient, m, v, alpha, beta_1, beta_2, epsilon)


def adamax_update(variable, gradient, m, u, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-07):
    """One Adamax step: returns ``(new_variable, new_m, new_u)`` with
    ``new_m = m + (gradient - m)(1 - beta_1)``, ``new_u = max(beta_2 u, |gradient|)`` and
    ``new_variable = variable - alpha * new_m / (new_u + epsilon)``; ``alpha`` is the learning rate
    over ``1 - beta_1**t`` (a scalar tensor).

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the first-moment estimate, same shape.
        u: the exponentially weighted infinity norm of the gradients, same shape.
        alpha: ``learning_rate / (1 - beta_1**t)`` at step ``t``, a scalar tensor.
        beta_1: the decay rate of ``m`` (a Python float).
        beta_2: the decay rate of ``u`` (a Python float).
        epsilon: added to the denominator for numerical stability.

    Returns:
        The tuple ``(new_variable, new_m, new_u)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2)
    >>> new = ops.adamax_update(w, g, zeros, zeros, np.array(0.01))
    >>> tuple(np.round(x, 4) for x in new)  # (variable, m, u)
    (array([0.999, 2.001]), array([ 0.05, -0.1 ]), array([0.5, 1. ]))
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(m, _Special) or isinstance(u, _Special) or isinstance(alpha, _Special):
        return _slow(_REGISTRY['adamax_update'], (variable, gradient, m, u, alpha, beta_1, beta_2, epsilon,), {})
    return _STATE.kernels['adamax_update'](variable, gradient, m, u, alpha, beta_1, beta_2, epsilon)


def adamw_update(variable, gradient, m, v, alpha, rate, beta_1=0.9, beta_2=0.999, epsilon=1e-07):
    """``adam_update`` after decoupled weight decay, in one op: the variable first becomes
    ``variable - variable * rate`` (``rate``: weight decay times learning rate, a scalar tensor;
    see ``weight_decay_update``), then takes the Adam step.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the first-moment estimate, same shape.
        v: the second-moment estimate, same shape.
        alpha: the step size with Adam's bias corrections folded in, a scalar tensor:
            ``learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` at step ``t``.
        rate: the decay applied first, ``weight_decay * learning_rate`` (a scalar tensor).
        beta_1: the decay rate of the first moment ``m`` (a Python float).
        beta_2: the decay rate of the second moment ``v`` (a Python float).
        epsilon: added to the denominator for numerical stability.

    Returns:
        The tuple ``(new_variable, new_m, new_v)``, as :func:`adam_update`.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2)
    >>> new = ops.adamw_update(w, g, zeros, zeros, np.array(0.01), np.array(0.1))
    >>> tuple(np.round(x, 4) for x in new)  # (variable, m, v)
    (array([0.8684, 1.8316]), array([ 0.05, -0.1 ]), array([0.0003, 0.001 ]))
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(m, _Special) or isinstance(v, _Special) or isinstance(alpha, _Special) or isinstance(rate, _Special):
        return _slow(_REGISTRY['adamw_update'], (variable, gradient, m, v, alpha, rate, beta_1, beta_2, epsilon,), {})
    return _STATE.kernels['adamw_update'](variable, gradient, m, v, alpha, rate, beta_1, beta_2, epsilon)


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Averages ``inputs`` (``(batch, *spatial, channels)``, or channels first) over adaptive
    windows so the spatial shape becomes ``output_size`` (an int or one per spatial axis).

    Output index ``i`` of an axis of length ``L`` averages the input window
    ``[floor(i * L / out), ceil((i + 1) * L / out))``; windows overlap when ``L`` is not a multiple
    of ``out``, and ``out > L`` repeats input positions.

    Arguments:
        inputs: a tensor with a batch axis, a channel axis and 1 or more spatial axes of known
            size; integer inputs are pooled in ``float32``.
        output_size: the output spatial shape: a positive int for every spatial axis, or a tuple
            or list of positive ints, one per axis.
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        A float tensor with spatial shape ``output_size``, batch and channels unchanged.

    Raises:
        ValueError: for an input without spatial axes, an invalid ``data_format`` or
            ``output_size``, or unknown spatial sizes.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> ops.adaptive_average_pool(x, 2)[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    if data_format not in _FORMATS:
        _bad('adaptive_average_pool', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(inputs, _Special):
        return _slow(_REGISTRY['adaptive_average_pool'], (inputs, output_size, data_format,), {})
    return _STATE.kernels['adaptive_average_pool'](inputs, output_size, data_format)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """The maximum of ``inputs`` over adaptive windows (see :func:`adaptive_average_pool`).

    Arguments:
        inputs: a tensor with a batch axis, a channel axis and 1 or more spatial axes of known
            size; integer inputs are pooled in ``float32``.
        output_size: the output spatial shape: a positive int for every spatial axis, or a tuple
            or list of positive ints, one per axis.
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        A float tensor with spatial shape ``output_size``, batch and channels unchanged.

    Raises:
        ValueError: for an input without spatial axes, an invalid ``data_format`` or
            ``output_size``, or unknown spatial sizes.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> ops.adaptive_max_pool(x, 2)[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    if data_format not in _FORMATS:
        _bad('adaptive_max_pool', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(inputs, _Special):
        return _slow(_REGISTRY['adaptive_max_pool'], (inputs, output_size, data_format,), {})
    return _STATE.kernels['adaptive_max_pool'](inputs, output_size, data_format)


def add(x1, x2):
    """``x1 + x2`` with broadcasting.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.add(np.array([1, 2, 3]), 10)
    array([11, 12, 13])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['add'], (x1, x2,), {})
    return _STATE.kernels['add'](x1, x2)


def affine_transform(images, transform, interpolation='bilinear', fill_mode='constant', fill_value=0, data_format=None):
    """Applies ``transform = [a0, a1, a2, b0, b1, b2, c0, c1]`` (one per image or one for all):
    output pixel ``(x, y)`` reads the input at ``(a0 x + a1 y + a2, b0 x + b1 y + b2)``.

    ``c0`` / ``c1`` are taken as Keras 3's JAX, PyTorch and NumPy backends take them (added times
    the channel index, no projective division); leave them 0 for portable results.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says.
        transform: ``(8,)`` for every image or ``(batch, 8)``, one per image; it maps output
            coordinates to input coordinates (the inverse of the visible motion).
        interpolation: ``"bilinear"`` (weighted mean of the 4 nearest pixels) or
            ``"nearest"`` (the nearest pixel, coordinates rounded half away from zero).
        fill_mode: how coordinates outside the input are read: ``"constant"`` (every
            out-of-range tap reads ``fill_value``), ``"nearest"`` (the closest edge pixel:
            ``a a | a b c d | d d``), ``"wrap"`` (periodic: ``c d | a b c d | a b``), ``"mirror"``
            (reflected about the edge pixels' centres: ``c b | a b c d | c b``) or ``"reflect"``
            (reflected about the edges, repeating the edge pixel: ``b a | a b c d | d c``).
        fill_value: the value read outside the input with ``fill_mode="constant"``.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The transformed images, ``images``' shape and dtype.

    Raises:
        ValueError: for an unknown ``interpolation`` or ``fill_mode``, a ``transform`` that is
            not ``(8,)`` / ``(batch, 8)`` (or whose batch differs from the images'), an ``images``
            rank other than 3 or 4, or an invalid ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> shift = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0])  # output (y, x) reads input (y, x + 1)
    >>> image.affine_transform(x, shift)[0, :, :, 0]
    array([[1., 2., 0.],
           [4., 5., 0.],
           [7., 8., 0.]])
    """
    if data_format not in _FORMATS:
        _bad('affine_transform', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special) or isinstance(transform, _Special):
        return _slow(_REGISTRY['affine_transform'], (images, transform, interpolation, fill_mode, fill_value, data_format,), {})
    return _STATE.kernels['affine_transform'](images, transform, interpolation, fill_mode, fill_value, data_format)


def all(x, axis=None, keepdims=False):
    """True where every element along ``axis`` is truthy.

    Arguments:
        x: input tensor; nonzero entries count as true.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A bool tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.all(np.array([[True, False], [True, True]]), axis=1)
    array([False,  True])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('all', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('all', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['all'], (x, axis, keepdims,), {})
    return _STATE.kernels['all'](x, axis, keepdims)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if ``isclose`` holds everywhere (a scalar bool tensor).

    Arguments:
        x1: first tensor.
        x2: second tensor, broadcast against ``x1``; it is the reference the relative tolerance
            scales with. Both are compared in their promoted dtype (integers and bools as floats).
        rtol: relative tolerance (default ``1e-05``).
        atol: absolute tolerance (default ``1e-08``).
        equal_nan: whether NaNs in the same place count as close (default ``False``).

    Returns:
        A scalar bool tensor: whether every pair of broadcast elements is close.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.allclose(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]))
    array(True)
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['allclose'], (x1, x2, rtol, atol, equal_nan,), {})
    return _STATE.kernels['allclose'](x1, x2, rtol, atol, equal_nan)


def amax(x, axis=None, keepdims=False):
    """Maximum over ``axis`` (Keras's alias of ``max``; NaN propagates).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s dtype: ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.amax(np.array([[1, 5], [4, 2]]), axis=0)
    array([4, 5])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('amax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('amax', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['amax'], (x, axis, keepdims,), {})
    return _STATE.kernels['amax'](x, axis, keepdims)


def amin(x, axis=None, keepdims=False):
    """Minimum over ``axis`` (Keras's alias of ``min``; NaN propagates).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s dtype: ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.amin(np.array([[1, 5], [4, 2]]), axis=1)
    array([1, 2])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('amin', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('amin', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['amin'], (x, axis, keepdims,), {})
    return _STATE.kernels['amin'](x, axis, keepdims)


def amsgrad_update(variable, gradient, m, v, v_hat, alpha, beta_1=0.9, beta_2=0.999, epsilon=1e-07):
    """One AMSGrad step (Adam with ``amsgrad=True``): returns ``(new_variable, new_m, new_v,
    new_v_hat)`` with Adam's moments (see ``adam_update``), ``new_v_hat = max(v_hat, new_v)`` and
    ``new_variable = variable - new_m * alpha / (sqrt(new_v_hat) + epsilon)``.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the first-moment estimate, same shape.
        v: the second-moment estimate, same shape.
        v_hat: the running maximum of ``v``, same shape.
        alpha: the step size with Adam's bias corrections folded in, a scalar tensor:
            ``learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` at step ``t``.
        beta_1: the decay rate of the first moment ``m`` (a Python float).
        beta_2: the decay rate of the second moment ``v`` (a Python float).
        epsilon: added to the denominator for numerical stability.

    Returns:
        The tuple ``(new_variable, new_m, new_v, new_v_hat)``, each of ``variable``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2)
    >>> new = ops.amsgrad_update(w, g, zeros, zeros, zeros, np.array(0.01))
    >>> tuple(np.round(x, 4) for x in new)  # (variable, m, v, v_hat)
    (array([0.9684, 2.0316]), array([ 0.05, -0.1 ]), array([0.0003, 0.001 ]), array([0.0003, 0.001 ]))
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(m, _Special) or isinstance(v, _Special) or isinstance(v_hat, _Special) or isinstance(alpha, _Special):
        return _slow(_REGISTRY['amsgrad_update'], (variable, gradient, m, v, v_hat, alpha, beta_1, beta_2, epsilon,), {})
    return _STATE.kernels['amsgrad_update'](variable, gradient, m, v, v_hat, alpha, beta_1, beta_2, epsilon)


def angle(x):
    """The argument of ``x``: ``arctan2(imag, real)`` (0 or pi for a real tensor; a signed zero
    counts: ``angle(-0.0)`` is pi). Integer and bool inputs give ``floatx()``.

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A real float tensor of ``x``'s shape, in radians in ``[-pi, pi]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.angle(np.array([1j, -1.0])), 4)
    array([1.5708, 3.1416])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['angle'], (x,), {})
    return _STATE.kernels['angle'](x)


def any(x, axis=None, keepdims=False):
    """True where any element along ``axis`` is truthy.

    Arguments:
        x: input tensor; nonzero entries count as true.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A bool tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.any(np.array([[True, False], [False, False]]), axis=1)
    array([ True, False])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('any', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('any', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['any'], (x, axis, keepdims,), {})
    return _STATE.kernels['any'](x, axis, keepdims)


def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (both flattened if None).

    Arguments:
        x1: the first tensor.
        x2: the tensor to append; with an ``axis``, of ``x1``'s rank and shape except along it.
        axis: the axis to join along (``None``: both are flattened first, giving a 1-D result).

    Returns:
        A new tensor in the promoted dtype of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.append(np.array([1, 2]), np.array([3, 4]))
    array([1, 2, 3, 4])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['append'], (x1, x2, axis,), {})
    return _STATE.kernels['append'](x1, x2, axis)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)`` (``[0, start)`` without ``stop``), ``step`` apart
    (1 if None); int32 for integer arguments, else floatx.

    Arguments:
        start: the first value, or the end of the range (from 0) when ``stop`` is ``None``.
        stop: the end of the range, not included (``None``: see ``start``).
        step: the spacing of the values (``None``: 1).
        dtype: the result's dtype (``None``: from the arguments, as above).

    Returns:
        A 1-D tensor.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.arange(1, 7, 2)
    array([1, 3, 5], dtype=int32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('arange', 'dtype', dtype)
    return _STATE.kernels['arange'](start, stop, step, dtype)


def arccos(x):
    """Inverse cosine.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.arccos(np.array([1.0, 0.5, 0.0])), 4)
    array([0.    , 1.0472, 1.5708])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arccos'], (x,), {})
    return _STATE.kernels['arccos'](x)


def arccosh(x):
    """Inverse hyperbolic cosine.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.arccosh(np.array([1.0, 2.0])), 4)
    array([0.   , 1.317])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arccosh'], (x,), {})
    return _STATE.kernels['arccosh'](x)


def arcsin(x):
    """Inverse sine.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.arcsin(np.array([0.0, 0.5, 1.0])), 4)
    array([0.    , 0.5236, 1.5708])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arcsin'], (x,), {})
    return _STATE.kernels['arcsin'](x)


def arcsinh(x):
    """Inverse hyperbolic sine.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.arcsinh(np.array([0.0, 1.0])), 4)
    array([0.    , 0.8814])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arcsinh'], (x,), {})
    return _STATE.kernels['arcsinh'](x)


def arctan(x):
    """Inverse tangent.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.arctan(np.array([0.0, 1.0, -1.0])), 4)
    array([ 0.    ,  0.7854, -0.7854])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arctan'], (x,), {})
    return _STATE.kernels['arctan'](x)


def arctan2(x1, x2):
    """Angle of the point ``(x2, x1)``, elementwise, in ``[-pi, pi]``.

    Arguments:
        x1: y-coordinates.
        x2: x-coordinates, broadcast against ``x1``.

    Returns:
        The angles in radians, a tensor of the broadcast shape in the operands' promoted dtype,
        or ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.arctan2(np.array([1.0, 1.0, -1.0]), np.array([1.0, -1.0, -1.0])), 4)
    array([ 0.7854,  2.3562, -2.3562])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['arctan2'], (x1, x2,), {})
    return _STATE.kernels['arctan2'](x1, x2)


def arctanh(x):
    """Inverse hyperbolic tangent.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.arctanh(np.array([0.0, 0.5])), 4)
    array([0.    , 0.5493])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['arctanh'], (x,), {})
    return _STATE.kernels['arctanh'](x)


def argmax(x, axis=None, keepdims=False):
    """Index of the maximum (first on ties) as int32.

    Arguments:
        x: input tensor.
        axis: the axis to search along (``None``: the index into the flattened ``x``).
        keepdims: whether the searched axis stays, with length 1 (with ``axis=None``: every
            axis stays as 1).

    Returns:
        An int32 tensor of ``x``'s shape without ``axis`` (a scalar for ``axis=None`` without
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.argmax(np.array([[1, 5, 3], [7, 2, 0]]), axis=1)
    array([1, 0], dtype=int32)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('argmax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('argmax', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['argmax'], (x, axis, keepdims,), {})
    return _STATE.kernels['argmax'](x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index of the minimum (first on ties) as int32.

    Arguments:
        x: input tensor.
        axis: the axis to search along (``None``: the index into the flattened ``x``).
        keepdims: whether the searched axis stays, with length 1 (with ``axis=None``: every
            axis stays as 1).

    Returns:
        An int32 tensor of ``x``'s shape without ``axis`` (a scalar for ``axis=None`` without
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.argmin(np.array([[1, 5, 3], [7, 2, 0]]), axis=1)
    array([0, 2], dtype=int32)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('argmin', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('argmin', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['argmin'], (x, axis, keepdims,), {})
    return _STATE.kernels['argmin'](x, axis, keepdims)


def argpartition(x, kth, axis=-1):
    """Indices (int32) that partition ``x`` along ``axis`` around the ``kth`` entries: each lands
    where a sort would put it, smaller entries before, larger after. dlx returns the stable
    argsort (a valid partition, and the same on every backend); bool is rejected.

    Arguments:
        x: numeric input tensor.
        kth: the position (an int) or positions (a list of ints) that must hold the entry a sort
            would put there; negative positions count from the end.
        axis: the axis to partition along (default -1).

    Returns:
        An int32 tensor of ``x``'s shape: indices along ``axis`` that order ``x`` stably (a
        partition for every ``kth``).

    Raises:
        TypeError: when ``x`` is a bool tensor.
        ValueError: when a ``kth`` is out of range for the axis, or ``axis`` is invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([5, 1, 4, 2, 3])
    >>> x[ops.argpartition(x, 2)[:2]]
    array([1, 2])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('argpartition', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['argpartition'], (x, kth, axis,), {})
    return _STATE.kernels['argpartition'](x, kth, axis)


def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (stable), as int32.

    Arguments:
        x: the input tensor.
        axis: the axis to sort along.

    Returns:
        An int32 tensor of ``x``'s shape: along ``axis``, the indices of ``x``'s values in
        ascending order (equal values keep their order).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.argsort(np.array([3, 1, 2]))
    array([1, 2, 0], dtype=int32)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('argsort', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['argsort'], (x, axis,), {})
    return _STATE.kernels['argsort'](x, axis)


def array_split(x, indices_or_sections, axis=0):
    """Splits into ``indices_or_sections`` sections (the first ``len % n`` one longer; some may be
    empty) or at the given indices, along ``axis``; returns a list.

    Arguments:
        x: the input tensor.
        indices_or_sections: a positive int ``n`` (``n`` sections of as near equal length as
            possible, need not divide the axis) or a list of indices along ``axis`` to cut before.
        axis: the axis to split.

    Returns:
        A list of tensors of ``x``'s dtype.

    Raises:
        ValueError: when ``indices_or_sections`` is an int below 1.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.array_split(np.arange(5), 2)
    [array([0, 1, 2]), array([3, 4])]
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('array_split', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['array_split'], (x, indices_or_sections, axis,), {})
    return _STATE.kernels['array_split'](x, indices_or_sections, axis)


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of ``elems`` (a pytree of arrays with the same length along ``axis``) with
    the associative binary function ``f(a, b)``: element ``i`` is
    ``f(...f(f(e0, e1), e2)..., ei)``, computed as a parallel prefix (``O(log n)`` depth), so
    the grouping differs from a sequential loop. ``reverse`` scans from the end.

    Arguments:
        f: an associative callable ``(a, b) -> c``: ``a`` and ``b`` are in ``elems``'s structure
            and hold several elements each along ``axis``; ``f`` must combine them element by
            element (as ``add`` does) and return the same structure.
        elems: a tensor or a pytree of tensors of one length along ``axis``.
        reverse: whether to scan from the end (element ``i`` then combines ``ei`` with all the
            elements after it).
        axis: the axis to scan along.

    Returns:
        The running combinations, in ``elems``'s structure and shapes.

    Raises:
        TypeError: when ``f`` is not callable.
        ValueError: when ``elems`` holds no tensors, or its tensors differ in length along ``axis``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.associative_scan(ops.add, np.array([1, 2, 3, 4]))
    array([ 1,  3,  6, 10])
    >>> ops.associative_scan(ops.maximum, np.array([1, 3, 2, 5]), reverse=True)
    array([5, 5, 5, 5])
    """
    if isinstance(elems, _Special):
        return _slow(_REGISTRY['associative_scan'], (f, elems, reverse, axis,), {})
    return _STATE.kernels['associative_scan'](f, elems, reverse, axis)


def average(x, axis=None, weights=None):
    """Weighted mean ``sum(x * weights) / sum(weights)`` over ``axis`` (the plain mean without
    ``weights``); integers give floatx, the dtype is that of ``x`` and ``weights`` promoted.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to average over (``None``: all axes).
        weights: the weight of each entry: a tensor of ``x``'s shape, or a 1-D tensor of length
            ``x.shape[axis]`` when ``axis`` is an int (``None``: equal weights).

    Returns:
        A float tensor of ``x``'s shape without the averaged axes, in the promoted dtype of
        ``x`` and ``weights`` (``floatx()`` when that is an integer or bool dtype).

    Raises:
        ValueError: when ``weights`` has neither ``x``'s shape nor the 1-D shape above, or
            ``axis`` is invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.average(np.array([1.0, 2.0, 3.0]), weights=np.array([3.0, 1.0, 0.0]))
    array(1.25)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('average', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(weights, _Special):
        return _slow(_REGISTRY['average'], (x, axis, weights,), {})
    return _STATE.kernels['average'](x, axis, weights)


def average_pool(inputs, pool_size, strides=None, padding='valid', data_format=None):
    """Average pooling; with ``padding='same'`` padded positions are not counted.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says.
        pool_size: the window size: an int for every spatial dim or a tuple of ``N``.
        strides: the window step: an int or a tuple of ``N``; ``None`` means ``pool_size``.
        padding: ``"valid"`` (windows that fit) or ``"same"`` (output length
            ``ceil(length / stride)``; each window averages only its real positions);
            case-insensitive.
        data_format: ``"channels_last"`` (inputs are ``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The pooled tensor, channels unchanged.

    Raises:
        ValueError: when ``padding`` is not ``"valid"`` / ``"same"`` or ``data_format`` is not one of
            the two layouts (or ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 0.0]).reshape(1, 6, 1)
    >>> ops.average_pool(x, 2)[0, :, 0]
    array([2. , 3.5, 2. ])
    """
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
    """The Bartlett (triangular) window of length ``x``: 0 at both ends, rising linearly to 1 in the middle.

    Arguments:
        x: the window length, a Python int (``x <= 0`` gives an empty window, 1 gives ``[1.0]``).

    Returns:
        A ``(x,)`` tensor of ``floatx()``: the symmetric window (its first and last samples
        mirror each other), as NumPy computes it.

    Raises:
        TypeError: when ``x`` is not an int.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bartlett(5)
    array([0. , 0.5, 1. , 0.5, 0. ], dtype=float32)
    """
    return _STATE.kernels['bartlett'](x)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=0.001):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset`` with per-``axis`` statistics.

    Arguments:
        x: the input tensor.
        mean: the per-channel means, a 1-D tensor of length ``x.shape[axis]``.
        variance: the per-channel variances, same shape as ``mean``.
        axis: the channel axis of ``x`` the statistics index (an int).
        offset: per-channel values added after scaling (``None``: none).
        scale: per-channel factors (``None``: 1).
        epsilon: added to ``variance`` before the square root.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([[1.0, 2.0], [3.0, 6.0]])
    >>> mean, variance = np.array([2.0, 4.0]), np.array([1.0, 4.0])
    >>> np.round(ops.batch_normalization(x, mean, variance, axis=-1), 4)
    array([[-0.9995, -0.9999],
           [ 0.9995,  0.9999]])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('batch_normalization', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(mean, _Special) or isinstance(variance, _Special) or isinstance(offset, _Special) or isinstance(scale, _Special):
        return _slow(_REGISTRY['batch_normalization'], (x, mean, variance, axis, offset, scale, epsilon,), {})
    return _STATE.kernels['batch_normalization'](x, mean, variance, axis, offset, scale, epsilon)


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy. Probabilities are clipped to ``[1e-7, 1 - 1e-7]``.

    Arguments:
        target: the true labels in ``[0, 1]``, broadcastable against ``output``.
        output: probabilities, or logits with ``from_logits=True``.
        from_logits: whether ``output`` is logits (then computed stably as
            ``max(o, 0) - o * t + log1p(exp(-|o|))``, without clipping).

    Returns:
        The per-element loss (no reduction), a float tensor of the broadcast shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> target = np.array([1.0, 0.0])
    >>> np.round(ops.binary_crossentropy(target, np.array([0.9, 0.2])), 4)
    array([0.1054, 0.2231])
    """
    if isinstance(target, _Special) or isinstance(output, _Special):
        return _slow(_REGISTRY['binary_crossentropy'], (target, output, from_logits,), {})
    return _STATE.kernels['binary_crossentropy'](target, output, from_logits)


def bincount(x, weights=None, minlength=0, sparse=False):
    """Occurrences of each value ``0..max(x)`` (at least ``minlength`` bins) in non-negative int
    ``x`` (1-D, or 2-D counted per row); with ``weights`` their sums per value instead. int32
    counts; weighted sums have ``x`` and ``weights``'s promoted dtype.

    Arguments:
        x: 1-D or 2-D tensor of non-negative integers (a 2-D ``x`` is counted row by row).
        weights: a tensor of ``x``'s shape whose entries are summed per value instead of
            counting 1 (``None``: plain counts).
        minlength: the least number of bins (default 0).
        sparse: must be ``False``; dlx has no sparse tensors.

    Returns:
        A tensor of shape ``(max(max(x) + 1, minlength),)`` (with the row axis first for a 2-D
        ``x``): int32 counts, or sums in the promoted dtype of ``x`` and ``weights``.

    Raises:
        TypeError: when ``x`` is not of an integer dtype.
        ValueError: when ``x`` is not 1-D or 2-D, holds negative values, or ``sparse`` is true.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bincount(np.array([0, 1, 1, 3]))
    array([1, 2, 0, 1], dtype=int32)
    >>> ops.bincount(np.array([0, 1, 1]), weights=np.array([0.5, 1.0, 2.0]), minlength=3)
    array([0.5, 3. , 0. ])
    """
    if isinstance(x, _Special) or isinstance(weights, _Special):
        return _slow(_REGISTRY['bincount'], (x, weights, minlength, sparse,), {})
    return _STATE.kernels['bincount'](x, weights, minlength, sparse)


def bitcast_uint32_to_float32(x):
    """Reinterprets uint32 bits as float32.

    Arguments:
        x: a uint32 tensor (other integer inputs are converted to uint32 first).

    Returns:
        A float32 tensor of ``x``'s shape whose elements have ``x``'s bit patterns.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitcast_uint32_to_float32(np.array([0x3F800000, 0x40000000], np.uint32))
    array([1., 2.], dtype=float32)
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['bitcast_uint32_to_float32'], (x,), {})
    return _STATE.kernels['bitcast_uint32_to_float32'](x)


def bitwise_and(x, y):
    """Bitwise AND of integers.

    Arguments:
        x: first integer (or bool) operand.
        y: second integer (or bool) operand, broadcast against ``x``.

    Returns:
        A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitwise_and(np.array([12, 10], dtype='int32'), np.array([10, 6], dtype='int32'))
    array([8, 2], dtype=int32)
    """
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_and'], (x, y,), {})
    return _STATE.kernels['bitwise_and'](x, y)


def bitwise_invert(x):
    """Bitwise NOT of integers.

    Arguments:
        x: integer (or bool) tensor.

    Returns:
        ``~x``, a tensor of ``x``'s shape and dtype (for signed integers ``-x - 1``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitwise_invert(np.array([0, 1, 5], dtype='int32'))
    array([-1, -2, -6], dtype=int32)
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['bitwise_invert'], (x,), {})
    return _STATE.kernels['bitwise_invert'](x)


def bitwise_left_shift(x, y):
    """``x << y`` (Keras's alias of ``left_shift``).

    Arguments:
        x: integer tensor to shift.
        y: shift counts (non-negative integers below the dtype's bit width), broadcast against
            ``x``.

    Returns:
        A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitwise_left_shift(np.array([1, 3], dtype='int32'), np.array([2, 1], dtype='int32'))
    array([4, 6], dtype=int32)
    """
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_left_shift'], (x, y,), {})
    return _STATE.kernels['bitwise_left_shift'](x, y)


def bitwise_not(x):
    """Bitwise NOT of integers (logical NOT of bools); Keras's alias of ``bitwise_invert``.

    Arguments:
        x: integer or bool tensor.

    Returns:
        ``~x``, a tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitwise_not(np.array([0, 1, 5], dtype='int32'))
    array([-1, -2, -6], dtype=int32)
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['bitwise_not'], (x,), {})
    return _STATE.kernels['bitwise_not'](x)


def bitwise_or(x, y):
    """Bitwise OR of integers.

    Arguments:
        x: first integer (or bool) operand.
        y: second integer (or bool) operand, broadcast against ``x``.

    Returns:
        A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitwise_or(np.array([12, 10], dtype='int32'), np.array([10, 6], dtype='int32'))
    array([14, 14], dtype=int32)
    """
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_or'], (x, y,), {})
    return _STATE.kernels['bitwise_or'](x, y)


def bitwise_right_shift(x, y):
    """``x >> y`` (Keras's alias of ``right_shift``).

    Arguments:
        x: integer tensor to shift.
        y: shift counts (non-negative integers below the dtype's bit width), broadcast against
            ``x``.

    Returns:
        A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitwise_right_shift(np.array([8, 7], dtype='int32'), np.array([2, 1], dtype='int32'))
    array([2, 3], dtype=int32)
    """
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_right_shift'], (x, y,), {})
    return _STATE.kernels['bitwise_right_shift'](x, y)


def bitwise_xor(x, y):
    """Bitwise XOR of integers.

    Arguments:
        x: first integer (or bool) operand.
        y: second integer (or bool) operand, broadcast against ``x``.

    Returns:
        A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.bitwise_xor(np.array([12, 10], dtype='int32'), np.array([10, 6], dtype='int32'))
    array([ 6, 12], dtype=int32)
    """
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['bitwise_xor'], (x, y,), {})
    return _STATE.kernels['bitwise_xor'](x, y)


def blackman(x):
    """The Blackman window of length ``x``: ``0.42 - 0.5 cos(2 pi n / (x - 1)) + 0.08 cos(4 pi n / (x - 1))``.

    Arguments:
        x: the window length, a Python int (``x <= 0`` gives an empty window, 1 gives ``[1.0]``).

    Returns:
        A ``(x,)`` tensor of ``floatx()``: the symmetric window (its first and last samples
        mirror each other), as NumPy computes it.

    Raises:
        TypeError: when ``x`` is not an int.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.blackman(5)[1:4]
    array([0.34, 1.  , 0.34], dtype=float32)
    """
    return _STATE.kernels['blackman'](x)


def broadcast_to(x, shape):
    """Broadcasts ``x`` to ``shape``.

    Arguments:
        x: the input tensor.
        shape: the target shape (a tuple of ints) ``x``'s shape broadcasts to.

    Returns:
        A tensor of ``shape`` and ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.broadcast_to(np.array([1, 2]), (2, 2))
    array([[1, 2],
           [1, 2]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['broadcast_to'], (x, shape,), {})
    return _STATE.kernels['broadcast_to'](x, shape)


def cast(x, dtype):
    """Converts ``x`` to ``dtype`` (floats to ints truncate toward zero; floats to narrower floats
    round once, to nearest with ties to even, float64 to float16 / bfloat16 included).

    Arguments:
        x: input tensor.
        dtype: the target dtype, a name such as ``"float32"`` (or any spelling
            ``dlx.dtypes.standardize`` accepts). Casting to ``"bool"`` maps nonzero to true.

    Returns:
        A tensor of ``x``'s shape and dtype ``dtype``.

    Raises:
        ValueError: when ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cast(np.array([1.7, -2.2]), 'int32')
    array([ 1, -2], dtype=int32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('cast', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cast'], (x, dtype,), {})
    return _STATE.kernels['cast'](x, dtype)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """``-sum(target * log(p))`` along ``axis``; ``p`` is ``softmax(output)`` with
    ``from_logits``, else ``output`` renormalized to sum 1 and clipped to ``[1e-7, 1 - 1e-7]``.

    Arguments:
        target: one-hot (or soft) labels, the shape of ``output``.
        output: probabilities, or logits with ``from_logits=True``.
        from_logits: whether ``output`` is logits.
        axis: the class axis; default the last.

    Returns:
        The loss with ``axis`` reduced away (no other reduction).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> target = np.array([[0.0, 1.0, 0.0]])
    >>> np.round(ops.categorical_crossentropy(target, np.array([[0.1, 0.8, 0.1]])), 4)
    array([0.2231])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(output, 'shape', ())) <= axis < (len(getattr(output, 'shape', ())) or 1):
        _check_axis('categorical_crossentropy', 'axis', axis, output if hasattr(output, 'shape') else None)
    if isinstance(target, _Special) or isinstance(output, _Special):
        return _slow(_REGISTRY['categorical_crossentropy'], (target, output, from_logits, axis,), {})
    return _STATE.kernels['categorical_crossentropy'](target, output, from_logits, axis)


def cbrt(x):
    """Cube root, elementwise.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cbrt(np.array([-8.0, 1.0, 27.0]))
    array([-2.,  1.,  3.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cbrt'], (x,), {})
    return _STATE.kernels['cbrt'](x)


def cdist(x, y):
    """Euclidean distances between the rows of ``x`` (``(..., m, d)``) and of ``y``
    (``(..., n, d)``): ``(..., m, n)``.

    Arguments:
        x: points ``(..., m, d)``.
        y: points ``(..., n, d)``; leading axes broadcast against ``x``'s.

    Returns:
        A float ``(..., m, n)`` tensor with ``out[..., i, j] = |x[..., i, :] - y[..., j, :]|``.

    Raises:
        ValueError: when an input has rank < 2 or the last dimensions differ.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> np.round(ops.cdist(x, np.array([[3.0, 4.0]])), 4)
    array([[5.    ],
           [3.6056]])
    """
    _REGISTRY['cdist'].validate(x, y)
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['cdist'], (x, y,), {})
    return _STATE.kernels['cdist'](x, y)


def ceil(x):
    """Ceil of ``x``, elementwise (integers become floatx).

    Arguments:
        x: input tensor.

    Returns:
        The smallest integral value not below each element, as a float tensor of
        ``x``'s shape: float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.ceil(np.array([-1.5, 0.2, 1.7]))
    array([-1.,  1.,  2.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['ceil'], (x,), {})
    return _STATE.kernels['ceil'](x)


def celu(x, alpha=1.0):
    """max(x, 0) + min(0, alpha * (exp(x / alpha) - 1)).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        alpha: the scale of the negative branch (continuously differentiable for any ``alpha > 0``).

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.celu(np.array([-1.0, 0.0, 2.0]), alpha=2.0), 4)
    array([-0.7869,  0.    ,  2.    ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['celu'], (x, alpha,), {})
    return _STATE.kernels['celu'](x, alpha)


def cholesky(x, upper=False):
    """The Cholesky factor of each symmetric positive definite matrix ``x``: lower triangular
    ``L`` with ``x = L @ L.T`` (``upper=True``: ``U = L.T``, ``x = U.T @ U``). Uses the symmetric
    part of ``x``; a matrix that is not positive definite gives NaN.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.
        upper: return the upper-triangular factor ``U = L.T`` instead of ``L``.

    Returns:
        The triangular factors, ``(..., M, M)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cholesky(np.array([[4.0, 2.0], [2.0, 2.0]]))
    array([[2., 0.],
           [1., 1.]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cholesky'], (x, upper,), {})
    return _STATE.kernels['cholesky'](x, upper)


def cholesky_inverse(x, upper=False):
    """The inverse of ``A = L @ L.T`` from its Cholesky factor ``x`` (``L``: its lower triangle is
    read; ``upper=True``: ``x`` is ``U = L.T`` and its upper triangle is read).

    Arguments:
        x: Cholesky factors ``(..., M, M)`` (as :func:`cholesky` returns them).
        upper: ``x`` holds the upper factor ``U`` rather than the lower ``L``.

    Returns:
        The inverses of ``A``, ``(..., M, M)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> l = np.array([[2.0, 0.0], [1.0, 1.0]])
    >>> ops.cholesky_inverse(l)
    array([[ 0.5, -0.5],
           [-0.5,  1. ]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cholesky_inverse'], (x, upper,), {})
    return _STATE.kernels['cholesky_inverse'](x, upper)


def clip(x, x_min, x_max):
    """Clips ``x`` to ``[x_min, x_max]``.

    Arguments:
        x: input tensor.
        x_min: lower bound, a scalar or a tensor broadcast against ``x``.
        x_max: upper bound, a scalar or a tensor broadcast against ``x``; where it is below
            ``x_min`` the result is ``x_max``.

    Returns:
        ``minimum(maximum(x, x_min), x_max)``, a tensor of the broadcast shape in the promoted
        dtype of ``x``, ``x_min`` and ``x_max`` (Python scalar bounds take ``x``'s dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.clip(np.array([-2.0, 0.5, 3.0]), 0.0, 1.0)
    array([0. , 0.5, 1. ])
    """
    if isinstance(x, _Special) or isinstance(x_min, _Special) or isinstance(x_max, _Special):
        return _slow(_REGISTRY['clip'], (x, x_min, x_max,), {})
    return _STATE.kernels['clip'](x, x_min, x_max)


def column_stack(xs):
    """Joins 1-D tensors as the columns of a 2-D tensor (2-D inputs join along axis 1).

    Arguments:
        xs: a list or tuple of tensors; once lower-rank inputs are raised in rank as described
            above, their shapes must agree except along the joined axis.

    Returns:
        One tensor, the inputs one after the other, in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.column_stack([np.array([1, 2]), np.array([3, 4])])
    array([[1, 3],
           [2, 4]])
    """
    if _any_special(xs):
        return _slow(_REGISTRY['column_stack'], (xs,), {})
    return _STATE.kernels['column_stack'](xs)


def concatenate(xs, axis=0):
    """Joins tensors along an existing axis.

    Arguments:
        xs: a list or tuple of tensors of the same rank whose shapes agree except along ``axis``.
        axis: the axis to join along.

    Returns:
        One tensor, the inputs one after the other along ``axis``, in the inputs' promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.concatenate([np.array([1, 2]), np.array([3])])
    array([1, 2, 3])
    """
    if _any_special(xs):
        return _slow(_REGISTRY['concatenate'], (xs, axis,), {})
    return _STATE.kernels['concatenate'](xs, axis)


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``; both must return the same structure of
    tensors (compiled backends trace both). Differentiable through the branch taken.

    Arguments:
        pred: a scalar boolean tensor (or a Python bool).
        true_fn: a callable of no arguments, run when ``pred`` is true.
        false_fn: a callable of no arguments, run when ``pred`` is false.

    Returns:
        What the branch taken returns.

    Raises:
        TypeError: when ``true_fn`` or ``false_fn`` is not callable, or ``pred`` has no concrete
            value on a backend that runs ``cond`` in Python.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cond(np.array(True), lambda: np.array(1.0), lambda: np.array(-1.0))
    array(1.)
    """
    if isinstance(pred, _Special):
        return _slow(_REGISTRY['cond'], (pred, true_fn, false_fn,), {})
    return _STATE.kernels['cond'](pred, true_fn, false_fn)


def conj(x):
    """The complex conjugate of ``x`` (``x`` itself for a real tensor).

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.conj(np.array([1 + 2j, 3 - 1j]))
    array([1.-2.j, 3.+1.j])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['conj'], (x,), {})
    return _STATE.kernels['conj'](x)


def conjugate(x):
    """The complex conjugate of ``x`` (Keras's alias of :func:`conj`).

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.conjugate(np.array([1 + 2j]))
    array([1.-2.j])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['conjugate'], (x,), {})
    return _STATE.kernels['conjugate'](x)


def conv(inputs, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """N-D convolution (cross-correlation). ``kernel`` is ``(*window, in_channels / groups,
    out_channels)``; groups are implied by the input's channels.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says (``N`` spatial dims).
        kernel: a tensor of shape ``(*window, in_channels / groups, out_channels)``; the number of
            groups is ``in_channels // kernel.shape[-2]`` and must divide ``out_channels``.
        strides: the step of the window along each spatial dim: an int for all, or a tuple of ``N``.
        padding: ``"valid"`` (no padding: only windows that fit) or ``"same"`` (zero padding, split
            as evenly as possible with the extra on the right, so that the output length is
            ``ceil(length / stride)``); case-insensitive.
        data_format: ``"channels_last"`` (inputs are ``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.
        dilation_rate: the spacing between kernel taps along each spatial dim: an int or a tuple of
            ``N``.

    Returns:
        A tensor of shape ``(batch, *out_spatial, out_channels)`` (channels first for
        ``"channels_first"``).

    Raises:
        ValueError: for an invalid ``padding`` or ``data_format``, channel counts that do not
            divide into groups, or a window larger than the (padded) input.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(5.0).reshape(1, 5, 1)
    >>> kernel = np.array([1.0, 2.0, 3.0]).reshape(3, 1, 1)
    >>> ops.conv(x, kernel)[0, :, 0]
    array([ 8., 14., 20.])
    >>> ops.conv(np.ones((2, 8, 8, 3)), np.ones((3, 3, 3, 4)), padding="same").shape
    (2, 8, 8, 4)
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


def conv_bias(inputs, kernel, bias, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """``conv(inputs, kernel, ...)`` plus a per-output-channel ``bias``: the Conv layers'
    convolution, one kernel (the bias in the convolution's output pass) on backends that have one,
    ``conv`` then ``add`` elsewhere.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says (``N`` spatial dims).
        kernel: a tensor of shape ``(*window, in_channels / groups, out_channels)``.
        bias: a ``(out_channels,)`` vector added at every output position.
        strides, padding, data_format, dilation_rate: as for :func:`conv`.

    Returns:
        ``conv``'s output with ``bias`` added along the channel axis.

    Raises:
        ValueError: for ``conv``'s invalid arguments, or a ``bias`` that is not ``(out_channels,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(5.0).reshape(1, 5, 1)
    >>> kernel = np.array([1.0, 2.0, 3.0]).reshape(3, 1, 1)
    >>> ops.conv_bias(x, kernel, np.array([0.5]))[0, :, 0]
    array([ 8.5, 14.5, 20.5])
    """
    if padding != 'valid' and padding != 'same':
        if str(padding).lower() in ('valid', 'same'):
            padding = str(padding).lower()
        else:
            _bad('conv_bias', 'padding', padding, "'valid' or 'same'")
    if data_format not in _FORMATS:
        _bad('conv_bias', 'data_format', data_format, "'channels_last' or 'channels_first'")
    _REGISTRY['conv_bias'].validate(inputs, kernel, bias, strides, padding, data_format, dilation_rate)
    if isinstance(inputs, _Special) or isinstance(kernel, _Special) or isinstance(bias, _Special):
        return _slow(_REGISTRY['conv_bias'], (inputs, kernel, bias, strides, padding, data_format, dilation_rate,), {})
    return _STATE.kernels['conv_bias'](inputs, kernel, bias, strides, padding, data_format, dilation_rate)


def conv_transpose(inputs, kernel, strides=1, padding='valid', output_padding=None, data_format=None, dilation_rate=1):
    """Transposed convolution (the gradient of ``conv`` w.r.t. its input). ``kernel`` is
    ``(*window, out_channels, in_channels)``; output lengths follow Keras's deconv formula.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says.
        kernel: a tensor of shape ``(*window, out_channels, in_channels)``.
        strides: the upsampling factor along each spatial dim: an int or a tuple of ``N``.
        padding: ``"valid"`` or ``"same"`` (case-insensitive), the padding of the convolution this
            op transposes.
        output_padding: extra length added to one side of each output spatial dim (an int or a tuple
            of ``N``). ``None``: the output length is
            ``length * stride + max(window_extent - stride, 0)`` for ``"valid"`` and
            ``length * stride`` for ``"same"``; with a value it is
            ``(length - 1) * stride + window_extent - 2 * pad + output_padding`` where ``pad`` is
            ``window_extent // 2`` for ``"same"`` and 0 for ``"valid"``.
        data_format: ``"channels_last"`` (inputs are ``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.
        dilation_rate: the spacing between kernel taps: an int or a tuple of ``N``
            (``window_extent = (window - 1) * dilation_rate + 1``).

    Returns:
        A tensor with ``out_channels`` channels and the output lengths above.

    Raises:
        ValueError: when ``padding`` is not ``"valid"`` / ``"same"`` or ``data_format`` is not one of
            the two layouts (or ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.ones((1, 3, 1))
    >>> kernel = np.array([1.0, 2.0]).reshape(2, 1, 1)
    >>> ops.conv_transpose(x, kernel, strides=2)[0, :, 0]
    array([1., 2., 1., 2., 1., 2.])
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
    """A copy of ``x``.

    Arguments:
        x: the input tensor (or array-like).

    Returns:
        A new tensor with ``x``'s values, shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.copy(np.array([1.0, 2.0]))
    array([1., 2.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['copy'], (x,), {})
    return _STATE.kernels['copy'](x)


def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x`` (1-D: one variable), clipped to
    [-1, 1]; integers give floatx.

    Arguments:
        x: a 2-D tensor with one variable per row and one observation per column, or a 1-D
            tensor (a single variable).

    Returns:
        The ``(rows, rows)`` correlation matrix (a scalar for 1-D ``x``), in ``x``'s float dtype
        (``floatx()`` for integer and bool inputs); a constant row gives NaN.

    Raises:
        ValueError: when ``x`` has more than 2 dimensions.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.corrcoef(np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 7.0]])).round(4)
    array([[1.    , 0.9934],
           [0.9934, 1.    ]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['corrcoef'], (x,), {})
    return _STATE.kernels['corrcoef'](x)


def correlate(x1, x2, mode='valid'):
    """Cross-correlation of 1-D ``x1`` and ``x2`` (``c[k] = sum_n x1[n + k] * x2[n]``) with
    NumPy's ``mode`` (``'valid'``, ``'same'``, ``'full'``). int64 inputs give float64, other
    integers floatx.

    Arguments:
        x1: first 1-D tensor.
        x2: second 1-D tensor (the one shifted along ``x1``).
        mode: which lags to keep: ``"valid"`` (full overlap only, length
            ``max(n1, n2) - min(n1, n2) + 1``), ``"same"`` (length ``max(n1, n2)``) or
            ``"full"`` (every overlap, length ``n1 + n2 - 1``).

    Returns:
        A 1-D tensor in the promoted float dtype of ``x1`` and ``x2`` (float64 when that dtype
        is a 64-bit integer, ``floatx()`` for other integer and bool dtypes).

    Raises:
        ValueError: when ``mode`` is not one of the three above or an input is not 1-D.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.correlate(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]), mode='full')
    array([0.5, 2. , 3.5, 3. , 0. ])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['correlate'], (x1, x2, mode,), {})
    return _STATE.kernels['correlate'](x1, x2, mode)


def cos(x):
    """Cosine (full range).

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.cos(np.array([0.0, np.pi / 3, np.pi])), 4)
    array([ 1. ,  0.5, -1. ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cos'], (x,), {})
    return _STATE.kernels['cos'](x)


def cosh(x):
    """Hyperbolic cosine.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.cosh(np.array([0.0, 1.0])), 4)
    array([1.    , 1.5431])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cosh'], (x,), {})
    return _STATE.kernels['cosh'](x)


def count_nonzero(x, axis=None):
    """Number of non-zero entries over ``axis`` (all axes if ``None``) as int32 (NaN counts).

    Arguments:
        x: input tensor.
        axis: an axis or tuple (or list) of axes to count over (``None``: all axes).

    Returns:
        An int32 tensor of ``x``'s shape without the counted axes.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.count_nonzero(np.array([[0, 1, 2], [3, 0, 0]]), axis=1)
    array([2, 1], dtype=int32)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('count_nonzero', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['count_nonzero'], (x, axis,), {})
    return _STATE.kernels['count_nonzero'](x, axis)


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None, target_height=None, target_width=None, data_format=None):
    """Crops images; per axis give two of (before, after, target size).

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says.
        top_cropping: rows removed from the top.
        left_cropping: columns removed from the left.
        bottom_cropping: rows removed from the bottom.
        right_cropping: columns removed from the right.
        target_height: the output height (then the missing one of ``top_cropping`` /
            ``bottom_cropping`` is derived from it).
        target_width: the output width (likewise for ``left_cropping`` / ``right_cropping``).
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The cropped images, of ``images``' rank and dtype.

    Raises:
        ValueError: when an axis does not get exactly two of its three values, a value is
            negative, or the cropping exceeds the image.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.arange(16.0).reshape(4, 4, 1)
    >>> image.crop_images(x, top_cropping=1, left_cropping=1, target_height=2, target_width=2)[:, :, 0]
    array([[ 5.,  6.],
           [ 9., 10.]])
    """
    if data_format not in _FORMATS:
        _bad('crop_images', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special):
        return _slow(_REGISTRY['crop_images'], (images, top_cropping, left_cropping, bottom_cropping, right_cropping, target_height, target_width, data_format,), {})
    return _STATE.kernels['crop_images'](images, top_cropping, left_cropping, bottom_cropping, right_cropping, target_height, target_width, data_format)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-vectors along ``axisa`` of ``x1`` and ``axisb`` of ``x2``, placed
    along ``axisc`` of the result (``axis`` sets all three); two 2-vectors give the z component.

    Arguments:
        x1: the first vectors (length 2 or 3 along ``axisa``).
        x2: the second vectors (length 2 or 3 along ``axisb``); the other axes broadcast.
        axisa: the vector axis of ``x1``.
        axisb: the vector axis of ``x2``.
        axisc: the axis of the result that holds the 3-vectors (ignored when both inputs are
            2-vectors: the result has no vector axis then).
        axis: when not ``None``, used for ``axisa``, ``axisb`` and ``axisc``.

    Returns:
        The cross products in the promoted dtype.

    Raises:
        ValueError: when a vector length is not 2 or 3.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cross(np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    array([0., 0., 1.])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['cross'], (x1, x2, axisa, axisb, axisc, axis,), {})
    return _STATE.kernels['cross'](x1, x2, axisa, axisb, axisc, axis)


def ctc_decode(inputs, sequence_lengths, strategy='greedy', beam_width=100, top_paths=1, merge_repeated=True, mask_index=0):
    """Decodes CTC outputs. Returns ``(decoded, scores)``: ``decoded`` is int32
    ``(top_paths, batch, max_time)``, each path's labels first and ``-1`` after; ``scores`` is
    ``(batch, top_paths)``.

    ``strategy="greedy"``: the best class per step, repeats merged (``merge_repeated``), blanks
    (``mask_index``) dropped; ``top_paths`` is 1 and the score is ``-sum`` of the best raw
    ``inputs`` values (as Keras). ``strategy="beam_search"``: a prefix beam search of width
    ``beam_width`` on ``log_softmax(inputs)``; scores are the paths' log-probabilities, best
    first (repeats are always merged, as in CTC).

    Arguments:
        inputs: logits or log-probabilities ``(batch, max_time, num_classes)``.
        sequence_lengths: the number of valid time steps of each sequence, integers ``(batch,)``;
            later steps are not decoded.
        strategy: ``"greedy"`` or ``"beam_search"``, as above.
        beam_width: the number of prefixes kept per step by the beam search (an int >= 1; not
            used by ``"greedy"``).
        top_paths: how many of the best paths the beam search returns (an int in
            ``[1, beam_width]``; ``"greedy"`` always returns one).
        merge_repeated: whether greedy decoding merges a class repeated on consecutive steps (the
            beam search always does).
        mask_index: the class index of the blank; ``None`` means the last class.

    Returns:
        The tuple ``(decoded, scores)`` described above (beam search pads missing paths with
        ``-1`` labels and a ``-inf`` score).

    Raises:
        ValueError: for an unknown ``strategy``, or (beam search) a ``beam_width`` that is not an
            int >= 1 or a ``top_paths`` outside ``[1, beam_width]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> probs = np.array([[[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1]]])
    >>> paths, scores = ops.ctc_decode(np.log(probs), np.array([4]))  # greedy; 1 1 _ 1 -> 1 1
    >>> paths  # (top_paths, batch, max_time), padded with -1
    array([[[ 1,  1, -1, -1]]], dtype=int32)
    >>> np.round(scores, 4)
    array([[0.8926]])
    """
    if isinstance(inputs, _Special) or isinstance(sequence_lengths, _Special):
        return _slow(_REGISTRY['ctc_decode'], (inputs, sequence_lengths, strategy, beam_width, top_paths, merge_repeated, mask_index,), {})
    return _STATE.kernels['ctc_decode'](inputs, sequence_lengths, strategy, beam_width, top_paths, merge_repeated, mask_index)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sequence CTC loss ``-log p(target | output)`` of shape ``(batch,)``. ``output`` holds
    logits (normalized with ``log_softmax`` over classes); only the first ``output_length[b]``
    steps and ``target_length[b]`` labels count; ``mask_index`` is the blank class. An alignment
    that cannot exist (too short an output) gives a loss of about 1e30 instead of inf.

    Arguments:
        target: integer labels ``(batch, max_label_length)``; entries past ``target_length`` are
            ignored.
        output: logits ``(batch, max_time, num_classes)``.
        target_length: the number of labels of each sequence, integers ``(batch,)``.
        output_length: the number of valid time steps of each sequence, integers ``(batch,)``.
        mask_index: the class index of the blank (an int in ``[0, num_classes)``).

    Returns:
        A ``(batch,)`` float tensor (at least float32) of negative log-likelihoods.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> probs = np.array([[[0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1]]])  # class 0 = blank
    >>> loss = ops.ctc_loss(np.array([[1, 2]]), np.log(probs), np.array([2]), np.array([3]))
    >>> np.round(loss, 4)
    array([0.5226])
    """
    if isinstance(target, _Special) or isinstance(output, _Special) or isinstance(target_length, _Special) or isinstance(output_length, _Special):
        return _slow(_REGISTRY['ctc_loss'], (target, output, target_length, output_length, mask_index,), {})
    return _STATE.kernels['ctc_loss'](target, output, target_length, output_length, mask_index)


def cumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` (flattened if ``None``), in ``dtype`` if given (``x`` is
    cast to it first).

    Arguments:
        x: input tensor.
        axis: the axis to accumulate along (``None``: over the flattened ``x``).
        dtype: the dtype to cast ``x`` to before multiplying (``None``: ``x``'s own).

    Returns:
        A tensor of ``x``'s shape (1-D of ``x``'s size for ``axis=None``) in ``dtype`` or
        ``x``'s dtype; a bool input gives int32.

    Raises:
        ValueError: when ``axis`` is out of range for ``x`` or is neither an int nor a tuple
            of ints, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cumprod(np.array([1, 2, 3, 4]))
    array([ 1,  2,  6, 24])
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

    Arguments:
        x: input tensor.
        axis: the axis to accumulate along (``None``: over the flattened ``x``).
        dtype: the dtype to cast ``x`` to before summing (``None``: ``x``'s own).

    Returns:
        A tensor of ``x``'s shape (1-D of ``x``'s size for ``axis=None``) in ``dtype`` or
        ``x``'s dtype; a bool input gives int32.

    Raises:
        ValueError: when ``axis`` is out of range for ``x`` or is neither an int nor a tuple
            of ints, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cumsum(np.array([1, 2, 3]))
    array([1, 3, 6])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('cumsum', 'axis', axis, x if hasattr(x, 'shape') else None)
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('cumsum', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['cumsum'], (x, axis, dtype,), {})
    return _STATE.kernels['cumsum'](x, axis, dtype)


def custom_gradient(f):
    """Decorates ``f(*args) -> (output, grad_fn)`` into a function returning ``output`` whose
    gradient is ``grad_fn(upstream)`` (one cotangent per positional argument, a tuple when there
    are several). The backend active when the decorator runs defines the gradient: NumPy's
    tape, ``jax.custom_gradient``, ``tf.custom_gradient`` or a ``torch.autograd.Function``.

    >>> import numpy as np, dlx
    >>> from dlx import ops
    >>> with dlx.backend.use("numpy") as b:
    ...     @ops.custom_gradient
    ...     def clipped_identity(x):
    ...         return x, lambda upstream: ops.clip(upstream, -1.0, 1.0)
    ...     b.value_and_grad(lambda x: ops.sum(clipped_identity(x) * 5.0))(np.ones(2))[1]
    array([1., 1.])

    Arguments:
        f: a callable taking positional tensors and returning ``(output, grad_fn)``, where
            ``grad_fn(upstream)`` maps the cotangent of ``output`` to the cotangents of the
            arguments.

    Returns:
        A function with ``f``'s arguments that returns ``output`` alone, its gradient given by
        ``grad_fn``.

    Raises:
        TypeError: when ``f`` is not callable.
    """
    return _STATE.kernels['custom_gradient'](f)


def deg2rad(x):
    """Degrees to radians (``x * pi / 180``).

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.deg2rad(np.array([0.0, 90.0, 180.0])), 4)
    array([0.    , 1.5708, 3.1416])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['deg2rad'], (x,), {})
    return _STATE.kernels['deg2rad'](x)


def dense(x, kernel, bias=None):
    """``matmul(x, kernel) + bias`` for ``x`` of shape ``(..., n)``, a ``(n, units)`` kernel and a
    ``(units,)`` bias (or ``None``): the Dense layer's contraction, one fused kernel (GEMM with the
    bias in its accumulator) on backends that have one, ``matmul`` then ``add`` elsewhere.

    Arguments:
        x: the input, ``(..., n)``.
        kernel: a 2-D ``(n, units)`` weight matrix.
        bias: a ``(units,)`` vector added to every row, or ``None``.

    Returns:
        A ``(..., units)`` tensor in the promoted dtype.

    Raises:
        ValueError: when ``kernel`` is not 2-D, ``x``'s last axis does not match ``kernel``'s first,
            or ``bias`` is not ``(units,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([[1.0, 2.0]])
    >>> ops.dense(x, np.array([[1.0, 0.0], [0.0, 1.0]]), bias=np.array([0.5, -0.5]))
    array([[1.5, 1.5]])
    """
    _REGISTRY['dense'].validate(x, kernel, bias)
    if isinstance(x, _Special) or isinstance(kernel, _Special) or isinstance(bias, _Special):
        return _slow(_REGISTRY['dense'], (x, kernel, bias,), {})
    return _STATE.kernels['dense'](x, kernel, bias)


def depth_to_space(x, block_size, data_format='channels_last'):
    """Moves ``block_size x block_size`` groups of channels into space (pixel shuffle). Channels
    last reads each group as ``(row, column, channel)`` (TensorFlow's order); channels first as
    ``(channel, row, column)`` (PyTorch's ``pixel_shuffle``).

    Arguments:
        x: a batch of images (rank 4); the channel count must be divisible by ``block_size**2``.
        block_size: the upscaling factor, an int >= 2.
        data_format: ``"channels_last"`` (``(N, H, W, C)``) or ``"channels_first"``
            (``(N, C, H, W)``); ``None`` means ``dlx.config.image_data_format()``.

    Returns:
        ``(N, H * block_size, W * block_size, C / block_size**2)`` (channels first likewise).

    Raises:
        ValueError: when ``x`` is not rank 4, ``block_size < 2``, or the channels do not divide.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> y = ops.depth_to_space(np.arange(4.0).reshape(1, 1, 1, 4), 2)
    >>> y.shape
    (1, 2, 2, 1)
    >>> y[0, :, :, 0]
    array([[0., 1.],
           [2., 3.]])
    """
    if data_format not in _FORMATS:
        _bad('depth_to_space', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(x, _Special):
        return _slow(_REGISTRY['depth_to_space'], (x, block_size, data_format,), {})
    return _STATE.kernels['depth_to_space'](x, block_size, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """Depthwise convolution: ``kernel`` is ``(*window, in_channels, depth_multiplier)``.

    Each input channel is convolved with its own ``depth_multiplier`` filters; output channel
    ``c * depth_multiplier + m`` is input channel ``c`` convolved with filter ``m``.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says.
        kernel: a tensor of shape ``(*window, in_channels, depth_multiplier)``.
        strides: the step of the window along each spatial dim: an int or a tuple of ``N``.
        padding: ``"valid"`` (no padding) or ``"same"`` (zero padding; output length
            ``ceil(length / stride)``); case-insensitive.
        data_format: ``"channels_last"`` (inputs are ``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.
        dilation_rate: the spacing between kernel taps: an int or a tuple of ``N``.

    Returns:
        A tensor with ``in_channels * depth_multiplier`` channels.

    Raises:
        ValueError: when ``padding`` is not ``"valid"`` / ``"same"`` or ``data_format`` is not one of
            the two layouts (or ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(8.0).reshape(1, 4, 2)
    >>> ops.depthwise_conv(x, np.ones((2, 2, 1)))[0]
    array([[ 2.,  4.],
           [ 6.,  8.],
           [10., 12.]])
    """
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


def det(x):
    """The determinant of each square matrix ``x`` (shape ``(..., M, M)``): shape ``(...)``.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        The determinants, shape ``(...)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> print(np.round(ops.det(np.array([[1.0, 2.0], [3.0, 4.0]])), 4))
    -2.0
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['det'], (x,), {})
    return _STATE.kernels['det'](x)


def diag(x, k=0):
    """The ``k``-th diagonal of a 2-D ``x``, or a square 2-D array with the 1-D ``x`` on its
    ``k``-th diagonal.

    Arguments:
        x: a 1-D or 2-D tensor.
        k: the diagonal: 0 the main one, positive above it, negative below.

    Returns:
        For 2-D ``x`` a 1-D tensor; for 1-D ``x`` of length ``n`` an
        ``(n + |k|, n + |k|)`` tensor, zero off that diagonal.

    Raises:
        ValueError: when ``x`` is not 1-D or 2-D.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.diag(np.array([1, 2]))
    array([[1, 0],
           [0, 2]])
    """
    _REGISTRY['diag'].validate(x, k)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['diag'], (x, k,), {})
    return _STATE.kernels['diag'](x, k)


def diagflat(x, k=0):
    """A square 2-D array with the flattened ``x`` on its ``k``-th diagonal.

    Arguments:
        x: a tensor of any rank (flattened to length ``n``).
        k: the diagonal: 0 the main one, positive above it, negative below.

    Returns:
        An ``(n + |k|, n + |k|)`` tensor of ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.diagflat(np.array([[1, 2]]), k=1)
    array([[0, 1, 0],
           [0, 0, 2],
           [0, 0, 0]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['diagflat'], (x, k,), {})
    return _STATE.kernels['diagflat'](x, k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The ``offset`` diagonal of the planes ``axis1`` x ``axis2``, as the last axis of the result.

    Arguments:
        x: a tensor of rank >= 2.
        offset: the diagonal: 0 the main one, positive above it, negative below.
        axis1: the axis of the planes' rows.
        axis2: the axis of the planes' columns.

    Returns:
        ``x``'s other axes followed by one axis holding the diagonal.

    Raises:
        ValueError: when ``x`` has fewer than 2 dimensions.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.diagonal(np.array([[1, 2], [3, 4]]))
    array([1, 4])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['diagonal'], (x, offset, axis1, axis2,), {})
    return _STATE.kernels['diagonal'](x, offset, axis1, axis2)


def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis`` (``a[1:] - a[:-1]``, applied ``n`` times;
    for bools, ``a[1:] != a[:-1]``).

    Arguments:
        a: the input tensor.
        n: how many times to take the difference (0 returns ``a`` unchanged).
        axis: the axis to difference along.

    Returns:
        A tensor of ``a``'s dtype, ``n`` shorter along ``axis``.

    Raises:
        ValueError: when ``n`` is negative.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.diff(np.array([1, 4, 9, 16]))
    array([3, 5, 7])
    """
    if isinstance(a, _Special):
        return _slow(_REGISTRY['diff'], (a, n, axis,), {})
    return _STATE.kernels['diff'](a, n, axis)


def digitize(x, bins):
    """Index of the bin of each entry of ``x`` as int32, for monotonic 1-D ``bins``: ``i`` with
    ``bins[i-1] <= x < bins[i]`` (increasing) or ``bins[i-1] > x >= bins[i]`` (decreasing).

    Arguments:
        x: input tensor of values to place.
        bins: 1-D tensor of bin edges, increasing or decreasing.

    Returns:
        An int32 tensor of ``x``'s shape with values in ``[0, len(bins)]`` (0 before the first
        edge, ``len(bins)`` past the last).

    Raises:
        ValueError: when ``bins`` is not 1-D.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.digitize(np.array([0.5, 1.5, 2.5, 3.5]), np.array([1.0, 2.0, 3.0]))
    array([0, 1, 2, 3], dtype=int32)
    """
    if isinstance(x, _Special) or isinstance(bins, _Special):
        return _slow(_REGISTRY['digitize'], (x, bins,), {})
    return _STATE.kernels['digitize'](x, bins)


def divide(x1, x2):
    """True division; integer inputs give floatx.

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``; dividing by zero gives inf or NaN.

    Returns:
        ``x1 / x2``, a tensor of the broadcast shape in the operands' promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.divide(np.array([1, 2, 3]), 2)
    array([0.5, 1. , 1.5], dtype=float32)
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['divide'], (x1, x2,), {})
    return _STATE.kernels['divide'](x1, x2)


def divide_no_nan(x1, x2):
    """``x1 / x2``, and 0 where ``x2`` is 0 (even for ``0/0`` and ``inf/0``); integers give floatx.

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.divide_no_nan(np.array([1.0, 2.0, 3.0]), np.array([2.0, 0.0, 4.0]))
    array([0.5 , 0.  , 0.75])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['divide_no_nan'], (x1, x2,), {})
    return _STATE.kernels['divide_no_nan'](x1, x2)


def dot(x1, x2):
    """NumPy's ``dot``: the product of scalars, the inner product of vectors, else a sum over the
    last axis of ``x1`` and the second-to-last of ``x2`` (the only axis of a vector).

    Arguments:
        x1: the first tensor.
        x2: the second tensor.

    Returns:
        The product in the promoted dtype, shape ``x1.shape[:-1] + x2.shape[:-2] + x2.shape[-1:]``
        for N-D inputs.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.dot(np.array([1, 2, 3]), np.array([4, 5, 6]))
    array(32)
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['dot'], (x1, x2,), {})
    return _STATE.kernels['dot'](x1, x2)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention on ``(batch, seq, heads, head_dim)`` tensors. ``mask`` is
    boolean (``True`` = attend), ``bias`` is added to the logits. ``attn_logits_soft_cap=c``
    caps the (biased) logits softly as ``c * tanh(logits / c)`` before masking.
    ``flash_attention=True`` raises: no dlx backend has a fused attention kernel.

    Arguments:
        query: a tensor of shape ``(batch, target_len, heads, head_dim)``.
        key: a tensor of shape ``(batch, source_len, heads, head_dim)``.
        value: a tensor of shape ``(batch, source_len, heads, value_dim)``.
        bias: added to the logits, broadcastable to ``(batch, heads, target_len, source_len)``
            (``None``: none).
        mask: a boolean tensor broadcastable to the logits' shape; ``False`` positions get no
            attention (``None``: none).
        scale: the factor applied to ``query . key``; ``None`` means ``1 / sqrt(head_dim)``.
        is_causal: mask out positions where the source index exceeds the target index.
        flash_attention: ``None`` or ``False``; ``True`` raises.
        attn_logits_soft_cap: a positive soft cap for the logits (``None``: none).

    Returns:
        A tensor of shape ``(batch, target_len, heads, value_dim)``.

    Raises:
        ValueError: when ``flash_attention`` is true or ``attn_logits_soft_cap`` is not positive.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> q = k = v = np.random.default_rng(0).standard_normal((2, 5, 4, 8))
    >>> ops.dot_product_attention(q, k, v, is_causal=True).shape
    (2, 5, 4, 8)
    >>> value = np.arange(3.0).reshape(1, 3, 1, 1)
    >>> ops.dot_product_attention(np.zeros((1, 1, 1, 1)), np.zeros((1, 3, 1, 1)), value)[0, :, 0, 0]
    array([1.])
    """
    if isinstance(query, _Special) or isinstance(key, _Special) or isinstance(value, _Special) or isinstance(bias, _Special) or isinstance(mask, _Special):
        return _slow(_REGISTRY['dot_product_attention'], (query, key, value, bias, mask, scale, is_causal, flash_attention, attn_logits_soft_cap,), {})
    return _STATE.kernels['dot_product_attention'](query, key, value, bias, mask, scale, is_causal, flash_attention, attn_logits_soft_cap)


def dsplit(x, indices_or_sections):
    """Splits along axis 2 (``x`` at least 3-D) into equal sections or at indices.

    Arguments:
        x: a tensor of rank at least 3.
        indices_or_sections: an int ``n`` (``n`` equal sections; the axis length must be a multiple
            of ``n``) or a sorted list of indices along the axis to cut before.

    Returns:
        A list of tensors of ``x``'s dtype.

    Raises:
        ValueError: when ``x`` has fewer than 3 dimensions.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> parts = ops.dsplit(np.zeros((2, 3, 4)), 2)
    >>> [p.shape for p in parts]
    [(2, 3, 2), (2, 3, 2)]
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['dsplit'], (x, indices_or_sections,), {})
    return _STATE.kernels['dsplit'](x, indices_or_sections)


def dstack(xs):
    """Joins tensors depth-wise: along axis 2 (1-D ``(n,)`` as ``(1, n, 1)``, 2-D ``(m, n)`` as ``(m, n, 1)``).

    Arguments:
        xs: a list or tuple of tensors; once lower-rank inputs are raised in rank as described
            above, their shapes must agree except along the joined axis.

    Returns:
        One tensor, the inputs one after the other, in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.dstack([np.array([1, 2]), np.array([3, 4])])
    array([[[1, 3],
            [2, 4]]])
    """
    if _any_special(xs):
        return _slow(_REGISTRY['dstack'], (xs,), {})
    return _STATE.kernels['dstack'](xs)


def eig(x):
    """Eigenvalues and right eigenvectors (columns) of each square matrix ``x``: ``(w, v)`` with
    ``x @ v = v * w``, sorted by eigenvalue, each eigenvector of unit norm with its entry of largest
    magnitude positive. dlx has no complex dtype: eigenvalues that are not real (imaginary part
    above ``8 * M * eps * max|w|``) and their eigenvectors are NaN -- use ``eigh`` for symmetric
    matrices.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A tuple ``(w, v)``: eigenvalues ``(..., M)`` sorted by real part and eigenvectors
        ``(..., M, M)``, column ``i`` belonging to ``w[..., i]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, v = ops.eig(np.array([[2.0, 0.0], [0.0, 3.0]]))
    >>> w
    array([2., 3.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['eig'], (x,), {})
    return _STATE.kernels['eig'](x)


def eigh(x):
    """Eigenvalues (ascending) and eigenvectors (columns) of each symmetric matrix ``x``:
    ``(w, v)`` with ``x @ v = v * w``. Uses the symmetric part of ``x``; each eigenvector's entry
    of largest magnitude is positive.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A tuple ``(w, v)``: eigenvalues ``(..., M)`` in ascending order and orthonormal
        eigenvectors ``(..., M, M)``, column ``i`` belonging to ``w[..., i]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, v = ops.eigh(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> np.round(w, 4)
    array([1., 3.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['eigh'], (x,), {})
    return _STATE.kernels['eigh'](x)


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation (explicit ``->`` output recommended). The one keyword argument is
    ``optimize`` (the contraction-order strategy: False, True, "greedy" or "optimal"; it changes
    speed, not the result); any other raises.

    Arguments:
        subscripts: the NumPy-style equation, e.g. ``"bij,bjk->bik"``; ``...`` stands for
            broadcast axes.
        *operands: the tensors, one per comma-separated term of ``subscripts``.
        optimize: (keyword) the contraction-order strategy, as above.

    Returns:
        The contraction, in the operands' promoted dtype.

    Raises:
        TypeError: for a keyword other than ``optimize``.
        ValueError: for an ``optimize`` value other than the four above.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.einsum("ij,j->i", np.array([[1, 2], [3, 4]]), np.array([1, 10]))
    array([21, 43])
    """
    _REGISTRY['einsum'].validate(subscripts, *operands, **kwargs)
    if _any_special(operands):
        return _slow(_REGISTRY['einsum'], (subscripts, *operands,), {**kwargs})
    return _STATE.kernels['einsum'](subscripts, *operands, **kwargs)


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation='bilinear', fill_mode='reflect', fill_value=0.0, seed=None, data_format=None):
    """Elastic distortion: every pixel moves by ``alpha`` times Gaussian noise (standard deviation
    ``sigma``) blurred with a ``sigma`` Gaussian of size ``int(6 sigma) | 1``, independently in x
    and y. ``seed`` is an int, a seed tensor or a ``dlx.random.SeedGenerator``; the portable
    generator gives every backend the same displacement.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says.
        alpha: the scale of the displacement field (in pixels per unit of smoothed noise).
        sigma: the standard deviation of the noise and of the smoothing Gaussian; must be > 0.
        interpolation: ``"bilinear"`` (weighted mean of the 4 nearest pixels) or
            ``"nearest"`` (the nearest pixel, coordinates rounded half away from zero).
        fill_mode: how coordinates outside the input are read: ``"constant"`` (every
            out-of-range tap reads ``fill_value``), ``"nearest"`` (the closest edge pixel:
            ``a a | a b c d | d d``), ``"wrap"`` (periodic: ``c d | a b c d | a b``), ``"mirror"``
            (reflected about the edge pixels' centres: ``c b | a b c d | c b``) or ``"reflect"``
            (reflected about the edges, repeating the edge pixel: ``b a | a b c d | d c``).
        fill_value: the value read outside the input with ``fill_mode="constant"``.
        seed: an int, a seed tensor or a ``dlx.random.SeedGenerator`` (advanced on each call);
            ``None`` draws a fresh seed from the global generator.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The distorted images, ``images``' shape and dtype (one independent field per image).

    Raises:
        ValueError: for an unknown ``interpolation`` or ``fill_mode``, ``sigma <= 0``, an
            ``images`` rank other than 3 or 4, or an invalid ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.ones((1, 8, 8, 1))
    >>> y = image.elastic_transform(x, alpha=2.0, sigma=1.0, seed=1)
    >>> y.shape, y.dtype
    ((1, 8, 8, 1), dtype('float64'))
    """
    if data_format not in _FORMATS:
        _bad('elastic_transform', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special):
        return _slow(_REGISTRY['elastic_transform'], (images, alpha, sigma, interpolation, fill_mode, fill_value, seed, data_format,), {})
    return _STATE.kernels['elastic_transform'](images, alpha, sigma, interpolation, fill_mode, fill_value, seed, data_format)


def elu(x, alpha=1.0):
    """x if x > 0 else alpha * (exp(x) - 1).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        alpha: the scale of the negative branch (its limit as ``x -> -inf`` is ``-alpha``).

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.elu(np.array([-1.0, 0.0, 2.0])), 4)
    array([-0.6321,  0.    ,  2.    ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['elu'], (x, alpha,), {})
    return _STATE.kernels['elu'](x, alpha)


def empty(shape, dtype=None):
    """A tensor of ``shape`` (``dtype`` defaults to floatx). dlx fills it with zeros: no backend
    exposes uninitialized memory, so results never depend on it.

    Arguments:
        shape: an int or a tuple of ints.
        dtype: the result's dtype (``None``: ``floatx()``).

    Returns:
        A tensor of zeros of ``shape``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.empty((2, 3)).shape
    (2, 3)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('empty', 'dtype', dtype)
    return _STATE.kernels['empty'](shape, dtype)


def empty_like(x, dtype=None):
    """A tensor of ``x``'s shape (and by default dtype), filled with zeros (see ``empty``).

    Arguments:
        x: the tensor whose shape (and dtype) the result takes.
        dtype: the result's dtype (``None``: ``x``'s dtype).

    Returns:
        A tensor of zeros of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.empty_like(np.zeros((2, 3)), dtype="int32").dtype
    dtype('int32')
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('empty_like', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['empty_like'], (x, dtype,), {})
    return _STATE.kernels['empty_like'](x, dtype)


def equal(x1, x2):
    """``equal`` comparison with broadcasting; returns bool.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``; both are compared in their promoted
            dtype.

    Returns:
        A bool tensor of the broadcast shape of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.equal(np.array([1, 2, 3]), np.array([1, 0, 3]))
    array([ True, False,  True])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['equal'], (x1, x2,), {})
    return _STATE.kernels['equal'](x1, x2)


def erf(x):
    """Error function.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.erf(np.array([0.0, 0.5, 2.0])), 4)
    array([0.    , 0.5205, 0.9953])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['erf'], (x,), {})
    return _STATE.kernels['erf'](x)


def erfc(x):
    """Complementary error function, ``1 - erf(x)`` (accurate where erf is near 1).

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.erfc(np.array([0.0, 0.5, 1.0])), 4)
    array([1.    , 0.4795, 0.1573])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['erfc'], (x,), {})
    return _STATE.kernels['erfc'](x)


def erfinv(x):
    """Inverse error function.

    Arguments:
        x: input tensor with entries in ``[-1, 1]``; -1 and 1 give -inf and inf, entries outside
            give NaN.

    Returns:
        The ``y`` with ``erf(y) == x``, a float tensor of ``x``'s shape: float inputs keep their dtype,
        integer and bool inputs give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.erfinv(np.array([0.0, 0.5, -0.9])), 4)
    array([ 0.    ,  0.4769, -1.1631])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['erfinv'], (x,), {})
    return _STATE.kernels['erfinv'](x)


def exp(x):
    """e**x, elementwise.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.exp(np.array([0.0, 1.0, 2.0])), 4)
    array([1.    , 2.7183, 7.3891])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['exp'], (x,), {})
    return _STATE.kernels['exp'](x)


def exp2(x):
    """2**x, elementwise.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.exp2(np.array([0.0, 1.0, 3.0]))
    array([1., 2., 8.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['exp2'], (x,), {})
    return _STATE.kernels['exp2'](x)


def expand_dims(x, axis):
    """Inserts length-1 axes at ``axis``.

    Arguments:
        x: the input tensor.
        axis: an int or a tuple of ints: the positions the new axes take in the result
            (negative values count from the result's last axis).

    Returns:
        ``x`` with a length-1 axis at each position of ``axis`` (same elements and dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.expand_dims(np.array([1.0, 2.0]), 0).shape
    (1, 2)
    """
    if axis is not None and axis.__class__ is not int:
        _check_axis('expand_dims', 'axis', axis, None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['expand_dims'], (x, axis,), {})
    return _STATE.kernels['expand_dims'](x, axis)


def expm1(x):
    """exp(x) - 1, accurate near 0.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.expm1(np.array([0.0, 1.0])), 4)
    array([0.    , 1.7183])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['expm1'], (x,), {})
    return _STATE.kernels['expm1'](x)


def extract_patches(images, size, strides=None, dilation_rate=1, padding='valid', data_format=None):
    """Patches of ``size`` (int or ``(h, w)``; a 3-tuple extracts 3-D patches) flattened into the
    channel axis in ``(row, column, channel)`` order; ``strides`` default to ``size``.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says (rank 4
            or 5 for 3-D patches).
        size: the patch size: an int, an ``(h, w)`` pair, or a ``(d, h, w)`` triple for volumes.
        strides: the step between patch origins (an int or one per spatial axis); ``None`` means
            ``size`` (non-overlapping patches).
        dilation_rate: the spacing between the sampled pixels of a patch (an int or one per axis).
        padding: ``"valid"`` (only patches that fit) or ``"same"`` (zero padding so that there
            are ``ceil(length / stride)`` patches per axis); case-insensitive.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        ``(batch, rows, columns, h * w * channels)`` for channels last (the patch axis first
        for channels first; no batch axis for a single image).

    Raises:
        ValueError: for an invalid ``padding`` or ``data_format``, a rank that does not match
            ``size``, or a patch larger than the (padded) image.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> patches = image.extract_patches(np.arange(16.0).reshape(4, 4, 1), 2)
    >>> patches.shape  # a 2 x 2 grid of flattened 2 x 2 x 1 patches
    (2, 2, 4)
    >>> patches[0, 0]
    array([0., 1., 4., 5.])
    """
    if padding != 'valid' and padding != 'same':
        if str(padding).lower() in ('valid', 'same'):
            padding = str(padding).lower()
        else:
            _bad('extract_patches', 'padding', padding, "'valid' or 'same'")
    if data_format not in _FORMATS:
        _bad('extract_patches', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special):
        return _slow(_REGISTRY['extract_patches'], (images, size, strides, dilation_rate, padding, data_format,), {})
    return _STATE.kernels['extract_patches'](images, size, strides, dilation_rate, padding, data_format)


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding='valid', data_format=None):
    """3-D patches of ``size`` (int or ``(d, h, w)``) flattened into the channel axis.

    Arguments:
        volumes: one volume (rank 4) or a batch (rank 5), laid out as ``data_format`` says
            (``(..., depth, height, width, channels)`` for channels last).
        size: the patch size, an int or a ``(d, h, w)`` triple.
        strides: the step between patch origins (an int or a triple); ``None`` means ``size``.
        dilation_rate: the spacing between the sampled voxels of a patch (an int or a triple).
        padding: ``"valid"`` (only patches that fit) or ``"same"`` (zero padding so that there
            are ``ceil(length / stride)`` patches per axis); case-insensitive.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        ``(batch, *grid, d * h * w * channels)`` for channels last, flattened in
        ``(depth, row, column, channel)`` order (no batch axis for a single volume).

    Raises:
        ValueError: for an invalid ``padding`` or ``data_format``, a rank other than 4 or 5, or a
            patch larger than the (padded) volume.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> volume = np.arange(64.0).reshape(4, 4, 4, 1)
    >>> patches = image.extract_patches_3d(volume, 2)
    >>> patches.shape  # a 2 x 2 x 2 grid of flattened 2 x 2 x 2 x 1 patches
    (2, 2, 2, 8)
    >>> patches[0, 0, 0]
    array([ 0.,  1.,  4.,  5., 16., 17., 20., 21.])
    """
    if padding != 'valid' and padding != 'same':
        if str(padding).lower() in ('valid', 'same'):
            padding = str(padding).lower()
        else:
            _bad('extract_patches_3d', 'padding', padding, "'valid' or 'same'")
    if data_format not in _FORMATS:
        _bad('extract_patches_3d', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(volumes, _Special):
        return _slow(_REGISTRY['extract_patches_3d'], (volumes, size, strides, dilation_rate, padding, data_format,), {})
    return _STATE.kernels['extract_patches_3d'](volumes, size, strides, dilation_rate, padding, data_format)


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` along the last axis, every ``sequence_stride`` steps:
    ``(..., num_frames, sequence_length)`` with ``num_frames = (n - sequence_length) //
    sequence_stride + 1``.

    Arguments:
        x: the signal, framed along its last axis (length ``n``).
        sequence_length: the frame length, a positive int.
        sequence_stride: the step between frame starts, a positive int.

    Returns:
        A tensor ``(..., num_frames, sequence_length)`` of ``x``'s dtype; frames overlap when the
        stride is shorter than the length.

    Raises:
        ValueError: when a length or stride is not a positive int, or the signal is shorter than
            one frame.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.extract_sequences(np.arange(6.0), sequence_length=3, sequence_stride=2)
    array([[0., 1., 2.],
           [2., 3., 4.]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['extract_sequences'], (x, sequence_length, sequence_stride,), {})
    return _STATE.kernels['extract_sequences'](x, sequence_length, sequence_stride)


def eye(N, M=None, k=0, dtype=None):
    """A 2-D array with ones on the ``k``-th diagonal.

    Arguments:
        N: the number of rows.
        M: the number of columns (``None``: ``N``).
        k: the diagonal: 0 the main one, positive above it, negative below it.
        dtype: the result's dtype (``None``: ``floatx()``).

    Returns:
        An ``(N, M)`` tensor, ones on diagonal ``k`` and zeros elsewhere.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.eye(2, 3)
    array([[1., 0., 0.],
           [0., 1., 0.]], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('eye', 'dtype', dtype)
    return _STATE.kernels['eye'](N, M, k, dtype)


def fabs(x):
    """Absolute value as a float (integers and bools give floatx).

    Arguments:
        x: input tensor.

    Returns:
        ``|x|``, a float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.fabs(np.array([-1, 0, 2]))
    array([1., 0., 2.], dtype=float32)
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['fabs'], (x,), {})
    return _STATE.kernels['fabs'](x)


def fft(x):
    """The discrete Fourier transform along the last axis of ``x = (real, imag)``; returns
    ``(real, imag)``.

    Arguments:
        x: a ``(real, imag)`` tuple or list of two float tensors of one shape.

    Returns:
        A ``(real, imag)`` tuple of float tensors (the input's float dtype), shaped like the input.

    Raises:
        ValueError: when ``x`` does not hold two float tensors of one shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> real, imag = ops.fft((np.array([1.0, 0.0, 0.0, 0.0]), np.zeros(4)))
    >>> real, imag
    (array([1., 1., 1., 1.]), array([0., 0., 0., 0.]))
    """
    if _any_special(x):
        return _slow(_REGISTRY['fft'], (x,), {})
    return _STATE.kernels['fft'](x)


def fft2(x):
    """The 2-D discrete Fourier transform over the last two axes of ``x = (real, imag)``.

    Arguments:
        x: a ``(real, imag)`` tuple or list of two float tensors of one shape, rank >= 2.

    Returns:
        A ``(real, imag)`` tuple of float tensors (the input's float dtype), shaped like the input.

    Raises:
        ValueError: when ``x`` does not hold two float tensors of one shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> real, imag = ops.fft2((np.ones((2, 2)), np.zeros((2, 2))))
    >>> real
    array([[4., 0.],
           [0., 0.]])
    """
    if _any_special(x):
        return _slow(_REGISTRY['fft2'], (x,), {})
    return _STATE.kernels['fft2'](x)


def flip(x, axis=None):
    """Reverses the order of elements along ``axis`` (all axes if None).

    Arguments:
        x: the input tensor.
        axis: an int or a tuple of ints, the axes to reverse (``None``: all of them).

    Returns:
        The flipped tensor, of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.flip(np.array([1, 2, 3]))
    array([3, 2, 1])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('flip', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['flip'], (x, axis,), {})
    return _STATE.kernels['flip'](x, axis)


def fliplr(x):
    """Reverses axis 1 (left-right).

    Arguments:
        x: a tensor of rank at least 2.

    Returns:
        ``x`` with the order of axis 1 reversed (same shape and dtype).

    Raises:
        ValueError: when ``x`` has fewer than 2 dimensions.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.fliplr(np.array([[1, 2], [3, 4]]))
    array([[2, 1],
           [4, 3]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['fliplr'], (x,), {})
    return _STATE.kernels['fliplr'](x)


def flipud(x):
    """Reverses axis 0 (up-down).

    Arguments:
        x: a tensor of rank at least 1.

    Returns:
        ``x`` with the order of axis 0 reversed (same shape and dtype).

    Raises:
        ValueError: when ``x`` is a scalar.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.flipud(np.array([[1, 2], [3, 4]]))
    array([[3, 4],
           [1, 2]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['flipud'], (x,), {})
    return _STATE.kernels['flipud'](x)


def floor(x):
    """Floor of ``x``, elementwise (integers become floatx).

    Arguments:
        x: input tensor.

    Returns:
        The largest integral value not above each element, as a float tensor of
        ``x``'s shape: float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.floor(np.array([-1.5, 0.2, 1.7]))
    array([-2.,  0.,  1.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['floor'], (x,), {})
    return _STATE.kernels['floor'](x)


def floor_divide(x1, x2):
    """``floor(x1 / x2)`` (Python / NumPy semantics).

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.floor_divide(np.array([7, -7, 9]), 2)
    array([ 3, -4,  4])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['floor_divide'], (x1, x2,), {})
    return _STATE.kernels['floor_divide'](x1, x2)


def fmax(x1, x2):
    """Elementwise maximum that ignores NaNs (NaN only where both are NaN).

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.fmax(np.array([1.0, np.nan, 3.0]), np.array([2.0, 0.0, np.nan]))
    array([2., 0., 3.])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['fmax'], (x1, x2,), {})
    return _STATE.kernels['fmax'](x1, x2)


def fmin(x1, x2):
    """Elementwise minimum that ignores NaNs (NaN only where both are NaN).

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.fmin(np.array([1.0, np.nan, 3.0]), np.array([2.0, 0.0, np.nan]))
    array([1., 0., 3.])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['fmin'], (x1, x2,), {})
    return _STATE.kernels['fmin'](x1, x2)


def fmod(x1, x2):
    """Remainder of truncated division: the sign of ``x1`` (C's ``fmod``; ``mod`` follows ``x2``).

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.fmod(np.array([7, -7, 9]), 3)
    array([ 1, -1,  0])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['fmod'], (x1, x2,), {})
    return _STATE.kernels['fmod'](x1, x2)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sums sliding blocks ``(N, C * kh * kw, L)`` back into an ``(N, C, *output_size)`` image
    (col2im, the adjoint of :func:`unfold`; overlapping entries add).

    Arguments:
        x: blocks ``(N, C * kh * kw, L)`` as :func:`unfold` lays them out.
        output_size: the image's ``(H, W)`` (an int for both).
        kernel_size: the block size, an int or ``(kh, kw)``.
        dilation: the spacing between a block's pixels, an int or a pair.
        padding: the zero padding :func:`unfold` added on each side (cropped off here), an int or a
            pair.
        stride: the step between blocks, an int or a pair.

    Returns:
        The image ``(N, C, H, W)``.

    Raises:
        ValueError: when ``x`` is not rank 3, its second axis does not divide by ``kh * kw``, or
            ``L`` does not match the number of block positions.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> columns = ops.unfold(x, 2, stride=2)
    >>> ops.fold(columns, (4, 4), 2, stride=2)[0, 0]
    array([[ 0.,  1.,  2.,  3.],
           [ 4.,  5.,  6.,  7.],
           [ 8.,  9., 10., 11.],
           [12., 13., 14., 15.]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['fold'], (x, output_size, kernel_size, dilation, padding, stride,), {})
    return _STATE.kernels['fold'](x, output_size, kernel_size, dilation, padding, stride)


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``, starting from
    ``init_val``. Differentiable when ``lower`` and ``upper`` are Python ints.

    Arguments:
        lower: the first value of ``i`` (an int).
        upper: the bound of ``i`` (an int, excluded).
        body_fun: a callable ``(i, val) -> val`` returning the new value in ``val``'s structure.
        init_val: the starting value (a tensor or a pytree of tensors).

    Returns:
        The value after the last step (``init_val`` when ``upper <= lower``).

    Raises:
        TypeError: when ``body_fun`` is not callable.

    Example:

    >>> from dlx import ops
    >>> ops.fori_loop(0, 5, lambda i, acc: acc + i, 0)
    10
    """
    if isinstance(init_val, _Special):
        return _slow(_REGISTRY['fori_loop'], (lower, upper, body_fun, init_val,), {})
    return _STATE.kernels['fori_loop'](lower, upper, body_fun, init_val)


def full(shape, fill_value, dtype=None):
    """An array filled with ``fill_value`` (dtype from the value if not given).

    Arguments:
        shape: an int or a tuple of ints.
        fill_value: the value of every element.
        dtype: the result's dtype (``None``: the dtype of ``fill_value`` under the weak-type
            rule: a Python int gives int32, a float ``floatx()``, a bool bool).

    Returns:
        A tensor of ``shape`` filled with ``fill_value``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.full((2, 2), 0.5)
    array([[0.5, 0.5],
           [0.5, 0.5]], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('full', 'dtype', dtype)
    return _STATE.kernels['full'](shape, fill_value, dtype)


def full_like(x, fill_value, dtype=None):
    """An array of ``fill_value`` with the shape (and by default the dtype) of ``x``.

    Arguments:
        x: the tensor whose shape (and dtype) the result takes.
        fill_value: the value of every element.
        dtype: the result's dtype (``None``: ``x``'s dtype).

    Returns:
        A new tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.full_like(np.zeros(3), 7.0)
    array([7., 7., 7.])
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('full_like', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['full_like'], (x, fill_value, dtype,), {})
    return _STATE.kernels['full_like'](x, fill_value, dtype)


def gather_nd(x, indices):
    """Gathers slices of ``x`` at the index tuples in the last axis of ``indices``.

    Arguments:
        x: the input tensor.
        indices: an integer tensor whose last axis holds index tuples into ``x``'s leading axes.

    Returns:
        A tensor of ``x``'s dtype, of shape ``indices.shape[:-1] + x.shape[indices.shape[-1]:]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.gather_nd(np.array([[1, 2], [3, 4]]), np.array([[0, 1], [1, 0]]))
    array([2, 3])
    """
    if isinstance(x, _Special) or isinstance(indices, _Special):
        return _slow(_REGISTRY['gather_nd'], (x, indices,), {})
    return _STATE.kernels['gather_nd'](x, indices)


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Depthwise Gaussian blur with zero ("same") padding. ``kernel_size`` and ``sigma`` are
    ``(width, height)`` pairs (Keras's order: the first entry filters along the width).

    Each channel is filtered separately with the normalized separable kernel
    ``exp(-x**2 / (2 sigma**2))`` sampled at offsets ``i - (size - 1) / 2``.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says.
        kernel_size: the filter size, an int for both axes or a ``(width, height)`` pair of
            positive ints.
        sigma: the standard deviation, a number or a ``(width, height)`` pair of positive numbers.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The blurred images, ``images``' shape, in a float dtype (``floatx()`` for integer input).

    Raises:
        ValueError: for a ``kernel_size`` below 1, a ``sigma`` not above 0, a pair of the wrong
            length, an ``images`` rank other than 3 or 4, or an invalid ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.zeros((1, 5, 5, 1))
    >>> x[0, 2, 2, 0] = 1.0  # one bright pixel spreads over its 3 x 3 neighbourhood
    >>> y = image.gaussian_blur(x, kernel_size=(3, 3), sigma=(1.0, 1.0))
    >>> np.round(y[0, 1:4, 1:4, 0], 3)
    array([[0.075, 0.124, 0.075],
           [0.124, 0.204, 0.124],
           [0.075, 0.124, 0.075]])
    """
    if data_format not in _FORMATS:
        _bad('gaussian_blur', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special):
        return _slow(_REGISTRY['gaussian_blur'], (images, kernel_size, sigma, data_format,), {})
    return _STATE.kernels['gaussian_blur'](images, kernel_size, sigma, data_format)


def gcd(x1, x2):
    """Greatest common divisor of integers (non-negative).

    Arguments:
        x1: first integer tensor.
        x2: second integer tensor, broadcast against ``x1``.

    Returns:
        A non-negative tensor of the broadcast shape in the operands' promoted integer dtype
        (``gcd(0, 0)`` is 0).

    Raises:
        TypeError: when an operand is not of an integer dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.gcd(np.array([12, 18, 7]), np.array([8, 12, 5]))
    array([4, 6, 1])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['gcd'], (x1, x2,), {})
    return _STATE.kernels['gcd'](x1, x2)


def gelu(x, approximate=True):
    """Gaussian error linear unit: ``x * Phi(x)`` (``approximate=True``: the tanh form).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        approximate: ``True`` uses ``0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x**3)))``;
            ``False`` the exact form with the Gaussian CDF ``Phi`` (through ``erfc``).

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.gelu(np.array([-1.0, 0.0, 1.0])), 4)
    array([-0.1588,  0.    ,  0.8412])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['gelu'], (x, approximate,), {})
    return _STATE.kernels['gelu'](x, approximate)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` values from ``start`` to ``stop`` evenly spaced on a log scale (a geometric
    sequence; negative bounds give negative values).

    Arguments:
        start: the first value (a nonzero number or array).
        stop: the last value (included when ``endpoint`` is True), of ``start``'s sign.
        num: the number of values.
        endpoint: whether ``stop`` is the last value; if False the ``num`` values stop one ratio
            step short of it.
        dtype: the result's dtype (``None``: ``floatx()``).
        axis: the axis of the result the values run along when ``start`` / ``stop`` are arrays.

    Returns:
        The values, as a tensor.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.geomspace(1.0, 1000.0, 4)
    array([   1.,   10.,  100., 1000.], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('geomspace', 'dtype', dtype)
    return _STATE.kernels['geomspace'](start, stop, num, endpoint, dtype, axis)


def get_item(x, key):
    """``x[key]`` for a static key of ints, slices, ``None`` and ``Ellipsis``.

    Arguments:
        x: the input tensor.
        key: the index: an int, a slice, ``None``, ``Ellipsis``, or a tuple (or list) of these.

    Returns:
        ``x[key]``, of ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.get_item(np.array([[1, 2], [3, 4]]), 1)
    array([3, 4])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['get_item'], (x, key,), {})
    return _STATE.kernels['get_item'](x, key)


def get_item_grad(g, x, key):
    """The cotangent of ``get_item`` w.r.t. ``x``: zeros with ``g`` added at ``key``.

    Arguments:
        g: the cotangent of ``get_item``'s output.
        x: the tensor ``get_item`` indexed (its shape is the result's shape).
        key: the key ``get_item`` was called with.

    Returns:
        A tensor of ``x``'s shape and ``g``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.get_item_grad(np.array([1.0, 2.0, 5.0]), np.zeros(4), np.array([0, 0, 3]))
    array([3., 0., 0., 5.])
    >>> ops.get_item_grad(np.array(7.0), np.zeros((2, 2)), (1, 0))
    array([[0., 0.],
           [7., 0.]])
    """
    if isinstance(g, _Special) or isinstance(x, _Special):
        return _slow(_REGISTRY['get_item_grad'], (g, x, key,), {})
    return _STATE.kernels['get_item_grad'](g, x, key)


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` where ``a, b`` are the two halves of ``x`` along
    ``axis`` (its size must be even).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        axis: the axis split in two halves; default the last.

    Returns:
        A float tensor of ``x``'s shape with ``axis`` halved.

    Raises:
        ValueError: when ``x.shape[axis]`` is odd.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.glu(np.array([1.0, 2.0, 0.0, 3.0])), 4)
    array([0.5   , 1.9051])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('glu', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['glu'], (x, axis,), {})
    return _STATE.kernels['glu'](x, axis)


def greater(x1, x2):
    """``greater`` comparison with broadcasting; returns bool.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``; both are compared in their promoted
            dtype.

    Returns:
        A bool tensor of the broadcast shape of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.greater(np.array([1, 2, 3]), 2)
    array([False, False,  True])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['greater'], (x1, x2,), {})
    return _STATE.kernels['greater'](x1, x2)


def greater_equal(x1, x2):
    """``greater_equal`` comparison with broadcasting; returns bool.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``; both are compared in their promoted
            dtype.

    Returns:
        A bool tensor of the broadcast shape of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.greater_equal(np.array([1, 2, 3]), 2)
    array([False,  True,  True])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['greater_equal'], (x1, x2,), {})
    return _STATE.kernels['greater_equal'](x1, x2)


def hamming(x):
    """The Hamming window of length ``x``: ``0.54 - 0.46 cos(2 pi n / (x - 1))``.

    Arguments:
        x: the window length, a Python int (``x <= 0`` gives an empty window, 1 gives ``[1.0]``).

    Returns:
        A ``(x,)`` tensor of ``floatx()``: the symmetric window (its first and last samples
        mirror each other), as NumPy computes it.

    Raises:
        TypeError: when ``x`` is not an int.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.hamming(5), 4)
    array([0.08, 0.54, 1.  , 0.54, 0.08], dtype=float32)
    """
    return _STATE.kernels['hamming'](x)


def hanning(x):
    """The Hann window of length ``x``: ``0.5 - 0.5 cos(2 pi n / (x - 1))``.

    Arguments:
        x: the window length, a Python int (``x <= 0`` gives an empty window, 1 gives ``[1.0]``).

    Returns:
        A ``(x,)`` tensor of ``floatx()``: the symmetric window (its first and last samples
        mirror each other), as NumPy computes it.

    Raises:
        TypeError: when ``x`` is not an int.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.hanning(5)
    array([0. , 0.5, 1. , 0.5, 0. ], dtype=float32)
    """
    return _STATE.kernels['hanning'](x)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        threshold: values with ``|x|`` at most this become 0.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.hard_shrink(np.array([-1.0, 0.3, 2.0]))
    array([-1.,  0.,  2.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hard_shrink'], (x, threshold,), {})
    return _STATE.kernels['hard_shrink'](x, threshold)


def hard_sigmoid(x):
    """relu6(x + 3) / 6.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``dlx.config.floatx()``.

    Returns:
        A tensor of ``x``'s shape (a float dtype: ``x``'s own, or ``floatx()`` for integer input).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.hard_sigmoid(np.array([-4.0, 0.0, 1.0, 4.0])), 4)
    array([0.    , 0.5   , 0.6667, 1.    ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hard_sigmoid'], (x,), {})
    return _STATE.kernels['hard_sigmoid'](x)


def hard_silu(x):
    """x * hard_sigmoid(x).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``dlx.config.floatx()``.

    Returns:
        A tensor of ``x``'s shape (a float dtype: ``x``'s own, or ``floatx()`` for integer input).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.hard_silu(np.array([-1.0, 0.0, 1.0, 4.0])), 4)
    array([-0.3333,  0.    ,  0.6667,  4.    ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hard_silu'], (x,), {})
    return _STATE.kernels['hard_silu'](x)


def hard_swish(x):
    """``x * relu6(x + 3) / 6``: Keras's name for :func:`hard_silu`.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.hard_swish(np.array([-1.0, 0.0, 1.0, 4.0])), 4)
    array([-0.3333,  0.    ,  0.6667,  4.    ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hard_swish'], (x,), {})
    return _STATE.kernels['hard_swish'](x)


def hard_tanh(x):
    """``clip(x, -1, 1)``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.hard_tanh(np.array([-2.0, 0.5, 3.0]))
    array([-1. ,  0.5,  1. ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hard_tanh'], (x,), {})
    return _STATE.kernels['hard_tanh'](x)


def heaviside(x1, x2):
    """Step function: 0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``; integers give floatx.

    Arguments:
        x1: the step's input; NaN gives NaN.
        x2: the value at ``x1 == 0``, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.heaviside(np.array([-1.5, 0.0, 2.0]), 0.5)
    array([0. , 0.5, 1. ])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['heaviside'], (x1, x2,), {})
    return _STATE.kernels['heaviside'](x1, x2)


def histogram(x, bins=10, range=None):
    """``(counts, edges)`` of 1-D ``x`` over ``bins`` equal bins spanning ``range`` (default: the
    data's min and max); the last bin includes its right edge, values outside are dropped. Both
    outputs have ``x``'s float dtype (floatx for integers).

    Arguments:
        x: 1-D input tensor.
        bins: the number of equal-width bins, a positive int (default 10).
        range: ``(min, max)`` of the binned interval, with ``min <= max`` (``None``: the
            smallest and largest entry of ``x``).

    Returns:
        A tuple ``(counts, edges)``: ``counts`` of shape ``(bins,)`` and ``edges`` of shape
        ``(bins + 1,)``, both in ``x``'s float dtype (``floatx()`` for integer inputs).

    Raises:
        ValueError: when ``x`` is not 1-D, ``bins`` is not a positive int, or ``range`` has
            ``min > max``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> counts, edges = ops.histogram(np.array([0.0, 0.5, 1.0, 1.5, 4.0]), bins=4)
    >>> counts
    array([2., 2., 0., 1.])
    >>> edges
    array([0., 1., 2., 3., 4.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['histogram'], (x, bins, range,), {})
    return _STATE.kernels['histogram'](x, bins, range)


def hsplit(x, indices_or_sections):
    """Splits along axis 1 (axis 0 for 1-D ``x``) into equal sections or at indices; returns a list.

    Arguments:
        x: a tensor of rank at least 1.
        indices_or_sections: an int ``n`` (``n`` equal sections; the axis length must be a multiple
            of ``n``) or a sorted list of indices along the axis to cut before.

    Returns:
        A list of tensors of ``x``'s dtype.

    Raises:
        ValueError: when ``x`` has fewer than 1 dimension.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.hsplit(np.arange(6).reshape(2, 3), [1])
    [array([[0],
           [3]]), array([[1, 2],
           [4, 5]])]
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['hsplit'], (x, indices_or_sections,), {})
    return _STATE.kernels['hsplit'](x, indices_or_sections)


def hstack(xs):
    """Joins tensors horizontally: along axis 1 (axis 0 for 1-D inputs).

    Arguments:
        xs: a list or tuple of tensors; once lower-rank inputs are raised in rank as described
            above, their shapes must agree except along the joined axis.

    Returns:
        One tensor, the inputs one after the other, in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.hstack([np.array([1, 2]), np.array([3])])
    array([1, 2, 3])
    >>> ops.hstack([np.zeros((2, 1)), np.ones((2, 2))])
    array([[0., 1., 1.],
           [0., 1., 1.]])
    """
    if _any_special(xs):
        return _slow(_REGISTRY['hstack'], (xs,), {})
    return _STATE.kernels['hstack'](xs)


def hsv_to_rgb(images, data_format=None):
    """HSV -> RGB (the inverse of :func:`rgb_to_hsv`; hue taken modulo 1); float images only.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says;
            float, with 3 channels holding hue (a fraction of a turn), saturation and value.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        A tensor of ``images``' shape and dtype with channels R, G, B.

    Raises:
        ValueError: when ``images`` is not a rank 3 or 4 float tensor with 3 channels, or
            ``data_format`` is invalid.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> hsv = np.array([[[0.0, 1.0, 1.0], [1 / 3, 1.0, 0.5]]])  # red, a dark green
    >>> image.hsv_to_rgb(hsv)
    array([[[1. , 0. , 0. ],
            [0. , 0.5, 0. ]]])
    """
    if data_format not in _FORMATS:
        _bad('hsv_to_rgb', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special):
        return _slow(_REGISTRY['hsv_to_rgb'], (images, data_format,), {})
    return _STATE.kernels['hsv_to_rgb'](images, data_format)


def hypot(x1, x2):
    """``sqrt(x1**2 + x2**2)`` without overflow or underflow in the squares; integers give floatx.

    Arguments:
        x1: first leg.
        x2: second leg, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.hypot(np.array([3.0, 5.0]), np.array([4.0, 12.0]))
    array([ 5., 13.])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['hypot'], (x1, x2,), {})
    return _STATE.kernels['hypot'](x1, x2)


def i0(x):
    """Modified Bessel function of the first kind, order 0.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.i0(np.array([0.0, 1.0, 2.0])), 4)
    array([1.    , 1.2661, 2.2796])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['i0'], (x,), {})
    return _STATE.kernels['i0'](x)


def identity(n, dtype=None):
    """The ``n`` x ``n`` identity matrix (``dtype`` defaults to floatx).

    Arguments:
        n: the number of rows and columns.
        dtype: the result's dtype (``None``: ``floatx()``).

    Returns:
        An ``(n, n)`` tensor, ones on the diagonal and zeros elsewhere.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.identity(2)
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('identity', 'dtype', dtype)
    return _STATE.kernels['identity'](n, dtype)


def ifft2(x):
    """The inverse 2-D discrete Fourier transform over the last two axes of ``x = (real, imag)``.

    Arguments:
        x: a ``(real, imag)`` tuple or list of two float tensors of one shape, rank >= 2.

    Returns:
        A ``(real, imag)`` tuple of float tensors (the input's float dtype), shaped like the input (scaled by ``1 / (rows * columns)``).

    Raises:
        ValueError: when ``x`` does not hold two float tensors of one shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> real, imag = ops.ifft2((np.array([[4.0, 0.0], [0.0, 0.0]]), np.zeros((2, 2))))
    >>> real
    array([[1., 1.],
           [1., 1.]])
    """
    if _any_special(x):
        return _slow(_REGISTRY['ifft2'], (x,), {})
    return _STATE.kernels['ifft2'](x)


def imag(x):
    """The imaginary part of ``x`` (zeros for a real tensor).

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A real tensor of ``x``'s shape (zeros of ``x``'s dtype for a real ``x``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.imag(np.array([1 + 2j, 3 - 1j]))
    array([ 2., -1.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['imag'], (x,), {})
    return _STATE.kernels['imag'](x)


def in_top_k(targets, predictions, k):
    """Whether each ``targets[i]`` is among the ``k`` largest of ``predictions[i]`` (bool): true
    when fewer than ``k`` entries are strictly larger than the target's (ties count in its favour; a
    NaN prediction at the target is never in).

    Arguments:
        targets: 1-D integer tensor of shape ``(batch,)``, the class index of each row.
        predictions: 2-D tensor of shape ``(batch, classes)``, the scores.
        k: how many of the largest scores count (an int).

    Returns:
        A bool tensor of shape ``(batch,)``.

    Raises:
        ValueError: when ``predictions`` is not 2-D or ``targets`` is not of shape ``(batch,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.in_top_k(np.array([2, 0]), np.array([[0.1, 0.2, 0.7], [0.1, 0.6, 0.3]]), k=1)
    array([ True, False])
    """
    if isinstance(targets, _Special) or isinstance(predictions, _Special):
        return _slow(_REGISTRY['in_top_k'], (targets, predictions, k,), {})
    return _STATE.kernels['in_top_k'](targets, predictions, k)


def inner(x1, x2):
    """Inner product over the last axes of ``x1`` and ``x2`` (a product when one is a scalar).

    Arguments:
        x1: the first tensor.
        x2: the second tensor; its last axis must match ``x1``'s.

    Returns:
        A tensor of shape ``x1.shape[:-1] + x2.shape[:-1]`` in the promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.inner(np.array([1, 2, 3]), np.array([0, 1, 0]))
    array(2)
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['inner'], (x1, x2,), {})
    return _STATE.kernels['inner'](x1, x2)


def inv(x):
    """The inverse of each square matrix ``x`` (shape ``(..., M, M)``).

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        The inverses, ``(..., M, M)`` in ``x``'s float dtype (NaN for a singular matrix).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['inv'], (x,), {})
    return _STATE.kernels['inv'](x)


def irfft(x, fft_length=None):
    """The inverse of :func:`rfft`: a real signal of ``fft_length`` (default ``2 * (bins - 1)``)
    from the half spectrum ``x = (real, imag)``.

    Arguments:
        x: a ``(real, imag)`` pair of float tensors ``(..., bins)`` holding bins ``0 .. n // 2``
            (cropped or zero-padded to ``fft_length // 2 + 1`` bins).
        fft_length: the output length ``n`` (a positive int); ``None`` means ``2 * (bins - 1)``.

    Returns:
        A real float tensor of shape ``(..., fft_length)``.

    Raises:
        ValueError: when ``x`` does not hold two float tensors of one shape, or ``fft_length``
            is not a positive int or ``None``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.irfft((np.array([10.0, -2.0, -2.0]), np.array([0.0, 2.0, 0.0])))
    array([1., 2., 3., 4.])
    """
    if _any_special(x):
        return _slow(_REGISTRY['irfft'], (x, fft_length,), {})
    return _STATE.kernels['irfft'](x, fft_length)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True where ``|x1 - x2| <= atol + rtol * |x2|`` (equal infinities are close; NaNs only with
    ``equal_nan``).

    Arguments:
        x1: first tensor.
        x2: second tensor, broadcast against ``x1``; it is the reference the relative tolerance
            scales with. Both are compared in their promoted dtype (integers and bools as floats).
        rtol: relative tolerance (default ``1e-05``).
        atol: absolute tolerance (default ``1e-08``).
        equal_nan: whether NaNs in the same place count as close (default ``False``).

    Returns:
        A bool tensor of the broadcast shape of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isclose(np.array([1.0, 1.0, np.nan]), np.array([1.0 + 1e-9, 1.1, np.nan]))
    array([ True, False, False])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['isclose'], (x1, x2, rtol, atol, equal_nan,), {})
    return _STATE.kernels['isclose'](x1, x2, rtol, atol, equal_nan)


def isfinite(x):
    """True where ``x`` is neither infinite nor NaN.

    Arguments:
        x: input tensor (integer inputs are always finite).

    Returns:
        A bool tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isfinite(np.array([1.0, np.nan, np.inf]))
    array([ True, False, False])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isfinite'], (x,), {})
    return _STATE.kernels['isfinite'](x)


def isin(x1, x2, assume_unique=False, invert=False):
    """True where an element of ``x1`` equals some element of ``x2`` (``x1``'s shape; NaN is in
    nothing); ``invert`` negates. ``assume_unique`` is a speed hint only: the result is the same.

    Arguments:
        x1: the elements to look up.
        x2: the values to look for, any shape (read as a flat list); compared with ``x1`` in
            their promoted dtype.
        assume_unique: accepted for NumPy's and Keras's signature; it does not change the result.
        invert: when ``True``, true where the element is *not* in ``x2``.

    Returns:
        A bool tensor of ``x1``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isin(np.array([1, 2, 3, 4]), np.array([2, 4]))
    array([False,  True, False,  True])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['isin'], (x1, x2, assume_unique, invert,), {})
    return _STATE.kernels['isin'](x1, x2, assume_unique, invert)


def isinf(x):
    """True where ``x`` is +inf or -inf.

    Arguments:
        x: input tensor (integer inputs are never infinite).

    Returns:
        A bool tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isinf(np.array([1.0, np.nan, -np.inf]))
    array([False, False,  True])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isinf'], (x,), {})
    return _STATE.kernels['isinf'](x)


def isnan(x):
    """True where ``x`` is NaN.

    Arguments:
        x: input tensor (integer inputs are never NaN).

    Returns:
        A bool tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isnan(np.array([1.0, np.nan, np.inf]))
    array([False,  True, False])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isnan'], (x,), {})
    return _STATE.kernels['isnan'](x)


def isneginf(x):
    """True where ``x`` is -inf.

    Arguments:
        x: input tensor (integer and bool inputs give all false).

    Returns:
        A bool tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isneginf(np.array([np.inf, -np.inf, 1.0, np.nan]))
    array([False,  True, False, False])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isneginf'], (x,), {})
    return _STATE.kernels['isneginf'](x)


def isposinf(x):
    """True where ``x`` is +inf.

    Arguments:
        x: input tensor (integer and bool inputs give all false).

    Returns:
        A bool tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isposinf(np.array([np.inf, -np.inf, 1.0, np.nan]))
    array([ True, False, False, False])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isposinf'], (x,), {})
    return _STATE.kernels['isposinf'](x)


def isreal(x):
    """Elementwise: whether the imaginary part is 0 (all ``True`` for a real tensor).

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A bool tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.isreal(np.array([1 + 0j, 1 + 1j]))
    array([ True, False])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['isreal'], (x,), {})
    return _STATE.kernels['isreal'](x)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window='hann', center=True):
    """Inverse short-time Fourier transform of ``x = (real, imag)`` frames ``(..., num_frames,
    fft_length // 2 + 1)``: each frame's :func:`irfft` times the window, overlap-added and divided
    by the overlap-added squared window (as Keras; with ``window=None`` the sum of frames is
    scaled by ``fft_length / (overlap count * sequence_stride)``). ``center=True`` drops
    ``fft_length // 2`` samples each side; ``length`` fixes the output length.

    Arguments:
        x: a ``(real, imag)`` pair of float tensors ``(..., num_frames, fft_length // 2 + 1)``, as
            :func:`stft` returns.
        sequence_length: the window length used by the forward transform, a positive int.
        sequence_stride: the hop between frames, a positive int.
        fft_length: the frame length, an int ``>= sequence_length``.
        length: the output length (the signal is cropped to it); ``None`` keeps every sample the
            frames cover (less the centering padding).
        window: ``"hann"``, ``"hamming"``, a ``(sequence_length,)`` tensor, or ``None``, as in
            :func:`stft`.
        center: whether the forward transform padded by ``fft_length // 2`` on each side (those
            samples are dropped).

    Returns:
        A real float tensor ``(..., samples)``.

    Raises:
        ValueError: when ``x`` does not hold two float tensors of one shape, or for invalid
            lengths or ``window``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.sin(np.arange(32.0))
    >>> spec = ops.stft(x, 8, 4, 8)
    >>> np.allclose(ops.istft(spec, 8, 4, 8, length=32), x)
    True
    """
    if _any_special(x):
        return _slow(_REGISTRY['istft'], (x, sequence_length, sequence_stride, fft_length, length, window, center,), {})
    return _STATE.kernels['istft'](x, sequence_length, sequence_stride, fft_length, length, window, center)


def kaiser(x, beta):
    """The Kaiser window of length ``x`` with shape parameter ``beta``: ``I0(beta sqrt(1 - (2 n / (x - 1) - 1)**2)) / I0(beta)``.

    Arguments:
        x: the window length, a Python int (``x <= 0`` gives an empty window, 1 gives ``[1.0]``).
        beta: the shape parameter (0 gives a rectangular window; larger values narrow the window).

    Returns:
        A ``(x,)`` tensor of ``floatx()``: the symmetric window (its first and last samples
        mirror each other), as NumPy computes it.

    Raises:
        TypeError: when ``x`` is not an int.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.kaiser(5, 5.0), 4)
    array([0.0367, 0.5529, 1.    , 0.5529, 0.0367], dtype=float32)
    """
    return _STATE.kernels['kaiser'](x, beta)


def kron(x1, x2):
    """Kronecker product: blocks ``x1[i] * x2`` (ranks padded with leading 1s to match).

    Arguments:
        x1: the first tensor (selects the blocks).
        x2: the second tensor (the block pattern).

    Returns:
        A tensor whose size along each axis is the product of the inputs' sizes there.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.kron(np.array([1, 2]), np.array([1, 10]))
    array([ 1, 10,  2, 20])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['kron'], (x1, x2,), {})
    return _STATE.kernels['kron'](x1, x2)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Normalizes over ``axis`` to zero mean / unit variance, then ``* gamma + beta``.
    ``epsilon=None`` means 1e-7 (Keras's ``backend.epsilon()``). Keras's deprecated
    ``rms_scaling=True`` keyword scales ``x`` by ``1 / sqrt(variance + epsilon)`` without centering
    and ignores ``beta``.

    Arguments:
        x: the input tensor; integer inputs are computed in a float dtype.
        gamma: a scale broadcast against the normalized ``x`` (``None``: none).
        beta: an offset added after ``gamma`` (``None``: none).
        axis: the axis or tuple of axes the mean and variance are taken over; default the last.
        epsilon: added to the variance before the square root; ``None`` means ``1e-7``.
        rms_scaling: (keyword, deprecated) ``True`` divides the uncentered ``x`` by the standard
            deviation and skips ``beta``; it warns with a ``DeprecationWarning``.

    Returns:
        A float tensor of ``x``'s shape.

    Raises:
        TypeError: for a keyword other than ``rms_scaling``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.layer_normalization(np.array([[1.0, 2.0, 3.0]])), 4)
    array([[-1.2247,  0.    ,  1.2247]])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('layer_normalization', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(gamma, _Special) or isinstance(beta, _Special):
        return _slow(_REGISTRY['layer_normalization'], (x, gamma, beta, axis, epsilon,), {**kwargs})
    return _STATE.kernels['layer_normalization'](x, gamma, beta, axis, epsilon, **kwargs)


def lcm(x1, x2):
    """Least common multiple of integers (non-negative).

    Arguments:
        x1: first integer tensor.
        x2: second integer tensor, broadcast against ``x1``.

    Returns:
        A non-negative tensor of the broadcast shape in the operands' promoted integer dtype
        (0 where either operand is 0).

    Raises:
        TypeError: when an operand is not of an integer dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.lcm(np.array([4, 6, 7]), np.array([6, 8, 5]))
    array([12, 24, 35])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['lcm'], (x1, x2,), {})
    return _STATE.kernels['lcm'](x1, x2)


def ldexp(x1, x2):
    """``x1 * 2**x2`` for an integer exponent ``x2`` (exact unless it overflows or underflows);
    integer ``x1`` gives floatx.

    Arguments:
        x1: the mantissas.
        x2: integer (or bool) exponents, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape in ``x1``'s float dtype (``floatx()`` for an integer or
        bool ``x1``).

    Raises:
        TypeError: when ``x2`` is not of an integer or bool dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.ldexp(np.array([1.0, 3.0]), np.array([3, -1]))
    array([8. , 1.5])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['ldexp'], (x1, x2,), {})
    return _STATE.kernels['ldexp'](x1, x2)


def leaky_relu(x, negative_slope=0.2):
    """x if x > 0 else negative_slope * x.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        negative_slope: the slope for ``x <= 0``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.leaky_relu(np.array([-2.0, 0.0, 3.0]))
    array([-0.4,  0. ,  3. ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['leaky_relu'], (x, negative_slope,), {})
    return _STATE.kernels['leaky_relu'](x, negative_slope)


def left_shift(x, y):
    """``x << y`` (wraps around at the dtype's width).

    Arguments:
        x: integer tensor to shift.
        y: shift counts (non-negative integers below the dtype's bit width), broadcast against
            ``x``.

    Returns:
        A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.left_shift(np.array([1, 3], dtype='int32'), np.array([2, 1], dtype='int32'))
    array([4, 6], dtype=int32)
    """
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['left_shift'], (x, y,), {})
    return _STATE.kernels['left_shift'](x, y)


def less(x1, x2):
    """``less`` comparison with broadcasting; returns bool.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``; both are compared in their promoted
            dtype.

    Returns:
        A bool tensor of the broadcast shape of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.less(np.array([1, 2, 3]), 2)
    array([ True, False, False])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['less'], (x1, x2,), {})
    return _STATE.kernels['less'](x1, x2)


def less_equal(x1, x2):
    """``less_equal`` comparison with broadcasting; returns bool.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``; both are compared in their promoted
            dtype.

    Returns:
        A bool tensor of the broadcast shape of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.less_equal(np.array([1, 2, 3]), 2)
    array([ True,  True, False])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['less_equal'], (x1, x2,), {})
    return _STATE.kernels['less_equal'](x1, x2)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (numbers or arrays, broadcast; the
    samples run along ``axis`` of the result). With ``retstep`` returns ``(samples, step)``.

    Arguments:
        start: the first value (a number or an array).
        stop: the last value (included when ``endpoint`` is True), broadcast against ``start``.
        num: the number of samples.
        endpoint: whether ``stop`` is the last sample; if False the ``num`` samples stop one
            step short of it.
        retstep: whether to return the spacing too.
        dtype: the result's dtype (``None``: ``floatx()``).
        axis: the axis of the result the samples run along when ``start`` / ``stop`` are arrays.

    Returns:
        The samples; with ``retstep=True``, the pair ``(samples, step)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.linspace(0.0, 1.0, 5)
    array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('linspace', 'dtype', dtype)
    return _STATE.kernels['linspace'](start, stop, num, endpoint, retstep, dtype, axis)


def log(x):
    """Natural logarithm.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.log(np.array([1.0, np.e, 10.0])), 4)
    array([0.    , 1.    , 2.3026])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log'], (x,), {})
    return _STATE.kernels['log'](x)


def log10(x):
    """Base-10 logarithm.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.log10(np.array([1.0, 10.0, 1000.0]))
    array([0., 1., 3.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log10'], (x,), {})
    return _STATE.kernels['log10'](x)


def log1p(x):
    """log(1 + x), accurate near 0.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.log1p(np.array([0.0, 1.0])), 4)
    array([0.    , 0.6931])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log1p'], (x,), {})
    return _STATE.kernels['log1p'](x)


def log2(x):
    """Base-2 logarithm.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.log2(np.array([1.0, 2.0, 8.0]))
    array([0., 1., 3.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log2'], (x,), {})
    return _STATE.kernels['log2'](x)


def log_sigmoid(x):
    """log(sigmoid(x)), stably.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``dlx.config.floatx()``.

    Returns:
        A tensor of ``x``'s shape (a float dtype: ``x``'s own, or ``floatx()`` for integer input).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.log_sigmoid(np.array([-1.0, 0.0, 2.0])), 4)
    array([-1.3133, -0.6931, -0.1269])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log_sigmoid'], (x,), {})
    return _STATE.kernels['log_sigmoid'](x)


def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``.

    Arguments:
        x: the input tensor (logits); integer and bool inputs are computed in ``floatx()``.
        axis: the axis (an int) the log-probabilities are normalized along, or a tuple of axes
            normalized over jointly; default the last.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.log_softmax(np.array([1.0, 2.0, 3.0])), 4)
    array([-2.4076, -1.4076, -0.4076])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('log_softmax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['log_softmax'], (x, axis,), {})
    return _STATE.kernels['log_softmax'](x, axis)


def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` without overflow.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape in the operands' promoted dtype, or ``floatx()`` when
        that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.logaddexp(np.array([0.0, 1.0]), np.array([0.0, 2.0])), 4)
    array([0.6931, 2.3133])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['logaddexp'], (x1, x2,), {})
    return _STATE.kernels['logaddexp'](x1, x2)


def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)`` without overflow; integers give floatx.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.logaddexp2(np.array([1.0, 3.0]), np.array([1.0, 3.0]))
    array([2., 4.])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['logaddexp2'], (x1, x2,), {})
    return _STATE.kernels['logaddexp2'](x1, x2)


def logdet(x):
    """``log|det x|`` of each square matrix ``x`` (for the symmetric positive definite matrices it
    is meant for, the log of the determinant).

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        The log-determinants, shape ``(...)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> print(np.round(ops.logdet(np.array([[2.0, 0.0], [0.0, 3.0]])), 4))
    1.7918
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['logdet'], (x,), {})
    return _STATE.kernels['logdet'](x)


def logical_and(x1, x2):
    """Elementwise and of truth values; returns bool.

    Arguments:
        x1: first operand; nonzero entries count as true.
        x2: second operand, broadcast against ``x1``; nonzero entries count as true.

    Returns:
        A bool tensor of the broadcast shape of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.logical_and(np.array([True, True, False]), np.array([True, False, False]))
    array([ True, False, False])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['logical_and'], (x1, x2,), {})
    return _STATE.kernels['logical_and'](x1, x2)


def logical_not(x):
    """Elementwise NOT of truth values; returns bool.

    Arguments:
        x: input tensor; nonzero entries count as true.

    Returns:
        A bool tensor of ``x``'s shape, true where ``x`` is zero (false).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.logical_not(np.array([True, False, True]))
    array([False,  True, False])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['logical_not'], (x,), {})
    return _STATE.kernels['logical_not'](x)


def logical_or(x1, x2):
    """Elementwise or of truth values; returns bool.

    Arguments:
        x1: first operand; nonzero entries count as true.
        x2: second operand, broadcast against ``x1``; nonzero entries count as true.

    Returns:
        A bool tensor of the broadcast shape of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.logical_or(np.array([True, True, False]), np.array([True, False, False]))
    array([ True,  True, False])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['logical_or'], (x1, x2,), {})
    return _STATE.kernels['logical_or'](x1, x2)


def logical_xor(x1, x2):
    """Elementwise xor of truth values; returns bool.

    Arguments:
        x1: first operand; nonzero entries count as true.
        x2: second operand, broadcast against ``x1``; nonzero entries count as true.

    Returns:
        A bool tensor of the broadcast shape of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.logical_xor(np.array([True, True, False]), np.array([True, False, False]))
    array([False,  True, False])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['logical_xor'], (x1, x2,), {})
    return _STATE.kernels['logical_xor'](x1, x2)


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop, num)``: ``num`` values evenly spaced on a log scale.

    Arguments:
        start: the exponent of the first value (a number or an array).
        stop: the exponent of the last value (included when ``endpoint`` is True).
        num: the number of values.
        endpoint: whether ``base ** stop`` is the last value.
        base: the base of the powers.
        dtype: the result's dtype (``None``: ``floatx()``).
        axis: the axis of the result the values run along when ``start`` / ``stop`` are arrays.

    Returns:
        The values, as a tensor.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.logspace(0.0, 3.0, 4)
    array([   1.,   10.,  100., 1000.], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('logspace', 'dtype', dtype)
    return _STATE.kernels['logspace'](start, stop, num, endpoint, base, dtype, axis)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed stably.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.logsumexp(np.array([1.0, 2.0, 3.0])), 4)
    np.float64(3.4076)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('logsumexp', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('logsumexp', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['logsumexp'], (x, axis, keepdims,), {})
    return _STATE.kernels['logsumexp'](x, axis, keepdims)


def lstsq(a, b, rcond=None):
    """The least-squares solution ``x`` of ``a @ x = b`` of smallest norm (``a`` ``(M, N)``, ``b``
    ``(M,)`` or ``(M, K)``): ``pinv(a, rcond) @ b``; singular values of ``a`` at most
    ``rcond * max(s)`` count as zero (default ``max(M, N) * eps``).

    Arguments:
        a: the coefficient matrix ``(M, N)`` (no batch axes).
        b: the right-hand side, ``(M,)`` or ``(M, K)``.
        rcond: the relative cutoff for small singular values; ``None`` means ``max(M, N) * eps``.

    Returns:
        The solution, ``(N,)`` or ``(N, K)``.

    Raises:
        ValueError: when ``a`` is not a matrix, ``b`` is not 1-D or 2-D, or their rows differ.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> a = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    >>> np.round(ops.lstsq(a, np.array([1.0, 2.0, 3.0])), 4)
    array([1., 1.])
    """
    _REGISTRY['lstsq'].validate(a, b, rcond)
    if isinstance(a, _Special) or isinstance(b, _Special):
        return _slow(_REGISTRY['lstsq'], (a, b, rcond,), {})
    return _STATE.kernels['lstsq'](a, b, rcond)


def lu_factor(x):
    """LU decomposition with partial pivoting of each matrix ``x`` (``(..., M, N)``,
    ``K = min(M, N)``), in LAPACK's packed form: ``(lu, piv)`` with ``lu`` ``(..., M, N)`` holding
    ``U`` and the unit-diagonal ``L`` below it, ``piv`` int32 ``(..., K)``: row ``i`` was swapped
    with row ``piv[i]`` (0-based).

    Arguments:
        x: a tensor of matrices ``(..., M, N)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        The tuple ``(lu, piv)`` described above.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> lu, pivots = ops.lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> np.round(lu, 4)
    array([[3.    , 4.    ],
           [0.3333, 0.6667]])
    >>> pivots
    array([1, 1], dtype=int32)
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['lu_factor'], (x,), {})
    return _STATE.kernels['lu_factor'](x)


def map(f, xs):
    """``f`` applied to each slice of ``xs`` (a pytree) along its leading axis, the results
    stacked (a sequential loop: one call per slice).

    Arguments:
        f: a callable taking one slice of ``xs`` (in ``xs``'s structure).
        xs: a tensor or a pytree of tensors sharing their leading length.

    Returns:
        ``f``'s results for every slice, stacked on a new leading axis (in ``f``'s output
        structure).

    Raises:
        TypeError: when ``f`` is not callable.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.map(lambda x: x ** 2, np.array([1, 2, 3]))
    array([1, 4, 9])
    """
    if isinstance(xs, _Special):
        return _slow(_REGISTRY['map'], (f, xs,), {})
    return _STATE.kernels['map'](f, xs)


def map_coordinates(inputs, coordinates, order, fill_mode='constant', fill_value=0):
    """``inputs`` interpolated at ``coordinates`` (shape ``(inputs.ndim, *out_shape)``) with
    ``order`` 0 (nearest) or 1 (linear); see the module docstring for ``fill_mode``.

    Arguments:
        inputs: the array to sample, of any rank ``N``.
        coordinates: ``(N, *out_shape)``: for each output position, its (fractional) index along
            each of ``inputs``' axes; integer coordinates are converted to ``floatx()``.
        order: ``0`` (nearest, rounding half away from zero) or ``1`` (multilinear, from the
            ``2**N`` surrounding entries).
        fill_mode: how coordinates outside the input are read: ``"constant"`` (every
            out-of-range tap reads ``fill_value``), ``"nearest"`` (the closest edge pixel:
            ``a a | a b c d | d d``), ``"wrap"`` (periodic: ``c d | a b c d | a b``), ``"mirror"``
            (reflected about the edge pixels' centres: ``c b | a b c d | c b``) or ``"reflect"``
            (reflected about the edges, repeating the edge pixel: ``b a | a b c d | d c``).
        fill_value: the value read outside the input with ``fill_mode="constant"``.

    Returns:
        A tensor of shape ``out_shape`` in ``inputs``' dtype (integers are interpolated in float
        and rounded half away from zero).

    Raises:
        ValueError: for an ``order`` other than 0 / 1, an unknown ``fill_mode``, or
            ``coordinates`` whose first axis is not ``inputs.ndim``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.arange(9.0).reshape(3, 3)
    >>> coordinates = np.array([[0.5, 2.0], [0.5, 1.0]])  # points (0.5, 0.5) and (2, 1)
    >>> image.map_coordinates(x, coordinates, order=1)
    array([2., 7.])
    """
    if isinstance(inputs, _Special) or isinstance(coordinates, _Special):
        return _slow(_REGISTRY['map_coordinates'], (inputs, coordinates, order, fill_mode, fill_value,), {})
    return _STATE.kernels['map_coordinates'](inputs, coordinates, order, fill_mode, fill_value)


def matmul(x1, x2):
    """Matrix product with NumPy's broadcasting and 1-D promotion rules.

    Arguments:
        x1: the left operand; a 1-D ``x1`` is treated as a row vector (the added axis is dropped).
        x2: the right operand; a 1-D ``x2`` is treated as a column vector. Leading (batch) axes
            broadcast.

    Returns:
        The product in the two inputs' promoted dtype: ``(..., n, p)`` for ``(..., n, k)`` and
        ``(..., k, p)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.matmul(np.array([[1, 2], [3, 4]]), np.array([[1], [1]]))
    array([[3],
           [7]])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['matmul'], (x1, x2,), {})
    return _STATE.kernels['matmul'](x1, x2)


def matrix_power(x, n):
    """``x`` (square, ``(..., M, M)``) raised to the integer power ``n`` (``n < 0``: of its
    inverse; ``n == 0``: the identity). Integer matrices keep their dtype for ``n >= 0``.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``.
        n: the power, a Python int (negative powers invert first).

    Returns:
        ``(..., M, M)`` tensor: ``x``'s dtype for integer ``x`` and ``n >= 0`` (bool becomes int32),
        else a float dtype.

    Raises:
        ValueError: when ``n`` is not an int or ``x`` is not square matrices.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.matrix_power(np.array([[1, 1], [0, 1]]), 3)
    array([[1, 3],
           [0, 1]])
    """
    _REGISTRY['matrix_power'].validate(x, n)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['matrix_power'], (x, n,), {})
    return _STATE.kernels['matrix_power'](x, n)


def matrix_rank(x, tol=None):
    """The rank of each matrix ``x`` (``(..., M, N)`` -> int32 ``(...)``): the number of singular
    values above ``tol`` (default ``max(s) * max(M, N) * eps`` of the dtype).

    Arguments:
        x: a tensor of matrices ``(..., M, N)``; integer and bool inputs are computed in ``floatx()``.
        tol: the absolute threshold singular values must exceed (a number, or one per matrix);
            ``None`` means ``max(s) * max(M, N) * eps``.

    Returns:
        An int32 tensor of ranks, shape ``(...)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> print(ops.matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]])))
    1
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['matrix_rank'], (x, tol,), {})
    return _STATE.kernels['matrix_rank'](x, tol)


def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis`` (NaN propagates), at least ``initial`` if given (a number, cast to
    ``x``'s dtype). Gradient splits evenly between ties.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.
        initial: a Python number the result may not be below (``None``: no bound).

    Returns:
        A tensor of ``x``'s dtype and of ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.max(np.array([[1, 5], [4, 2]]), axis=1, keepdims=True)
    array([[5],
           [4]])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('max', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('max', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['max'], (x, axis, keepdims, initial,), {})
    return _STATE.kernels['max'](x, axis, keepdims, initial)


def max_pool(inputs, pool_size, strides=None, padding='valid', data_format=None):
    """Max pooling over windows of ``pool_size`` (strides default to the pool size).

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says.
        pool_size: the window size: an int for every spatial dim or a tuple of ``N``.
        strides: the window step: an int or a tuple of ``N``; ``None`` means ``pool_size``.
        padding: ``"valid"`` (windows that fit) or ``"same"`` (output length
            ``ceil(length / stride)``; padded positions never win the max); case-insensitive.
        data_format: ``"channels_last"`` (inputs are ``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The pooled tensor, channels unchanged.

    Raises:
        ValueError: when ``padding`` is not ``"valid"`` / ``"same"`` or ``data_format`` is not one of
            the two layouts (or ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 0.0]).reshape(1, 6, 1)
    >>> ops.max_pool(x, 2)[0, :, 0]
    array([3., 5., 4.])
    """
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
    """Elementwise maximum (NaN propagates).

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.maximum(np.array([1.0, 5.0, 3.0]), np.array([4.0, 2.0, 3.0]))
    array([4., 5., 3.])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['maximum'], (x1, x2,), {})
    return _STATE.kernels['maximum'](x1, x2)


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis``; integers give floatx.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.mean(np.array([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    array([1.5, 3.5])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('mean', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('mean', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['mean'], (x, axis, keepdims,), {})
    return _STATE.kernels['mean'](x, axis, keepdims)


def median(x, axis=None, keepdims=False):
    """Median over ``axis`` (the mean of the two middle values for an even count); integers give
    floatx; a slice holding NaN gives NaN.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.median(np.array([[1.0, 3.0, 2.0], [4.0, 6.0, 5.0]]), axis=1)
    array([2., 5.])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('median', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('median', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['median'], (x, axis, keepdims,), {})
    return _STATE.kernels['median'](x, axis, keepdims)


def meshgrid(*x, indexing='xy'):
    """Coordinate grids from 1-D coordinate vectors (``indexing='xy'``: Cartesian, the first two
    axes swapped; ``'ij'``: matrix indexing); returns a list, each in its input's dtype.

    Arguments:
        *x: the 1-D coordinate tensors, one per grid axis.
        indexing: ``"xy"`` (grids of shape ``(len(x[1]), len(x[0]), ...)``) or ``"ij"`` (grids
            of shape ``(len(x[0]), len(x[1]), ...)``).

    Returns:
        A list of ``len(x)`` tensors of the same shape; the ``i``-th holds ``x[i]``'s values
        repeated along the other axes.

    Raises:
        ValueError: for an ``indexing`` other than ``"xy"`` or ``"ij"``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> xs, ys = ops.meshgrid(np.array([1, 2, 3]), np.array([4, 5]))
    >>> xs
    array([[1, 2, 3],
           [1, 2, 3]])
    >>> ys
    array([[4, 4, 4],
           [5, 5, 5]])
    """
    if _any_special(x):
        return _slow(_REGISTRY['meshgrid'], (*x,), {'indexing': indexing})
    return _STATE.kernels['meshgrid'](*x, indexing=indexing)


def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis`` (NaN propagates), at most ``initial`` if given (a number, cast to
    ``x``'s dtype). Gradient splits evenly between ties.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.
        initial: a Python number the result may not be above (``None``: no bound).

    Returns:
        A tensor of ``x``'s dtype and of ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.min(np.array([[1, 5], [4, 2]]), axis=0)
    array([1, 2])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('min', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('min', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['min'], (x, axis, keepdims, initial,), {})
    return _STATE.kernels['min'](x, axis, keepdims, initial)


def minimum(x1, x2):
    """Elementwise minimum (NaN propagates).

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.minimum(np.array([1.0, 5.0, 3.0]), np.array([4.0, 2.0, 3.0]))
    array([1., 2., 3.])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['minimum'], (x1, x2,), {})
    return _STATE.kernels['minimum'](x1, x2)


def mish(x):
    """x * tanh(softplus(x)).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``dlx.config.floatx()``.

    Returns:
        A tensor of ``x``'s shape (a float dtype: ``x``'s own, or ``floatx()`` for integer input).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.mish(np.array([-1.0, 0.0, 2.0])), 4)
    array([-0.3034,  0.    ,  1.944 ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['mish'], (x,), {})
    return _STATE.kernels['mish'](x)


def mod(x1, x2):
    """Remainder with the sign of the divisor (Python / NumPy semantics).

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``.

    Returns:
        ``x1 - floor(x1 / x2) * x2``, a tensor of the broadcast shape in the operands' promoted
        dtype (a Python scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.mod(np.array([7, -7, 9]), 3)
    array([1, 2, 0])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['mod'], (x1, x2,), {})
    return _STATE.kernels['mod'](x1, x2)


def moments(x, axes, keepdims=False, synchronized=False):
    """``(mean, variance)`` of ``x`` over ``axes``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        axes: the axis (an int) or axes (a tuple or list of ints) to reduce.
        keepdims: keep the reduced axes with length 1.
        synchronized: under a dlx distribution over several processes, ask for the statistics of
            the global batch: the torch backend all-reduces its per-process sums; backends whose
            arrays already span the global batch (or one process) give the same result either way.

    Returns:
        A tuple ``(mean, variance)`` of float tensors, the (biased) variance dividing by the count.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> mean, variance = ops.moments(np.array([[1.0, 2.0], [3.0, 6.0]]), axes=0)
    >>> mean, variance
    (array([2., 4.]), array([1., 4.]))
    """
    if keepdims is not False and keepdims is not True:
        _bad('moments', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['moments'], (x, axes, keepdims, synchronized,), {})
    return _STATE.kernels['moments'](x, axes, keepdims, synchronized)


def moveaxis(x, source, destination):
    """Moves axes to new positions; the others keep their order.

    Arguments:
        x: the input tensor.
        source: an int or a sequence of ints, the axes to move.
        destination: their positions in the result (as many as in ``source``).

    Returns:
        ``x`` with its axes reordered (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.moveaxis(np.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['moveaxis'], (x, source, destination,), {})
    return _STATE.kernels['moveaxis'](x, source, destination)


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encodes integer ``inputs``: 1 for each class present (over axis 1 of a batch of
    rows, or over a single vector), else 0. ``num_tokens`` is accepted for ``num_classes``
    (Keras's older name); ``sparse=True`` raises (dlx tensors are dense).

    Arguments:
        inputs: integer class indices, a vector or a batch of rows.
        num_classes: the number of classes (a positive int; required, here or as ``num_tokens``).
        axis: where the class axis goes in the intermediate one-hot encoding (which is then
            reduced over axis 1, or axis 0 for a vector); default the last.
        dtype: the output dtype; ``None`` means ``floatx()``.
        sparse: must be ``False``.
        num_tokens: (keyword) Keras's older name for ``num_classes``.

    Returns:
        With the default ``axis``: ``(num_classes,)`` for a vector, ``(batch, num_classes)`` for
        rows.

    Raises:
        ValueError: when ``num_classes`` is missing or not a positive int, when both
            ``num_classes`` and ``num_tokens`` are given, or when ``sparse=True``.
        TypeError: for any other keyword.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.multi_hot(np.array([[0, 2], [1, 1]]), num_classes=4)
    array([[1., 0., 1., 0.],
           [0., 1., 0., 0.]], dtype=float32)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(inputs, 'shape', ())) <= axis < (len(getattr(inputs, 'shape', ())) or 1):
        _check_axis('multi_hot', 'axis', axis, inputs if hasattr(inputs, 'shape') else None)
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('multi_hot', 'dtype', dtype)
    if isinstance(inputs, _Special):
        return _slow(_REGISTRY['multi_hot'], (inputs, num_classes, axis, dtype, sparse,), {**kwargs})
    return _STATE.kernels['multi_hot'](inputs, num_classes, axis, dtype, sparse, **kwargs)


def multiply(x1, x2):
    """``x1 * x2`` with broadcasting.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.multiply(np.array([[1], [2]]), np.array([10, 20, 30]))
    array([[10, 20, 30],
           [20, 40, 60]])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['multiply'], (x1, x2,), {})
    return _STATE.kernels['multiply'](x1, x2)


def nadam_update(variable, gradient, m, v, m_scale, g_scale, v_scale, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-07):
    """One Nadam step: returns ``(new_variable, new_m, new_v)`` with Adam's moments (see
    ``adam_update``) and ``new_variable = variable - learning_rate * (m_scale new_m + g_scale
    gradient) / (sqrt(v_scale new_v) + epsilon)``; the scales (scalar tensors) carry the momentum
    schedule and the bias corrections.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the first-moment estimate, same shape.
        v: the second-moment estimate, same shape.
        m_scale: the weight of ``new_m``: the next step's momentum factor over one minus the
            product of the momentum factors up to the next step (a scalar tensor).
        g_scale: the weight of the raw gradient: one minus this step's momentum factor, over one
            minus the product of the factors up to this step (a scalar tensor).
        v_scale: ``v``'s bias correction ``1 / (1 - beta_2**t)``, a scalar tensor.
        learning_rate: the step size, a scalar tensor.
        beta_1: the decay rate of the first moment ``m`` (a Python float).
        beta_2: the decay rate of the second moment ``v`` (a Python float).
        epsilon: added to the denominator for numerical stability.

    Returns:
        The tuple ``(new_variable, new_m, new_v)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros, one = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2), np.array(1.0)
    >>> new = ops.nadam_update(w, g, zeros, zeros, one, one, one, np.array(0.01))
    >>> tuple(np.round(x, 4) for x in new)  # (variable, m, v)
    (array([0.6522, 2.3478]), array([ 0.05, -0.1 ]), array([0.0003, 0.001 ]))
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(m, _Special) or isinstance(v, _Special) or isinstance(m_scale, _Special) or isinstance(g_scale, _Special) or isinstance(v_scale, _Special) or isinstance(learning_rate, _Special):
        return _slow(_REGISTRY['nadam_update'], (variable, gradient, m, v, m_scale, g_scale, v_scale, learning_rate, beta_1, beta_2, epsilon,), {})
    return _STATE.kernels['nadam_update'](variable, gradient, m, v, m_scale, g_scale, v_scale, learning_rate, beta_1, beta_2, epsilon)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replaces NaN and infinities with finite numbers.

    Arguments:
        x: input tensor.
        nan: value that replaces NaN (default 0.0).
        posinf: value that replaces +inf (``None``: the largest finite value of ``x``'s dtype).
        neginf: value that replaces -inf (``None``: the most negative finite value of ``x``'s
            dtype).

    Returns:
        A tensor of ``x``'s shape and dtype with only finite values (integer inputs are
        returned unchanged).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nan_to_num(np.array([np.nan, np.inf, -np.inf, 1.0]), posinf=100.0, neginf=-100.0)
    array([   0.,  100., -100.,    1.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nan_to_num'], (x, nan, posinf, neginf,), {})
    return _STATE.kernels['nan_to_num'](x, nan, posinf, neginf)


def nanargmax(x, axis=None, keepdims=False):
    """Index of the maximum ignoring NaN (first on ties) as int32; -1 for an all-NaN slice.

    Arguments:
        x: input tensor.
        axis: the axis to search along (``None``: the index into the flattened ``x``).
        keepdims: whether the searched axis stays, with length 1.

    Returns:
        An int32 tensor of ``x``'s shape without ``axis`` (a scalar for ``axis=None`` without
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanargmax(np.array([1.0, np.nan, 3.0]))
    array(2, dtype=int32)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nanargmax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nanargmax', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nanargmax'], (x, axis, keepdims,), {})
    return _STATE.kernels['nanargmax'](x, axis, keepdims)


def nanargmin(x, axis=None, keepdims=False):
    """Index of the minimum ignoring NaN (first on ties) as int32; -1 for an all-NaN slice.

    Arguments:
        x: input tensor.
        axis: the axis to search along (``None``: the index into the flattened ``x``).
        keepdims: whether the searched axis stays, with length 1.

    Returns:
        An int32 tensor of ``x``'s shape without ``axis`` (a scalar for ``axis=None`` without
        ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanargmin(np.array([np.nan, 2.0, 1.0]))
    array(2, dtype=int32)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nanargmin', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nanargmin', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nanargmin'], (x, axis, keepdims,), {})
    return _STATE.kernels['nanargmin'](x, axis, keepdims)


def nancumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` (flattened if ``None``) treating NaN as one; the
    result has ``dtype`` if given, else ``x``'s (int32 for bool).

    Arguments:
        x: input tensor.
        axis: the axis to accumulate along (``None``: over the flattened ``x``).
        dtype: the result dtype (``None``: ``x``'s dtype, int32 for bool).

    Returns:
        A tensor of ``x``'s shape (1-D of ``x``'s size for ``axis=None``).

    Raises:
        ValueError: when ``axis`` is out of range for ``x`` or is neither an int nor a tuple
            of ints, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nancumprod(np.array([2.0, np.nan, 3.0]))
    array([2., 2., 6.])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nancumprod', 'axis', axis, x if hasattr(x, 'shape') else None)
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('nancumprod', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nancumprod'], (x, axis, dtype,), {})
    return _STATE.kernels['nancumprod'](x, axis, dtype)


def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (flattened if ``None``) treating NaN as zero; the result
    has ``dtype`` if given, else ``x``'s (int32 for bool).

    Arguments:
        x: input tensor.
        axis: the axis to accumulate along (``None``: over the flattened ``x``).
        dtype: the result dtype (``None``: ``x``'s dtype, int32 for bool).

    Returns:
        A tensor of ``x``'s shape (1-D of ``x``'s size for ``axis=None``).

    Raises:
        ValueError: when ``axis`` is out of range for ``x`` or is neither an int nor a tuple
            of ints, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nancumsum(np.array([1.0, np.nan, 3.0]))
    array([1., 1., 4.])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nancumsum', 'axis', axis, x if hasattr(x, 'shape') else None)
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('nancumsum', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nancumsum'], (x, axis, dtype,), {})
    return _STATE.kernels['nancumsum'](x, axis, dtype)


def nanmax(x, axis=None, keepdims=False):
    """Maximum over ``axis`` ignoring NaN (NaN for an all-NaN slice; ``any`` for bool).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s dtype and of ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanmax(np.array([1.0, np.nan, 3.0]))
    array(3.)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nanmax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nanmax', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nanmax'], (x, axis, keepdims,), {})
    return _STATE.kernels['nanmax'](x, axis, keepdims)


def nanmean(x, axis=None, keepdims=False):
    """Mean over ``axis`` of the non-NaN entries (NaN for an all-NaN slice); integers give
    floatx.

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanmean(np.array([1.0, np.nan, 3.0]))
    array(2.)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nanmean', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nanmean', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nanmean'], (x, axis, keepdims,), {})
    return _STATE.kernels['nanmean'](x, axis, keepdims)


def nanmedian(x, axis=None, keepdims=False):
    """:func:`median` of the non-NaN entries (NaN for an all-NaN slice).

    Arguments:
        x: input tensor; its NaN entries are left out.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanmedian(np.array([1.0, np.nan, 3.0, 4.0]))
    array(3.)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nanmedian', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nanmedian', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nanmedian'], (x, axis, keepdims,), {})
    return _STATE.kernels['nanmedian'](x, axis, keepdims)


def nanmin(x, axis=None, keepdims=False):
    """Minimum over ``axis`` ignoring NaN (NaN for an all-NaN slice; ``all`` for bool).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s dtype and of ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanmin(np.array([1.0, np.nan, 3.0]))
    array(1.)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nanmin', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nanmin', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nanmin'], (x, axis, keepdims,), {})
    return _STATE.kernels['nanmin'](x, axis, keepdims)


def nanpercentile(x, q, axis=None, method='linear', keepdims=False):
    """:func:`percentile` of the non-NaN entries (NaN for an all-NaN slice).

    Arguments:
        x: input tensor; its NaN entries are left out.
        q: the percentile(s) to compute, a number or a 1-D tensor of numbers in [0, 100].
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        method: how to pick a value between two data points: ``"linear"`` (interpolate),
            ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"`` (ties to the even index).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor (``x``'s float dtype; ``floatx()`` for integer and bool inputs) whose
        shape is ``q``'s shape followed by ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``method`` is not one of the five above, or ``axis`` / ``keepdims`` is
            invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanpercentile(np.array([1.0, np.nan, 3.0, 5.0]), 50)
    array(3.)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nanpercentile', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nanpercentile', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special) or isinstance(q, _Special):
        return _slow(_REGISTRY['nanpercentile'], (x, q, axis, method, keepdims,), {})
    return _STATE.kernels['nanpercentile'](x, q, axis, method, keepdims)


def nanprod(x, axis=None, keepdims=False):
    """Product over ``axis`` treating NaN as one (an all-NaN slice gives 1).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``). Floats keep their dtype; bool, int8 and int16 give int32, uint8 and
        uint16 uint32, wider integers keep theirs.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanprod(np.array([2.0, np.nan, 3.0]))
    array(6.)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nanprod', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nanprod', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nanprod'], (x, axis, keepdims,), {})
    return _STATE.kernels['nanprod'](x, axis, keepdims)


def nanquantile(x, q, axis=None, method='linear', keepdims=False):
    """:func:`quantile` of the non-NaN entries (NaN for an all-NaN slice).

    Arguments:
        x: input tensor; its NaN entries are left out.
        q: the quantile(s) to compute, a number or a 1-D tensor of numbers in [0, 1].
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        method: how to pick a value between two data points: ``"linear"`` (interpolate),
            ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"`` (ties to the even index).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor (``x``'s float dtype; ``floatx()`` for integer and bool inputs) whose
        shape is ``q``'s shape followed by ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``method`` is not one of the five above, or ``axis`` / ``keepdims`` is
            invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanquantile(np.array([1.0, np.nan, 3.0, 5.0]), 0.5)
    array(3.)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nanquantile', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nanquantile', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special) or isinstance(q, _Special):
        return _slow(_REGISTRY['nanquantile'], (x, q, axis, method, keepdims,), {})
    return _STATE.kernels['nanquantile'](x, q, axis, method, keepdims)


def nanstd(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis`` of the non-NaN entries.

    The square root of :func:`nanvar` (NaN for an all-NaN slice).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanstd(np.array([[1.0, np.nan, 3.0], [2.0, 2.0, np.nan]]), axis=1)
    array([1., 0.])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nanstd', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nanstd', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nanstd'], (x, axis, keepdims,), {})
    return _STATE.kernels['nanstd'](x, axis, keepdims)


def nansum(x, axis=None, keepdims=False):
    """Sum over ``axis`` treating NaN as zero (an all-NaN slice sums to 0).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``). Floats keep their dtype; bool, int8 and int16 give int32, uint8 and
        uint16 uint32, wider integers keep theirs.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nansum(np.array([1.0, np.nan, 3.0]))
    array(4.)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nansum', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nansum', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nansum'], (x, axis, keepdims,), {})
    return _STATE.kernels['nansum'](x, axis, keepdims)


def nanvar(x, axis=None, keepdims=False):
    """Population variance over ``axis`` of the non-NaN entries (two-pass; NaN for an all-NaN
    slice).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nanvar(np.array([1.0, np.nan, 3.0]))
    array(1.)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('nanvar', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('nanvar', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nanvar'], (x, axis, keepdims,), {})
    return _STATE.kernels['nanvar'](x, axis, keepdims)


def negative(x):
    """Numerical negative, elementwise.

    Arguments:
        x: input tensor.

    Returns:
        ``-x``, a tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.negative(np.array([1, -2, 3]))
    array([-1,  2, -3])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['negative'], (x,), {})
    return _STATE.kernels['negative'](x)


def nextafter(x1, x2):
    """The next representable value after ``x1`` in the direction of ``x2``, elementwise (``x2``
    itself where they are equal; NaN where either is NaN). Ints and bools give ``floatx()``.

    Arguments:
        x1: the starting values.
        x2: the directions to step toward, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape in the promoted float dtype of ``x1`` and ``x2``
        (``floatx()`` when that dtype is an integer or bool one).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nextafter(np.array([1.0, 1.0], dtype='float32'), np.array([2.0, 0.0], dtype='float32'))
    array([1.0000001 , 0.99999994], dtype=float32)
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['nextafter'], (x1, x2,), {})
    return _STATE.kernels['nextafter'](x1, x2)


def nonzero(x):
    """A tuple of int32 index arrays, one per dimension of ``x``, of its non-zero entries in
    row-major order (data-dependent length: eager only).

    Arguments:
        x: a tensor of rank >= 1; NaN counts as non-zero.

    Returns:
        A tuple of ``x.ndim`` 1-D int32 tensors of equal length, the coordinates of the non-zero
        entries along each axis.

    Raises:
        ValueError: when ``x`` is 0-d, or the op runs inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.nonzero(np.array([[0, 1], [2, 0]]))
    (array([0, 1], dtype=int32), array([1, 0], dtype=int32))
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['nonzero'], (x,), {})
    return _STATE.kernels['nonzero'](x)


def norm(x, ord=None, axis=None, keepdims=False):
    """Euclidean (2-) norm over ``axis`` (all axes if None). Only ``ord=None`` / ``2`` for vectors.

    Arguments:
        x: the input tensor; non-float inputs are computed in ``float32``.
        ord: the norm: ``None``, ``2``, ``"fro"`` or ``"euclidean"`` all give the square root of the
            sum of squares over ``axis`` (for two axes that is the Frobenius norm); any other value
            raises.
        axis: an int or a tuple of ints; ``None`` reduces all axes.
        keepdims: keep the reduced axes with length 1.

    Returns:
        A float tensor of the norms (scalar when ``axis`` is ``None`` and ``keepdims`` is false).

    Raises:
        ValueError: for an ``ord`` other than the four above.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.norm(np.array([3.0, 4.0]))
    array(5.)
    """
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

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        axis: the axis (or, for ``order=2``, a tuple of axes) the norm is taken over; default the
            last.
        order: the ``p`` of the p-norm, an int ``>= 1``.
        epsilon: the smallest norm divided by (guards against division by zero); ``None`` means
            ``1e-7``.

    Returns:
        A float tensor of ``x``'s shape (``(1,)`` for a scalar).

    Raises:
        ValueError: when ``order`` is not an int ``>= 1``, or when ``order != 2`` with an ``axis``
            that is not a single int.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.normalize(np.array([[3.0, 4.0]]))
    array([[0.6, 0.8]])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('normalize', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['normalize'], (x, axis, order, epsilon,), {})
    return _STATE.kernels['normalize'](x, axis, order, epsilon)


def not_equal(x1, x2):
    """``not_equal`` comparison with broadcasting; returns bool.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``; both are compared in their promoted
            dtype.

    Returns:
        A bool tensor of the broadcast shape of ``x1`` and ``x2``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.not_equal(np.array([1, 2, 3]), np.array([1, 0, 3]))
    array([False,  True, False])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['not_equal'], (x1, x2,), {})
    return _STATE.kernels['not_equal'](x1, x2)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encodes integer ``x`` (out-of-range values give all zeros). ``sparse=True`` (a
    sparse result in Keras) raises: dlx tensors are dense.

    Arguments:
        x: an integer tensor of class indices.
        num_classes: the number of classes (the length of the new axis).
        axis: where the new class axis goes in the result.
        dtype: the result's dtype (``None``: ``floatx()``).
        sparse: must be False.

    Returns:
        A tensor of rank ``x.ndim + 1``: 1 where the class axis position equals the index, else 0.

    Raises:
        ValueError: for ``sparse=True``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.one_hot(np.array([0, 2]), 3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    if axis is not None and axis.__class__ is not int:
        _check_axis('one_hot', 'axis', axis, None)
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('one_hot', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['one_hot'], (x, num_classes, axis, dtype, sparse,), {})
    return _STATE.kernels['one_hot'](x, num_classes, axis, dtype, sparse)


def ones(shape, dtype=None):
    """An array of ones (``dtype`` defaults to floatx).

    Arguments:
        shape: an int or a tuple of ints.
        dtype: the result's dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ones of ``shape``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.ones(3, dtype="int32")
    array([1, 1, 1], dtype=int32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('ones', 'dtype', dtype)
    return _STATE.kernels['ones'](shape, dtype)


def ones_like(x, dtype=None):
    """An array of 1s with the shape (and by default the dtype) of ``x``.

    Arguments:
        x: the tensor whose shape (and dtype) the result takes.
        dtype: the result's dtype (``None``: ``x``'s dtype).

    Returns:
        A new tensor of ``x``'s shape filled with 1s.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.ones_like(np.array([1.5, 2.0]), dtype="int32")
    array([1, 1], dtype=int32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('ones_like', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['ones_like'], (x, dtype,), {})
    return _STATE.kernels['ones_like'](x, dtype)


def outer(x1, x2):
    """Outer product of the flattened inputs.

    Arguments:
        x1: the first tensor (flattened to length ``m``).
        x2: the second tensor (flattened to length ``n``).

    Returns:
        An ``(m, n)`` tensor with ``out[i, j] = x1[i] * x2[j]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.outer(np.array([1, 2]), np.array([1, 10, 100]))
    array([[  1,  10, 100],
           [  2,  20, 200]])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['outer'], (x1, x2,), {})
    return _STATE.kernels['outer'](x1, x2)


def pad(x, pad_width, mode='constant', constant_values=None):
    """Pads with ``constant_values`` (``mode='constant'``), or ``'reflect'`` / ``'symmetric'``.

    Arguments:
        x: the input tensor.
        pad_width: how much to add before and after each axis: one ``(before, after)`` pair per
            axis, a single pair used for every axis, or an int used everywhere.
        mode: ``"constant"`` (fill with ``constant_values``), ``"reflect"`` (mirror the values,
            not repeating the edge) or ``"symmetric"`` (mirror the values, repeating the edge).
        constant_values: the fill value for ``mode="constant"`` (``None``: 0); must be ``None``
            for the other modes.

    Returns:
        The padded tensor, of ``x``'s dtype.

    Raises:
        ValueError: for another ``mode``, or ``constant_values`` given with a mode other than
            ``"constant"``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.pad(np.array([1, 2]), ((1, 2),))
    array([0, 1, 2, 0, 0])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['pad'], (x, pad_width, mode, constant_values,), {})
    return _STATE.kernels['pad'](x, pad_width, mode, constant_values)


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None, target_height=None, target_width=None, data_format=None):
    """Zero-pads images; per axis give two of (before, after, target size).

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says.
        top_padding: rows of zeros added above.
        left_padding: columns of zeros added on the left.
        bottom_padding: rows of zeros added below.
        right_padding: columns of zeros added on the right.
        target_height: the output height (then the missing one of ``top_padding`` /
            ``bottom_padding`` is derived from it).
        target_width: the output width (likewise for ``left_padding`` / ``right_padding``).
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The padded images, of ``images``' rank and dtype.

    Raises:
        ValueError: when an axis does not get exactly two of its three values, a value is
            negative, or a target is smaller than the image plus the given padding.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> y = image.pad_images(np.ones((2, 2, 1)), top_padding=1, left_padding=0,
    ...                      bottom_padding=0, right_padding=1)
    >>> y[:, :, 0]
    array([[0., 0., 0.],
           [1., 1., 0.],
           [1., 1., 0.]])
    """
    if data_format not in _FORMATS:
        _bad('pad_images', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special):
        return _slow(_REGISTRY['pad_images'], (images, top_padding, left_padding, bottom_padding, right_padding, target_height, target_width, data_format,), {})
    return _STATE.kernels['pad_images'](images, top_padding, left_padding, bottom_padding, right_padding, target_height, target_width, data_format)


def percentile(x, q, axis=None, method='linear', keepdims=False):
    """:func:`quantile` with ``q`` in percent ([0, 100]).

    Arguments:
        x: input tensor.
        q: the percentile(s) to compute, a number or a 1-D tensor of numbers in [0, 100].
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        method: how to pick a value between two data points: ``"linear"`` (interpolate),
            ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"`` (ties to the even index).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor (``x``'s float dtype; ``floatx()`` for integer and bool inputs) whose
        shape is ``q``'s shape followed by ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``method`` is not one of the five above, or ``axis`` / ``keepdims`` is
            invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.percentile(np.array([1.0, 2.0, 3.0, 4.0]), 25)
    array(1.75)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('percentile', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('percentile', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special) or isinstance(q, _Special):
        return _slow(_REGISTRY['percentile'], (x, q, axis, method, keepdims,), {})
    return _STATE.kernels['percentile'](x, q, axis, method, keepdims)


def perspective_transform(images, start_points, end_points, interpolation='bilinear', fill_value=0, data_format=None):
    """Warps images so that ``start_points`` (4 ``(x, y)`` corners) move to ``end_points``: output
    pixel ``p`` reads the input at ``H p``, ``H`` the homography sending ``end_points`` to
    ``start_points``; outside the input reads ``fill_value``.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says.
        start_points: ``(4, 2)`` for every image or ``(batch, 4, 2)``: four ``(x, y)`` points in
            the input, no three on a line.
        end_points: where those points land in the output (matched to ``start_points`` in
            order), the same shape as ``start_points``.
        interpolation: ``"bilinear"`` (weighted mean of the 4 nearest pixels) or
            ``"nearest"`` (the nearest pixel, coordinates rounded half away from zero).
        fill_value: the value read where the mapped coordinate falls outside the input.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The warped images, ``images``' shape and dtype.

    Raises:
        ValueError: for an unknown ``interpolation``, point sets of another shape (or of
            different shapes, or a batch that differs from the images'), an ``images`` rank other
            than 3 or 4, or an invalid ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> corners = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    >>> image.perspective_transform(x, corners, corners)[0, :, :, 0]  # same points: unchanged
    array([[0., 1., 2.],
           [3., 4., 5.],
           [6., 7., 8.]])
    """
    if data_format not in _FORMATS:
        _bad('perspective_transform', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special) or isinstance(start_points, _Special) or isinstance(end_points, _Special):
        return _slow(_REGISTRY['perspective_transform'], (images, start_points, end_points, interpolation, fill_value, data_format,), {})
    return _STATE.kernels['perspective_transform'](images, start_points, end_points, interpolation, fill_value, data_format)


def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse of each matrix ``x`` (``(..., M, N)`` -> ``(..., N, M)``):
    singular values at most ``rcond * max(s)`` count as zero (default ``rcond``:
    ``max(M, N) * eps`` of the dtype).

    Arguments:
        x: a tensor of matrices ``(..., M, N)``; integer and bool inputs are computed in ``floatx()``.
        rcond: the relative cutoff for small singular values; ``None`` means ``max(M, N) * eps``.

    Returns:
        The pseudo-inverses, ``(..., N, M)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.pinv(np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])), 4)
    array([[1. , 0. , 0. ],
           [0. , 0.5, 0. ]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['pinv'], (x, rcond,), {})
    return _STATE.kernels['pinv'](x, rcond)


def polar(abs_, angle):
    """The complex tensor ``abs_ * (cos(angle) + 1j * sin(angle))`` (broadcast). float64 parts
    give complex128; every other float, int or bool input gives complex64 (float16 / bfloat16
    parts are computed in float32). Needs a backend with complex dtypes.

    Arguments:
        abs_: the magnitudes.
        angle: the angles in radians, broadcast against ``abs_``.

    Returns:
        A complex tensor of the broadcast shape: complex128 when the promoted dtype of the
        inputs is float64, complex64 otherwise.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.polar(np.array([2.0, 1.0]), np.array([0.0, np.pi / 2])), 4)
    array([2.+0.j, 0.+1.j])
    """
    if isinstance(abs_, _Special) or isinstance(angle, _Special):
        return _slow(_REGISTRY['polar'], (abs_, angle,), {})
    return _STATE.kernels['polar'](abs_, angle)


def power(x1, x2):
    """``x1 ** x2``.

    Arguments:
        x1: base.
        x2: exponent, broadcast against ``x1``. With an integer result dtype a negative exponent
            counts as 0.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.power(np.array([2, 3, 4]), 2)
    array([ 4,  9, 16])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['power'], (x1, x2,), {})
    return _STATE.kernels['power'](x1, x2)


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``, computed in ``dtype`` if given (``x`` is cast to it first). bool,
    int8 and int16 give int32, uint8 and uint16 uint32 (Keras's rule).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.
        dtype: the dtype to cast ``x`` to before multiplying (``None``: ``x``'s own).

    Returns:
        A tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``), in ``dtype`` (or ``x``'s dtype) after the integer rule above.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            ``keepdims`` is not a bool, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.prod(np.array([[1, 2], [3, 4]]), axis=1)
    array([ 2, 12])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('prod', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('prod', 'keepdims', keepdims, 'True or False')
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('prod', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['prod'], (x, axis, keepdims, dtype,), {})
    return _STATE.kernels['prod'](x, axis, keepdims, dtype)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: ``20 log10(max_val) - 10 log10(mean((x1 - x2)**2))``
    over all elements (a scalar).

    Arguments:
        x1: the first signal or image batch.
        x2: the second, the same shape as ``x1``.
        max_val: the largest possible value of the signal (e.g. 1.0 or 255).

    Returns:
        A float scalar tensor (``inf`` for identical inputs).

    Raises:
        ValueError: when ``x1`` and ``x2`` differ in shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([0.0, 0.5, 1.0])
    >>> print(np.round(ops.psnr(x, x + 0.1, max_val=1.0), 4))
    20.0
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special) or isinstance(max_val, _Special):
        return _slow(_REGISTRY['psnr'], (x1, x2, max_val,), {})
    return _STATE.kernels['psnr'](x1, x2, max_val)


def ptp(x, axis=None, keepdims=False):
    """Range ``max - min`` over ``axis``, in ``x``'s dtype (bool is rejected).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s dtype and of ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``) (integers wrap on overflow).

    Raises:
        TypeError: when ``x`` is a bool tensor.
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.ptp(np.array([[1, 5], [4, 2]]), axis=1)
    array([4, 2])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('ptp', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('ptp', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['ptp'], (x, axis, keepdims,), {})
    return _STATE.kernels['ptp'](x, axis, keepdims)


def qr(x, mode='reduced'):
    """QR decomposition ``x = q @ r`` of each matrix ``x`` (``(..., M, N)``, ``K = min(M, N)``):
    ``q`` has orthonormal columns, ``r`` is upper triangular with a non-negative diagonal.
    ``mode="reduced"``: ``q`` ``(..., M, K)``, ``r`` ``(..., K, N)``; ``"complete"``: ``q``
    ``(..., M, M)``, ``r`` ``(..., M, N)``.

    Arguments:
        x: a tensor of matrices ``(..., M, N)``; integer and bool inputs are computed in ``floatx()``.
        mode: ``"reduced"`` or ``"complete"``, as above.

    Returns:
        A tuple ``(q, r)`` with the shapes above.

    Raises:
        ValueError: for any other ``mode``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> q, r = ops.qr(np.array([[3.0, 1.0], [4.0, 2.0]]))
    >>> np.round(np.abs(r), 4)
    array([[5. , 2.2],
           [0. , 0.4]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['qr'], (x, mode,), {})
    return _STATE.kernels['qr'](x, mode)


def quantile(x, q, axis=None, method='linear', keepdims=False):
    """The ``q``-th quantiles (``q`` in [0, 1], scalar or 1-D: its dims lead the result) over
    ``axis``; ``method`` is ``'linear'``, ``'lower'``, ``'higher'``, ``'midpoint'`` or
    ``'nearest'`` (half to even), as NumPy. A slice holding NaN gives NaN; integers give floatx.

    Arguments:
        x: input tensor.
        q: the quantile(s) to compute, a number or a 1-D tensor of numbers in [0, 1].
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        method: how to pick a value between two data points: ``"linear"`` (interpolate),
            ``"lower"``, ``"higher"``, ``"midpoint"`` or ``"nearest"`` (ties to the even index).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor (``x``'s float dtype; ``floatx()`` for integer and bool inputs) whose
        shape is ``q``'s shape followed by ``x``'s shape without the reduced axes (with them as
        1s under ``keepdims``).

    Raises:
        ValueError: when ``method`` is not one of the five above, or ``axis`` / ``keepdims`` is
            invalid.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.quantile(np.array([1.0, 2.0, 3.0, 4.0]), 0.5)
    array(2.5)
    >>> ops.quantile(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.25, 0.75]))
    array([1.75, 3.25])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('quantile', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('quantile', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special) or isinstance(q, _Special):
        return _slow(_REGISTRY['quantile'], (x, q, axis, method, keepdims,), {})
    return _STATE.kernels['quantile'](x, q, axis, method, keepdims)


def rad2deg(x):
    """Radians to degrees (``x * 180 / pi``).

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.rad2deg(np.array([0.0, np.pi / 2, np.pi]))
    array([  0.,  90., 180.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['rad2deg'], (x,), {})
    return _STATE.kernels['rad2deg'](x)


def random_beta(seed, shape, alpha, beta, dtype=None):
    """Beta(``alpha``, ``beta``) samples: ``X / (X + Y)`` of independent gamma samples (rows 0 and
    1 of a ``(2, *shape)`` gamma draw), computed as ``sigmoid(log X - log Y)`` so tiny parameters
    neither underflow nor divide 0 by 0.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        alpha: the first shape parameter, positive (a number or a tensor broadcastable to ``shape``).
        beta: the second shape parameter, positive (likewise).
        dtype: a float dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ``shape`` and ``dtype`` with values in ``[0, 1]``.

    Raises:
        ValueError: when a known ``alpha`` or ``beta`` is not positive, ``dtype`` is not a float
            dtype, or ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> np.round(ops.random_beta(seed, (3,), 2.0, 2.0), 4)
    array([0.5001, 0.3135, 0.4452], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_beta', 'dtype', dtype)
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_beta'], (seed, shape, alpha, beta, dtype,), {})
    return _STATE.kernels['random_beta'](seed, shape, alpha, beta, dtype)


def random_binomial(seed, shape, counts, probabilities, dtype=None):
    """Binomial(``counts``, ``probabilities``) samples as floats (the number of successes in
    ``counts`` trials); both broadcast to ``shape``. Work grows with log2 of the largest count.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        counts: the number of trials, non-negative whole numbers (a number or a tensor).
        probabilities: the success probability of each trial, in ``[0, 1]`` (a number or a tensor).
        dtype: a float dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ``shape`` and ``dtype`` holding whole numbers.

    Raises:
        ValueError: when known ``counts`` are negative or fractional, known ``probabilities``
            lie outside ``[0, 1]``, ``dtype`` is not a float dtype, or ``seed`` does not have
            shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_binomial(seed, (4,), 10, 0.5)  # successes out of 10 trials
    array([7., 4., 2., 6.], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_binomial', 'dtype', dtype)
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_binomial'], (seed, shape, counts, probabilities, dtype,), {})
    return _STATE.kernels['random_binomial'](seed, shape, counts, probabilities, dtype)


def random_bits(seed, shape):
    """Threefry-2x32 random bits of ``shape`` (uint32) from a ``(2,)`` uint32 ``seed``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).

    Returns:
        A uint32 tensor of ``shape``.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_bits(seed, (2,))
    array([1883912375, 2292451390], dtype=uint32)
    """
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_bits'], (seed, shape,), {})
    return _STATE.kernels['random_bits'](seed, shape)


def random_categorical(seed, logits, num_samples, dtype='int32'):
    """``num_samples`` class indices per row of ``logits`` (Gumbel-max).

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        logits: a ``(batch, num_classes)`` tensor of unnormalized log-probabilities.
        num_samples: how many indices to draw per row.
        dtype: the result's integer dtype.

    Returns:
        A ``(batch, num_samples)`` tensor of class indices in ``[0, num_classes)``.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_categorical(seed, np.log(np.array([[0.5, 0.5]])), 6)
    array([[1, 0, 0, 0, 1, 1]], dtype=int32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_categorical', 'dtype', dtype)
    if isinstance(seed, _Special) or isinstance(logits, _Special):
        return _slow(_REGISTRY['random_categorical'], (seed, logits, num_samples, dtype,), {})
    return _STATE.kernels['random_categorical'](seed, logits, num_samples, dtype)


def random_dropout(seed, inputs, rate, noise_shape=None):
    """Zeroes entries with probability ``rate`` and scales the rest by ``1 / (1 - rate)``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        inputs: the tensor to drop entries of.
        rate: the probability of zeroing an entry, in ``[0, 1)``.
        noise_shape: the shape of the keep/drop mask, broadcast against ``inputs`` (``None``:
            ``inputs``'s shape; a ``None`` entry takes ``inputs``'s length on that axis).

    Returns:
        A tensor of ``inputs``'s shape and dtype.

    Raises:
        ValueError: when ``rate`` is outside ``[0, 1)``, or ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_dropout(seed, np.ones(6), 0.5)  # kept entries scaled by 1 / (1 - rate)
    array([2., 0., 2., 2., 0., 0.])
    """
    if isinstance(seed, _Special) or isinstance(inputs, _Special):
        return _slow(_REGISTRY['random_dropout'], (seed, inputs, rate, noise_shape,), {})
    return _STATE.kernels['random_dropout'](seed, inputs, rate, noise_shape)


def random_gamma(seed, shape, alpha, dtype=None):
    """Gamma(``alpha``, scale 1) samples (Marsaglia-Tsang rejection with a fixed number of
    proposals per element, see the module's notes); ``alpha`` broadcasts to ``shape``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        alpha: the shape parameter, positive (a number or a tensor broadcastable to ``shape``).
        dtype: a float dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Raises:
        ValueError: when a known ``alpha`` is not positive, ``dtype`` is not a float dtype, or
            ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> np.round(ops.random_gamma(seed, (3,), 2.0), 4)
    array([1.4751, 1.7784, 1.4972], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_gamma', 'dtype', dtype)
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_gamma'], (seed, shape, alpha, dtype,), {})
    return _STATE.kernels['random_gamma'](seed, shape, alpha, dtype)


def random_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    """Normal samples (inverse-CDF transform of uniform bits).

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        mean: the mean of the distribution.
        stddev: its standard deviation.
        dtype: a float dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``, or ``dtype`` is not a float dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> np.round(ops.random_normal(seed, (3,)), 4)
    array([-0.1544,  0.0847, -0.136 ], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_normal', 'dtype', dtype)
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_normal'], (seed, shape, mean, stddev, dtype,), {})
    return _STATE.kernels['random_normal'](seed, shape, mean, stddev, dtype)


def random_randint(seed, shape, minval, maxval, dtype='int32'):
    """Integers in ``[minval, maxval)``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        minval: the lowest value (an int, included).
        maxval: the bound (an int, excluded); must be greater than ``minval``.
        dtype: the result's integer dtype.

    Returns:
        A tensor of ``shape`` and ``dtype``: ``minval`` plus the random bits modulo
        ``maxval - minval`` (a bias below ``(maxval - minval) / 2**32``).

    Raises:
        ValueError: when ``maxval`` is not greater than ``minval``, or ``seed`` does not have
            shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_randint(seed, (5,), 0, 3)
    array([2, 1, 0, 2, 2], dtype=int32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_randint', 'dtype', dtype)
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_randint'], (seed, shape, minval, maxval, dtype,), {})
    return _STATE.kernels['random_randint'](seed, shape, minval, maxval, dtype)


def random_shuffle(seed, x, axis=0):
    """A random permutation of ``x`` along ``axis``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        x: the tensor to shuffle.
        axis: the axis whose slices are permuted.

    Returns:
        A tensor of ``x``'s shape and dtype.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> ops.random_shuffle(seed, np.arange(5))
    array([3, 0, 2, 1, 4])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('random_shuffle', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(seed, _Special) or isinstance(x, _Special):
        return _slow(_REGISTRY['random_shuffle'], (seed, x, axis,), {})
    return _STATE.kernels['random_shuffle'](seed, x, axis)


def random_truncated_normal(seed, shape, mean=0.0, stddev=1.0, dtype=None):
    """Normal samples cut at two standard deviations.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        mean: the mean of the normal distribution before the cut.
        stddev: its standard deviation; samples lie within ``2 * stddev`` of ``mean``.
        dtype: a float dtype (``None``: ``floatx()``).

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``, or ``dtype`` is not a float dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)
    >>> np.round(ops.random_truncated_normal(seed, (3,)), 4)
    array([-0.1474,  0.0808, -0.1298], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_truncated_normal', 'dtype', dtype)
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_truncated_normal'], (seed, shape, mean, stddev, dtype,), {})
    return _STATE.kernels['random_truncated_normal'](seed, shape, mean, stddev, dtype)


def random_uniform(seed, shape, minval=0.0, maxval=1.0, dtype=None):
    """Uniform samples in ``[minval, maxval)``.

    Arguments:
        seed: the key, a ``(2,)`` uint32 tensor (see ``dlx.random.make_seed``); the same seed
            gives the same bits on every backend.
        shape: the result's shape (a tuple of ints).
        minval: the lower bound (included).
        maxval: the upper bound (excluded).
        dtype: a float dtype (``None``: ``floatx()``); the samples come from a float32 grid
            (23 random mantissa bits) in every dtype.

    Returns:
        A tensor of ``shape`` and ``dtype``.

    Raises:
        ValueError: when ``seed`` does not have shape ``(2,)``, or ``dtype`` is not a float dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> seed = np.array([0, 1], np.uint32)  # see dlx.random.make_seed
    >>> np.round(ops.random_uniform(seed, (3,)), 4)
    array([0.4386, 0.5338, 0.4459], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('random_uniform', 'dtype', dtype)
    if isinstance(seed, _Special):
        return _slow(_REGISTRY['random_uniform'], (seed, shape, minval, maxval, dtype,), {})
    return _STATE.kernels['random_uniform'](seed, shape, minval, maxval, dtype)


def ravel(x):
    """The flattened array.

    Arguments:
        x: the input tensor.

    Returns:
        A 1-D tensor of ``x``'s elements in row-major order (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.ravel(np.array([[1, 2], [3, 4]]))
    array([1, 2, 3, 4])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['ravel'], (x,), {})
    return _STATE.kernels['ravel'](x)


def real(x):
    """The real part of ``x`` (``x`` itself for a real tensor).

    Arguments:
        x: the input tensor (real, or complex on backends that hold complex arrays).

    Returns:
        A real tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.real(np.array([1 + 2j, 3 - 1j]))
    array([1., 3.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['real'], (x,), {})
    return _STATE.kernels['real'](x)


def rearrange(tensor, pattern, **axes_lengths):
    """Rearranges axes with an einops pattern: ``"b (h w) c -> b h w c"`` splits, ``(...)``
    merges, reordering names transposes, ``...`` stands for the remaining axes, ``1``/``()`` add or
    drop unit axes; sizes that cannot be inferred are keyword arguments (``h=3``).

    Arguments:
        tensor: the input tensor.
        pattern: ``"left -> right"``: each side names the axes (one name per axis, parenthesized
            groups for merged axes); both sides hold the same names.
        **axes_lengths: the lengths of axes the pattern splits that cannot be inferred from the
            input's shape, as positive ints (``h=3``).

    Returns:
        A tensor of ``tensor``'s elements and dtype in the pattern's right-hand layout.

    Raises:
        ValueError: when the pattern is malformed, its two sides name different axes, it does
            not fit ``tensor``'s shape, or an axis length is missing or not a positive int.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.rearrange(np.arange(6).reshape(2, 3), "h w -> w h")
    array([[0, 3],
           [1, 4],
           [2, 5]])
    >>> ops.rearrange(np.zeros((2, 3, 4)), "b h w -> b (h w)").shape
    (2, 12)
    """
    if isinstance(tensor, _Special):
        return _slow(_REGISTRY['rearrange'], (tensor, pattern,), {**axes_lengths})
    return _STATE.kernels['rearrange'](tensor, pattern, **axes_lengths)


def reciprocal(x):
    """``1 / x``, elementwise.

    Arguments:
        x: input tensor; zero gives a signed inf.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool inputs
        give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.reciprocal(np.array([1.0, 2.0, 4.0]))
    array([1.  , 0.5 , 0.25])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['reciprocal'], (x,), {})
    return _STATE.kernels['reciprocal'](x)


def reconstruct_patches(patches, size, output_size, strides=None, padding='valid', data_format=None):
    """Reassembles images (``size`` of 2 entries) or volumes (3 entries) from the non-overlapping
    patches :func:`extract_patches` produced (``strides == size``); with ``padding="same"`` the
    extraction's padding is cropped off to ``output_size``.

    Arguments:
        patches: ``(batch, *grid, prod(size) * channels)`` as :func:`extract_patches` returns
            them (channels first: the patch axis first; no batch axis for one image).
        size: the patch size used for extraction, an int or 2 / 3 entries.
        output_size: the spatial size of the image to rebuild (2 or 3 ints, as ``size``).
        strides: ``None`` or equal to ``size`` (overlapping patches cannot be reassembled).
        padding: the ``padding`` used for extraction: ``"valid"`` needs
            ``output_size == grid * size``; ``"same"`` crops the centred excess.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The images ``(batch, *output_size, channels)`` (channels first as ``data_format`` says).

    Raises:
        ValueError: for overlapping ``strides``, an ``output_size`` inconsistent with the grid,
            a patch axis not divisible by ``prod(size)``, or a wrong rank.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.arange(16.0).reshape(4, 4, 1)
    >>> patches = image.extract_patches(x, 2)
    >>> bool(np.array_equal(image.reconstruct_patches(patches, 2, (4, 4)), x))
    True
    """
    if padding != 'valid' and padding != 'same':
        if str(padding).lower() in ('valid', 'same'):
            padding = str(padding).lower()
        else:
            _bad('reconstruct_patches', 'padding', padding, "'valid' or 'same'")
    if data_format not in _FORMATS:
        _bad('reconstruct_patches', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(patches, _Special):
        return _slow(_REGISTRY['reconstruct_patches'], (patches, size, output_size, strides, padding, data_format,), {})
    return _STATE.kernels['reconstruct_patches'](patches, size, output_size, strides, padding, data_format)


def relu(x):
    """max(x, 0); integers keep their dtype and bools become int32 (as Keras).

    Arguments:
        x: the input tensor (float, integer or bool).

    Returns:
        A tensor of ``x``'s shape and dtype (``int32`` for bool input).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.relu(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 2.])
    >>> ops.relu(np.array([-3, 4]))
    array([0, 4])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['relu'], (x,), {})
    return _STATE.kernels['relu'](x)


def relu6(x):
    """min(max(x, 0), 6).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``dlx.config.floatx()``.

    Returns:
        A tensor of ``x``'s shape (a float dtype: ``x``'s own, or ``floatx()`` for integer input).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.relu6(np.array([-1.0, 3.0, 8.0]))
    array([0., 3., 6.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['relu6'], (x,), {})
    return _STATE.kernels['relu6'](x)


def repeat(x, repeats, axis=None):
    """Repeats each element ``repeats`` times along ``axis`` (flattened if None).

    Arguments:
        x: the input tensor.
        repeats: an int (every element the same number of times) or a sequence of counts, one
            per element along ``axis``.
        axis: the axis to repeat along (``None``: the flattened ``x``, giving a 1-D result).

    Returns:
        The repeated tensor, of ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.repeat(np.array([1, 2]), 2)
    array([1, 1, 2, 2])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('repeat', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['repeat'], (x, repeats, axis,), {})
    return _STATE.kernels['repeat'](x, repeats, axis)


def reshape(x, newshape):
    """Gives ``x`` a new shape (one dimension may be -1).

    Arguments:
        x: the input tensor.
        newshape: the new shape, an int or a tuple of ints whose product is ``x``'s size; one
            entry may be -1, inferred from the size and the other entries.

    Returns:
        A tensor with ``x``'s elements, in row-major order, and dtype, in shape ``newshape``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.reshape(np.arange(6), (2, -1))
    array([[0, 1, 2],
           [3, 4, 5]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['reshape'], (x, newshape,), {})
    return _STATE.kernels['reshape'](x, newshape)


def resize(images, size, interpolation='bilinear', antialias=False, crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, fill_mode='constant', fill_value=0.0, data_format=None):
    """Resizes images to ``size = (height, width)``.

    ``interpolation``: ``"bilinear"``, ``"nearest"``, ``"bicubic"`` (Keys, a = -0.5),
    ``"lanczos3"``, ``"lanczos5"`` or ``"area"``; pixel centres at half-integers. With
    ``antialias`` the kernel is stretched by the downsampling factor. ``crop_to_aspect_ratio`` /
    ``pad_to_aspect_ratio`` first centre-crop / pad (with ``fill_value``) to the target's aspect
    ratio. Integer images are resampled in ``floatx()``, then rounded (half to even) and saturated
    back to their dtype.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says.
        size: the output ``(height, width)``, two positive ints.
        interpolation: ``"nearest"`` (the input pixel whose centre is nearest each output centre,
            no arithmetic), ``"bilinear"`` (a triangle kernel), ``"bicubic"`` (the Keys cubic
            kernel), ``"lanczos3"`` / ``"lanczos5"`` (windowed sinc of radius 3 / 5), or ``"area"``
            (each output pixel averages the input pixels it covers, weighted by overlap).
        antialias: when downsampling, widen the kernel by the downsampling factor so that every
            input pixel contributes (no effect for ``"nearest"`` and ``"area"``, or when upsampling).
        crop_to_aspect_ratio: first crop the largest centred region with the target's aspect ratio.
        pad_to_aspect_ratio: first pad equally on both sides of one axis up to the target's aspect
            ratio (at most one of the two aspect-ratio options may be set).
        fill_mode: how ``pad_to_aspect_ratio`` fills: only ``"constant"``.
        fill_value: the value ``pad_to_aspect_ratio`` pads with.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        The resized images, ``size`` in the spatial axes, in ``images``' dtype.

    Raises:
        ValueError: for an unknown ``interpolation``, a ``fill_mode`` other than ``"constant"``,
            both aspect-ratio options, a ``size`` that is not two positive ints, an ``images`` rank
            other than 3 or 4, or an invalid ``data_format``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.arange(4.0).reshape(1, 2, 2, 1)
    >>> image.resize(x, (4, 4), interpolation="nearest")[0, :, :, 0]
    array([[0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [2., 2., 3., 3.],
           [2., 2., 3., 3.]])
    >>> image.resize(x, (4, 4))[0, :, :, 0]
    array([[0.  , 0.25, 0.75, 1.  ],
           [0.5 , 0.75, 1.25, 1.5 ],
           [1.5 , 1.75, 2.25, 2.5 ],
           [2.  , 2.25, 2.75, 3.  ]])
    """
    if data_format not in _FORMATS:
        _bad('resize', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special):
        return _slow(_REGISTRY['resize'], (images, size, interpolation, antialias, crop_to_aspect_ratio, pad_to_aspect_ratio, fill_mode, fill_value, data_format,), {})
    return _STATE.kernels['resize'](images, size, interpolation, antialias, crop_to_aspect_ratio, pad_to_aspect_ratio, fill_mode, fill_value, data_format)


def rfft(x, fft_length=None):
    """The discrete Fourier transform of real ``x`` along the last axis, bins ``0 ..
    fft_length // 2`` (``x`` is cropped or zero-padded to ``fft_length``); returns ``(real, imag)``.

    Arguments:
        x: a real tensor; integer and bool inputs are computed in ``floatx()``.
        fft_length: the transform length (a positive int); ``None`` means ``x.shape[-1]``.

    Returns:
        A ``(real, imag)`` tuple of float tensors of shape ``(..., fft_length // 2 + 1)``.

    Raises:
        ValueError: when ``fft_length`` is not a positive int or ``None``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> real, imag = ops.rfft(np.array([1.0, 2.0, 3.0, 4.0]))
    >>> real, imag
    (array([10., -2., -2.]), array([0., 2., 0.]))
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['rfft'], (x, fft_length,), {})
    return _STATE.kernels['rfft'](x, fft_length)


def rgb_to_grayscale(images, data_format=None):
    """Luma ``0.2989 R + 0.5870 G + 0.1140 B`` (a 1-channel image; 1-channel input is returned
    as is). Integer images are converted in ``floatx()`` and cast back (truncating).

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says;
            it must have 1 or 3 channels.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        ``images`` with one channel, in ``images``' dtype.

    Raises:
        ValueError: when ``images`` is not rank 3 or 4, has another channel count, or
            ``data_format`` is invalid.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> rgb = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])  # a 1 x 2 image: red, green
    >>> np.round(image.rgb_to_grayscale(rgb), 4)
    array([[[0.2989],
            [0.587 ]]])
    """
    if data_format not in _FORMATS:
        _bad('rgb_to_grayscale', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special):
        return _slow(_REGISTRY['rgb_to_grayscale'], (images, data_format,), {})
    return _STATE.kernels['rgb_to_grayscale'](images, data_format)


def rgb_to_hsv(images, data_format=None):
    """RGB -> HSV, every channel in ``[0, 1]`` (hue as a fraction of a turn); float images only.
    Magnitudes below the dtype's epsilon are read as 0.

    Arguments:
        images: one image (rank 3) or a batch (rank 4), laid out as ``data_format`` says;
            float, with 3 channels holding R, G, B in ``[0, 1]``.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        A tensor of ``images``' shape and dtype with channels hue, saturation, value.

    Raises:
        ValueError: when ``images`` is not a rank 3 or 4 float tensor with 3 channels, or
            ``data_format`` is invalid.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> rgb = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])  # red, green
    >>> np.round(image.rgb_to_hsv(rgb), 4)
    array([[[0.    , 1.    , 1.    ],
            [0.3333, 1.    , 1.    ]]])
    """
    if data_format not in _FORMATS:
        _bad('rgb_to_hsv', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special):
        return _slow(_REGISTRY['rgb_to_hsv'], (images, data_format,), {})
    return _STATE.kernels['rgb_to_hsv'](images, data_format)


def right_shift(x, y):
    """``x >> y`` (arithmetic for signed, logical for unsigned).

    Arguments:
        x: integer tensor to shift.
        y: shift counts (non-negative integers below the dtype's bit width), broadcast against
            ``x``.

    Returns:
        A tensor of the broadcast shape of ``x`` and ``y`` in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.right_shift(np.array([8, 7], dtype='int32'), np.array([2, 1], dtype='int32'))
    array([2, 3], dtype=int32)
    """
    if isinstance(x, _Special) or isinstance(y, _Special):
        return _slow(_REGISTRY['right_shift'], (x, y,), {})
    return _STATE.kernels['right_shift'](x, y)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x / sqrt(mean(x**2) + epsilon) * scale`` over ``axis``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        scale: a factor broadcast against the normalized ``x`` (``None``: none).
        axis: the axis or tuple of axes the mean square is taken over; default the last.
        epsilon: added to the mean square before the square root; ``None`` means ``1e-6``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.rms_normalization(np.array([[3.0, 4.0]])), 4)
    array([[0.8485, 1.1314]])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('rms_normalization', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(scale, _Special):
        return _slow(_REGISTRY['rms_normalization'], (x, scale, axis, epsilon,), {})
    return _STATE.kernels['rms_normalization'](x, scale, axis, epsilon)


def rmsprop_centered_update(variable, gradient, v, average_gradient, learning_rate, rho=0.9, epsilon=1e-07):
    """One centered (momentum-free) RMSprop step: returns ``(new_variable, new_v,
    new_average_gradient)`` with ``new_v = rho v + (1 - rho) gradient**2``,
    ``new_a = rho a + (1 - rho) gradient`` and
    ``new_variable = variable - learning_rate * gradient / sqrt(new_v - new_a**2 + epsilon)``.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        v: the running mean of squared gradients, same shape.
        average_gradient: the running mean of gradients ``a``, same shape.
        learning_rate: the step size, a scalar tensor.
        rho: the decay rate of both running means (a Python float).
        epsilon: added under the square root for numerical stability.

    Returns:
        The tuple ``(new_variable, new_v, new_average_gradient)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g, zeros = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2)
    >>> new = ops.rmsprop_centered_update(w, g, zeros, zeros, np.array(0.01))
    >>> tuple(np.round(x, 4) for x in new)  # (variable, v, average_gradient)
    (array([0.9667, 2.0333]), array([0.025, 0.1  ]), array([ 0.05, -0.1 ]))
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(v, _Special) or isinstance(average_gradient, _Special) or isinstance(learning_rate, _Special):
        return _slow(_REGISTRY['rmsprop_centered_update'], (variable, gradient, v, average_gradient, learning_rate, rho, epsilon,), {})
    return _STATE.kernels['rmsprop_centered_update'](variable, gradient, v, average_gradient, learning_rate, rho, epsilon)


def rmsprop_update(variable, gradient, v, learning_rate, rho=0.9, epsilon=1e-07):
    """One (uncentered, momentum-free) RMSprop step: returns ``(new_variable, new_v)`` with
    ``new_v = rho v + (1 - rho) gradient**2`` and
    ``new_variable = variable - learning_rate * gradient / sqrt(new_v + epsilon)``.

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        v: the running mean of squared gradients, same shape.
        learning_rate: the step size, a scalar tensor.
        rho: the decay rate of ``v`` (a Python float).
        epsilon: added under the square root for numerical stability.

    Returns:
        The tuple ``(new_variable, new_v)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    >>> new_w, new_v = ops.rmsprop_update(w, g, np.zeros(2), np.array(0.01))
    >>> np.round(new_w, 4), np.round(new_v, 4)
    (array([0.9684, 2.0316]), array([0.025, 0.1  ]))
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(v, _Special) or isinstance(learning_rate, _Special):
        return _slow(_REGISTRY['rmsprop_update'], (variable, gradient, v, learning_rate, rho, epsilon,), {})
    return _STATE.kernels['rmsprop_update'](variable, gradient, v, learning_rate, rho, epsilon)


def roll(x, shift, axis=None):
    """Rolls elements along ``axis`` (the flattened array if None).

    Arguments:
        x: the input tensor.
        shift: an int, or a tuple of ints (one per axis of ``axis``): how many places the
            elements move towards higher indices; those that leave at the end come back at the start.
        axis: an int or a tuple of ints (``None``: roll the flattened ``x``, then restore its shape).

    Returns:
        The rolled tensor, of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.roll(np.array([1, 2, 3, 4]), 1)
    array([4, 1, 2, 3])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('roll', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['roll'], (x, shift, axis,), {})
    return _STATE.kernels['roll'](x, shift, axis)


def rot90(array, k=1, axes=(0, 1)):
    """Rotates by 90 degrees ``k`` times in the plane of ``axes`` (from the first towards the second).

    Arguments:
        array: a tensor of rank at least 2.
        k: the number of quarter turns (any int; negative turns the other way).
        axes: the two different axes spanning the plane of rotation.

    Returns:
        The rotated tensor, of ``array``'s dtype (its two ``axes`` lengths swapped for odd ``k``).

    Raises:
        ValueError: when ``axes`` is not two different axes.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.rot90(np.array([[1, 2], [3, 4]]))
    array([[2, 4],
           [1, 3]])
    """
    if isinstance(array, _Special):
        return _slow(_REGISTRY['rot90'], (array, k, axes,), {})
    return _STATE.kernels['rot90'](array, k, axes)


def round(x, decimals=0):
    """Round half to even, to ``decimals`` decimal places.

    Arguments:
        x: input tensor.
        decimals: how many decimal places to keep (an int; a negative value rounds to tens,
            hundreds, ...). Default 0.

    Returns:
        A tensor of ``x``'s shape and dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.round(np.array([0.5, 1.5, 2.5, -0.7]))
    array([ 0.,  2.,  2., -1.])
    >>> ops.round(np.array([1.234, 5.678]), decimals=1)
    array([1.2, 5.7])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['round'], (x, decimals,), {})
    return _STATE.kernels['round'](x, decimals)


def rsqrt(x):
    """``1 / sqrt(x)``, elementwise.

    Arguments:
        x: input tensor; zero gives inf, negative entries give NaN.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool inputs
        give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.rsqrt(np.array([1.0, 4.0, 16.0]))
    array([1.  , 0.5 , 0.25])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['rsqrt'], (x,), {})
    return _STATE.kernels['rsqrt'](x)


def saturate_cast(x, dtype):
    """Casts to ``dtype``, clipping first to its range (no wrap-around; floats to ints truncate).

    Arguments:
        x: input tensor.
        dtype: the target dtype, a name such as ``"uint8"``. Values beyond its range become its
            smallest or largest value.

    Returns:
        A tensor of ``x``'s shape and dtype ``dtype``.

    Raises:
        ValueError: when ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.saturate_cast(np.array([-5.0, 100.0, 300.0]), 'uint8')
    array([  0, 100, 255], dtype=uint8)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('saturate_cast', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['saturate_cast'], (x, dtype,), {})
    return _STATE.kernels['saturate_cast'](x, dtype)


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    """Resamples ``images`` along ``spatial_dims``: output pixel ``o``'s centre maps to input
    coordinate ``(o + 0.5 - translation) / scale - 0.5`` (``jax.image.scale_and_translate``).

    Output pixels whose centre maps outside the input are 0; kernel weights are renormalized
    over the input pixels in range.

    Arguments:
        images: a tensor of any rank.
        output_shape: the output's full shape (a sequence of ints, ``images``' rank); only the
            ``spatial_dims`` entries may differ from the input's.
        scale: one scale factor per spatial dim (a 1-D tensor or sequence).
        translation: one translation (in output pixels) per spatial dim.
        spatial_dims: the axes that are resampled (ints, negative counting from the end).
        method: the kernel: ``"linear"`` / ``"bilinear"`` / ``"trilinear"`` (triangle),
            ``"cubic"`` / ``"bicubic"`` / ``"tricubic"`` (Keys cubic), ``"lanczos3"`` or
            ``"lanczos5"``.
        antialias: when downsampling (``scale < 1``), widen the kernel by ``1 / scale``.

    Returns:
        A float tensor of ``output_shape`` (integer input is resampled in ``floatx()`` and stays
        float).

    Raises:
        ValueError: for an unknown ``method``, an ``output_shape`` of another rank, or one that
            changes an axis outside ``spatial_dims``.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> x = np.arange(4.0).reshape(1, 4)  # scale axis 1 by 2 (4 -> 8 samples)
    >>> image.scale_and_translate(x, (1, 8), np.array([2.0]), np.array([0.0]), (1,), "linear")
    array([[0.  , 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.  ]])
    """
    if isinstance(images, _Special) or isinstance(scale, _Special) or isinstance(translation, _Special):
        return _slow(_REGISTRY['scale_and_translate'], (images, output_shape, scale, translation, spatial_dims, method, antialias,), {})
    return _STATE.kernels['scale_and_translate'](images, output_shape, scale, translation, spatial_dims, method, antialias)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops ``carry, y = f(carry, x)`` over the leading axis of ``xs`` (a pytree; or ``length``
    steps with ``x = None``), from ``carry = init``; returns ``(carry, ys)`` with the ``y``
    stacked on a new leading axis. ``reverse`` scans from the end (``ys`` keep their positions);
    ``unroll`` is how many steps a compiled loop runs per iteration (a hint).

    Arguments:
        f: a callable ``(carry, x) -> (carry, y)``; the new carry keeps ``init``'s structure,
            shapes and dtypes, and ``y`` may be ``None``.
        init: the initial carry (a tensor or a pytree of tensors).
        xs: a pytree of tensors sharing their leading length, scanned along it (``None``: ``f``
            gets ``x = None`` for ``length`` steps).
        length: the number of steps (``None``: the leading length of ``xs``; if both are given
            they must agree).
        reverse: whether to scan from the last step to the first.
        unroll: a positive int or a bool: how many steps a compiled loop runs per iteration (a
            performance hint; results do not depend on it).

    Returns:
        A pair ``(carry, ys)``: the final carry and the ``y`` of every step stacked on a new
        leading axis (a pytree like ``y``).

    Raises:
        TypeError: when ``f`` is not callable.
        ValueError: when ``unroll`` is not a positive int or a bool, neither ``xs`` nor
            ``length`` gives the number of steps, or the leading lengths of ``xs`` disagree with
            each other or with ``length``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0, np.array([1, 2, 3]))
    >>> int(carry), ys
    (6, array([0, 2, 9]))
    """
    if isinstance(init, _Special) or isinstance(xs, _Special):
        return _slow(_REGISTRY['scan'], (f, init, xs, length, reverse, unroll,), {})
    return _STATE.kernels['scan'](f, init, xs, length, reverse, unroll)


def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (the last axis of
    ``indices`` indexes the leading axes; repeated indices accumulate); ``values``' dtype.

    Arguments:
        indices: an integer tensor of rank at least 1 whose last axis holds index tuples into
            the leading axes of the result.
        values: the values to add, of shape ``indices.shape[:-1] + shape[indices.shape[-1]:]``.
        shape: the result's shape (a sequence of ints).

    Returns:
        A tensor of ``shape`` in ``values``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.scatter(np.array([[0, 1], [1, 0]]), np.array([5.0, 7.0]), (2, 2))
    array([[0., 5.],
           [7., 0.]])
    """
    if isinstance(indices, _Special) or isinstance(values, _Special):
        return _slow(_REGISTRY['scatter'], (indices, values, shape,), {})
    return _STATE.kernels['scatter'](indices, values, shape)


def scatter_add(x, indices, updates):
    """``x`` with ``updates`` added at ``indices`` (last axis of indices indexes x's leading
    axes; repeated indices accumulate).

    Arguments:
        x: the tensor to add into.
        indices: an integer tensor whose last axis holds index tuples into ``x``'s leading axes.
        updates: the values to add, of shape ``indices.shape[:-1] + x.shape[indices.shape[-1]:]``.

    Returns:
        A new tensor of ``x``'s shape in the promoted dtype of ``x`` and ``updates``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.scatter_add(np.zeros(4), np.array([[1], [1], [3]]), np.array([1.0, 2.0, 5.0]))
    array([0., 3., 0., 5.])
    """
    if isinstance(x, _Special) or isinstance(indices, _Special) or isinstance(updates, _Special):
        return _slow(_REGISTRY['scatter_add'], (x, indices, updates,), {})
    return _STATE.kernels['scatter_add'](x, indices, updates)


def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written at ``indices`` (the last axis of ``indices`` indexes the
    leading axes), in ``inputs``' dtype. ``reduction``: None replaces (indices should be unique:
    which of several updates to one place wins is the backend's), "add", "max", "min" or "mul"
    combine every update with the value there.

    Arguments:
        inputs: the tensor to update (it is not modified).
        indices: an integer tensor of rank at least 1 whose last axis holds index tuples into
            ``inputs``'s leading axes.
        updates: the new values, of shape
            ``indices.shape[:-1] + inputs.shape[indices.shape[-1]:]``; cast to ``inputs``'s dtype.
        reduction: ``None`` (replace), ``"add"``, ``"max"``, ``"min"`` or ``"mul"``.

    Returns:
        A new tensor of ``inputs``'s shape and dtype.

    Raises:
        ValueError: for another ``reduction``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.scatter_update(np.zeros(4), np.array([[0], [2]]), np.array([1.0, 3.0]))
    array([1., 0., 3., 0.])
    """
    if isinstance(inputs, _Special) or isinstance(indices, _Special) or isinstance(updates, _Special):
        return _slow(_REGISTRY['scatter_update'], (inputs, indices, updates, reduction,), {})
    return _STATE.kernels['scatter_update'](inputs, indices, updates, reduction)


def searchsorted(sorted_sequence, values, side='left'):
    """Insertion points of ``values`` into the ascending 1-D ``sorted_sequence`` as int32:
    ``side='left'`` gives the first suitable index, ``'right'`` the last.

    Arguments:
        sorted_sequence: 1-D tensor sorted in ascending order.
        values: the values to place, any shape.
        side: ``"left"`` (the index before equal entries) or ``"right"`` (after them).

    Returns:
        An int32 tensor of ``values``'s shape, each entry in ``[0, len(sorted_sequence)]``.

    Raises:
        ValueError: when ``side`` is neither ``"left"`` nor ``"right"``, or ``sorted_sequence``
            is not 1-D.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.searchsorted(np.array([1, 3, 5, 7]), np.array([0, 3, 6]))
    array([0, 1, 3], dtype=int32)
    >>> ops.searchsorted(np.array([1, 3, 5, 7]), np.array([0, 3, 6]), side='right')
    array([0, 2, 3], dtype=int32)
    """
    if isinstance(sorted_sequence, _Special) or isinstance(values, _Special):
        return _slow(_REGISTRY['searchsorted'], (sorted_sequence, values, side,), {})
    return _STATE.kernels['searchsorted'](sorted_sequence, values, side)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maxima of the rows of ``data`` per segment id (see :func:`segment_sum`); empty segments give
    the dtype's lowest value (-inf for floats, False for bool). Gradient split evenly between ties.

    Arguments:
        data: the rows to combine, a tensor of rank >= 1 (its first axis is the row axis).
        segment_ids: 1-D integer tensor of length ``data.shape[0]``, the segment of each row;
            rows whose id is negative or not below ``num_segments`` are dropped.
        num_segments: the number of segments (``None``: ``max(segment_ids) + 1``, read from the
            data, so eager only).
        sorted: ``True`` promises ascending ``segment_ids`` (checked when the ids are concrete).

    Returns:
        A tensor of shape ``(num_segments, *data.shape[1:])`` in ``data``'s dtype.

    Raises:
        TypeError: when ``segment_ids`` is not of an integer dtype.
        ValueError: when ``segment_ids`` is not 1-D with one id per row, ``sorted=True`` but the
            ids descend somewhere, or ``num_segments`` is ``None`` inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.segment_max(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 1, 1]), num_segments=2)
    array([2., 4.])
    """
    if isinstance(data, _Special) or isinstance(segment_ids, _Special):
        return _slow(_REGISTRY['segment_max'], (data, segment_ids, num_segments, sorted,), {})
    return _STATE.kernels['segment_max'](data, segment_ids, num_segments, sorted)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minima of the rows of ``data`` per segment id (see :func:`segment_sum`); empty segments give
    the dtype's highest value (+inf for floats, True for bool).

    Arguments:
        data: the rows to combine, a tensor of rank >= 1 (its first axis is the row axis).
        segment_ids: 1-D integer tensor of length ``data.shape[0]``, the segment of each row;
            rows whose id is negative or not below ``num_segments`` are dropped.
        num_segments: the number of segments (``None``: ``max(segment_ids) + 1``, read from the
            data, so eager only).
        sorted: ``True`` promises ascending ``segment_ids`` (checked when the ids are concrete).

    Returns:
        A tensor of shape ``(num_segments, *data.shape[1:])`` in ``data``'s dtype.

    Raises:
        TypeError: when ``segment_ids`` is not of an integer dtype.
        ValueError: when ``segment_ids`` is not 1-D with one id per row, ``sorted=True`` but the
            ids descend somewhere, or ``num_segments`` is ``None`` inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.segment_min(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 1, 1]), num_segments=2)
    array([1., 3.])
    """
    if isinstance(data, _Special) or isinstance(segment_ids, _Special):
        return _slow(_REGISTRY['segment_min'], (data, segment_ids, num_segments, sorted,), {})
    return _STATE.kernels['segment_min'](data, segment_ids, num_segments, sorted)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Products of the rows of ``data`` per segment id (see :func:`segment_sum`); empty segments
    give 1.

    Arguments:
        data: the rows to combine, a tensor of rank >= 1 (its first axis is the row axis).
        segment_ids: 1-D integer tensor of length ``data.shape[0]``, the segment of each row;
            rows whose id is negative or not below ``num_segments`` are dropped.
        num_segments: the number of segments (``None``: ``max(segment_ids) + 1``, read from the
            data, so eager only).
        sorted: ``True`` promises ascending ``segment_ids`` (checked when the ids are concrete).

    Returns:
        A tensor of shape ``(num_segments, *data.shape[1:])`` in ``data``'s dtype.

    Raises:
        TypeError: when ``segment_ids`` is not of an integer dtype, or ``data`` is a bool tensor.
        ValueError: when ``segment_ids`` is not 1-D with one id per row, ``sorted=True`` but the
            ids descend somewhere, or ``num_segments`` is ``None`` inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.segment_prod(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 1, 1]), num_segments=2)
    array([ 2., 12.])
    """
    if isinstance(data, _Special) or isinstance(segment_ids, _Special):
        return _slow(_REGISTRY['segment_prod'], (data, segment_ids, num_segments, sorted,), {})
    return _STATE.kernels['segment_prod'](data, segment_ids, num_segments, sorted)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sums of the rows of ``data`` per segment id: ``out[s] = sum(data[i] for segment_ids[i] == s)``
    for ``s`` in ``[0, num_segments)`` (default ``max(segment_ids) + 1``, eager only); ids
    outside are dropped, empty segments give 0. ``sorted=True`` promises ascending ids.

    Arguments:
        data: the rows to combine, a tensor of rank >= 1 (its first axis is the row axis).
        segment_ids: 1-D integer tensor of length ``data.shape[0]``, the segment of each row;
            rows whose id is negative or not below ``num_segments`` are dropped.
        num_segments: the number of segments (``None``: ``max(segment_ids) + 1``, read from the
            data, so eager only).
        sorted: ``True`` promises ascending ``segment_ids`` (checked when the ids are concrete).

    Returns:
        A tensor of shape ``(num_segments, *data.shape[1:])`` in ``data``'s dtype.

    Raises:
        TypeError: when ``segment_ids`` is not of an integer dtype, or ``data`` is a bool tensor.
        ValueError: when ``segment_ids`` is not 1-D with one id per row, ``sorted=True`` but the
            ids descend somewhere, or ``num_segments`` is ``None`` inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.segment_sum(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 1, 1]), num_segments=2)
    array([3., 7.])
    """
    if isinstance(data, _Special) or isinstance(segment_ids, _Special):
        return _slow(_REGISTRY['segment_sum'], (data, segment_ids, num_segments, sorted,), {})
    return _STATE.kernels['segment_sum'](data, segment_ids, num_segments, sorted)


def select(condlist, choicelist, default=0):
    """Per element, the entry of ``choicelist`` for the first true condition of ``condlist``
    (``default`` where none holds).

    Arguments:
        condlist: a non-empty list of boolean tensors.
        choicelist: a list of tensors, as many as ``condlist``; all broadcast together.
        default: the value where no condition holds (a scalar or a broadcastable tensor).

    Returns:
        A tensor of the broadcast shape, in the dtype of ``choicelist``'s entries promoted with
        ``default``.

    Raises:
        ValueError: when the two lists differ in length or are empty.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([-2, 0, 3])
    >>> ops.select([x < 0, x > 0], [-x, x * 10], default=7)
    array([ 2,  7, 30])
    """
    if _any_special(condlist) or _any_special(choicelist):
        return _slow(_REGISTRY['select'], (condlist, choicelist, default,), {})
    return _STATE.kernels['select'](condlist, choicelist, default)


def selu(x):
    """Scaled ELU with the self-normalizing constants.

    ``scale * (x if x > 0 else alpha * (exp(x) - 1))`` with ``alpha ~ 1.6733`` and
    ``scale ~ 1.0507``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.selu(np.array([-1.0, 0.0, 2.0])), 4)
    array([-1.1113,  0.    ,  2.1014])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['selu'], (x,), {})
    return _STATE.kernels['selu'](x)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding='valid', data_format=None, dilation_rate=1):
    """Depthwise convolution with ``depthwise_kernel`` ``(*window, in_channels,
    depth_multiplier)``, then a 1x1 convolution with ``pointwise_kernel`` ``(*ones,
    in_channels * depth_multiplier, out_channels)``.

    Arguments:
        inputs: a rank ``N + 2`` tensor, laid out as ``data_format`` says (``N`` spatial dims).
        depthwise_kernel: ``(*window, in_channels, depth_multiplier)``, one set of filters per
            input channel.
        pointwise_kernel: ``(1, ..., 1, in_channels * depth_multiplier, out_channels)``, mixing
            the channels.
        strides: the step of the depthwise window: an int or a tuple of ``N``.
        padding: ``"valid"`` (no padding) or ``"same"`` (zero padding; output length
            ``ceil(length / stride)``) for the depthwise step; case-insensitive.
        data_format: ``"channels_last"`` (``(batch, *spatial, channels)``) or
            ``"channels_first"`` (``(batch, channels, *spatial)``); ``None`` means
            ``dlx.config.image_data_format()``.
        dilation_rate: the spacing between depthwise kernel taps: an int or a tuple of ``N``.

    Returns:
        A tensor with ``out_channels`` channels and the depthwise step's spatial shape.

    Raises:
        ValueError: when ``padding`` is not ``"valid"`` / ``"same"`` or ``data_format`` is not one
            of the two layouts (or ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.ones((1, 3, 3, 2))
    >>> depthwise = np.ones((2, 2, 2, 1))  # a 2 x 2 window per channel
    >>> pointwise = np.ones((1, 1, 2, 1))  # sums the 2 channels
    >>> ops.separable_conv(x, depthwise, pointwise)[0, :, :, 0]
    array([[8., 8.],
           [8., 8.]])
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


def sgd_momentum_update(variable, gradient, m, learning_rate, momentum=0.9, nesterov=False):
    """One SGD step with momentum: returns ``(new_variable, new_m)`` with
    ``new_m = m * momentum - gradient * learning_rate`` and ``new_variable = variable + new_m``
    (Nesterov: ``variable + new_m * momentum - gradient * learning_rate``).

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        m: the momentum buffer (the previous update), same shape.
        learning_rate: the step size, a scalar tensor.
        momentum: the fraction of the previous update carried over (a Python float).
        nesterov: use Nesterov's look-ahead form of the step, as above.

    Returns:
        The tuple ``(new_variable, new_m)``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> w, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    >>> new_w, new_m = ops.sgd_momentum_update(w, g, np.zeros(2), np.array(0.1))
    >>> new_w, new_m
    (array([0.95, 2.1 ]), array([-0.05,  0.1 ]))
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(m, _Special) or isinstance(learning_rate, _Special):
        return _slow(_REGISTRY['sgd_momentum_update'], (variable, gradient, m, learning_rate, momentum, nesterov,), {})
    return _STATE.kernels['sgd_momentum_update'](variable, gradient, m, learning_rate, momentum, nesterov)


def sgd_update(variable, gradient, learning_rate):
    """One plain gradient-descent step: ``variable - gradient * learning_rate`` (a scalar tensor).

    Arguments:
        variable: the weight's current value (a tensor, not a variable handle: nothing is
            assigned; the caller assigns the returned values).
        gradient: the loss gradient for ``variable``, same shape.
        learning_rate: the step size, a scalar tensor.

    Returns:
        The new value of the variable, in the promoted dtype of the arguments.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sgd_update(np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array(0.1))
    array([0.95, 2.1 ])
    """
    if isinstance(variable, _Special) or isinstance(gradient, _Special) or isinstance(learning_rate, _Special):
        return _slow(_REGISTRY['sgd_update'], (variable, gradient, learning_rate,), {})
    return _STATE.kernels['sgd_update'](variable, gradient, learning_rate)


def sigmoid(x):
    """1 / (1 + exp(-x)).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``dlx.config.floatx()``.

    Returns:
        A tensor of ``x``'s shape (a float dtype: ``x``'s own, or ``floatx()`` for integer input).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.sigmoid(np.array([-1.0, 0.0, 2.0])), 4)
    array([0.2689, 0.5   , 0.8808])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sigmoid'], (x,), {})
    return _STATE.kernels['sigmoid'](x)


def sign(x):
    """-1, 0 or 1 by the sign of ``x`` (NaN stays NaN).

    Arguments:
        x: input tensor.

    Returns:
        A tensor of ``x``'s shape and dtype holding -1, 0 or 1 (NaN where ``x`` is NaN).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sign(np.array([-3.0, 0.0, 2.5]))
    array([-1.,  0.,  1.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sign'], (x,), {})
    return _STATE.kernels['sign'](x)


def signbit(x):
    """True where the sign bit is set (``-0.0`` and NaNs with the bit included).

    Arguments:
        x: input tensor (integers: true where negative).

    Returns:
        A bool tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.signbit(np.array([-1.0, -0.0, 0.0, 2.0]))
    array([ True,  True, False, False])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['signbit'], (x,), {})
    return _STATE.kernels['signbit'](x)


def silu(x):
    """x * sigmoid(x) (swish).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``dlx.config.floatx()``.

    Returns:
        A tensor of ``x``'s shape (a float dtype: ``x``'s own, or ``floatx()`` for integer input).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.silu(np.array([-1.0, 0.0, 2.0])), 4)
    array([-0.2689,  0.    ,  1.7616])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['silu'], (x,), {})
    return _STATE.kernels['silu'](x)


def sin(x):
    """Sine (full range).

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.sin(np.array([0.0, np.pi / 6, np.pi / 2])), 4)
    array([0. , 0.5, 1. ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sin'], (x,), {})
    return _STATE.kernels['sin'](x)


def sinc(x):
    """Normalized sinc, ``sin(pi x) / (pi x)`` (1 at 0).

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.sinc(np.array([0.0, 0.5, 1.0])), 4)
    array([1.    , 0.6366, 0.    ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sinc'], (x,), {})
    return _STATE.kernels['sinc'](x)


def sinh(x):
    """Hyperbolic sine.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.sinh(np.array([0.0, 1.0])), 4)
    array([0.    , 1.1752])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sinh'], (x,), {})
    return _STATE.kernels['sinh'](x)


def slice(inputs, start_indices, shape):
    """The block of ``shape`` starting at ``start_indices``.

    Arguments:
        inputs: the input tensor.
        start_indices: one start index per axis of ``inputs`` (ints or scalar tensors).
        shape: the block's length along each axis.

    Returns:
        The block ``inputs[s0:s0 + n0, s1:s1 + n1, ...]``, of ``inputs``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.slice(np.arange(12).reshape(3, 4), (1, 1), (2, 2))
    array([[ 5,  6],
           [ 9, 10]])
    """
    if isinstance(inputs, _Special):
        return _slow(_REGISTRY['slice'], (inputs, start_indices, shape,), {})
    return _STATE.kernels['slice'](inputs, start_indices, shape)


def slice_update(inputs, start_indices, updates):
    """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``.

    Arguments:
        inputs: the input tensor.
        start_indices: one start index per axis of ``inputs`` (ints or scalar tensors).
        updates: the new values of the block, a tensor of ``inputs``'s rank; its shape is the
            block's shape.

    Returns:
        A new tensor in the promoted dtype of ``inputs`` and ``updates``; ``inputs`` is unchanged.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.slice_update(np.zeros((2, 3)), (0, 1), np.ones((2, 2)))
    array([[0., 1., 1.],
           [0., 1., 1.]])
    """
    if isinstance(inputs, _Special) or isinstance(updates, _Special):
        return _slow(_REGISTRY['slice_update'], (inputs, start_indices, updates,), {})
    return _STATE.kernels['slice_update'](inputs, start_indices, updates)


def slogdet(x):
    """``(sign, log|det x|)`` of each square matrix ``x``: the log-determinant without overflow.

    Arguments:
        x: a tensor of square matrices ``(..., M, M)``; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A tuple ``(sign, logabsdet)`` of ``(...)`` tensors: ``det x = sign * exp(logabsdet)``
        (``sign`` 0 and ``logabsdet`` ``-inf`` for a singular matrix).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> sign, logabsdet = ops.slogdet(np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> print(sign, np.round(logabsdet, 4))
    -1.0 0.6931
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['slogdet'], (x,), {})
    return _STATE.kernels['slogdet'](x)


def sobel_edges(images, data_format=None):
    """Sobel gradients of a batch of images, zero padded: ``(..., 2)`` holding ``[dy, dx]``.

    Each channel is correlated with the 3 x 3 Sobel kernels; ``dy`` responds to change down the
    rows, ``dx`` across the columns.

    Arguments:
        images: a batch of images (rank 4), laid out as ``data_format`` says.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        A float tensor of ``images``' shape with a trailing axis of 2 (``dy`` then ``dx``).

    Raises:
        ValueError: when ``images`` is not rank 4 or ``data_format`` is invalid.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> ramp = np.tile(np.arange(4.0), (4, 1))[None, :, :, None]  # brightness grows to the right
    >>> edges = image.sobel_edges(ramp)
    >>> edges.shape  # (dy, dx) per pixel and channel
    (1, 4, 4, 1, 2)
    >>> edges[0, 1, :, 0, 1]  # dx along an inner row
    array([ 4.,  8.,  8., -8.])
    """
    if data_format not in _FORMATS:
        _bad('sobel_edges', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(images, _Special):
        return _slow(_REGISTRY['sobel_edges'], (images, data_format,), {})
    return _STATE.kernels['sobel_edges'](images, data_format)


def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        threshold: the amount every value is shrunk toward 0 by (values within it become 0).

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.soft_shrink(np.array([-1.0, 0.3, 2.0]))
    array([-0.5,  0. ,  1.5])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['soft_shrink'], (x, threshold,), {})
    return _STATE.kernels['soft_shrink'](x, threshold)


def softmax(x, axis=-1):
    """``exp(x - max) / sum(exp(x - max))`` along ``axis``.

    Arguments:
        x: the input tensor (logits); integer and bool inputs are computed in ``floatx()``.
        axis: the axis (an int) the probabilities sum to 1 along, or a tuple of axes they sum
            to 1 over jointly; default the last.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.softmax(np.array([1.0, 2.0, 3.0])), 4)
    array([0.09  , 0.2447, 0.6652])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('softmax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['softmax'], (x, axis,), {})
    return _STATE.kernels['softmax'](x, axis)


def softplus(x):
    """log(1 + exp(x)), stably.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``dlx.config.floatx()``.

    Returns:
        A tensor of ``x``'s shape (a float dtype: ``x``'s own, or ``floatx()`` for integer input).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.softplus(np.array([-1.0, 0.0, 2.0])), 4)
    array([0.3133, 0.6931, 2.1269])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['softplus'], (x,), {})
    return _STATE.kernels['softplus'](x)


def softsign(x):
    """x / (1 + |x|).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``dlx.config.floatx()``.

    Returns:
        A tensor of ``x``'s shape (a float dtype: ``x``'s own, or ``floatx()`` for integer input).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.softsign(np.array([-1.0, 0.0, 3.0]))
    array([-0.5 ,  0.  ,  0.75])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['softsign'], (x,), {})
    return _STATE.kernels['softsign'](x)


def solve(a, b):
    """Solves ``a @ x = b`` for ``x``: ``a`` is ``(..., M, M)``, ``b`` is ``(..., M)`` (vectors: a
    1-D ``b``, or ``a``'s shape without its last axis) or ``(..., M, N)``; ``x`` has ``b``'s shape.

    Arguments:
        a: the coefficient matrices ``(..., M, M)``.
        b: the right-hand sides, vectors or matrices as above; batch axes broadcast against ``a``'s.

    Returns:
        The solutions, shaped like ``b`` (NaN for a singular ``a``).

    Raises:
        ValueError: when ``a`` is not square matrices or ``b``'s rows do not match ``M``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> a = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> np.round(ops.solve(a, np.array([3.0, 5.0])), 4)
    array([0.8, 1.4])
    """
    _REGISTRY['solve'].validate(a, b)
    if isinstance(a, _Special) or isinstance(b, _Special):
        return _slow(_REGISTRY['solve'], (a, b,), {})
    return _STATE.kernels['solve'](a, b)


def solve_triangular(a, b, lower=False):
    """Solves ``a @ x = b`` for a triangular ``a`` (``(..., M, M)``; only its lower triangle is
    read when ``lower``, else its upper one); ``b`` is ``(M,)`` or ``(..., M, N)``.

    Arguments:
        a: the triangular coefficient matrices ``(..., M, M)``; the other triangle is ignored.
        b: the right-hand sides, a vector ``(M,)`` or matrices ``(..., M, N)``.
        lower: ``True`` reads ``a``'s lower triangle, ``False`` its upper one.

    Returns:
        The solutions, shaped like ``b``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> a = np.array([[2.0, 0.0], [1.0, 1.0]])
    >>> ops.solve_triangular(a, np.array([4.0, 5.0]), lower=True)
    array([2., 3.])
    """
    if isinstance(a, _Special) or isinstance(b, _Special):
        return _slow(_REGISTRY['solve_triangular'], (a, b, lower,), {})
    return _STATE.kernels['solve_triangular'](a, b, lower)


def sort(x, axis=-1):
    """Sorted copy along ``axis`` (ascending).

    Arguments:
        x: the input tensor.
        axis: the axis to sort along.

    Returns:
        A tensor of ``x``'s shape and dtype, sorted in ascending order along ``axis``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sort(np.array([3, 1, 2]))
    array([1, 2, 3])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('sort', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sort'], (x, axis,), {})
    return _STATE.kernels['sort'](x, axis)


def space_to_depth(x, block_size, data_format='channels_last'):
    """The inverse of :func:`depth_to_space` (pixel unshuffle).

    Arguments:
        x: a batch of images (rank 4); its height and width must be divisible by ``block_size``.
        block_size: the downscaling factor, an int >= 2.
        data_format: ``"channels_last"`` (``(N, H, W, C)``) or ``"channels_first"``
            (``(N, C, H, W)``); ``None`` means ``dlx.config.image_data_format()``.

    Returns:
        ``(N, H / block_size, W / block_size, C * block_size**2)`` (channels first likewise).

    Raises:
        ValueError: when ``x`` is not rank 4, ``block_size < 2``, or the height or width does not
            divide.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(4.0).reshape(1, 2, 2, 1)
    >>> ops.space_to_depth(x, 2)
    array([[[[0., 1., 2., 3.]]]])
    """
    if data_format not in _FORMATS:
        _bad('space_to_depth', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(x, _Special):
        return _slow(_REGISTRY['space_to_depth'], (x, block_size, data_format,), {})
    return _STATE.kernels['space_to_depth'](x, block_size, data_format)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical cross-entropy with integer class ``target``s.

    Arguments:
        target: integer class indices, ``output``'s shape without the class axis.
        output: probabilities, or logits with ``from_logits=True``, with classes along ``axis``.
        from_logits: whether ``output`` is logits (else it is renormalized and clipped to
            ``[1e-7, 1 - 1e-7]`` as in :func:`categorical_crossentropy`).
        axis: the class axis of ``output``; default the last.

    Returns:
        The per-example loss, of ``target``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.sparse_categorical_crossentropy(np.array([1]), np.array([[0.1, 0.8, 0.1]])), 4)
    array([0.2231])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(output, 'shape', ())) <= axis < (len(getattr(output, 'shape', ())) or 1):
        _check_axis('sparse_categorical_crossentropy', 'axis', axis, output if hasattr(output, 'shape') else None)
    if isinstance(target, _Special) or isinstance(output, _Special):
        return _slow(_REGISTRY['sparse_categorical_crossentropy'], (target, output, from_logits, axis,), {})
    return _STATE.kernels['sparse_categorical_crossentropy'](target, output, from_logits, axis)


def sparse_plus(x):
    """0 for ``x <= -1``, ``x`` for ``x >= 1``, ``(x + 1)**2 / 4`` between.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sparse_plus(np.array([-2.0, 0.0, 2.0]))
    array([0.  , 0.25, 2.  ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sparse_plus'], (x,), {})
    return _STATE.kernels['sparse_plus'](x)


def sparse_sigmoid(x):
    """0 for ``x <= -1``, 1 for ``x >= 1``, ``(x + 1) / 2`` between.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sparse_sigmoid(np.array([-2.0, 0.0, 0.5, 2.0]))
    array([0.  , 0.5 , 0.75, 1.  ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sparse_sigmoid'], (x,), {})
    return _STATE.kernels['sparse_sigmoid'](x)


def sparsemax(x, axis=-1):
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis``:
    ``max(x - tau, 0)`` with ``tau`` chosen so the result sums to 1.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        axis: the axis the result sums to 1 along; default the last.

    Returns:
        A float tensor of ``x``'s shape, non-negative, often with exact zeros.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sparsemax(np.array([1.0, 2.0, 0.0]))
    array([0., 1., 0.])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('sparsemax', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sparsemax'], (x, axis,), {})
    return _STATE.kernels['sparsemax'](x, axis)


def split(x, indices_or_sections, axis=0):
    """Splits into equal sections or at indices along ``axis``; returns a list.

    Arguments:
        x: the input tensor.
        indices_or_sections: an int ``n`` (``n`` equal sections; the length of ``axis`` must be a
            multiple of ``n``) or a sorted list of indices along ``axis`` to cut before.
        axis: the axis to split.

    Returns:
        A list of tensors of ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.split(np.arange(6), 3)
    [array([0, 1]), array([2, 3]), array([4, 5])]
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('split', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['split'], (x, indices_or_sections, axis,), {})
    return _STATE.kernels['split'](x, indices_or_sections, axis)


def sqrt(x):
    """Square root, elementwise (correctly rounded class E1).

    Arguments:
        x: input tensor; negative entries give NaN.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool inputs
        give ``floatx()``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sqrt(np.array([1.0, 4.0, 9.0]))
    array([1., 2., 3.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sqrt'], (x,), {})
    return _STATE.kernels['sqrt'](x)


def square(x):
    """``x * x``, elementwise.

    Arguments:
        x: input tensor.

    Returns:
        A tensor of ``x``'s shape and dtype (integers keep their dtype and wrap on overflow).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.square(np.array([1, -2, 3]))
    array([1, 4, 9])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['square'], (x,), {})
    return _STATE.kernels['square'](x)


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``, evaluated without cancellation (``b / (2 (s - x))`` for
    ``x < 0``) or overflow (``s = hypot(x, sqrt(b))``).

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        b: the smoothness of the bend at 0 (``b = 0`` gives ``relu``); must be ``>= 0``.

    Returns:
        A float tensor of ``x``'s shape.

    Raises:
        ValueError: when ``b < 0``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.squareplus(np.array([-2.0, 0.0, 2.0])), 4)
    array([0.4142, 1.    , 2.4142])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['squareplus'], (x, b,), {})
    return _STATE.kernels['squareplus'](x, b)


def squeeze(x, axis=None):
    """Removes length-1 axes (only ``axis`` if given; it must have length 1).

    Arguments:
        x: the input tensor.
        axis: an int or a tuple of ints: the axes to remove (``None``: every axis of length 1).

    Returns:
        ``x`` without those axes (same elements and dtype).

    Raises:
        ValueError: when an axis named in ``axis`` does not have length 1, or is out of range.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.squeeze(np.zeros((1, 3, 1))).shape
    (3,)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('squeeze', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['squeeze'], (x, axis,), {})
    return _STATE.kernels['squeeze'](x, axis)


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, data_format=None):
    """Structural similarity of two images (or batches): local Gaussian-weighted means, variances
    and covariance over ``filter_size`` windows (no padding), averaged over space and channels.
    Returns one value per image, in the images' dtype.

    Arguments:
        image1: one image (rank 3) or a batch (rank 4).
        image2: the image(s) to compare with, the same shape as ``image1``.
        max_val: the dynamic range of the pixel values (e.g. 1.0 or 255); it sets the stabilizing
            constants ``(k1 * max_val)**2`` and ``(k2 * max_val)**2``.
        filter_size: the side of the square Gaussian window (at most the image height and width).
        filter_sigma: the standard deviation of the Gaussian window.
        k1: the constant stabilizing the luminance term.
        k2: the constant stabilizing the contrast-structure term.
        data_format: ``"channels_last"`` (``(..., height, width, channels)``) or
            ``"channels_first"`` (``(..., channels, height, width)``); ``None`` means
            ``dlx.config.image_data_format()``.

    Returns:
        A scalar for one image, else a ``(batch,)`` tensor, in ``image1``'s dtype (computed in
        ``floatx()`` for integer images); 1 means identical images.

    Raises:
        ValueError: when the shapes differ, a rank is not 3 or 4, or ``filter_size`` exceeds the
            image.

    Example:

    >>> import numpy as np
    >>> from dlx.ops import image
    >>> a = np.linspace(0.0, 1.0, 64).reshape(8, 8, 1)
    >>> float(image.ssim(a, a, max_val=1.0, filter_size=3))
    1.0
    >>> float(np.round(image.ssim(a, 1.0 - a, max_val=1.0, filter_size=3), 4))
    -0.6503
    """
    if data_format not in _FORMATS:
        _bad('ssim', 'data_format', data_format, "'channels_last' or 'channels_first'")
    if isinstance(image1, _Special) or isinstance(image2, _Special):
        return _slow(_REGISTRY['ssim'], (image1, image2, max_val, filter_size, filter_sigma, k1, k2, data_format,), {})
    return _STATE.kernels['ssim'](image1, image2, max_val, filter_size, filter_sigma, k1, k2, data_format)


def stack(x, axis=0):
    """Joins same-shaped tensors along a new axis.

    Arguments:
        x: a list or tuple of tensors, all of the same shape.
        axis: the position of the new axis in the result.

    Returns:
        A tensor of rank one more than the inputs', ``len(x)`` long along ``axis``, in the inputs'
        promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.stack([np.array([1, 2]), np.array([3, 4])], axis=1)
    array([[1, 3],
           [2, 4]])
    """
    if _any_special(x):
        return _slow(_REGISTRY['stack'], (x, axis,), {})
    return _STATE.kernels['stack'](x, axis)


def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``.

    The square root of :func:`var` (divides by ``N``, not ``N - 1``).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.std(np.array([[1.0, 3.0], [2.0, 2.0]]), axis=1)
    array([1., 0.])
    """
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

    Arguments:
        x: the float32 or float64 signal, transformed along its last axis.
        sequence_length: the window length, a positive int (at most ``fft_length``).
        sequence_stride: the hop between frames, a positive int.
        fft_length: the frame and transform length, an int ``>= sequence_length``.
        window: ``"hann"``, ``"hamming"``, a ``(sequence_length,)`` tensor, or ``None``, as above.
        center: reflect-pad ``fft_length // 2`` samples on each side so that frame ``t`` is
            centered on sample ``t * sequence_stride``.

    Returns:
        A ``(real, imag)`` tuple of tensors ``(..., num_frames, fft_length // 2 + 1)`` in ``x``'s
        dtype.

    Raises:
        TypeError: when ``x`` is not float32 or float64.
        ValueError: for non-positive lengths, ``fft_length < sequence_length``, an unknown or
            misshapen ``window``, or a signal too short for one frame (or for the reflect padding).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> real, imag = ops.stft(np.ones(16), sequence_length=8, sequence_stride=4, fft_length=8)
    >>> real.shape
    (5, 5)
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['stft'], (x, sequence_length, sequence_stride, fft_length, window, center,), {})
    return _STATE.kernels['stft'](x, sequence_length, sequence_stride, fft_length, window, center)


def stop_gradient(variable):
    """Returns ``variable``'s value; no gradient flows through it.

    Arguments:
        variable: a tensor or variable.

    Returns:
        A tensor equal to ``variable`` (same shape and dtype) whose gradient is zero.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.stop_gradient(np.array([1.0, 2.0]))
    array([1., 2.])
    """
    if isinstance(variable, _Special):
        return _slow(_REGISTRY['stop_gradient'], (variable,), {})
    return _STATE.kernels['stop_gradient'](variable)


def subtract(x1, x2):
    """``x1 - x2`` with broadcasting.

    Arguments:
        x1: first operand.
        x2: second operand, broadcast against ``x1``.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype (a Python
        scalar operand takes the other operand's dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.subtract(np.array([5.0, 3.0]), np.array([1.0, 4.0]))
    array([ 4., -1.])
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['subtract'], (x1, x2,), {})
    return _STATE.kernels['subtract'](x1, x2)


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes if ``None``), pairwise accumulated. bool, int8 and int16 sum
    to int32, uint8 and uint16 to uint32 (Keras's rule).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``); floats keep their dtype, integers and bools follow the rule above (wider
        integers keep theirs).

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.sum(np.array([[1, 2], [3, 4]]), axis=0)
    array([4, 6])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('sum', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('sum', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['sum'], (x, axis, keepdims,), {})
    return _STATE.kernels['sum'](x, axis, keepdims)


def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition ``x = u @ diag(s) @ vh`` of each matrix ``x`` (``(..., M, N)``,
    ``K = min(M, N)``): ``(u, s, vh)`` with ``u`` ``(..., M, M)`` and ``vh`` ``(..., N, N)``
    (``full_matrices=False``: ``(..., M, K)`` and ``(..., K, N)``), ``s`` descending ``(..., K)``;
    ``compute_uv=False`` returns ``s`` alone. Signs are fixed (see the module docstring).

    Arguments:
        x: a tensor of matrices ``(..., M, N)``; integer and bool inputs are computed in ``floatx()``.
        full_matrices: ``True`` gives square ``u`` and ``vh`` (completed to full bases);
            ``False`` the thin factors.
        compute_uv: ``False`` computes the singular values only.

    Returns:
        The tuple ``(u, s, vh)`` with the shapes above, or ``s`` alone when ``compute_uv`` is false.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> u, s, vh = ops.svd(np.array([[3.0, 0.0], [0.0, -2.0]]))
    >>> s
    array([3., 2.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['svd'], (x, full_matrices, compute_uv,), {})
    return _STATE.kernels['svd'](x, full_matrices, compute_uv)


def swapaxes(x, axis1, axis2):
    """Interchanges two axes.

    Arguments:
        x: the input tensor.
        axis1, axis2: the two axes to swap.

    Returns:
        ``x`` with those two axes swapped (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.swapaxes(np.zeros((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['swapaxes'], (x, axis1, axis2,), {})
    return _STATE.kernels['swapaxes'](x, axis1, axis2)


def swish(x):
    """``x * sigmoid(x)``: Keras's name for :func:`silu`.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.swish(np.array([-1.0, 0.0, 2.0])), 4)
    array([-0.2689,  0.    ,  1.7616])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['swish'], (x,), {})
    return _STATE.kernels['swish'](x)


def switch(index, branches, *operands):
    """``branches[index](*operands)``, ``index`` clipped to ``[0, len(branches) - 1]``;
    every branch must return the same structure.

    Arguments:
        index: a scalar integer tensor (or an int) choosing the branch.
        branches: a non-empty sequence of callables, each taking ``*operands``.
        *operands: the arguments passed to the chosen branch.

    Returns:
        What the chosen branch returns.

    Raises:
        ValueError: when ``branches`` is empty.
        TypeError: when a branch is not callable, or ``index`` has no concrete value on a
            backend that runs ``switch`` in Python.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.switch(1, [lambda x: x + 1, lambda x: x * 10], np.array([1, 2]))
    array([10, 20])
    """
    if isinstance(index, _Special) or _any_special(operands):
        return _slow(_REGISTRY['switch'], (index, branches, *operands,), {})
    return _STATE.kernels['switch'](index, branches, *operands)


def take(x, indices, axis=None):
    """Gathers entries of ``x`` at ``indices`` along ``axis`` (the flattened array if None).
    Negative indices count from the end.

    Arguments:
        x: the input tensor.
        indices: an integer tensor of indices into ``axis`` (into the flattened ``x`` when
            ``axis`` is ``None``).
        axis: the axis to gather along (``None``: the flattened ``x``).

    Returns:
        A tensor of ``x``'s dtype: ``x``'s shape with ``axis`` replaced by ``indices``'s shape
        (``indices``'s shape when ``axis`` is ``None``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.take(np.array([10, 20, 30]), np.array([2, 0]))
    array([30, 10])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('take', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(indices, _Special):
        return _slow(_REGISTRY['take'], (x, indices, axis,), {})
    return _STATE.kernels['take'](x, indices, axis)


def take_along_axis(x, indices, axis=None):
    """Picks values along ``axis`` at matching positions of ``indices`` (broadcast against x).

    Arguments:
        x: the input tensor.
        indices: an integer tensor of ``x``'s rank whose other axes broadcast against ``x``'s
            (any shape when ``axis`` is ``None``).
        axis: the axis the indices select along (``None``: ``x`` and ``indices`` are both
            flattened first).

    Returns:
        A tensor of ``x``'s dtype with ``indices``'s length along ``axis`` and the broadcast
        shape elsewhere.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.array([[3, 1, 2], [9, 7, 8]])
    >>> ops.take_along_axis(x, np.array([[1], [0]]), axis=1)
    array([[1],
           [9]])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('take_along_axis', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special) or isinstance(indices, _Special):
        return _slow(_REGISTRY['take_along_axis'], (x, indices, axis,), {})
    return _STATE.kernels['take_along_axis'](x, indices, axis)


def take_along_axis_grad(g, x, indices, axis):
    """The cotangent of ``take_along_axis`` w.r.t. ``x`` (scatter-add of ``g``).

    Arguments:
        g: the cotangent of ``take_along_axis``'s output.
        x: the tensor ``take_along_axis`` read (its shape is the result's shape).
        indices: the integer indices it was called with.
        axis: the axis it was called with (an int).

    Returns:
        A tensor of ``x``'s shape and ``g``'s dtype: zeros with each entry of ``g`` added at the
        position of ``x`` it was read from (repeated positions accumulate).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.zeros(4)
    >>> ops.take_along_axis_grad(np.array([1.0, 2.0, 5.0]), x, np.array([1, 1, 3]), 0)
    array([0., 3., 0., 5.])
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('take_along_axis_grad', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(g, _Special) or isinstance(x, _Special) or isinstance(indices, _Special):
        return _slow(_REGISTRY['take_along_axis_grad'], (g, x, indices, axis,), {})
    return _STATE.kernels['take_along_axis_grad'](g, x, indices, axis)


def tan(x):
    """Tangent.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.tan(np.array([0.0, np.pi / 4])), 4)
    array([0., 1.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['tan'], (x,), {})
    return _STATE.kernels['tan'](x)


def tanh(x):
    """Hyperbolic tangent.

    Arguments:
        x: input tensor.

    Returns:
        A float tensor of ``x``'s shape: float inputs keep their dtype, integer and bool
        inputs give ``floatx()``. Inputs outside the function's domain give NaN.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.tanh(np.array([-1.0, 0.0, 2.0])), 4)
    array([-0.7616,  0.    ,  0.964 ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['tanh'], (x,), {})
    return _STATE.kernels['tanh'](x)


def tanh_shrink(x):
    """``x - tanh(x)``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> np.round(ops.tanh_shrink(np.array([-1.0, 0.0, 2.0])), 4)
    array([-0.2384,  0.    ,  1.036 ])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['tanh_shrink'], (x,), {})
    return _STATE.kernels['tanh_shrink'](x)


def tensordot(x1, x2, axes=2):
    """Tensor contraction over ``axes`` (an int, or a pair of axis lists).

    Arguments:
        x1: the first tensor.
        x2: the second tensor.
        axes: an int ``n`` contracts the last ``n`` axes of ``x1`` with the first ``n`` of ``x2``;
            a pair ``(axes_1, axes_2)`` (ints or equal-length sequences) names the axes to contract
            pairwise.

    Returns:
        The free axes of ``x1`` followed by those of ``x2``, in the promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.tensordot(np.ones((2, 3)), np.ones((3, 4)), axes=1).shape
    (2, 4)
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['tensordot'], (x1, x2, axes,), {})
    return _STATE.kernels['tensordot'](x1, x2, axes)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``.

    Arguments:
        x: the input tensor; integer and bool inputs are computed in ``floatx()``.
        threshold: the value ``x`` must exceed to be kept (a Python number).
        default_value: the value that replaces every element at or below ``threshold``.

    Returns:
        A float tensor of ``x``'s shape.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.threshold(np.array([-1.0, 0.5, 2.0]), 1.0, 0.0)
    array([0., 0., 2.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['threshold'], (x, threshold, default_value,), {})
    return _STATE.kernels['threshold'](x, threshold, default_value)


def tile(x, repeats):
    """Repeats the whole array ``repeats`` times along each axis.

    Arguments:
        x: the input tensor.
        repeats: an int or a sequence of ints, the number of copies along each axis; a shorter
            sequence applies to the last axes, a longer one prepends length-1 axes to ``x``.

    Returns:
        The tiled tensor, of ``x``'s dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.tile(np.array([1, 2]), 2)
    array([1, 2, 1, 2])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['tile'], (x, repeats,), {})
    return _STATE.kernels['tile'](x, repeats)


def top_k(x, k, sorted=True):
    """``(values, indices)`` of the ``k`` largest entries along the last axis (first index wins
    ties), values in descending order.

    Arguments:
        x: the input tensor.
        k: how many entries to keep (at most the length of the last axis).
        sorted: accepted for Keras compatibility; every dlx backend returns the values sorted in
            descending order whatever its value.

    Returns:
        A pair ``(values, indices)``, each of shape ``x.shape[:-1] + (k,)``: the values in
        ``x``'s dtype and their int32 positions along the last axis.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> values, indices = ops.top_k(np.array([1.0, 5.0, 3.0, 4.0]), 2)
    >>> values, indices
    (array([5., 4.]), array([1, 3], dtype=int32))
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['top_k'], (x, k, sorted,), {})
    return _STATE.kernels['top_k'](x, k, sorted)


def trace(x, offset=0, axis1=0, axis2=1):
    """Sum of the ``offset`` diagonal of the planes ``axis1`` x ``axis2``. bool / int8 / int16
    sum in int32, uint8 / uint16 in uint32.

    Arguments:
        x: a tensor of rank >= 2.
        offset: the diagonal: 0 the main one, positive above it, negative below.
        axis1: the axis of the planes' rows.
        axis2: the axis of the planes' columns.

    Returns:
        ``x``'s other axes (a scalar for 2-D ``x``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.trace(np.array([[1, 2], [3, 4]]))
    array(5)
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['trace'], (x, offset, axis1, axis2,), {})
    return _STATE.kernels['trace'](x, offset, axis1, axis2)


def transpose(x, axes=None):
    """Permutes the axes (reverses them if ``axes`` is None).

    Arguments:
        x: the input tensor.
        axes: a permutation of ``range(x.ndim)``: axis ``i`` of the result is axis ``axes[i]``
            of ``x`` (``None``: the axes in reverse order).

    Returns:
        ``x`` with its axes permuted (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.transpose(np.array([[1, 2, 3], [4, 5, 6]]))
    array([[1, 4],
           [2, 5],
           [3, 6]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['transpose'], (x, axes,), {})
    return _STATE.kernels['transpose'](x, axes)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of ``y`` along ``axis`` by the trapezoidal rule, at sample points ``x`` (1-D
    along ``axis``, or ``y``'s shape) or a spacing ``dx``; integers give floatx.

    Arguments:
        y: the sampled values.
        x: the sample points (``None``: evenly spaced ``dx`` apart).
        dx: the spacing of the samples when ``x`` is ``None``.
        axis: the axis to integrate along.

    Returns:
        A tensor of ``y``'s shape without ``axis``, in ``y``'s float dtype (``floatx()`` for an
        integer or bool ``y``).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.trapezoid(np.array([1.0, 2.0, 3.0]))
    array(4.)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('trapezoid', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(y, _Special) or isinstance(x, _Special):
        return _slow(_REGISTRY['trapezoid'], (y, x, dx, axis,), {})
    return _STATE.kernels['trapezoid'](y, x, dx, axis)


def tri(N, M=None, k=0, dtype=None):
    """``(N, M)`` array with ones at and below the ``k``-th diagonal, zeros above (default dtype
    ``floatx()``).

    Arguments:
        N: the number of rows.
        M: the number of columns; ``None`` means ``N``.
        k: the diagonal the ones reach: 0 the main one, positive above it, negative below.
        dtype: the output dtype; ``None`` means ``floatx()``.

    Returns:
        An ``(N, M)`` tensor.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.tri(3)
    array([[1., 0., 0.],
           [1., 1., 0.],
           [1., 1., 1.]], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('tri', 'dtype', dtype)
    return _STATE.kernels['tri'](N, M, k, dtype)


def tril(x, k=0):
    """Lower triangle of the last two axes.

    Arguments:
        x: a tensor of rank at least 2.
        k: the diagonal above which elements are zeroed: 0 the main one, positive above it,
            negative below it.

    Returns:
        ``x`` with the elements above diagonal ``k`` of each matrix set to zero (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.tril(np.ones((3, 3)))
    array([[1., 0., 0.],
           [1., 1., 0.],
           [1., 1., 1.]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['tril'], (x, k,), {})
    return _STATE.kernels['tril'](x, k)


def triu(x, k=0):
    """Upper triangle of the last two axes.

    Arguments:
        x: a tensor of rank at least 2.
        k: the diagonal below which elements are zeroed: 0 the main one, positive above it,
            negative below it.

    Returns:
        ``x`` with the elements below diagonal ``k`` of each matrix set to zero (same dtype).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.triu(np.ones((3, 3)), k=1)
    array([[0., 1., 1.],
           [0., 0., 1.],
           [0., 0., 0.]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['triu'], (x, k,), {})
    return _STATE.kernels['triu'](x, k)


def true_divide(x1, x2):
    """True division (Keras's alias of ``divide``); integer inputs give floatx.

    Arguments:
        x1: dividend.
        x2: divisor, broadcast against ``x1``; dividing by zero gives inf or NaN.

    Returns:
        A tensor of the broadcast shape of ``x1`` and ``x2`` in their promoted dtype, or
        ``floatx()`` when that dtype is an integer or bool one.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.true_divide(np.array([1, 2, 3]), 2)
    array([0.5, 1. , 1.5], dtype=float32)
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['true_divide'], (x1, x2,), {})
    return _STATE.kernels['true_divide'](x1, x2)


def trunc(x):
    """Round toward zero, elementwise; integers and bools keep their dtype (as Keras).

    Arguments:
        x: input tensor.

    Returns:
        A tensor of ``x``'s shape and dtype (a copy for integer and bool inputs).

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.trunc(np.array([-1.7, 0.2, 1.7]))
    array([-1.,  0.,  1.])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['trunc'], (x,), {})
    return _STATE.kernels['trunc'](x)


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks of an ``(N, C, H, W)`` image (im2col): ``(N, C * kh * kw, L)``, each
    column one block in ``(channel, row, column)`` order (PyTorch's ``unfold``).

    Arguments:
        x: a channels-first batch ``(N, C, H, W)``.
        kernel_size: the block size, an int or ``(kh, kw)``.
        dilation: the spacing between the sampled pixels of a block, an int or a pair.
        padding: zeros added on both sides of each spatial axis, an int or a pair (a width, not a
            mode string).
        stride: the step between blocks, an int or a pair.

    Returns:
        ``(N, C * kh * kw, L)`` with ``L`` the number of block positions, rows first.

    Raises:
        ValueError: when ``x`` is not rank 4 or the block does not fit the padded image.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> ops.unfold(x, 2, stride=2)  # one column per 2 x 2 block
    array([[[ 0.,  2.,  8., 10.],
            [ 1.,  3.,  9., 11.],
            [ 4.,  6., 12., 14.],
            [ 5.,  7., 13., 15.]]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['unfold'], (x, kernel_size, dilation, padding, stride,), {})
    return _STATE.kernels['unfold'](x, kernel_size, dilation, padding, stride)


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None, fill_value=None):
    """The distinct entries of ``x`` (flattened, or distinct slices along ``axis``), ascending with
    ``sorted=True``, else in order of first occurrence. Extra outputs, in this order: the index of
    each one's first occurrence (``return_index``), the position of each entry of ``x`` in the
    result (``return_inverse``; ``x``'s shape without ``axis``), the number of occurrences
    (``return_counts``). ``size`` makes the length static: the result is cut or padded with
    ``fill_value`` (default: the smallest distinct value), the indices padded with the first one's,
    counts with 0. NaNs count as one value. Indices and counts are int32.

    Arguments:
        x: input tensor.
        sorted: ``True`` (default) for ascending results, ``False`` for the order of first
            occurrence.
        return_index: whether to also return the index (into the flattened ``x``, or along
            ``axis``) of each distinct value's first occurrence.
        return_inverse: whether to also return, for each entry (or slice) of ``x``, the
            position of its value in the result.
        return_counts: whether to also return how often each distinct value occurs.
        axis: the axis whose slices are compared (``None``: the entries of the flattened ``x``).
        size: a fixed length for the result (``None``: the number of distinct values, read from
            the data, so eager only).
        fill_value: the padding value when ``size`` exceeds the number of distinct values
            (``None``: the smallest distinct value).

    Returns:
        The distinct values (1-D, or ``x`` with ``axis`` shortened), in ``x``'s dtype; with any
        ``return_*`` flag, a tuple of it followed by the requested int32 tensors in the order
        index, inverse, counts.

    Raises:
        ValueError: when ``size`` is not a non-negative int, ``axis`` is invalid, or ``size`` is
            ``None`` inside a compiled function.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.unique(np.array([3, 1, 3, 2, 1]))
    array([1, 2, 3])
    >>> values, counts = ops.unique(np.array([3, 1, 3, 2, 1]), return_counts=True)
    >>> values
    array([1, 2, 3])
    >>> counts
    array([2, 1, 2], dtype=int32)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('unique', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['unique'], (x, sorted, return_index, return_inverse, return_counts, axis, size, fill_value,), {})
    return _STATE.kernels['unique'](x, sorted, return_index, return_inverse, return_counts, axis, size, fill_value)


def unravel_index(indices, shape):
    """Flat ``indices`` into ``shape`` as a tuple of coordinate arrays, one per dimension, in
    ``indices``'s integer dtype (int32 for Python ints).

    Arguments:
        indices: integer tensor (or Python int or list of ints) of flat indices into an array
            of ``shape``, each in ``[0, prod(shape))``.
        shape: the array shape, a tuple of known ints.

    Returns:
        A tuple of ``len(shape)`` tensors of ``indices``'s shape, the row-major coordinates.

    Raises:
        TypeError: when ``indices`` is a tensor of a non-integer dtype.
        ValueError: when ``shape`` holds ``None`` or an index is outside ``[0, prod(shape))``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.unravel_index(np.array([1, 5]), (2, 3))
    (array([0, 1]), array([1, 2]))
    """
    if isinstance(indices, _Special):
        return _slow(_REGISTRY['unravel_index'], (indices, shape,), {})
    return _STATE.kernels['unravel_index'](indices, shape)


def unstack(x, num=None, axis=0):
    """Splits ``x`` along ``axis`` into a list of its slices (that axis removed); ``num``, if
    given, must equal the axis length.

    Arguments:
        x: a tensor of rank at least 1.
        num: the expected length of ``axis`` (``None``: not checked).
        axis: the axis to unstack along.

    Returns:
        A list of ``x.shape[axis]`` tensors of ``x``'s dtype, each without ``axis``.

    Raises:
        ValueError: when ``x`` is a scalar, or ``num`` differs from the length of ``axis``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.unstack(np.array([[1, 2], [3, 4]]))
    [array([1, 2]), array([3, 4])]
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('unstack', 'axis', axis, x if hasattr(x, 'shape') else None)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['unstack'], (x, num, axis,), {})
    return _STATE.kernels['unstack'](x, num, axis)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-D ``x``: columns ``x**(N-1), ..., x, 1`` (reversed when
    ``increasing``); ``N`` defaults to ``len(x)``.

    Arguments:
        x: a 1-D tensor of length ``n``.
        N: the number of columns; ``None`` means ``n``.
        increasing: ``True`` orders the powers ``1, x, ..., x**(N-1)``.

    Returns:
        An ``(n, N)`` tensor of ``x``'s dtype.

    Raises:
        ValueError: when ``x`` is not 1-D.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.vander(np.array([1, 2, 3]), 3)
    array([[1, 1, 1],
           [4, 2, 1],
           [9, 3, 1]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['vander'], (x, N, increasing,), {})
    return _STATE.kernels['vander'](x, N, increasing)


def var(x, axis=None, keepdims=False):
    """Population variance (two-pass) over ``axis``.

    The mean of the squared deviations from the mean (divides by ``N``, not ``N - 1``).

    Arguments:
        x: input tensor.
        axis: an axis or tuple of axes to reduce (``None``: all axes).
        keepdims: whether the reduced axes stay, with length 1.

    Returns:
        A float tensor of ``x``'s shape without the reduced axes (with them as 1s under
        ``keepdims``): float inputs keep their dtype, integer and bool inputs give ``floatx()``.

    Raises:
        ValueError: when ``axis`` is not ``None``, an int or a tuple of distinct ints in range,
            or ``keepdims`` is not a bool.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.var(np.array([1.0, 2.0, 3.0, 4.0]))
    array(1.25)
    """
    if axis is not None and axis.__class__ is not int or axis.__class__ is int and not -len(getattr(x, 'shape', ())) <= axis < (len(getattr(x, 'shape', ())) or 1):
        _check_axis('var', 'axis', axis, x if hasattr(x, 'shape') else None)
    if keepdims is not False and keepdims is not True:
        _bad('var', 'keepdims', keepdims, 'True or False')
    if isinstance(x, _Special):
        return _slow(_REGISTRY['var'], (x, axis, keepdims,), {})
    return _STATE.kernels['var'](x, axis, keepdims)


def vdot(x1, x2):
    """The dot product of the flattened inputs (same size).

    Arguments:
        x1: the first tensor.
        x2: the second tensor, with as many elements as ``x1``.

    Returns:
        A scalar tensor in the promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.vdot(np.array([[1, 2], [3, 4]]), np.array([[1, 1], [1, 1]]))
    array(10)
    """
    if isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['vdot'], (x1, x2,), {})
    return _STATE.kernels['vdot'](x1, x2)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Turns ``pyfunc`` (written in ``dlx.ops``, on one element or one core block) into a
    function over broadcast tensors, as ``np.vectorize``.

    Arguments:
        pyfunc: the function to vectorize.
        excluded: positions (ints) and keyword names (strings) of arguments passed through
            unchanged instead of being vectorized over.
        signature: a generalized-ufunc signature such as ``"(m,n),(n)->(m)"``: each input's
            trailing core dimensions go to ``pyfunc`` whole; the leading ones are broadcast and
            looped over. ``None``: every input is looped over elementwise.

    Returns:
        A function taking ``pyfunc``'s arguments: it broadcasts the non-excluded ones against
        each other (their loop dimensions), calls ``pyfunc`` on each element or core block
        (through ``vectorized_map``) and returns the results with the loop dimensions in front.
        Calling it raises ``ValueError`` when core dimensions disagree or the loop shape is
        empty, and ``TypeError`` when ``signature`` names another number of inputs.

    Raises:
        TypeError: when ``pyfunc`` is not callable, or ``excluded`` holds something other
            than ints and strings.
        ValueError: when ``signature`` is not a generalized-ufunc signature.

    >>> import dlx
    >>> from dlx import ops
    >>> with dlx.backend.use("numpy"):
    ...     row_norm = ops.vectorize(lambda v: ops.sqrt(ops.sum(v * v)), signature="(n)->()")
    ...     row_norm(ops.convert_to_tensor([[3.0, 4.0], [5.0, 12.0]])).tolist()
    [5.0, 13.0]
    """
    return _STATE.kernels['vectorize'](pyfunc, excluded=excluded, signature=signature)


def vectorized_map(function, elements):
    """``function`` applied to each slice of ``elements`` (a pytree) along its leading axis,
    the results stacked; native kernels vectorize it (``jax.vmap``, ``torch.vmap``,
    ``tf.vectorized_map``), the reference loops.

    Arguments:
        function: a callable taking one slice of ``elements`` (in ``elements``'s structure).
        elements: a tensor or a pytree of tensors sharing their leading length.

    Returns:
        ``function``'s results for every slice, stacked on a new leading axis (in its output
        structure).

    Raises:
        TypeError: when ``function`` is not callable.
        ValueError: when ``elements`` holds no tensors.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.vectorized_map(lambda row: ops.sum(row), np.array([[1, 2], [3, 4]]))
    array([3, 7])
    """
    if isinstance(elements, _Special):
        return _slow(_REGISTRY['vectorized_map'], (function, elements,), {})
    return _STATE.kernels['vectorized_map'](function, elements)


def view(x, dtype=None):
    """The bits of ``x`` reinterpreted as ``dtype`` (no conversion): the last axis is rescaled by
    the ratio of the item sizes (a float32 ``(4, 6)`` tensor viewed as uint8 is ``(4, 24)``);
    ``dtype=None`` returns ``x``'s values unchanged. The bytes are read in the machine's order
    (little-endian on every supported platform).

    Arguments:
        x: input tensor.
        dtype: the dtype to reinterpret the bits as, a name such as ``"uint8"`` (``None``:
            ``x``'s own dtype, a plain copy).

    Returns:
        A tensor of dtype ``dtype`` holding ``x``'s bytes: ``x``'s shape with the last axis
        scaled by ``x``'s item size over ``dtype``'s (unchanged when the sizes are equal).

    Raises:
        ValueError: when the item sizes differ and ``x`` is 0-d or its last axis does not hold a
            whole number of ``dtype`` items, or ``dtype`` names no dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.view(np.array([1.0], dtype='float32'), 'int32')
    array([1065353216], dtype=int32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('view', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['view'], (x, dtype,), {})
    return _STATE.kernels['view'](x, dtype)


def view_as_complex(x):
    """The complex tensor whose real and imaginary parts are ``x[..., 0]`` and ``x[..., 1]``
    (the last axis must have size 2). As Keras's, the result is complex64 for every input dtype
    (float64 parts are rounded to float32). Needs a backend with complex dtypes.

    Arguments:
        x: a real tensor whose last axis has size 2 (the real and imaginary parts).

    Returns:
        A complex64 tensor of shape ``x.shape[:-1]``.

    Raises:
        ValueError: when ``x`` is 0-d or its last axis does not have size 2.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.view_as_complex(np.array([[1.0, 2.0], [3.0, -1.0]]))
    array([1.+2.j, 3.-1.j], dtype=complex64)
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['view_as_complex'], (x,), {})
    return _STATE.kernels['view_as_complex'](x)


def view_as_real(x):
    """The ``(..., 2)`` float tensor of ``x``'s real and imaginary parts (complex64 -> float32,
    complex128 -> float64). A real float tensor gets zero imaginary parts in its own dtype; ints
    and bools give ``floatx()``.

    Arguments:
        x: a complex tensor (or a real one, read as having zero imaginary parts).

    Returns:
        A float tensor of shape ``(*x.shape, 2)``: ``[..., 0]`` holds the real parts and
        ``[..., 1]`` the imaginary ones.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.view_as_real(np.array([1 + 2j, 3 - 1j]))
    array([[ 1.,  2.],
           [ 3., -1.]])
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['view_as_real'], (x,), {})
    return _STATE.kernels['view_as_real'](x)


def vsplit(x, indices_or_sections):
    """Splits along axis 0 (``x`` at least 2-D) into equal sections or at indices.

    Arguments:
        x: a tensor of rank at least 2.
        indices_or_sections: an int ``n`` (``n`` equal sections; the axis length must be a multiple
            of ``n``) or a sorted list of indices along the axis to cut before.

    Returns:
        A list of tensors of ``x``'s dtype.

    Raises:
        ValueError: when ``x`` has fewer than 2 dimensions.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.vsplit(np.arange(6).reshape(3, 2), 3)
    [array([[0, 1]]), array([[2, 3]]), array([[4, 5]])]
    """
    if isinstance(x, _Special):
        return _slow(_REGISTRY['vsplit'], (x, indices_or_sections,), {})
    return _STATE.kernels['vsplit'](x, indices_or_sections)


def vstack(xs):
    """Joins tensors vertically: along axis 0, 1-D inputs as rows.

    Arguments:
        xs: a list or tuple of tensors; once lower-rank inputs are raised in rank as described
            above, their shapes must agree except along the joined axis.

    Returns:
        One tensor, the inputs one after the other, in their promoted dtype.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.vstack([np.array([1, 2]), np.array([3, 4])])
    array([[1, 2],
           [3, 4]])
    """
    if _any_special(xs):
        return _slow(_REGISTRY['vstack'], (xs,), {})
    return _STATE.kernels['vstack'](xs)


def weight_decay_update(variable, rate):
    """Decoupled weight decay: ``variable - variable * rate`` (``rate``: weight decay times
    learning rate, a scalar tensor).

    Arguments:
        variable: the weight's current value (nothing is assigned).
        rate: ``weight_decay * learning_rate``, a scalar tensor.

    Returns:
        The decayed value, in the promoted dtype of the arguments.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.weight_decay_update(np.array([1.0, 2.0]), np.array(0.1))  # variable * (1 - rate)
    array([0.9, 1.8])
    """
    if isinstance(variable, _Special) or isinstance(rate, _Special):
        return _slow(_REGISTRY['weight_decay_update'], (variable, rate,), {})
    return _STATE.kernels['weight_decay_update'](variable, rate)


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2``. With neither ``x1`` nor ``x2``: the indices
    of ``condition``'s nonzero entries, a tuple of int32 arrays, one per axis (its length depends
    on the data: eager only).

    Arguments:
        condition: tensor read as truth values (nonzero is true).
        x1: values taken where ``condition`` is true, broadcast against the others
            (``None`` together with ``x2``: the indices form).
        x2: values taken where ``condition`` is false, broadcast against the others
            (``None`` together with ``x1``: the indices form).

    Returns:
        A tensor of the broadcast shape of the three arguments in the promoted dtype of ``x1``
        and ``x2``; in the indices form, a tuple of ``condition.ndim`` int32 tensors.

    Raises:
        ValueError: when only one of ``x1`` and ``x2`` is given.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.where(np.array([True, False, True]), np.array([1, 2, 3]), np.array([10, 20, 30]))
    array([ 1, 20,  3])
    >>> ops.where(np.array([0, 3, 0, 5]))
    (array([1, 3], dtype=int32),)
    """
    if isinstance(condition, _Special) or isinstance(x1, _Special) or isinstance(x2, _Special):
        return _slow(_REGISTRY['where'], (condition, x1, x2,), {})
    return _STATE.kernels['where'](condition, x1, x2)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Runs ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` (and fewer than
    ``maximum_iterations`` iterations ran). A tuple or list of loop variables is unpacked into
    ``cond`` and ``body`` and returned as a tuple; a single tensor is passed and returned as is.
    Reverse-mode differentiable on backends whose loops are (not ``lax.while_loop``).

    Arguments:
        cond: a callable taking the loop variables and returning a scalar boolean.
        body: a callable taking the loop variables and returning their new values, in the same
            structure.
        loop_vars: the initial loop variables: a tensor, or a tuple or list of them.
        maximum_iterations: the most iterations to run, an int >= 0 (``None``: no limit).

    Returns:
        The final loop variables (a tuple when ``loop_vars`` is a tuple or list).

    Raises:
        TypeError: when ``cond`` or ``body`` is not callable, or the condition has no concrete
            value on a backend that runs the loop in Python.
        ValueError: when ``maximum_iterations`` is negative or a bool.

    Example:

    >>> from dlx import ops
    >>> ops.while_loop(lambda i, total: i < 4, lambda i, total: (i + 1, total + i), (0, 0))
    (4, 6)
    """
    if isinstance(loop_vars, _Special):
        return _slow(_REGISTRY['while_loop'], (cond, body, loop_vars, maximum_iterations,), {})
    return _STATE.kernels['while_loop'](cond, body, loop_vars, maximum_iterations)


def zeros(shape, dtype=None):
    """An array of zeros (``dtype`` defaults to floatx).

    Arguments:
        shape: an int or a tuple of ints.
        dtype: the result's dtype (``None``: ``floatx()``).

    Returns:
        A tensor of zeros of ``shape``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.zeros((2, 3))
    array([[0., 0., 0.],
           [0., 0., 0.]], dtype=float32)
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('zeros', 'dtype', dtype)
    return _STATE.kernels['zeros'](shape, dtype)


def zeros_like(x, dtype=None):
    """An array of 0s with the shape (and by default the dtype) of ``x``.

    Arguments:
        x: the tensor whose shape (and dtype) the result takes.
        dtype: the result's dtype (``None``: ``x``'s dtype).

    Returns:
        A new tensor of ``x``'s shape filled with 0s.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.zeros_like(np.array([[1.5, 2.0]]))
    array([[0., 0.]])
    """
    if dtype is not None:
        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES else _check_dtype('zeros_like', 'dtype', dtype)
    if isinstance(x, _Special):
        return _slow(_REGISTRY['zeros_like'], (x, dtype,), {})
    return _STATE.kernels['zeros_like'](x, dtype)


__all__ = [
    'abs',
    'absolute',
    'adadelta_update',
    'adagrad_update',
    'adam_update',
    'adamax_update',
    'adamw_update',
    'adaptive_average_pool',
    'adaptive_max_pool',
    'add',
    'affine_transform',
    'all',
    'allclose',
    'amax',
    'amin',
    'amsgrad_update',
    'angle',
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
    'argpartition',
    'argsort',
    'array_split',
    'associative_scan',
    'average',
    'average_pool',
    'bartlett',
    'batch_normalization',
    'binary_crossentropy',
    'bincount',
    'bitcast_uint32_to_float32',
    'bitwise_and',
    'bitwise_invert',
    'bitwise_left_shift',
    'bitwise_not',
    'bitwise_or',
    'bitwise_right_shift',
    'bitwise_xor',
    'blackman',
    'broadcast_to',
    'cast',
    'categorical_crossentropy',
    'cbrt',
    'cdist',
    'ceil',
    'celu',
    'cholesky',
    'cholesky_inverse',
    'clip',
    'column_stack',
    'concatenate',
    'cond',
    'conj',
    'conjugate',
    'conv',
    'conv_bias',
    'conv_transpose',
    'copy',
    'corrcoef',
    'correlate',
    'cos',
    'cosh',
    'count_nonzero',
    'crop_images',
    'cross',
    'ctc_decode',
    'ctc_loss',
    'cumprod',
    'cumsum',
    'custom_gradient',
    'deg2rad',
    'dense',
    'depth_to_space',
    'depthwise_conv',
    'det',
    'diag',
    'diagflat',
    'diagonal',
    'diff',
    'digitize',
    'divide',
    'divide_no_nan',
    'dot',
    'dot_product_attention',
    'dsplit',
    'dstack',
    'eig',
    'eigh',
    'einsum',
    'elastic_transform',
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
    'extract_patches',
    'extract_patches_3d',
    'extract_sequences',
    'eye',
    'fabs',
    'fft',
    'fft2',
    'flip',
    'fliplr',
    'flipud',
    'floor',
    'floor_divide',
    'fmax',
    'fmin',
    'fmod',
    'fold',
    'fori_loop',
    'full',
    'full_like',
    'gather_nd',
    'gaussian_blur',
    'gcd',
    'gelu',
    'geomspace',
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
    'heaviside',
    'histogram',
    'hsplit',
    'hstack',
    'hsv_to_rgb',
    'hypot',
    'i0',
    'identity',
    'ifft2',
    'imag',
    'in_top_k',
    'inner',
    'inv',
    'irfft',
    'isclose',
    'isfinite',
    'isin',
    'isinf',
    'isnan',
    'isneginf',
    'isposinf',
    'isreal',
    'istft',
    'kaiser',
    'kron',
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
    'logdet',
    'logical_and',
    'logical_not',
    'logical_or',
    'logical_xor',
    'logspace',
    'logsumexp',
    'lstsq',
    'lu_factor',
    'map',
    'map_coordinates',
    'matmul',
    'matrix_power',
    'matrix_rank',
    'max',
    'max_pool',
    'maximum',
    'mean',
    'median',
    'meshgrid',
    'min',
    'minimum',
    'mish',
    'mod',
    'moments',
    'moveaxis',
    'multi_hot',
    'multiply',
    'nadam_update',
    'nan_to_num',
    'nanargmax',
    'nanargmin',
    'nancumprod',
    'nancumsum',
    'nanmax',
    'nanmean',
    'nanmedian',
    'nanmin',
    'nanpercentile',
    'nanprod',
    'nanquantile',
    'nanstd',
    'nansum',
    'nanvar',
    'negative',
    'nextafter',
    'nonzero',
    'norm',
    'normalize',
    'not_equal',
    'one_hot',
    'ones',
    'ones_like',
    'outer',
    'pad',
    'pad_images',
    'percentile',
    'perspective_transform',
    'pinv',
    'polar',
    'power',
    'prod',
    'psnr',
    'ptp',
    'qr',
    'quantile',
    'rad2deg',
    'random_beta',
    'random_binomial',
    'random_bits',
    'random_categorical',
    'random_dropout',
    'random_gamma',
    'random_normal',
    'random_randint',
    'random_shuffle',
    'random_truncated_normal',
    'random_uniform',
    'ravel',
    'real',
    'rearrange',
    'reciprocal',
    'reconstruct_patches',
    'relu',
    'relu6',
    'repeat',
    'reshape',
    'resize',
    'rfft',
    'rgb_to_grayscale',
    'rgb_to_hsv',
    'right_shift',
    'rms_normalization',
    'rmsprop_centered_update',
    'rmsprop_update',
    'roll',
    'rot90',
    'round',
    'rsqrt',
    'saturate_cast',
    'scale_and_translate',
    'scan',
    'scatter',
    'scatter_add',
    'scatter_update',
    'searchsorted',
    'segment_max',
    'segment_min',
    'segment_prod',
    'segment_sum',
    'select',
    'selu',
    'separable_conv',
    'sgd_momentum_update',
    'sgd_update',
    'sigmoid',
    'sign',
    'signbit',
    'silu',
    'sin',
    'sinc',
    'sinh',
    'slice',
    'slice_update',
    'slogdet',
    'sobel_edges',
    'soft_shrink',
    'softmax',
    'softplus',
    'softsign',
    'solve',
    'solve_triangular',
    'sort',
    'space_to_depth',
    'sparse_categorical_crossentropy',
    'sparse_plus',
    'sparse_sigmoid',
    'sparsemax',
    'split',
    'sqrt',
    'square',
    'squareplus',
    'squeeze',
    'ssim',
    'stack',
    'std',
    'stft',
    'stop_gradient',
    'subtract',
    'sum',
    'svd',
    'swapaxes',
    'swish',
    'switch',
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
    'trace',
    'transpose',
    'trapezoid',
    'tri',
    'tril',
    'triu',
    'true_divide',
    'trunc',
    'unfold',
    'unique',
    'unravel_index',
    'unstack',
    'vander',
    'var',
    'vdot',
    'vectorize',
    'vectorized_map',
    'view',
    'view_as_complex',
    'view_as_real',
    'vsplit',
    'vstack',
    'weight_decay_update',
    'where',
    'while_loop',
    'zeros',
    'zeros_like',
]
