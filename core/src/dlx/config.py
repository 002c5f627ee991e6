"""Global settings (``keras.config``): the backend, the default float dtype and dtype policy,
epsilon, the image data format, interactive logging, caps on training length for quick runs, and
unsafe deserialization.
"""

from __future__ import annotations

import os

from dlx import dtypes as _dtypes
from dlx import serialization as _serialization

_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_INTERACTIVE_LOGGING = True
_FLASH_ATTENTION = None


def _env_cap(var):
    raw = os.environ.get(var)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"environment variable {var}={raw!r}: expected a positive integer") from None
    if value < 1:
        raise ValueError(f"environment variable {var}={raw!r}: expected a positive integer")
    return value


# Keras reads the same variables, so a program capped for a quick check is capped on dlx too
_MAX_EPOCHS = _env_cap("KERAS_MAX_EPOCHS")
_MAX_STEPS_PER_EPOCH = _env_cap("KERAS_MAX_STEPS_PER_EPOCH")


def set_backend(backend: str | None) -> None:
    """Selects the default backend for this process (``None``: back to automatic selection).

    Unlike Keras, nothing is re-imported: objects built on another backend keep working, and
    ``dlx.backend.use(name)`` still scopes a different one.

    Arguments:
        backend: a registered backend name (``"numpy"``, ``"jax"``, ``"torch"``,
            ``"tensorflow"``, ``"openvino"`` or a plugin's name), or ``None``.

    Raises:
        dlx.backend.BackendError: when no backend of that name is installed, or it cannot be
            imported or fails the backend contract (the message says why).
    """
    from dlx.backend import registry

    registry.set_default(backend)


def backend() -> str:
    """The active backend's name (selects the default if none is active yet)."""
    from dlx.backend import registry

    return registry.current().name


def floatx() -> str:
    """The default float dtype (``"float32"``)."""
    return _dtypes.floatx()


def set_floatx(value: str) -> None:
    """Sets the default float dtype used for Python floats and new weights.

    Arguments:
        value: ``"float16"``, ``"bfloat16"``, ``"float32"`` or ``"float64"``.

    Raises:
        ValueError: for a dtype that is not a float dtype.
    """
    _dtypes.set_floatx(value)


def epsilon() -> float:
    """The fuzz factor added to denominators (``1e-7``)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Sets the fuzz factor :func:`epsilon` returns.

    Arguments:
        value: the new epsilon (converted to float).
    """
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """``"channels_last"`` (default) or ``"channels_first"``."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Sets the default layout of image layers (what :func:`image_data_format` returns).

    Arguments:
        data_format: ``"channels_last"`` (``(batch, height, width, channels)``) or ``"channels_first"``.

    Raises:
        ValueError: for another value.
    """
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"set_image_data_format: data_format={data_format!r}; expected 'channels_last' or "
                         "'channels_first'")
    _IMAGE_DATA_FORMAT = data_format


def dtype_policy():
    """The global :class:`~dlx.dtype_policies.DTypePolicy` (new layers' default)."""
    from dlx import dtype_policies

    return dtype_policies.dtype_policy()


def set_dtype_policy(policy) -> None:
    """Sets the global dtype policy: a policy or its name (``"mixed_float16"``, ``"float32"``...).

    Arguments:
        policy: a :class:`~dlx.dtype_policies.DTypePolicy`, a policy name, or ``None`` (back to
            ``floatx()``).

    Raises:
        ValueError: for a name that is not a dtype or a policy.
    """
    from dlx import dtype_policies

    dtype_policies.set_dtype_policy(policy)


def enable_unsafe_deserialization() -> None:
    """Allows loading ``lambda`` functions (Python bytecode) from model files, for this process."""
    _serialization.enable_unsafe_deserialization()


def enable_interactive_logging() -> None:
    """Progress bars and training logs go to ``sys.stdout`` (the default).

    Example:

    >>> from dlx import utils
    >>> utils.enable_interactive_logging()
    >>> utils.is_interactive_logging_enabled()
    True
    """
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = True


def disable_interactive_logging() -> None:
    """Progress bars and training logs go to the ``logging`` logger ``"dlx"`` (level INFO) instead of
    ``sys.stdout``: one record per finished bar, nothing redrawn in place.

    Example:

    >>> from dlx import utils
    >>> utils.disable_interactive_logging()  # progress goes to the logging module instead
    >>> utils.is_interactive_logging_enabled()
    False
    >>> utils.enable_interactive_logging()
    """
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = False


def is_interactive_logging_enabled() -> bool:
    """Whether progress bars and summaries print to stdout (``True``) or go to the ``logging`` module.

    See :func:`enable_interactive_logging` and :func:`disable_interactive_logging`.

    Example:

    >>> from dlx import utils
    >>> utils.disable_interactive_logging()
    >>> utils.is_interactive_logging_enabled()
    False
    >>> utils.enable_interactive_logging()
    >>> utils.is_interactive_logging_enabled()
    True
    """
    return _INTERACTIVE_LOGGING


def enable_flash_attention() -> None:
    """Asks attention to use a flash-attention kernel where the backend offers one for the inputs.

    As in Keras this is a preference: where no such kernel applies, attention is computed the
    standard way (the same values)."""
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = True


def disable_flash_attention() -> None:
    """Attention never uses a flash-attention kernel."""
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = False


def is_flash_attention_enabled():
    """``True`` / ``False`` as last set, ``None`` when never set (the backend decides)."""
    return _FLASH_ATTENTION


def is_nnx_enabled() -> bool:
    """Whether models are Flax NNX modules on JAX: never in dlx (a model's state is a plain pytree
    for ``jax.jit`` / ``jax.grad`` through ``stateless_call``)."""
    return False


def max_epochs():
    """The cap on ``fit``'s ``epochs`` (``None``: no cap). Also set by ``KERAS_MAX_EPOCHS``."""
    return _MAX_EPOCHS


def set_max_epochs(max_epochs) -> None:
    """Caps every ``fit`` at ``max_epochs`` epochs (``None`` removes the cap): quick runs of
    programs written for long training.

    Arguments:
        max_epochs: a positive int, or ``None``.

    Raises:
        ValueError: for anything else (a bool included).
    """
    global _MAX_EPOCHS
    _MAX_EPOCHS = _cap("set_max_epochs", "max_epochs", max_epochs)


def max_steps_per_epoch():
    """The cap on steps per epoch in fit / evaluate / predict (``None``: no cap). Also set by
    ``KERAS_MAX_STEPS_PER_EPOCH``."""
    return _MAX_STEPS_PER_EPOCH


def set_max_steps_per_epoch(max_steps_per_epoch) -> None:
    """Caps every epoch of fit / evaluate / predict at ``max_steps_per_epoch`` batches (``None``
    removes the cap).

    Arguments:
        max_steps_per_epoch: a positive int, or ``None``.

    Raises:
        ValueError: for anything else (a bool included).
    """
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = _cap("set_max_steps_per_epoch", "max_steps_per_epoch", max_steps_per_epoch)


def _cap(fn, arg, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{fn}: {arg}={value!r}; expected a positive int or None")
    return value


__all__ = ["backend", "disable_flash_attention", "disable_interactive_logging", "dtype_policy",
           "enable_flash_attention", "enable_interactive_logging", "enable_unsafe_deserialization", "epsilon",
           "floatx", "image_data_format", "is_flash_attention_enabled", "is_interactive_logging_enabled",
           "is_nnx_enabled", "max_epochs", "max_steps_per_epoch", "set_backend", "set_dtype_policy",
           "set_epsilon", "set_floatx", "set_image_data_format", "set_max_epochs", "set_max_steps_per_epoch"]
