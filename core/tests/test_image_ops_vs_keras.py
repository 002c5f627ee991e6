"""dlx's image ops against Keras 3 itself on the same inputs (Keras on its JAX backend, in a
subprocess so that neither library's configuration leaks into the other).

Keras computes in float32 (its JAX backend runs without x64); dlx's NumPy reference runs in
float64 on the same float32 inputs, so the tolerance is float32 rounding, not an algorithm gap.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("keras")
pytest.importorskip("jax")

_KERAS_SCRIPT = textwrap.dedent("""
    import pickle, sys
    import numpy as np
    import keras
    cases = pickle.load(open(sys.argv[1], "rb"))
    out = {}
    for name, (group, opname, args, kwargs) in cases.items():
        fn = getattr(getattr(keras.ops, group), opname)
        try:
            out[name] = np.asarray(keras.ops.convert_to_numpy(fn(*args, **kwargs)))
        except Exception as e:  # reported by the test, per case
            out[name] = f"{type(e).__name__}: {e}"
    pickle.dump(out, open(sys.argv[2], "wb"))
""")


def _cases():
    r = np.random.default_rng(0)
    img = r.uniform(0, 1, (2, 9, 11, 3)).astype(np.float32)
    small = r.uniform(0, 1, (2, 5, 6, 3)).astype(np.float32)
    c = {}
    for interp in ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"):
        c[f"resize_{interp}_up"] = ("image", "resize", (small, (9, 13)), {"interpolation": interp})
        c[f"resize_{interp}_down"] = ("image", "resize", (img, (4, 5)), {"interpolation": interp})
        if interp != "nearest":
            c[f"resize_{interp}_down_aa"] = ("image", "resize", (img, (4, 5)),
                                             {"interpolation": interp, "antialias": True})
    u8 = (img * 255).astype(np.uint8)
    # integer results round half to even: bilinear weights make exact .5 ties, which float32
    # arithmetic in a different order rounds either way; Lanczos weights make none
    c["resize_uint8_lanczos3_aa"] = ("image", "resize", (u8, (4, 5)), {"interpolation": "lanczos3", "antialias": True})
    c["resize_crop_aspect"] = ("image", "resize", (img, (4, 4)), {"crop_to_aspect_ratio": True})
    c["resize_pad_aspect"] = ("image", "resize", (img, (6, 3)), {"pad_to_aspect_ratio": True, "fill_value": 0.25})
    c["resize_channels_first"] = ("image", "resize", (np.moveaxis(img, -1, 1), (5, 7)),
                                  {"data_format": "channels_first"})
    c["rgb_to_hsv"] = ("image", "rgb_to_hsv", (img,), {})
    hsv = np.stack([r.uniform(-0.5, 1.5, (2, 4, 5)), r.uniform(0, 1, (2, 4, 5)), r.uniform(0, 1, (2, 4, 5))],
                   -1).astype(np.float32)
    c["hsv_to_rgb"] = ("image", "hsv_to_rgb", (hsv,), {})
    c["rgb_to_grayscale"] = ("image", "rgb_to_grayscale", (img,), {})
    c["rgb_to_grayscale_uint8"] = ("image", "rgb_to_grayscale", ((img * 255).astype(np.uint8),), {})
    c["crop_images"] = ("image", "crop_images", (img,), {"top_cropping": 1, "bottom_cropping": 2,
                                                          "left_cropping": 3, "target_width": 5})
    c["pad_images"] = ("image", "pad_images", (img,), {"top_padding": 1, "target_height": 12,
                                                        "left_padding": 3, "right_padding": 0})
    c["scale_and_translate"] = ("image", "scale_and_translate",
                                (img, (2, 14, 6, 3), np.float32([1.6, 0.55]), np.float32([0.3, -0.4]), (1, 2),
                                 "bicubic"), {})
    # Keras 3.15 on jax reads data_format=None as channels_first here (its backend skips the
    # standardisation): pass the format explicitly
    c["gaussian_blur"] = ("image", "gaussian_blur", (img,), {"kernel_size": (5, 3), "sigma": (2.0, 0.7),
                                                              "data_format": "channels_last"})
    c["gaussian_blur_channels_first"] = ("image", "gaussian_blur", (np.moveaxis(img, -1, 1),),
                                         {"kernel_size": (3, 5), "sigma": (1.0, 1.5),
                                          "data_format": "channels_first"})
    c["sobel_edges"] = ("image", "sobel_edges", (img,), {})
    img2 = np.clip(img + 0.1 * r.standard_normal(img.shape), 0, 1).astype(np.float32)
    c["ssim"] = ("image", "ssim", (img, img2), {"filter_size": 5})
    c["ssim_single"] = ("image", "ssim", (img[0], img2[0]), {"filter_size": 7, "filter_sigma": 1.0, "max_val": 2.0})
    c["extract_patches"] = ("image", "extract_patches", (img, (2, 3)), {})
    c["extract_patches_same"] = ("image", "extract_patches", (img, 3), {"strides": 2, "padding": "same"})
    c["extract_patches_dilated"] = ("image", "extract_patches", (img, 2), {"strides": 1, "dilation_rate": 2})
    vol = r.uniform(0, 1, (2, 4, 5, 6, 2)).astype(np.float32)
    c["extract_patches_3d"] = ("image", "extract_patches_3d", (vol, (2, 2, 3)), {"strides": (1, 2, 2)})
    c["depth_to_space"] = ("nn", "depth_to_space", (r.uniform(0, 1, (2, 3, 4, 8)).astype(np.float32), 2), {})
    c["depth_to_space_cf"] = ("nn", "depth_to_space", (r.uniform(0, 1, (2, 8, 3, 4)).astype(np.float32), 2),
                              {"data_format": "channels_first"})
    c["space_to_depth"] = ("nn", "space_to_depth", (img[:, :8, :10], 2), {})
    c["space_to_depth_cf"] = ("nn", "space_to_depth", (np.moveaxis(img[:, :9, :9], -1, 1), 3),
                              {"data_format": "channels_first"})
    nchw = np.moveaxis(img, -1, 1)
    c["unfold"] = ("nn", "unfold", (nchw, (3, 2)), {"dilation": (1, 2), "padding": 1, "stride": 2})
    cols = r.standard_normal((2, 12, 28)).astype(np.float32)
    c["fold"] = ("nn", "fold", (cols, (6, 7), 2), {"padding": 1, "stride": (1, 2)})
    grid = r.standard_normal((6, 7)).astype(np.float32)
    coords = np.stack([r.uniform(-2.5, 7.5, (5, 4)), r.uniform(-2.5, 8.5, (5, 4))]).astype(np.float32)
    for mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
        for order in (0, 1):
            c[f"map_coordinates_{mode}_{order}"] = ("image", "map_coordinates", (grid, coords, order),
                                                    {"fill_mode": mode, "fill_value": 0.5})
    ang, sc = 0.4, 1.1
    t = np.float32([[sc * np.cos(ang), -sc * np.sin(ang), 1.3, sc * np.sin(ang), sc * np.cos(ang), -0.7, 0, 0],
                    [0.9, 0.1, -1.0, -0.2, 1.2, 0.8, 0, 0]])
    for mode in ("constant", "reflect", "wrap", "nearest", "mirror"):
        c[f"affine_transform_{mode}"] = ("image", "affine_transform", (img, t), {"fill_mode": mode})
    c["affine_transform_nearest_interp"] = ("image", "affine_transform", (img[0], t[0]),
                                            {"interpolation": "nearest", "fill_value": 0.3})
    corners = np.float32([[0, 0], [10, 0], [10, 8], [0, 8]])
    sp = (corners + r.uniform(-1.5, 1.5, (2, 4, 2))).astype(np.float32)
    ep = (corners + r.uniform(-1.5, 1.5, (2, 4, 2))).astype(np.float32)
    c["perspective_transform"] = ("image", "perspective_transform", (img, sp, ep), {})
    c["perspective_transform_nearest"] = ("image", "perspective_transform", (img[0], sp[0], ep[0]),
                                          {"interpolation": "nearest", "fill_value": 0.5})
    return c


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    d = tmp_path_factory.mktemp("keras")
    cases = _cases()
    with open(d / "in.pkl", "wb") as f:
        pickle.dump(cases, f)
    (d / "run.py").write_text(_KERAS_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env.update(KERAS_BACKEND="jax", JAX_PLATFORMS="cpu")
    proc = subprocess.run([sys.executable, str(d / "run.py"), str(d / "in.pkl"), str(d / "out.pkl")],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(d / "out.pkl", "rb") as f:
        return cases, pickle.load(f)


@pytest.mark.parametrize("name", sorted(_cases()))
def test_matches_keras(keras_results, name):
    import dlx
    from dlx.backend import registry

    cases, results = keras_results
    _group, opname, args, kwargs = cases[name]
    want = results[name]
    assert not isinstance(want, str), f"Keras failed: {want}"
    up = tuple(a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype == np.float32 else a for a in args)
    with registry.use("numpy"):
        got = np.asarray(dlx.ops.get_function(opname)(*up, **kwargs))
        got_dtype = np.asarray(dlx.ops.get_function(opname)(*args, **kwargs)).dtype
    assert got.shape == want.shape
    assert got_dtype == want.dtype, f"dtype {got_dtype}; Keras gives {want.dtype}"
    if want.dtype.kind in "iu":
        np.testing.assert_array_equal(got, want)
    else:
        # perspective: Keras solves for the homography in float32 (dlx: closed form in float64)
        tol = 2e-4 if opname == "perspective_transform" else 2e-5
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol / 10)
