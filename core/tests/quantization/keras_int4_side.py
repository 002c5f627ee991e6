"""Keras 3's side of the int4 / float8-helper interop tests (run in a subprocess with
``KERAS_BACKEND=jax``): ``write FOLDER`` saves Keras's quantizer outputs and int4 models,
``read FOLDER`` loads dlx's files in Keras. The same builders run on dlx (``lib`` is ``keras``
or ``dlx``)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

# per-channel, sub-channel with a short last group, and LoRA on sub-channel int4
KINDS = {"int4_channel": None, "int4_grouped": 4, "int4_lora": 4}


def build(lib):
    ids = lib.layers.Input(shape=(3,), dtype="int32", name="ids")
    x = lib.layers.Embedding(20, 7, name="emb")(ids)
    x = lib.layers.EinsumDense("abc,cd->abd", output_shape=(3, 5), bias_axes="d", activation="relu", name="ein")(x)
    x = lib.layers.Flatten(name="flat")(x)
    x = lib.layers.Dense(15, activation="tanh", name="hidden")(x)
    out = lib.layers.Dense(4, name="head")(x)
    return lib.Model(ids, out, name="int4_model")


def inputs():
    return np.random.default_rng(7).integers(0, 20, size=(6, 3)).astype("int32")


def prepare(lib, kind):
    model = build(lib)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype(w.dtype) for w in model.get_weights()])
    model.quantize("int4", config=lib.quantizers.Int4QuantizationConfig(block_size=KINDS[kind]))
    if kind == "int4_lora":
        for layer in model.layers:
            if type(layer).__name__ in ("Dense", "EinsumDense", "Embedding"):
                layer.enable_lora(2, lora_alpha=4)
                for w in layer.weights:
                    if w.path.split("/")[-1].startswith("lora_"):
                        w.assign(rng.normal(scale=0.3, size=w.shape).astype("float32"))
    return model


def function_inputs():
    rng = np.random.default_rng(5)
    return {"w": rng.normal(size=(10, 6)).astype("float32"), "i4": rng.integers(-8, 8, size=(5, 7)).astype("int8"),
            "u4": rng.integers(0, 16, size=(4, 3)).astype("uint8"),
            "x": (rng.normal(size=(6, 5)) * np.array([1, 10, 100, 1e-3, 3e-5])).astype("float32"),
            "hist": rng.uniform(0, 4, size=(6,)).astype("float32")}


def write(folder: Path) -> None:
    import json

    import keras
    from keras import quantizers as Q

    f = function_inputs()
    out = {}
    for axis in (0, 1, -1):
        packed, _, n = Q.pack_int4(f["i4"], axis=axis)
        out[f"pack{axis}"] = np.asarray(packed)
        out[f"unpack{axis}"] = np.asarray(Q.unpack_int4(packed, n, axis=axis))
    packed, _, n = Q.pack_int4(f["u4"], axis=0, dtype="uint8")
    out["pack_u"], out["unpack_u"] = np.asarray(packed), np.asarray(Q.unpack_int4(packed, n, dtype="uint8"))
    for block in (3, 4, 10):
        for path in (True, False):
            q, s, z = Q.abs_max_quantize_grouped_with_zero_point(f["w"], block_size=block, to_numpy=path)
            for k, v in zip("qsz", (q, s, z)):
                out[f"grouped{block}_{int(path)}_{k}"] = np.asarray(v)
    for path in (True, False):  # groups entirely above 0: the clipped zero point saturates them
        q, s, z = Q.abs_max_quantize_grouped_with_zero_point(np.arange(8.0).reshape(4, 2), block_size=2, to_numpy=path)
        for k, v in zip("qsz", (q, s, z)):
            out[f"grouped_positive_{int(path)}_{k}"] = np.asarray(v)
    out["f8_scale"] = np.asarray(Q.compute_float8_scale(np.array([896.0, 0.0, np.inf, 3.0], "float32"),
                                                        np.array([1.0, 2.0, 4.0, 0.5], "float32"), 448.0, margin=1))
    out["f8_hist"] = np.asarray(Q.compute_float8_amax_history(f["x"], f["hist"]))
    for dt in ("float8_e4m3fn", "float8_e5m2"):
        out[f"qdq_{dt}"] = np.asarray(Q.quantize_and_dequantize(f["x"], np.float32(0.05), dt, "float32"))
    for bits, narrow in ((8, False), (4, True)):
        out[f"fq{bits}"] = np.asarray(Q.fake_quant_with_min_max_vars(f["x"] / 50, -0.8, 1.3, num_bits=bits,
                                                                     narrow_range=narrow))
    lo, hi = -np.linspace(0.1, 1, 5).astype("float32"), np.linspace(0.2, 2, 5).astype("float32")
    out["fq_axis"] = np.asarray(Q.fake_quant_with_min_max_vars(f["x"] / 50, lo, hi, axis=-1))

    import jax

    def loss(x, a, b):
        return (Q.fake_quant_with_min_max_vars(x, a, b, axis=-1) * np.arange(1, 6, dtype="float32")).sum()

    for k, g in zip(("x", "min", "max"), jax.grad(loss, argnums=(0, 1, 2))(f["x"] / 50, lo, hi)):
        out[f"fq_grad_{k}"] = np.asarray(g)
    np.savez(folder / "functions.npz", **out)

    configs = {"int4_config": Q.serialize(Q.Int4QuantizationConfig(block_size=32)),
               "float8_config": Q.serialize(Q.Float8QuantizationConfig()),
               "int4_policy": keras.dtype_policies.serialize(keras.dtype_policies.Int4DTypePolicy("int4/64",
                                                                                               "float32")),
               "gptq_policy": keras.dtype_policies.serialize(keras.dtype_policies.GPTQDTypePolicy("gptq/3/-1",
                                                                                               "bfloat16")),
               "awq_policy": keras.dtype_policies.serialize(keras.dtype_policies.AWQDTypePolicy("awq/4/64",
                                                                                             "float32"))}
    (folder / "configs.json").write_text(json.dumps(configs))

    single = keras.layers.Dense(5)
    single.build((None, 9))
    single.quantize("int4")  # the default config: groups of 128 rows
    np.savez(folder / "single.npz", policy=np.array(single.dtype_policy.name),
             names=np.array([w.name for w in single.weights]))

    for kind in KINDS:
        model = prepare(keras, kind)
        np.save(folder / f"{kind}.keras.live.npy", np.asarray(model.predict(inputs(), verbose=0)))
        np.savez(folder / f"{kind}.keras.vars.npz", **{w.path: np.asarray(w.value) for w in model.weights})
        model.save(folder / f"{kind}.keras.keras")
        model.save_weights(folder / f"{kind}.keras.weights.h5")
        reloaded = keras.saving.load_model(folder / f"{kind}.keras.keras")
        np.save(folder / f"{kind}.keras.npy", np.asarray(reloaded.predict(inputs(), verbose=0)))


def read(folder: Path) -> None:
    import keras

    for kind in KINDS:
        model = keras.saving.load_model(folder / f"{kind}.dlx.keras")
        np.save(folder / f"{kind}.dlx_in_keras.npy", np.asarray(model.predict(inputs(), verbose=0)))
        model = build(keras)
        model.quantize("int4", config=keras.quantizers.Int4QuantizationConfig(block_size=KINDS[kind]))
        model.load_weights(folder / f"{kind}.dlx.weights.h5")
        np.save(folder / f"{kind}.dlx_weights_in_keras.npy", np.asarray(model.predict(inputs(), verbose=0)))


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](Path(sys.argv[2]))
