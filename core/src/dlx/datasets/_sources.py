"""Where the ``dlx.datasets`` files come from: Keras's URLs, file names and hashes.

``base_url`` (or the ``DLX_DATASETS_BASE_URL`` environment variable) replaces the scheme and host
of every origin and keeps its path — for a mirror, or a local test server:
``https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz`` becomes
``<base_url>/tensorflow/tf-keras-datasets/mnist.npz``. ``FILE_HASHES`` holds each file's expected
hash (a mirror serves the same files, so the same hashes apply).
"""

from __future__ import annotations

import os
import urllib.parse

from dlx.utils.file_utils import get_file

KERAS_BUCKET = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
TORONTO = "https://www.cs.toronto.edu/~kriz/"

#: expected hashes by file name (sha256, or md5 for the word indices, as Keras has them);
#: ``None``: Keras checks none for that file
FILE_HASHES: dict[str, str | None] = {
    "mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    "cifar-10-python.tar.gz": "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
    "cifar-100-python.tar.gz": "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7",
    "imdb.npz": "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
    "imdb_word_index.json": "bfafd718b763782e994055a2d397834f",
    "reuters.npz": "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
    "reuters_word_index.json": "4d44cc38712099c9e383dc6e5f11a921",
    "boston_housing.npz": "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",
    "california_housing.npz": "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f",
    "train-labels-idx1-ubyte.gz": None,
    "train-images-idx3-ubyte.gz": None,
    "t10k-labels-idx1-ubyte.gz": None,
    "t10k-images-idx3-ubyte.gz": None,
}

#: set to a URL (``"http://127.0.0.1:8000"``) to fetch every dataset from there instead
base_url: str | None = None


def origin(url: str) -> str:
    """``url`` with its scheme and host replaced by the configured base URL, if any."""
    base = base_url or os.environ.get("DLX_DATASETS_BASE_URL")
    if not base:
        return url
    return base.rstrip("/") + urllib.parse.urlsplit(url).path


def fetch(fname, url: str, key: str | None = None, **kwargs) -> str:
    """:func:`~dlx.utils.get_file` for a dataset file, with its known hash."""
    key = key or url.rsplit("/", 1)[-1]
    return get_file(fname, origin=origin(url), file_hash=FILE_HASHES.get(key), **kwargs)
