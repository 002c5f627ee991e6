"""dlx's dataset utilities against Keras 3's on the same generated folders and arrays (Keras in
a subprocess, ``KERAS_BACKEND=tensorflow``), and ``fit`` streaming a directory dataset."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx

from .make_dirs import make
from .utils_cases import CASES, SERIES, TARGETS

HERE = Path(__file__).parent
pytest.importorskip("PIL")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    r = tmp_path_factory.mktemp("dirs")
    make(str(r))
    return r


@pytest.fixture(scope="module")
def keras_out(root, tmp_path_factory):
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("tensorflow") is None:
        pytest.skip("the Keras 3 reference needs keras and tensorflow (test-only)")
    out = tmp_path_factory.mktemp("kout") / "k.npz"
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    env.pop("DLX_BACKEND", None)
    proc = subprocess.run([sys.executable, str(HERE / "keras_utils_side.py"), str(root), str(out)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-5000:]
    with np.load(out) as f:
        return {k: f[k] for k in f.files}


def _collect(ds):
    xs, ys = [], []
    for batch in ds:
        if isinstance(batch, tuple):
            xs.append(np.asarray(batch[0]))
            ys.append(np.asarray(batch[1]))
        else:
            xs.append(np.asarray(batch))
    if xs[0].ndim >= 2 and len({a.shape[1] for a in xs}) > 1:  # audio: each batch padded to its longest clip
        longest = max(a.shape[1] for a in xs)
        xs = [np.pad(a, [(0, 0), (0, longest - a.shape[1])] + [(0, 0)] * (a.ndim - 2)) for a in xs]
    return np.concatenate(xs), (np.concatenate(ys) if ys else None)


def _check(name, ds, ref, root):
    x, y = _collect(ds)
    rx = ref[f"{name}:x"]
    assert x.shape == rx.shape, (name, x.shape, rx.shape)
    if rx.dtype.kind == "U":
        assert x.tolist() == rx.tolist(), name
    elif rx.dtype.kind == "f":
        assert x.dtype == rx.dtype, (name, x.dtype, rx.dtype)
        # dlx evaluates TensorFlow's resize formula in the same float32 steps: bit-equal
        np.testing.assert_array_equal(x, rx, err_msg=name)
    else:
        np.testing.assert_array_equal(x, rx, err_msg=name)
    if f"{name}:y" in ref:
        assert y.dtype == ref[f"{name}:y"].dtype, (name, y.dtype, ref[f"{name}:y"].dtype)
        np.testing.assert_array_equal(y, ref[f"{name}:y"], err_msg=name)
    else:
        assert y is None
    if f"{name}:paths" in ref:
        assert [os.path.relpath(p, root) for p in ds.file_paths] == ref[f"{name}:paths"].tolist()
    if f"{name}:classes" in ref:
        assert ds.class_names == ref[f"{name}:classes"].tolist()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_equals_keras(root, keras_out, case):
    name, fn, kwargs = case
    kw = dict(kwargs)
    if "directory" in kw:
        kw["directory"] = str(root / kw["directory"])
    if fn == "timeseries_dataset_from_array":
        kw["data"], kw["targets"] = SERIES, (TARGETS if kw.pop("with_targets", True) else None)
    res = getattr(dlx.utils, fn)(**kw)
    if isinstance(res, list):
        if kw.get("shuffle"):
            # Keras also reshuffles inside a tf.data buffer: the files per subset are equal, the
            # order within an epoch is dlx's own seeded one
            for part, sub in zip(res, ("train", "val")):
                ref_paths = keras_out[f"{name}_{sub}:paths"].tolist()
                assert [os.path.relpath(p, root) for p in part.file_paths] == ref_paths
                x, y = _collect(part)
                assert x.shape == keras_out[f"{name}_{sub}:x"].shape
            return
        _check(name + "_train", res[0], keras_out, root)
        _check(name + "_val", res[1], keras_out, root)
        return
    if kw.get("shuffle") and fn != "timeseries_dataset_from_array":
        if f"{name}:paths" in keras_out:
            assert [os.path.relpath(p, root) for p in res.file_paths] == keras_out[f"{name}:paths"].tolist()
        x, y = _collect(res)
        rx, ry = keras_out[f"{name}:x"], keras_out[f"{name}:y"]
        assert sorted(zip(x.tolist(), y.tolist())) == sorted(zip(rx.tolist(), ry.tolist()))
        return
    _check(name, res, keras_out, root)


def test_split_dataset_equals_keras(keras_out):
    x = np.arange(40).reshape(20, 2)
    left, right = dlx.utils.split_dataset((x, np.arange(20)), left_size=0.3, shuffle=True, seed=4)
    np.testing.assert_array_equal(np.asarray([a[0] for a in left]), keras_out["split:left"])
    np.testing.assert_array_equal(np.asarray([a[0] for a in right]), keras_out["split:right"])
    left, right = dlx.utils.split_dataset(x, left_size=5, right_size=7)
    np.testing.assert_array_equal(np.asarray(list(left)), keras_out["split2:left"])
    np.testing.assert_array_equal(np.asarray(list(right)), keras_out["split2:right"])


def test_image_functions_equal_keras(root, keras_out, tmp_path):
    U = dlx.utils
    img = U.load_img(root / "images" / "cats" / "i0.png", target_size=(11, 13), interpolation="bilinear")
    np.testing.assert_array_equal(U.img_to_array(img), keras_out["load_img"])
    img = U.load_img(str(root / "images" / "cats" / "i0.png"), color_mode="grayscale", target_size=(7, 5),
                     keep_aspect_ratio=True)
    np.testing.assert_array_equal(U.img_to_array(img), keras_out["load_img_gray_keep"])
    arr = np.linspace(-3, 5, 6 * 4 * 3).reshape(6, 4, 3).astype("float32")
    np.testing.assert_array_equal(np.asarray(U.array_to_img(arr)), keras_out["array_to_img"])
    U.save_img(tmp_path / "d.png", arr)
    np.testing.assert_array_equal(np.asarray(U.load_img(tmp_path / "d.png")), keras_out["save_img"])


def test_fit_streams_a_directory_dataset(root):
    ds = dlx.utils.image_dataset_from_directory(root / "images", image_size=(8, 8), batch_size=4, seed=1,
                                                verbose=False)
    assert len(ds) == 4 and ds.class_names == ["cats", "dogs", "zebras"]
    with dlx.backend.use("numpy"):
        dlx.utils.set_random_seed(0)
        model = dlx.Sequential([dlx.Input((8, 8, 3)), dlx.layers.Rescaling(1 / 255), dlx.layers.Flatten(),
                                dlx.layers.Dense(3)])
        model.compile(optimizer="adam", loss=dlx.losses.SparseCategoricalCrossentropy(from_logits=True))
        hist = model.fit(ds, epochs=2, verbose=0)
        assert len(hist.history["loss"]) == 2 and np.isfinite(hist.history["loss"]).all()
        assert model.predict(ds, verbose=0).shape == (15, 3)


def test_dataset_interop_and_errors(root):
    ds = dlx.utils.timeseries_dataset_from_array(SERIES, TARGETS, sequence_length=3, batch_size=10)
    torch = pytest.importorskip("torch")
    batches = list(ds.as_torch_dataloader())
    assert len(batches) == len(ds) and isinstance(batches[0][0], torch.Tensor)
    np.testing.assert_array_equal(batches[1][0].numpy(), ds[1][0])
    with pytest.raises(ValueError, match="seed"):
        dlx.utils.image_dataset_from_directory(root / "images", validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="color_mode"):
        dlx.utils.image_dataset_from_directory(root / "images", color_mode="cmyk")
    with pytest.raises(ValueError, match="sampling_rate"):
        dlx.utils.audio_dataset_from_directory(root / "audio", sampling_rate=8000.5, verbose=False)
    with pytest.raises(ValueError, match="binary"):
        dlx.utils.image_dataset_from_directory(root / "images", label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="left_size"):
        dlx.utils.split_dataset(np.zeros(5), left_size=1.5)



def test_as_tf_dataset_in_a_tensorflow_program(keras_out):
    """keras_utils_side.py (a TensorFlow program) also runs dlx's ``as_tf_dataset()``."""
    x = np.arange(60, dtype="float32").reshape(30, 2)
    ds = dlx.utils.timeseries_dataset_from_array(x, np.arange(30), sequence_length=4, batch_size=8)
    np.testing.assert_array_equal(keras_out["tfinterop:x"], np.concatenate([b[0] for b in ds]))
    np.testing.assert_array_equal(keras_out["tfinterop:y"], np.concatenate([b[1] for b in ds]))
    assert int(keras_out["tfinterop:batches"]) == len(ds)
