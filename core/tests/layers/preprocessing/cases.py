"""Preprocessing cases shared by the dlx tests and the Keras 3 side (``keras_side.py``): each is a
layer class name, constructor arguments, optional ``adapt`` data and a call input. Plain data
only (NumPy and lists), so both libraries build the same layer from it."""

from __future__ import annotations

import numpy as np

_rng = np.random.default_rng(7)
WORDS = np.array(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "", "x",
                  "Ünïcode", "emoji🙂", "a b", "longer-token_with.punct"])
STR_2D = _rng.choice(WORDS, size=(6, 5))
STR_COL = _rng.choice(WORDS, size=(40, 1))
INTS_2D = _rng.integers(-5, 60, size=(6, 5)).astype("int64")
INTS_COL = _rng.integers(0, 12, size=(50, 1)).astype("int64")
FLOATS = _rng.normal(2.0, 3.0, size=(64, 3)).astype("float32")
FLOATS_3D = _rng.normal(-1.0, 0.5, size=(8, 4, 3)).astype("float32")
TEXT_TRAIN = np.array([
    "The quick brown fox jumps over the lazy dog.", "A dog! A cat? The END...", "no-punct here, just: words",
    "  many   spaces\tand\ttabs\nnewline ", "Émile's café — UTF-8 text", "the the the fox", "emoji 🙂 party 🙂",
    "[brackets] (parens) {braces}", "digits 123 4,567 8.9", "",
])
TEXT_TEST = np.array(["the lazy cat jumps", "Unknown WORDS here!", "fox fox dog", "", "café 🙂 123"])
HASH_STRS = np.array([[w] for w in [*WORDS.tolist(), "hello", "The", "the", "0", "-1", "1234567890" * 3]])
HASH_INTS = np.array([[0], [1], [-1], [7], [123456789], [-987654321], [2**40], [42]], "int64")

IMAGES = _rng.integers(0, 256, size=(2, 17, 9, 3)).astype("float32")
IMAGES_CF = np.ascontiguousarray(IMAGES.transpose(0, 3, 1, 2))

CASES = [
    # Hashing
    {"id": "hashing_str", "layer": "Hashing", "kwargs": {"num_bins": 3}, "inputs": HASH_STRS},
    {"id": "hashing_str_big", "layer": "Hashing", "kwargs": {"num_bins": 1000003}, "inputs": HASH_STRS},
    {"id": "hashing_mask", "layer": "Hashing", "kwargs": {"num_bins": 9, "mask_value": "x"}, "inputs": HASH_STRS},
    {"id": "hashing_salt", "layer": "Hashing", "kwargs": {"num_bins": 101, "salt": 133}, "inputs": HASH_STRS},
    {"id": "hashing_salt_pair", "layer": "Hashing", "kwargs": {"num_bins": 17, "salt": [3, 2**40]},
     "inputs": HASH_STRS},
    {"id": "hashing_int", "layer": "Hashing", "kwargs": {"num_bins": 7}, "inputs": HASH_INTS},
    {"id": "hashing_int_mask", "layer": "Hashing", "kwargs": {"num_bins": 7, "mask_value": 0}, "inputs": HASH_INTS},
    {"id": "hashing_multi_hot", "layer": "Hashing", "kwargs": {"num_bins": 8, "output_mode": "multi_hot"},
     "inputs": STR_2D},
    {"id": "hashing_count", "layer": "Hashing", "kwargs": {"num_bins": 8, "output_mode": "count"}, "inputs": INTS_2D},
    {"id": "hashing_one_hot", "layer": "Hashing", "kwargs": {"num_bins": 5, "output_mode": "one_hot"},
     "inputs": HASH_STRS},
    # HashedCrossing
    {"id": "cross_str_int", "layer": "HashedCrossing", "kwargs": {"num_bins": 11},
     "inputs": [WORDS[:10], np.arange(-3, 7).astype("int64")]},
    {"id": "cross_three_col", "layer": "HashedCrossing", "kwargs": {"num_bins": 1000},
     "inputs": [STR_COL[:8], STR_COL[8:16], INTS_COL[:8]]},
    {"id": "cross_one_hot", "layer": "HashedCrossing", "kwargs": {"num_bins": 4, "output_mode": "one_hot"},
     "inputs": [WORDS[:6], WORDS[6:12]]},
    # StringLookup
    {"id": "sl_vocab", "layer": "StringLookup", "kwargs": {"vocabulary": ["alpha", "beta", "", "x", "emoji🙂"]},
     "inputs": STR_2D},
    {"id": "sl_adapt", "layer": "StringLookup", "kwargs": {}, "adapt": STR_COL, "inputs": STR_2D},
    {"id": "sl_adapt_max", "layer": "StringLookup", "kwargs": {"max_tokens": 6}, "adapt": STR_COL,
     "inputs": STR_2D},
    {"id": "sl_oov3", "layer": "StringLookup", "kwargs": {"num_oov_indices": 3, "vocabulary": ["alpha", "beta"]},
     "inputs": STR_2D},
    {"id": "sl_oov3_salt", "layer": "StringLookup",
     "kwargs": {"num_oov_indices": 4, "vocabulary": ["alpha"], "salt": 9}, "inputs": STR_2D},
    {"id": "sl_mask", "layer": "StringLookup", "kwargs": {"mask_token": "", "oov_token": "?"}, "adapt": STR_COL,
     "inputs": STR_2D},
    {"id": "sl_invert", "layer": "StringLookup",
     "kwargs": {"vocabulary": ["alpha", "beta", "gamma"], "invert": True, "mask_token": "[M]"},
     "inputs": np.array([[0, 1, 2], [3, 4, 9]], "int64")},
    {"id": "sl_multi_hot", "layer": "StringLookup", "kwargs": {"output_mode": "multi_hot"}, "adapt": STR_COL,
     "inputs": STR_2D},
    {"id": "sl_count_pad", "layer": "StringLookup",
     "kwargs": {"output_mode": "count", "max_tokens": 20, "pad_to_max_tokens": True}, "adapt": STR_COL,
     "inputs": STR_2D},
    {"id": "sl_one_hot", "layer": "StringLookup", "kwargs": {"output_mode": "one_hot"}, "adapt": STR_COL,
     "inputs": STR_COL[:7]},
    {"id": "sl_tf_idf", "layer": "StringLookup", "kwargs": {"output_mode": "tf_idf"}, "adapt": STR_2D,
     "inputs": STR_2D[::-1]},
    {"id": "sl_tf_idf_given", "layer": "StringLookup",
     "kwargs": {"output_mode": "tf_idf", "vocabulary": ["alpha", "beta", "gamma"], "idf_weights": [0.5, 1.5, 2.0]},
     "inputs": STR_2D},
    # IntegerLookup
    {"id": "il_vocab", "layer": "IntegerLookup", "kwargs": {"vocabulary": [12, 36, 1138, 42, 0]},
     "inputs": np.array([[12, 1138, 42], [42, 1000, 36], [0, 7, 12]], "int64")},
    {"id": "il_adapt", "layer": "IntegerLookup", "kwargs": {"max_tokens": 8}, "adapt": INTS_COL, "inputs": INTS_2D},
    {"id": "il_floormod", "layer": "IntegerLookup", "kwargs": {"num_oov_indices": 3, "vocabulary": [1, 2, 3]},
     "inputs": INTS_2D},
    {"id": "il_farmhash", "layer": "IntegerLookup",
     "kwargs": {"num_oov_indices": 3, "vocabulary": [1, 2, 3], "oov_method": "farmhash"}, "inputs": INTS_2D},
    {"id": "il_mask", "layer": "IntegerLookup", "kwargs": {"mask_token": 0}, "adapt": INTS_COL, "inputs": INTS_2D},
    {"id": "il_invert", "layer": "IntegerLookup", "kwargs": {"vocabulary": [10, 20, 30], "invert": True},
     "inputs": np.array([[0, 1, 2, 3, 7]], "int64")},
    {"id": "il_multi_hot", "layer": "IntegerLookup", "kwargs": {"output_mode": "multi_hot"}, "adapt": INTS_COL,
     "inputs": INTS_2D},
    # TextVectorization
    {"id": "tv_int", "layer": "TextVectorization", "kwargs": {}, "adapt": TEXT_TRAIN, "inputs": TEXT_TEST},
    {"id": "tv_int_len", "layer": "TextVectorization", "kwargs": {"output_sequence_length": 4, "max_tokens": 12},
     "adapt": TEXT_TRAIN, "inputs": TEXT_TEST},
    {"id": "tv_int_len_long", "layer": "TextVectorization", "kwargs": {"output_sequence_length": 9},
     "adapt": TEXT_TRAIN, "inputs": TEXT_TEST[:, None]},
    {"id": "tv_ngrams", "layer": "TextVectorization", "kwargs": {"ngrams": 2}, "adapt": TEXT_TRAIN,
     "inputs": TEXT_TEST},
    {"id": "tv_ngrams_tuple", "layer": "TextVectorization", "kwargs": {"ngrams": (1, 3), "output_mode": "count"},
     "adapt": TEXT_TRAIN, "inputs": TEXT_TEST},
    {"id": "tv_multi_hot", "layer": "TextVectorization", "kwargs": {"output_mode": "multi_hot"},
     "adapt": TEXT_TRAIN, "inputs": TEXT_TEST},
    {"id": "tv_count_pad", "layer": "TextVectorization",
     "kwargs": {"output_mode": "count", "max_tokens": 30, "pad_to_max_tokens": True}, "adapt": TEXT_TRAIN,
     "inputs": TEXT_TEST},
    {"id": "tv_tf_idf", "layer": "TextVectorization", "kwargs": {"output_mode": "tf_idf"}, "adapt": TEXT_TRAIN,
     "inputs": TEXT_TEST},
    {"id": "tv_character", "layer": "TextVectorization", "kwargs": {"split": "character", "standardize": "lower"},
     "adapt": TEXT_TRAIN, "inputs": TEXT_TEST},
    {"id": "tv_no_standardize", "layer": "TextVectorization", "kwargs": {"standardize": None},
     "adapt": TEXT_TRAIN, "inputs": TEXT_TEST},
    {"id": "tv_strip_only", "layer": "TextVectorization", "kwargs": {"standardize": "strip_punctuation"},
     "adapt": TEXT_TRAIN, "inputs": TEXT_TEST},
    {"id": "tv_vocab", "layer": "TextVectorization",
     "kwargs": {"vocabulary": ["the", "fox", "dog", "cat"], "output_sequence_length": 5}, "inputs": TEXT_TEST},
    # numeric
    {"id": "norm_adapt", "layer": "Normalization", "kwargs": {}, "adapt": FLOATS, "inputs": FLOATS[:5]},
    {"id": "norm_axis_none", "layer": "Normalization", "kwargs": {"axis": None}, "adapt": FLOATS,
     "inputs": FLOATS[:5]},
    {"id": "norm_axis_12", "layer": "Normalization", "kwargs": {"axis": (1, 2)}, "adapt": FLOATS_3D,
     "inputs": FLOATS_3D[:2]},
    {"id": "norm_batches", "layer": "Normalization", "kwargs": {}, "adapt_batches": [FLOATS[:10], FLOATS[10:47],
                                                                                     FLOATS[47:]],
     "inputs": FLOATS[:5]},
    {"id": "norm_given", "layer": "Normalization", "kwargs": {"mean": [1.0, 2.0, 3.0], "variance": [4.0, 0.25, 1.0]},
     "inputs": FLOATS[:5]},
    {"id": "norm_invert", "layer": "Normalization", "kwargs": {"mean": 2.0, "variance": 9.0, "invert": True},
     "inputs": FLOATS[:5]},
    {"id": "rescaling", "layer": "Rescaling", "kwargs": {"scale": 1 / 127.5, "offset": -1}, "inputs": FLOATS[:5]},
    {"id": "rescaling_channels", "layer": "Rescaling", "kwargs": {"scale": [1.0, 2.0, 0.5], "offset": [0.0, 1.0, 2.0]},
     "inputs": FLOATS_3D[:2]},
    {"id": "disc_bounds", "layer": "Discretization", "kwargs": {"bin_boundaries": [0.0, 1.0, 2.5]},
     "inputs": FLOATS[:6]},
    {"id": "disc_adapt", "layer": "Discretization", "kwargs": {"num_bins": 5}, "adapt": FLOATS,
     "inputs": FLOATS[:6]},
    {"id": "disc_adapt_eps", "layer": "Discretization", "kwargs": {"num_bins": 4, "epsilon": 0.1,
                                                                   "output_mode": "multi_hot"},
     "adapt": FLOATS, "inputs": FLOATS[:6]},
    {"id": "disc_one_hot", "layer": "Discretization",
     "kwargs": {"bin_boundaries": [-1.0, 0.0, 1.0], "output_mode": "one_hot"}, "inputs": FLOATS[:6, :1]},
    {"id": "disc_count", "layer": "Discretization",
     "kwargs": {"bin_boundaries": [-1.0, 0.0, 1.0, 3.0], "output_mode": "count"}, "inputs": FLOATS[:6]},
    {"id": "catenc_multi", "layer": "CategoryEncoding", "kwargs": {"num_tokens": 6},
     "inputs": np.array([[0, 1], [0, 0], [1, 2], [3, 5]], "int32")},
    {"id": "catenc_one_hot", "layer": "CategoryEncoding", "kwargs": {"num_tokens": 4, "output_mode": "one_hot"},
     "inputs": np.array([3, 2, 0, 1], "int32")},
    {"id": "catenc_count", "layer": "CategoryEncoding", "kwargs": {"num_tokens": 5, "output_mode": "count"},
     "inputs": np.array([[0, 1, 1], [4, 4, 4], [2, 0, 3]], "int32")},
    {"id": "catenc_count_w", "layer": "CategoryEncoding", "kwargs": {"num_tokens": 4, "output_mode": "count"},
     "inputs": np.array([[0, 1, 1], [3, 3, 2]], "int32"),
     "call_kwargs": {"count_weights": np.array([[0.5, 1.0, 2.0], [1.5, 0.25, 3.0]], "float32")}},
    # image layers (deterministic; the random ones are tested for seeds and statistics)
    {"id": "resize_bilinear", "layer": "Resizing", "kwargs": {"height": 12, "width": 16}, "inputs": IMAGES},
    {"id": "resize_down", "layer": "Resizing", "kwargs": {"height": 5, "width": 4}, "inputs": IMAGES},
    {"id": "resize_nearest", "layer": "Resizing", "kwargs": {"height": 30, "width": 7, "interpolation": "nearest"},
     "inputs": IMAGES},
    {"id": "resize_crop", "layer": "Resizing", "kwargs": {"height": 10, "width": 10, "crop_to_aspect_ratio": True},
     "inputs": IMAGES},
    {"id": "resize_pad", "layer": "Resizing",
     "kwargs": {"height": 10, "width": 10, "pad_to_aspect_ratio": True, "fill_value": 7.0}, "inputs": IMAGES},
    {"id": "resize_single_cf", "layer": "Resizing",
     "kwargs": {"height": 8, "width": 11, "data_format": "channels_first"}, "inputs": IMAGES_CF[0]},
    {"id": "center_crop", "layer": "CenterCrop", "kwargs": {"height": 6, "width": 4}, "inputs": IMAGES},
    {"id": "center_crop_up", "layer": "CenterCrop", "kwargs": {"height": 20, "width": 12}, "inputs": IMAGES},
    {"id": "flip_inference", "layer": "RandomFlip", "kwargs": {"seed": 1}, "inputs": IMAGES,
     "call_kwargs": {"training": False}},
    {"id": "brightness_inference", "layer": "RandomBrightness", "kwargs": {"factor": 0.3, "seed": 1},
     "inputs": IMAGES, "call_kwargs": {"training": False}},
]

# layers whose .keras round trip is tested both ways (one of each kind, adapted state included)
# (not "sl_adapt": its vocabulary ends with the token "", which Keras's vocabulary reader drops)
SAVED = ["hashing_salt", "cross_str_int", "sl_adapt_max", "sl_tf_idf", "sl_mask", "il_adapt", "il_mask", "tv_int_len",
         "tv_tf_idf", "tv_ngrams_tuple", "norm_adapt", "norm_axis_12", "disc_adapt", "catenc_count", "rescaling",
         "resize_crop", "center_crop"]


def build(layers_module, case):
    """The case's layer from ``layers_module`` (``keras.layers`` or ``dlx.layers``), adapted."""
    layer = getattr(layers_module, case["layer"])(**case["kwargs"])
    if "adapt" in case:
        layer.adapt(case["adapt"])
    if "adapt_batches" in case:
        layer.adapt(iter(case["adapt_batches"]))
    return layer


def as_numpy(out, convert):
    """An output as NumPy (strings as ``str``)."""
    if isinstance(out, list):
        return np.asarray([o.decode() if isinstance(o, bytes) else o for o in out])
    arr = np.asarray(out) if isinstance(out, np.ndarray) else np.asarray(convert(out))
    if arr.dtype.kind in "SO":
        arr = np.vectorize(lambda v: v.decode() if isinstance(v, bytes) else str(v), otypes=[str])(arr)
    return arr
