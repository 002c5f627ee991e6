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
        got = np.asarray(getattr(dlx.ops, opname)(*up, **kwargs))
        got_dtype = np.asarray(getattr(dlx.ops, opname)(*args, **kwargs)).dtype
    assert got.shape == want.shape
    assert got_dtype == want.dtype, f"dtype {got_dtype}; Keras gives {want.dtype}"
    if want.dtype.kind in "iu":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)
