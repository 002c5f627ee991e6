"""The CIFAR "python version" batch files (pickled dicts of ``data`` and labels)."""

from __future__ import annotations

import numpy as np

from dlx.datasets._npz import load_pickle


def load_batch(fpath, label_key="labels"):
    """``(data (N, 3, 32, 32) uint8, labels list)`` of one batch file."""
    with open(fpath, "rb") as f:
        d = load_pickle(f, encoding="bytes")
    d = {(k.decode("utf8") if isinstance(k, bytes) else k): v for k, v in d.items()}
    data = np.asarray(d["data"])
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


def channels(x):
    from dlx import config

    return x.transpose(0, 2, 3, 1) if config.image_data_format() == "channels_last" else x
