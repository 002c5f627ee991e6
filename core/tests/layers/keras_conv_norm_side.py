"""Cases shared by ``test_conv_norm_keras.py`` and the Keras 3 subprocess it starts.

Each case builds a small Functional model from a Keras-compatible library ``K`` (``keras`` or
``dlx``), so the same line builds both. ``python keras_conv_norm_side.py FOLDER`` (with
``KERAS_BACKEND`` set) reads ``FOLDER/<case>.npz`` (inputs and weights written by the test from
dlx's model) and, per case:

- builds the model with Keras, sets dlx's weights, and records its outputs (``keras_out``); for a
  ``train`` case, two ``training=True`` calls, then the outputs and every weight after them;
- loads dlx's ``FOLDER/<case>.dlx.keras`` with ``keras.saving.load_model`` and records its
  outputs (``loaded_out``);
- saves its own model (dlx's weights, before any training call) as
  ``FOLDER/<case>.keras.keras`` for dlx to load.
"""

from __future__ import annotations

import sys

import numpy as np


def _conv_lstm(cls, *args, **kwargs):
    return lambda K, xs: getattr(K.layers, cls)(*args, **kwargs)(xs[0])


def _layer(cls, *args, **kwargs):
    return lambda K, xs: getattr(K.layers, cls)(*args, **kwargs)(xs[0])


#: name -> (build(K, inputs) -> outputs, input shapes without the batch dim, mode)
CASES = {
    "conv_lstm1d_sequences": (_conv_lstm("ConvLSTM1D", 3, 2, padding="same", return_sequences=True), [(4, 6, 2)],
                              "infer"),
    "conv_lstm2d_state_strided": (_conv_lstm("ConvLSTM2D", 2, (3, 2), strides=(2, 1), return_state=True),
                                  [(3, 7, 5, 2)], "infer"),
    "conv_lstm2d_backwards_cf": (_conv_lstm("ConvLSTM2D", 2, 3, data_format="channels_first", go_backwards=True,
                                            return_sequences=True, padding="same", activation="relu"),
                                 [(3, 2, 5, 4)], "infer"),
    "conv_lstm3d_dilated": (_conv_lstm("ConvLSTM3D", 2, 2, dilation_rate=(1, 2, 1), use_bias=False,
                                       unit_forget_bias=False), [(2, 3, 5, 3, 2)], "infer"),
    "batch_norm_renorm_train": (_layer("BatchNormalization", momentum=0.8, renorm=True, renorm_momentum=0.7,
                                       renorm_clipping={"rmax": 1.3, "rmin": 0.8, "dmax": 0.2}), [(3, 4)], "train"),
    "batch_norm_renorm_noclip_train": (_layer("BatchNormalization", axis=1, renorm=True, center=False), [(3, 2, 2)],
                                       "train"),
    "batch_norm_renorm_infer": (_layer("BatchNormalization", renorm=True), [(5,)], "infer"),
    "layer_norm_rms_scaling": (_layer("LayerNormalization", axis=[1, 2], rms_scaling=True), [(3, 4)], "infer"),
    "layer_norm": (_layer("LayerNormalization", epsilon=0.01, center=False), [(3, 4)], "infer"),
    "average_pooling2d": (_layer("AveragePooling2D", 3, 2, "same"), [(5, 6, 2)], "infer"),
    "average_pooling1d": (_layer("AvgPool1D", 2), [(5, 2)], "infer"),
    "max_pooling3d": (_layer("MaxPool3D", name="pool"), [(4, 4, 2, 1)], "infer"),
    "conv2d": (_layer("Conv2D", 3, 2, (1, 2), "same"), [(5, 6, 2)], "infer"),
    "conv3d_transpose_positional": (_layer("Conv3DTranspose", 2, 2, (1, 2, 1), "same", "channels_last", None),
                                    [(3, 2, 3, 2)], "infer"),
    "separable_conv2d": (_layer("SeparableConv2D", 3, 2, depth_multiplier=2), [(5, 4, 2)], "infer"),
    "depthwise_conv2d": (_layer("DepthwiseConv2D", 2, (2, 1), "valid", 2), [(5, 4, 3)], "infer"),
    "spatial_dropout1d": (_layer("SpatialDropout1D", 0.4, seed=3), [(4, 3)], "infer"),
    "spatial_dropout2d_cf": (_layer("SpatialDropout2D", 0.4, "channels_first"), [(3, 4, 2)], "infer"),
    "spatial_dropout3d": (_layer("SpatialDropout3D", 0.2), [(2, 3, 2, 2)], "infer"),
    "dot_function": (lambda K, xs: K.layers.dot(xs, axes=(2, 2), normalize=True), [(3, 4), (5, 4)], "infer"),
}


def model(K, name):
    build, shapes, _ = CASES[name]
    inputs = [K.Input(s) for s in shapes]
    return K.Model(inputs, build(K, inputs))


def inputs(name, n=3):
    rng = np.random.default_rng(sum(map(ord, name)))
    return [rng.standard_normal((n, *s)).astype("float32") for s in CASES[name][1]]


def as_list(y):
    if isinstance(y, (list, tuple)):
        return [v for item in y for v in as_list(item)]
    return [y]


def main(folder: str) -> None:
    import keras

    for name, (_, _, mode) in CASES.items():
        data = np.load(f"{folder}/{name}.npz")
        xs = [data[f"x{i}"] for i in range(len(CASES[name][1]))]
        m = model(keras, name)
        m.set_weights([data[f"w{i}"] for i in range(int(data["n_weights"]))])
        m.save(f"{folder}/{name}.keras.keras")  # before any training call
        out = {}
        if mode == "train":
            m(xs, training=True)
            ys = as_list(m(xs, training=True))
            out.update({f"weight{i}": keras.ops.convert_to_numpy(w) for i, w in enumerate(m.get_weights())})
        else:
            ys = as_list(m(xs))
        out.update({f"keras_out{i}": keras.ops.convert_to_numpy(y) for i, y in enumerate(ys)})
        loaded = keras.saving.load_model(f"{folder}/{name}.dlx.keras")
        out.update({f"loaded_out{i}": keras.ops.convert_to_numpy(y) for i, y in enumerate(as_list(loaded(xs)))})
        np.savez(f"{folder}/{name}.keras_out.npz", **out)


if __name__ == "__main__":
    main(sys.argv[1])
