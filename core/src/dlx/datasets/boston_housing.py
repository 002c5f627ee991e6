"""Boston housing prices (``keras.datasets.boston_housing``)."""

from __future__ import annotations

import numpy as np

from dlx.datasets._housing import check_split, split
from dlx.datasets._sources import KERAS_BUCKET, fetch


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """506 samples of 13 features with the median home value (shuffled with ``seed``, split by
    ``test_split``). Returns ``(x_train, y_train), (x_test, y_test)``.

    Arguments:
        path: the file name the download is cached under (in ``$DLX_HOME/datasets``).
        test_split: the fraction of the (shuffled) samples kept for the test set, in ``[0, 1)``.
        seed: the seed of the shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)`` NumPy arrays.

    Raises:
        ValueError: for ``test_split`` outside ``[0, 1)``.
    """
    check_split(test_split)
    path = fetch(path, f"{KERAS_BUCKET}boston_housing.npz", key="boston_housing.npz")
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return split(x, y, test_split, seed)
