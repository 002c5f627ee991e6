"""``dlx.datasets`` and ``dlx.utils.get_file`` against a loopback HTTP server serving small files
in each dataset's real format: the first call downloads into ``$DLX_HOME/datasets``, the second
reads the cache, a corrupted cache file is caught by its hash and fetched again, an interrupted
download resumes with ``Range``, an unreachable server errors naming the URL and the cache path.
The loaded arrays equal Keras 3's own loaders' on the same files. Nothing leaves the machine."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlx
from dlx.datasets import _sources

from .loopback import LoopbackServer
from .make_files import BUCKET, TORONTO, generate, hashes

HERE = Path(__file__).parent
FILES, ARRAYS = generate()


@pytest.fixture(scope="module")
def server():
    with LoopbackServer(FILES) as srv:
        yield srv


@pytest.fixture
def home(tmp_path, monkeypatch, server):
    """A fresh ``$DLX_HOME``, the loaders pointed at the server, the generated files' hashes."""
    monkeypatch.setenv("DLX_HOME", str(tmp_path / "dlxhome"))
    monkeypatch.setattr(_sources, "base_url", server.url)
    monkeypatch.setattr(_sources, "FILE_HASHES", {**_sources.FILE_HASHES, **hashes(FILES)})
    server.requests.clear()
    server.httpd.honour_range = True
    return tmp_path / "dlxhome" / "datasets"


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    if importlib.util.find_spec("keras") is None:
        pytest.skip("Keras 3 (test-only) is not installed")
    folder = tmp_path_factory.mktemp("keras_ds")
    for path, data in FILES.items():
        (folder / path.rsplit("/", 1)[-1]).write_bytes(data)
    env = {**os.environ, "KERAS_BACKEND": "numpy", "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, str(HERE / "keras_loaders.py"), str(folder), str(folder / "out.npz")],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    with np.load(folder / "out.npz") as f:
        return {k: f[k] for k in f.files}


def _same(name, result, keras_results):
    (a, b), (c, d) = result
    for k, v in zip(("x_train", "y_train", "x_test", "y_test"), (a, b, c, d)):
        ref = keras_results[f"{name}:{k}"]
        if v.dtype == object:
            v = np.asarray([" ".join(map(str, s)) for s in v])
        assert v.dtype == ref.dtype or v.dtype.kind == ref.dtype.kind == "U", (name, k, v.dtype, ref.dtype)
        np.testing.assert_array_equal(v, ref, err_msg=f"{name} {k}")


LOADERS = {
    "mnist": lambda: dlx.datasets.mnist.load_data(),
    "fashion_mnist": lambda: dlx.datasets.fashion_mnist.load_data(),
    "cifar100_fine": lambda: dlx.datasets.cifar100.load_data(),
    "cifar100_coarse": lambda: dlx.datasets.cifar100.load_data("coarse"),
    "imdb": lambda: dlx.datasets.imdb.load_data(),
    "imdb_opts": lambda: dlx.datasets.imdb.load_data(num_words=20, skip_top=2, maxlen=10, seed=5, start_char=None,
                                                     oov_char=None, index_from=0),
    "reuters": lambda: dlx.datasets.reuters.load_data(),
    "reuters_opts": lambda: dlx.datasets.reuters.load_data(num_words=30, maxlen=12, test_split=0.3, seed=1,
                                                           oov_char=7),
    "boston": lambda: dlx.datasets.boston_housing.load_data(),
    "california_small": lambda: dlx.datasets.california_housing.load_data(version="small", test_split=0.25, seed=3),
}


@pytest.mark.parametrize("name", list(LOADERS))
def test_loader_equals_keras_and_caches(home, server, keras_results, name):
    first = LOADERS[name]()
    _same(name, first, keras_results)
    fetched = [p for p, _ in server.requests]
    assert fetched, "the first call downloads"
    server.requests.clear()
    _same(name, LOADERS[name](), keras_results)
    assert server.requests == [], "the second call reads the cache"


def test_cache_layout_is_keras(home):
    dlx.datasets.mnist.load_data()
    dlx.datasets.fashion_mnist.load_data()
    dlx.datasets.cifar10.load_data()
    assert (home / "mnist.npz").read_bytes() == FILES[BUCKET + "mnist.npz"]
    assert sorted(os.listdir(home.parent / "datasets" / "fashion-mnist")) == sorted(
        ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "train-labels-idx1-ubyte.gz"])
    assert (home / "cifar-10-batches-py-target_archive").is_file()
    assert (home / "cifar-10-batches-py-target" / "cifar-10-batches-py" / "test_batch").is_file()
    assert not [p for p in home.rglob("*.part")]


def test_cifar10_against_the_generated_batches(home):
    (x_train, y_train), (x_test, y_test) = dlx.datasets.cifar10.load_data()
    batches = ARRAYS["cifar10"]
    train = [batches[f"data_batch_{i}"] for i in range(1, 6)]
    expect_x = np.concatenate([b[b"data"] for b in train]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(x_train, expect_x)
    np.testing.assert_array_equal(y_train[:, 0], np.concatenate([b[b"labels"] for b in train]))
    np.testing.assert_array_equal(x_test, batches["test_batch"][b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    assert y_test.shape == (3, 1) and y_train.dtype == np.uint8


def test_word_indices_and_labels(home):
    assert dlx.datasets.imdb.get_word_index() == {"the": 1, "movie": 2, "great": 3}
    assert dlx.datasets.reuters.get_word_index() == {"said": 1, "mln": 2}
    names = dlx.datasets.reuters.get_label_names()
    assert len(names) == 46 and names[:3] == ("cocoa", "grain", "veg-oil")


def test_corrupted_cache_is_detected_and_fetched_again(home, server, capsys):
    dlx.datasets.mnist.load_data()
    path = home / "mnist.npz"
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    server.requests.clear()
    (x_train, _), _ = dlx.datasets.mnist.load_data()
    assert [p for p, _ in server.requests] == [BUCKET + "mnist.npz"]
    assert "hash does not match" in capsys.readouterr().out
    assert path.read_bytes() == FILES[BUCKET + "mnist.npz"]
    np.testing.assert_array_equal(x_train, ARRAYS["mnist"]["x_train"])


def test_interrupted_download_resumes_with_range(home, server):
    key = BUCKET + "boston_housing.npz"
    server.httpd.cut_once[key] = 1000
    with pytest.raises(dlx.utils.DownloadError, match="resumes"):
        dlx.datasets.boston_housing.load_data()
    part = home / "boston_housing.npz.part"
    assert part.stat().st_size == 1000 and not (home / "boston_housing.npz").exists()
    server.requests.clear()
    dlx.datasets.boston_housing.load_data()
    assert server.requests == [(key, "bytes=1000-")]
    assert (home / "boston_housing.npz").read_bytes() == FILES[key] and not part.exists()


def test_server_without_range_support_restarts_the_part(home, server):
    key = BUCKET + "reuters.npz"
    server.httpd.cut_once[key] = 500
    with pytest.raises(dlx.utils.DownloadError):
        dlx.datasets.reuters.load_data()
    server.httpd.honour_range = False
    dlx.datasets.reuters.load_data()
    assert (home / "reuters.npz").read_bytes() == FILES[key]


def test_hash_mismatch_after_download_keeps_nothing(home, monkeypatch):
    monkeypatch.setitem(_sources.FILE_HASHES, "mnist.npz", "0" * 64)
    with pytest.raises(ValueError, match="corrupted") as e:
        dlx.datasets.mnist.load_data()
    assert "mnist.npz" in str(e.value) and "0" * 64 in str(e.value)
    assert not (home / "mnist.npz").exists()


def test_unreachable_server_names_url_and_cache_path(home, monkeypatch, server):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    monkeypatch.setattr(_sources, "base_url", f"http://127.0.0.1:{port}")
    with pytest.raises(dlx.utils.DownloadError) as e:
        dlx.datasets.mnist.load_data()
    msg = str(e.value)
    assert f"http://127.0.0.1:{port}/tensorflow/tf-keras-datasets/mnist.npz" in msg
    assert str(home / "mnist.npz") in msg


def test_missing_file_on_server_is_an_http_error(home, server):
    with pytest.raises(dlx.utils.DownloadError, match="HTTP 404"):
        dlx.utils.get_file("nothing.bin", origin=server.url + "/nothing.bin")


def test_get_file_keras_signature_and_options(tmp_path, server):
    import inspect

    params = list(inspect.signature(dlx.utils.get_file).parameters)
    assert params == ["fname", "origin", "untar", "md5_hash", "file_hash", "cache_subdir", "hash_algorithm",
                      "extract", "archive_format", "cache_dir", "force_download"]
    url = server.url + BUCKET + "imdb_word_index.json"
    md5 = hashlib.md5(FILES[BUCKET + "imdb_word_index.json"]).hexdigest()
    p = dlx.utils.get_file(origin=url, md5_hash=md5, cache_dir=tmp_path, cache_subdir="sub")
    assert p == str(tmp_path / "sub" / "imdb_word_index.json")
    server.requests.clear()
    dlx.utils.get_file(origin=url, file_hash=md5, cache_dir=tmp_path, cache_subdir="sub", force_download=True)
    assert len(server.requests) == 1
    out = dlx.utils.get_file("c100.tar.gz", origin=server.url + TORONTO + "cifar-100-python.tar.gz",
                             cache_dir=tmp_path, extract=True)
    assert out == str(tmp_path / "datasets" / "c100_extracted")
    assert (Path(out) / "cifar-100-python" / "train").is_file()
    with pytest.raises(ValueError, match="fname"):
        dlx.utils.get_file("a/b.txt", origin=url, cache_dir=tmp_path)
    with pytest.raises(ValueError, match="origin"):
        dlx.utils.get_file("x")


def test_archive_members_outside_the_folder_are_refused(tmp_path):
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        info = tarfile.TarInfo("../evil.txt")
        info.size = 1
        tf.addfile(info, io.BytesIO(b"x"))
    (tmp_path / "a.tar").write_bytes(buf.getvalue())
    with pytest.raises(ValueError, match="outside"):
        dlx.utils.extract_archive(str(tmp_path / "a.tar"), str(tmp_path / "out"))
    assert not (tmp_path / "evil.txt").exists()


def test_env_var_base_url(home, monkeypatch, server):
    monkeypatch.setattr(_sources, "base_url", None)
    monkeypatch.setenv("DLX_DATASETS_BASE_URL", server.url)
    (x, _), _ = dlx.datasets.boston_housing.load_data(test_split=0.0)
    assert x.shape == (21, 13)
    assert _sources.origin("https://example.invalid/a/b.npz") == server.url + "/a/b.npz"
