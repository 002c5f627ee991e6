"""Image augmentation cases shared by ``test_image_augmentation.py`` and its Keras 3 side
(``image_aug_keras_side.py``): plain data only, so both libraries build the same layer.

``FIXED`` cases are deterministic in both libraries: deterministic layers, and random layers whose
ranges are a single point (``factor=(0.2, 0.2)``) or whose probability is 1, called with
``training=True``; and every random layer at inference (``training=False``).
"""

from __future__ import annotations

import numpy as np

_rng = np.random.default_rng(11)
IMAGES = _rng.uniform(0, 255, size=(2, 12, 10, 3)).astype("float32")
IMAGES_CF = np.ascontiguousarray(IMAGES.transpose(0, 3, 1, 2))
UNIT = (IMAGES / 255.0).astype("float32")
# integer-valued images with flat regions (histogram layers see repeated values)
LEVELS = np.floor(_rng.uniform(0, 8, size=(2, 16, 12, 3))).astype("float32") * 30.0 + 10.0
BOXES = {"boxes": np.array([[[1.0, 2.0, 6.0, 8.0], [0.0, 0.0, 9.0, 11.0]], [[3.0, 1.0, 5.0, 4.0], [2.0, 6.0, 8.0, 10.0]]],
                           "float32"),
         "labels": np.array([[1, 2], [0, 3]], "int32")}

FIXED = [
    # deterministic layers
    ("auto_contrast", "AutoContrast", {}, "IMAGES", {}),
    ("auto_contrast_unit", "AutoContrast", {"value_range": (0, 1)}, "UNIT", {}),
    ("equalization", "Equalization", {}, "LEVELS", {}),
    ("equalization_bins", "Equalization", {"bins": 32}, "IMAGES", {}),
    ("equalization_unit", "Equalization", {"value_range": (0, 1)}, "UNIT", {}),
    ("clahe", "ContrastLimitedAdaptiveHistogramEqualization", {"tile_grid_size": (3, 2)}, "LEVELS", {}),
    ("clahe_pad", "ContrastLimitedAdaptiveHistogramEqualization", {"tile_grid_size": (5, 3), "clip_limit": 2.0},
     "IMAGES", {}),
    ("solarization", "Solarization", {}, "IMAGES", {}),
    ("solarization_unit", "Solarization", {"value_range": (0, 1)}, "UNIT", {}),
    # random layers with one-point ranges
    ("brightness", "RandomBrightness", {"factor": (0.2, 0.2)}, "IMAGES", {}),
    ("brightness_neg", "RandomBrightness", {"factor": (-0.3, -0.3), "value_range": (0, 1)}, "UNIT", {}),
    ("contrast", "RandomContrast", {"factor": (-0.4, 0.4)}, "IMAGES", {}),
    ("saturation", "RandomSaturation", {"factor": (0.7, 0.7)}, "IMAGES", {}),
    ("sharpness", "RandomSharpness", {"factor": (0.8, 0.8)}, "IMAGES", {}),
    ("sharpness_cf", "RandomSharpness", {"factor": (0.2, 0.2), "data_format": "channels_first"}, "IMAGES_CF", {}),
    ("degeneration", "RandomColorDegeneration", {"factor": (0.4, 0.4)}, "IMAGES", {}),
    ("grayscale", "RandomGrayscale", {"factor": 1.0}, "IMAGES", {}),
    ("posterization", "RandomPosterization", {"factor": (3, 3)}, "IMAGES", {}),
    ("posterization_unit", "RandomPosterization", {"factor": (5, 5), "value_range": (0, 1)}, "UNIT", {}),
    ("invert", "RandomInvert", {"factor": (1.0, 1.0)}, "IMAGES", {}),
    ("blur", "RandomGaussianBlur", {"factor": (1.0, 1.0), "sigma": (0.6, 0.6), "kernel_size": 5}, "IMAGES", {}),
    ("jitter", "RandomColorJitter", {"brightness_factor": (0.1, 0.1), "contrast_factor": (-0.3, 0.3)}, "IMAGES", {}),
    ("rotation", "RandomRotation", {"factor": (0.05, 0.05)}, "IMAGES", {}),
    ("rotation_nearest_constant", "RandomRotation",
     {"factor": (-0.1, -0.1), "fill_mode": "constant", "interpolation": "nearest", "fill_value": 3.0}, "IMAGES", {}),
    ("rotation_cf", "RandomRotation", {"factor": (0.08, 0.08), "data_format": "channels_first"}, "IMAGES_CF", {}),
    ("translation", "RandomTranslation", {"height_factor": (0.2, 0.2), "width_factor": (-0.1, -0.1)}, "IMAGES", {}),
    ("translation_wrap", "RandomTranslation",
     {"height_factor": (-0.3, -0.3), "width_factor": (0.25, 0.25), "fill_mode": "wrap"}, "IMAGES", {}),
    ("zoom", "RandomZoom", {"height_factor": (0.2, 0.2)}, "IMAGES", {}),
    ("zoom_xy", "RandomZoom", {"height_factor": (-0.2, -0.2), "width_factor": (0.3, 0.3), "fill_mode": "nearest"},
     "IMAGES", {}),
    ("crop_small", "RandomCrop", {"height": 14, "width": 12}, "IMAGES", {}),
    ("crop_equal_h", "RandomCrop", {"height": 12, "width": 6}, "IMAGES", {}),
    # every random layer at inference: the identity
    *[(f"{name}_inference", name, kw, "IMAGES", {"training": False}) for name, kw in [
        ("RandomFlip", {}), ("RandomRotation", {"factor": 0.2}), ("RandomZoom", {"height_factor": 0.2}),
        ("RandomTranslation", {"height_factor": 0.1, "width_factor": 0.2}), ("RandomCrop", {"height": 5, "width": 4}),
        ("RandomContrast", {"factor": 0.5}), ("RandomBrightness", {"factor": 0.5}), ("RandomHue", {"factor": 0.5}),
        ("RandomSaturation", {"factor": 0.5}), ("RandomSharpness", {"factor": 0.5}),
        ("RandomShear", {"x_factor": 0.3, "y_factor": 0.3}), ("RandomColorJitter", {"brightness_factor": 0.3}),
        ("RandomColorDegeneration", {"factor": 0.5}), ("RandomGrayscale", {}), ("RandomPosterization", {"factor": 4}),
        ("RandomErasing", {}), ("RandomPerspective", {}), ("RandomElasticTransform", {}), ("RandomGaussianBlur", {}),
        ("RandomInvert", {}), ("Equalization", {}), ("Solarization", {"addition_factor": 0.3}), ("MixUp", {}),
        ("CutMix", {}), ("AugMix", {}), ("RandAugment", {})]],
]

# (id, layer, kwargs): bounding boxes through a fixed geometric transform, compared with Keras
BOX_CASES = [
    ("rotation_boxes", "RandomRotation", {"factor": (0.05, 0.05), "bounding_box_format": "xyxy"}),
    ("translation_boxes", "RandomTranslation",
     {"height_factor": (0.2, 0.2), "width_factor": (-0.1, -0.1), "bounding_box_format": "xyxy"}),
    ("translation_rel_boxes", "RandomTranslation",
     {"height_factor": (-0.1, -0.1), "width_factor": (0.2, 0.2), "bounding_box_format": "rel_xyxy"}),
    ("zoom_out_boxes", "RandomZoom", {"height_factor": (-0.2, -0.2), "bounding_box_format": "xyxy"}),
    ("zoom_xy_boxes", "RandomZoom",
     {"height_factor": (0.3, 0.3), "width_factor": (0.1, 0.1), "bounding_box_format": "xyxy"}),
    ("max_boxes_pad", "MaxNumBoundingBoxes", {"max_number": 4, "bounding_box_format": "xyxy"}),
    ("max_boxes_cut", "MaxNumBoundingBoxes", {"max_number": 1, "fill_value": -2, "bounding_box_format": "xyxy"}),
]

# layers whose .keras files are exchanged with Keras both ways (configs with tuples, nested layers)
SAVED = ["auto_contrast", "sharpness", "clahe", "solarization", "contrast", "rotation_cf", "zoom_xy",
         "jitter", "blur", "posterization"]

INPUTS = {"IMAGES": IMAGES, "IMAGES_CF": IMAGES_CF, "UNIT": UNIT, "LEVELS": LEVELS}


def box_input(fmt):
    boxes = BOXES["boxes"]
    if fmt.startswith("rel_"):
        boxes = boxes / np.array([10.0, 12.0, 10.0, 12.0], "float32")
    return {"images": IMAGES, "bounding_boxes": {"boxes": boxes, "labels": BOXES["labels"]}}


def build(layers_module, name, kwargs):
    kwargs = dict(kwargs)
    return getattr(layers_module, name)(**kwargs)
