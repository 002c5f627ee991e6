"""The FeatureSpace cases compared with Keras (plain data, shared by both sides)."""

from __future__ import annotations

import numpy as np

_rng = np.random.default_rng(3)
N = 90
TRAIN = {
    "age": _rng.uniform(18, 80, N).astype("float32"),
    "income": _rng.normal(50.0, 20.0, N).astype("float32"),
    "score": _rng.uniform(0, 1, N).astype("float32"),
    "height": _rng.normal(170.0, 10.0, N).astype("float32"),
    "rooms": _rng.integers(1, 6, N).astype("int32"),
    "zip": _rng.integers(1000, 1010, N).astype("int32"),
    "color": _rng.choice(np.array(["red", "blue", "green", "teal"]), N),
    "city": _rng.choice(np.array(["paris", "rome", "oslo"]), N),
}
TEST = {k: np.concatenate([v[:5], v[-2:]]) for k, v in TRAIN.items()}
TEST["color"][0] = "purple"  # out of vocabulary
TEST["rooms"][1] = 99


def spec(FS, case):
    """The FeatureSpace of ``case`` built with the library's ``FS`` class."""
    if case == "all_kinds":
        return FS(features={
            "age": FS.float_discretized(num_bins=4, name="age"), "income": FS.float_normalized(name="income"),
            "score": FS.float(name="score"), "height": FS.float_rescaled(scale=0.01, offset=-1.0, name="height"),
            "rooms": FS.integer_categorical(name="rooms"), "zip": FS.integer_hashed(num_bins=7, name="zip"),
            "color": FS.string_categorical(name="color"), "city": FS.string_hashed(num_bins=5, name="city")},
            crosses=[FS.cross(("color", "city"), crossing_dim=8), FS.cross(("rooms", "zip"), crossing_dim=6)],
            output_mode="concat")
    if case == "strings_shorthand":
        return FS(features={"age": "float_discretized", "income": "float_normalized", "rooms": "integer_categorical",
                            "color": "string_categorical", "city": "string_hashed", "zip": "integer_hashed"},
                  crosses=[("color", "rooms")], crossing_dim=16, hashing_dim=9, num_discretization_bins=3)
    if case == "dict_int":
        return FS(features={
            "rooms": FS.integer_categorical(output_mode="int", max_tokens=4, name="rooms"),
            "color": FS.string_categorical(num_oov_indices=2, name="color"),
            "income": FS.float_normalized(name="income")},
            crosses=[FS.cross(("rooms", "color"), crossing_dim=10, output_mode="int")], output_mode="dict")
    raise ValueError(case)


CASES = ["all_kinds", "strings_shorthand", "dict_int"]
