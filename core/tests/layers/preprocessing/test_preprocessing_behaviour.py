"""Preprocessing layers beyond the Keras output comparison: no TensorFlow import, vocabulary
files, callables, adapt on iterables, saving details, errors, and use inside a trained model."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import dlx
from dlx import layers


def _np(x):
    return np.asarray(dlx.ops.convert_to_numpy(x))


@pytest.mark.parametrize("backend_name", ["jax", "torch"])
def test_text_and_lookup_layers_import_no_tensorflow(backend_name):
    code = textwrap.dedent(f"""
        import sys
        import numpy as np
        import dlx
        with dlx.backend.use({backend_name!r}):
            tv = dlx.layers.TextVectorization(output_mode="tf_idf", ngrams=2)
            tv.adapt(["a b c", "b c d"])
            tv(["a b", "d"])
            tv2 = dlx.layers.TextVectorization(output_sequence_length=3)
            tv2.adapt(["x y", "y z"])
            tv2(["y x q"])
            sl = dlx.layers.StringLookup(num_oov_indices=2)
            sl.adapt(np.array(["p", "q", "p"]))
            sl(["p", "zz"])
            dlx.layers.StringLookup(vocabulary=["p"], invert=True)(np.array([0, 1]))
            il = dlx.layers.IntegerLookup(output_mode="multi_hot")
            il.adapt(np.array([1, 2, 2]))
            il(np.array([[1, 5]]))
            dlx.layers.Hashing(5, salt=3)(["a"])
            dlx.layers.HashedCrossing(5)((np.array(["a"]), np.array([1])))
        bad = sorted(m for m in sys.modules if m == "tensorflow" or m.startswith("tensorflow."))
        assert not bad, bad[:5]
        print("ok")
    """)
    env = {k: v for k, v in os.environ.items() if k != "DLX_BACKEND"}
    proc = subprocess.run([sys.executable, "-W", "ignore::RuntimeWarning", "-c", code], capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr[-4000:]


def test_vocabulary_file_and_get_vocabulary(numpy_backend, tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("earth\nwind\nfire\n", encoding="utf-8")
    sl = layers.StringLookup(vocabulary=str(path))
    assert sl.get_vocabulary() == ["[UNK]", "earth", "wind", "fire"]
    assert _np(sl(["fire", "water"])).tolist() == [3, 0]
    assert sl.get_config()["vocabulary"] is None  # a file vocabulary travels as an asset, as in Keras
    m = dlx.Sequential([sl])
    m.save(tmp_path / "m.keras")
    back = dlx.models.load_model(tmp_path / "m.keras").layers[0]
    assert back.get_vocabulary() == sl.get_vocabulary()
    with pytest.raises(ValueError, match="does not exist"):
        layers.StringLookup(vocabulary=str(tmp_path / "missing.txt"))


def test_empty_string_token_survives_a_dlx_round_trip(numpy_backend, tmp_path):
    sl = layers.StringLookup()
    sl.adapt(np.array(["b", "a", "a", ""]))
    assert sl.get_vocabulary()[-1] == ""
    dlx.Sequential([sl]).save(tmp_path / "m.keras")
    back = dlx.models.load_model(tmp_path / "m.keras").layers[0]
    assert back.get_vocabulary() == sl.get_vocabulary()
    assert _np(back(["", "a", "zz"])).tolist() == _np(sl(["", "a", "zz"])).tolist() == [3, 1, 0]


def test_callable_standardize_and_split_and_config(numpy_backend, tmp_path):
    @dlx.saving.register_keras_serializable(package="t")
    def upper(x):
        return np.char.upper(x)

    @dlx.saving.register_keras_serializable(package="t")
    def on_comma(x):
        return [s.split(",") for s in x.tolist()]

    tv = layers.TextVectorization(standardize=upper, split=on_comma)
    tv.adapt(["a,b,b", "c,b"])
    assert tv.get_vocabulary() == ["", "[UNK]", "B", "C", "A"]
    assert _np(tv(["b,a,q", "c"])).tolist() == [[2, 4, 1], [3, 0, 0]]
    dlx.Sequential([tv]).save(tmp_path / "tv.keras")
    back = dlx.models.load_model(tmp_path / "tv.keras").layers[0]
    assert back._standardize is upper and back._split is on_comma
    assert _np(back(["b,a,q", "c"])).tolist() == [[2, 4, 1], [3, 0, 0]]


def test_adapt_on_generators_and_torch_loader(numpy_backend):
    words = np.array([["a"], ["b"], ["a"], ["c"], ["a"], ["b"]])
    whole = layers.StringLookup()
    whole.adapt(words)
    batched = layers.StringLookup()
    batched.adapt(words[i:i + 2] for i in range(0, 6, 2))
    assert batched.get_vocabulary() == whole.get_vocabulary() == ["[UNK]", "a", "b", "c"]
    limited = layers.StringLookup()
    limited.adapt(iter([words[:1], words[1:2], words[2:]]), steps=2)
    assert limited.get_vocabulary() == ["[UNK]", "b", "a"]  # ties: the larger token first
    x = np.random.default_rng(0).normal(size=(100, 3)).astype("float32")
    as_list = layers.Normalization()
    as_list.adapt([x[:7], x[7:60], x[60:]])  # a list is a sequence of batches, as in Keras
    np.testing.assert_allclose(_np(as_list.adapt_mean), x.astype(np.float64).mean(0), rtol=1e-5, atol=1e-6)
    torch = pytest.importorskip("torch")
    loader = torch.utils.data.DataLoader(torch.from_numpy(x), batch_size=16)
    norm = layers.Normalization()
    norm.adapt(loader)
    np.testing.assert_allclose(_np(norm.adapt_mean), x.astype(np.float64).mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(norm.adapt_variance), x.astype(np.float64).var(0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("make", "match"), [
    (lambda: layers.Hashing(0), "num_bins"),
    (lambda: layers.Hashing(3, output_mode="bad"), "output_mode"),
    (lambda: layers.Hashing(3, salt="x"), "salt"),
    (lambda: layers.StringLookup(sparse=True), "sparse"),
    (lambda: layers.StringLookup(invert=True, output_mode="count"), "invert"),
    (lambda: layers.StringLookup(vocabulary=["a", "a"]), "repeated"),
    (lambda: layers.IntegerLookup(vocabulary_dtype="int32"), "vocabulary_dtype"),
    (lambda: layers.TextVectorization(ragged=True), "ragged"),
    (lambda: layers.TextVectorization(output_mode="count", output_sequence_length=3), "output_sequence_length"),
    (lambda: layers.Discretization(), "num_bins"),
    (lambda: layers.Normalization(mean=[1.0]), "variance"),
    (lambda: layers.CategoryEncoding(num_tokens=None), "num_tokens"),
])
def test_bad_arguments_name_themselves(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_call_errors(numpy_backend):
    with pytest.raises(RuntimeError, match="vocabulary"):
        layers.StringLookup(output_mode="multi_hot")(["a"])
    with pytest.raises(ValueError, match="OOV"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["a", "b"])
    with pytest.raises(ValueError, match="at least two"):
        layers.HashedCrossing(3)([np.array([1])])
    with pytest.raises(TypeError, match="string"):
        layers.TextVectorization(vocabulary=["a"])(np.array([1.0, 2.0]))


@pytest.mark.parametrize("backend_name", ["jax", "torch"])
def test_lookup_layer_inside_a_trained_model(backend_name):
    pytest.importorskip(backend_name)
    with dlx.backend.use(backend_name):
        dlx.utils.set_random_seed(1)
        ids = np.array([[3, 10, 7], [10, 10, 3], [7, 99, 3], [3, 3, 3]] * 8, dtype="int64")
        y = (ids[:, 0] == 3).astype("float32")
        lookup = layers.IntegerLookup(vocabulary=[3, 7, 10], output_mode="multi_hot")
        inp = dlx.Input((3,), dtype="int64")
        out = layers.Dense(1, activation="sigmoid")(layers.Normalization(mean=0.5, variance=0.25)(lookup(inp)))
        model = dlx.Model(inp, out)
        model.compile(optimizer="adam", loss="binary_crossentropy", jit_compile="auto")
        hist = model.fit(ids, y, epochs=3, batch_size=8, verbose=0)
        assert not model._resolve_jit()  # a host-computed layer turns compilation off, as in Keras
        assert np.isfinite(hist.history["loss"]).all()
        vocab = [3, 7, 10]
        expect = np.array([[any(v not in vocab for v in row)] + [v in row for v in vocab] for row in ids.tolist()],
                          dtype="float32")
        np.testing.assert_array_equal(_np(lookup(ids)), expect)
        pred = model.predict(ids[:4], verbose=0)
        assert pred.shape == (4, 1)


@pytest.mark.parametrize("make", [
    lambda: layers.RandomFlip(seed=11),
    lambda: layers.RandomBrightness(0.4, seed=11),
    lambda: layers.RandomContrast(0.5, seed=11),
], ids=["flip", "brightness", "contrast"])
def test_random_image_layers_same_seed_same_output_on_every_backend(make):
    x = np.random.default_rng(2).integers(0, 256, (16, 6, 5, 3)).astype("float32")
    outs = {}
    for name in ("numpy", "jax", "torch"):
        if name != "numpy":
            pytest.importorskip(name)
        with dlx.backend.use(name):
            layer = make()
            outs[name] = [_np(layer(x, training=True)) for _ in range(2)]
            np.testing.assert_array_equal(_np(layer(x, training=False)), x)  # identity at inference
    for name, (a, b) in outs.items():
        np.testing.assert_allclose(a, outs["numpy"][0], rtol=1e-6, atol=1e-4, err_msg=name)
        np.testing.assert_allclose(b, outs["numpy"][1], rtol=1e-6, atol=1e-4, err_msg=name)
        assert not np.array_equal(a, b)  # the generator advances between calls


def test_random_augmentation_statistics(numpy_backend):
    n = 4000
    x = np.broadcast_to(np.arange(4, dtype="float32")[None, None, :, None], (n, 1, 4, 1)).copy()
    out = _np(layers.RandomFlip("horizontal", seed=5)(x, training=True))
    flipped = (out[:, 0, 0, 0] == 3).mean()
    # Keras flips each image with probability 1/2: 4000 draws put the rate within 0.5 +- 0.03 (4.7 sigma)
    assert abs(flipped - 0.5) < 0.03
    assert set(map(tuple, out[:, 0, :, 0].tolist())) == {(0.0, 1.0, 2.0, 3.0), (3.0, 2.0, 1.0, 0.0)}
    flat = np.full((n, 2, 2, 1), 100.0, "float32")
    delta = _np(layers.RandomBrightness((-0.2, 0.1), seed=5)(flat, training=True))[:, 0, 0, 0] - 100.0
    # Keras: delta ~ U(-0.2, 0.1) * 255: mean -12.75, std 0.3 * 255 / sqrt(12)
    assert delta.min() >= -51.0 - 1e-3 and delta.max() <= 25.5 + 1e-3
    assert abs(delta.mean() - (-12.75)) < 4 * (0.3 * 255 / np.sqrt(12)) / np.sqrt(n)
    assert abs(delta.std() - 0.3 * 255 / np.sqrt(12)) < 1.0
