"""Keras 3's side of the quantization / LoRA interop tests (run in a subprocess with
``KERAS_BACKEND=jax``): ``write FOLDER`` saves Keras models, ``read FOLDER`` loads dlx's files.

The same builders run on dlx (``lib`` is ``keras`` or ``dlx``)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

KINDS = ("int8", "lora", "qlora")


def build(lib):
    ids = lib.layers.Input(shape=(3,), dtype="int32", name="ids")
    x = lib.layers.Embedding(20, 8, name="emb")(ids)
    x = lib.layers.EinsumDense("abc,cd->abd", output_shape=(3, 6), bias_axes="d", activation="relu", name="ein")(x)
    x = lib.layers.Flatten(name="flat")(x)
    x = lib.layers.Dense(16, activation="tanh", name="hidden")(x)
    out = lib.layers.Dense(4, name="head")(x)
    return lib.Model(ids, out, name="quant_model")


def targets(model):
    return [layer for layer in model.layers if type(layer).__name__ in ("Dense", "EinsumDense", "Embedding")]


def inputs():
    return np.random.default_rng(7).integers(0, 20, size=(6, 3)).astype("int32")


def set_weights(model, seed=0):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype(w.dtype) for w in model.get_weights()])


def lora_nonzero(model, seed=1):
    """LoRA factors set to nonzero values (as if trained), so the merge matters."""
    rng = np.random.default_rng(seed)
    for layer in targets(model):
        for w in layer.weights:
            if w.path.split("/")[-1].startswith("lora_"):
                w.assign(rng.normal(scale=0.3, size=w.shape).astype("float32"))


def prepare(lib, kind):
    model = build(lib)
    set_weights(model)
    if kind in ("int8", "qlora"):
        model.quantize("int8")
    if kind in ("lora", "qlora"):
        for layer in targets(model):
            layer.enable_lora(2, lora_alpha=4)
        lora_nonzero(model)
    return model


def quantizer_input():
    return np.random.default_rng(3).normal(size=(4, 6)).astype("float32")


def write(folder: Path) -> None:
    import json

    import keras

    x = quantizer_input()
    for axis in (0, -1):
        q, scale = keras.quantizers.abs_max_quantize(x, axis=axis)
        np.save(folder / f"absmax{axis}.q.npy", np.asarray(q))
        np.save(folder / f"absmax{axis}.scale.npy", np.asarray(scale))
    configs = {"policy": keras.dtype_policies.serialize(keras.dtype_policies.QuantizedDTypePolicy("int8", "float32")),
               "quantizer": keras.quantizers.serialize(keras.quantizers.AbsMaxQuantizer(axis=0)),
               "int8_config": keras.quantizers.serialize(keras.quantizers.Int8QuantizationConfig())}
    (folder / "configs.json").write_text(json.dumps(configs))

    for kind in KINDS:
        model = prepare(keras, kind)
        np.save(folder / f"{kind}.keras.live.npy", np.asarray(model.predict(inputs(), verbose=0)))
        model.save(folder / f"{kind}.keras.keras")
        model.save_weights(folder / f"{kind}.keras.weights.h5")
        # with LoRA on an int8 layer the saved kernel is re-quantized: the reloaded model is the reference
        reloaded = keras.saving.load_model(folder / f"{kind}.keras.keras")
        np.save(folder / f"{kind}.keras.npy", np.asarray(reloaded.predict(inputs(), verbose=0)))


def read(folder: Path) -> None:
    import keras

    for kind in KINDS:
        model = keras.saving.load_model(folder / f"{kind}.dlx.keras")
        np.save(folder / f"{kind}.dlx_in_keras.npy", np.asarray(model.predict(inputs(), verbose=0)))
        model = build(keras)
        if kind in ("int8", "qlora"):
            model.quantize("int8")
        model.load_weights(folder / f"{kind}.dlx.weights.h5")
        np.save(folder / f"{kind}.dlx_weights_in_keras.npy", np.asarray(model.predict(inputs(), verbose=0)))


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](Path(sys.argv[2]))
