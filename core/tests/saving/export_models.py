"""The four models of the export matrix (MNIST-style CNN, LSTM text classifier, transformer encoder
block, ResNet-style CNN), small, each trained a few steps on generated data on the current backend.

Shared by ``test_export_matrix.py`` and ``bench/export_latency.py`` (loaded by file path)."""

from __future__ import annotations

import numpy as np

KINDS = ("cnn", "lstm", "transformer", "resnet")
SEQ_LEN = 12  # the LSTM's fixed sequence length (the RNN layers unroll over known timesteps)
VOCAB = 50


def build(K, kind: str):
    """The model ``kind`` built with the Keras-like module ``K`` (dlx or keras)."""
    L = K.layers
    if kind == "cnn":
        return K.Sequential([
            K.Input((28, 28, 1)),
            L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D(2),
            L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D(2),
            L.Flatten(), L.Dropout(0.3), L.Dense(10, activation="softmax"),
        ], name="mnist_cnn")
    if kind == "lstm":
        return K.Sequential([
            K.Input((SEQ_LEN,), dtype="int32"),
            L.Embedding(VOCAB, 8), L.LSTM(8), L.Dense(2, activation="softmax"),
        ], name="lstm_text")
    if kind == "transformer":
        x_in = K.Input((None, 16))
        att = L.MultiHeadAttention(num_heads=2, key_dim=8)(x_in, x_in)
        h = L.LayerNormalization(epsilon=1e-6)(L.Add()([x_in, L.Dropout(0.1)(att)]))
        ff = L.Dense(16)(L.Dense(32, activation="relu")(h))
        h = L.LayerNormalization(epsilon=1e-6)(L.Add()([h, ff]))
        out = L.Dense(3, activation="softmax")(L.GlobalAveragePooling1D()(h))
        return K.Model(x_in, out, name="transformer_block")
    if kind == "resnet":
        x_in = K.Input((16, 16, 3))
        x = L.Conv2D(8, 3, padding="same")(x_in)
        x = L.Activation("relu")(L.BatchNormalization()(x))
        for _ in range(2):
            y = L.Conv2D(8, 3, padding="same")(x)
            y = L.Activation("relu")(L.BatchNormalization()(y))
            y = L.BatchNormalization()(L.Conv2D(8, 3, padding="same")(y))
            x = L.Activation("relu")(L.Add()([x, y]))
        out = L.Dense(4, activation="softmax")(L.GlobalAveragePooling2D()(x))
        return K.Model(x_in, out, name="resnet_small")
    raise ValueError(f"unknown kind {kind!r}")


def data(kind: str, n: int, seed: int = 0):
    """``(x, y)`` for ``kind``: generated inputs (sequence length 10 for the transformer) and labels."""
    rng = np.random.default_rng(seed)
    if kind == "cnn":
        return rng.random((n, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, n)
    if kind == "lstm":
        return rng.integers(0, VOCAB, (n, SEQ_LEN)).astype("int32"), rng.integers(0, 2, n)
    if kind == "transformer":
        return rng.standard_normal((n, 10, 16), dtype=np.float32), rng.integers(0, 3, n)
    return rng.random((n, 16, 16, 3), dtype=np.float32), rng.integers(0, 4, n)


def trained(K, kind: str, steps: int = 3, seed: int = 1, eager: bool = False):
    """``kind`` built with ``K`` and trained ``steps`` batches of 8 (adam, so BatchNormalization's
    moving statistics and every weight move away from their initial values); ``eager=True`` runs the
    steps without compilation."""
    K.utils.set_random_seed(seed)
    model = build(K, kind)
    model.compile(optimizer=K.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", run_eagerly=eager)
    x, y = data(kind, 8 * steps, seed)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    return model
