"""California housing prices (``keras.datasets.california_housing``)."""

from __future__ import annotations

import numpy as np

from dlx.datasets._housing import check_split, split
from dlx.datasets._sources import KERAS_BUCKET, fetch


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """20,640 samples (``"large"``) or the first 600 (``"small"``) of 8 features with the median
    house value. Returns ``(x_train, y_train), (x_test, y_test)``.

    Arguments:
        version: ``"large"`` (every sample) or ``"small"`` (the first 600).
        path: the file name the download is cached under (in ``$DLX_HOME/datasets``).
        test_split: the fraction of the (shuffled) samples kept for the test set, in ``[0, 1)``.
        seed: the seed of the shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)`` NumPy arrays.

    Raises:
        ValueError: for ``test_split`` outside ``[0, 1)`` or another ``version``.
    """
    check_split(test_split)
    path = fetch(path, f"{KERAS_BUCKET}california_housing.npz", key="california_housing.npz")
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    elif version != "large":
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version!r}")
    return split(x, y, test_split, seed)
