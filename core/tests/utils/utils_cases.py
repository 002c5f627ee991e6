"""The dataset-utility calls compared with Keras (plain data, shared by both sides)."""

from __future__ import annotations

import numpy as np

SERIES = np.arange(200, dtype="float32").reshape(100, 2) * np.array([1.0, -0.5], "float32")
TARGETS = np.arange(100, dtype="int64") * 3

CASES = [
    ("ts_basic", "timeseries_dataset_from_array", {"sequence_length": 5, "batch_size": 8}),
    ("ts_stride", "timeseries_dataset_from_array",
     {"sequence_length": 4, "sequence_stride": 3, "sampling_rate": 2, "batch_size": 7, "start_index": 5,
      "end_index": 90}),
    ("ts_no_targets", "timeseries_dataset_from_array",
     {"sequence_length": 10, "sampling_rate": 3, "batch_size": 16, "with_targets": False}),
    ("img_bilinear", "image_dataset_from_directory",
     {"directory": "images", "image_size": (12, 16), "shuffle": False, "batch_size": 4}),
    ("img_nearest_gray", "image_dataset_from_directory",
     {"directory": "images", "image_size": (9, 7), "shuffle": False, "batch_size": 5, "interpolation": "nearest",
      "color_mode": "grayscale", "label_mode": "categorical"}),
    ("img_crop", "image_dataset_from_directory",
     {"directory": "images", "image_size": (10, 10), "shuffle": False, "crop_to_aspect_ratio": True,
      "label_mode": None}),
    ("img_pad", "image_dataset_from_directory",
     {"directory": "images", "image_size": (14, 6), "shuffle": False, "pad_to_aspect_ratio": True,
      "class_names": ["zebras", "cats"], "color_mode": "rgba"}),
    ("img_split", "image_dataset_from_directory",
     {"directory": "images", "image_size": (8, 8), "shuffle": True, "seed": 42, "validation_split": 0.25,
      "subset": "both", "batch_size": 100}),
    ("img_upscale", "image_dataset_from_directory",
     {"directory": "images", "image_size": (50, 61), "shuffle": False, "batch_size": 32}),
    ("txt", "text_dataset_from_directory", {"directory": "texts", "shuffle": False, "batch_size": 2}),
    ("txt_max", "text_dataset_from_directory",
     {"directory": "texts", "shuffle": False, "max_length": 14, "label_mode": "binary"}),
    ("txt_shuffled", "text_dataset_from_directory", {"directory": "texts", "shuffle": True, "seed": 3,
                                                     "batch_size": 100}),
    ("audio", "audio_dataset_from_directory", {"directory": "audio", "shuffle": False, "batch_size": 2}),
    ("audio_len", "audio_dataset_from_directory",
     {"directory": "audio", "shuffle": False, "output_sequence_length": 90, "label_mode": "categorical"}),
]
