"""The dlx plugin hook of dlx-tf (entry point group ``dlx``). Imports no framework."""

from __future__ import annotations

from dlx.plugins import BackendRecord, ExporterRecord, hookimpl


@hookimpl
def dlx_backends() -> list[BackendRecord]:
    """Advertises the ``tf`` backend (alias ``tensorflow``), loaded lazily from
    ``dlx_tf.backend:TensorFlowBackend``."""
    return [BackendRecord(
        name="tf", target="dlx_tf.backend:TensorFlowBackend", aliases=("tensorflow",),
        requires=("tensorflow",), priority=10, distribution="dlx-tf",
        description="TensorFlow 2.21 (eager tf.Tensor, tf.function / XLA, tf.GradientTape)")]


@hookimpl
def dlx_exporters() -> list[ExporterRecord]:
    """``model.export(path, format="tf_saved_model" | "onnx" | "litert")``; the exporter module is imported on
    first use."""
    return [ExporterRecord(format="tf_saved_model", target="dlx_tf.export:export_saved_model", requires=("tensorflow",),
                           distribution="dlx-tf", description="TensorFlow SavedModel with a serving_default signature"),
            ExporterRecord(format="onnx", target="dlx_tf.export:export_onnx",
                           requires=("tensorflow", "tf2onnx", "onnx"),
                           distribution="dlx-tf", description="ONNX model converted from the tf.function by tf2onnx"),
            ExporterRecord(format="litert", target="dlx_tf.export:export_litert", requires=("tensorflow",),
                           distribution="dlx-tf", description="LiteRT (.tflite) flatbuffer from TF's LiteRT converter")]
