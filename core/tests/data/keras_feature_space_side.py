"""Keras 3's FeatureSpace on ``feature_space_cases.py`` (a subprocess, ``KERAS_BACKEND=tensorflow``):
``python keras_feature_space_side.py OUT_DIR`` writes ``keras.npz`` (outputs) and ``configs.json``."""

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
R, configs = {}, {}
for case in CASES:
    fs = spec(keras.utils.FeatureSpace, case)
    fs.adapt(tf.data.Dataset.from_tensor_slices({k: TRAIN[k] for k in fs.features}))
    out = fs({k: TEST[k] for k in fs.features})
    if isinstance(out, dict):
        for k, v in out.items():
            R[f"{case}:{k}"] = np.asarray(v)
    else:
        R[case] = np.asarray(out)
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
