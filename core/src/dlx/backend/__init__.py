"""Backends: the contract, discovery and selection.

>>> import dlx
>>> with dlx.backend.use("numpy") as b:
...     b.name
'numpy'
"""

from dlx.backend.contract import (
    Backend,
    BackendError,
    Capabilities,
    build_op_table,
    kernel_modules,
    merge_kernel_tables,
)
from dlx.backend.registry import current, get, records, use


def name() -> str:
    """The name of the backend ops dispatch to in this thread.

    Example:

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     dlx.backend.name()
    'numpy'
    """
    return current().name


# ---- keras.backend: the global settings and dtype helpers Keras keeps here ----------------------
def backend() -> str:
    """The active backend's name (``keras.backend.backend()``).

    Example:

    >>> import dlx
    >>> with dlx.backend.use("numpy"):
    ...     dlx.backend.backend()
    'numpy'
    """
    return current().name


def clear_session(free_memory: bool = True) -> None:
    """See :func:`dlx.utils.clear_session`.

    Arguments:
        free_memory: also drop cached call signatures and compilation caches, collect garbage
            and empty the CUDA allocator's cache (``False``: only reset the automatic layer
            names).

    Example:

    >>> from dlx import backend
    >>> backend.clear_session()
    >>> backend.get_uid("block"), backend.get_uid("block")
    (1, 2)
    >>> backend.clear_session()  # the counters start again
    >>> backend.get_uid("block")
    1
    """
    from dlx.utils import clear_session as _clear

    _clear(free_memory=free_memory)


def get_uid(prefix: str = "") -> int:
    """See :func:`dlx.utils.naming.get_uid`.

    Arguments:
        prefix: the counter's key; the automatic layer names share these counters.

    Returns:
        The count for ``prefix`` including this call: 1 the first time, then 2, 3...

    Example:

    >>> from dlx import backend
    >>> backend.clear_session()
    >>> backend.get_uid("block"), backend.get_uid("block"), backend.get_uid("other")
    (1, 2, 1)
    """
    from dlx.utils.naming import get_uid as _get_uid

    return _get_uid(prefix)


def is_keras_tensor(x) -> bool:
    """Whether ``x`` is a symbolic tensor (from ``dlx.Input`` or a layer called on one).

    Arguments:
        x: any object.

    Returns:
        ``True`` for a symbolic tensor, ``False`` otherwise.

    Example:

    >>> import numpy as np
    >>> import dlx
    >>> dlx.backend.is_keras_tensor(dlx.Input((3,))), dlx.backend.is_keras_tensor(np.ones(3))
    (True, False)
    """
    from dlx.utils.tensor_utils import is_keras_tensor as _is

    return _is(x)


def is_float_dtype(dtype) -> bool:
    """Whether ``dtype`` (a name, a NumPy dtype or a framework dtype) is a floating-point dtype.

    Arguments:
        dtype: the dtype to test.

    Returns:
        ``True`` for ``float16``, ``bfloat16``, ``float32`` and ``float64``.

    Raises:
        ValueError: for a value that names no dtype dlx knows.

    >>> from dlx import backend
    >>> backend.is_float_dtype("bfloat16"), backend.is_float_dtype("int8")
    (True, False)
    """
    from dlx import dtypes

    return dtypes.is_float(dtypes.standardize(dtype))


def is_int_dtype(dtype) -> bool:
    """Whether ``dtype`` (a name, a NumPy dtype or a framework dtype) is an integer dtype (signed or not).

    Arguments:
        dtype: the dtype to test.

    Returns:
        ``True`` for the ``int*`` and ``uint*`` dtypes.

    Raises:
        ValueError: for a value that names no dtype dlx knows.

    >>> from dlx import backend
    >>> backend.is_int_dtype("uint8"), backend.is_int_dtype("float16")
    (True, False)
    """
    from dlx import dtypes

    return dtypes.is_int(dtypes.standardize(dtype))


def result_type(*dtypes) -> str:
    """The dtype that combining values of ``dtypes`` gives (dlx's promotion rules, as Keras's).

    Example:

    >>> from dlx import backend
    >>> backend.result_type("int32", "float32"), backend.result_type("int8", "uint8")
    ('float32', 'int16')
    """
    from dlx import dtypes as _dtypes

    return _dtypes.result_type(*dtypes)


def standardize_dtype(dtype) -> str:
    """The canonical dtype name of ``dtype`` (a name, a Python type, a NumPy or framework dtype).

    >>> from dlx import backend
    >>> import numpy as np
    >>> backend.standardize_dtype(np.float32), backend.standardize_dtype(int)
    ('float32', 'int64')

    Arguments:
        dtype: the dtype to name.

    Returns:
        dlx's name for it, e.g. ``"float32"``.

    Raises:
        ValueError: for a value that names no dtype dlx knows.
    """
    from dlx import dtypes

    return dtypes.standardize(dtype)


def floatx() -> str:
    """The default float dtype name (``dlx.config.floatx()``; default ``"float32"``).

    Example:

    >>> from dlx import backend
    >>> backend.floatx()
    'float32'
    """
    from dlx import config

    return config.floatx()


def set_floatx(value) -> None:
    """Sets the default float dtype (``dlx.config.set_floatx``).

    Arguments:
        value: a float dtype name (``"float32"``, ``"float16"``, ``"bfloat16"``, ``"float64"``...).

    Raises:
        ValueError: for another value.

    Example:

    >>> from dlx import backend
    >>> backend.set_floatx("float16")
    >>> backend.floatx()
    'float16'
    >>> backend.set_floatx("float32")
    """
    from dlx import config

    config.set_floatx(value)


def epsilon() -> float:
    """The fuzz factor added to denominators (``dlx.config.epsilon()``; default ``1e-7``).

    Example:

    >>> from dlx import backend
    >>> backend.epsilon()
    1e-07
    """
    from dlx import config

    return config.epsilon()


def set_epsilon(value) -> None:
    """Sets the fuzz factor :func:`epsilon` returns (``dlx.config.set_epsilon``).

    Arguments:
        value: the new epsilon, a float.

    Example:

    >>> from dlx import backend
    >>> backend.set_epsilon(1e-4)
    >>> backend.epsilon()
    0.0001
    >>> backend.set_epsilon(1e-7)
    """
    from dlx import config

    config.set_epsilon(value)


def image_data_format() -> str:
    """``"channels_last"`` or ``"channels_first"``: the default layout of image layers (``dlx.config``).

    Example:

    >>> from dlx import backend
    >>> backend.image_data_format()
    'channels_last'
    """
    from dlx import config

    return config.image_data_format()


def set_image_data_format(data_format) -> None:
    """Sets the default layout of image layers (``dlx.config.set_image_data_format``).

    Arguments:
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Raises:
        ValueError: for another value.

    Example:

    >>> from dlx import backend
    >>> backend.set_image_data_format("channels_first")
    >>> backend.image_data_format()
    'channels_first'
    >>> backend.set_image_data_format("channels_last")
    """
    from dlx import config

    config.set_image_data_format(data_format)


__all__ = ["Backend", "BackendError", "Capabilities", "backend", "build_op_table", "clear_session", "current",
           "epsilon", "floatx", "get", "get_uid", "image_data_format", "is_float_dtype", "is_int_dtype",
           "is_keras_tensor", "kernel_modules", "merge_kernel_tables", "name", "records", "result_type", "set_epsilon",
           "set_floatx", "set_image_data_format", "standardize_dtype", "use"]
