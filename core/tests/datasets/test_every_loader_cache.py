"""Every ``dlx.datasets`` file against the loopback server (``loopback.py``, small generated files in
the real formats): a corrupted cache file is caught by its hash and fetched again, and an
unreachable server gives an error naming the URL and the cache path — per loader, not only for
MNIST. Nothing leaves the machine."""

from __future__ import annotations

import socket

import pytest

import dlx
from dlx.datasets import _sources

from .loopback import LoopbackServer
from .make_files import BUCKET, TORONTO, generate, hashes

FILES, _ = generate()
# loader, the file in the cache ($DLX_HOME/datasets/...), the file on the server
CASES = {
    "mnist": (lambda: dlx.datasets.mnist.load_data(), "mnist.npz", BUCKET + "mnist.npz"),
    "fashion_mnist": (lambda: dlx.datasets.fashion_mnist.load_data(), "fashion-mnist/train-labels-idx1-ubyte.gz",
                      BUCKET + "train-labels-idx1-ubyte.gz"),
    "cifar10": (lambda: dlx.datasets.cifar10.load_data(), "cifar-10-batches-py-target_archive",
                TORONTO + "cifar-10-python.tar.gz"),
    "cifar100": (lambda: dlx.datasets.cifar100.load_data(), "cifar-100-python-target_archive",
                 TORONTO + "cifar-100-python.tar.gz"),
    "imdb": (lambda: dlx.datasets.imdb.load_data(), "imdb.npz", BUCKET + "imdb.npz"),
    "imdb_word_index": (lambda: dlx.datasets.imdb.get_word_index(), "imdb_word_index.json",
                        BUCKET + "imdb_word_index.json"),
    "reuters": (lambda: dlx.datasets.reuters.load_data(), "reuters.npz", BUCKET + "reuters.npz"),
    "reuters_word_index": (lambda: dlx.datasets.reuters.get_word_index(), "reuters_word_index.json",
                           BUCKET + "reuters_word_index.json"),
    "boston_housing": (lambda: dlx.datasets.boston_housing.load_data(), "boston_housing.npz",
                       BUCKET + "boston_housing.npz"),
    "california_housing": (lambda: dlx.datasets.california_housing.load_data(version="small"),
                           "california_housing.npz", BUCKET + "california_housing.npz"),
}


@pytest.fixture(scope="module")
def server():
    with LoopbackServer(FILES) as srv:
        yield srv


@pytest.fixture
def home(tmp_path, monkeypatch, server):
    monkeypatch.setenv("DLX_HOME", str(tmp_path / "dlxhome"))
    monkeypatch.setattr(_sources, "base_url", server.url)
    monkeypatch.setattr(_sources, "FILE_HASHES", {**_sources.FILE_HASHES, **hashes(FILES)})
    server.requests.clear()
    return tmp_path / "dlxhome" / "datasets"


@pytest.mark.parametrize("name", list(CASES))
def test_corrupted_cache_file_is_fetched_again(home, server, name, capsys):
    load, cached, key = CASES[name]
    first = load()
    path = home / cached
    assert path.read_bytes() == FILES[key]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    server.requests.clear()
    again = load()
    assert [p for p, _ in server.requests] == [key], "only the corrupted file is downloaded again"
    assert "hash does not match" in capsys.readouterr().out
    assert path.read_bytes() == FILES[key]
    assert repr(again) == repr(first)


@pytest.mark.parametrize("name", list(CASES))
def test_unreachable_server_names_url_and_cache_path(home, monkeypatch, name):
    load, cached, key = CASES[name]
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    monkeypatch.setattr(_sources, "base_url", f"http://127.0.0.1:{port}")
    with pytest.raises(dlx.utils.DownloadError) as e:
        load()
    msg = str(e.value)
    assert f"http://127.0.0.1:{port}{key}" in msg
    assert str(home / cached) in msg
