"""Keras 3's audio layers on the cases of ``audio_cases.py`` (a subprocess, any Keras backend).

``python keras_audio_side.py ref DIR``: outputs -> ``DIR/keras.npz``, configs ->
``DIR/configs.json``, and a ``.keras`` model per case (STFT kernels perturbed first, so loading
them matters) -> ``DIR/<id>.keras`` with its outputs in ``DIR/keras_saved.npz``.
``python keras_audio_side.py load DIR``: the ``dlx_<id>.keras`` files dlx wrote, loaded and run
-> ``DIR/keras_on_dlx.npz``.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras
from audio_cases import CASES, INPUTS

cmd, folder = sys.argv[1], sys.argv[2]
if cmd == "ref":
    outs, saved, configs = {}, {}, {}
    for cid, cls, kwargs, inp in CASES:
        x = INPUTS[inp]
        layer = getattr(keras.layers, cls)(**kwargs)
        outs[cid] = keras.ops.convert_to_numpy(layer(x))
        configs[cid] = layer.get_config()
        model = keras.Sequential([keras.Input(x.shape[1:]), getattr(keras.layers, cls)(**kwargs)])
        for w in model.weights:
            w.assign(np.asarray(w) * np.float32(1.5) + np.float32(0.01))
        saved[cid] = keras.ops.convert_to_numpy(model(x))
        model.save(os.path.join(folder, f"{cid}.keras"))
    np.savez(os.path.join(folder, "keras.npz"), **outs)
    np.savez(os.path.join(folder, "keras_saved.npz"), **saved)
    with open(os.path.join(folder, "configs.json"), "w") as f:
        json.dump(configs, f)
elif cmd == "load":
    outs = {}
    for cid, _, _, inp in CASES:
        model = keras.models.load_model(os.path.join(folder, f"dlx_{cid}.keras"))
        outs[cid] = keras.ops.convert_to_numpy(model(INPUTS[inp]))
    np.savez(os.path.join(folder, "keras_on_dlx.npz"), **outs)
else:
    raise SystemExit(f"unknown command {cmd!r}")
