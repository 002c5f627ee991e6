"""keras.utils as Keras 3 has it: to_categorical, normalize, pad_sequences against Keras's own
results (computed in a subprocess); Progbar, Config, the registration helpers, clear_session,
interactive logging, and the epoch / step caps of keras.config."""

from __future__ import annotations

import importlib.util
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
import dlx as keras

HERE = Path(__file__).parent


def _cases():
    spec = importlib.util.spec_from_file_location("dlx_utils_keras_reference", HERE / "keras_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


CASES = _cases()


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    if importlib.util.find_spec("keras") is None:
        pytest.skip("keras is not installed (a test-only dependency)")
    out = tmp_path_factory.mktemp("keras_utils") / "ref.npz"
    env = {**os.environ, "KERAS_BACKEND": "jax"}  # NumPy inputs take the NumPy path there
    subprocess.run([sys.executable, str(HERE / "keras_reference.py"), str(out)], check=True, env=env)
    with np.load(out, allow_pickle=True) as f:
        return {k: f[k] for k in f.files}


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_result_as_keras(case, keras_results):
    got = np.asarray(CASES[case](keras))
    want = keras_results[case]
    assert got.shape == want.shape
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if want.dtype == object:
        assert got.tolist() == want.tolist()
    else:
        np.testing.assert_allclose(got, want, rtol=1e-7)


def test_normalize_along_axis_0_divides_each_column_by_its_norm():
    x = np.array([[3.0, -4.0], [1.0, 2.0]])
    want = x / np.array([[4.0, 6.0]])  # L1 norms of the columns
    np.testing.assert_allclose(keras.utils.normalize(x, axis=0, order=1), want)


def test_to_categorical_errors_name_the_problem():
    with pytest.raises(ValueError, match="num_classes=2"):
        keras.utils.to_categorical([0, 2], num_classes=2)
    with pytest.raises(ValueError, match="integer class indices"):
        keras.utils.to_categorical([0.5, 1.0])


def test_to_categorical_on_a_backend_tensor(numpy_backend):
    x = dlx.ops.convert_to_tensor(np.array([[2], [0]], dtype="int32"))
    np.testing.assert_array_equal(dlx.ops.convert_to_numpy(keras.utils.to_categorical(x, 3)), [[0, 0, 1], [1, 0, 0]])


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match="padding='middle'"):
        keras.utils.pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match=r"sequences\[1\]"):
        keras.utils.pad_sequences([[1], 5])


def test_progbar_averages_over_steps_except_stateful_metrics():
    bar = keras.utils.Progbar(10, verbose=0, stateful_metrics=["acc"])
    bar.update(1, [("loss", 1.0), ("acc", 0.5)])
    bar.update(3, [("loss", 4.0), ("acc", 0.7)])  # 2 steps at 4.0: mean (1*1 + 2*4) / 3
    total, count = bar._sums["loss"]
    assert total / count == pytest.approx(3.0)
    assert bar._sums["acc"] == (0.7, 1)
    bar.add(2, [("loss", 0.0)])
    assert bar._seen_so_far == 5
    total, count = bar._sums["loss"]
    assert total / count == pytest.approx(9.0 / 5)
    with pytest.raises(ValueError, match="not both"):
        keras.utils.Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])


def test_progbar_prints_the_averages(capsys):
    bar = keras.utils.Progbar(2, verbose=2)
    bar.update(1, [("loss", 2.0)])
    bar.update(2, [("loss", 4.0)])
    out = capsys.readouterr().out
    assert "2/2" in out and "loss: 4.0000" in out  # the final update shows the last value, as Keras does


def test_config_object():
    c = keras.utils.Config(learning_rate=0.1)
    c.seed = 7
    c["momentum"] = 0.9
    assert (c.seed, c["learning_rate"], c.get("missing", 3)) == (7, 0.1, 3)
    assert c.as_dict() == {"learning_rate": 0.1, "seed": 7, "momentum": 0.9}
    assert c.to_json() == '{"learning_rate": 0.1, "seed": 7, "momentum": 0.9}'
    c.freeze()
    assert c.frozen
    with pytest.raises(ValueError, match="frozen"):
        c.seed = 8
    with pytest.raises(ValueError, match="frozen"):
        c.update(a=1)
    c.unfreeze()
    c.seed = 8
    assert c.seed == 8
    with pytest.raises(AttributeError, match="nothing"):
        _ = c.nothing


def test_registration_helpers_round_trip():
    @keras.utils.register_keras_serializable(package="compat_test")
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    assert keras.utils.get_registered_name(Scale) == "compat_test>Scale"
    assert keras.utils.get_registered_object("compat_test>Scale") is Scale
    config = keras.utils.serialize_keras_object(Scale(3.0, name="s"))
    restored = keras.utils.deserialize_keras_object(config)
    assert isinstance(restored, Scale) and restored.factor == 3.0


def test_custom_object_scope_takes_one_dict():
    class Thing:
        pass

    with keras.utils.custom_object_scope({"Thing": Thing}):
        assert keras.utils.get_custom_objects() is not None
        assert keras.utils.get_registered_object("Thing") is Thing
    assert keras.utils.get_registered_object("Thing") is None
    with pytest.raises(TypeError, match="dict"):
        keras.utils.CustomObjectScope(["Thing"])


def test_get_source_inputs_and_is_keras_tensor():
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    y = keras.layers.Dense(2)(keras.layers.Add()([a, keras.layers.Dense(3)(b)]))
    sources = keras.utils.get_source_inputs(y)
    assert len(sources) == 2 and sources[0] is a and sources[1] is b
    assert keras.utils.is_keras_tensor(y) and not keras.utils.is_keras_tensor(np.ones(3))


def test_clear_session_restarts_layer_names():
    keras.utils.clear_session()
    assert keras.layers.Dense(1).name == "dense"
    assert keras.layers.Dense(1).name == "dense_1"
    keras.utils.clear_session(free_memory=False)
    assert keras.layers.Dense(1).name == "dense"


@pytest.fixture
def tiny_model(numpy_backend):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_disable_interactive_logging_routes_to_logging(tiny_model, capsys, caplog):
    x, y = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
    keras.config.disable_interactive_logging()
    try:
        assert not keras.utils.is_interactive_logging_enabled()
        with caplog.at_level(logging.INFO, logger="dlx"):
            tiny_model.fit(x, y, epochs=1, batch_size=4, verbose=1)
    finally:
        keras.config.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert any("Epoch 1/1" in r.getMessage() for r in caplog.records)
    assert any("2/2" in r.getMessage() and "loss" in r.getMessage() for r in caplog.records)


def test_max_epochs_and_steps_cap_fit_and_evaluate(tiny_model):
    x, y = np.ones((40, 2), "float32"), np.ones((40, 1), "float32")
    batches = []
    cb = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batches.append(b))
    keras.config.set_max_epochs(2)
    keras.config.set_max_steps_per_epoch(3)
    try:
        history = tiny_model.fit(x, y, epochs=10, batch_size=4, verbose=0, callbacks=[cb])
        seen = []
        tiny_model.evaluate(x, y, batch_size=4, verbose=0,
                            callbacks=[keras.callbacks.LambdaCallback(on_test_batch_end=lambda b, logs: seen.append(b))])
    finally:
        keras.config.set_max_epochs(None)
        keras.config.set_max_steps_per_epoch(None)
    assert len(history.history["loss"]) == 2
    assert batches == [0, 1, 2, 0, 1, 2]
    assert seen == [0, 1, 2]
    with pytest.raises(ValueError, match="max_epochs=0"):
        keras.config.set_max_epochs(0)


def test_config_names_keras_uses():
    assert keras.config.floatx() == "float32"
    keras.config.set_image_data_format("channels_first")
    try:
        assert keras.backend.image_data_format() == "channels_first"
    finally:
        keras.config.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="data_format='nchw'"):
        keras.config.set_image_data_format("nchw")
    assert keras.config.is_flash_attention_enabled() is None
    assert keras.config.is_nnx_enabled() is False
    assert str(keras.config.dtype_policy().name) == "float32"


def test_standardize_dtype_and_pack_unpack():
    assert keras.utils.standardize_dtype(np.float32) == "float32"
    x, y, sw = keras.utils.unpack_x_y_sample_weight(keras.utils.pack_x_y_sample_weight(1, 2))
    assert (x, y, sw) == (1, 2, None)


def test_sequence_is_pydataset():
    assert keras.utils.Sequence is keras.utils.PyDataset
    s = io.StringIO()
    assert s.getvalue() == ""
