"""``weights="imagenet"`` end to end, with no network: Keras itself (test-only, in a subprocess)
builds each application with random weights and randomised batch-norm statistics, writes them in
the published files' legacy ``.h5`` layout under the file name its own ``weights="imagenet"``
code asks for, and predicts with them; dlx downloads that file from a loopback HTTP server
through ``get_file`` (Keras's URL layout, the md5 checked) and must predict the same on jax,
torch and tf. The same subprocess re-checks a few parameter-count goldens against live Keras."""

from __future__ import annotations

import functools
import hashlib
import http.server
import importlib.util
import json
import pathlib
import subprocess
import sys
import threading

import numpy as np
import pytest

import dlx

HERE = pathlib.Path(__file__).parent
TOOL = HERE.parent / "tools" / "make_application_goldens.py"
SHAPE = (32, 32, 3)
# name, family module, its base-URL attribute, its WEIGHTS_HASHES key (None: Keras checks no hash;
# "*": the module has one (with top, without top) pair)
CASES = {
    "ResNet50": ("resnet", "BASE_WEIGHTS_PATH", "resnet50"),
    "MobileNetV2": ("mobilenet_v2", "BASE_WEIGHT_PATH", None),
    "EfficientNetB0": ("efficientnet", "BASE_WEIGHTS_PATH", "b0"),
    "MobileNetV3Small": ("mobilenet_v3", "BASE_WEIGHT_PATH", "small_224_1.0_float"),
    # every convolution and batch norm automatically named: paired by kind in creation order
    "InceptionV3": ("inception_v3", "BASE_WEIGHTS_PATH", "*"),
}
SHAPES = {"InceptionV3": (75, 75, 3)}
LIVE = ("MobileNetV3Small", "MobileNetV2")

_KERAS = r"""
import importlib.util, json, os, sys, warnings
os.environ["KERAS_BACKEND"] = "numpy"
import h5py, keras, numpy as np
from keras.src.legacy.saving import legacy_h5_format
from keras.src.utils import file_utils

out_dir, tool_path, shapes, names, live = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), \
    json.loads(sys.argv[4]), json.loads(sys.argv[5])
rng = np.random.RandomState(0)
result = {"files": {}, "live": {}}
requested = []
real_get_file = file_utils.get_file
for name in names:
    shape = tuple(shapes[name])
    keras.utils.set_random_seed(1)
    model = getattr(keras.applications, name)(weights=None, include_top=False, input_shape=shape)
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.moving_mean.assign(rng.uniform(-0.5, 0.5, layer.moving_mean.shape))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, layer.moving_variance.shape))
    path = os.path.join(out_dir, name + ".h5")
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    # Keras's own weights="imagenet" code, its download replaced by the file just written
    def fake_get_file(fname=None, origin=None, **kwargs):
        requested.append((fname, origin))
        return path
    file_utils.get_file = fake_get_file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = getattr(keras.applications, name)(weights="imagenet", include_top=False, input_shape=shape)
    file_utils.get_file = real_get_file
    fname, origin = requested[-1]
    os.replace(path, os.path.join(out_dir, fname))
    x = rng.uniform(0, 255, (2, *shape)).astype("float32")
    np.save(os.path.join(out_dir, name + ".x.npy"), x)
    np.save(os.path.join(out_dir, name + ".y.npy"), np.asarray(model.predict(x, verbose=0)))
    result["files"][name] = [fname, origin]
spec = importlib.util.spec_from_file_location("tool", tool_path)
tool = importlib.util.module_from_spec(spec); spec.loader.exec_module(tool)
for name in live:
    result["live"][name] = tool.describe(name)
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def keras_made(tmp_path_factory):
    if importlib.util.find_spec("keras") is None:
        pytest.skip("keras is not installed (a test-only dependency)")
    folder = tmp_path_factory.mktemp("keras_weights")
    shapes = json.dumps({n: SHAPES.get(n, SHAPE) for n in CASES})
    proc = subprocess.run([sys.executable, "-c", _KERAS, str(folder), str(TOOL), shapes,
                           json.dumps(list(CASES)), json.dumps(LIVE)], capture_output=True, text=True,
                          timeout=1200, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return folder, json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def server(keras_made):
    folder, _ = keras_made
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_goldens_match_live_keras(keras_made):
    golden = json.loads((HERE / "goldens" / "applications.json").read_text(encoding="utf-8"))["models"]
    for name, live in keras_made[1]["live"].items():
        assert {k: v for k, v in golden[name].items() if k != "input_shape"} == live, name


# the default run covers each backend once (a jax build compiles every op for its shapes: minutes
# for a whole network on a shared 2-core machine); the full model x backend matrix runs as "slow"
QUICK = {("ResNet50", "torch"), ("EfficientNetB0", "tf"), ("MobileNetV3Small", "jax"), ("MobileNetV2", "torch"),
         ("InceptionV3", "torch")}
MATRIX = [pytest.param(name, backend, marks=() if (name, backend) in QUICK else pytest.mark.slow,
                       id=f"{name}-{backend}")
          for name in CASES for backend in ("jax", "torch", "tf")]


@pytest.mark.parametrize("name,backend_name", MATRIX)
def test_imagenet_weights_match_keras(name, backend_name, keras_made, server, tmp_path, monkeypatch):
    from dlx.backend import registry

    try:
        backend = registry.get(backend_name)
    except Exception as e:
        pytest.skip(f"backend {backend_name!r} failed to load: {type(e).__name__}: {e}")
    folder, made = keras_made
    fname, origin = made["files"][name]
    family, base_attr, hash_key = CASES[name]
    shape = SHAPES.get(name, SHAPE)
    module = getattr(dlx.applications, family)
    keras_base = getattr(module, base_attr)
    assert origin == keras_base + fname  # same URL as Keras's (before it is pointed at the loopback)
    monkeypatch.setattr(module, base_attr, server)
    digest = hashlib.md5((folder / fname).read_bytes()).hexdigest()
    if hash_key == "*":
        monkeypatch.setattr(module, "WEIGHTS_HASHES", (digest, digest))
    elif hash_key is not None:
        monkeypatch.setitem(module.WEIGHTS_HASHES, hash_key, (digest, digest))
    monkeypatch.setenv("DLX_HOME", str(tmp_path))
    x, want = np.load(folder / f"{name}.x.npy"), np.load(folder / f"{name}.y.npy")
    with dlx.backend.use(backend):
        build = getattr(dlx.applications, name)
        if name.startswith("MobileNetV"):  # 32x32 has no weights of its own: Keras's warning, the 224 file
            with pytest.warns(UserWarning, match="224"):
                model = build(weights="imagenet", include_top=False, input_shape=shape)
        else:
            model = build(weights="imagenet", include_top=False, input_shape=shape)
        got = np.asarray(model.predict(x, verbose=0))  # the compiled path (one jit on jax, not one per op)
    assert (tmp_path / "models" / fname).is_file()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * float(np.abs(want).max()))
