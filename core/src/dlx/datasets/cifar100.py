"""CIFAR-100 (``keras.datasets.cifar100``)."""

from __future__ import annotations

import os

import numpy as np

from dlx.datasets._cifar import channels, load_batch
from dlx.datasets._sources import TORONTO, fetch


def load_data(label_mode="fine"):
    """50,000 training and 10,000 test 32x32 color images in 100 (``"fine"``) or 20
    (``"coarse"``) classes.

    Arguments:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 superclasses).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images, channels-last unless
        ``dlx.config.image_data_format()`` is ``"channels_first"``, and labels of shape
        ``(N, 1)``.

    Raises:
        ValueError: for another ``label_mode``.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of "fine", "coarse"; received label_mode={label_mode!r}')
    path = fetch("cifar-100-python-target", f"{TORONTO}cifar-100-python.tar.gz", key="cifar-100-python.tar.gz",
                 extract=True)
    path = os.path.join(path, "cifar-100-python")
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=f"{label_mode}_labels")
    y_train = np.reshape(np.asarray(y_train), (len(y_train), 1))
    y_test = np.reshape(np.asarray(y_test), (len(y_test), 1))
    return (channels(x_train), y_train), (channels(x_test), y_test)
