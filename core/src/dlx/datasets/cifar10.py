"""CIFAR-10 (``keras.datasets.cifar10``)."""

from __future__ import annotations

import os

import numpy as np

from dlx.datasets._cifar import channels, load_batch
from dlx.datasets._sources import TORONTO, fetch


def load_data():
    """50,000 training and 10,000 test 32x32 color images (uint8) in 10 classes.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``; images channels-last unless
        ``dlx.config.image_data_format()`` is ``"channels_first"``; labels of shape ``(N, 1)``.
    """
    path = fetch("cifar-10-batches-py-target", f"{TORONTO}cifar-10-python.tar.gz", key="cifar-10-python.tar.gz",
                 extract=True)
    path = os.path.join(path, "cifar-10-batches-py")
    parts = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts]).astype("uint8")
    y_train = np.concatenate([np.asarray(p[1]) for p in parts]).astype("uint8").reshape(-1, 1)
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    x_test = np.asarray(x_test).astype("uint8")
    y_test = np.asarray(y_test).astype("uint8").reshape(-1, 1)
    return (channels(x_train), y_train), (channels(x_test), y_test)
