"""Keras 3's side of the GPTQ / AWQ interop tests (run in a subprocess with
``KERAS_BACKEND=torch``): ``run FOLDER`` quantizes the models of :data:`KINDS` with Keras and
saves their variables, outputs, ``.keras`` and ``.weights.h5`` files and configs, then loads the
files dlx wrote in ``FOLDER`` beforehand. The same builders run on dlx (``lib`` is ``keras`` or
``dlx``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

# mode, config arguments; one calibration window (a Keras strided window's offset comes from
# Python's salted hash unless the stream holds exactly one window)
KINDS = {
    "gptq4_g8_act": ("gptq", {"weight_bits": 4, "group_size": 8, "activation_order": True}),
    "gptq3_channel_sym": ("gptq", {"weight_bits": 3, "group_size": -1, "symmetric": True, "hessian_damping": 0.05}),
    "awq_g8": ("awq", {"group_size": 8, "num_grid_points": 10}),
    "awq_channel": ("awq", {"group_size": -1}),
}
SEQ = 48
VOCAB = 40


def build(lib):
    """Embedding (pre-block), then two blocks: Dense / Dense, and two attention-style
    EinsumDense projections plus a Dense head."""
    L = lib.layers
    emb = L.Embedding(VOCAB, 16, name="emb")
    block1 = lib.Sequential([L.Dense(24, activation="relu", name="up"), L.Dense(16, name="down")], name="block1")
    block2 = lib.Sequential([L.EinsumDense("abc,cde->abde", output_shape=(None, 2, 8), bias_axes="de", name="qkv"),
                             L.EinsumDense("abcd,cde->abe", output_shape=(None, 16), name="proj"),
                             L.Dense(5, name="head")], name="block2")
    ids = L.Input(shape=(None,), dtype="int32", name="ids")
    model = lib.Model(ids, block2(block1(emb(ids))), name="gptq_model")
    return model, {"pre_block_layers": [emb], "sequential_blocks": [block1, block2]}


def calibration_tokens():
    return np.random.default_rng(11).integers(0, VOCAB, size=(SEQ,)).astype("int32")


def inputs():
    return np.random.default_rng(7).integers(0, VOCAB, size=(4, 10)).astype("int32")


def config(lib, kind, structure):
    mode, kwargs = KINDS[kind]
    cls = lib.quantizers.GPTQConfig if mode == "gptq" else lib.quantizers.AWQConfig
    return cls(dataset=[calibration_tokens()], tokenizer=lambda s: s, num_samples=1, sequence_length=SEQ,
               quantization_layer_structure=structure, **kwargs)


def prepare(lib, kind):
    model, structure = build(lib)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype(w.dtype) for w in model.get_weights()])
    cfg = config(lib, kind, structure)
    model.quantize(KINDS[kind][0], config=cfg)
    cfg.quantization_layer_structure = None  # Keras cannot serialize the structure's layers
    return model


# one layer each, quantized by the algorithm alone on given activations (Keras 3.15's
# Model.quantize never feeds its GPTQ / AWQ statistics, see the tests' docstring)
LAYERS = {"dense": ("Dense", 24, 10), "qkv": ("EinsumDense", 16, 16)}


def layer_case(lib, kind, which):
    """``(layer, calibration activations (tokens, rows), evaluation inputs)``: correlated
    activations with a few salient channels."""
    cls, rows, _ = LAYERS[which]
    rng = np.random.default_rng(3 if which == "dense" else 4)
    if cls == "Dense":
        layer = lib.layers.Dense(LAYERS[which][2], name=which)
    else:
        layer = lib.layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 8), bias_axes="de", name=which)
    layer.build((None, 12, rows))
    layer.set_weights([rng.normal(scale=0.4, size=w.shape).astype("float32") for w in layer.get_weights()])
    gain = np.where(np.arange(rows) % 5 == 0, 8.0, 1.0)
    mix = np.eye(rows) + 0.3 * rng.normal(size=(rows, rows))
    acts = (rng.normal(size=(4, 12, rows)) @ mix * gain).astype("float32")
    evals = (rng.normal(size=(3, 12, rows)) @ mix * gain).astype("float32")
    return layer, acts, evals


def run(folder: Path) -> None:
    import keras
    from keras.src.quantizers.awq import AWQ
    from keras.src.quantizers.gptq import GPTQ

    configs = {}
    for kind in KINDS:
        mode = KINDS[kind][0]
        for which in LAYERS:
            layer, acts, evals = layer_case(keras, kind, which)
            cfg = config(keras, kind, None)
            layer.quantize(mode, config=cfg)
            algo = GPTQ(layer, cfg) if mode == "gptq" else AWQ(layer, cfg)
            rows = LAYERS[which][1]
            if mode == "gptq":
                algo.update_hessian_with_batch(acts.reshape(-1, rows))
                algo.quantize_and_correct_layer()
            else:
                algo.update_activation_magnitudes(acts.reshape(-1, rows))
                algo.quantize_layer()
            np.savez(folder / f"{kind}.{which}.layer.npz", out=keras.ops.convert_to_numpy(layer(evals)),
                     **{w.name: keras.ops.convert_to_numpy(w) for w in layer.weights})
        model = prepare(keras, kind)
        configs[kind] = model.get_layer("block1").get_layer("up").get_config()["quantization_config"]
        np.save(folder / f"{kind}.keras.live.npy", keras.ops.convert_to_numpy(model.predict(inputs(), verbose=0)))
        np.savez(folder / f"{kind}.keras.vars.npz", **{w.path: keras.ops.convert_to_numpy(w) for w in model.weights})
        model.save(folder / f"{kind}.keras.keras")
        theirs = folder / f"{kind}.dlx.keras"
        if theirs.exists():
            loaded = keras.saving.load_model(theirs)
            np.save(folder / f"{kind}.dlx_in_keras.npy", np.asarray(loaded.predict(inputs(), verbose=0)))
            model.load_weights(folder / f"{kind}.dlx.weights.h5")
            np.save(folder / f"{kind}.dlx_weights_in_keras.npy", np.asarray(model.predict(inputs(), verbose=0)))
    (folder / "configs.json").write_text(json.dumps(configs))
    from keras.src.quantizers.gptq_core import get_dataloader

    np.save(folder / "loader.npy", get_dataloader(None, 8, [np.arange(30) % 17, np.arange(5)], num_samples=6,
                                                  strategy="linspace"))


if __name__ == "__main__":
    {"run": run}[sys.argv[1]](Path(sys.argv[2]))
