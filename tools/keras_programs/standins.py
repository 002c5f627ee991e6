"""Offline stand-ins for downloads, and caps on training, shared by the dlx and the Keras run.

``install()`` patches whatever module ``keras`` resolves to (dlx through the launcher's alias, or
the real Keras), so both runs of a program see the same data and the same caps:

* ``keras.datasets.<name>.load_data`` returns generated arrays with the real dataset's shapes,
  dtypes and value ranges (fewer samples);
* ``keras.utils.get_file`` serves a generated file for the origins listed in ``FILES`` through the
  library's own ``get_file`` (a ``file://`` origin: caching and extraction are the library's);
  any other origin raises, naming it;
* ``numpy.loadtxt`` of an ``http(s)`` URL in ``URL_TABLES`` returns a generated table;
* ``keras.applications.*(weights="imagenet")`` builds with ``weights=None`` (no weight download);
* ``Model.fit`` runs at most ``MAX_EPOCHS`` epochs on at most ``MAX_FIT_SAMPLES`` samples (or
  ``MAX_STEPS`` steps of a dataset / generator); ``Model.evaluate`` likewise.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import sys
import tempfile
import zipfile

import numpy as np

MAX_EPOCHS = 1
MAX_FIT_SAMPLES = 512
MAX_EVAL_SAMPLES = 256
MAX_STEPS = 4
#: elements a program's own ``tf.data.Dataset.from_tensor_slices`` / torch ``TensorDataset`` keeps
#: (the steps of its custom training loops)
MAX_DATASET_ELEMENTS = 1024

_rng = np.random.default_rng(1234)


# --- keras.datasets ----------------------------------------------------------------------------


def _images(n_train, n_test, shape, classes, label_shape=()):
    def split(n):
        x = _rng.integers(0, 256, (n, *shape), dtype=np.uint8)
        y = _rng.integers(0, classes, (n, *label_shape)).astype(np.uint8)
        return x, y

    return split(n_train), split(n_test)


def _mnist(path="mnist.npz"):
    return _images(60000, 10000, (28, 28), 10)  # programs hard-code these sizes


def _fashion_mnist():
    return _images(60000, 10000, (28, 28), 10)


def _cifar10():
    return _images(50000, 10000, (32, 32, 3), 10, (1,))


def _cifar100(label_mode="fine"):
    return _images(50000, 10000, (32, 32, 3), 100 if label_mode == "fine" else 20, (1,))


def _sequences(n, classes, num_words, maxlen, start_char, oov_char, index_from):
    vocab = num_words or 5000
    xs = []
    for _ in range(n):
        length = int(_rng.integers(10, 120))
        if maxlen is not None:
            length = min(length, maxlen - 1)
        seq = [start_char, *_rng.integers(index_from, vocab, length).tolist()]
        seq = [oov_char if oov_char is not None and w >= vocab else w for w in seq]
        xs.append(seq)
    x = np.empty(n, dtype=object)
    x[:] = xs
    return x, _rng.integers(0, classes, n).astype(np.int64)


def _imdb(
    path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2, index_from=3, **kwargs
):
    args = (2, num_words, maxlen, start_char, oov_char, index_from)
    return _sequences(2000, *args), _sequences(500, *args)


def _reuters(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    args = (46, num_words, maxlen, start_char, oov_char, index_from)
    return _sequences(1600, *args), _sequences(400, *args)


def _word_index(path=None):
    return {f"word{i}": i for i in range(1, 5001)}


def _housing(features, n_train, n_test):
    def split(n):
        return _rng.normal(size=(n, features)) * 10 + 20, _rng.normal(size=(n,)) * 10 + 22

    return split(n_train), split(n_test)


def _boston_housing(path="boston_housing.npz", test_split=0.2, seed=113):
    return _housing(13, 404, 102)


def _california_housing(path="california_housing.npz", version="large", test_split=0.2, seed=113):
    return _housing(8, 480, 120)


DATASETS = {
    "mnist": {"load_data": _mnist},
    "fashion_mnist": {"load_data": _fashion_mnist},
    "cifar10": {"load_data": _cifar10},
    "cifar100": {"load_data": _cifar100},
    "imdb": {"load_data": _imdb, "get_word_index": _word_index},
    "reuters": {"load_data": _reuters, "get_word_index": _word_index},
    "boston_housing": {"load_data": _boston_housing},
    "california_housing": {"load_data": _california_housing},
}


# --- files behind keras.utils.get_file -----------------------------------------------------------


def _words(n_words, seed):
    rng = np.random.default_rng(seed)
    vocab = ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), int(rng.integers(2, 8)))) for _ in range(400)]
    return [vocab[i] for i in rng.integers(0, len(vocab), n_words)]


def _nietzsche(path):
    words = _words(12000, 1)
    lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def _translation_pairs(n, seed):
    a, b = _words(n * 5, seed), _words(n * 5, seed + 1)
    return [(" ".join(a[i * 5 : i * 5 + 4]) + ".", " ".join(b[i * 5 : i * 5 + 5]) + " !") for i in range(n)]


def _fra_eng(path):
    text = "\n".join(f"{e}\t{f}\tCC-BY 2.0" for e, f in _translation_pairs(600, 2))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("fra.txt", text)


def _spa_eng(path):
    text = "\n".join(f"{e}\t{s}" for e, s in _translation_pairs(600, 3))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("spa-eng/spa.txt", text)


def _moving_mnist(path):
    np.save(path, _rng.integers(0, 256, (20, 60, 64, 64), dtype=np.uint8))


#: origin's last path component -> writer of a stand-in file with the real file's layout
FILES = {
    "nietzsche.txt": _nietzsche,
    "fra-eng.zip": _fra_eng,
    "spa-eng.zip": _spa_eng,
    "mnist_test_seq.npy": _moving_mnist,
}


def _forda(n):
    labels = _rng.choice([-1.0, 1.0], size=(n, 1))
    return np.concatenate([labels, _rng.normal(size=(n, 500))], axis=1)


#: http(s) tables read with ``numpy.loadtxt``: URL's last path component -> generator
URL_TABLES = {"FordA_TRAIN.tsv": lambda: _forda(600), "FordA_TEST.tsv": lambda: _forda(200)}


def _patch_get_file(utils):
    real = utils.get_file
    folder = tempfile.mkdtemp(prefix="standin-files-")

    @functools.wraps(real)
    def get_file(fname=None, origin=None, *args, **kwargs):
        key = (origin or "").rstrip("/").rsplit("/", 1)[-1]
        writer = FILES.get(key) or FILES.get(fname or "")
        if writer is None:
            raise RuntimeError(f"offline harness: no stand-in for get_file(origin={origin!r})")
        local = os.path.join(folder, key or fname)
        if not os.path.exists(local):
            writer(local)
        for name in ("md5_hash", "file_hash"):  # the stand-in is not the real file
            kwargs.pop(name, None)
        return real(fname, "file://" + local, *args, **kwargs)

    utils.get_file = get_file
    mod = sys.modules.get(utils.__name__ + ".file_utils")
    if mod is not None and hasattr(mod, "get_file"):
        mod.get_file = get_file


def _patch_loadtxt():
    real = np.loadtxt

    @functools.wraps(real)
    def loadtxt(fname, *args, **kwargs):
        if isinstance(fname, str) and fname.startswith(("http://", "https://")):
            key = fname.rsplit("/", 1)[-1]
            if key not in URL_TABLES:
                raise RuntimeError(f"offline harness: no stand-in for numpy.loadtxt({fname!r})")
            return URL_TABLES[key]()
        return real(fname, *args, **kwargs)

    np.loadtxt = loadtxt


# --- caps on training ----------------------------------------------------------------------------


def _is_arrays(x):
    if isinstance(x, np.ndarray) or (hasattr(x, "shape") and hasattr(x, "__getitem__")):
        return not hasattr(x, "element_spec")  # a tf.data.Dataset is not sliceable
    if isinstance(x, (list, tuple)):
        return len(x) > 0 and all(_is_arrays(v) for v in x)
    if isinstance(x, dict):
        return len(x) > 0 and all(_is_arrays(v) for v in x.values())
    return False


def _head(x, n):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return type(x)(_head(v, n) for v in x)
    if isinstance(x, dict):
        return {k: _head(v, n) for k, v in x.items()}
    return x[:n]


def _cap_fit(real):
    params = inspect.signature(real).parameters

    @functools.wraps(real)
    def fit(self, *args, **kwargs):
        bound = dict(zip(list(params)[1:], args, strict=False))
        bound.update(kwargs)
        first = bound.get("initial_epoch", 0) or 0
        bound["epochs"] = min(bound.get("epochs", 1), first + MAX_EPOCHS)
        x = bound.get("x")
        if _is_arrays(x):
            for name in ("x", "y", "sample_weight"):
                bound[name] = _head(bound.get(name), MAX_FIT_SAMPLES)
        elif x is not None:
            bound["steps_per_epoch"] = min(bound.get("steps_per_epoch") or MAX_STEPS, MAX_STEPS)
        val = bound.get("validation_data")
        if val is not None:
            if isinstance(val, tuple) and _is_arrays(val):
                bound["validation_data"] = _head(val, MAX_EVAL_SAMPLES)
            else:
                bound["validation_steps"] = min(bound.get("validation_steps") or 2, 2)
        return real(self, **bound)

    return fit


def _cap_evaluate(real):
    params = inspect.signature(real).parameters

    @functools.wraps(real)
    def evaluate(self, *args, **kwargs):
        bound = dict(zip(list(params)[1:], args, strict=False))
        bound.update(kwargs)
        x = bound.get("x")
        if _is_arrays(x):
            for name in ("x", "y", "sample_weight"):
                bound[name] = _head(bound.get(name), MAX_EVAL_SAMPLES)
        elif x is not None:
            bound["steps"] = min(bound.get("steps") or MAX_STEPS, MAX_STEPS)
        return real(self, **bound)

    return evaluate


def _cap_tf_datasets():
    import tensorflow as tf  # noqa: TID251 - the program's own tf.data, not dlx's

    real = tf.data.Dataset.from_tensor_slices

    def from_tensor_slices(tensors, name=None):
        if _is_arrays(tensors):
            tensors = _head(tensors, MAX_DATASET_ELEMENTS)
        return real(tensors, name=name)

    tf.data.Dataset.from_tensor_slices = staticmethod(from_tensor_slices)


def _cap_torch_datasets():
    import torch.utils.data  # noqa: TID251 - the program's own DataLoader, not dlx's

    real = torch.utils.data.TensorDataset.__init__

    def __init__(self, *tensors):
        real(self, *(t[:MAX_DATASET_ELEMENTS] for t in tensors))

    torch.utils.data.TensorDataset.__init__ = __init__


def _patch_applications(keras):
    try:
        apps = keras.applications
    except (AttributeError, ImportError):
        return  # a missing namespace shows when the program uses it
    for name in dir(apps):
        fn = getattr(apps, name)
        if not callable(fn) or name.startswith("_") or inspect.ismodule(fn):
            continue
        try:
            if "weights" not in inspect.signature(fn).parameters:
                continue
        except (TypeError, ValueError):
            continue

        def no_download(*args, _fn=fn, **kwargs):
            if kwargs.get("weights", "imagenet") == "imagenet":
                kwargs["weights"] = None
            return _fn(*args, **kwargs)

        setattr(apps, name, functools.wraps(fn)(no_download))


def install(program_text: str = "") -> None:
    keras = importlib.import_module("keras")
    for name, functions in DATASETS.items():
        try:
            module = importlib.import_module(f"keras.datasets.{name}")
        except ImportError:
            continue  # a missing dataset shows when the program loads it
        for attr, fn in functions.items():
            setattr(module, attr, fn)
    _patch_get_file(importlib.import_module("keras.utils"))
    _patch_loadtxt()
    if "from_tensor_slices" in program_text:
        _cap_tf_datasets()
    if "TensorDataset" in program_text:
        _cap_torch_datasets()
    if "applications" in program_text:
        _patch_applications(keras)
    model = keras.Model
    model.fit = _cap_fit(model.fit)
    model.evaluate = _cap_evaluate(model.evaluate)
