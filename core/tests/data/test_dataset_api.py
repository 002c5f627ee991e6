"""The dataset utilities' Keras 3.15 API beyond the basics of ``utils/test_dataset_utils.py``: the
returned ``Dataset``'s ``tf.data`` methods, ``split_dataset``'s input kinds and sizes, ``format=`` /
``preferred_backend=``, ragged audio batches, ``smart_resize`` and the ``dlx.preprocessing``
namespace — each against Keras 3 (subprocess, ``KERAS_BACKEND=tensorflow``) on the same inputs."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
from dlx.utils.streaming_dataset import AUTOTUNE, Dataset

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "utils"))
from make_dirs import make  # noqa: E402

pytest.importorskip("PIL")
SERIES = np.arange(120, dtype="float32").reshape(60, 2)
TARGETS = np.arange(60, dtype="int64")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    r = tmp_path_factory.mktemp("dirs")
    make(str(r))
    return r


@pytest.fixture(scope="module")
def ref(root, tmp_path_factory):
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("tensorflow") is None:
        pytest.skip("the Keras 3 reference needs keras and tensorflow (test-only)")
    out = tmp_path_factory.mktemp("kdata") / "k.npz"
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    env.pop("DLX_BACKEND", None)
    proc = subprocess.run([sys.executable, str(HERE / "keras_data_side.py"), str(root), str(out)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-5000:]
    with np.load(out) as f:
        return {k: f[k] for k in f.files}


def ts():
    return dlx.utils.timeseries_dataset_from_array(SERIES, TARGETS, sequence_length=4, batch_size=7)


def cat(items):
    return np.concatenate([np.asarray(i) for i in items])


def test_tf_data_methods_equal_keras(ref):
    np.testing.assert_array_equal(cat(x for x, _ in ts().map(lambda x, y: (x * 2.0 + 1.0, y))), ref["map_x"])
    got = list(ts().unbatch().skip(3).take(20).batch(6))
    assert len(got) == int(ref["chain_n"])
    np.testing.assert_array_equal(cat(b[0] for b in got), ref["chain_x"])
    np.testing.assert_array_equal(cat(b[1] for b in got), ref["chain_y"])
    got = list(ts().take(3).unbatch().batch(4, drop_remainder=True))
    assert len(got) == int(ref["drop_n"])
    np.testing.assert_array_equal(cat(b[0] for b in got), ref["drop_x"])
    assert ts().cardinality() == int(ref["cardinality"])
    nested = ts().unbatch().map(lambda x, y: x[0]).batch(5).batch(2)
    np.testing.assert_array_equal(nested[0], ref["nested0"])
    # a mapped batched dataset unbatches through its batches (each read once per thread)
    mapped = ts().map(lambda x, y: (x + 1, y)).unbatch()
    np.testing.assert_array_equal(np.stack([s[0] for s in mapped]), cat(b[0] for b in ts()) + 1)


def test_cache_prefetch_and_errors():
    calls = []

    def sample(i):
        calls.append(i)
        return np.float32(i)

    ds = Dataset(6, sample, batch_size=2).cache()
    assert [b.tolist() for b in ds] == [[0, 1], [2, 3], [4, 5]] and len(calls) == 6
    list(ds)
    assert len(calls) == 6, "a cached dataset reads each item once"
    pf = ts().prefetch(3)
    assert pf.max_queue_size == 3 and ts().prefetch(AUTOTUNE).max_queue_size == ts().max_queue_size
    assert ts().map(lambda x, y: x, num_parallel_calls=2).workers == 2
    with pytest.raises(ValueError, match="filename"):
        ts().cache("/tmp/x")
    with pytest.raises(ValueError, match="not batched"):
        ts().unbatch().unbatch()
    with pytest.raises(ValueError, match="batch size"):
        list(ts().map(lambda x, y: (x[:2], y[:2])).unbatch())
    with pytest.raises(ValueError, match="deterministic"):
        ts().map(lambda x, y: x, deterministic=False)
    with pytest.raises(IndexError):
        ts()[99]


def test_format_argument(root):
    with pytest.raises(ValueError, match='format` should be either "tf" or "grain"'):
        dlx.utils.image_dataset_from_directory(root / "images", format="torch")
    with pytest.raises(ValueError, match="format"):
        dlx.utils.timeseries_dataset_from_array(SERIES, None, 3, format="numpy")
    assert isinstance(dlx.utils.text_dataset_from_directory(root / "texts", format="tf", verbose=False), Dataset)


def test_format_grain_missing_package_error(root, monkeypatch):
    monkeypatch.setitem(sys.modules, "grain", None)  # as if grain were not installed
    with pytest.raises(ImportError, match=r"needs the package `grain`.*pip install grain"):
        dlx.utils.text_dataset_from_directory(root / "texts", format="grain", verbose=False)
    with pytest.raises(ImportError, match="pip install grain"):
        dlx.utils.timeseries_dataset_from_array(SERIES, None, 3, format="grain")


def test_format_grain_equals_keras(root, ref):
    """``format="grain"``: a ``grain.IterDataset`` of the same batches as Keras's (grain is a
    test-only dependency in requirements-dev.txt)."""
    grain = pytest.importorskip("grain")
    ds = dlx.utils.image_dataset_from_directory(root / "images", image_size=(6, 6), shuffle=False, batch_size=4,
                                                format="grain", verbose=False)
    assert isinstance(ds, grain.IterDataset)
    got = list(ds)
    np.testing.assert_allclose(cat(b[0] for b in got), ref["grain_img_x"], rtol=1e-6, atol=1e-4)
    np.testing.assert_array_equal(cat(b[1] for b in got), ref["grain_img_y"])
    assert ds.class_names == ref["grain_img_classes"].tolist()
    assert [os.path.relpath(p, root) for p in ds.file_paths] == \
        [os.path.relpath(p, root) for p in ref["grain_img_paths"].tolist()]
    ds = dlx.utils.text_dataset_from_directory(root / "texts", shuffle=False, batch_size=3, format="grain",
                                               verbose=False)
    got = list(ds)
    assert all(isinstance(b[0], list) and all(isinstance(t, str) for t in b[0]) for b in got)
    assert [t for b in got for t in b[0]] == ref["grain_txt_x"].tolist()
    assert [len(b[0]) for b in got] == ref["grain_txt_sizes"].tolist()
    np.testing.assert_array_equal(cat(b[1] for b in got), ref["grain_txt_y"])
    got = list(dlx.utils.timeseries_dataset_from_array(SERIES, TARGETS, sequence_length=4, batch_size=7,
                                                       format="grain"))
    np.testing.assert_array_equal(cat(b[0] for b in got), ref["grain_ts_x"])
    np.testing.assert_array_equal(cat(b[1] for b in got), ref["grain_ts_y"])
    unbatched = dlx.utils.text_dataset_from_directory(root / "texts", shuffle=False, batch_size=None,
                                                      format="grain", verbose=False)
    assert [t for t, _ in unbatched] == ref["grain_txt_x"].tolist()


def test_map_runs_on_the_numpy_backend(backend):
    """A map function runs on the host: dlx ops in it compute on the NumPy backend (whatever the
    active backend), in the caller's thread and in fit's loading threads."""
    from dlx.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter

    seen = []

    def f(x):
        seen.append(dlx.backend.current().name)
        return dlx.ops.add(x, 1.0)

    ds = Dataset(6, lambda i: np.full((2,), i, "float32"), batch_size=2).map(f)
    for batches in (list(ds), list(PyDatasetAdapter(ds).get_numpy_iterator())):
        assert all(type(b) is np.ndarray for b in batches)
        np.testing.assert_array_equal(np.concatenate(batches)[:, 0], np.arange(6.0) + 1.0)
    assert set(seen) == {"numpy"} and len(seen) == 6
    assert dlx.backend.current().name == backend.name, "the active backend is restored after each item"


def test_string_model_inputs_raise_and_the_pipeline_form_equals_keras(ref, backend):
    """Keras takes ``Input(dtype="string")`` on TensorFlow only; dlx tensors have no string dtype
    on any backend, so a string input raises a clear error, and the same program with the lookup
    run on the data gives Keras's predictions."""
    texts = np.array(["a", "c", "zz", "b"])
    lookup = dlx.layers.StringLookup(vocabulary=["a", "b", "c"])
    with pytest.raises(ValueError, match="no string dtype"):
        dlx.Input(shape=(), dtype="string")
    with pytest.raises(ValueError, match="no string dtype"):
        dlx.Sequential([lookup, dlx.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")])(texts)
    inp = dlx.Input(shape=(), dtype="int64")
    model = dlx.Model(inp, dlx.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(inp))
    np.testing.assert_array_equal(model.predict(lookup(texts), verbose=0), ref["string_model"])


def test_split_dataset_equals_keras(ref):
    x = np.arange(30).reshape(15, 2)
    y = np.arange(15) * 10
    left, right = dlx.utils.split_dataset([x, y], left_size=4, shuffle=True, seed=7)
    assert isinstance(left[0], tuple), "a list of arrays gives tuples of rows, as Keras"
    np.testing.assert_array_equal(np.asarray([a[0] for a in left]), ref["split_list_left"])
    np.testing.assert_array_equal(np.asarray([a[1] for a in right]), ref["split_list_right_y"])
    left, right = dlx.utils.split_dataset(ts(), left_size=0.25)
    assert left.batch_size == 7, "a batched dataset gives batched parts"
    np.testing.assert_array_equal(cat(b[0] for b in left), ref["split_batched_left"])
    assert [len(b[0]) for b in right] == ref["split_batched_sizes"].tolist()
    left, right = dlx.utils.split_dataset(x, right_size=0.4)
    np.testing.assert_array_equal(np.asarray(list(left)), ref["split_frac_left"])
    np.testing.assert_array_equal(np.asarray(list(right)), ref["split_frac_right"])


def test_split_dataset_backends_and_errors():
    x = np.arange(10)
    with pytest.raises(TypeError, match="left_size"):
        dlx.utils.split_dataset(x, left_size=np.int64(3))
    with pytest.raises(ValueError, match="At least one"):
        dlx.utils.split_dataset(x)
    with pytest.raises(ValueError, match="sum of `left_size` and `right_size`"):
        dlx.utils.split_dataset(x, left_size=0.6, right_size=0.5)
    with pytest.raises(ValueError, match="different lengths"):
        dlx.utils.split_dataset((x, np.arange(3)), left_size=2)
    with pytest.raises(ValueError, match="preferred_backend"):
        dlx.utils.split_dataset(x, left_size=2, preferred_backend="mxnet")
    with pytest.raises(TypeError, match="not supported"):
        dlx.utils.split_dataset(object(), left_size=2)
    left, right = dlx.utils.split_dataset({"a": x, "b": x * 2}, left_size=3)
    assert left[2] == {"a": 2, "b": 4} and len(right) == 7
    torch = pytest.importorskip("torch")
    left, right = dlx.utils.split_dataset((x, x * 3), left_size=0.5, preferred_backend="torch")
    assert isinstance(left, torch.utils.data.Dataset) and len(right) == 5
    assert [int(v) for v in right[0]] == [5, 15]
    # a torch Dataset as input
    tds = torch.utils.data.TensorDataset(torch.arange(8), torch.arange(8) * 2)
    left, right = dlx.utils.split_dataset(tds, right_size=3)
    assert [int(v) for v in right[0]] == [5, 10] and len(left) == 5


def test_ragged_audio_equals_keras(root, ref):
    ds = dlx.utils.audio_dataset_from_directory(root / "audio", shuffle=False, batch_size=4, ragged=True,
                                                verbose=False)
    assert len(ds) == int(ref["ragged_batches"])
    clips = [c for b in ds for c in b[0]]
    assert [len(c) for c in clips] == ref["ragged_lens"].tolist()
    np.testing.assert_array_equal(np.concatenate(clips), ref["ragged_flat"])
    with pytest.raises(ValueError, match="ragged"):
        dlx.utils.audio_dataset_from_directory(root / "audio", ragged=True, output_sequence_length=10)
    with pytest.raises(ValueError, match="sampling_rate"):
        dlx.utils.audio_dataset_from_directory(root / "audio", sampling_rate=-1)


def test_audio_resampled_to_sampling_rate(tmp_path):
    """A 440 Hz tone recorded at 8 kHz, read with sampling_rate=16000 (and 6000), equals the tone
    sampled at that rate (away from the clip's edges, where the filter sees zeros)."""
    pytest.importorskip("scipy")
    import wave

    t = np.arange(800) / 8000.0
    tone = np.round(np.sin(2 * np.pi * 440.0 * t) * 16000).astype("<i2")
    (tmp_path / "a").mkdir()
    with wave.open(str(tmp_path / "a" / "tone.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(tone.tobytes())
    for rate in (16000, 6000):
        ds = dlx.utils.audio_dataset_from_directory(tmp_path, sampling_rate=rate, shuffle=False, verbose=False)
        x = ds[0][0][0, :, 0]
        assert len(x) == 800 * rate // 8000
        want = np.sin(2 * np.pi * 440.0 * np.arange(len(x)) / rate) * 16000 / 32768
        edge = len(x) // 8
        np.testing.assert_allclose(x[edge:-edge], want[edge:-edge], atol=2e-3)
    ds = dlx.utils.audio_dataset_from_directory(tmp_path, sampling_rate=16000, output_sequence_length=100,
                                                shuffle=False, verbose=False)
    assert ds[0][0].shape == (1, 200, 1), "cut to output_sequence_length first, then resampled (as Keras)"


@pytest.mark.parametrize("interp", ["bilinear", "nearest", "bicubic", "area"])
def test_smart_resize_equals_keras(ref, backend, interp):
    img = np.random.default_rng(1).uniform(0, 255, (2, 13, 21, 3)).astype("float32")
    out = dlx.preprocessing.image.smart_resize(img[0], (8, 8), interpolation=interp)
    assert isinstance(out, np.ndarray), "a NumPy image comes back as NumPy"
    np.testing.assert_allclose(out, ref[f"smart_{interp}"], rtol=1e-5, atol=1e-3)
    if interp != "bilinear":
        return
    np.testing.assert_allclose(dlx.preprocessing.image.smart_resize(img, (10, 4)), ref["smart_batch"], rtol=1e-5,
                               atol=1e-3)
    first = dlx.preprocessing.image.smart_resize(img.transpose(0, 3, 1, 2), (6, 9), data_format="channels_first")
    np.testing.assert_allclose(first, ref["smart_first"], rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(dlx.preprocessing.image.smart_resize(img[1, :5, :7], (11, 11)), ref["smart_up"],
                               rtol=1e-5, atol=1e-3)
    tensor = dlx.ops.convert_to_tensor(img[0])
    out = dlx.preprocessing.image.smart_resize(tensor, (8, 8))
    assert type(out) is type(tensor), "a backend tensor comes back as one"
    with pytest.raises(ValueError, match="rank"):
        dlx.preprocessing.image.smart_resize(img[0, 0], (2, 2))
    with pytest.raises(TypeError, match="unexpected keyword"):
        dlx.preprocessing.image.smart_resize(img[0], (2, 2), antialias=True)


def test_preprocessing_namespace_equals_keras(root, ref):
    P = dlx.preprocessing
    assert P.image.load_img is dlx.utils.load_img and P.sequence.pad_sequences is dlx.utils.pad_sequences
    np.testing.assert_array_equal(P.sequence.pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="post"),
                                  ref["pad_seq"])
    ds = P.image_dataset_from_directory(root / "images", image_size=(6, 6), shuffle=False, batch_size=4,
                                        verbose=False)
    np.testing.assert_array_equal(cat(b[0] for b in ds), ref["pre_img_x"])
    ds = P.text_dataset_from_directory(root / "texts", shuffle=False, verbose=False)
    assert [str(v) for b in ds for v in b[0]] == ref["pre_txt_x"].tolist()
    assert P.timeseries_dataset_from_array is dlx.utils.timeseries_dataset_from_array


def test_fit_streams_a_mapped_prefetched_dataset(root, numpy_backend):
    ds = dlx.utils.image_dataset_from_directory(root / "images", image_size=(8, 8), batch_size=4, seed=1,
                                                verbose=False)
    ds = ds.map(lambda x, y: (x / 255.0, y)).prefetch(AUTOTUNE)
    dlx.utils.set_random_seed(0)
    model = dlx.Sequential([dlx.Input((8, 8, 3)), dlx.layers.Flatten(), dlx.layers.Dense(3)])
    model.compile(optimizer="adam", loss=dlx.losses.SparseCategoricalCrossentropy(from_logits=True))
    hist = model.fit(ds, epochs=2, verbose=0)
    assert np.isfinite(hist.history["loss"]).all()
    assert ds.class_names == ["cats", "dogs", "zebras"] and len(ds.file_paths) == 15


def test_split_dataset_tensorflow_inputs_and_outputs():
    tf = pytest.importorskip("tensorflow")
    x = np.arange(20).reshape(10, 2)
    left, right = dlx.utils.split_dataset((x, x[:, 0] * 3), left_size=0.7, shuffle=True, seed=2,
                                          preferred_backend="tensorflow")
    assert isinstance(left, tf.data.Dataset) and int(left.cardinality()) == 7
    want_left, _ = dlx.utils.split_dataset((x, x[:, 0] * 3), left_size=0.7, shuffle=True, seed=2)
    assert [tuple(np.asarray(v).tolist() for v in e) for e in left.as_numpy_iterator()] == \
        [tuple(np.asarray(v).tolist() for v in e) for e in want_left]
    batched = tf.data.Dataset.from_tensor_slices((x, x[:, 0])).batch(4)
    left, right = dlx.utils.split_dataset(batched, right_size=3)
    assert left.batch_size == 4 and [len(b[0]) for b in left] == [4, 3] and len(right.unbatch()) == 3
    np.testing.assert_array_equal(cat(b[0] for b in right), x[7:])
