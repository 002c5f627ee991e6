"""Keras 3's dataset utilities for ``test_dataset_api.py`` (a subprocess, ``KERAS_BACKEND=tensorflow``):
``python keras_data_side.py ROOT OUT.npz`` with ROOT the folders of ``utils/make_dirs.py``."""

from __future__ import annotations

import os
import sys

import numpy as np

root, out = sys.argv[1], sys.argv[2]
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

R = {}
series = np.arange(120, dtype="float32").reshape(60, 2)
targets = np.arange(60, dtype="int64")


def ts():
    return keras.utils.timeseries_dataset_from_array(series, targets, sequence_length=4, batch_size=7)


def cat(items):
    return np.concatenate([np.asarray(i) for i in items])


# tf.data methods on the returned dataset
R["map_x"] = cat(x for x, _ in ts().map(lambda x, y: (x * 2.0 + 1.0, y)))
chain = ts().unbatch().skip(3).take(20).batch(6)
got = list(chain)
R["chain_x"], R["chain_y"], R["chain_n"] = cat(b[0] for b in got), cat(b[1] for b in got), np.asarray(len(got))
got = list(ts().take(3).unbatch().batch(4, drop_remainder=True))
R["drop_x"], R["drop_n"] = cat(b[0] for b in got), np.asarray(len(got))
R["cardinality"] = np.asarray(int(ts().cardinality()))
nested = list(ts().unbatch().map(lambda x, y: x[0]).batch(5).batch(2).take(1))
R["nested0"] = np.asarray(nested[0])
# split_dataset
x = np.arange(30).reshape(15, 2)
y = np.arange(15) * 10
left, right = keras.utils.split_dataset([x, y], left_size=4, shuffle=True, seed=7)
R["split_list_left"] = np.asarray([np.asarray(a[0]) for a in left])
R["split_list_right_y"] = np.asarray([np.asarray(a[1]) for a in right])
left, right = keras.utils.split_dataset(ts(), left_size=0.25)
R["split_batched_left"] = cat(b[0] for b in left)
R["split_batched_sizes"] = np.asarray([len(b[0]) for b in right])
left, right = keras.utils.split_dataset(x, right_size=0.4)
R["split_frac_left"], R["split_frac_right"] = np.asarray(list(left)), np.asarray(list(right))
# smart_resize
img = np.random.default_rng(1).uniform(0, 255, (2, 13, 21, 3)).astype("float32")
for interp in ("bilinear", "nearest", "bicubic", "area"):
    R[f"smart_{interp}"] = keras.preprocessing.image.smart_resize(img[0], (8, 8), interpolation=interp)
R["smart_batch"] = keras.preprocessing.image.smart_resize(img, (10, 4))
R["smart_first"] = keras.preprocessing.image.smart_resize(img.transpose(0, 3, 1, 2), (6, 9),
                                                           data_format="channels_first")
R["smart_up"] = keras.preprocessing.image.smart_resize(img[1, :5, :7], (11, 11))
R["pad_seq"] = keras.preprocessing.sequence.pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="post")
# preprocessing namespace dataset functions
ds = keras.preprocessing.image_dataset_from_directory(os.path.join(root, "images"), image_size=(6, 6), shuffle=False,
                                                      batch_size=4, verbose=False)
R["pre_img_x"] = cat(b[0] for b in ds)
ds = keras.preprocessing.text_dataset_from_directory(os.path.join(root, "texts"), shuffle=False, verbose=False)
R["pre_txt_x"] = np.asarray([v.decode() for b in ds for v in np.asarray(b[0])])
# ragged audio
ds = keras.utils.audio_dataset_from_directory(os.path.join(root, "audio"), shuffle=False, batch_size=4, ragged=True,
                                              verbose=False)
clips = [np.asarray(r.to_tensor()) for b in ds for r in b[0]]
R["ragged_lens"] = np.asarray([len(c) for c in clips])
R["ragged_flat"] = np.concatenate(clips)
R["ragged_batches"] = np.asarray(len(list(ds)))
# a string-input model (Keras runs it on TensorFlow only)
inp = keras.Input(shape=(), dtype="string")
enc = keras.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(keras.layers.StringLookup(
    vocabulary=["a", "b", "c"])(inp))
R["string_model"] = keras.Model(inp, enc).predict(np.array(["a", "c", "zz", "b"], dtype=object), verbose=0)
# format="grain" (when grain is installed): Keras's grain.IterDataset batches
try:
    import grain
except ImportError:
    grain = None
if grain is not None:
    ds = keras.utils.image_dataset_from_directory(os.path.join(root, "images"), image_size=(6, 6), shuffle=False,
                                                  batch_size=4, format="grain", verbose=False)
    got = list(ds)
    R["grain_img_x"], R["grain_img_y"] = cat(b[0] for b in got), cat(b[1] for b in got)
    R["grain_img_classes"], R["grain_img_paths"] = np.asarray(ds.class_names), np.asarray(ds.file_paths)
    ds = keras.utils.text_dataset_from_directory(os.path.join(root, "texts"), shuffle=False, batch_size=3,
                                                 format="grain", verbose=False)
    got = list(ds)
    R["grain_txt_x"] = np.asarray([v.decode() for b in got for v in np.asarray(b[0])])
    R["grain_txt_y"], R["grain_txt_sizes"] = cat(b[1] for b in got), np.asarray([len(b[0]) for b in got])
    got = list(keras.utils.timeseries_dataset_from_array(series, targets, sequence_length=4, batch_size=7,
                                                         format="grain"))
    R["grain_ts_x"], R["grain_ts_y"] = cat(b[0] for b in got), cat(b[1] for b in got)
np.savez(out, **R)
assert tf  # TensorFlow is the backend here
