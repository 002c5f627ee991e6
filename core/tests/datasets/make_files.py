"""Small files in each dataset's real format (generated, deterministic), keyed by URL path."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import pickle
import tarfile

import numpy as np

BUCKET = "/tensorflow/tf-keras-datasets/"
TORONTO = "/~kriz/"


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _idx(arr: np.ndarray, magic: int) -> bytes:
    header = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    return gzip.compress(header + arr.astype(np.uint8).tobytes(), mtime=0)


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _seqs(rng, n, vocab=60):
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = [int(v) for v in rng.integers(1, vocab, size=rng.integers(3, 14))]
    return out


def generate():
    """``(files: {url path: bytes}, arrays: {name: the arrays inside})``."""
    rng = np.random.default_rng(11)
    files, arrays = {}, {}
    m = {"x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8), "y_train": rng.integers(0, 10, 6, np.uint8),
         "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8), "y_test": rng.integers(0, 10, 3, np.uint8)}
    files[BUCKET + "mnist.npz"], arrays["mnist"] = _npz(**m), m
    f = {"y_train": rng.integers(0, 10, 5, np.uint8), "x_train": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
         "y_test": rng.integers(0, 10, 2, np.uint8), "x_test": rng.integers(0, 256, (2, 28, 28), dtype=np.uint8)}
    files[BUCKET + "train-labels-idx1-ubyte.gz"] = _idx(f["y_train"], 2049)
    files[BUCKET + "train-images-idx3-ubyte.gz"] = _idx(f["x_train"], 2051)
    files[BUCKET + "t10k-labels-idx1-ubyte.gz"] = _idx(f["y_test"], 2049)
    files[BUCKET + "t10k-images-idx3-ubyte.gz"] = _idx(f["x_test"], 2051)
    arrays["fashion_mnist"] = f
    c10 = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        c10[name] = {b"data": rng.integers(0, 256, (3, 3072), dtype=np.uint8),
                     b"labels": [int(v) for v in rng.integers(0, 10, 3)], b"batch_label": name.encode()}
    files[TORONTO + "cifar-10-python.tar.gz"] = _tar(
        {f"cifar-10-batches-py/{k}": pickle.dumps(v, protocol=3) for k, v in c10.items()})
    arrays["cifar10"] = c10
    c100 = {}
    for name, n in (("train", 4), ("test", 2)):
        c100[name] = {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                      b"fine_labels": [int(v) for v in rng.integers(0, 100, n)],
                      b"coarse_labels": [int(v) for v in rng.integers(0, 20, n)]}
    files[TORONTO + "cifar-100-python.tar.gz"] = _tar(
        {f"cifar-100-python/{k}": pickle.dumps(v, protocol=3) for k, v in c100.items()})
    arrays["cifar100"] = c100
    imdb = {"x_train": _seqs(rng, 12), "y_train": rng.integers(0, 2, 12), "x_test": _seqs(rng, 9),
            "y_test": rng.integers(0, 2, 9)}
    files[BUCKET + "imdb.npz"], arrays["imdb"] = _npz(**imdb), imdb
    files[BUCKET + "imdb_word_index.json"] = json.dumps({"the": 1, "movie": 2, "great": 3}).encode()
    reu = {"x": _seqs(rng, 15, vocab=80), "y": rng.integers(0, 46, 15)}
    files[BUCKET + "reuters.npz"], arrays["reuters"] = _npz(**reu), reu
    files[BUCKET + "reuters_word_index.json"] = json.dumps({"said": 1, "mln": 2}).encode()
    b = {"x": rng.normal(size=(21, 13)), "y": rng.normal(20, 5, size=21)}
    files[BUCKET + "boston_housing.npz"], arrays["boston_housing"] = _npz(**b), b
    c = {"x": rng.normal(size=(640, 8)).astype("float32"), "y": rng.normal(2, 1, size=640).astype("float32")}
    files[BUCKET + "california_housing.npz"], arrays["california_housing"] = _npz(**c), c
    return files, arrays


def hashes(files) -> dict[str, str]:
    """Each file's hash as ``FILE_HASHES`` keys it (md5 for the word indices, as Keras)."""
    out = {}
    for path, data in files.items():
        name = path.rsplit("/", 1)[-1]
        algo = hashlib.md5 if name.endswith(".json") else hashlib.sha256
        out[name] = algo(data).hexdigest()
    return out
