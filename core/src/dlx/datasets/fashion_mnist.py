"""Fashion-MNIST (``keras.datasets.fashion_mnist``): the four gzipped IDX files."""

from __future__ import annotations

import gzip
import os

import numpy as np

from dlx.datasets._sources import KERAS_BUCKET, fetch

FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz"]


def _read(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load_data():
    """60,000 training and 10,000 test 28x28 grayscale images of clothing (uint8), labels 0-9.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``.
    """
    sub = os.path.join("datasets", "fashion-mnist")
    paths = [fetch(f, KERAS_BUCKET + f, cache_subdir=sub) for f in FILES]
    y_train = _read(paths[0], 8)
    x_train = _read(paths[1], 16).reshape(len(y_train), 28, 28)
    y_test = _read(paths[2], 8)
    x_test = _read(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
