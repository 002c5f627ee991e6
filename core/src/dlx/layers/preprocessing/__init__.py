"""Keras 3's preprocessing layers with no TensorFlow: numeric ones in ``dlx.ops``, string and
lookup ones in NumPy / pure Python (see ``docs/data.md``)."""

from dlx.layers.preprocessing.hashing import HashedCrossing, Hashing
from dlx.layers.preprocessing.image import CenterCrop, RandomBrightness, RandomContrast, RandomFlip, Resizing
from dlx.layers.preprocessing.index_lookup import IntegerLookup, StringLookup
from dlx.layers.preprocessing.numeric import CategoryEncoding, Discretization, Normalization, Rescaling
from dlx.layers.preprocessing.text_vectorization import TextVectorization

__all__ = ["CategoryEncoding", "CenterCrop", "Discretization", "HashedCrossing", "Hashing", "IntegerLookup",
           "Normalization", "RandomBrightness", "RandomContrast", "RandomFlip", "Rescaling", "Resizing", "StringLookup",
           "TextVectorization"]
