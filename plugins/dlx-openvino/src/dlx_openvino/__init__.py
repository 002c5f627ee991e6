"""dlx-openvino: the OpenVINO inference backend for dlx.

Importing this package imports no framework; :mod:`dlx_openvino.backend` (loaded when the
``openvino`` backend is selected) does.
"""

from __future__ import annotations

__version__ = "0.1.0"


def set_performance_mode(enabled: bool) -> None:
    """Opt in (``True``) to OpenVINO's fast defaults (bf16 inference on CPUs that have it,
    PERFORMANCE execution mode) or back (``False``) to the accurate PARITY.md configuration.
    Clears the compiled-model caches. See the README for the measured error."""
    from dlx_openvino import backend

    backend.set_performance_mode(enabled)


def performance_mode() -> bool:
    """Whether the fast (less accurate) configuration is on."""
    from dlx_openvino import backend

    return backend.performance_mode()


__all__ = ["performance_mode", "set_performance_mode"]
