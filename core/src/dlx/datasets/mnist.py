"""MNIST handwritten digits (``keras.datasets.mnist``)."""

from __future__ import annotations

import numpy as np

from dlx.datasets._sources import KERAS_BUCKET, fetch


def load_data(path="mnist.npz"):
    """60,000 training and 10,000 test 28x28 grayscale digit images (uint8) with labels 0-9.

    Arguments:
        path: the file name in the cache (``$DLX_HOME/datasets``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``.
    """
    path = fetch(path, f"{KERAS_BUCKET}mnist.npz", key="mnist.npz")
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
