"""Keras 3's preprocessing layers with no TensorFlow: numeric ones in ``dlx.ops``, string and
lookup ones in NumPy / pure Python (see ``docs/data.md``)."""

from dlx.layers.preprocessing.hashing import HashedCrossing, Hashing
from dlx.layers.preprocessing.image import CenterCrop, Resizing
from dlx.layers.preprocessing.image_base import BaseImagePreprocessingLayer
from dlx.layers.preprocessing.image_color import (
    RandomBrightness,
    RandomColorDegeneration,
    RandomColorJitter,
    RandomContrast,
    RandomGaussianBlur,
    RandomGrayscale,
    RandomHue,
    RandomInvert,
    RandomPosterization,
    RandomSaturation,
    RandomSharpness,
    Solarization,
)
from dlx.layers.preprocessing.image_geometry import (
    RandomCrop,
    RandomElasticTransform,
    RandomErasing,
    RandomFlip,
    RandomPerspective,
    RandomRotation,
    RandomShear,
    RandomTranslation,
    RandomZoom,
)
from dlx.layers.preprocessing.image_histogram import (
    AutoContrast,
    ContrastLimitedAdaptiveHistogramEqualization,
    Equalization,
)
from dlx.layers.preprocessing.image_mixing import (
    AugMix,
    CutMix,
    MaxNumBoundingBoxes,
    MixUp,
    Pipeline,
    RandAugment,
)
from dlx.layers.preprocessing.index_lookup import IntegerLookup, StringLookup
from dlx.layers.preprocessing.numeric import CategoryEncoding, Discretization, Normalization, Rescaling
from dlx.layers.preprocessing.text_vectorization import TextVectorization

__all__ = [
    "AugMix", "AutoContrast", "BaseImagePreprocessingLayer", "CategoryEncoding", "CenterCrop",
    "ContrastLimitedAdaptiveHistogramEqualization", "CutMix", "Discretization", "Equalization", "HashedCrossing",
    "Hashing", "IntegerLookup", "MaxNumBoundingBoxes", "MixUp", "Normalization", "Pipeline", "RandAugment",
    "RandomBrightness", "RandomColorDegeneration", "RandomColorJitter", "RandomContrast", "RandomCrop",
    "RandomElasticTransform", "RandomErasing", "RandomFlip", "RandomGaussianBlur", "RandomGrayscale", "RandomHue",
    "RandomInvert", "RandomPerspective", "RandomPosterization", "RandomRotation", "RandomSaturation",
    "RandomSharpness", "RandomShear", "RandomTranslation", "RandomZoom", "Rescaling", "Resizing", "Solarization",
    "StringLookup", "TextVectorization",
]
