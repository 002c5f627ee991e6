"""Keras 3's image augmentation layers and ``dlx.utils.bounding_boxes``.

- Against Keras 3 (run in a subprocess, ``KERAS_BACKEND=jax``): deterministic layers, random
  layers whose ranges are a single point, every random layer at inference, bounding boxes through
  fixed warps, the bounding-box utilities, configs, and ``.keras`` files both ways.
- Random layers: the same seed gives the same output on every dlx backend; the parameters drawn
  follow their distributions (Kolmogorov-Smirnov tests against the exact laws, which are the
  laws Keras samples); models holding them train and round-trip through ``.keras``.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
from dlx import layers
from dlx.utils import bounding_boxes as bb

from .image_aug_cases import BOX_CASES, FIXED, INPUTS, SAVED, box_input, build
from .image_aug_keras_side import box_utils, fixed_boxes

HERE = Path(__file__).parent
BY_ID = {c[0]: c for c in FIXED}
HAS_KERAS = importlib.util.find_spec("keras") is not None and importlib.util.find_spec("jax") is not None
needs_keras = pytest.mark.skipif(not HAS_KERAS, reason="the Keras 3 reference needs `keras` and `jax` (test-only)")


def _np(x):
    return np.asarray(dlx.ops.convert_to_numpy(x))


def _run_keras(cmd: str, folder) -> None:
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "",
           "JAX_PLATFORMS": "cpu"}
    env.pop("DLX_BACKEND", None)
    proc = subprocess.run([sys.executable, "-W", "ignore", str(HERE / "image_aug_keras_side.py"), cmd, str(folder)],
                          env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"image_aug_keras_side.py {cmd} failed:\n{proc.stderr[-6000:]}"


@pytest.fixture(scope="module")
def keras_ref(tmp_path_factory):
    if not HAS_KERAS:
        pytest.skip("the Keras 3 reference needs `keras` and `jax`")
    folder = tmp_path_factory.mktemp("keras_aug")
    _run_keras("outputs", folder)
    with np.load(folder / "keras.npz") as f:
        outs = {k: f[k] for k in f.files}
    return folder, outs, json.loads((folder / "configs.json").read_text())


def _close(out, ref, what, rtol=1e-5, atol=1e-3):
    out, ref = np.asarray(out), np.asarray(ref)
    assert out.shape == ref.shape, f"{what}: shape {out.shape}, Keras {ref.shape}"
    if ref.dtype.kind in "iub":
        np.testing.assert_array_equal(out, ref, err_msg=what)
    else:  # float32 image arithmetic on values up to 255: a few ulps of 255
        np.testing.assert_allclose(out, ref, rtol=rtol, atol=atol, err_msg=what)


# -- against Keras 3 --------------------------------------------------------------------------------------
@needs_keras
@pytest.mark.parametrize("cid", [c[0] for c in FIXED if not c[4]])
def test_fixed_output_equals_keras(keras_ref, backend, cid):
    _, name, kwargs, inp, call_kwargs = BY_ID[cid]
    out = build(layers, name, kwargs)(INPUTS[inp], **call_kwargs)
    _close(_np(out), keras_ref[1][cid], f"{cid} on {backend.name}")


@needs_keras
def test_inference_outputs_equal_keras(keras_ref, numpy_backend):
    # the identity on every backend is test_identity_at_inference's; here: Keras's outputs too
    for cid, name, kwargs, inp, call_kwargs in FIXED:
        if call_kwargs:
            _close(_np(build(layers, name, kwargs)(INPUTS[inp], **call_kwargs)), keras_ref[1][cid], cid)


@needs_keras
@pytest.mark.parametrize("cid", [c[0] for c in BOX_CASES])
def test_boxes_equal_keras(keras_ref, backend, cid):
    _, name, kwargs = next(c for c in BOX_CASES if c[0] == cid)
    res = build(layers, name, kwargs)(box_input(kwargs["bounding_box_format"]))
    ref = keras_ref[1]
    _close(_np(res["images"]), ref[f"{cid}/images"], f"{cid} images")
    _close(_np(res["bounding_boxes"]["boxes"]), ref[f"{cid}/boxes"], f"{cid} boxes", atol=2e-4)
    _close(_np(res["bounding_boxes"]["labels"]), ref[f"{cid}/labels"], f"{cid} labels")


@needs_keras
def test_bounding_box_utilities_equal_keras(keras_ref, backend):
    ours = {}
    box_utils(bb, ours, _np)
    for key, val in ours.items():
        _close(val, keras_ref[1][key], f"{key} on {backend.name}", rtol=2e-5, atol=2e-5)


@needs_keras
def test_affine_transform_of_one_image_keeps_its_shape(keras_ref, backend):
    """``(n, 4)`` boxes with scalar parameters give ``(n, 4)`` boxes: Keras's result for the same
    boxes with a batch axis of one, without that axis."""
    boxes = fixed_boxes()[2][0]
    got = bb.affine_transform(boxes, 30.0, 0.1, -0.2, 1.3, 10.0, 5.0, 80, 120)
    _close(_np(got), keras_ref[1]["bb/affine_one"][0], f"unbatched affine on {backend.name}", rtol=2e-5, atol=2e-5)
    with pytest.raises(ValueError, match="angle has shape"):
        bb.affine_transform(boxes, np.zeros(2, "float32"), 0.1, -0.2, 1.3, 10.0, 5.0, 80, 120)


@needs_keras
@pytest.mark.parametrize("cid", [c[0] for c in FIXED])
def test_config_equals_keras(keras_ref, cid):
    _, name, kwargs, _, _ = BY_ID[cid]
    layer = build(layers, name, kwargs)
    cfg = json.loads(json.dumps(layer.get_config(), default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o)))
    kcfg = keras_ref[2][cid]
    assert set(cfg) == set(kcfg), f"{cid}: dlx-only keys {set(cfg) - set(kcfg)}, Keras-only {set(kcfg) - set(cfg)}"
    for k in set(kcfg) - {"name", "dtype", "seed"}:
        assert cfg[k] == kcfg[k], f"{cid}: {k}: dlx {cfg[k]!r}, Keras {kcfg[k]!r}"
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


@needs_keras
def test_keras_files_load_in_dlx(keras_ref):
    folder, outs, _ = keras_ref
    with dlx.backend.use("numpy"):
        for cid in SAVED:
            _, _, _, inp, call_kwargs = BY_ID[cid]
            model = dlx.models.load_model(folder / f"{cid}.keras")
            _close(_np(model.layers[-1](INPUTS[inp], **call_kwargs)), outs[cid], f"Keras file {cid}")


@needs_keras
def test_dlx_files_load_in_keras(keras_ref, tmp_path):
    with dlx.backend.use("numpy"):
        for cid in SAVED:
            _, name, kwargs, inp, _ = BY_ID[cid]
            model = dlx.Sequential([dlx.Input(INPUTS[inp].shape[1:]), build(layers, name, kwargs)])
            model.save(tmp_path / f"dlx_{cid}.keras")
    _run_keras("load", tmp_path)
    with np.load(tmp_path / "keras_on_dlx.npz") as f:
        for cid in SAVED:
            _close(f[cid], keras_ref[1][cid], f"dlx file {cid} read by Keras")


# -- random layers: seeds, inference, statistics --------------------------------------------------------
RANDOM = [
    ("RandomFlip", {}), ("RandomFlip", {"mode": "vertical"}), ("RandomRotation", {"factor": 0.2}),
    ("RandomZoom", {"height_factor": 0.3, "width_factor": (-0.2, 0.1)}),
    ("RandomTranslation", {"height_factor": 0.2, "width_factor": 0.3, "fill_mode": "constant"}),
    ("RandomCrop", {"height": 6, "width": 5}), ("RandomContrast", {"factor": 0.5}),
    ("RandomBrightness", {"factor": 0.4}), ("RandomHue", {"factor": 0.5}), ("RandomSaturation", {"factor": 0.6}),
    ("RandomSharpness", {"factor": 0.7}), ("RandomShear", {"x_factor": 0.3, "y_factor": 0.2}),
    ("RandomColorJitter", {"brightness_factor": 0.2, "contrast_factor": 0.3, "saturation_factor": 0.4,
                           "hue_factor": 0.2}),
    ("RandomColorDegeneration", {"factor": 0.8}), ("RandomGrayscale", {}), ("RandomPosterization", {"factor": (2, 7)}),
    ("RandomErasing", {"fill_value": 9.0}), ("RandomErasing", {}), ("RandomPerspective", {"scale": 0.5}),
    ("RandomElasticTransform", {"scale": 0.5}), ("RandomGaussianBlur", {"sigma": (0.3, 1.0)}),
    ("RandomInvert", {"factor": 0.6}), ("Solarization", {"addition_factor": 0.2, "threshold_factor": (0.4, 0.9)}),
    ("MixUp", {}), ("CutMix", {}), ("AugMix", {"num_chains": 2, "chain_depth": 2}), ("RandAugment", {"num_ops": 2}),
]
_IMG = np.random.default_rng(3).uniform(0, 255, (4, 8, 7, 3)).astype("float32")


def _rid(case):
    name, kw = case
    return name + ("-" + "-".join(f"{k}" for k in kw) if kw else "")


@pytest.fixture(scope="module")
def numpy_random_outputs():
    with dlx.backend.use("numpy"):
        return {_rid(c): (_np(build(layers, c[0], {**c[1], "seed": 21})(_IMG)),
                          _np(build(layers, c[0], {**c[1], "seed": 21})(_IMG[0])) if c[0] in _SINGLE_CHECKED else None)
                for c in RANDOM}


@pytest.mark.parametrize("case", RANDOM, ids=[_rid(c) for c in RANDOM])
def test_same_seed_same_output_on_every_backend(numpy_random_outputs, backend, case):
    name, kw = case
    ref_batch, ref_single = numpy_random_outputs[_rid(case)]
    layer = build(layers, name, {**kw, "seed": 21})
    out = _np(layer(_IMG))
    np.testing.assert_allclose(out, ref_batch, rtol=1e-4, atol=2e-2, err_msg=f"{name} on {backend.name}")
    if backend.name == "numpy":  # the generator advances (a new augmentation each call), on one backend
        assert not np.allclose(_np(layer(_IMG)), out) or name in ("RandomGrayscale", "RandomCrop")
        assert not np.allclose(out, _IMG[:, :out.shape[1], :out.shape[2]]) or name == "RandomGrayscale"
    if name in _SINGLE_CHECKED:  # one image (rank 3) goes through the batch path
        single = _np(build(layers, name, {**kw, "seed": 21})(_IMG[0]))
        np.testing.assert_allclose(single, ref_single, rtol=1e-4, atol=2e-2,
                                   err_msg=f"{name} single on {backend.name}")


_SINGLE_CHECKED = ("RandomFlip", "RandomRotation", "RandomCrop", "RandomHue", "RandomErasing", "RandomPerspective")


@pytest.mark.parametrize("case", RANDOM, ids=[_rid(c) for c in RANDOM])
def test_identity_at_inference(numpy_backend, case):
    name, kw = case
    out = _np(build(layers, name, {**kw, "seed": 5})(_IMG, training=False))
    np.testing.assert_array_equal(out, _IMG)


def _ks(sample, cdf):
    """The Kolmogorov-Smirnov statistic of ``sample`` against ``cdf`` and its 0.1% critical value."""
    x = np.sort(np.asarray(sample, np.float64).ravel())
    n = len(x)
    f = cdf(x)
    d = max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))
    return d, 1.95 / math.sqrt(n)


def _uniform_cdf(lo, hi):
    return lambda x: np.clip((x - lo) / (hi - lo), 0, 1)


def test_parameter_distributions(numpy_backend):
    n = 4000
    imgs = np.zeros((n, 2, 2, 3), "float32")
    t = layers.RandomRotation((-0.1, 0.25), seed=1).get_random_transformation(imgs)
    d, crit = _ks(_np(t["angle"]), _uniform_cdf(-36.0, 90.0))
    assert d < crit, ("rotation angle", d, crit)
    t = layers.RandomBrightness((-0.2, 0.5), value_range=(0, 2), seed=2).get_random_transformation(imgs)
    d, crit = _ks(_np(t["rgb_delta"]), _uniform_cdf(-0.4, 1.0))
    assert d < crit, ("brightness delta", d, crit)
    # Keras 3.15 reads a single contrast factor f as the range (0, f): factors in [1, 1 + f]
    t = layers.RandomContrast(0.3, seed=3).get_random_transformation(imgs)
    d, crit = _ks(_np(t["contrast_factor"]), _uniform_cdf(1.0, 1.3))
    assert d < crit, ("contrast factor", d, crit)
    t = layers.RandomZoom(0.2, seed=4).get_random_transformation(imgs)
    d, crit = _ks(_np(t["height_zoom"]), _uniform_cdf(0.8, 1.2))
    assert d < crit, ("zoom", d, crit)
    np.testing.assert_array_equal(_np(t["height_zoom"]), _np(t["width_zoom"]))
    flips = _np(layers.RandomFlip(seed=5).get_random_transformation(imgs)["flips"]).mean()
    assert abs(flips - 0.5) < 4 * math.sqrt(0.25 / n)
    gray = _np(layers.RandomGrayscale(0.3, seed=6).get_random_transformation(imgs)).mean()
    assert abs(gray - 0.3) < 4 * math.sqrt(0.21 / n)
    # the inversion probability is itself uniform in factor: P(invert) = mean of the range
    inv = _np(layers.RandomInvert((0.2, 0.6), seed=7).get_random_transformation(imgs)["apply_inversion"]).mean()
    assert abs(inv - 0.4) < 4 * math.sqrt(0.24 / n)
    bits = 8 - _np(layers.RandomPosterization((2, 6), seed=8).get_random_transformation(imgs)["shift_factor"])
    counts = np.bincount(bits, minlength=8)[2:6] / n
    assert set(np.unique(bits)) == {2, 3, 4, 5} and np.all(np.abs(counts - 0.25) < 4 * math.sqrt(0.1875 / n))
    shear = _np(layers.RandomShear(x_factor=0.4, seed=9).get_random_transformation(imgs)["shear_factor"])[:, 0]
    d, crit = _ks(np.abs(shear), _uniform_cdf(0.0, 0.4))
    assert d < crit and abs((shear > 0).mean() - 0.5) < 4 * math.sqrt(0.25 / n)


def test_mixing_weights_follow_beta_and_gamma(numpy_backend):
    from scipy import stats

    from dlx.layers.preprocessing.image_mixing import sample_beta, sample_gamma

    for a in (0.2, 1.0, 3.5):
        g = _np(sample_gamma((5000,), a, dlx.random.SeedGenerator(int(a * 10))))
        d, crit = _ks(g, stats.gamma(a).cdf)
        assert d < crit, ("gamma", a, d, crit)
    w = _np(layers.MixUp(alpha=0.4, seed=3).get_random_transformation(np.zeros((5000, 2, 2, 3), "float32"))
            ["mix_weight"])
    d, crit = _ks(w, stats.beta(0.4, 0.4).cdf)
    assert d < crit, ("MixUp weight", d, crit)
    b = _np(sample_beta((5000,), 2.0, 5.0, dlx.random.SeedGenerator(4)))
    d, crit = _ks(b, stats.beta(2.0, 5.0).cdf)
    assert d < crit, ("beta(2, 5)", d, crit)
    perm = _np(layers.MixUp(seed=1).get_random_transformation(np.zeros((50, 2, 2, 3), "float32"))["permutation_order"])
    assert sorted(perm.tolist()) == list(range(50))


def test_cutmix_labels_follow_the_pasted_area(numpy_backend):
    imgs = np.stack([np.full((8, 10, 1), float(i), "float32") for i in range(6)])
    labels = np.eye(6, dtype="float32")
    out = layers.CutMix(seed=4)({"images": imgs, "labels": labels})
    x, y = _np(out["images"]), _np(out["labels"])
    for i in range(6):
        own = (x[i] == i).mean()
        np.testing.assert_allclose(y[i, i] if own < 1 else 1.0, own, atol=0.15)
        np.testing.assert_allclose(y[i].sum(), 1.0, rtol=1e-6)


# -- dict inputs, bounding boxes -----------------------------------------------------------------------
def test_dict_inputs_and_boxes_follow_the_image(numpy_backend):
    img = np.zeros((1, 20, 30, 1), "float32")
    img[0, 4:8, 5:12] = 1.0
    boxes = {"boxes": np.array([[[5.0, 4.0, 12.0, 8.0]]], "float32"), "labels": np.array([[7]], "int32")}
    for layer in [layers.RandomFlip(seed=0, bounding_box_format="xyxy"),
                  layers.RandomTranslation(0.2, 0.2, fill_mode="constant", seed=1, bounding_box_format="xyxy"),
                  layers.RandomRotation((0.25, 0.25), fill_mode="constant", seed=2, bounding_box_format="xyxy"),
                  layers.RandomZoom((-0.3, -0.3), fill_mode="constant", seed=3, bounding_box_format="xyxy"),
                  layers.RandomCrop(12, 20, seed=4, bounding_box_format="xyxy")]:
        res = layer({"images": img, "bounding_boxes": boxes, "labels": np.array([[1.0]])})
        out = _np(res["images"])[0, ..., 0]
        ys, xs = np.nonzero(out > 0.5)
        bx = _np(res["bounding_boxes"]["boxes"])[0, 0]
        if len(xs):
            np.testing.assert_allclose([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], bx, atol=1.6,
                                       err_msg=type(layer).__name__)
        assert _np(res["labels"]).tolist() == [[1.0]]
    with pytest.raises(ValueError, match="bounding_box_format"):
        layers.RandomFlip(seed=0)({"images": img, "bounding_boxes": boxes})
    with pytest.raises(ValueError, match="unknown input keys"):
        layers.RandomFlip(seed=0)({"images": img, "masks": img})


def test_segmentation_masks_get_the_same_warp(numpy_backend):
    img = np.random.default_rng(0).uniform(0, 1, (2, 9, 9, 1)).astype("float32")
    masks = (img > 0.5).astype("float32")
    res = layers.RandomRotation(0.3, seed=3, interpolation="nearest")({"images": img, "segmentation_masks": masks})
    np.testing.assert_array_equal(_np(res["segmentation_masks"]), (_np(res["images"]) > 0.5).astype("float32"))


def test_max_num_bounding_boxes_and_mixup_boxes(numpy_backend):
    boxes = {"boxes": np.arange(24, dtype="float32").reshape(2, 3, 4), "labels": np.array([[1, 2, 3], [4, 5, 6]])}
    res = layers.MaxNumBoundingBoxes(5, bounding_box_format="xyxy")({"images": _IMG[:2], "bounding_boxes": boxes})
    assert _np(res["bounding_boxes"]["boxes"]).shape == (2, 5, 4)
    assert _np(res["bounding_boxes"]["labels"])[:, 3:].tolist() == [[-1, -1], [-1, -1]]
    res = layers.MixUp(seed=1, bounding_box_format="xyxy")({"images": _IMG[:2], "bounding_boxes": boxes})
    assert _np(res["bounding_boxes"]["boxes"]).shape == (2, 6, 4)
    assert _np(res["bounding_boxes"]["labels"]).shape == (2, 6)


def test_bounding_box_round_trips_and_errors(numpy_backend):
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 30, (7, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(1, 9, (7, 2))], -1).astype("float32")
    for fmt in bb.SUPPORTED_FORMATS:
        there = bb.convert_format(boxes, "xyxy", fmt, height=40, width=50)
        np.testing.assert_allclose(_np(bb.convert_format(there, fmt, "xyxy", height=40, width=50)), boxes, rtol=1e-5,
                                   atol=1e-4)
    iou = _np(bb.compute_iou(boxes, boxes, "xyxy"))
    np.testing.assert_allclose(np.diag(iou), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="height"):
        bb.convert_format(boxes, "xyxy", "rel_xyxy")
    with pytest.raises(ValueError, match="supported formats"):
        bb.convert_format(boxes, "xyxy", "xyzw")
    with pytest.raises(ValueError, match="only 'xyxy'"):
        bb.crop(boxes, 1, 1, 5, 5, bounding_box_format="yxyx")


# -- in models ---------------------------------------------------------------------------------------
def test_augmentation_model_trains_and_round_trips(training_backend, tmp_path):
    aug = layers.Pipeline([layers.RandomFlip(seed=1), layers.RandomRotation(0.1, seed=2),
                           layers.RandomContrast(0.2, seed=3), layers.RandomBrightness(0.1, seed=4)])
    model = dlx.Sequential([dlx.Input((8, 7, 3)), aug, layers.Rescaling(1 / 255.0), layers.Flatten(),
                            layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    y = np.random.default_rng(0).normal(size=(4, 2)).astype("float32")
    hist = model.fit(_IMG, y, epochs=2, batch_size=2, verbose=0)
    assert np.all(np.isfinite(hist.history["loss"]))
    before = _np(model.predict(_IMG, verbose=0))
    model.save(tmp_path / "aug.keras")
    back = dlx.models.load_model(tmp_path / "aug.keras")
    np.testing.assert_allclose(_np(back.predict(_IMG, verbose=0)), before, rtol=1e-5, atol=1e-5)
    cfg = back.layers[0].get_config()
    assert [c["class_name"] for c in cfg["layers"]] == ["RandomFlip", "RandomRotation", "RandomContrast",
                                                        "RandomBrightness"]


def test_errors_name_the_argument(numpy_backend):
    with pytest.raises(ValueError, match="factor"):
        layers.RandomRotation(2.0)
    with pytest.raises(ValueError, match="fill_mode"):
        layers.RandomZoom(0.1, fill_mode="edge")
    with pytest.raises(ValueError, match="kernel_size"):
        layers.RandomGaussianBlur(kernel_size=4)
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomBrightness(0.1, value_range=(0, 1, 2))
    with pytest.raises(ValueError, match="mode"):
        layers.RandomFlip("diagonal")
    with pytest.raises(ValueError, match="rank"):
        layers.RandomFlip(seed=1)(np.zeros((2, 2), "float32"))
