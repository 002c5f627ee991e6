"""Keras 3's side of the float8 training test (``KERAS_BACKEND=jax``): ``write FOLDER`` trains a
float8-quantized model for a few steps and saves every variable, its predictions and the
``.keras`` file; ``read FOLDER`` loads dlx's file in Keras."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

STEPS = 3


def build(lib):
    inp = lib.layers.Input(shape=(8,), name="x")
    h = lib.layers.Dense(6, activation="relu", name="dense")(inp)
    out = lib.layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c", name="ein")(h)
    return lib.Model(inp, out, name="float8_model")


def data():
    rng = np.random.default_rng(11)
    return rng.normal(size=(16, 8)).astype("float32"), rng.normal(size=(16, 4)).astype("float32")


def prepare(lib):
    model = build(lib)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(scale=0.5, size=w.shape).astype(w.dtype) for w in model.get_weights()])
    model.quantize("float8")
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
    return model


def train(model):
    x, y = data()
    model.fit(x, y, batch_size=8, epochs=1, steps_per_epoch=2, shuffle=False, verbose=0)
    model.fit(x[:8], y[:8], batch_size=8, epochs=1, shuffle=False, verbose=0)


def write(folder: Path) -> None:
    import keras

    model = prepare(keras)
    train(model)
    np.savez(folder / "float8.vars.npz", **{w.path: np.asarray(w.value) for w in model.weights})
    np.save(folder / "float8.pred.npy", np.asarray(model.predict(data()[0], verbose=0)))
    model.save(folder / "float8.keras.keras")


def read(folder: Path) -> None:
    import keras

    model = keras.saving.load_model(folder / "float8.dlx.keras")
    np.save(folder / "float8.dlx_in_keras.npy", np.asarray(model.predict(data()[0], verbose=0)))


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](Path(sys.argv[2]))
