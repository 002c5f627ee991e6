"""Metrics given to ``compile`` by string are named by that string in the logs, as Keras 3 names
them (``history.history["mae"]``, a pattern of many keras.io programs); their state variables keep
the name the metric was created with (Keras's ``get_state_tree`` layout). The expected names are
what Keras 3.15.1 gives for the same ``compile`` call (measured on its jax backend)."""

from __future__ import annotations

import numpy as np

import dlx as keras


def test_string_metrics_keep_their_names(training_backend):
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    y = x.sum(1, keepdims=True)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("adam", "mse", metrics=["mae", "mse", keras.metrics.RootMeanSquaredError(), "accuracy"])
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0, validation_split=0.25)
    assert sorted(history.history) == ["accuracy", "loss", "mae", "mse", "root_mean_squared_error", "val_accuracy",
                                       "val_loss", "val_mae", "val_mse", "val_root_mean_squared_error"]
    pred = model.predict(x[12:], verbose=0)
    np.testing.assert_allclose(history.history["val_mae"][0], np.abs(pred - y[12:]).mean(), rtol=1e-5)
    state = model.get_state_tree("numpy_array")["metrics_variables"]
    assert sorted(state) == ["accuracy", "loss", "mean_absolute_error", "mean_squared_error",
                             "root_mean_squared_error"]
