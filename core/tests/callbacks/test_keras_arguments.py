"""Callback arguments as Keras 3 has them: TerminateOnNaN(raise_error), TensorBoard's
write_graph / write_steps_per_second (written) and write_images / profile_batch / embeddings
(refused with a clear error), ReduceLROnPlateau's keyword handling."""

from __future__ import annotations

import json
import os
import struct

import numpy as np
import pytest

import dlx as keras


def read_records(path):
    with open(path, "rb") as fh:
        data = fh.read()
    out, i = [], 0
    while i < len(data):
        (n,) = struct.unpack("<Q", data[i:i + 8])
        out.append(data[i + 12:i + 12 + n])
        i += 16 + n
    return out


@pytest.fixture
def fitted(numpy_backend):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    return model, x, x.sum(axis=1, keepdims=True)


def test_terminate_on_nan_raise_error_raises_and_skips_cleanup(fitted):
    model, x, y = fitted
    y = y.copy()
    y[8:] = np.nan
    ended = []
    cb = keras.callbacks.LambdaCallback(on_train_end=lambda logs: ended.append(True))
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 1"):
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0,
                  callbacks=[keras.callbacks.TerminateOnNaN(raise_error=True), cb])
    assert ended == []  # as in Keras: the raise bypasses on_train_end


def test_terminate_on_nan_default_stops_gracefully(fitted, capsys):
    model, x, y = fitted
    y = y.copy()
    y[8:] = np.nan
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[keras.callbacks.TerminateOnNaN()])
    assert int(model.optimizer.iterations.numpy()) == 2
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def _events(directory):
    try:  # the official Event protobuf: tensorboard's copy, else TensorFlow's
        from tensorboard.compat.proto import event_pb2
    except ImportError:
        event_pb2 = pytest.importorskip("tensorflow.core.util.event_pb2")

    (name,) = os.listdir(directory)
    return [event_pb2.Event.FromString(r) for r in read_records(os.path.join(directory, name))]


def test_tensorboard_writes_the_model_graph_and_steps_per_second(fitted, tmp_path):
    model, x, y = fitted
    tb = keras.callbacks.TensorBoard(str(tmp_path), write_graph=True, write_steps_per_second=True)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[tb])
    values = [(e.step, v) for e in _events(tmp_path / "train") for v in e.summary.value]
    graphs = [v for _, v in values if v.tag == "keras"]
    assert len(graphs) == 1
    assert graphs[0].metadata.plugin_data.plugin_name == "graph_keras_model"
    config = json.loads(graphs[0].tensor.string_val[0].decode())
    assert config["class_name"] == "Sequential"
    assert [la["class_name"] for la in config["config"]["layers"]][-2:] == ["Dense", "Dense"]
    rates = [v.simple_value for step, v in values if v.tag == "epoch_steps_per_second"]
    assert len(rates) == 2 and all(r > 0 for r in rates)


def test_tensorboard_refuses_what_it_cannot_write(tmp_path):
    with pytest.raises(ValueError, match="write_images"):
        keras.callbacks.TensorBoard(str(tmp_path), write_images=True)
    with pytest.raises(ValueError, match="profile_batch=5"):
        keras.callbacks.TensorBoard(str(tmp_path), profile_batch=5)
    with pytest.raises(ValueError, match="embeddings_freq=1"):
        keras.callbacks.TensorBoard(str(tmp_path), embeddings_freq=1)
    assert keras.callbacks.TensorBoard(str(tmp_path), update_freq="batch").update_freq == 1


def test_reduce_lr_on_plateau_keywords():
    assert keras.callbacks.ReduceLROnPlateau(epsilon=0.5).min_delta == 0.5  # tf.keras's old name
    with pytest.raises(TypeError, match="min_deltaa"):
        keras.callbacks.ReduceLROnPlateau(min_deltaa=0.1)
