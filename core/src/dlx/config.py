"""Global settings: the backend, the default float dtype, epsilon, image data format."""

from __future__ import annotations

from dlx.dtypes import floatx, set_floatx

_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


def set_backend(name: str | None) -> None:
    """Selects the default backend for this process (``None``: back to automatic selection).

    Unlike Keras, nothing is re-imported: objects built on another backend keep working, and
    ``dlx.backend.use(name)`` still scopes a different one.
    """
    from dlx.backend import registry

    registry.set_default(name)


def backend() -> str:
    """The active backend's name (selects the default if none is active yet)."""
    from dlx.backend import registry

    return registry.current().name


def epsilon() -> float:
    return _EPSILON


def set_epsilon(value: float) -> None:
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    return _IMAGE_DATA_FORMAT


def set_image_data_format(value: str) -> None:
    global _IMAGE_DATA_FORMAT
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"set_image_data_format: value={value!r}; expected 'channels_last' or 'channels_first'")
    _IMAGE_DATA_FORMAT = value


__all__ = ["backend", "epsilon", "floatx", "image_data_format", "set_backend", "set_epsilon",
           "set_floatx", "set_image_data_format"]
