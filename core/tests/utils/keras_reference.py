"""Keras 3's results for the utilities tested in test_utils.py, computed in a subprocess.

``python keras_reference.py OUT.npz``: every case of :data:`CASES` run with ``import keras``
(``KERAS_BACKEND=jax``, where NumPy inputs stay NumPy) and saved under its name. The dlx test runs the same cases with
``import dlx as keras`` and compares.
"""

from __future__ import annotations

import os
import sys

import numpy as np

CASES = {
    "to_categorical": lambda K: K.utils.to_categorical(np.array([[0], [3], [1], [2]])),
    "to_categorical_nc": lambda K: K.utils.to_categorical(np.array([[1, 0], [2, 1]]), num_classes=4),
    "to_categorical_list": lambda K: K.utils.to_categorical([1, 0, 2]),
    "normalize_l2": lambda K: K.utils.normalize(np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 0.0], [1.0, 2.0, 2.0]])),
    # (not axis=0: Keras 3.15 reads axis=0 as -1 when it re-expands the norm; dlx divides along axis 0)
    "normalize_l1_axis1": lambda K: K.utils.normalize(np.array([[[3.0, -4.0], [1.0, 2.0]]]), axis=1, order=1),
    "pad_pre": lambda K: K.utils.pad_sequences([[1, 2, 3], [4, 5], [6], []]),
    "pad_post_trunc_post": lambda K: K.utils.pad_sequences([[1, 2, 3, 4], [5, 6]], maxlen=3, padding="post",
                                                          truncating="post", value=-1),
    "pad_pre_trunc_pre": lambda K: K.utils.pad_sequences([[1, 2, 3, 4], [5]], maxlen=2),
    "pad_float_items": lambda K: K.utils.pad_sequences([np.ones((2, 3)), np.full((1, 3), 2.0)], maxlen=3,
                                                       dtype="float32", value=0.5),
    "pad_strings": lambda K: K.utils.pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>"),
}


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    results = {name: np.asarray(fn(keras)) for name, fn in CASES.items()}
    np.savez(sys.argv[1], allow_pickle=True, **results)
