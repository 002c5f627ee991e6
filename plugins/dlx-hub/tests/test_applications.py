"""dlx.applications: the namespace, the ImageNet helpers against independent formulas, Keras's
argument checks, and every application's parameter count against Keras's (a golden written
once by ``tools/make_application_goldens.py``; test_applications_weights.py re-checks a few
against live Keras)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import pathlib
import subprocess
import sys
import threading

import numpy as np
import pytest

import dlx

HERE = pathlib.Path(__file__).parent
GOLDEN = json.loads((HERE / "goldens" / "applications.json").read_text(encoding="utf-8"))["models"]
TOOL = HERE.parent / "tools" / "make_application_goldens.py"
# built in the default run (small and quick); the rest run under the "slow" marker
QUICK = ("MobileNetV3Small", "MobileNetV2", "EfficientNetB0", "ResNet50")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# ---- the namespace ----------------------------------------------------------------------------
def test_namespace_is_the_plugin():
    import dlx_hub.applications.resnet
    import dlx_hub.applications.resnet50
    from dlx.applications.vgg16 import VGG16  # the import system finds the plugin's module

    assert dlx.applications.resnet50 is dlx_hub.applications.resnet50
    assert dlx.applications.ResNet50 is dlx_hub.applications.resnet.ResNet50
    assert VGG16 is sys.modules["dlx_hub.applications.vgg16"].VGG16
    assert {"resnet_v2", "EfficientNetB7", "NASNetLarge"} <= set(dir(dlx.applications))
    with pytest.raises(AttributeError):
        dlx.applications.ResNet18  # noqa: B018


def test_without_the_plugin_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "dlx_hub.applications", None)
    with pytest.raises(ImportError, match=r"install dlx\[hub\]"):
        dlx.applications.ResNet50  # noqa: B018


# ---- preprocess_input -------------------------------------------------------------------------
def _pixels(shape=(2, 5, 4, 3)):
    return np.random.default_rng(0).uniform(0, 255, shape)


@pytest.mark.parametrize("family,mode", [("resnet50", "caffe"), ("vgg16", "caffe"), ("resnet_v2", "tf"),
                                         ("mobilenet", "tf"), ("xception", "tf"), ("densenet", "torch")])
def test_preprocess_input_modes(family, mode):
    x = _pixels()
    if mode == "caffe":
        want = x[..., ::-1] - np.array([103.939, 116.779, 123.68])
    elif mode == "tf":
        want = x / 127.5 - 1.0
    else:
        want = (x / 255.0 - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    module = getattr(dlx.applications, family)
    np.testing.assert_allclose(module.preprocess_input(x.copy()), want, rtol=1e-12)
    # channels_first, a single image
    got = module.preprocess_input(np.moveaxis(x[0], -1, 0).copy(), data_format="channels_first")
    np.testing.assert_allclose(got, np.moveaxis(want[0], -1, 0), rtol=1e-12)
    # a tensor gives the same values as the array
    with dlx.backend.use("numpy"):
        t = module.preprocess_input(dlx.ops.convert_to_tensor(x.astype("float32")))
        np.testing.assert_allclose(dlx.ops.convert_to_numpy(t), want, rtol=1e-5, atol=1e-4)


def test_preprocess_input_identity_and_errors():
    x = _pixels()
    assert dlx.applications.efficientnet.preprocess_input(x) is x
    assert dlx.applications.mobilenet_v3.preprocess_input(x) is x
    with pytest.raises(ValueError, match="mode"):
        dlx.applications.imagenet_utils.preprocess_input(x, mode="caffee")
    with pytest.raises(ValueError, match="data_format"):
        dlx.applications.resnet50.preprocess_input(x, data_format="NHWC")
    ints = dlx.applications.resnet_v2.preprocess_input(np.full((1, 2, 2, 3), 255, dtype="uint8"))
    assert ints.dtype == np.float32 and np.all(ints == 1.0)


# ---- decode_predictions -----------------------------------------------------------------------
def test_decode_predictions_fetches_the_class_index(tmp_path, monkeypatch):
    from dlx_hub.applications import imagenet_utils

    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (tmp_path / "srv").mkdir()
    payload = json.dumps(index).encode()
    (tmp_path / "srv" / "imagenet_class_index.json").write_bytes(payload)
    server, url = serve(tmp_path / "srv")
    try:
        monkeypatch.setenv("DLX_HOME", str(tmp_path / "home"))
        monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
        monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", url + "imagenet_class_index.json")
        monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", hashlib.md5(payload).hexdigest())
        preds = np.zeros((2, 1000), dtype="float32")
        preds[0, [3, 999, 10]] = [0.5, 0.3, 0.2]
        preds[1, 7] = 1.0
        got = dlx.applications.vgg19.decode_predictions(preds, top=3)
    finally:
        server.shutdown()
        server.server_close()
    assert [r[:2] for r in got[0]] == [("n00000003", "class_3"), ("n00000999", "class_999"),
                                       ("n00000010", "class_10")]
    assert got[0][0][2] == pytest.approx(0.5) and got[1][0][:2] == ("n00000007", "class_7")
    assert (tmp_path / "home" / "models" / "imagenet_class_index.json").is_file()
    with pytest.raises(ValueError, match=r"\(samples, 1000\)"):
        dlx.applications.resnet.decode_predictions(np.zeros((2, 10)))


# ---- argument checks --------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,match", [
    (dict(weights="no/such/file.h5"), "weights"),
    (dict(weights="imagenet", classes=10), "classes must be 1000"),
    (dict(weights=None, input_shape=(16, 16, 3), include_top=False), "at least 32x32"),
    (dict(weights="imagenet", input_shape=(64, 64, 3)), r"input_shape must be \(224, 224, 3\)"),
    (dict(weights="imagenet", include_top=False, input_shape=(64, 64, 1)), "3 input channels"),
    (dict(weights=None, include_top=False, pooling="mean"), "pooling"),
    (dict(weights=None, input_shape=(None, None, 3)), "static"),
    (dict(weights="imagenet", classifier_activation="relu"), "classifier_activation"),
])
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dlx.applications.ResNet50(**kwargs)


def test_family_specific_argument_errors():
    with pytest.raises(ValueError, match="alpha"):
        dlx.applications.MobileNet(alpha=0.3, weights="imagenet")
    with pytest.raises(ValueError, match="depth_multiplier"):
        dlx.applications.MobileNet(depth_multiplier=2, weights="imagenet")
    with pytest.raises(ValueError, match="alpha"):
        dlx.applications.MobileNetV2(alpha=0.2, weights="imagenet")
    with pytest.raises(ValueError, match="alpha"):
        dlx.applications.MobileNetV3Small(alpha=0.5, weights="imagenet")
    with pytest.raises(ValueError, match="at least 71x71"):
        dlx.applications.Xception(weights=None, include_top=False, input_shape=(64, 64, 3))


def test_signatures_are_keras_defaults():
    import inspect

    sig = inspect.signature(dlx.applications.ResNet50)
    assert list(sig.parameters) == ["include_top", "weights", "input_tensor", "input_shape", "pooling", "classes",
                                    "classifier_activation", "name"]
    assert sig.parameters["weights"].default == "imagenet" and sig.parameters["name"].default == "resnet50"
    assert inspect.signature(dlx.applications.MobileNet).parameters["dropout"].default == 1e-3


# ---- parameter counts -------------------------------------------------------------------------
_DESCRIBE = r"""
import importlib.util, json, sys
import dlx
spec = importlib.util.spec_from_file_location("tool", sys.argv[1])
tool = importlib.util.module_from_spec(spec); spec.loader.exec_module(tool)
out = {}
for name in sys.argv[2:]:
    shape = tool.input_shape(name)
    # a batch of one and no backend selected yet: variables are created lazily, shapes only
    x = dlx.layers.Input(batch_shape=(1, *shape))
    out[name] = tool.describe_model(getattr(dlx.applications, name)(weights=None, input_tensor=x))
print(json.dumps(out))
"""


def _describe_in_dlx(names):
    proc = subprocess.run([sys.executable, "-c", _DESCRIBE, str(TOOL), *names], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "DLX_BACKEND"}, timeout=1800, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _check(names):
    got = _describe_in_dlx(names)
    for name in names:
        want = {k: v for k, v in GOLDEN[name].items() if k != "input_shape"}
        assert got[name] == want, name


def test_parameter_counts_quick():
    _check(QUICK)


@pytest.mark.slow
def test_parameter_counts_every_application():
    _check(sorted(n for n in GOLDEN if n not in QUICK))
