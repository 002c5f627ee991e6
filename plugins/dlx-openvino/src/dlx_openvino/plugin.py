"""The dlx plugin hook of the OpenVINO backend (imports no framework)."""

from __future__ import annotations

from dlx.plugins import BackendRecord, ExporterRecord, hookimpl


@hookimpl
def dlx_backends() -> list[BackendRecord]:
    """Advertises the ``openvino`` backend; its module is imported only when selected."""
    return [BackendRecord(
        name="openvino", target="dlx_openvino.backend:OpenVINOBackend", aliases=("ov",),
        requires=("openvino",), priority=0, auto_select=False, distribution="dlx-openvino",
        description="OpenVINO inference backend (graph kernels, whole-function compile; no training)")]


@hookimpl
def dlx_exporters() -> list[ExporterRecord]:
    """``model.export(path, format="openvino")``; the exporter module is imported on first use."""
    return [ExporterRecord(format="openvino", target="dlx_openvino.export:export_openvino", requires=("openvino",),
                           distribution="dlx-openvino",
                           description="OpenVINO IR (.xml + .bin) of the model's inference pass")]
