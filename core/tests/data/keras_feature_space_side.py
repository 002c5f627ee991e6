"""Keras 3's FeatureSpace on ``feature_space_cases.py`` (a subprocess, ``KERAS_BACKEND=tensorflow``):
``python keras_feature_space_side.py DIR`` writes ``keras.npz`` (outputs), ``configs.json`` and the
adapted spaces as ``k_<case>.keras``; ``python keras_feature_space_side.py DIR load`` loads dlx's
``dlx_<case>.keras`` files and writes their outputs to ``keras_on_dlx.npz``."""

from __future__ import annotations

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras
import tensorflow as tf
from feature_space_cases import CASES, TEST, TRAIN, spec

folder = sys.argv[1]


def outputs(fs, case, R):
    out = fs({k: TEST[k] for k in fs.features})
    if isinstance(out, dict):
        for k, v in out.items():
            R[f"{case}:{k}"] = np.asarray(v)
    else:
        R[case] = np.asarray(out)


if sys.argv[2:] == ["load"]:
    R = {}
    for case in CASES:
        outputs(keras.saving.load_model(os.path.join(folder, f"dlx_{case}.keras")), case, R)
    np.savez(os.path.join(folder, "keras_on_dlx.npz"), **R)
    sys.exit(0)
R, configs = {}, {}
for case in CASES:
    fs = spec(keras.utils.FeatureSpace, case)
    fs.adapt(tf.data.Dataset.from_tensor_slices({k: TRAIN[k] for k in fs.features}))
    outputs(fs, case, R)
    fs.save(os.path.join(folder, f"k_{case}.keras"))
    one = fs({k: TEST[k][2] for k in fs.features})
    R[f"{case}:single"] = np.asarray(one) if not isinstance(one, dict) else np.asarray(one["income"])
    configs[case] = json.loads(json.dumps(fs.get_config(), default=list))
# adapt on a batched dataset of dicts
fs = spec(keras.utils.FeatureSpace, "all_kinds")
fs.adapt(tf.data.Dataset.from_tensor_slices(TRAIN).batch(16))
R["batched_adapt"] = np.asarray(fs(TEST))
enc = fs.get_encoded_features()
R["encoded_width"] = np.asarray(enc.shape[-1])
np.savez(os.path.join(folder, "keras.npz"), **R)
with open(os.path.join(folder, "configs.json"), "w") as f:
    json.dump(configs, f)
