"""The Keras 3 side of the OrbaxCheckpoint comparison, run in a subprocess (``KERAS_BACKEND=jax``).

``python keras_orbax_side.py DIR``: reads ``DIR/data.npz`` (``x``, ``y``), trains the model of
:func:`build` with Keras's ``OrbaxCheckpoint`` twice -- per epoch into ``DIR/keras_epoch``
(3 epochs, ``max_to_keep=2``) and every 3 batches into ``DIR/keras_batch`` (2 epochs, then 1 more
with the same callback, ``max_to_keep=None``) -- and saves the epoch run's predictions
(``DIR/keras_pred.npy``). It then restores the dlx-written ``DIR/dlx_epoch`` into a Keras model
with ``load_weights`` and saves its predictions (``DIR/keras_reads_dlx.npy``).

:func:`build` takes the library as an argument, so the test builds the same model with dlx.
"""

from __future__ import annotations

import os
import sys

import numpy as np


def build(K):
    """The compared model: named layers and optimizer, so both libraries give the same paths."""
    L = K.layers
    model = K.Sequential([K.Input((4,)), L.Dense(8, activation="tanh", name="hidden"),
                          L.BatchNormalization(name="norm"), L.Dense(1, name="out")], name="net")
    model.compile(K.optimizers.Adam(0.01, name="adam"), "mse", metrics=["mae"])
    return model


def fit_runs(K, folder, prefix):
    """The two checkpointed runs; returns the epoch-run model."""
    with np.load(os.path.join(folder, "data.npz")) as f:
        x, y = f["x"], f["y"]
    model = build(K)
    cb = K.callbacks.OrbaxCheckpoint(os.path.join(folder, f"{prefix}_epoch"), max_to_keep=2)
    model.fit(x, y, epochs=3, batch_size=8, callbacks=[cb], verbose=0, shuffle=False)
    other = build(K)
    cb = K.callbacks.OrbaxCheckpoint(os.path.join(folder, f"{prefix}_batch"), save_freq=3, max_to_keep=None)
    other.fit(x, y, epochs=2, batch_size=8, callbacks=[cb], verbose=0, shuffle=False)
    other.fit(x, y, epochs=1, batch_size=8, callbacks=[cb], verbose=0, shuffle=False)
    return model


def main(folder):
    import keras

    x = np.load(os.path.join(folder, "data.npz"))["x"]
    model = fit_runs(keras, folder, "keras")
    np.save(os.path.join(folder, "keras_pred.npy"), model.predict(x, verbose=0))
    reader = build(keras)
    reader.load_weights(os.path.join(folder, "dlx_epoch"))
    np.save(os.path.join(folder, "keras_reads_dlx.npy"), reader.predict(x, verbose=0))


if __name__ == "__main__":
    main(sys.argv[1])
