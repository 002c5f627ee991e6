"""The Keras 3 side of the preprocessing tests, run in a subprocess (``KERAS_BACKEND`` set by the
caller). ``outputs DIR``: every case's output into ``DIR/keras.npz`` and its config into
``DIR/configs.json``; ``save DIR``: a ``.keras`` file per adapted layer (a Sequential holding it);
``load DIR``: loads dlx's files and writes Keras's outputs on them into ``DIR/keras_on_dlx.npz``."""

from __future__ import annotations

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras
from cases import CASES, SAVED, as_numpy, build


def call(layer, case):
    return layer(case["inputs"], **case.get("call_kwargs", {}))


def main(cmds, folder):
    for cmd in cmds.split(","):
        run(cmd, folder)


def run(cmd, folder):
    by_id = {c["id"]: c for c in CASES}
    if cmd == "outputs":
        outs, configs = {}, {}
        for case in CASES:
            layer = build(keras.layers, case)
            outs[case["id"]] = as_numpy(call(layer, case), keras.ops.convert_to_numpy)
            configs[case["id"]] = layer.get_config()
        np.savez(os.path.join(folder, "keras.npz"), **outs)
        with open(os.path.join(folder, "configs.json"), "w") as f:
            json.dump(configs, f, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))
    elif cmd == "save":
        for cid in SAVED:
            layer = build(keras.layers, by_id[cid])
            keras.Sequential([layer]).save(os.path.join(folder, f"{cid}.keras"))
    elif cmd == "load":
        outs = {}
        for cid in SAVED:
            m = keras.models.load_model(os.path.join(folder, f"dlx_{cid}.keras"))
            outs[cid] = as_numpy(call(m.layers[0], by_id[cid]), keras.ops.convert_to_numpy)
        np.savez(os.path.join(folder, "keras_on_dlx.npz"), **outs)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
