"""California housing prices (``keras.datasets.california_housing``)."""

from __future__ import annotations

import numpy as np

from dlx.datasets._housing import check_split, split
from dlx.datasets._sources import KERAS_BUCKET, fetch


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """20,640 samples (``"large"``) or the first 600 (``"small"``) of 8 features with the median
    house value. Returns ``(x_train, y_train), (x_test, y_test)``."""
    check_split(test_split)
    path = fetch(path, f"{KERAS_BUCKET}california_housing.npz", key="california_housing.npz")
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    elif version != "large":
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version!r}")
    return split(x, y, test_split, seed)
