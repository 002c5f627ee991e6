"""``dlx.preprocessing``: Keras's ``keras.preprocessing`` namespace (the dataset utilities and the
``image`` / ``sequence`` helpers, which also live in :mod:`dlx.utils`)."""

from __future__ import annotations

from dlx.preprocessing import image, sequence
from dlx.utils.dataset_utils import (
    image_dataset_from_directory,
    text_dataset_from_directory,
    timeseries_dataset_from_array,
)

__all__ = ["image", "image_dataset_from_directory", "sequence", "text_dataset_from_directory",
           "timeseries_dataset_from_array"]
