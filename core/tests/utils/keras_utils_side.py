"""Keras 3's dataset utilities on the generated folders (subprocess, ``KERAS_BACKEND=tensorflow``);
``python keras_utils_side.py ROOT OUT.npz``. Every case is one call; batches are concatenated."""

from __future__ import annotations

import os
import sys

import numpy as np

root, out = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras  # noqa: E402
from utils_cases import CASES, SERIES, TARGETS  # noqa: E402

results = {}


def collect(name, ds):
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
    x = np.concatenate(xs)
    if x.dtype.kind in "OS":
        x = np.asarray([v.decode() for v in x.ravel()]).reshape(x.shape)
    results[f"{name}:x"] = x
    if ys:
        results[f"{name}:y"] = np.concatenate(ys)
    if hasattr(ds, "file_paths"):
        results[f"{name}:paths"] = np.asarray([os.path.relpath(p, root) for p in ds.file_paths])
    if hasattr(ds, "class_names") and ds.class_names is not None:
        results[f"{name}:classes"] = np.asarray(ds.class_names)


for name, fn, kwargs in CASES:
    kw = dict(kwargs)
    if "directory" in kw:
        kw["directory"] = os.path.join(root, kw["directory"])
    if fn == "timeseries_dataset_from_array":
        kw["data"], kw["targets"] = SERIES, (TARGETS if kw.pop("with_targets", True) else None)
    res = getattr(keras.utils, fn)(**kw)
    if isinstance(res, list):
        collect(name + "_train", res[0])
        collect(name + "_val", res[1])
    else:
        collect(name, res)

x = np.arange(40).reshape(20, 2)
left, right = keras.utils.split_dataset((x, np.arange(20)), left_size=0.3, shuffle=True, seed=4)
results["split:left"] = np.asarray([np.asarray(a[0]) for a in left])
results["split:right"] = np.asarray([np.asarray(a[0]) for a in right])
left, right = keras.utils.split_dataset(x, left_size=5, right_size=7)
results["split2:left"] = np.asarray([np.asarray(a) for a in left])
results["split2:right"] = np.asarray([np.asarray(a) for a in right])

img = keras.utils.load_img(os.path.join(root, "images", "cats", "i0.png"), target_size=(11, 13),
                           interpolation="bilinear")
results["load_img"] = keras.utils.img_to_array(img)
img = keras.utils.load_img(os.path.join(root, "images", "cats", "i0.png"), color_mode="grayscale",
                           target_size=(7, 5), keep_aspect_ratio=True)
results["load_img_gray_keep"] = keras.utils.img_to_array(img)
arr = np.linspace(-3, 5, 6 * 4 * 3).reshape(6, 4, 3).astype("float32")
results["array_to_img"] = np.asarray(keras.utils.array_to_img(arr))
keras.utils.save_img(os.path.join(root, "k.png"), arr)
results["save_img"] = np.asarray(keras.utils.load_img(os.path.join(root, "k.png")))
# dlx's Dataset.as_tf_dataset() in this TensorFlow program
import dlx  # noqa: E402

x = np.arange(60, dtype="float32").reshape(30, 2)
got = list(dlx.utils.timeseries_dataset_from_array(x, np.arange(30), sequence_length=4, batch_size=8)
           .as_tf_dataset().as_numpy_iterator())
results["tfinterop:x"] = np.concatenate([g[0] for g in got])
results["tfinterop:y"] = np.concatenate([g[1] for g in got])
results["tfinterop:batches"] = np.asarray(len(got))
np.savez(out, **results)
