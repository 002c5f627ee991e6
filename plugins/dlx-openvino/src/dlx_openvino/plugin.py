"""The dlx plugin hook of the OpenVINO backend (imports no framework)."""

from __future__ import annotations

from dlx.plugins import BackendRecord, hookimpl


@hookimpl
def dlx_backends() -> list[BackendRecord]:
    """Advertises the ``openvino`` backend; its module is imported only when selected."""
    return [BackendRecord(
        name="openvino", target="dlx_openvino.backend:OpenVINOBackend", aliases=("ov",),
        requires=("openvino",), priority=0, auto_select=False, distribution="dlx-openvino",
        description="OpenVINO inference backend (graph kernels, whole-function compile; no training)")]
