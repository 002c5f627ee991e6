"""``model.export(path, format=...)`` through the ``dlx_exporters`` plugin hook: each export is
loaded by the plain framework in a subprocess that never imports dlx, and its outputs match the
dlx model's predictions."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import dlx
from dlx.saving import export as dlx_export

from .conftest import keras_side, outputs

ks = keras_side()

RUNNERS = {
    "openvino": textwrap.dedent("""
        import sys
        import numpy as np
        import openvino as ov
        folder, kind = sys.argv[1], sys.argv[2]
        with np.load(f"{folder}/{kind}.x.npz") as f:
            xs = [f[f"arr_{i}"] for i in range(len(f.files))]
        compiled = ov.Core().compile_model(f"{folder}/{kind}.xml", "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
        result = compiled(xs)
        np.save(f"{folder}/{kind}.out.npy", np.asarray(result[compiled.outputs[0]]))
        assert not [m for m in sys.modules if m == "dlx" or m.startswith("dlx.")], "dlx was imported"
    """),
    "tf_saved_model": textwrap.dedent("""
        import sys
        import numpy as np
        import tensorflow as tf
        folder, kind = sys.argv[1], sys.argv[2]
        with np.load(f"{folder}/{kind}.x.npz") as f:
            xs = [f[f"arr_{i}"] for i in range(len(f.files))]
        loaded = tf.saved_model.load(f"{folder}/{kind}_saved_model")
        serving = loaded.signatures["serving_default"]
        specs = serving.structured_input_signature[1]  # keyword name -> TensorSpec (named like the inputs)
        by_name = {spec.name: key for key, spec in specs.items()}
        names = sys.argv[3].split(",")
        out = serving(**{by_name[n]: tf.constant(x) for n, x in zip(names, xs)})
        np.save(f"{folder}/{kind}.out.npy", out["output_0"].numpy())
        direct = loaded.serve(*[tf.constant(x) for x in xs])["output_0"].numpy()
        np.testing.assert_array_equal(direct, out["output_0"].numpy())
        assert not [m for m in sys.modules if m == "dlx" or m.startswith("dlx.")], "dlx was imported"
    """),
}
FRAMEWORK = {"openvino": "openvino", "tf_saved_model": "tensorflow"}


def _installed(fmt: str) -> bool:
    return fmt in dlx_export.exporters() and importlib.util.find_spec(FRAMEWORK[fmt]) is not None


@pytest.mark.parametrize("kind", ks.KINDS)
@pytest.mark.parametrize("fmt", sorted(RUNNERS))
def test_export_runs_in_the_plain_framework(tmp_path, fmt, kind):
    if not _installed(fmt):
        pytest.skip(f"no exporter for {fmt!r} installed (it comes with the "
                    f"{dlx_export._KNOWN[fmt]} plugin and {FRAMEWORK[fmt]})")
    with dlx.backend.use("numpy"):
        dlx.utils.set_random_seed(4)
        m = ks.build(dlx, kind)
        ks.perturb(m)
        xs = ks.inputs(m, n=1)
        expected = outputs(m(ks._x(xs), training=False))[0]
        np.savez(tmp_path / f"{kind}.x.npz", *xs)
        target = tmp_path / (f"{kind}.xml" if fmt == "openvino" else f"{kind}_saved_model")
        m.export(target, format=fmt, verbose=False)
    env = {k: v for k, v in os.environ.items() if k != "DLX_BACKEND"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    names = ",".join(s.name or f"input_{i}" for i, s in enumerate(dlx_export.input_signature(m)))
    proc = subprocess.run([sys.executable, "-c", RUNNERS[fmt], str(tmp_path), kind, names], capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-5000:]
    np.testing.assert_allclose(np.load(tmp_path / f"{kind}.out.npy"), expected, rtol=1e-5, atol=1e-5)


def test_exporters_come_from_the_plugin_hook():
    found = dlx_export.exporters()
    for fmt, rec in found.items():
        assert rec.format == fmt and ":" in rec.target
    if importlib.util.find_spec("dlx_openvino"):
        assert found["openvino"].target == "dlx_openvino.export:export_openvino"
    if importlib.util.find_spec("dlx_tf"):
        assert found["tf_saved_model"].target == "dlx_tf.export:export_saved_model"


def test_export_errors(tmp_path):
    with dlx.backend.use("numpy"):
        m = ks.build(dlx, "mlp")
        with pytest.raises(ValueError, match=r"unknown format='nope'; installed exporters"):
            m.export(tmp_path / "x", format="nope")
        with pytest.raises(ValueError, match="not built"):
            dlx.Sequential([dlx.layers.Dense(2)]).export(tmp_path / "y", format="nope" if not dlx_export.exporters()
                                                          else sorted(dlx_export.exporters())[0])
        if _installed("openvino"):
            with pytest.raises(ValueError, match=r"must end in '\.xml'"):
                m.export(tmp_path / "model.ir", format="openvino")


def _erfinv_model():
    # erfinv lowers (on the TF backend) to float64 Erfc, which neither tf2onnx nor LiteRT's built-in ops express
    x = dlx.Input((3,))
    return dlx.Model(x, dlx.layers.Lambda(lambda t: dlx.ops.erfinv(t * 0.1))(x), name="erfinv_model")


@pytest.mark.parametrize("fmt", ["onnx", "litert"])
def test_an_op_the_format_cannot_express_is_named(tmp_path, fmt):
    if fmt not in dlx_export.exporters():
        pytest.skip(f"no {fmt!r} exporter installed")
    target = tmp_path / "model.bin"
    target.write_bytes(b"previous export")
    with dlx.backend.use("numpy"):
        m = _erfinv_model()
        with pytest.raises(ValueError, match=rf"format='{fmt}'.*'erfinv_model' uses op\(s\) \[[^]]*'Erfc'"):
            m.export(target, format=fmt, verbose=False)
    assert target.read_bytes() == b"previous export"  # a failed export leaves the old file alone


def test_unknown_format_lists_the_installed_exporters(tmp_path):
    with dlx.backend.use("numpy"):
        m = ks.build(dlx, "mlp")
        with pytest.raises(ValueError, match="unknown format='torch'") as info:
            m.export(tmp_path / "x", format="torch")
    for fmt in dlx_export.exporters():
        assert repr(fmt) in str(info.value)


@pytest.mark.skipif(importlib.util.find_spec("onnx") is None, reason="needs the onnx package")
def test_onnx_opset_version_and_fixed_batch(tmp_path):
    import onnx

    if "onnx" not in dlx_export.exporters():
        pytest.skip("no 'onnx' exporter installed")
    with dlx.backend.use("numpy"):
        m = ks.build(dlx, "cnn")
        m.export(tmp_path / "a.onnx", format="onnx", opset_version=13, verbose=False)
        m.export(tmp_path / "b.onnx", format="onnx", opset_version=17, batch_size=3, verbose=False)
        with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['opset'\]"):
            m.export(tmp_path / "c.onnx", format="onnx", opset=13)
        with pytest.raises(ValueError, match="opset_version='13'"):
            m.export(tmp_path / "c.onnx", format="onnx", opset_version="13")
    a, b = onnx.load(tmp_path / "a.onnx"), onnx.load(tmp_path / "b.onnx")
    assert {o.version for o in a.opset_import if o.domain in ("", "ai.onnx")} == {13}
    assert {o.version for o in b.opset_import if o.domain in ("", "ai.onnx")} == {17}
    dims = lambda p: [d.dim_value if d.HasField("dim_value") else None
                      for d in p.graph.input[0].type.tensor_type.shape.dim]
    assert dims(a)[0] is None and dims(a)[1:] == list(m.inputs[0].shape[1:])
    assert dims(b) == [3, *m.inputs[0].shape[1:]]


def test_litert_options_are_converter_attributes(tmp_path):
    if "litert" not in dlx_export.exporters():
        pytest.skip("no 'litert' exporter installed")
    with dlx.backend.use("numpy"):
        m = ks.build(dlx, "mlp")
        with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['optimisations'\]"):
            m.export(tmp_path / "m.tflite", format="litert", optimisations=[])
        m.export(tmp_path / "m.tflite", format="litert", allow_custom_ops=False, verbose=False)
    assert (tmp_path / "m.tflite").read_bytes()[4:8] == b"TFL3"  # the LiteRT flatbuffer identifier


def test_openvino_batch_is_free_unless_fixed(tmp_path):
    if not _installed("openvino") or "tf_saved_model" not in dlx_export.exporters():
        pytest.skip("needs the openvino exporter and dlx-tf")
    import openvino as ov

    with dlx.backend.use("numpy"):
        m = ks.build(dlx, "cnn")
        m.export(tmp_path / "free.xml", format="openvino", verbose=False)
        m.export(tmp_path / "fixed.xml", format="openvino", batch_size=4, verbose=False)
    core = ov.Core()
    free = core.read_model(tmp_path / "free.xml").inputs[0].get_partial_shape()
    fixed = core.read_model(tmp_path / "fixed.xml").inputs[0].get_partial_shape()
    assert free[0].is_dynamic and [d.get_length() for d in list(free)[1:]] == list(m.inputs[0].shape[1:])
    assert fixed.is_static and list(fixed.to_shape()) == [4, *m.inputs[0].shape[1:]]
