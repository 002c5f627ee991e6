"""The Keras 3 side of the interop tests, run in a subprocess (``KERAS_BACKEND=jax``) so Keras's
backend choice never touches the test process.

``python keras_side.py write DIR``: builds every model in :data:`KINDS` with Keras, trains it one
epoch (so the optimizer has state), saves ``DIR/<kind>.keras`` and ``DIR/<kind>.weights.h5``,
the inputs ``DIR/<kind>.x.npz`` and Keras's predictions ``DIR/<kind>.keras_pred.npy``.

``python keras_side.py read DIR``: loads every dlx-written ``DIR/<kind>.dlx.keras`` with
``keras.saving.load_model`` and every ``DIR/<kind>.dlx.weights.h5`` into a fresh Keras model
built by :func:`build`, and saves both predictions on the stored inputs.

:func:`build` takes the library as an argument, so the dlx test builds the same models with
``import dlx as keras``.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

KINDS = ("mlp", "cnn", "lstm", "two_inputs")


def build(K, kind: str):
    """The interop model ``kind`` built with the Keras-compatible library ``K``."""
    L = K.layers
    if kind == "mlp":
        return K.Sequential([K.Input((6,)), L.Dense(16, activation="relu"), L.Dropout(0.2),
                             L.Dense(4, activation="softmax")])
    if kind == "cnn":
        return K.Sequential([K.Input((8, 8, 3)), L.Conv2D(4, 3, padding="same"), L.BatchNormalization(),
                             L.Activation("relu"), L.MaxPooling2D(), L.Flatten(), L.Dense(3)])
    if kind == "lstm":
        return K.Sequential([K.Input((5, 3)), L.LSTM(6, return_sequences=True), L.LSTM(4), L.Dense(2)])
    if kind == "two_inputs":
        a = K.Input((5,), name="a")
        b = K.Input((3,), name="b")
        x = L.Concatenate()([L.Dense(4, activation="tanh")(a), b])
        return K.Model([a, b], L.Dense(2)(x))
    raise ValueError(kind)


# Every layer dlx and Keras 3 share, as ``(id, factory(K) -> layer, input shapes without the batch
# dim (a list: one input per entry, a nested list: a list argument), integer-input bound or None)``.
CATALOG = [
    ("dense", lambda K: K.layers.Dense(4, activation="tanh"), [(5,)], None),
    ("einsum_dense", lambda K: K.layers.EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="de"), [(4, 5)], None),
    ("activation", lambda K: K.layers.Activation("gelu"), [(6,)], None),
    ("relu", lambda K: K.layers.ReLU(max_value=1.0, negative_slope=0.1), [(6,)], None),
    ("leaky_relu", lambda K: K.layers.LeakyReLU(negative_slope=0.2), [(6,)], None),
    ("elu", lambda K: K.layers.ELU(0.7), [(6,)], None),
    ("softmax", lambda K: K.layers.Softmax(), [(6,)], None),
    ("dropout", lambda K: K.layers.Dropout(0.5, seed=1), [(6,)], None),
    ("spatial_dropout1d", lambda K: K.layers.SpatialDropout1D(0.3), [(4, 3)], None),
    ("spatial_dropout2d", lambda K: K.layers.SpatialDropout2D(0.3), [(4, 4, 3)], None),
    ("gaussian_dropout", lambda K: K.layers.GaussianDropout(0.3), [(6,)], None),
    ("gaussian_noise", lambda K: K.layers.GaussianNoise(0.3), [(6,)], None),
    ("activity_regularization", lambda K: K.layers.ActivityRegularization(l1=0.01), [(6,)], None),
    ("flatten", lambda K: K.layers.Flatten(), [(3, 4)], None),
    ("reshape", lambda K: K.layers.Reshape((3, -1)), [(4, 3)], None),
    ("permute", lambda K: K.layers.Permute((2, 1)), [(4, 3)], None),
    ("repeat_vector", lambda K: K.layers.RepeatVector(3), [(4,)], None),
    ("identity", lambda K: K.layers.Identity(), [(4,)], None),
    ("masking", lambda K: K.layers.Masking(0.0), [(4, 3)], None),
    ("embedding", lambda K: K.layers.Embedding(10, 4), [(5,)], 10),
    ("conv1d", lambda K: K.layers.Conv1D(4, 3, padding="causal"), [(7, 3)], None),
    ("conv2d", lambda K: K.layers.Conv2D(4, 3, strides=2, padding="same", activation="relu"), [(6, 6, 3)], None),
    ("conv2d_groups", lambda K: K.layers.Conv2D(4, 3, groups=2), [(6, 6, 4)], None),
    ("conv3d", lambda K: K.layers.Conv3D(2, 2), [(4, 4, 4, 2)], None),
    ("conv1d_transpose", lambda K: K.layers.Conv1DTranspose(3, 3, strides=2), [(5, 2)], None),
    ("conv2d_transpose", lambda K: K.layers.Conv2DTranspose(3, 3, strides=2, padding="same"), [(4, 4, 2)], None),
    ("conv3d_transpose", lambda K: K.layers.Conv3DTranspose(2, 2, strides=2), [(3, 3, 3, 2)], None),
    ("depthwise_conv1d", lambda K: K.layers.DepthwiseConv1D(3, depth_multiplier=2), [(7, 3)], None),
    ("depthwise_conv2d", lambda K: K.layers.DepthwiseConv2D(3, depth_multiplier=2), [(6, 6, 3)], None),
    ("separable_conv1d", lambda K: K.layers.SeparableConv1D(4, 3), [(7, 3)], None),
    ("separable_conv2d", lambda K: K.layers.SeparableConv2D(4, 3, padding="same"), [(6, 6, 3)], None),
    ("max_pooling1d", lambda K: K.layers.MaxPooling1D(2), [(8, 3)], None),
    ("max_pooling2d", lambda K: K.layers.MaxPooling2D(2, strides=1, padding="same"), [(5, 5, 2)], None),
    ("max_pooling3d", lambda K: K.layers.MaxPooling3D(2), [(4, 4, 4, 2)], None),
    ("average_pooling1d", lambda K: K.layers.AveragePooling1D(3, strides=2, padding="same"), [(8, 3)], None),
    ("average_pooling2d", lambda K: K.layers.AveragePooling2D(2), [(6, 6, 2)], None),
    ("average_pooling3d", lambda K: K.layers.AveragePooling3D(2), [(4, 4, 4, 2)], None),
    ("global_max_pooling1d", lambda K: K.layers.GlobalMaxPooling1D(), [(5, 3)], None),
    ("global_average_pooling1d", lambda K: K.layers.GlobalAveragePooling1D(), [(5, 3)], None),
    ("global_max_pooling2d", lambda K: K.layers.GlobalMaxPooling2D(keepdims=True), [(4, 5, 3)], None),
    ("global_average_pooling2d", lambda K: K.layers.GlobalAveragePooling2D(), [(4, 5, 3)], None),
    ("global_max_pooling3d", lambda K: K.layers.GlobalMaxPooling3D(), [(3, 3, 3, 2)], None),
    ("global_average_pooling3d", lambda K: K.layers.GlobalAveragePooling3D(), [(3, 3, 3, 2)], None),
    ("batch_normalization", lambda K: K.layers.BatchNormalization(), [(5,)], None),
    ("layer_normalization", lambda K: K.layers.LayerNormalization(), [(8,)], None),
    ("group_normalization", lambda K: K.layers.GroupNormalization(groups=2), [(5, 6)], None),
    ("rms_normalization", lambda K: K.layers.RMSNormalization(), [(8,)], None),
    ("zero_padding1d", lambda K: K.layers.ZeroPadding1D((1, 2)), [(4, 2)], None),
    ("zero_padding2d", lambda K: K.layers.ZeroPadding2D(((1, 0), (2, 1))), [(3, 4, 2)], None),
    ("up_sampling1d", lambda K: K.layers.UpSampling1D(2), [(3, 2)], None),
    ("up_sampling2d", lambda K: K.layers.UpSampling2D((2, 3)), [(3, 2, 2)], None),
    ("cropping1d", lambda K: K.layers.Cropping1D((1, 2)), [(6, 2)], None),
    ("cropping2d", lambda K: K.layers.Cropping2D(((1, 0), (1, 2))), [(4, 5, 2)], None),
    ("add", lambda K: K.layers.Add(), [[(4,), (4,), (4,)]], None),
    ("subtract", lambda K: K.layers.Subtract(), [[(4,), (4,)]], None),
    ("multiply", lambda K: K.layers.Multiply(), [[(4,), (4,)]], None),
    ("average", lambda K: K.layers.Average(), [[(4,), (4,)]], None),
    ("maximum", lambda K: K.layers.Maximum(), [[(4,), (4,)]], None),
    ("minimum", lambda K: K.layers.Minimum(), [[(4,), (4,)]], None),
    ("concatenate", lambda K: K.layers.Concatenate(axis=1), [[(3, 4), (2, 4)]], None),
    ("dot", lambda K: K.layers.Dot(axes=(2, 2), normalize=True), [[(3, 4), (5, 4)]], None),
    ("multi_head_attention", lambda K: K.layers.MultiHeadAttention(2, 3), [(4, 5), (3, 5)], None),
    ("simple_rnn", lambda K: K.layers.SimpleRNN(3), [(4, 5)], None),
    ("lstm", lambda K: K.layers.LSTM(3, return_sequences=True, go_backwards=True), [(4, 5)], None),
    ("gru", lambda K: K.layers.GRU(3), [(4, 5)], None),
    ("gru_reset_before", lambda K: K.layers.GRU(3, reset_after=False, return_sequences=True), [(4, 5)], None),
    ("rnn_stacked_cells", lambda K: K.layers.RNN(K.layers.StackedRNNCells([K.layers.LSTMCell(3),
                                                                             K.layers.GRUCell(2)])), [(4, 5)], None),
    ("bidirectional", lambda K: K.layers.Bidirectional(K.layers.LSTM(3, return_sequences=True)), [(4, 5)], None),
    ("time_distributed", lambda K: K.layers.TimeDistributed(K.layers.Dense(3)), [(4, 5)], None),
    ("prelu", lambda K: K.layers.PReLU(alpha_initializer="glorot_uniform", shared_axes=[1]), [(3, 4)], None),
    ("unit_normalization", lambda K: K.layers.UnitNormalization(axis=[1, 2]), [(3, 4)], None),
    ("alpha_dropout", lambda K: K.layers.AlphaDropout(0.3, seed=2), [(6,)], None),
    ("spatial_dropout3d", lambda K: K.layers.SpatialDropout3D(0.3), [(2, 2, 2, 3)], None),
    ("cropping3d", lambda K: K.layers.Cropping3D(((1, 0), (0, 1), (1, 1))), [(3, 3, 4, 2)], None),
    ("zero_padding3d", lambda K: K.layers.ZeroPadding3D((1, 0, 2)), [(2, 2, 2, 2)], None),
    ("up_sampling3d", lambda K: K.layers.UpSampling3D((2, 1, 3)), [(2, 2, 2, 2)], None),
    ("up_sampling2d_bilinear", lambda K: K.layers.UpSampling2D((2, 3), interpolation="bilinear"), [(3, 4, 2)],
     None),
    ("up_sampling2d_bicubic", lambda K: K.layers.UpSampling2D(2, interpolation="bicubic"), [(4, 3, 2)], None),
    ("up_sampling2d_lanczos3", lambda K: K.layers.UpSampling2D(3, interpolation="lanczos3"), [(4, 5, 1)], None),
    ("up_sampling2d_lanczos5", lambda K: K.layers.UpSampling2D(2, interpolation="lanczos5"), [(6, 5, 1)], None),
    ("adaptive_average_pooling1d", lambda K: K.layers.AdaptiveAveragePooling1D(3), [(7, 2)], None),
    ("adaptive_max_pooling1d", lambda K: K.layers.AdaptiveMaxPooling1D(4), [(7, 2)], None),
    ("adaptive_average_pooling2d", lambda K: K.layers.AdaptiveAveragePooling2D((2, 3)), [(5, 7, 2)], None),
    ("adaptive_max_pooling2d", lambda K: K.layers.AdaptiveMaxPooling2D(3), [(5, 7, 2)], None),
    ("adaptive_average_pooling3d", lambda K: K.layers.AdaptiveAveragePooling3D((2, 2, 3)), [(3, 5, 4, 2)], None),
    ("adaptive_max_pooling3d", lambda K: K.layers.AdaptiveMaxPooling3D((2, 3, 2)), [(3, 5, 4, 2)], None),
    ("attention", lambda K: K.layers.Attention(use_scale=True), [[(4, 5), (3, 5)]], None),
    ("attention_concat", lambda K: K.layers.Attention(score_mode="concat"), [[(4, 5), (3, 5), (3, 5)]], None),
    ("additive_attention", lambda K: K.layers.AdditiveAttention(), [[(4, 5), (3, 5)]], None),
    ("group_query_attention", lambda K: K.layers.GroupQueryAttention(3, 4, 2), [(4, 5), (3, 5)], None),
    ("group_query_attention_gate_window", lambda K: K.layers.GroupQueryAttention(2, 2, 1, use_gate=True,
                                                                                 sliding_window=2),
     [(4, 5), (4, 5), (4, 5)], None),
    ("spectral_normalization", lambda K: K.layers.SpectralNormalization(K.layers.Dense(3), power_iterations=2),
     [(5,)], None),
    ("multi_head_attention_gate_window", lambda K: K.layers.MultiHeadAttention(2, 3, use_gate=True,
                                                                               sliding_window=2),
     [(4, 5), (4, 5)], None),
    ("reversible_embedding", lambda K: K.layers.ReversibleEmbedding(10, 4, tie_weights=False), [(5,)], 10),
]

# the catalog entries added for Keras parity (their Keras files are also loaded on jax/torch/tf)
ADDED_LAYERS = frozenset(e[0] for e in CATALOG[CATALOG.index(next(e for e in CATALOG if e[0] == "prelu")):])


def catalog_model(K, entry):
    """A Functional model around one catalog layer (``K`` is keras or dlx)."""
    _, factory, shapes, _ = entry
    layer = factory(K)
    args, inputs = [], []
    for s in shapes:
        if isinstance(s, list):
            group = [K.Input(x) for x in s]
            inputs += group
            args.append(group)
        else:
            t = K.Input(s, dtype="int32") if entry[3] else K.Input(s)
            inputs.append(t)
            args.append(t)
    out = layer(*args)
    return K.Model(inputs[0] if len(inputs) == 1 else inputs, out)


def catalog_inputs(entry, seed: int = 0, n: int = 3) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    flat = [x for s in entry[2] for x in (s if isinstance(s, list) else [s])]
    if entry[3]:
        return [rng.integers(0, entry[3], (n, *s)).astype("int32") for s in flat]
    return [rng.standard_normal((n, *s)).astype("float32") for s in flat]


def perturb(model, seed: int = 2) -> None:
    """Moves every float weight away from its initial value (BN statistics stay positive)."""
    rng = np.random.default_rng(seed)
    for layer in _all_layers(model):
        ws = layer.get_weights()
        if not ws:
            continue
        new = []
        for v, w in zip(layer.weights, ws):
            w = np.asarray(w)
            if w.dtype.kind == "f":
                w = w + 0.1 * rng.standard_normal(w.shape).astype(w.dtype)
                if "variance" in v.name:
                    w = np.abs(w) + 0.5
            new.append(w)
        layer.set_weights(new)


def _all_layers(model):
    return [la for la in model.layers if la.weights]


def inputs(model, seed: int = 0, n: int = 8) -> list[np.ndarray]:
    """Random float32 inputs for every model input."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n, *tuple(t.shape[1:]))).astype("float32") for t in model.inputs]


def _x(xs):
    return xs[0] if len(xs) == 1 else list(xs)


def _outs(y):
    return [np.asarray(v) for v in (y if isinstance(y, (list, tuple)) else [y])]


def write(folder: str) -> None:
    import keras

    keras.utils.set_random_seed(1)
    for entry in CATALOG:
        m = catalog_model(keras, entry)
        perturb(m)
        xs = catalog_inputs(entry)
        m.save(os.path.join(folder, f"cat_{entry[0]}.keras"))
        np.savez(os.path.join(folder, f"cat_{entry[0]}.keras_pred.npz"), *_outs(m(_x(xs), training=False)))
    for kind in KINDS:
        m = build(keras, kind)
        xs = inputs(m)
        m.compile(optimizer="adam", loss="mse")
        y = np.asarray(m.predict(_x(xs), verbose=0))
        m.fit(_x(xs), y * 0.5 + 0.1, epochs=2, batch_size=4, verbose=0)
        m.save(os.path.join(folder, f"{kind}.keras"))
        m.save_weights(os.path.join(folder, f"{kind}.weights.h5"))
        np.savez(os.path.join(folder, f"{kind}.x.npz"), *xs)
        np.save(os.path.join(folder, f"{kind}.keras_pred.npy"), np.asarray(m.predict(_x(xs), verbose=0)))
        opt = [np.asarray(v) for v in m.optimizer.variables]
        np.savez(os.path.join(folder, f"{kind}.keras_opt.npz"), *opt)


def read(folder: str) -> None:
    import keras

    report = {}
    for entry in CATALOG:
        name = entry[0]
        xs = catalog_inputs(entry)
        try:
            m = keras.saving.load_model(os.path.join(folder, f"cat_{name}.dlx.keras"))
            np.savez(os.path.join(folder, f"cat_{name}.keras_from_dlx.npz"), *_outs(m(_x(xs), training=False)))
        except Exception as e:  # reported to the test, which fails naming the layer
            report[f"cat_{name}"] = f"{type(e).__name__}: {e}"
    for kind in KINDS:
        with np.load(os.path.join(folder, f"{kind}.x.npz")) as f:
            xs = [f[f"arr_{i}"] for i in range(len(f.files))]
        m = keras.saving.load_model(os.path.join(folder, f"{kind}.dlx.keras"))
        np.save(os.path.join(folder, f"{kind}.keras_from_dlx.npy"), np.asarray(m.predict(_x(xs), verbose=0)))
        report[kind] = {"optimizer": type(m.optimizer).__name__ if m.optimizer is not None else None,
                        "iterations": int(np.asarray(m.optimizer.iterations)) if m.optimizer is not None else None}
        fresh = build(keras, kind)
        fresh.load_weights(os.path.join(folder, f"{kind}.dlx.weights.h5"))
        np.save(os.path.join(folder, f"{kind}.keras_from_dlx_weights.npy"),
                np.asarray(fresh.predict(_x(xs), verbose=0)))
    with open(os.path.join(folder, "keras_read.json"), "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](sys.argv[2])
